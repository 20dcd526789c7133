"""Preparing a release of an impact report: the figures, what they counted, differencing control.

Why: the public reads impact figures only from releases (issue 11, item 9). A release is the
report at one log position, after its suppression has been tightened against every earlier
release of the process (:mod:`projections.disclosure.pairs`), so that no two releases side by
side give away a hidden count or the group of the people who came between them.

:func:`prepare_release` returns canonical JSON texts ready for
:meth:`coprod.application.Coprod.publish_release`, which hashes and records them. What a
release counted (every people breakdown before suppression, with the suppression applied) is
kept in the release, never published, so that later releases can be checked against it
without recomputing the past.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from coprod.application.commands import releases as cmd
from coprod.application.releases import ReleaseCommands
from coprod.domain.errors import NotFound, RuleViolation
from coprod.domain.release import Release, canonical_json
from coprod.domain.values import Actor
from projections.disclosure import WITHHELD, Cell
from projections.disclosure.pairs import Breakdown, pair_findings, tighten
from projections.impact.model import ImpactModel
from projections.impact.report import NOT_STATED, ImpactReport, impact_report
from projections.store import Connection, read_generation

__all__ = ["PreparedRelease", "breakdowns_of", "prepare_release", "read_position"]

Key = tuple[str, str]
_SHARES = ("p_g", "RR_g", "gap")


@dataclass(frozen=True)
class PreparedRelease:
    """A release ready to record: figures and counted as canonical JSON texts."""

    as_of: datetime
    position: int
    figures: str
    counted: str
    withheld: tuple[str, ...]  # breakdowns withheld because of an earlier release
    pairs_checked: int


def read_position(conn: Connection) -> int:
    """The log position the impact read model has applied (NotFound before its first run)."""
    with conn.snapshot():
        generation = read_generation(conn, ImpactModel.key())
        if generation is None:
            raise NotFound("read model", f"{ImpactModel.key()} (run `coprod project --once`)")
        rows = conn.execute(
            f"SELECT MAX(notification_id) FROM {ImpactModel.prefix(generation.active)}_tracking"
        )
    return int(rows[0][0] or 0) if rows else 0


def prepare_release(
    process_id: UUID,
    earlier_counted: Sequence[str],
    conn: Connection,
    *,
    now: datetime | None = None,
) -> PreparedRelease:
    """The process's report now, tightened against the `counted` texts of earlier releases.

    The position is read before and after the report; if the read model moved meanwhile the
    report is made again, so the release counts exactly the log up to its position.
    """
    for _ in range(5):
        moment = now or datetime.now(UTC)
        before = read_position(conn)
        report = impact_report(process_id, moment, conn=conn)
        if read_position(conn) == before:
            break
    earlier = [_parse(text) for text in earlier_counted]
    current = breakdowns_of(report)
    final: dict[str, Breakdown[Key]] = {}
    withheld: list[str] = []
    figures = report.to_dict()
    for name, breakdown in current.items():
        olds = [e[name] for e in earlier if name in e]
        hidden = tighten(breakdown, olds, total_too=name.startswith("people by"))
        final[name] = Breakdown(
            breakdown.k,
            breakdown.parents,
            breakdown.values,
            hidden,
            breakdown.lowest,
            breakdown.marks,
        )
        _refuse_leaks(name, final[name], olds)
        extra = {key for key, reason in hidden.items() if breakdown.hidden.get(key) != reason}
        if extra:
            withheld.append(name)
            _withhold(figures, name, extra)
    return PreparedRelease(
        as_of=moment,
        position=before,
        figures=canonical_json(figures),
        counted=canonical_json({name: _dump(b, current[name]) for name, b in final.items()}),
        withheld=tuple(withheld),
        pairs_checked=len(current) * len(earlier),
    )


def _refuse_leaks(name: str, new: Breakdown[Key], earlier: Sequence[Breakdown[Key]]) -> None:
    """The last line: a release that would still give something away is not published.

    Withholding a breakdown leaves only its total, which gives nothing away when counts only
    grow; counts that can fall (disputed logs) could in principle still pin an earlier
    release's hidden count, and then publishing must wait.
    """
    for number, old in enumerate(earlier, start=1):
        found = pair_findings(old, new)
        if found:
            raise RuleViolation(
                f"{name}: beside release {number} this release would give away "
                f"{len(found)} count(s) even with the breakdown withheld; publish later",
                rule="differencing",
            )


def breakdowns_of(report: ImpactReport) -> dict[str, Breakdown[Key]]:
    """The report's protected people breakdowns, by name, as the pair solver takes them."""
    result: dict[str, Breakdown[Key]] = {}
    for name, (parents, values, lowest, cells, marks) in report.counted.items():
        hidden = {
            key: c.suppressed for key, c in cells.items() if isinstance(c, Cell) and c.suppressed
        }
        result[name] = Breakdown(
            report.k, dict(parents), dict(values), hidden, dict(lowest), dict(marks)
        )
    return result


def _dump(final: Breakdown[Key], counted: Breakdown[Key]) -> dict[str, Any]:
    rows = [
        [
            list(key),
            None if parent is None else list(parent),
            final.values[key],
            counted.lowest.get(key, 0),
            final.hidden.get(key),
            counted.marks.get(key),
        ]
        for key, parent in final.parents.items()
    ]
    return {"k": final.k, "counts": rows}


def _parse(text: str) -> dict[str, Breakdown[Key]]:
    result: dict[str, Breakdown[Key]] = {}
    for name, body in json.loads(text).items():
        parents: dict[Key, Key | None] = {}
        values: dict[Key, int] = {}
        lowest: dict[Key, int] = {}
        hidden: dict[Key, str] = {}
        marks: dict[Key, str] = {}
        for key_list, parent, value, low, reason, mark in body["counts"]:
            key = (str(key_list[0]), str(key_list[1]))
            parents[key] = None if parent is None else (str(parent[0]), str(parent[1]))
            values[key] = int(value)
            lowest[key] = int(low)
            if reason is not None:
                hidden[key] = str(reason)
            if mark is not None:
                marks[key] = str(mark)
        result[name] = Breakdown(int(body["k"]), parents, values, hidden, lowest, marks)
    return result


# -- applying what was withheld to the published tables ----------------------------------------


def _hide(row: dict[str, Any], column: str) -> None:
    """Withhold one figure; an earlier reason goes too (primary or secondary imply bounds)."""
    if column in row and (row[column] is not None or row[f"{column}_suppressed"] is not None):
        row[column] = None
        row[f"{column}_suppressed"] = WITHHELD


def _tables(figures: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {table["title"]: table for table in figures["tables"]}


def _withhold(figures: dict[str, Any], name: str, keys: set[Key]) -> None:
    """Hide the counts `keys` of breakdown `name`, with every figure that would give them away.

    People of contribution logs sit in "volunteer hours"; voters in the representation tables,
    whose shares (p_g, RR_g, gap), D and stated count follow from the counts.
    """
    tables = _tables(figures)
    if name.startswith("people by"):
        for row in tables["volunteer hours"]["rows"]:
            if (row["by"], row["group"]) in keys:
                _hide(row, "people")
        return
    for dimension in sorted({by for by, _ in keys}):
        rows = tables[f"representation: {dimension}"]["rows"]
        for row in rows:
            if (dimension, row["group"]) in keys:
                for column in ("participants", *_SHARES):
                    _hide(row, column)
        not_stated_shown = any(
            r["group"] == NOT_STATED and r["participants_suppressed"] is None for r in rows
        )
        all_shown = not any(r["participants_suppressed"] for r in rows if r["group"] != NOT_STATED)
        for row in tables["dissimilarity index"]["rows"]:
            if row["dimension"] == dimension:
                _hide(row, "D")
                if not (not_stated_shown or all_shown):
                    _hide(row, "stated_participants")
                    for other in rows:
                        for column in _SHARES:
                            _hide(other, column)


# -- contribution head-counts for the public timeline ------------------------------------------


def community_totals(figures: Mapping[str, Any], project_id: UUID) -> dict[str, Any]:
    """People in the counted contribution logs of one project, and of the process by phase,
    as a release published them (disclosure-controlled and checked against earlier releases).

    Why from a release: a live total that moves with each log gives that log's head count to
    anyone who asks before and after it. Each count comes with its suppression reason.
    """
    rows = _tables(figures)["volunteer hours"]["rows"]

    def cell(row: Mapping[str, Any] | None) -> dict[str, Any]:
        if row is None:  # no counted log: the release shows no row, which is a true zero
            return {"people": 0, "people_suppressed": None}
        return {"people": row["people"], "people_suppressed": row["people_suppressed"]}

    return {
        "project": cell(project_volunteering(figures, project_id)),
        "by_phase": [{"phase": r["group"], **cell(r)} for r in rows if r["by"] == "phase"],
    }


def project_volunteering(figures: Mapping[str, Any], project_id: UUID) -> dict[str, Any] | None:
    """The project's row of a release's volunteer-hours table (hours, people, value, each
    with its suppression reason); None when no log of the project was counted."""
    suffix = f"[{str(project_id)[:8]}]"
    rows = _tables(figures)["volunteer hours"]["rows"]
    found = next(
        (r for r in rows if r["by"] == "project" and str(r["group"]).endswith(suffix)), None
    )
    return None if found is None else dict(found)


def publish_next(
    app: ReleaseCommands,
    actor: Actor,
    process_id: UUID,
    conn: Connection,
    note: str | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[Release, PreparedRelease]:
    """Compute, check and record the next release of a process: the one way to publish.

    The HTTP route, ``coprod report publish`` and the demo all call this, so a release is
    always checked against every earlier one and recorded under the same policy, with the
    process and each earlier release loaded once. It counts what the impact read model has
    applied: ``before`` (the HTTP route's wait for the read models) runs once the policy has
    allowed the caller and before the figures are computed.
    """
    prepared: list[PreparedRelease] = []

    def compute(earlier: Sequence[Release]) -> cmd.ComputedFigures:
        if before is not None:
            before()
        ready = prepare_release(process_id, [r.counted for r in earlier], conn)
        prepared.append(ready)
        return cmd.ComputedFigures(ready.as_of, ready.position, ready.figures, ready.counted)

    command = cmd.PublishNextRelease(process_id=process_id, compute=compute, note=note)
    published = app.publish_next_release(command, actor)
    return published.release, prepared[0]
