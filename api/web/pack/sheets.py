"""What the workbook and the CSV files share: each table's file or sheet name, its column
headings in a language, its hidden-cell notes and the "method and sources" rows.

Why here: a table CSV must stay a clean table (a header row, then one row per published row)
so Excel opens it as one; what the figures are — release, log position, hashes, k, method,
parameter sources — goes in ``about.csv`` and in the workbook's first sheet, written from
the same rows by :func:`about_rows`.
"""

from __future__ import annotations

import re

from api.web.i18n import Language
from api.web.impact_labels import MONEY, column_label, table_title
from api.web.impact_texts import published_or_english
from api.web.pack.content import Pack, PackTable

__all__ = ["about_rows", "headings", "hidden_note", "inert", "slug"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
#: What makes a spreadsheet read a text cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet shows as text, never runs: a leading ``'`` before a formula sign.

    Why: a process name, an area or a release note is typed by someone; in a CSV opened by
    Excel, ``=HYPERLINK(...)`` would become a live formula on the councillor's computer.
    Numbers are written by the dialect's own formatter and never pass through here.
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def slug(index: int, table: PackTable) -> str:
    """``03-representation-age-band``: the table's number and its stable (English) key."""
    words = _NOT_SLUG.sub("-", table.title.lower()).strip("-")[:48].rstrip("-")
    return f"{index:02d}-{words or 'table'}"


def headings(lang: Language, table: PackTable, currency: str) -> list[str]:
    """The column headings in `lang`; money says its currency, and a last column for notes."""
    shown = [
        f"{column_label(lang, c)} ({currency})" if c in MONEY else column_label(lang, c)
        for c in table.columns
    ]
    if table.has_hidden:
        shown.append(lang.gettext("Hidden cells"))
    return shown


def hidden_note(lang: Language, table: PackTable, row: int) -> str:
    """Which cells of row `row` are hidden and why ("Voters: fewer than k"), or ""."""
    return "; ".join(
        f"{column_label(lang, c)}: {published_or_english(lang, cell.suppressed)}"
        for c, cell in zip(table.columns, table.rows[row], strict=True)
        if cell.suppressed
    )


def about_rows(lang: Language, pack: Pack, files: list[str]) -> list[list[str | int]]:
    """The release, its provenance, disclosure, sources and notes, as rows of a sheet.

    `files` names each table's CSV file or sheet, in the order of ``pack.tables``.
    """
    _ = lang.gettext
    rows: list[list[str | int]] = [
        [_("Impact of %(name)s") % {"name": pack.name}],
        [_("Process"), str(pack.process_id)],
        [_("Release"), pack.release],
        [_("Published"), pack.published_at.isoformat()],
        [_("Figures as of"), pack.as_of.isoformat()],
        [_("Counted up to log position"), pack.position],
        [_("Fingerprint of the figures (SHA-256)"), pack.figures_sha256],
        [_("Fingerprint of what was counted (SHA-256)"), pack.counted_sha256],
        [_("Head of the event log's hash chain"), pack.chain_head or ""],
        [_("Smallest count shown (k)"), pack.k],
        [_("Disclosure control"), published_or_english(lang, pack.method)],
        [_("Currency"), pack.currency],
        [_("Shares"), _("Shares are fractions from 0 to 1 (0.25 is 25 %).")],
    ]
    if pack.note:
        rows.append([_("Note"), pack.note])
    rows += [[], [_("Sources")]]
    rows.append(
        [_("Parameter"), _("Origin"), _("Source"), _("Reference year"), _("Loaded"), _("Values")]
    )
    for p in pack.parameters:
        values = ", ".join(f"{k} = {v}" for k, v in p.values)
        rows.append([p.name, p.origin, p.source, p.reference_year or "", p.loaded_at or "", values])
    rows += [[], [_("Method notes")]]
    rows += [[published_or_english(lang, note)] for note in pack.notes]
    rows += [[], [_("Measures")]]
    rows.append([_("File or sheet"), _("Measure"), "k", _("Disclosure control"), _("Definition")])
    for name, table in zip(files, pack.tables, strict=True):
        method, definition = (
            published_or_english(lang, t) for t in (table.method, table.definition)
        )
        rows.append([name, table_title(lang, table.title), table.k, method, definition])
    return rows
