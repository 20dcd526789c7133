"""One router per resource; :data:`ROUTERS` is what the app mounts under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.routes import (
    ballots,
    cases,
    commissioning,
    commitments,
    contributions,
    decisions,
    exports,
    health,
    impact,
    imports,
    lists,
    open_data,
    organisations,
    people,
    processes,
    projects,
    proposals,
    quarantine,
    releases,
    summaries,
    timelines,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    organisations.router,
    people.router,
    processes.router,
    proposals.router,
    ballots.router,
    decisions.router,
    projects.router,
    commitments.router,
    contributions.router,
    summaries.router,
    open_data.router,
    cases.router,
    lists.router,
    timelines.router,
    impact.router,
    releases.router,
    exports.router,
    quarantine.router,
    imports.router,
    commissioning.router,
)
