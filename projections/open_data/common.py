"""What the open-data exports share: identifier prefixes, dates, organisations, links."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.domain.organisation import Organisation
from coprod.domain.project import MilestoneStatus, Project

__all__ = [
    "DEFAULT_GRANT_PREFIX",
    "DEFAULT_OCID_PREFIX",
    "amount",
    "date_time",
    "grant_prefix",
    "last_modified",
    "ocds_milestone",
    "ocid_prefix",
    "org_id",
    "page_url",
]

#: The OCDS ocid prefix when ``COPROD_OCDS_PREFIX`` does not say: register your own
#: (``ocds-`` and six characters, from the Open Contracting Partnership) before publishing.
DEFAULT_OCID_PREFIX = "ocds-coprod"
#: The 360Giving identifier prefix when ``COPROD_360GIVING_PREFIX`` does not say: a publisher
#: gets its own (``360G-<name>``) from 360Giving.
DEFAULT_GRANT_PREFIX = "360G-coprod"


def ocid_prefix() -> str:
    """The ocid prefix of this publisher (setting ``COPROD_OCDS_PREFIX``)."""
    return os.environ.get("COPROD_OCDS_PREFIX") or DEFAULT_OCID_PREFIX


def grant_prefix() -> str:
    """The 360Giving prefix of this publisher (setting ``COPROD_360GIVING_PREFIX``)."""
    return os.environ.get("COPROD_360GIVING_PREFIX") or DEFAULT_GRANT_PREFIX


def org_id(organisation: Organisation, prefix: str) -> str:
    """An organisation's identifier in the exports: the publisher's prefix and its slug."""
    return f"{prefix}-org-{organisation.slug}"


def date_time(value: date | datetime) -> str:
    """A date or an aware time as the standards want it: RFC 3339, in UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"


def amount(value: Decimal) -> float | int:
    """Money as a JSON number (the standards' schemas want numbers, not strings)."""
    return int(value) if value == value.to_integral_value() else float(value)


def last_modified(project: Project) -> datetime:
    """When the project last changed in the snapshot (its latest event)."""
    moment: datetime = project.modified_on
    return moment


def page_url(base_url: str | None, project_id: UUID) -> str | None:
    """The project's public page, if the public address of this coprod is known."""
    return None if not base_url else f"{base_url.rstrip('/')}/projects/{project_id}"


def drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    """The object without its empty members (the standards prefer absent to empty)."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


_MILESTONE_STATUS = {
    MilestoneStatus.SCHEDULED: "scheduled",
    MilestoneStatus.MET: "met",
    MilestoneStatus.CANCELLED: "notMet",
}


def ocds_milestone(milestone: Any) -> dict[str, Any]:
    """A project milestone as an OCDS milestone (planning, or a contract's implementation)."""
    return drop_empty(
        {
            "id": milestone.code,
            "title": milestone.title,
            "type": "delivery",
            "dueDate": date_time(milestone.due_on),
            "dateMet": date_time(milestone.met_on) if milestone.met_on else None,
            "status": _MILESTONE_STATUS.get(milestone.status, "scheduled"),
        }
    )
