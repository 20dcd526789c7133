"""Reading a timeline: one chain's entries as of a time, with merges and the proposal's tally."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.domain.errors import InvalidInput, NotFound, NotYetRecorded, NotYetValid
from projections.process_summary import ProposalTally, process_summary
from projections.store import DB_ERRORS, Connection, read_generation
from projections.stored_ballot import from_us, to_us
from projections.timeline.model import TimelineModel
from projections.timeline.summaries import Summary, summary
from projections.timeline.tables import ENTRY_COLUMNS
from projections.valid_time import Moments, valid_until

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: "As of now": later than any event timestamp.
_FOREVER = 2**62


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field an event set: its value before (None when it had none) and after."""

    field: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Link:
    """A pointer from a timeline row to another item (relation, what it is, its id)."""

    relation: str
    kind: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"relation": self.relation, "kind": self.kind, "target": self.target}


def _uuidas_text(value: str | None) -> str | None:
    """Stored hex ids are shown in the usual UUID form; other targets (URLs) unchanged."""
    if value is None or len(value) != 32:
        return value
    try:
        return str(UUID(hex=value))
    except ValueError:
        return value


@dataclass(frozen=True)
class TimelineEntry:
    """One event in the story, with who, why, what changed and what it corrects."""

    #: Fields a public view must drop: the actor's pseudonymous id links acts of one person.
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"actor_id"})

    position: int
    at: datetime
    stage: str
    event: str
    subject_kind: str
    subject_id: UUID
    item: str | None
    summary: str
    reason: str | None
    actor_id: UUID
    actor_role: str
    actor_organisation_id: UUID | None
    changes: tuple[FieldChange, ...]
    links: tuple[Link, ...]
    #: Log position of the row this one corrects, revises or moves (None otherwise).
    corrects: int | None
    #: Log positions of the later rows that correct this one (as of the timeline's time).
    corrected_by: tuple[int, ...] = ()
    #: The summary as a code and plain values (see :mod:`projections.timeline.summaries`).
    summary_code: str = ""
    summary_values: dict[str, Any] = field(default_factory=dict)
    #: When what the entry tells became true (its own date, or `at`): see valid_time.
    valid_from: datetime | None = None

    def summary_parts(self, *, public: bool = False) -> tuple[str, dict[str, Any]]:
        """The summary's code and values as the view (public or not) shows the summary."""
        if public and self.event == "Contribution.ContributionLogged":
            line = _public_log_summary(self.changes)
            return line.code, line.values
        return self.summary_code, self.summary_values

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "position": self.position,
            "at": self.at.isoformat(),
            "stage": self.stage,
            "event": self.event,
            "subject_kind": self.subject_kind,
            "subject_id": str(self.subject_id),
            "item": _uuidas_text(self.item),
            "summary": self.summary,
            "reason": self.reason,
            "actor_id": str(self.actor_id),
            "actor_role": self.actor_role,
            "actor_organisation_id": None
            if self.actor_organisation_id is None
            else str(self.actor_organisation_id),
            "changes": [c.to_dict() for c in self.changes],
            "links": [link.to_dict() for link in self.links],
            "corrects": self.corrects,
            "corrected_by": list(self.corrected_by),
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
        }
        if public:
            for name in self.PERSONAL_FIELDS:
                del data[name]
            if self.event == "Contribution.ContributionLogged":
                data.update(_public_log(self.changes))
        return data


def _public_log(changes: tuple[FieldChange, ...]) -> dict[str, Any]:
    """A contribution log without its head count: one log's people count is a count of
    people below k as often as not, and summing logs recovered hidden report cells. The
    public reads head-counts only as disclosure-controlled totals from a release."""
    kept = tuple(c for c in changes if c.field not in PUBLIC_DROPPED_CHANGES)
    return {
        "summary": _public_log_summary(kept).english,
        "changes": [c.to_dict() for c in kept],
    }


def _public_log_summary(changes: tuple[FieldChange, ...]) -> Summary:
    after = {c.field: c.after for c in changes}
    return summary(
        "work_logged_public",
        hours=after.get("hours"),
        worked_on=after.get("worked_on"),
        phase=after.get("phase"),
        level=after.get("level"),
    )


#: Fields of a contribution log the public view leaves out (see :func:`_public_log`).
PUBLIC_DROPPED_CHANGES = frozenset({"people_count"})


@dataclass(frozen=True)
class Timeline:
    """The story of one idea chain as the read model had it at `as_of` (None: now).

    `chain_ids` are the idea asked about's final chain first, then the ideas merged into it;
    `tally` is the proposal's count after the ballot closed (None before, or if it was not
    on a ballot), from the process summary read model.
    """

    subject_id: UUID
    as_of: datetime | None
    process_id: UUID
    chain_ids: tuple[UUID, ...]
    decision_ids: tuple[UUID, ...]
    project_id: UUID | None
    entries: tuple[TimelineEntry, ...]
    tally: tuple[ProposalTally, ...] | None = field(default=None)
    #: The business date the story is told at (None: everything true now, as recorded).
    valid_at: date | datetime | None = field(default=None)

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        """JSON-ready; `public` drops every personal-ish field (listed under personal_fields)."""
        return {
            "subject_id": str(self.subject_id),
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "valid_at": None if self.valid_at is None else self.valid_at.isoformat(),
            "process_id": str(self.process_id),
            "chain_ids": [str(c) for c in self.chain_ids],
            "decision_ids": [str(d) for d in self.decision_ids],
            "project_id": None if self.project_id is None else str(self.project_id),
            "personal_fields": []
            if public
            else sorted(f"entries[].{n}" for n in TimelineEntry.PERSONAL_FIELDS),
            "tally": None
            if self.tally is None
            else [
                {
                    "proposal_id": str(t.proposal_id),
                    "approvals": t.approvals,
                    "points": t.points,
                    "supporters": t.supporters,
                    "rank_positions": [list(r) for r in t.rank_positions],
                }
                for t in self.tally
            ],
            "entries": [e.to_dict(public=public) for e in self.entries],
        }


def project_timeline(
    subject_id: UUID,
    as_of: datetime | None = None,
    *,
    valid_at: date | datetime | None = None,
    settings: StoreSettings | None = None,
    conn: Connection | None = None,
) -> Timeline:
    """The timeline of a project, idea/proposal or decision now, or exactly as it was at `as_of`.

    Every id of one chain gives the same timeline; a merged idea gives the timeline of the
    idea it was merged into (once the merge is in effect at `as_of`). `as_of` must be
    timezone-aware. Raises NotFound for an id the read model had not seen by `as_of`. With
    `valid_at`, only what was true at that business date (NotYetValid if nothing of the
    story was yet): see :mod:`projections.valid_time`.
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    valid_until(valid_at)  # refuses a naive time before any reading
    own = conn is None
    connection = conn or Connection(settings or settings_from_env())
    key = TimelineModel.key()
    try:
        for attempt in range(3):
            try:
                with connection.snapshot():
                    generation = read_generation(connection, key)
                    if generation is None:
                        raise NotFound("read model", f"{key} (run `coprod project --once`)")
                    prefix = TimelineModel.prefix(generation.active)
                    timeline = _read(connection, prefix, subject_id, (as_of, valid_at))
                break
            except DB_ERRORS as e:
                # A rebuild dropped the generation between our registry read and the query.
                if attempt == 2 or not Connection.is_missing_table(e):
                    raise
        else:  # pragma: no cover - the loop either breaks or raises
            raise AssertionError("unreachable")
        return _with_tally(connection, timeline)
    finally:
        if own:
            connection.close()


def _with_tally(conn: Connection, timeline: Timeline) -> Timeline:
    """Add the chain's ballot result, which the process summary shows only after the close."""
    try:
        summary = process_summary(
            timeline.process_id, timeline.as_of, valid_at=timeline.valid_at, conn=conn
        )
    except NotFound:
        return timeline
    if summary.tallies is None:
        return timeline
    ours = set(timeline.chain_ids)
    tally = tuple(t for t in summary.tallies if t.proposal_id in ours)
    if not tally:
        return timeline
    return dataclasses.replace(timeline, tally=tally)


def _read(conn: Connection, p: str, subject_id: UUID, when: Moments) -> Timeline:
    as_of, valid_at = when
    until = _FOREVER if as_of is None else to_us(as_of)
    valid = valid_until(valid_at)
    found = conn.execute(
        f"SELECT chain_id, process_id FROM {p}_subjects WHERE subject_id = ? AND ts_us <= ?",
        (subject_id.hex, until),
    )
    if not found:
        kind = "project, idea or decision"
        if as_of is not None:  # known later? then say so, with when it was first recorded
            later = conn.execute(
                f"SELECT ts_us FROM {p}_subjects WHERE subject_id = ?", (subject_id.hex,)
            )
            if later:
                raise NotYetRecorded(kind, subject_id, as_of, from_us(int(later[0][0])))
        raise NotFound(kind, subject_id)
    chain, process = str(found[0][0]), str(found[0][1])
    chains = _chains(conn, p, chain, until)
    marks = ", ".join("?" for _ in chains)
    subjects = conn.execute(
        f"SELECT subject_id, kind FROM {p}_subjects WHERE chain_id IN ({marks}) AND ts_us <= ? "
        "AND kind IN ('decision', 'project') ORDER BY ts_us, subject_id",
        (*chains, until),
    )
    rows = conn.execute(
        f"SELECT {', '.join(ENTRY_COLUMNS[1:])} FROM {p}_entries "
        f"WHERE chain_id IN ({marks}) AND ts_us <= ? AND valid_us <= ? "
        "ORDER BY ts_us, notification_id, subject_id",
        (*chains, until, valid),
    )
    entries = _entries(rows)
    if valid_at is not None:
        if not entries:
            raise _not_yet_valid(conn, p, chains, subject_id, valid_at)
        told = {e.subject_id.hex for e in entries}  # what the story had reached by then
        subjects = [(s, kind) for s, kind in subjects if str(s) in told]
    projects = [UUID(hex=str(s)) for s, kind in subjects if kind == "project"]
    return Timeline(
        subject_id=subject_id,
        as_of=as_of,
        valid_at=valid_at,
        process_id=UUID(hex=process),
        chain_ids=tuple(UUID(hex=c) for c in chains),
        decision_ids=tuple(UUID(hex=str(s)) for s, kind in subjects if kind == "decision"),
        project_id=projects[0] if projects else None,
        entries=entries,
    )


def _chains(conn: Connection, p: str, chain: str, until: int) -> list[str]:
    """The idea that carries `chain`'s story on (merges followed forward), first, then every
    idea merged into it, however deep, as of `until`."""
    seen = {chain}
    while True:  # follow merges forward to the idea that carries the story on
        target = conn.execute(
            f"SELECT target_id FROM {p}_merges WHERE source_id = ? AND ts_us <= ?", (chain, until)
        )
        if not target or str(target[0][0]) in seen:
            break
        chain = str(target[0][0])
        seen.add(chain)
    chains = [chain]
    frontier = [chain]
    while frontier:  # and back to every idea merged into it, however deep
        marks = ", ".join("?" for _ in frontier)
        rows = conn.execute(
            f"SELECT source_id FROM {p}_merges WHERE target_id IN ({marks}) AND ts_us <= ? "
            "ORDER BY notification_id",
            (*frontier, until),
        )
        frontier = [str(r[0]) for r in rows if str(r[0]) not in chains]
        chains.extend(frontier)
    return chains


def _not_yet_valid(
    conn: Connection, p: str, chains: list[str], subject_id: UUID, valid_at: date | datetime
) -> NotFound:
    """Nothing of the story was true yet at `valid_at`: say from when its first row is."""
    marks = ", ".join("?" for _ in chains)
    first = conn.execute(
        f"SELECT MIN(valid_us) FROM {p}_entries WHERE chain_id IN ({marks})", tuple(chains)
    )
    kind = "project, idea or decision"
    if not first or first[0][0] is None:
        return NotFound(kind, subject_id)
    return NotYetValid(kind, subject_id, valid_at, from_us(int(first[0][0])))


def _entries(rows: list[tuple[Any, ...]]) -> tuple[TimelineEntry, ...]:
    corrected_by: dict[int, list[int]] = {}
    outcomes: list[Link] = []
    result: list[TimelineEntry] = []
    for row in rows:
        (nid, ts, _process, stage, event, kind, sid, item, summary, reason) = row[:10]
        actor, role, org, changes, links, corrects, code, values, valid_us = row[10:19]
        link_list = [Link(r, k, _uuidas_text(t) or "") for r, k, t in json.loads(links)]
        if stage == "outcome_count":
            outcomes.append(Link("counted_by", "outcome", str(UUID(hex=sid))))
        elif event in ("Decision.DecisionMade", "Decision.DecisionCorrected"):
            # The vote count(s) recorded before the act are what the council had in hand.
            link_list.extend(o for o in outcomes if o not in link_list)
        if corrects is not None:
            corrected_by.setdefault(int(corrects), []).append(int(nid))
        result.append(
            TimelineEntry(
                position=int(nid),
                at=_EPOCH + timedelta(microseconds=int(ts)),
                valid_from=_EPOCH + timedelta(microseconds=int(valid_us)),
                stage=str(stage),
                event=str(event),
                subject_kind=str(kind),
                subject_id=UUID(hex=str(sid)),
                item=None if item is None else str(item),
                summary=str(summary),
                reason=None if reason is None else str(reason),
                actor_id=UUID(hex=str(actor)),
                actor_role=str(role),
                actor_organisation_id=None if org is None else UUID(hex=str(org)),
                changes=tuple(FieldChange(f, b, a) for f, b, a in json.loads(changes)),
                links=tuple(link_list),
                corrects=None if corrects is None else int(corrects),
                summary_code=str(code),
                summary_values=json.loads(values),
            )
        )
    return tuple(
        e
        if e.position not in corrected_by
        else replace(e, corrected_by=tuple(corrected_by[e.position]))
        for e in result
    )
