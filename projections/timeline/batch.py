"""The rows one batch of events adds to the timeline, written with a few bulk statements."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from eventsourcing.persistence import Tracking

from projections.store import Connection
from projections.stored_ballot import to_us
from projections.timeline.summaries import Summary
from projections.timeline.tables import ENTRY_COLUMNS, SUBJECT_KINDS
from projections.timeline.values import Change, LinkRow, as_text
from projections.valid_time import backdate, business_date, valid_since

if TYPE_CHECKING:
    from projections.timeline.model import TimelineModel


class RowDetails(TypedDict, total=False):
    """What a timeline row may add to its summary: the item, the reason, changes, links and
    the log position of the row it corrects."""

    item: str
    reason: str | None
    changes: Sequence[Change]
    links: Iterable[LinkRow]
    corrects: int | None


class TimelineBatch:
    """The rows one batch adds, collected in memory and written with a few bulk statements."""

    def __init__(self, conn: Connection, prefix: str, model: TimelineModel) -> None:
        self.conn = conn
        self.prefix = prefix
        self.model = model
        self.entries: list[tuple[Any, ...]] = []
        self.subjects = model.subjects.buffer()
        self.merges: list[tuple[Any, ...]] = []
        #: Subjects whose remembered fields changed in this batch (one upsert each).
        self.dirty: set[str] = set()
        self.new_options: list[tuple[str, str]] = []

    # subjects and chains

    def subject(self, sid: str, chain: str, kind: str, process: str, moment: datetime) -> None:
        self.model.subjects.add(self.subjects, sid, chain, kind, process, to_us(moment))
        self.model._state[sid] = {}  # created now: nothing of it is stored yet

    def subject_of(self, sid: str) -> tuple[str, str] | None:
        found = self.model.subjects.lookup(self.conn, self.prefix, sid)
        if found is None:
            return None  # an aggregate the timeline never saw created
        return str(found[0]), str(found[1])

    def chain(self, sid: str) -> str | None:
        found = self.subject_of(sid)
        return None if found is None else found[0]

    # field state

    def _fields(self, sid: str) -> dict[str, str | None]:
        """All of a subject's remembered fields, from one row (read once per cache)."""
        fields = self.model._state.get(sid)
        if fields is None:
            rows = self.conn.execute(
                f"SELECT fields FROM {self.prefix}_state WHERE subject_id = ?", (sid,)
            )
            fields = json.loads(rows[0][0]) if rows else {}
            self.model._state[sid] = fields
        return fields

    def get(self, sid: str, item: str, name: str) -> str | None:
        return self._fields(sid).get(f"{item}/{name}")

    def set(self, sid: str, item: str, name: str, value: str | None) -> None:
        self._fields(sid)[f"{item}/{name}"] = value
        self.dirty.add(sid)

    def changes(self, sid: str, item: str, values: dict[str, Any]) -> list[Change]:
        """Record the new values; return the fields that changed, each with its earlier value."""
        result: list[Change] = []
        for name, value in values.items():
            after = as_text(value)
            before = self.get(sid, item, name)
            if before == after:
                continue
            result.append((name, before, after))
            self.set(sid, item, name, after)
        return result

    # ballot papers

    def options(self, process: str, proposals: tuple[str, ...]) -> None:
        self.model._options[process] = proposals
        self.new_options.extend((process, p) for p in proposals)

    def ballot_options(self, process: str) -> tuple[str, ...]:
        found = self.model._options.get(process)
        if found is None:
            rows = self.conn.execute(
                f"SELECT proposal_id FROM {self.prefix}_options WHERE process_id = ? "
                "ORDER BY proposal_id",
                (process,),
            )
            found = tuple(str(r[0]) for r in rows)
            self.model._options[process] = found
        return found

    # rows

    def row(
        self,
        chain: str,
        e: Any,
        t: Tracking,
        stage: str,
        summary: Summary,
        **details: Unpack[RowDetails],
    ) -> None:
        """One entry of the chain: the event, where in the story, what happened and why."""
        item = details.get("item", "")
        reason = details.get("reason")
        changes = details.get("changes", ())
        links = details.get("links", ())
        corrects = details.get("corrects")
        found = self.subject_of(chain)
        process = "" if found is None else found[1]
        actor = e.actor
        event = type(e).__qualname__
        self.entries.append(
            (
                chain,
                t.notification_id,
                to_us(e.timestamp),
                process,
                stage,
                event,
                SUBJECT_KINDS[event.split(".")[0]],
                e.originator_id.hex,
                item or None,
                summary.english,
                reason,
                actor.id.hex,
                actor.role.value,
                None if actor.organisation_id is None else actor.organisation_id.hex,
                json.dumps([list(c) for c in changes], ensure_ascii=False),
                json.dumps([list(link) for link in links], ensure_ascii=False),
                corrects,
                summary.code,
                json.dumps(summary.values, ensure_ascii=False),
                self.valid_of(process, e),
            )
        )

    # business time (see projections.valid_time)

    def valid_of(self, process: str, e: Any) -> int:
        """When what event `e` tells became true: its own date, or when it was recorded (or
        the date an imported past cycle's undated events take)."""
        begin = self.get(process, "", "backdate_begin") if process else None
        backdated = None if begin is None else int(begin)
        return valid_since(to_us(e.timestamp), business_date(e), backdated)

    def backdate(self, process: str, valid_us: int) -> None:
        """A past cycle's import began (see :func:`projections.valid_time.backdate`)."""
        buffered = [(f"{self.prefix}_entries", self.entries, ENTRY_COLUMNS)]
        backdate(self.conn, buffered, process, valid_us)

    def write(self) -> None:
        p, conn = self.prefix, self.conn
        self.subjects.flush(conn, p)
        conn.insert_rows(
            f"{p}_merges", ("notification_id", "ts_us", "source_id", "target_id"), self.merges
        )
        conn.insert_rows(f"{p}_options", ("process_id", "proposal_id"), self.new_options)
        conn.insert_rows(f"{p}_entries", ENTRY_COLUMNS, self.entries)
        state = self.model._state
        conn.executemany(
            f"INSERT INTO {p}_state (subject_id, fields) VALUES (?, ?) "
            "ON CONFLICT (subject_id) DO UPDATE SET fields = excluded.fields",
            [(sid, json.dumps(state[sid], ensure_ascii=False)) for sid in sorted(self.dirty)],
        )
