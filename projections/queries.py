"""The query facade: what the CLI, HTTP and the web pages ask the read side.

Why one facade: the same question used to be answered by different SQL in different
delivery rooms (the CLI's list of processes and the HTTP one; the "applied position of the
active generation" in five places), so the answers could drift apart. Each question is now
asked here once, and every delivery room calls this module; the SQL itself lives with its
read model (``projections/<model>/``) or, for what every model shares, in the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from projections.addresses import (
    COUNCIL_SEPARATOR,
    ProcessMatch,
    process_addresses,
    processes_by_code,
    project_codes,
)
from projections.catalogue import CaseFilter, CasePage, CaseRow, case_facets, case_page
from projections.catalogue.queries import MAX_CASES, CaseFacets
from projections.commitments import (
    CommitmentRow,
    CommitmentTerms,
    ContributionPage,
    ContributionRow,
    LogRow,
    commitment_logs,
    commitment_terms,
    group_commitments,
    group_contributions,
)
from projections.decisions import DecisionPage, DecisionRow, decision_page
from projections.kernel.positions import AppliedPosition, applied_position
from projections.kernel.readmodel import ReadModel
from projections.process_summary import (
    MAX_LIMIT,
    ProcessListItem,
    ProcessPage,
    ProcessSummary,
    process_page,
    process_summary,
    read_processes,
)
from projections.queues import Queues, council_queues
from projections.registry import READ_MODELS
from projections.store import REGISTRY, Connection

__all__ = [
    "COUNCIL_SEPARATOR",
    "MAX_CASES",
    "MAX_LIMIT",
    "AppliedPosition",
    "CaseFacets",
    "CaseFilter",
    "CasePage",
    "CaseRow",
    "CommitmentRow",
    "CommitmentTerms",
    "ContributionPage",
    "ContributionRow",
    "DecisionPage",
    "DecisionRow",
    "LogRow",
    "ProcessList",
    "ProcessListItem",
    "ProcessMatch",
    "ProcessPage",
    "ProcessRow",
    "ProcessSummary",
    "Queues",
    "case_facets",
    "case_page",
    "commitment_logs",
    "commitment_terms",
    "council_queues",
    "decision_page",
    "group_commitments",
    "group_contributions",
    "list_processes",
    "position",
    "positions",
    "process_addresses",
    "process_page",
    "process_summary",
    "processes_by_code",
    "project_codes",
]


# -- the position -----------------------------------------------------------------------------


def position(conn: Connection, model: type[ReadModel]) -> AppliedPosition | None:
    """The active generation of `model` and the log position it has applied, read in one
    snapshot; None before the model's first run (the caller says what to run)."""
    with conn.snapshot():
        return applied_position(conn, model)


def positions(conn: Connection) -> dict[str, int]:
    """Each registered read model's applied log position (0 for one not created yet), in
    one snapshot: the read-your-writes wait compares the slowest with a command's position."""
    result: dict[str, int] = {}
    with conn.snapshot():
        known = REGISTRY in conn.tables()
        for name, make in READ_MODELS.items():
            found = applied_position(conn, type(make())) if known else None
            result[name] = 0 if found is None else found.position
    return result


# -- the list of processes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessRow:
    """One process in the CLI's listing."""

    id: UUID
    name: str
    phase: str


@dataclass(frozen=True)
class ProcessList:
    """Every process the summary read model knows, and how fresh that knowledge is."""

    processes: tuple[ProcessRow, ...]
    #: Log position the read model has applied, and the log's last position.
    position: int
    log_position: int

    @property
    def lag_events(self) -> int:
        return max(0, self.log_position - self.position)


def list_processes(settings: StoreSettings | None = None) -> ProcessList:
    """Every process's current name and phase (the same query as :func:`process_page`,
    without a limit), and how far behind the log the read model is.

    Reading never projects: a listing must be fast and must not write, so it says how far
    behind the log it is instead.
    """
    settings = settings or settings_from_env()
    with Connection(settings) as conn:
        page = read_processes(conn)
    with Coprod(settings) as app:
        log_position = app.recorder.max_notification_id() or 0
    rows = tuple(ProcessRow(p.process_id, p.name, p.phase.value) for p in page.items)
    return ProcessList(rows, page.position, log_position)
