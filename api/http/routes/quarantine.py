"""Quarantined events, for council officers: what the read models could not apply, and why.

An event lands here when applying it fails deterministically (a value the read models'
store refuses, a state that does not decode; see :mod:`projections.quarantine`): the
read models went on without it, so figures may lack it until it is fixed and
``coprod project --retry-quarantined`` is run. The list names events (position, topic,
aggregate id and version) and the error, never their content, so it holds no personal data.
An officer sees the entries of their own council's aggregates and of the system's own facts;
an entry whose council cannot be told is for the server's operator only (the rule and why:
:func:`coprod.application.policy.sees_quarantined`). ``coprod project --status`` lists all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.http.deps import CoprodApp, Officer, Reads
from api.http.routes.common import View
from coprod.application.attribution import CouncilLookup
from projections.quarantine import list_quarantined

router = APIRouter(prefix="/projections", tags=["projections"])


class QuarantinedEvent(View):
    read_model: str
    generation: int
    position: int
    topic: str
    originator_id: str
    originator_version: int | None
    error_class: str
    error_message: str
    quarantined_at: datetime


class QuarantineList(View):
    total: int
    items: list[QuarantinedEvent]


@router.get("/quarantine")
def list_quarantine(
    who: Officer,
    app: CoprodApp,
    reads: Reads,
    read_model: Annotated[
        str | None,
        Query(max_length=100, description="Only this read model version, e.g. `impact_v2`"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> QuarantineList:
    """Events the read models could not apply (readers' generations), in log order: those
    of the officer's own council and of the system's own facts."""
    with reads.connection() as conn:
        found = list_quarantined(conn, None if read_model is None else [read_model])
    shown = CouncilLookup(app).visible_to(who.actor, (q.originator_id for q in found))
    found = [q for q in found if q.originator_id in shown]
    page = found[offset : offset + limit]
    return QuarantineList(
        total=len(found),
        items=[
            QuarantinedEvent(
                read_model=q.model,
                generation=q.generation,
                position=q.notification_id,
                topic=q.topic,
                originator_id=_uuid_text(q.originator_id),
                originator_version=q.originator_version,
                error_class=q.error_class,
                error_message=q.error_message,
                quarantined_at=q.quarantined_at,
            )
            for q in page
        ],
    )


def _uuid_text(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        return value
