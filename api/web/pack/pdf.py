"""The report pack's PDF: the HTML report laid out on A4 by WeasyPrint.

Why from the HTML: one source for both, so the PDF a council files says exactly what the
HTML says. The stylesheet (report.css) gives the pages their size, page numbers and
repeated table headers. Fonts come from the system (fontconfig): the stylesheet asks for
DejaVu Sans, which has the Danish letters (Debian's fonts-dejavu-core; see .ci/run).
Nothing is fetched: the HTML has no external reference, and the URL fetcher refuses any.
WeasyPrint is imported when a PDF is made, not before: it takes half a second to import,
which every other ``coprod`` command and the server's start would otherwise pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from api.web.i18n import Language
from api.web.pack.content import Pack
from api.web.pack.html import report_html
from coprod.domain.errors import StoreUnavailable

__all__ = ["PdfUnavailable", "RenderedPdf", "render_pdf", "report_pdf"]


class PdfUnavailable(StoreUnavailable):
    """The system library WeasyPrint lays pages out with is missing: a 503 over HTTP, one
    line and exit code 3 on the command line, never a traceback."""


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF's bytes and how many pages it has."""

    data: bytes
    pages: int


def report_pdf(pack: Pack, lang: Language) -> RenderedPdf:
    """The report of `pack` in `lang` as an A4 PDF."""
    return render_pdf(report_html(pack, lang))


def render_pdf(html: str) -> RenderedPdf:
    """`html` (a self-contained document) laid out and written as a PDF."""
    try:
        from weasyprint import HTML  # imported here: see the module docstring
    except (OSError, ImportError) as e:  # WeasyPrint is installed; pango may not be
        raise PdfUnavailable(
            "the PDF cannot be laid out on this machine: WeasyPrint needs the pango library "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core); "
            f"{e}"
        ) from e
    document = HTML(string=html, url_fetcher=_no_fetching).render()
    return RenderedPdf(document.write_pdf(), len(document.pages))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """The report is self-contained: a reference to anything else is a bug, not a fetch."""
    raise ValueError(f"the report refers to {url}; it must be self-contained")
