"""Readable codes from titles: "Pocket park in Nordbyen" -> "pocket-park-in-nordbyen".

Why here and pure: a project's code is derived from its title when it was funded, the same
way on every store and every rebuild, so an address printed on a poster keeps working.
Danish letters are spelled out (æ -> ae, ø -> oe, å -> aa) before other accents are
dropped, as Danes write them in web addresses.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_SLUG", "slugify", "unique"]

MAX_SLUG = 60
_SPELLED = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"}
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """Lower-case ASCII words joined by hyphens, at most :data:`MAX_SLUG` characters."""
    text = unicodedata.normalize("NFKD", title.translate(_SPELLED))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_WORD.sub("-", ascii_text).strip("-")[:MAX_SLUG].rstrip("-")
    return slug or "project"


def unique(slugs: list[str]) -> list[str]:
    """The slugs in order, a clash given -2, -3... in the order the projects were funded."""
    taken: set[str] = set()
    out = []
    for slug in slugs:
        candidate, n = slug, 2
        while candidate in taken:
            candidate = f"{slug}-{n}"
            n += 1
        taken.add(candidate)
        out.append(candidate)
    return out
