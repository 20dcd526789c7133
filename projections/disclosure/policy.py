"""The k of a process and the reasons a count is hidden: what every published table states.

Why a module of its own: the k, its floor and the four reasons (primary, secondary,
small-base, withheld) are the vocabulary of every rule of the package and of the method text
a reader of a published table sees; each rule module speaks it, none owns it.
"""

from __future__ import annotations

from dataclasses import dataclass

from coprod.domain.errors import InvalidInput
from coprod.domain.process import DEFAULT_DISCLOSURE_K, MIN_DISCLOSURE_K

#: The same numbers the process aggregate enforces when an officer sets k.
DEFAULT_K = DEFAULT_DISCLOSURE_K
MIN_K = MIN_DISCLOSURE_K

PRIMARY = "primary"
SECONDARY = "secondary"
SMALL_BASE = "small-base"
WITHHELD = "withheld"
REASONS = (PRIMARY, SECONDARY, SMALL_BASE, WITHHELD)


def whole(field: str, value: object, *, minimum: int) -> int:
    """Counts of people are whole numbers; a bool or float here is a caller's bug, said plainly."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"must be a whole number, not {type(value).__name__}")
    if value < minimum:
        raise InvalidInput(field, f"must be at least {minimum}, got {value}")
    return value


def bounds(reason: str, k: int) -> tuple[int, int | None]:
    """What the attacker knows of a hidden count from its reason (None: no upper bound)."""
    if reason == WITHHELD:
        return (0, None)
    return (1, k - 1) if reason == PRIMARY else (k, None)


@dataclass(frozen=True)
class DisclosurePolicy:
    """The k of one process; refuses a k that would let tables show 1 or 2 people."""

    k: int = DEFAULT_K

    def __post_init__(self) -> None:
        whole("k", self.k, minimum=MIN_K)

    @property
    def method(self) -> str:
        """Published with every table, so a reader can tell what a hidden cell means."""
        k = self.k
        return (
            f"k = {k}. Primary: counts of people 0 < n < {k} hidden; rates, shares and means "
            f"over fewer than {k} people hidden (small-base). True zeros are shown. "
            "Secondary: wherever a total is published, at least two cells of the group are "
            f"hidden, their sum is at least {k}, and the smallest visible non-zero counts are "
            "hidden next until no hidden count can be recovered exactly from the total, even "
            f"knowing that a primary-hidden count lies in 1..{k - 1} and a secondary-hidden "
            f"count is at least {k}; two-way tables apply this to every row and column until "
            "stable, then check each hidden cell against both margins. Counts of projects, "
            "decisions and money are not counts of people and are not suppressed."
        )
