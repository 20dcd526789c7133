"""``/processes/{id}/impact``: every published measure as tables and charts, by release.

The public reads impact figures from releases only (as ``GET /api/v1/processes/{id}/impact``
serves them), so the page shows a release exactly as published — the latest, or the one
chosen — with its log position, hashes, k and disclosure method. Each chart is drawn from
the same rows as the table under it, which is its text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.web.cells import Cell, cell, number
from api.web.charts import Bar, bar_chart
from api.web.deps import App, Lang
from api.web.i18n import Language
from api.web.impact_labels import CHARTS, SHARE_CHARTS, column_label, stem, table_title
from api.web.labels import label
from api.web.pagecache import PageCache
from api.web.pages.problems import page_not_found
from api.web.published import figures_of, pick_release
from api.web.render import render_html, respond
from coprod.domain.errors import NotFound

router = APIRouter()

#: Rendered impact pages: (process, its version, release shown, releases, language) -> HTML.
_PAGES: PageCache[tuple[object, ...]] = PageCache()


@dataclass(frozen=True)
class ShownTable:
    """One published table, its heading, columns and cells in the reader's language."""

    key: str
    title: str
    definition: str
    method: str
    k: int
    columns: list[str]
    rows: list[list[Cell]]
    chart: Markup | None


@router.get("/processes/{process_id}/impact", response_class=HTMLResponse)
def impact_page(
    process_id: UUID,
    request: Request,
    app: App,
    lang: Lang,
    release: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> HTMLResponse:
    """The latest release's figures, or release `release`; says so when none is published.

    A release never changes, so its page is rendered once per language and kept (keyed too
    by the latest release, which the selector lists).
    """
    try:
        process = app.get_process(process_id)
    except NotFound:
        return page_not_found(request)
    releases = app.releases(process_id)
    chosen = pick_release(process_id, releases, release)
    if release is not None and chosen is None:
        return page_not_found(request)
    key = (process_id, process.version, chosen and chosen.number, len(releases), lang.code)
    html = _PAGES.get(key)
    if html is None:
        figures: dict[str, Any] = {} if chosen is None else figures_of(chosen)
        currency = str(figures.get("currency", process.currency))
        context = {
            "process": process,
            "release": chosen,
            "releases": releases,
            "figures": figures,
            "tables": [_table(lang, t, currency) for t in figures.get("tables", [])],
            "label": label,
        }
        html = _PAGES.put(key, render_html(request, "impact.html", context))
    return respond(request, html)


def _table(lang: Language, table: dict[str, Any], currency: str) -> ShownTable:
    columns = list(table["columns"])
    rows = [[cell(lang, row, c, currency) for c in columns] for row in table["rows"]]
    return ShownTable(
        key=table["title"],
        title=table_title(lang, table["title"]),
        definition=str(table.get("definition", "")),
        method=str(table.get("method", "")),
        k=int(table.get("k", 0)),
        columns=[column_label(lang, c) for c in columns],
        rows=rows,
        chart=_chart(lang, table, currency),
    )


def _chart(lang: Language, table: dict[str, Any], currency: str) -> Markup | None:
    """A bar chart of the table's chosen column (shares against 100 %), or None."""
    key = stem(table["title"])
    spec, whole = CHARTS.get(key), None
    if spec is None and key in SHARE_CHARTS:
        spec, whole = SHARE_CHARTS[key], Decimal(1)
    if spec is None:
        return None
    name, column = spec
    bars = []
    for row in table["rows"]:
        amount = number(row.get(column))
        if amount is None or row.get(f"{column}_suppressed"):
            continue
        bars.append(
            Bar(label(lang, str(row[name])), amount, cell(lang, row, column, currency).text)
        )
    if not bars:
        return None
    return bar_chart(table_title(lang, table["title"]), bars, whole)
