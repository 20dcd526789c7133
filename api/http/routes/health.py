"""Health: whether the API can reach its store, for load balancers and ``coprod serve``.

``status`` is ``ok``, or ``degraded`` when some read model has quarantined events (events it
could not apply; see :mod:`projections.quarantine`). A degraded API still answers 200: every
read model keeps serving and following the log, and no server is healthier than another
(the quarantine is in the shared store), so a load balancer taking servers out would only
turn a few missing events into an outage. Monitoring should alert on ``degraded``; officers
list the events at ``GET /api/v1/projections/quarantine``. A store that is down answers 503.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from api.http.deps import CoprodApp, PublicReader, get_reads
from api.http.routes.common import View
from api.reads import ReadStore
from projections.quarantine import counts

router = APIRouter(tags=["health"])


class Health(View):
    status: Literal["ok", "degraded"] = Field(
        description="`degraded` when some read model has quarantined events (still HTTP 200)"
    )
    store: str
    position: int
    quarantined: int = Field(
        0, description="Events the read models could not apply and set aside (all models)"
    )
    quarantined_by_model: dict[str, int] = Field(
        default_factory=dict, description="The same count per read model version"
    )


@router.get("/health")
def health(
    who: PublicReader, app: CoprodApp, reads: Annotated[ReadStore, Depends(get_reads)]
) -> Health:
    """Reports the store, the log's last position and quarantined events; a store that is
    down answers 503."""
    position = app.recorder.max_notification_id() or 0
    with reads.connection() as conn:
        by_model = counts(conn)
    total = sum(by_model.values())
    return Health(
        status="degraded" if total else "ok",
        store=app.settings.backend,
        position=position,
        quarantined=total,
        quarantined_by_model=by_model,
    )
