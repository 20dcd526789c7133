"""What a rule is run with besides the ballots (see :func:`coprod.domain.tally.compute`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.ties import TieBreak

__all__ = ["RuleOptions"]


@dataclass(frozen=True)
class RuleOptions:
    """What a rule is run with besides the ballots: declared, never guessed from prose.

    ``reserve_percent``: greedy-custom's share of the stopping project's cost that must be left
    for reserve funding (Poznań: 80). ``exclusive``: groups of public project ids of which at
    most one can be built (greedy-exclusive). ``tie_break``: how equal scores are ordered by the
    greedy rules (the other rules always use the smaller id). ``threshold``: greedy-threshold's
    minimum score (None: the declared one).
    """

    reserve_percent: Fraction = Fraction(80)
    threshold: int | None = None
    exclusive: tuple[tuple[str, ...], ...] = ()
    tie_break: TieBreak = field(default_factory=TieBreak)

    def __post_init__(self) -> None:
        if not 0 <= self.reserve_percent <= 100:
            raise InvalidInput("reserve_percent", "must be between 0 and 100")
