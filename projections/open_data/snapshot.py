"""A process's aggregates as they stood at one log position: what the exports describe.

Why a snapshot of its own: a public export must describe a published release, i.e. the log
up to that release's position, not what happened since. The aggregates are rebuilt from the
events up to the position (only the topics the exports read), as the repository would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from coprod.application import Coprod
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment
from coprod.domain.decision import Decision
from coprod.domain.errors import NotFound
from coprod.domain.organisation import Organisation
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import latest_at
from coprod.domain.tender import Tender
from projections.kernel.handlers import events_of

__all__ = ["ProcessSnapshot", "export_position"]

_READ = (Process, Project, Proposal, Decision, Organisation, Commitment, ServiceNeed, Tender)
_TOPICS = tuple(sorted(get_topic(e) for cls in _READ for e in events_of(cls)))
_PAGE = 2_000


def export_position(app: Coprod, process_id: UUID, *, release: int | None, current: bool) -> int:
    """The log position an export describes: now (``current``), release `release`, or the
    latest published release. Raises NotFound for a process with no such release."""
    app.get_process(process_id)  # an unknown process says so
    if current:
        return app.recorder.max_notification_id() or 0
    releases = app.releases(process_id)
    if release is not None:
        chosen = [r for r in releases if r.number == release]
        if not chosen:
            raise NotFound("release", f"{release} of process {process_id}")
        return chosen[0].position
    return latest_at(process_id, releases, None).position


@dataclass
class ProcessSnapshot:
    """One process, its council, and its funded projects with what they came from."""

    position: int
    process: Process
    organisations: dict[UUID, Organisation]
    projects: list[Project]
    proposals: dict[UUID, Proposal]
    decisions: dict[UUID, Decision]
    #: project id -> the community groups committed to it
    groups: dict[UUID, list[UUID]] = field(default_factory=dict)
    #: the process's tenders (co-commissioning) and the needs they commission
    tenders: list[Tender] = field(default_factory=list)
    needs: dict[UUID, ServiceNeed] = field(default_factory=dict)

    @property
    def pb_projects(self) -> list[Project]:
        """The projects funded by a PB decision (not by a co-commissioned contract)."""
        return [p for p in self.projects if p.proposal_id in self.proposals]

    @classmethod
    def read(cls, app: Coprod, process_id: UUID, position: int) -> ProcessSnapshot:
        """The process as of `position` (NotFound if it did not exist yet)."""
        found = _rebuild(app, position)
        process = found.get(process_id)
        if not isinstance(process, Process):
            raise NotFound("process", f"{process_id} at log position {position}")
        projects = sorted(
            (a for a in found.values() if isinstance(a, Project) and a.process_id == process_id),
            key=lambda p: (p.title.casefold(), str(p.id)),
        )
        ids = {p.id for p in projects}
        groups: dict[UUID, list[UUID]] = {}
        for a in found.values():
            if isinstance(a, Commitment) and a.project_id in ids:
                groups.setdefault(a.project_id, []).append(a.organisation_id)
        return cls(
            position=position,
            process=process,
            organisations=_of(found, Organisation),
            projects=projects,
            proposals=_of(found, Proposal),
            decisions=_of(found, Decision),
            groups={k: sorted(set(v), key=str) for k, v in groups.items()},
            tenders=sorted(
                (a for a in found.values() if isinstance(a, Tender) and a.process_id == process_id),
                key=lambda t: (t.deadline, t.code),
            ),
            needs=_of(found, ServiceNeed),
        )

    @property
    def council(self) -> Organisation | None:
        return self.organisations.get(self.process.council_id)


def _of(found: dict[UUID, Any], kind: type) -> dict[UUID, Any]:
    return {k: v for k, v in found.items() if isinstance(v, kind)}


def _rebuild(app: Coprod, position: int) -> dict[UUID, Any]:
    """Every aggregate of the read kinds, mutated event by event up to `position`."""
    found: dict[UUID, Any] = {}
    for event in _events(app, position):
        found[event.originator_id] = event.mutate(found.get(event.originator_id))
    return found


def _events(app: Coprod, position: int) -> Iterable[Any]:
    start = 1
    while start <= position:
        page = app.recorder.select_notifications(start, _PAGE, stop=position, topics=_TOPICS)
        if not page:
            return
        for notification in page:
            yield app.mapper.to_domain_event(notification)
        start = page[-1].id + 1
