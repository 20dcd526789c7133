"""The catalogue's writer: one row per idea, changed in place by the events that move it.

Every domain event type is either handled here or ignored by name or by aggregate
(tests/unit/test_read_models_take_every_event.py holds that). Statuses are the aggregate's
own words: the decision's effect comes from
:func:`coprod.domain.proposal.status_after_decision`, the project's from its status enum.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, status_after_decision
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.process import Process
from coprod.domain.project import Project, ProjectStatus
from coprod.domain.proposal import IDEA, MERGED, WITHDRAWN, Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from coprod.domain.values import Money
from projections.catalogue.tables import CASE_COLUMNS, DICTIONARY, create_statements
from projections.kernel.batching import RowBuffer, SubjectIndex
from projections.kernel.handlers import Handlers
from projections.kernel.readmodel import Item, ReadModel
from projections.store import Connection
from projections.stored_ballot import to_us

__all__ = ["CatalogueModel", "handlers"]

_UPSERT = "ON CONFLICT (proposal_id) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in CASE_COLUMNS[1:] if c != "created_us"
)
_COLUMN = {name: i for i, name in enumerate(CASE_COLUMNS)}

handlers: Handlers[_Batch] = Handlers(
    ignores=(
        Proposal.Absorbed,
        Proposal.FactRecorded,
        Proposal.HearingSent,
        Proposal.HearingAnswered,
        Proposal.HearingExempted,
        Project.MilestoneScheduled,
        Project.MilestoneStarted,
        Project.MilestoneMet,
        Project.MilestoneDelayed,
        Project.MilestoneCancelled,
        Project.SpendRecorded,
        Project.SpendCorrected,
        Project.MatchFundingRecorded,
        Project.OutcomeIndicatorDefined,
        Project.OutcomeReported,
    ),
    ignores_all_of=(
        Process,
        Ballot,
        Decision,
        Commitment,
        Contribution,
        Organisation,
        Person,
        Outcome,
        PabulibSource,
        PaperBallot,
        CensusShares,
        VolunteerRates,
        Release,
        ServiceNeed,
        Tender,
    ),
)


class _Batch:
    """The rows one batch changed, kept in the model's cache and upserted once at the end."""

    def __init__(self, conn: Connection, prefix: str, model: CatalogueModel) -> None:
        self.conn = conn
        self.prefix = prefix
        self.model = model
        self.changed: dict[str, list[Any]] = {}
        self.projects = model.projects.buffer()

    def row(self, proposal_id: str) -> list[Any] | None:
        """The idea's current row (cached; read from the table on a miss)."""
        row = self.model.rows.get(proposal_id)
        if row is None:
            found = self.conn.execute(
                f"SELECT {', '.join(CASE_COLUMNS)} FROM {self.prefix}_cases WHERE proposal_id = ?",
                (proposal_id,),
            )
            if not found:
                return None
            row = self.model.rows[proposal_id] = list(found[0])
        return row

    def change(self, proposal_id: str, e: Any, t: Tracking, **values: Any) -> None:
        """Set `values` on the idea's row, as of event `e` at log position `t`."""
        row = self.row(proposal_id)
        if row is None:
            return  # an idea the catalogue never saw submitted
        for name, value in values.items():
            row[_COLUMN[name]] = value
        row[_COLUMN["notification_id"]] = t.notification_id
        row[_COLUMN["updated_us"]] = to_us(e.timestamp)
        self.changed[proposal_id] = row

    def write(self) -> None:
        self.projects.flush(self.conn, self.prefix)
        rows = RowBuffer("cases", CASE_COLUMNS)
        rows.rows = [tuple(r) for r in self.changed.values()]
        rows.flush(self.conn, self.prefix, upsert=_UPSERT)


def _amount(money: Money | None) -> str | None:
    return None if money is None else str(money.amount)


@handlers.on(Proposal.IdeaSubmitted)
def _submitted(e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
    pid, at = e.originator_id.hex, to_us(e.timestamp)
    row: list[Any] = [pid, e.process_id.hex, t.notification_id, at, at, e.title, IDEA, "open"]
    row += [e.area_code, e.category, None, None, None, None, None]
    b.model.rows[pid] = b.changed[pid] = row


@handlers.on(Proposal.IdeaAmended)
def _amended(e: Proposal.IdeaAmended, t: Tracking, b: _Batch) -> None:
    if e.title is not None:
        b.change(e.originator_id.hex, e, t, title=e.title)


@handlers.on(Proposal.MergedInto)
def _merged(e: Proposal.MergedInto, t: Tracking, b: _Batch) -> None:
    b.change(e.originator_id.hex, e, t, status=MERGED)


@handlers.on(Proposal.Withdrawn)
def _withdrawn(e: Proposal.Withdrawn, t: Tracking, b: _Batch) -> None:
    b.change(e.originator_id.hex, e, t, status=WITHDRAWN)


@handlers.on(Proposal.DevelopedIntoProposal)
def _developed(e: Proposal.DevelopedIntoProposal, t: Tracking, b: _Batch) -> None:
    cost = e.cost_estimate
    b.change(
        e.originator_id.hex,
        e,
        t,
        stage="proposal",
        area=e.area_code,
        category=e.category,
        cost=_amount(cost),
        currency=cost.currency,
    )


@handlers.on(Proposal.FeasibilityAssessed)
def _assessed(e: Proposal.FeasibilityAssessed, t: Tracking, b: _Batch) -> None:
    status = "feasible" if e.feasible else "unfeasible"
    if e.assessed_cost is None:
        b.change(e.originator_id.hex, e, t, status=status)
    else:
        cost = e.assessed_cost
        b.change(e.originator_id.hex, e, t, status=status, cost=_amount(cost))


@handlers.on(Proposal.Shortlisted)
def _shortlisted(e: Proposal.Shortlisted, t: Tracking, b: _Batch) -> None:
    b.change(e.originator_id.hex, e, t, status="shortlisted")


@handlers.on(Proposal.NotShortlisted)
def _not_shortlisted(e: Proposal.NotShortlisted, t: Tracking, b: _Batch) -> None:
    b.change(e.originator_id.hex, e, t, status="not_shortlisted")


@handlers.on(Proposal.DecisionApplied)
def _decision(e: Proposal.DecisionApplied, t: Tracking, b: _Batch) -> None:
    status = status_after_decision(e.outcome, e.decision_status)
    b.change(e.originator_id.hex, e, t, status=status)


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: _Batch) -> None:
    project, proposal = e.originator_id.hex, e.proposal_id.hex
    b.model.projects.add(b.projects, project, proposal)
    b.change(
        proposal,
        e,
        t,
        project_id=project,
        project_status=ProjectStatus.IN_DELIVERY.value,
        approved=_amount(e.approved),
        currency=e.approved.currency,
    )


def _project_status(e: Any, t: Tracking, b: _Batch, status: ProjectStatus) -> None:
    found = b.model.projects.lookup(b.conn, b.prefix, e.originator_id.hex)
    if found is not None:
        b.change(str(found[0]), e, t, project_status=status.value)


@handlers.on(Project.ProjectCompleted)
def _completed(e: Project.ProjectCompleted, t: Tracking, b: _Batch) -> None:
    _project_status(e, t, b, ProjectStatus.COMPLETED)


@handlers.on(Project.ProjectCancelled)
def _cancelled(e: Project.ProjectCancelled, t: Tracking, b: _Batch) -> None:
    _project_status(e, t, b, ProjectStatus.CANCELLED)


class CatalogueModel(ReadModel):
    """Every idea of every process as it stands now, with the project it became."""

    name = "catalogue"
    version = 1
    table_suffixes = ("cases", "projects")
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[_Batch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}
        self.projects = SubjectIndex(
            "projects", ("project_id", "proposal_id"), remembered=("proposal_id",)
        )

    def reset(self) -> None:
        self.rows.clear()
        self.projects.reset()

    def create_statements(self, prefix: str) -> list[str]:
        return [
            *create_statements(prefix),
            f"CREATE TABLE IF NOT EXISTS {prefix}_projects (project_id TEXT PRIMARY KEY, "
            "proposal_id TEXT NOT NULL)",
        ]

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        batch = _Batch(conn, prefix, self)
        handlers.apply_all(items, batch)
        batch.write()
