"""Business time ("valid time") of a fact, beside the time it was recorded.

Why two times: a figure *as of* T says what coprod knew at T (recording time, the log's
order). A figure *at a business date* D (``--valid-at``) says what was true at D, as known
now: a decision taken on 3 May and recorded on 10 May counts at 5 May; a past cycle imported
from Pabulib in 2026 counts at its real ballot dates, not on the day of the import.

The rules, the same for every read model that offers valid-at:

* an event with a business date of its own (``decided_on``, ``met_on``, ``spent_on``,
  ``worked_on``...) is valid from the end of that day (UTC), or from the moment it was
  recorded if that is earlier (a fact recorded on its own day is valid as it is recorded);
* an event without one is valid when it was recorded...
* ...except while a past cycle is being imported (between a Pabulib file's
  ``FileImportStarted`` and ``FileImportCompleted``): then it is valid from the end of the
  file's ``date_begin``, and the ballot's close from the end of its ``date_end``;
* in the impact figures, a subject (a project, an idea) exists at D once any fact of it is
  valid by D, even if the fact that created it was recorded later without a date (a project
  funded today whose spend, imported from CSV, is dated last year);
* a process's settings (budget, areas, ballot state) at D are its last version valid by D;
  a process typed in after the fact (opened today, its decisions dated last year) has none
  then, so its first version is used as long as some fact of it is valid by D;
* a ballot carries no time of its own in a Pabulib file: a counted ballot is valid from when
  it was recorded or, once the ballot is closed, from the close's business time, whichever is
  earlier (it was cast by the close).

Planned dates (a milestone's ``due_on``, a tender's deadline) are plans, not occurrences: they
do not date the event that records them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from coprod.domain.errors import InvalidInput, NotFound, NotYetRecorded, NotYetValid
from coprod.domain.pabulib_source import PabulibIdentity, pabulib_date
from projections.store import Connection
from projections.stored_ballot import from_us, to_us

__all__ = [
    "BUSINESS_DATE_FIELDS",
    "FOREVER",
    "PROCESS_TIME_COLUMNS",
    "Moments",
    "backdate",
    "business_date",
    "end_of_day_us",
    "import_period",
    "not_found_at",
    "parse_valid_at",
    "process_row_at",
    "valid_since",
    "valid_until",
]

#: When a figure describes: recorded by (as-of) and true at (valid-at); None for now.
Moments = tuple[datetime | None, date | datetime | None]

#: The columns a model's process row adds for business time: an imported cycle's clock (its
#: undated facts' business time, then its close's) and the row's own business time.
PROCESS_TIME_COLUMNS = ("backdate_begin", "backdate_end", "valid_us")

#: Later than any stored time: "no valid-at given".
FOREVER = 2**62

#: The fields that date an occurrence, in the order they are looked for on an event.
BUSINESS_DATE_FIELDS = (
    "decided_on",
    "worked_on",
    "met_on",
    "started_on",
    "spent_on",
    "received_on",
    "completed_on",
    "reported_on",
    "noted_on",
    "sent_on",
    "answered_on",
    "defined_on",
    "held_on",
    "signed_on",
)


def business_date(event: Any) -> date | None:
    """The date the event's occurrence happened, if the event states one."""
    for name in BUSINESS_DATE_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, date):
            return value
    return None


def end_of_day_us(day: date) -> int:
    """The last microsecond of `day` (UTC): a fact dated `day` is true by then."""
    return to_us(datetime.combine(day, time.max, tzinfo=UTC))


def valid_since(ts_us: int, dated: date | None, backdated_us: int | None = None) -> int:
    """When a fact recorded at `ts_us` became true (see the module's rules)."""
    if dated is not None:
        return min(ts_us, end_of_day_us(dated))
    if backdated_us is not None:
        return min(ts_us, backdated_us)
    return ts_us


def valid_until(valid_at: date | datetime | None) -> int:
    """The business moment a valid-at reads at: a date means the end of that day (UTC).

    A datetime must be timezone-aware, as for as-of (events are stamped in UTC).
    """
    if valid_at is None:
        return FOREVER
    if isinstance(valid_at, datetime):
        if valid_at.tzinfo is None:
            raise InvalidInput(
                "valid_at", "must be a date or a timezone-aware time (e.g. 2024-05-31)"
            )
        return to_us(valid_at)
    return end_of_day_us(valid_at)


def parse_valid_at(text: str) -> date | datetime:
    """A valid-at as typed: ``2024-05-31`` (that whole day) or an ISO time with its zone.

    A midnight written as a time stays a moment (the day's start), never widened to the day.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "valid_at", f"{text!r} is not a date (2024-05-31) or a time with its zone"
        ) from None
    valid_until(moment)  # refuses a time without its zone
    return moment


def import_period(identity: PabulibIdentity) -> tuple[int, int] | None:
    """An imported file's business times: the ends of its ``date_begin`` and ``date_end``
    (microseconds since 1970 UTC), or None if its dates cannot be read.

    The importer refuses files whose dates it cannot read, so None is for a file imported
    before it checked them: its facts keep their recording times.
    """
    begin = pabulib_date(identity.date_begin, end=False)
    end = pabulib_date(identity.date_end, end=True)
    if begin is None or end is None:
        return None
    return end_of_day_us(begin), end_of_day_us(max(begin, end))


def backdate(
    conn: Connection,
    buffered: Sequence[tuple[str, list[tuple[Any, ...]], Sequence[str]]],
    pid: str,
    valid_us: int,
) -> None:
    """A past cycle's import began: what it recorded so far is valid from `valid_us`.

    The importer records the process and its proposals before the file's provenance (which
    names the process), so their rows are moved back when the provenance arrives: in the
    batch's buffers (``(table, rows, columns)``, rows changed in place) and in the tables.
    Every such table has ``process_id`` and ``valid_us`` columns.
    """
    for table, rows, columns in buffered:
        at, key = columns.index("valid_us"), columns.index("process_id")
        rows[:] = [
            (*r[:at], min(r[at], valid_us), *r[at + 1 :]) if r[key] == pid else r for r in rows
        ]
        conn.execute(
            f"UPDATE {table} SET valid_us = ? WHERE process_id = ? AND valid_us > ?",
            (valid_us, pid, valid_us),
        )


def not_found_at(
    conn: Connection,
    prefix: str,
    process_id: Any,
    as_of: datetime | None,
    valid_at: date | datetime | None,
) -> NotFound:
    """No such process in ``<prefix>_process``, or not yet: recorded later than `as_of` (then
    say when it was first recorded) or nothing of it true yet at `valid_at` (then say from
    when its first fact or version is)."""
    first = conn.execute(
        f"SELECT MIN(ts_us), MIN(valid_us) FROM {prefix}_process WHERE process_id = ?",
        (process_id.hex,),
    )
    if not first or first[0][0] is None:
        return NotFound("process", process_id)
    recorded, valid = int(first[0][0]), int(first[0][1])
    if as_of is not None and recorded > to_us(as_of):
        return NotYetRecorded("process", process_id, as_of, from_us(recorded))
    if valid_at is None:
        return NotFound("process", process_id)
    facts = conn.execute(
        f"SELECT MIN(valid_us) FROM {prefix}_facts WHERE process_id = ?", (process_id.hex,)
    )
    if facts and facts[0][0] is not None:
        valid = min(valid, int(facts[0][0]))
    return NotYetValid("process", process_id, valid_at, from_us(valid))


def process_row_at(
    conn: Connection, prefix: str, columns: Sequence[str], pid: str, until: int, valid: int
) -> tuple[Any, ...] | None:
    """The process's row (`columns` of ``<prefix>_process``) recorded by `until` and valid
    at `valid`; see the module's rules for a process typed in after the fact."""
    selected = ", ".join(columns)
    rows = conn.execute(
        f"SELECT {selected} FROM {prefix}_process WHERE process_id = ? AND ts_us <= ? "
        "AND valid_us <= ? ORDER BY notification_id DESC LIMIT 1",
        (pid, until, valid),
    )
    if rows:
        return tuple(rows[0])
    if not conn.execute(
        f"SELECT 1 FROM {prefix}_facts WHERE process_id = ? AND ts_us <= ? AND valid_us <= ? "
        "LIMIT 1",
        (pid, until, valid),
    ):
        return None
    first = conn.execute(
        f"SELECT {selected} FROM {prefix}_process WHERE process_id = ? AND ts_us <= ? "
        "ORDER BY notification_id LIMIT 1",
        (pid, until),
    )
    return tuple(first[0]) if first else None
