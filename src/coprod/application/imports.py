"""Bulk imports of milestones and spend from CSV: every line checked, then all or nothing.

Why: officers keep delivery in spreadsheets. An import that stopped halfway would leave the
record half-updated and the officer guessing which lines went in, so every line is applied to
the projects *in memory* first (the same domain methods the one-by-one commands call); if any
line is refused, all refusals are returned with their line numbers and nothing is saved.
Otherwise every project's new events are saved in ONE transaction. A dry run (the preview)
does the checking and says what each line would record, and saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from coprod.application import policy
from coprod.application.base import CoprodBase
from coprod.application.csv_table import (
    CsvLine,
    CsvRefused,
    LineError,
    line_error,
    parse_date,
    parse_decimal,
    read_table,
)
from coprod.domain.errors import CoprodError, InvalidInput, NotFound
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.values import Actor, Money

__all__ = ["MILESTONE_COLUMNS", "SPEND_COLUMNS", "ImportCommands", "ImportResult", "LinePreview"]

#: Milestones CSV: ``action`` is schedule, start, meet, delay or cancel; ``date`` is the due
#: date (schedule), the start or meeting date, or the new due date (delay).
MILESTONE_COLUMNS = ("project", "action", "code", "date")
MILESTONE_OPTIONAL = ("title", "evidence_url", "reason")
#: Spend CSV: ``currency`` defaults to the project's; ``spend_id`` makes a re-import safe.
SPEND_COLUMNS = ("project", "amount", "date", "purpose")
SPEND_OPTIONAL = ("currency", "spend_id")
#: Match funding CSV: money from outside the council, received on ``date``.
MATCH_FUNDING_COLUMNS = ("project", "source", "amount", "date")
MATCH_FUNDING_OPTIONAL = ("currency", "funding_id")
ACTIONS = ("schedule", "start", "meet", "delay", "cancel")


@dataclass(frozen=True)
class LinePreview:
    """What one good line records (or would record, in a dry run)."""

    line: int
    project_id: UUID
    action: str
    summary: str


@dataclass(frozen=True)
class ImportResult:
    """The outcome of an import: the lines' previews, and whether they were saved."""

    lines: tuple[LinePreview, ...]
    recorded: bool


def _field_of(error: CoprodError, default: str) -> str:
    return error.field if isinstance(error, InvalidInput) else default


def _message(error: CoprodError) -> str:
    return error.problem if isinstance(error, InvalidInput) else str(error)


class ImportCommands(CoprodBase):
    """Officer-side bulk imports into a process's funded projects."""

    def import_milestones(
        self, process_id: UUID, data: bytes | str, actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Schedule, start, meet, delay or cancel milestones, one CSV line each; all or none."""
        rows = read_table(data, MILESTONE_COLUMNS, MILESTONE_OPTIONAL)
        return self._import(process_id, rows, actor, dry_run, self._milestone_line)

    def import_spend(
        self, process_id: UUID, data: bytes | str, actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Record spend against funded projects, one CSV line each; all or none."""
        rows = read_table(data, SPEND_COLUMNS, SPEND_OPTIONAL)
        return self._import(process_id, rows, actor, dry_run, self._spend_line)

    def import_match_funding(
        self, process_id: UUID, data: bytes | str, actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Record match funding of funded projects, one CSV line each; all or none."""
        rows = read_table(data, MATCH_FUNDING_COLUMNS, MATCH_FUNDING_OPTIONAL)
        return self._import(process_id, rows, actor, dry_run, self._match_line)

    def _import(
        self,
        process_id: UUID,
        rows: list[CsvLine],
        actor: Actor,
        dry_run: bool,
        apply: Callable[[Project, CsvLine, Actor], tuple[str, str]],
    ) -> ImportResult:
        council = self.load(Process, process_id).council_id
        policy.officer_acts_for(actor, council, f"process {process_id}")
        if not rows:
            raise CsvRefused([LineError(0, "file", "has no data lines", "no-data")])
        projects: dict[UUID, Project] = {}
        errors: list[LineError] = []
        previews: list[LinePreview] = []
        for row in rows:
            if "__extra__" in row.cells:
                errors.append(
                    LineError(row.number, "line", "has more cells than the header", "extra-cells")
                )
                continue
            try:
                project = self._project_of(process_id, row, projects)
                action, summary = apply(project, row, actor)
            except CoprodError as e:
                errors.append(line_error(row.number, e, "project"))
                continue
            previews.append(LinePreview(row.number, project.id, action, summary))
        if errors:
            raise CsvRefused(errors)
        if not dry_run:
            self.commit(*[p for p in projects.values() if p.pending_events])
        return ImportResult(tuple(previews), recorded=not dry_run)

    def _project_of(self, process_id: UUID, row: CsvLine, cache: dict[UUID, Project]) -> Project:
        text = row.get("project")
        try:
            project_id = UUID(text)
        except ValueError:
            raise InvalidInput(
                "project", f"{text!r} is not a project id", rule="id-format"
            ) from None
        if project_id not in cache:
            project = self.load(Project, project_id)
            if project.process_id != process_id:
                raise NotFound("project", f"{project_id} in process {process_id}")
            cache[project_id] = project
        return cache[project_id]

    def _milestone_line(self, project: Project, row: CsvLine, actor: Actor) -> tuple[str, str]:
        action, code = row.get("action").lower(), row.get("code")
        if action not in ACTIONS:
            raise InvalidInput(
                "action", f"{row.get('action')!r} is not one of {', '.join(ACTIONS)}", rule="action"
            )
        if action == "cancel":
            project.cancel_milestone(actor, code, row.get("reason"))
            return action, f"cancel milestone {code}"
        when = parse_date("date", row.get("date"))
        if action == "schedule":
            project.schedule_milestone(actor, code, row.get("title"), when)
            return action, f"schedule milestone {code} due {when}"
        if action == "start":
            project.start_milestone(actor, code, when)
            return action, f"start milestone {code} on {when}"
        if action == "meet":
            project.meet_milestone(actor, code, when, row.get("evidence_url"))
            return action, f"milestone {code} met on {when}"
        project.delay_milestone(actor, code, when, row.get("reason"))
        return action, f"delay milestone {code} to {when}"

    def _spend_line(self, project: Project, row: CsvLine, actor: Actor) -> tuple[str, str]:
        money, spent_on = _money(project, row), parse_date("date", row.get("date"))
        purpose = row.get("purpose")
        spend_id = _line_id(project, row, "spend_id", f"{money}|{spent_on}|{purpose}")
        project.record_spend(actor, spend_id, money, spent_on, purpose)
        return "spend", f"spend {money.amount} {money.currency} on {spent_on}: {purpose}"

    def _match_line(self, project: Project, row: CsvLine, actor: Actor) -> tuple[str, str]:
        money, received_on = _money(project, row), parse_date("date", row.get("date"))
        source = row.get("source")
        funding_id = _line_id(project, row, "funding_id", f"{money}|{received_on}|{source}")
        project.record_match_funding(actor, funding_id, source, money, received_on)
        summary = f"match funding {money.amount} {money.currency} on {received_on}: {source}"
        return "match-funding", summary


def _money(project: Project, row: CsvLine) -> Money:
    amount = parse_decimal("amount", row.get("amount"))
    return Money(amount, row.get("currency").upper() or project.approved.currency)


def _line_id(project: Project, row: CsvLine, column: str, content: str) -> UUID:
    """The line's own id, or one derived from the line so the same file twice is a repeat."""
    given = row.get(column)
    if given:
        try:
            return UUID(given)
        except ValueError:
            raise InvalidInput(column, f"{given!r} is not a UUID", rule="id-format") from None
    return uuid5(NAMESPACE_URL, f"coprod:{column}:{project.id}|{row.number}|{content}")
