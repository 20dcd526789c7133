"""Health: whether the API can reach its store, for load balancers and ``coprod serve``."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CoprodApp, PublicReader
from api.routes.common import View

router = APIRouter(tags=["health"])


class Health(View):
    status: str
    store: str
    position: int


@router.get("/health")
def health(who: PublicReader, app: CoprodApp) -> Health:
    """Reports the store and the log's last position; a store that is down answers 503."""
    return Health(
        status="ok", store=app.settings.backend, position=app.recorder.max_notification_id() or 0
    )
