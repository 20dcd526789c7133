"""The impact page's downloads: the report pack of a release, one file at a time.

``/processes/{id}/impact/report.html``, ``report.pdf``, ``report.xlsx`` and
``tables-da.zip`` / ``tables-en.zip`` (the CSV files for a Danish or an English Excel), of
the latest release or ``?release=N``. Public, like the impact page: a release is what the
public reads. Each is an attachment named after the process and the release. The HTML report
is a document of its own, not a page of the site: it carries its CSS inline, so it gets its
own Content-Security-Policy — inline style, images only as data, no script at all.

A release never changes, so each file made from one is kept (the last few dozen, by release,
fingerprint, format and language): the PDF takes a second to lay out, and a public link to
it should not cost that second on every click.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.web.deps import App, Lang
from api.web.i18n import Language
from api.web.pack import Pack, build_pack
from api.web.pack.csv import DIALECTS, csv_zip
from api.web.pack.html import report_html
from api.web.pack.pdf import report_pdf
from api.web.pack.xlsx import report_xlsx
from api.web.pages.problems import page_not_found
from api.web.published import latest_release
from api.web.render import SECURITY_HEADERS
from coprod.domain.errors import NotFound

__all__ = ["REPORT_CSP", "router"]

router = APIRouter()

#: The downloaded report: its own inline CSS and data images, nothing else, never a script.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Writer = Callable[[Pack, Language], bytes]
_REPORTS: dict[str, tuple[str, Writer]] = {
    "html": ("text/html; charset=utf-8", lambda p, lang: report_html(p, lang).encode("utf-8")),
    "pdf": ("application/pdf", lambda p, lang: report_pdf(p, lang).data),
    "xlsx": (XLSX, report_xlsx),
}
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")

Release = Annotated[int | None, Query(ge=1, le=1_000_000)]


@router.get("/processes/{process_id}/impact/report.{kind}")
def report_download(
    process_id: UUID, kind: str, request: Request, app: App, lang: Lang, release: Release = None
) -> Response:
    """The report of the release as HTML, PDF or an Excel workbook, in the reader's language."""
    found = _pack(app, process_id, release)
    if found is None or kind not in _REPORTS:
        return page_not_found(request)
    pack, code = found
    media_type, write = _REPORTS[kind]
    headers = {**SECURITY_HEADERS, "Content-Language": lang.code}
    if kind == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    data = _kept(pack, (kind, lang.code), lambda: write(pack, lang))
    return _attachment(data, media_type, f"{code}-report.{kind}", headers)


@router.get("/processes/{process_id}/impact/tables-{dialect}.zip")
def tables_download(
    process_id: UUID, dialect: str, request: Request, app: App, release: Release = None
) -> Response:
    """Every table as a CSV file for a Danish (``da``) or an English (``en``) Excel, zipped."""
    found = _pack(app, process_id, release)
    if found is None or dialect not in DIALECTS:
        return page_not_found(request)
    pack, code = found
    data = _kept(pack, ("zip", dialect), lambda: csv_zip(pack, dialect))
    name = f"{code}-tables-{dialect}.zip"
    return _attachment(data, "application/zip", name, dict(SECURITY_HEADERS))


def _pack(app: App, process_id: UUID, number: int | None) -> tuple[Pack, str] | None:
    """The pack of the release, and a file-name stem naming process and release; None if
    the process or the release does not exist."""
    try:
        process = app.get_process(process_id)
    except NotFound:
        return None
    chosen = latest_release(app, process_id, number)
    if chosen is None:
        return None
    stem = _NOT_IN_NAME.sub("-", process.code).strip("-") or "process"
    return build_pack(chosen), f"{stem}-release-{chosen.number}"


_KEPT: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_KEPT_MOST = 32
_KEPT_LOCK = threading.Lock()


def _kept(pack: Pack, what: tuple[str, str], make: Callable[[], bytes]) -> bytes:
    """The file `what` (format, language) of the pack's release, made once and then kept."""
    key = (pack.process_id, pack.release, pack.figures_sha256, pack.published_at, *what)
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    data = make()
    with _KEPT_LOCK:
        _KEPT[key] = data
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return data


def _attachment(data: bytes, media_type: str, name: str, headers: dict[str, str]) -> Response:
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(data, media_type=media_type, headers=headers)
