"""OCDS 1.1 release packages of a process's funded projects and tenders (DOMAIN.md §7).

Where the standard fits a participatory budget: each funded project is one contracting
process (``ocid`` = the publisher's prefix and the project's id) at the planning stage: the
council as buyer, the approved amount as the budget with the decision's considerations as
its rationale, and the project's milestones; the community groups committed to it are
interested parties. A PB project has no tender or contract of its own, so neither is made
up. A co-commissioned service is a full contracting process (:mod:`.tenders`). Nothing
personal: organisations only, never people.
"""

from __future__ import annotations

from typing import Any

from coprod.domain.project import Project
from projections.open_data.common import (
    amount,
    date_time,
    drop_empty,
    last_modified,
    ocds_milestone,
    ocid_prefix,
    org_id,
    page_url,
)
from projections.open_data.snapshot import ProcessSnapshot
from projections.open_data.tenders import tender_release

__all__ = ["ocds_release_package"]


def ocds_release_package(
    snapshot: ProcessSnapshot, *, prefix: str | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """One release package with a release per funded project, as of the snapshot."""
    prefix = prefix or ocid_prefix()
    releases = [_release(snapshot, p, prefix, base_url) for p in snapshot.pb_projects]
    releases += [tender_release(snapshot, t, prefix) for t in snapshot.tenders]
    dates = [r["date"] for r in releases] or [date_time(snapshot.process.modified_on)]
    council = snapshot.council
    return {
        "uri": f"urn:coprod:ocds:{snapshot.process.id}:{snapshot.position}",
        "version": "1.1",
        "publishedDate": max(dates),
        "publisher": {"name": council.display_name if council else "coprod"},
        "releases": releases,
    }


def _release(
    snapshot: ProcessSnapshot, project: Project, prefix: str, base_url: str | None
) -> dict[str, Any]:
    ocid = f"{prefix}-{project.id}"
    parties = _parties(snapshot, project, prefix)
    council = parties[0]
    return drop_empty(
        {
            "ocid": ocid,
            "id": f"{ocid}-{snapshot.position}",
            "date": date_time(last_modified(project)),
            "tag": ["planning"],
            "initiationType": "tender",
            "parties": parties,
            "buyer": {"id": council["id"], "name": council["name"]},
            "planning": _planning(snapshot, project, base_url),
        }
    )


def _parties(snapshot: ProcessSnapshot, project: Project, prefix: str) -> list[dict[str, Any]]:
    council = snapshot.council
    parties = [
        {
            "id": org_id(council, prefix) if council else f"{prefix}-council",
            "name": council.display_name if council else "council",
            "roles": ["buyer", "payer"],
        }
    ]
    for group_id in snapshot.groups.get(project.id, []):
        group = snapshot.organisations.get(group_id)
        if group is not None:
            parties.append(
                {
                    "id": org_id(group, prefix),
                    "name": group.display_name,
                    "roles": ["interestedParty"],
                }
            )
    return parties


def _planning(snapshot: ProcessSnapshot, project: Project, base_url: str | None) -> dict[str, Any]:
    decision = snapshot.decisions.get(project.decision_id)
    record = None if decision is None else decision.record
    rationale = " ".join(record.main_considerations) if record else ""
    url = page_url(base_url, project.id)
    documents = []
    if url:
        documents.append(
            {"id": "public-page", "documentType": "projectPlan", "title": project.title, "url": url}
        )
    return drop_empty(
        {
            "rationale": rationale,
            "budget": drop_empty(
                {
                    "id": str(project.decision_id),
                    "description": f"{snapshot.process.name}: participatory budget",
                    "amount": {
                        "amount": amount(project.approved.amount),
                        "currency": project.approved.currency,
                    },
                    "project": project.title,
                    "projectID": str(project.id),
                    "uri": url,
                }
            ),
            "milestones": [ocds_milestone(m) for m in project.milestones.values()],
            "documents": documents,
        }
    )
