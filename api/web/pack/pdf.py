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

__all__ = ["RenderedPdf", "render_pdf", "report_pdf"]


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
    from weasyprint import HTML  # imported here: see the module docstring

    document = HTML(string=html, url_fetcher=_no_fetching).render()
    return RenderedPdf(document.write_pdf(), len(document.pages))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """The report is self-contained: a reference to anything else is a bug, not a fetch."""
    raise ValueError(f"the report refers to {url}; it must be self-contained")
