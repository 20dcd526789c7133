"""Releases of a process's impact report: publish (an officer of its council), list and read.

Why: the public reads impact figures only from releases (issue 11, item 9), so that nobody can
difference two live reports one ballot apart. Publishing checks the new release against every
earlier one and withholds what the pair would give away (projections.releases).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response
from pydantic import Field, JsonValue

from api.http.deps import CoprodApp, Officer, PublicReader, Reads
from api.http.routes.common import Body, View
from coprod.domain.release import NOTE_MAX, Release
from projections.releases import publish_next

router = APIRouter(prefix="/processes", tags=["impact"])


class PublishRelease(Body):
    note: Annotated[str | None, Field(max_length=NOTE_MAX, examples=["Final figures"])] = None


class ReleaseSummaryView(View):
    """What a release is, without its figures."""

    process_id: UUID
    number: int
    as_of: datetime = Field(description="The moment the report describes")
    position: int = Field(description="The log position the read model had applied")
    figures_sha256: str = Field(description="SHA-256 of the canonical JSON of the figures")
    counted_sha256: str = Field(
        description="SHA-256 of the canonical JSON of what it counted before suppression"
    )
    chain_head: str | None = Field(description="The log's hash-chain head at `position`")
    note: str | None
    published_at: datetime
    published_by: UUID = Field(description="The actor id of the officer who published it")


class ReleaseView(ReleaseSummaryView):
    figures: dict[str, JsonValue] = Field(description="The released impact report")


class PublishedView(ReleaseSummaryView):
    withheld: list[str] = Field(
        description="Breakdowns withheld because, beside an earlier release, they gave "
        "something away"
    )
    pairs_checked: int


def summary(release: Release) -> ReleaseSummaryView:
    """The release's facts, for lists and for the impact report's `release` field."""
    return ReleaseSummaryView(
        process_id=release.process_id,
        number=release.number,
        as_of=release.as_of,
        position=release.position,
        figures_sha256=release.figures_sha256,
        counted_sha256=release.counted_sha256,
        chain_head=release.chain_head,
        note=release.note,
        published_at=release.published_at,
        published_by=release.published_by.id,
    )


@router.post("/{process_id}/releases", status_code=201)
def publish_release(
    process_id: UUID,
    body: PublishRelease,
    who: Officer,
    app: CoprodApp,
    reads: Reads,
    response: Response,
) -> PublishedView:
    """Publish the next release of the process's impact report (an officer of its council)."""
    # A release counts everything recorded before it was asked for; the wait for the read
    # models comes after the policy has allowed the caller.
    asked_at = app.recorder.max_notification_id()
    with reads.connection() as conn:
        release, prepared = publish_next(
            app,
            who.actor,
            process_id,
            conn,
            note=body.note,
            before=lambda: reads.wait_for(asked_at),
        )
    number = release.number
    response.headers["Location"] = f"/api/v1/processes/{process_id}/releases/{number}"
    return PublishedView(
        **summary(release).model_dump(),
        withheld=list(prepared.withheld),
        pairs_checked=prepared.pairs_checked,
    )


class ReleaseListView(View):
    process_id: UUID
    releases: list[ReleaseSummaryView] = Field(description="Oldest first")


@router.get("/{process_id}/releases")
def list_releases(process_id: UUID, who: PublicReader, app: CoprodApp) -> ReleaseListView:
    """Every release of the process, oldest first (public)."""
    app.get_process(process_id)
    return ReleaseListView(
        process_id=process_id, releases=[summary(r) for r in app.releases(process_id)]
    )


@router.get("/{process_id}/releases/{number}")
def get_release(
    process_id: UUID,
    number: Annotated[int, Path(ge=1, le=1_000_000, description="The release number")],
    who: PublicReader,
    app: CoprodApp,
) -> ReleaseView:
    """One release with its figures, exactly as published (public)."""
    release = app.get_release(process_id, number)
    return ReleaseView(**summary(release).model_dump(), figures=json.loads(release.figures))
