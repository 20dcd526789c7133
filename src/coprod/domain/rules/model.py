"""The input and output of every outcome rule, independent of any file format.

Ballots are held as one compact CSR table (voter -> project indices, with points or ranks alongside)
so that tallies are numpy reductions instead of Python loops over tens of thousands of ballots.
Identical ballots may be given once with a multiplicity: every rule treats a ballot of weight k
exactly like k identical ballots. Money stays exact (``Fraction``), never float.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from coprod.domain.errors import InvalidInput

IntArray = npt.NDArray[np.int64]
Amount = Decimal | int | Fraction


class BallotKind(Enum):
    """How a ballot expresses support; it decides how a project's score is counted."""

    APPROVAL = "approval"
    CUMULATIVE = "cumulative"
    SCORING = "scoring"
    ORDINAL = "ordinal"


@dataclass(frozen=True)
class ProjectSpec:
    """A project as the rules see it: an opaque string id (compared as a string) and its cost."""

    id: str
    cost: Amount


def exact(field: str, value: object) -> Fraction:
    """Money enters the rules as an exact fraction; floats are refused so nothing drifts."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | Fraction):
        raise InvalidInput(field, f"must be a Decimal, int or Fraction, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInput(field, "must be a finite number")
    return Fraction(value)


@dataclass(frozen=True, eq=False)
class Election:
    """One budget, one set of projects and one ballot table (CSR: row v is ballot v).

    ``indices[indptr[v]:indptr[v+1]]`` are the projects on ballot ``v`` (for ORDINAL, most preferred
    first); ``points`` runs parallel to ``indices`` for CUMULATIVE/SCORING and is None otherwise;
    ``multiplicity[v]`` is how many voters cast ballot ``v``. Build it with the ``from_*``
    constructors, which validate; the raw constructor trusts its arrays.
    """

    projects: tuple[ProjectSpec, ...]
    budget: Fraction
    kind: BallotKind
    indptr: IntArray
    indices: IntArray
    points: IntArray | None
    multiplicity: IntArray

    @property
    def n_projects(self) -> int:
        return len(self.projects)

    @property
    def n_ballots(self) -> int:
        return len(self.multiplicity)

    @property
    def n_voters(self) -> int:
        """Voters, counting each ballot with its multiplicity (the MES share divides by this)."""
        return int(self.multiplicity.sum())

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    @property
    def costs(self) -> tuple[Fraction, ...]:
        return tuple(Fraction(p.cost) for p in self.projects)

    def rows(self) -> IntArray:
        """The ballot index of every CSR entry (so reductions can be grouped by ballot)."""
        lengths = np.diff(self.indptr)
        return np.repeat(np.arange(self.n_ballots, dtype=np.int64), lengths)

    @classmethod
    def from_approvals(
        cls,
        projects: Sequence[ProjectSpec],
        budget: Amount,
        ballots: Iterable[Iterable[str]],
        multiplicity: Sequence[int] | None = None,
    ) -> Election:
        """Approval (and choose-1) ballots: each ballot is the set of approved project ids."""
        lists = [list(dict.fromkeys(b)) for b in ballots]
        return cls._build(projects, budget, BallotKind.APPROVAL, lists, None, multiplicity)

    @classmethod
    def from_points(
        cls,
        projects: Sequence[ProjectSpec],
        budget: Amount,
        ballots: Iterable[Mapping[str, int]],
        kind: BallotKind = BallotKind.CUMULATIVE,
        multiplicity: Sequence[int] | None = None,
    ) -> Election:
        """Cumulative or scoring ballots: project id -> integer points (unlisted means 0)."""
        if kind not in (BallotKind.CUMULATIVE, BallotKind.SCORING):
            raise InvalidInput(
                "kind", f"points ballots are cumulative or scoring, not {kind.value}"
            )
        lists: list[list[str]] = []
        pts: list[list[int]] = []
        for ballot in ballots:
            lists.append(list(ballot))
            pts.append([_int_points(v) for v in ballot.values()])
        return cls._build(projects, budget, kind, lists, pts, multiplicity)

    @classmethod
    def from_rankings(
        cls,
        projects: Sequence[ProjectSpec],
        budget: Amount,
        ballots: Iterable[Sequence[str]],
        multiplicity: Sequence[int] | None = None,
    ) -> Election:
        """Ordinal ballots: project ids from most to least preferred, no repeats."""
        lists = [list(b) for b in ballots]
        for v, ranking in enumerate(lists):
            if len(set(ranking)) != len(ranking):
                raise InvalidInput(f"ballots[{v}]", "a ranking lists a project twice")
        return cls._build(projects, budget, BallotKind.ORDINAL, lists, None, multiplicity)

    @classmethod
    def _build(
        cls,
        projects: Sequence[ProjectSpec],
        budget: Amount,
        kind: BallotKind,
        lists: list[list[str]],
        pts: list[list[int]] | None,
        multiplicity: Sequence[int] | None,
    ) -> Election:
        specs = tuple(projects)
        position: dict[str, int] = {}
        for i, spec in enumerate(specs):
            if not isinstance(spec.id, str) or not spec.id:
                raise InvalidInput(f"projects[{i}].id", "must be a non-empty string")
            if spec.id in position:
                raise InvalidInput(f"projects[{i}].id", f"{spec.id!r} is listed twice")
            if exact(f"projects[{i}].cost", spec.cost) < 0:
                raise InvalidInput(f"projects[{i}].cost", f"must not be negative, got {spec.cost}")
            position[spec.id] = i
        total = exact("budget", budget)
        if total < 0:
            raise InvalidInput("budget", f"must not be negative, got {budget}")
        flat: list[int] = []
        indptr = [0]
        for v, ballot in enumerate(lists):
            for pid in ballot:
                if pid not in position:
                    raise InvalidInput(f"ballots[{v}]", f"names unknown project {pid!r}")
                flat.append(position[pid])
            indptr.append(len(flat))
        if multiplicity is None:
            mult = np.ones(len(lists), dtype=np.int64)
        else:
            mult = np.asarray(multiplicity, dtype=np.int64)
            if mult.shape != (len(lists),):
                raise InvalidInput("multiplicity", "needs one count per ballot")
            if (mult <= 0).any():
                raise InvalidInput("multiplicity", "every count must be positive")
        points = None
        if pts is not None:
            points = np.asarray([p for row in pts for p in row], dtype=np.int64)
        return cls(
            projects=specs,
            budget=total,
            kind=kind,
            indptr=np.asarray(indptr, dtype=np.int64),
            indices=np.asarray(flat, dtype=np.int64),
            points=points,
            multiplicity=mult,
        )


def _int_points(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidInput("points", f"must be integers, got {value!r}")
    return int(value)


OrdinalScoring = Callable[[IntArray, IntArray], IntArray]
"""Maps (position in ballot, ballot length) arrays to points, one entry per ranked project."""


def borda(positions: IntArray, lengths: IntArray) -> IntArray:
    """pabutools' Borda: ``len(ballot) - 1 - position`` (2-1-0 on a 3-project ballot)."""
    return lengths - 1 - positions


def positional_from(max_length: int) -> OrdinalScoring:
    """Kraków's scoring ``max_length - position`` (3-2-1 when voters rank up to 3 projects)."""

    def score(positions: IntArray, lengths: IntArray) -> IntArray:
        del lengths
        return max_length - positions

    return score


def entry_points(election: Election, ordinal: OrdinalScoring | None = None) -> IntArray:
    """Points each CSR entry gives its project: 1 per approval, the points, or a rank score."""
    if election.kind is BallotKind.APPROVAL:
        return np.ones(len(election.indices), dtype=np.int64)
    if election.kind is BallotKind.ORDINAL:
        if ordinal is None:
            raise InvalidInput("ordinal", "ordinal ballots need a scoring function (e.g. borda)")
        lengths = np.diff(election.indptr)
        rows = election.rows()
        positions = np.arange(len(election.indices), dtype=np.int64) - election.indptr[rows]
        return np.asarray(ordinal(positions, lengths[rows]), dtype=np.int64)
    assert election.points is not None
    return election.points


def project_scores(election: Election, ordinal: OrdinalScoring | None = None) -> list[int]:
    """Exact total score per project: votes for approval, points otherwise (weighted by count)."""
    weights = entry_points(election, ordinal) * election.multiplicity[election.rows()]
    totals = np.zeros(election.n_projects, dtype=np.int64)
    np.add.at(totals, election.indices, weights)
    return [int(t) for t in totals]


class Verdict(Enum):
    """Why a project ended where it did; this is what an explanation to residents rests on."""

    SELECTED = "selected"
    UNAFFORDABLE = "unaffordable"
    BELOW_THRESHOLD = "below_threshold"
    NOT_REACHED = "not_reached"
    EXCLUDED = "excluded"
    UNSUPPORTED = "unsupported"
    SUPPORTERS_CANNOT_AFFORD = "supporters_cannot_afford"
    NOT_SELECTED = "not_selected"
    FUNDED_FROM_RESERVE = "funded_from_reserve"
    RESERVE_SHORT = "reserve_short"
    EXCLUSIVE_CONFLICT = "exclusive_conflict"


@dataclass(frozen=True)
class ProjectOutcome:
    """One project's fate: its verdict, the round it was decided in, and the numbers behind it.

    ``score`` is the rule's own yardstick at that moment (greedy: the score; MES: the price per unit
    of satisfaction rho; Phragmén: the new maximal load), ``remaining_budget`` what was left then.
    ``detail`` names what else decided it: the selected rival of an exclusion group, or the
    share of its cost that had to be left for reserve funding (as a percentage).
    """

    project_id: str
    verdict: Verdict
    round: int | None = None
    score: Fraction | None = None
    remaining_budget: Fraction | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Tie:
    """Projects with an equal score whose order changes the outcome, as the tie-break set it.

    ``projects`` are in the order the tie-break put them; ``score`` is their common score.
    """

    projects: tuple[str, ...]
    score: Fraction

    @property
    def text(self) -> str:
        """The tie in words (English), for the CLI and the recorded parameters."""
        score = self.score
        plain = str(score.numerator) if score.denominator == 1 else f"{float(score):.4g}"
        return f"{', '.join(self.projects)} tie on score {plain}"


@dataclass(frozen=True)
class RuleResult:
    """Winners in selection order plus one explanation per project (in the election's order).

    ``per_voter_budget`` is the share each voter started with (MES and its completions only).
    ``reserve`` lists the winners funded from reserve funds, outside the budget (greedy-custom);
    ``total_cost`` is what the budget paid. ``ties`` are the ties (``Tie``) whose order changed
    the outcome, broken as ``tie_break`` says (greedy rules only; empty elsewhere).
    """

    rule: str
    winners: tuple[str, ...]
    outcomes: tuple[ProjectOutcome, ...]
    total_cost: Fraction
    per_voter_budget: Fraction | None = None
    reserve: tuple[str, ...] = ()
    ties: tuple[Tie, ...] = ()
    tie_break: str | None = None

    @property
    def winner_set(self) -> frozenset[str]:
        return frozenset(self.winners)

    def outcome_of(self, project_id: str) -> ProjectOutcome:
        for outcome in self.outcomes:
            if outcome.project_id == project_id:
                return outcome
        raise InvalidInput("project_id", f"no project {project_id!r} in this result")


def lexico_key(project_id: str) -> str:
    """The one tie-break used by every rule: smaller project id *as a string* wins (pabutools')."""
    return project_id
