"""``/``: every process, with its phase and the next date that matters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.web.deps import App, Lang, ReadModels
from api.web.labels import label
from api.web.render import render
from coprod.domain.process import PhaseDates, Process
from projections.queries import process_page

router = APIRouter()

#: The home page lists this many processes (by name); the API pages through all of them.
HOME_LIMIT = 100


@dataclass(frozen=True)
class NextDate:
    """What happens next in a process, and when."""

    phase: str
    on: date
    starts: bool


def next_date(process: Process, today: date) -> NextDate | None:
    """The next scheduled start or end at or after `today`; None when nothing is ahead."""
    moments: list[NextDate] = []
    for dates in process.schedule:
        moments.append(NextDate(dates.phase.value, dates.starts_on, True))
        moments.append(NextDate(dates.phase.value, dates.ends_on, False))
    ahead = [m for m in moments if m.on >= today]
    return min(ahead, key=lambda m: (m.on, not m.starts), default=None)


def schedule_of(process: Process) -> list[PhaseDates]:
    return sorted(process.schedule, key=lambda d: d.starts_on)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, app: App, reads: ReadModels, lang: Lang) -> HTMLResponse:
    """The processes by name, with phase and next date (from the read model and schedule)."""
    with reads.connection() as conn:
        page = process_page(conn, limit=HOME_LIMIT)
    today = date.today()
    rows = []
    for item in page.items:
        process = app.get_process(item.process_id)
        rows.append(
            {
                "item": item,
                "kind": label(lang, item.kind.value),
                "phase": label(lang, item.phase.value),
                "next": next_date(process, today),
            }
        )
    context = {"rows": rows, "total": page.total, "label": label}
    return render(request, "home.html", context)
