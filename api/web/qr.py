"""QR codes of links, as SVG: for the officer's screen, a printout, or ``coprod invite --qr``.

Why SVG from segno: it is pure Python (no image library), sharp at any print size, and its
markup uses plain attributes only, so inlined in a page it passes the CSP (no inline style).
"""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg"]


def qr_svg(url: str, *, scale: int = 6) -> str:
    """The link as an SVG QR code (medium error correction: survives a crease or a smudge)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgclass="qr", lineclass=None
    )
    return out.getvalue().decode("utf-8")
