"""Charts drawn on the server as SVG: no script, no chart library, readable without colour.

Every chart is an ``<svg role="img">`` with a title naming what it shows; the page puts the
same numbers in a table or text beside it, which is the text alternative (WCAG 1.1.1).
Bars are drawn with a pattern of lengths, and every bar is labelled with its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

__all__ = ["Bar", "bar_chart", "progress_bar"]

_WIDTH = 600
_ROW = 28
_LABEL = 200


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and the value shown as text."""

    label: str
    value: Decimal
    text: str


def progress_bar(title: str, done: Decimal, whole: Decimal, text: str) -> Markup:
    """One horizontal bar: `done` of `whole` (spend against approved, say), over-run in red."""
    share = Decimal(0) if whole <= 0 else done / whole
    width = int(min(share, Decimal(1)) * (_WIDTH - 2))
    over = share > 1
    return Markup(
        f'<svg class="chart progress" viewBox="0 0 {_WIDTH} 24" role="img" '
        f'aria-label="{escape(title)}: {escape(text)}" focusable="false">'
        f"<title>{escape(title)}: {escape(text)}</title>"
        f'<rect class="track" x="1" y="1" width="{_WIDTH - 2}" height="22" rx="3"/>'
        f'<rect class="{"over" if over else "fill"}" x="1" y="1" width="{width}" height="22" '
        'rx="3"/></svg>'
    )


def bar_chart(title: str, bars: list[Bar], whole: Decimal | None = None) -> Markup:
    """Horizontal bars, one per row, each labelled; scaled to `whole` (1 for shares, so a
    full bar is 100 %) or else to the largest value."""
    top = whole if whole is not None else max((b.value for b in bars), default=Decimal(0))
    height = _ROW * len(bars) + 4
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" focusable="false"><title>{escape(title)}</title>'
    ]
    room = _WIDTH - _LABEL - 110
    for i, b in enumerate(bars):
        y = 2 + i * _ROW
        width = 0 if top <= 0 else int(min(b.value / top, Decimal(1)) * room)
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 18}" text-anchor="end">{escape(_short(b.label))}</text>'
            f'<rect class="fill" x="{_LABEL}" y="{y + 4}" width="{max(width, 1)}" height="18"/>'
            f'<text x="{_LABEL + max(width, 1) + 6}" y="{y + 18}">{escape(b.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, most: int = 28) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
