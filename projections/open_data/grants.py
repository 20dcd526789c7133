"""360Giving grants of a process's funded projects (DOMAIN.md §7).

A participatory budget's funded project is a grant from the council: the approved amount,
the decision's date as the award date, the milestones as planned dates, the completion as
the actual end, the proposal's area as the beneficiary location, the process as the grant
programme. The recipients are the community groups committed to deliver it; a project the
council delivers itself names the council. Nothing personal: organisations only.
"""

from __future__ import annotations

from typing import Any

from coprod.domain.organisation import Organisation
from coprod.domain.project import Project
from projections.open_data.common import (
    amount,
    date_time,
    drop_empty,
    grant_prefix,
    last_modified,
    org_id,
    page_url,
)
from projections.open_data.snapshot import ProcessSnapshot

__all__ = ["three_sixty_giving"]


def three_sixty_giving(
    snapshot: ProcessSnapshot, *, prefix: str | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """A 360Giving data package: one grant per funded project, as of the snapshot."""
    prefix = prefix or grant_prefix()
    return {"grants": [_grant(snapshot, p, prefix, base_url) for p in snapshot.pb_projects]}


def _grant(
    snapshot: ProcessSnapshot, project: Project, prefix: str, base_url: str | None
) -> dict[str, Any]:
    process, council = snapshot.process, snapshot.council
    proposal = snapshot.proposals.get(project.proposal_id)
    decision = snapshot.decisions.get(project.decision_id)
    groups = [snapshot.organisations[g] for g in snapshot.groups.get(project.id, [])]
    recipients = [g for g in groups if g is not None] or ([council] if council else [])
    dues = sorted(m.due_on for m in project.milestones.values())
    completed = getattr(project, "completed_on", None)
    area = _area(snapshot, proposal)
    return drop_empty(
        {
            "id": f"{prefix}-{project.id}",
            "title": project.title,
            "description": (proposal.description if proposal else "") or project.title,
            "currency": project.approved.currency,
            "amountAwarded": amount(project.approved.amount),
            "awardDate": (
                decision.decided_on if decision else project.created_on.date()
            ).isoformat(),
            "plannedDates": [{"startDate": dues[0].isoformat(), "endDate": dues[-1].isoformat()}]
            if dues
            else [],
            "actualDates": [{"endDate": completed.isoformat()}] if completed else [],
            "recipientOrganization": [_org(o, prefix) for o in recipients],
            "fundingOrganization": [_org(council, prefix)] if council else [],
            "grantProgramme": [{"code": process.code, "title": process.name}],
            "beneficiaryLocation": [{"name": area}] if area else [],
            "fromOpenCall": "Yes",
            "dateModified": date_time(last_modified(project)),
            "dataSource": page_url(base_url, project.id),
        }
    )


def _org(organisation: Organisation, prefix: str) -> dict[str, str]:
    return {"id": org_id(organisation, prefix), "name": organisation.display_name}


def _area(snapshot: ProcessSnapshot, proposal: Any) -> str | None:
    code = getattr(proposal, "area_code", None)
    names = {a.code: a.name for a in snapshot.process.areas}
    return names.get(code) if code else None
