"""From a closed ballot box to a decision: the Election, the rule, and an explanation per project.

Pure: a :class:`~coprod.domain.process.Process` and the counted ballots go in, a :class:`Tally` comes
out; reading ballots from the log and recording the outcome are the application's job
(:mod:`coprod.application.outcomes`). Projects enter the rules under their public id (the
Pabulib ``project_id`` for an imported election, the proposal UUID otherwise) because every rule
breaks ties on that id compared as a string: using the city's own ids is what makes a
re-computation agree with the city's published result.

Rule names (the ``coprod outcome --rule`` vocabulary): ``greedy``, ``greedy-no-skip``,
``greedy-threshold``, ``greedy-custom`` (Poznań: the project a no-skip run stops at is funded from
reserve funds when at least 80 % of its cost is left), ``greedy-exclusive`` (exclusion groups given
as input), ``mes-cost``, ``mes-cardinality``, ``mes-add1``, ``phragmen``, and ``declared``
(whatever the process declared in its :class:`~coprod.domain.voting.SelectionRule`; a Pabulib
import declares ``council`` with the file's rule as completion for the two Polish variants).
Greedy rules take a declared tie-break (:class:`RuleOptions`) and record, in the parameters, every
tie whose order changed the outcome (``tie`` and ``depends_on_tie``).
Ranked ballots are scored positionally, ``k - position`` with ``k`` the declared maximum ranking
length (Kraków's 3-2-1), or the number of options when no maximum was declared.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

from coprod.domain.errors import InvalidInput, PhaseError, RuleViolation
from coprod.domain.process import Process
from coprod.domain.rules import (
    BallotKind,
    Election,
    OrdinalScoring,
    ProjectOutcome,
    ProjectSpec,
    RuleResult,
    TieBreak,
    Verdict,
    equal_shares,
    greedy,
    mes_add1,
    popularity_comparison,
    positional_from,
    project_scores,
    sequential_phragmen,
)
from coprod.domain.rules.mes import Satisfaction
from coprod.domain.rules.options import RuleOptions
from coprod.domain.values import Money
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "greedy-custom",
    "greedy-exclusive",
    "mes-cost",
    "mes-cardinality",
    "mes-add1",
    "phragmen",
    "declared",
)
TIE_BREAK = "smaller project id compared as a string"
GREEDY_RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "greedy-custom",
    "greedy-exclusive",
)


#: What a result's ``ProjectOutcome.score`` means, so the explanation can say it in words.
SCORE, PRICE, LOAD = "score", "price", "load"


@dataclass(frozen=True)
class Tally:
    """One rule applied to one closed ballot: the numbers behind the decision and the winners.

    ``ids`` maps each ballot option's public id (see the module docstring) to its proposal;
    ``scores`` is the tally per public id under the ballot's scoring (approvals, points, or
    positional points); ``yardstick`` says what ``result``'s per-project ``score`` measures.
    """

    rule: str
    applied: str
    parameters: tuple[tuple[str, str], ...]
    result: RuleResult
    yardstick: str
    ids: tuple[tuple[str, UUID], ...]
    costs: tuple[tuple[str, Money], ...]
    scores: tuple[tuple[str, int], ...]
    ballots: int
    threshold: int | None
    tie_break: TieBreak = field(default_factory=TieBreak)

    @property
    def proposal_of(self) -> dict[str, UUID]:
        return dict(self.ids)

    @property
    def winner_proposals(self) -> tuple[UUID, ...]:
        proposal_of = self.proposal_of
        return tuple(proposal_of[w] for w in self.result.winners)

    @property
    def total_cost(self) -> Money:
        """Exact: the sum of the winners' ballot costs, in the process's currency."""
        cost_of = dict(self.costs)
        currency = self.costs[0][1].currency
        return Money(sum((cost_of[w].amount for w in self.result.winners), Decimal(0)), currency)

    @property
    def pot_cost(self) -> Money:
        """What the budget pays: the total cost less projects funded from reserve funds."""
        cost_of = dict(self.costs)
        reserve = sum((cost_of[w].amount for w in self.result.reserve), Decimal(0))
        return Money(self.total_cost.amount - reserve, self.total_cost.currency)

    @property
    def depends_on_tie(self) -> bool:
        """Whether the winners would differ had a reported tie been broken the other way."""
        return bool(self.result.ties)

    def tally_by_proposal(self) -> tuple[tuple[UUID, int], ...]:
        proposal_of = self.proposal_of
        return tuple((proposal_of[pid], score) for pid, score in self.scores)

    def explanations(self) -> tuple[tuple[str, str], ...]:
        """(public id, why in or out), in ballot-paper order."""
        return tuple((pid, reason.text) for pid, reason in self.reasons())

    def reasons(self) -> tuple[tuple[str, Why], ...]:
        """(public id, the reason code and its numbers), in ballot-paper order: for a reader
        that says the same sentence in another language."""
        cost_of = dict(self.costs)
        return tuple(
            (o.project_id, why(o, cost_of[o.project_id], self.yardstick, self.threshold))
            for o in self.result.outcomes
        )


def require_closed(process: Process) -> None:
    """Only a closed ballot is counted: an outcome of an open vote would change under the reader."""
    if process.ballot_state != "closed":
        state = process.ballot_state.replace("_", " ")
        raise PhaseError(f"the ballot of process {process.id} is {state}; close it before counting")


def build_election(
    process: Process, ballots: Iterable[BallotChoices], public_ids: Mapping[UUID, str]
) -> tuple[Election, OrdinalScoring | None]:
    """The rules' input: the ballot paper, the pot, and identical ballots grouped with a count."""
    require_closed(process)
    voting = process.voting
    if voting is None or process.pot is None:
        raise PhaseError("the process has no declared voting rules or budget")
    specs = [ProjectSpec(public_ids[o.proposal_id], o.cost.amount) for o in process.ballot_options]
    budget = process.pot.amount
    method = voting.method
    if method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING):
        points: Counter[tuple[tuple[str, int], ...]] = Counter(
            tuple((public_ids[p], n) for p, n in b.points) for b in ballots
        )
        kind = BallotKind.CUMULATIVE if method is VoteMethod.CUMULATIVE else BallotKind.SCORING
        keys = list(points)
        election = Election.from_points(
            specs, budget, (dict(k) for k in keys), kind, [points[k] for k in keys]
        )
        return election, None
    if method is VoteMethod.RANKED:
        rankings: Counter[tuple[str, ...]] = Counter(
            tuple(public_ids[p] for p in b.ranking) for b in ballots
        )
        keys_r = list(rankings)
        election = Election.from_rankings(specs, budget, keys_r, [rankings[k] for k in keys_r])
        return election, positional_from(voting.max_choices or len(specs))
    approvals: Counter[tuple[str, ...]] = Counter(
        tuple(sorted(public_ids[p] for p in b.approvals)) for b in ballots
    )
    keys_a = list(approvals)
    election = Election.from_approvals(specs, budget, keys_a, [approvals[k] for k in keys_a])
    return election, None


def resolve(rule: str, selection: SelectionRule | None) -> str:
    """The concrete rule to run: ``declared`` becomes what the process declared before the vote."""
    if rule not in RULES:
        raise InvalidInput("rule", f"{rule!r}; known: {', '.join(RULES)}")
    if rule != "declared":
        return rule
    if selection is None:
        raise RuleViolation("the process declared no selection rule", rule="declared-rule")
    method, completion = selection.method, selection.completion
    if method == "greedy" and completion is None:
        return "greedy-threshold" if selection.min_votes else "greedy"
    if method == "greedy_no_skip" and completion is None:
        return "greedy-no-skip"
    if method == "council" and completion in ("greedy-custom", "greedy-exclusive"):
        return completion
    if method == "phragmen" and completion is None:
        return "phragmen"
    if method == "mes_cardinality" and completion is None:
        return "mes-cardinality"
    if method == "mes_cost":
        concrete = {
            None: "mes-cost",
            "add1": "mes-add1",
            "comparison": "mes-cost-comparison",
            "add1-comparison": "mes-add1-comparison",
        }.get(completion)
        if concrete is not None:
            return concrete
    declared = method + (f" with completion {completion}" if completion else "")
    raise RuleViolation(
        f"the process declared {declared!r}, which coprod does not compute "
        "(the council selects); name a rule with --rule instead",
        rule="declared-rule",
    )


def compute(
    rule: str,
    process: Process,
    ballots: Iterable[BallotChoices],
    public_ids: Mapping[UUID, str],
    *,
    id_scheme: str = "proposal",
    options: RuleOptions | None = None,
) -> Tally:
    """Apply ``rule`` to the closed ballot of ``process``; refusals name the rule or the field.

    ``options``: see :class:`RuleOptions`; its ``threshold`` (the minimum score for
    ``greedy-threshold``) defaults to the declared ``SelectionRule.min_votes`` and is refused
    when neither gives one.
    """
    options = options or RuleOptions()
    applied = resolve(rule, process.selection)
    if applied not in GREEDY_RULES and options.tie_break != TieBreak():
        raise InvalidInput("tie_break", f"{applied} always breaks ties on the smaller id")
    if applied == "greedy-exclusive" and not options.exclusive:
        raise InvalidInput(
            "exclusive", "greedy-exclusive needs the exclusion groups (e.g. exclusive=12,15)"
        )
    counted = list(ballots)
    election, ordinal = build_election(process, counted, public_ids)
    threshold = _threshold(applied, process, options.threshold)
    params = _parameters(rule, process, election, id_scheme, options)
    run, extra = _runner(applied, ordinal, threshold, options)
    try:
        result, yardstick = run(election)
    except InvalidInput as e:
        raise RuleViolation(
            f"{applied} cannot count these ballots: {e.problem}", rule=applied
        ) from e
    scores = project_scores(election, ordinal)
    return Tally(
        rule=rule,
        applied=applied,
        parameters=params + extra + _findings(result),
        result=result,
        yardstick=yardstick,
        ids=tuple((public_ids[o.proposal_id], o.proposal_id) for o in process.ballot_options),
        costs=tuple((public_ids[o.proposal_id], o.cost) for o in process.ballot_options),
        scores=tuple(zip(election.ids, scores, strict=True)),
        ballots=len(counted),
        threshold=threshold,
        tie_break=options.tie_break,
    )


def _threshold(applied: str, process: Process, threshold: int | None) -> int | None:
    """greedy-threshold's minimum score (given, else declared); None for every other rule."""
    if applied != "greedy-threshold":
        return None
    if threshold is None and process.selection is not None and process.selection.min_votes:
        threshold = process.selection.min_votes
    if threshold is None:
        raise InvalidInput(
            "threshold", "the process declares no vote threshold; give one for greedy-threshold"
        )
    if threshold < 0:
        raise InvalidInput("threshold", "must not be negative")
    return threshold


def _parameters(
    rule: str, process: Process, election: Election, id_scheme: str, options: RuleOptions
) -> tuple[tuple[str, str], ...]:
    """What every count records first: the budget, the tie-break, the ids, the declared rule."""
    params: list[tuple[str, str]] = [
        ("budget", str(election.budget)),
        ("tie_break", options.tie_break.description),
        ("project_ids", id_scheme),
    ]
    if rule == "declared" and process.selection is not None:
        sel = process.selection
        params.append(("declared", f"{sel.method}/{sel.completion or '-'}/{sel.min_votes}"))
    if election.kind is BallotKind.ORDINAL:
        params.append(("ordinal_scoring", f"positional from {_max_rank(process)}"))
    return tuple(params)


def _max_rank(process: Process) -> int:
    assert process.voting is not None
    return process.voting.max_choices or len(process.ballot_options)


#: Runs a concrete rule and says what its per-project ``score`` means (SCORE, PRICE or LOAD).
Runner = Callable[[Election], tuple[RuleResult, str]]


def _findings(result: RuleResult) -> tuple[tuple[str, str], ...]:
    """What the count found beyond the winners and must be on record: reserve funding, ties."""
    found: list[tuple[str, str]] = []
    if result.reserve:
        found.append(("funded_from_reserve", ",".join(result.reserve)))
    found.extend(("tie", tie.text) for tie in result.ties)
    if result.ties:
        found.append(("depends_on_tie", "true"))
    return tuple(found)


def _runner(
    applied: str, ordinal: OrdinalScoring | None, threshold: int | None, options: RuleOptions
) -> tuple[Runner, tuple[tuple[str, str], ...]]:
    """The function for a concrete rule and the parameters it runs with."""
    tb = options.tie_break
    if applied == "greedy":
        return (lambda e: (greedy(e, ordinal=ordinal, tie_break=tb), SCORE)), ()
    if applied == "greedy-no-skip":
        return (
            (lambda e: (greedy(e, ordinal=ordinal, skip=False, tie_break=tb), SCORE)),
            (("skip", "false"),),
        )
    if applied == "greedy-threshold":
        return (
            (lambda e: (greedy(e, ordinal=ordinal, threshold=threshold, tie_break=tb), SCORE)),
            (("threshold", str(threshold)),),
        )
    if applied == "greedy-custom":
        share = options.reserve_percent / 100
        return (
            (
                lambda e: (
                    greedy(e, ordinal=ordinal, skip=False, reserve=share, tie_break=tb),
                    SCORE,
                )
            ),
            (("skip", "false"), ("reserve_percent", str(options.reserve_percent))),
        )
    if applied == "greedy-exclusive":
        groups = options.exclusive
        return (
            (lambda e: (greedy(e, ordinal=ordinal, exclusive=groups, tie_break=tb), SCORE)),
            (("exclusive", " ".join(",".join(g) for g in groups)),),
        )
    if applied in ("mes-cost", "mes-cardinality"):
        sat: Satisfaction = "cost" if applied == "mes-cost" else "cardinality"
        return (lambda e: (equal_shares(e, satisfaction=sat), PRICE)), (("satisfaction", sat),)
    add1 = (("satisfaction", "cost"), ("completion", "add1"), ("add1_step", "1"))
    if applied == "mes-add1":
        return (lambda e: (mes_add1(e), PRICE)), (*add1, ("exhaustive_stop", "true"))
    if applied in ("mes-add1-comparison", "mes-cost-comparison"):
        with_add1 = applied == "mes-add1-comparison"

        def versus_greedy(e: Election) -> tuple[RuleResult, str]:
            """The "-comparison" step: MES is kept unless more voters prefer plain greedy."""
            mes = mes_add1(e, exhaustive_stop=False) if with_add1 else equal_shares(e)
            plain = greedy(e)
            kept = popularity_comparison(e, mes, plain)
            return kept, (PRICE if kept.outcomes is mes.outcomes else SCORE)

        params = (*add1, ("exhaustive_stop", "false")) if with_add1 else (("satisfaction", "cost"),)
        return versus_greedy, (*params, ("comparison", "greedy"))
    assert applied == "phragmen", applied
    return (lambda e: (sequential_phragmen(e), LOAD)), ()


# -- explanations --------------------------------------------------------------------------------


#: Why a project is in or out, by reason code: the English sentence with named values. The
#: web pages translate the same codes (api/web/why.py), so every language says the same thing.
WHY: dict[str, str] = {
    "in-prefunded": "in: funded before the rule's rounds (no cost, or already funded)",
    "in-price": "in: bought in round {round}; its supporters paid {score} per unit of "
    "satisfaction, the lowest price then; {left} left",
    "in-load": "in: bought in round {round} at a maximal voter load of {score}; {left} left",
    "in-ranked": "in: ranked {round} with score {score}; its cost {cost} fit, leaving {left}",
    "out-over-budget": "out: its cost {cost} exceeds the whole budget",
    "out-ranked-unaffordable": "out: ranked {round} with score {score}, but its cost {cost} "
    "exceeded the {left} left",
    "out-stopped-unaffordable": "out: when the rule stopped (round {round}) its cost {cost} "
    "exceeded the {left} left",
    "out-below-threshold": "out: score {score} is below the threshold of {threshold}",
    "out-no-skipping": "out: ranked {round} with score {score}; the rule stopped at an earlier "
    "project that did not fit (no skipping)",
    "out-not-reached": "out: the rule stopped (round {round}) before reaching it",
    "out-shares-spent": "out: in round {round} its supporters' remaining equal shares could no "
    "longer pay its cost {cost}",
    "out-unsupported": "out: no voter supported it, so equal shares never buy it",
    "out-excluded": "out: excluded from the count (withdrawn after the vote)",
    "in-reserve": "in: ranked {round} with score {score}; its cost {cost} exceeded the {left} "
    "left, but at least {percent}% of it was left, so it is funded from reserve funds",
    "out-reserve-short": "out: ranked {round} with score {score}; its cost {cost} exceeded the "
    "{left} left, less than the {percent}% needed for reserve funding, and the rule stopped there",
    "out-exclusive": "out: ranked {round} with score {score}, but it cannot be built together "
    "with {rival}, which was selected first",
    "out": "out: not selected",
}


@dataclass(frozen=True)
class Why:
    """A reason code of :data:`WHY` and the values its sentence names (as text)."""

    code: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The English sentence."""
        return WHY[self.code].format(**dict(self.values))


def explain(outcome: ProjectOutcome, cost: Money, yardstick: str, threshold: int | None) -> str:
    """Why a project is in or out, in one sentence a resident can check against the numbers."""
    return why(outcome, cost, yardstick, threshold).text


def why(outcome: ProjectOutcome, cost: Money, yardstick: str, threshold: int | None) -> Why:
    """The reason code of a project's fate and the numbers behind it."""
    v, r = outcome.verdict, outcome.round
    values = {
        "round": str(r),
        "score": _ratio(outcome.score),
        "left": _amount(outcome.remaining_budget),
        "cost": f"{_amount(Fraction(cost.amount))} {cost.currency}",
        "threshold": str(threshold),
        "percent": str(outcome.detail),
        "rival": str(outcome.detail),
    }
    code = _why_code(v, r, yardstick)
    names = set(_NAMES.findall(WHY[code]))
    return Why(code, tuple((k, values[k]) for k in values if k in names))


def _why_code(v: Verdict, r: int | None, yardstick: str) -> str:
    if v is Verdict.SELECTED:
        if r == 0:
            return "in-prefunded"
        return {PRICE: "in-price", LOAD: "in-load"}.get(yardstick, "in-ranked")
    if v is Verdict.UNAFFORDABLE:
        if r is None:
            return "out-over-budget"
        return "out-ranked-unaffordable" if yardstick == SCORE else "out-stopped-unaffordable"
    if v is Verdict.NOT_REACHED:
        return "out-no-skipping" if yardstick == SCORE else "out-not-reached"
    return {
        Verdict.BELOW_THRESHOLD: "out-below-threshold",
        Verdict.SUPPORTERS_CANNOT_AFFORD: "out-shares-spent",
        Verdict.UNSUPPORTED: "out-unsupported",
        Verdict.EXCLUDED: "out-excluded",
        Verdict.FUNDED_FROM_RESERVE: "in-reserve",
        Verdict.RESERVE_SHORT: "out-reserve-short",
        Verdict.EXCLUSIVE_CONFLICT: "out-exclusive",
    }.get(v, "out")


_NAMES = re.compile(r"\{(\w+)\}")


def _amount(value: Fraction | None) -> str:
    if value is None:
        return "-"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"


def _ratio(value: Fraction | None) -> str:
    if value is None:
        return "-"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4g}"
