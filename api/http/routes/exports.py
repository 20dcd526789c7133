"""Exports for evaluators: the whole event log as CSV, streamed a page at a time.

Evaluators only: the log holds every act with its actor's pseudonymous id, which links the
acts of one person (fine for research under agreement, not for the public). Personal values
that travel encrypted inside events are written as ``[encrypted]``, never decrypted. The
export stops at the log position current when the request arrived, so the file is one
consistent prefix of the log however long the download takes; that position is sent in the
``X-Log-Position`` header. The columns are described in the data dictionary that
``coprod export csv DIR`` writes.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.http.deps import CoprodApp, EvaluatorReader, Reads
from api.http.routes.summaries import AsOf
from coprod.application.policy import CouncilScope
from projections.analytics import EventSelection, iter_event_chunks

router = APIRouter(prefix="/exports", tags=["exports"])

CSV = "text/csv; charset=utf-8"


@router.get(
    "/events.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per event"},
    },
)
def export_events_csv(
    who: EvaluatorReader, app: CoprodApp, reads: Reads, as_of: AsOf = None
) -> StreamingResponse:
    """The event log of the key's council as CSV, in log order, optionally only the events
    recorded by `as_of`. An evaluator key reads the history of the council that issued it
    and nothing of other councils; a study across councils holds one key per council."""
    stop = app.recorder.max_notification_id() or 0
    scope = CouncilScope(who.organisation_id)
    select = EventSelection(as_of=as_of, stop=stop or None, keep=scope.includes)
    chunks = iter_event_chunks(app, select=select)
    first = next(chunks)  # fails here (a clean 4xx/5xx), not halfway through the body

    def rows() -> Iterator[str]:
        yield first.to_csv(index=False)
        for chunk in chunks:
            yield chunk.to_csv(index=False, header=False)

    return StreamingResponse(
        rows(),
        media_type=CSV,
        headers={
            "Content-Disposition": 'attachment; filename="events.csv"',
            "X-Log-Position": str(stop),
        },
    )
