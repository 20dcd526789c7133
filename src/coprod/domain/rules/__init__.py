"""PB outcome rules as pure functions: greedy, Method of Equal Shares, completions, Phragmén.

No I/O and no aggregates: an :class:`Election` goes in, a :class:`RuleResult` (winners in selection
order and one explanation per project) comes out. Arithmetic on money is exact, and ties go by
default to the smaller project id compared as a string, as in pabutools 1.2.3, so winner sets match
the field's reference library (checked on real Pabulib elections in tests/integration); greedy
takes another declared tie-break and reports every tie that changes its outcome.
"""

from __future__ import annotations

from coprod.domain.rules.completion import (
    greedy_completion,
    is_exhaustive,
    mes_add1,
    popularity_comparison,
)
from coprod.domain.rules.greedy import greedy
from coprod.domain.rules.mes import equal_shares
from coprod.domain.rules.model import (
    BallotKind,
    Election,
    OrdinalScoring,
    ProjectOutcome,
    ProjectSpec,
    RuleResult,
    Tie,
    Verdict,
    borda,
    positional_from,
    project_scores,
)
from coprod.domain.rules.phragmen import sequential_phragmen
from coprod.domain.rules.ties import TIE_BREAKS, TieBreak

__all__ = [
    "TIE_BREAKS",
    "BallotKind",
    "Election",
    "OrdinalScoring",
    "ProjectOutcome",
    "ProjectSpec",
    "RuleResult",
    "Tie",
    "TieBreak",
    "Verdict",
    "borda",
    "equal_shares",
    "greedy",
    "greedy_completion",
    "is_exhaustive",
    "mes_add1",
    "popularity_comparison",
    "positional_from",
    "project_scores",
    "sequential_phragmen",
]
