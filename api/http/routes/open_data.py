"""Open-standard downloads: OCDS and 360Giving of a process, W3C PROV of a project's trail.

The public gets what a published release describes: the log up to the latest release (or
``release=N``), and for PROV the trail as recorded by that release's time. Officers of the
process's council and its evaluators may ask ``current=true`` for the log as it is now, as
they may read the live impact report. No personal data: organisations and roles only.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.http.deps import CoprodApp, PublicReader, Reads
from api.http.errors import PROBLEM_JSON
from api.keys import Principal
from coprod.application import Coprod, policy
from coprod.domain.errors import NotAllowed
from coprod.domain.release import latest_at
from coprod.domain.values import Role
from projections.open_data import (
    ProcessSnapshot,
    export_position,
    ocds_release_package,
    project_provenance,
    three_sixty_giving,
)

router = APIRouter(tags=["exports"])

#: The public asking for the live log (``current=true``): the one refusal these reads add.
LIVE_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "current=true without a key of the council's officers or evaluators",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}

Current = Query(False, description="The log as it is now (the council's officers, evaluators)")


@dataclass(frozen=True)
class Scope:
    """Which state of the log an export describes: a release (default the latest), or now."""

    release: int | None = Query(
        None, ge=1, description="The published release to describe (default: the latest)"
    )
    current: bool = Current


def _live(app: Coprod, who: Principal | None, process_id: UUID, current: bool) -> bool:
    """Whether this reader gets the log as it is now; the policy refuses it to the public."""
    if not current:
        return False
    if who is None or who.role not in (Role.EVALUATOR, Role.COUNCIL_OFFICER):
        raise NotAllowed("only the council's officers and evaluators read the live log")
    if not policy.reads_full_history(who.actor, app.get_process(process_id).council_id):
        raise NotAllowed(f"process {process_id} is another council's")
    return True


def _snapshot(
    app: Coprod, who: Principal | None, process_id: UUID, scope: Scope
) -> ProcessSnapshot:
    live = _live(app, who, process_id, scope.current)
    position = export_position(app, process_id, release=scope.release, current=live)
    return ProcessSnapshot.read(app, process_id, position)


def _json(data: object, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        media_type="application/json",
        headers=headers,
    )


def _base(request: Request) -> str:
    return os.environ.get("COPROD_BASE_URL") or str(request.base_url).rstrip("/")


@router.get("/processes/{process_id}/exports/{standard}.json", responses=LIVE_REFUSED)
def process_export(
    process_id: UUID,
    standard: Literal["ocds", "360giving"],
    who: PublicReader,
    app: CoprodApp,
    request: Request,
    scope: Annotated[Scope, Depends()],
) -> Response:
    """``ocds``: an OCDS 1.1 release package of the process's funded projects (planning
    stage); ``360giving``: a 360Giving data package, a grant per funded project."""
    snapshot = _snapshot(app, who, process_id, scope)
    build = ocds_release_package if standard == "ocds" else three_sixty_giving
    package = build(snapshot, base_url=_base(request))
    return _json(package, f"{standard}-{process_id}.json")


@router.get("/projects/{project_id}/provenance", responses=LIVE_REFUSED)
def provenance(
    project_id: UUID,
    who: PublicReader,
    app: CoprodApp,
    reads: Reads,
    format: Literal["json", "provn"] = "json",
    current: bool = Current,
) -> Response:
    """W3C PROV of the project's trail, as PROV-JSON or PROV-N."""
    process_id = app.get_project(project_id).process_id
    as_of: datetime | None = None
    if not _live(app, who, process_id, current):
        as_of = latest_at(process_id, app.releases(process_id), None).as_of
    with reads.connection() as conn:
        document = project_provenance(project_id, as_of, conn=conn)
    if format == "provn":
        return Response(document.get_provn(), media_type="text/provenance-notation")
    body = str(document.serialize(format="json"))
    return Response(body.encode(), media_type="application/json")
