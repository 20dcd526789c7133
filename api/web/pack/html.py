"""The report pack as one self-contained HTML file (and the source of its PDF).

Why self-contained: a council officer mails the file or files it in a case system, where it
must open years later with no server behind it. So the CSS is inline, the charts are inline
SVG, and there is no script, no image file, no font file and no link to another address.
Texts are in the reader's language (the web catalogue); the figures are formatted as on the
impact page (api.web.cells), from the same :class:`~api.web.pack.content.Pack` the workbook
and the CSVs are written from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from api.web.cells import Cell, shown_number
from api.web.charts import Bar, bar_chart
from api.web.i18n import NO_VALUE, Language
from api.web.impact_labels import column_label, table_title
from api.web.labels import label
from api.web.pack.content import Kind, Pack, PackCell, PackTable
from api.web.render import environment

__all__ = ["CSS", "cell_text", "report_html"]

CSS = Path(__file__).with_name("report.css")
_TEMPLATE = "pack/report.html"
#: The charts' colours inside each SVG: WeasyPrint styles an SVG from its own <style> only.
_SVG_STYLE = Markup(
    "<style>.fill{fill:#0b5d3b}.track{fill:#f4f6f8;stroke:#4a5560}.over{fill:#a4161a}"
    "text{font-size:13px;fill:#1b1f23;font-family:'DejaVu Sans',Arial,sans-serif}</style>"
)


@dataclass(frozen=True)
class _Shown:
    """One table as the report shows it, in the reader's language."""

    title: str
    definition: str
    k: int
    method: str
    columns: list[str]
    numeric: list[bool]
    rows: list[list[Cell]]
    chart: Markup | None


def report_html(pack: Pack, lang: Language) -> str:
    """The whole report as one HTML document in `lang`, ready to save or to print."""
    template = _environment().get_template(_TEMPLATE)
    return template.render(
        pack=pack,
        tables=[_shown(lang, t, pack.currency) for t in pack.tables],
        css=Markup(_css()),
        lang=lang,
        label=label,
        _=lang.gettext,
        gettext=lang.gettext,
        ngettext=lang.ngettext,
    )


def cell_text(lang: Language, column: str, cell: PackCell, currency: str) -> str:
    """A cell's text as the impact page shows it; "hidden" for a suppressed one."""
    if cell.suppressed:
        return lang.gettext("hidden")
    if cell.value is None:
        return NO_VALUE
    if cell.kind is Kind.TEXT:
        return label(lang, str(cell.value))
    return shown_number(lang, column, Decimal(cell.value), currency)


def _shown(lang: Language, table: PackTable, currency: str) -> _Shown:
    rows = [
        [
            Cell(cell_text(lang, c, cell, currency), cell.suppressed, cell.numeric)
            for c, cell in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
    numeric = [any(row[i].numeric for row in table.rows) for i in range(len(table.columns))]
    return _Shown(
        title=table_title(lang, table.title),
        definition=table.definition,
        k=table.k,
        method=table.method,
        columns=[column_label(lang, c) for c in table.columns],
        numeric=numeric,
        rows=rows,
        chart=_chart(lang, table, currency),
    )


def _chart(lang: Language, table: PackTable, currency: str) -> Markup | None:
    """The impact page's bar chart of the table, drawn from the same cells."""
    spec = table.chart
    if spec is None:
        return None
    name, value = spec
    bars = []
    for row in table.rows:
        amount = row[value].value
        if isinstance(amount, Decimal | int) and row[value].kind is not Kind.TEXT:
            text = cell_text(lang, table.columns[value], row[value], currency)
            bars.append(Bar(label(lang, str(row[name].value)), Decimal(amount), text))
    if not bars:
        return None
    chart = bar_chart(table_title(lang, table.title), bars)
    return Markup(chart.replace("<title>", _SVG_STYLE + Markup("<title>"), 1))


@cache
def _css() -> str:
    return CSS.read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    return environment()
