"""Voting letters: one A4 page per code, with the vote's dates, its address and a QR code.

Why a PDF: a council posts the codes, and a print shop takes one PDF. Each letter carries
its code only on paper; the server keeps the code's hash (:mod:`coprod.adapters.voting_codes`),
so the PDF is the only place the codes exist: it is written once and never stored by coprod.
The page is laid out by WeasyPrint like the report pack (:mod:`api.web.pack.pdf`); the QR
code is segno's SVG, inlined, so nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from api.web.i18n import Language
from api.web.pack.pdf import RenderedPdf, render_pdf
from api.web.qr import qr_svg
from api.web.render import environment
from coprod.domain.phases import Phase
from coprod.domain.process import Process

__all__ = ["Letter", "letters_html", "letters_pdf", "vote_url"]


def vote_url(base_url: str, process_id: object, code: str) -> str:
    """The address a letter's QR code opens: the vote, with the code filled in."""
    return f"{base_url.rstrip('/')}/processes/{process_id}/vote?code={quote(code)}"


@dataclass(frozen=True)
class Letter:
    """One letter: its code, the vote's address with the code, and that address as a QR code."""

    code: str
    url: str
    qr: Markup


def letters_html(process: Process, codes: Sequence[str], base_url: str, lang: Language) -> str:
    """Every letter as one HTML document, one page each."""
    vote = next((d for d in process.schedule if d.phase is Phase.VOTE), None)
    letters = []
    for code in codes:
        url = vote_url(base_url, process.id, code)
        letters.append(Letter(code, url, Markup(qr_svg(url, scale=4))))
    template = environment().get_template("letters/letters.html")
    return template.render(
        process=process,
        vote=vote,
        letters=letters,
        start_url=f"{base_url.rstrip('/')}/processes/{process.id}/vote",
        lang=lang,
        _=lang.gettext,
        gettext=lang.gettext,
        ngettext=lang.ngettext,
    )


def letters_pdf(
    process: Process, codes: Sequence[str], base_url: str, lang: Language
) -> RenderedPdf:
    """The letters laid out on A4, one page per code."""
    return render_pdf(letters_html(process, codes, base_url, lang))
