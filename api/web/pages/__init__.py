"""The public pages (no sign-in): one module per page, all on one router.

Every page links to its machine-readable twin, the API answer with the same data.
"""

from fastapi import APIRouter

from api.web.pages import (
    bids,
    console,
    console_decision,
    console_delivery,
    console_imports,
    console_moderation,
    console_panel,
    console_process,
    console_services,
    console_sessions,
    console_tenders,
    home,
    ideas,
    impact,
    invitations,
    keys,
    members,
    my,
    my_panels,
    pack,
    paper_ballots,
    process,
    projects,
    signin,
    tenders,
    vote,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for _module in (
    home,
    process,
    projects,
    impact,
    pack,
    signin,
    invitations,
    console,
    console_decision,
    console_delivery,
    console_process,
    console_imports,
    console_tenders,
    console_panel,
    console_services,
    console_sessions,
    console_moderation,
    bids,
    vote,
    my,
    my_panels,
    ideas,
    keys,
    members,
    paper_ballots,
    tenders,
):
    router.include_router(_module.router)
