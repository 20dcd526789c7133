"""From Pabulib's vocabulary to coprod's: declared rules, ballots, demographics, and back.

Kept in one place so the import and the export cannot drift apart: what `voting_rules`
reads, `rules_meta` writes, and a round trip gives the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from uuid import UUID

from coprod.domain.ballot import AgeBand, BallotChannel, Sex
from coprod.domain.errors import CoprodError, InvalidInput
from coprod.domain.values import Money
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from coprod.standards.pabulib.grammar import PabulibFormatError, PbHeader, PbVote

#: Pabulib `rule` -> the declared selection rule (method, completion).
_SELECTION: dict[str, tuple[str, str | None]] = {
    "greedy": ("greedy", None),
    "greedy-threshold": ("greedy", None),
    "greedy-no-skip": ("greedy_no_skip", None),
    "greedy-exclusive": ("council", "greedy-exclusive"),
    "greedy-custom": ("council", "greedy-custom"),
    "equalshares": ("mes_cost", None),
    "equalshares-comparison": ("mes_cost", "comparison"),
    "equalshares/add1": ("mes_cost", "add1"),
    "equalshares/add1-comparison": ("mes_cost", "add1-comparison"),
    "unknown": ("council", None),
}

#: Used only when META has no `currency`; Pabulib's countries so far.
COUNTRY_CURRENCY = {
    "poland": "PLN",
    "netherlands": "EUR",
    "france": "EUR",
    "germany": "EUR",
    "hungary": "HUF",
    "switzerland": "CHF",
    "united states": "USD",
    "usa": "USD",
    "canada": "CAD",
}

_AGE_BANDS = (
    (16, AgeBand.UNDER_16),
    (25, AgeBand.AGE_16_24),
    (35, AgeBand.AGE_25_34),
    (45, AgeBand.AGE_35_44),
    (55, AgeBand.AGE_45_54),
    (65, AgeBand.AGE_55_64),
    (75, AgeBand.AGE_65_74),
)


def slugify(text: str) -> str:
    """A URL-safe slug: ASCII letters and digits joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def currency_of(header: PbHeader) -> str:
    meta = header.meta
    if meta.get("currency"):
        currency = meta["currency"].upper()
        try:
            Money.of(0, currency)
        except InvalidInput as e:
            raise PabulibFormatError(header.line_of("currency"), e.problem) from None
        return currency
    derived = COUNTRY_CURRENCY.get(meta["country"].lower())
    if derived is None:
        raise PabulibFormatError(
            header.line_of("country"),
            f"META has no currency and none is known for country {meta['country']!r}",
        )
    return derived


def voting_rules(header: PbHeader, currency: str) -> VotingRules:
    """The declared voting rules; a contradiction is refused at the vote_type line."""
    meta = header.meta
    kind = meta["vote_type"]

    def num(key: str) -> int | None:
        return int(meta[key]) if meta.get(key) else None

    min_length = num("min_length")
    max_length = num("max_length")
    try:
        if kind in ("approval", "choose-1"):
            if kind == "choose-1":
                if max_length not in (None, 1) or min_length not in (None, 1):
                    raise InvalidInput("max_length", "choose-1 means exactly one choice")
                min_length = max_length = 1
            if meta.get("max_sum_cost"):
                limit = Money.of(meta["max_sum_cost"], currency)
                return VotingRules(
                    VoteMethod.KNAPSACK, max_length, _min(min_length), budget_limit=limit
                )
            return VotingRules(VoteMethod.APPROVAL, max_length, _min(min_length))
        if kind == "ordinal":
            return VotingRules(VoteMethod.RANKED, max_length, _min(min_length))
        if kind == "cumulative":
            return VotingRules(
                VoteMethod.CUMULATIVE,
                max_length,
                _min(min_length),
                points=num("max_sum_points"),
                max_points_per_project=num("max_points"),
                min_points_per_project=num("min_points"),
                min_points_total=num("min_sum_points"),
            )
        return VotingRules(
            VoteMethod.SCORING,
            max_length,
            _min(min_length),
            max_points_per_project=num("max_points"),
            min_points_per_project=num("min_points"),
        )
    except InvalidInput as e:
        raise PabulibFormatError(
            header.line_of(_meta_key(e.field)) or header.line_of("vote_type"),
            f"the declared voting rules are inconsistent: {e}",
        ) from None


def _min(min_length: int | None) -> int:
    return 1 if min_length is None else min_length


def _meta_key(field: str) -> str:
    return {
        "min_choices": "min_length",
        "max_choices": "max_length",
        "points": "max_sum_points",
        "min_points_per_project": "min_points",
        "min_points_total": "min_sum_points",
    }.get(field, field)


def selection_rule(header: PbHeader) -> SelectionRule:
    method, completion = _SELECTION[header.meta["rule"]]
    threshold = header.meta.get("min_project_score_threshold")
    return SelectionRule(method, completion, int(threshold) if threshold else 0)


def pabulib_rule(selection: SelectionRule) -> str:
    """The Pabulib `rule` for a selection rule of a process not imported from Pabulib."""
    for rule, (method, completion) in _SELECTION.items():
        if (method, completion) == (selection.method, selection.completion):
            if rule == "greedy" and selection.min_votes:
                return "greedy-threshold"
            return rule
    return "unknown"


def pabulib_vote_type(rules: VotingRules) -> str:
    if rules.method in (VoteMethod.APPROVAL, VoteMethod.KNAPSACK, VoteMethod.K_APPROVAL):
        one = rules.max_choices == 1 and rules.min_choices == 1
        return "choose-1" if one and rules.method is VoteMethod.APPROVAL else "approval"
    return {
        VoteMethod.RANKED: "ordinal",
        VoteMethod.CUMULATIVE: "cumulative",
        VoteMethod.SCORING: "scoring",
    }[rules.method]


def rules_meta(rules: VotingRules, selection: SelectionRule) -> list[tuple[str, str]]:
    """The META lines that declare `rules`; `voting_rules` reads them back to equal rules."""
    lines: list[tuple[str, str]] = []
    if rules.min_choices != 1:
        lines.append(("min_length", str(rules.min_choices)))
    if rules.max_choices is not None:
        lines.append(("max_length", str(rules.max_choices)))
    if rules.method is VoteMethod.KNAPSACK and rules.budget_limit is not None:
        lines.append(("max_sum_cost", str(rules.budget_limit.amount)))
    if rules.min_points_per_project is not None:
        lines.append(("min_points", str(rules.min_points_per_project)))
    if rules.max_points_per_project is not None:
        lines.append(("max_points", str(rules.max_points_per_project)))
    if rules.min_points_total is not None:
        lines.append(("min_sum_points", str(rules.min_points_total)))
    if rules.method is VoteMethod.CUMULATIVE and rules.points is not None:
        lines.append(("max_sum_points", str(rules.points)))
    if selection.min_votes:
        lines.append(("min_project_score_threshold", str(selection.min_votes)))
    return lines


def choices_for(vote: PbVote, method: VoteMethod, proposal_of: Mapping[str, UUID]) -> BallotChoices:
    """The ballot as coprod records it; ordinal points must agree with the ranking."""
    ids = tuple(proposal_of[p] for p in vote.projects)
    if method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING):
        return BallotChoices(points=tuple(zip(ids, vote.points, strict=True)))
    if method is VoteMethod.RANKED:
        if vote.points and any(a <= b for a, b in zip(vote.points, vote.points[1:], strict=False)):
            raise PabulibFormatError(
                vote.line, "ordinal points must fall strictly along the ranking"
            )
        return BallotChoices(ranking=ids)
    return BallotChoices(approvals=ids)


def age_band(age: int | None) -> AgeBand | None:
    """Only the band is kept (DOMAIN.md §6); 0 and low ages are children voting, Pabulib says."""
    if age is None:
        return None
    for upper, band in _AGE_BANDS:
        if age < upper:
            return band
    return AgeBand.AGE_75_PLUS


def sex_of(code: str | None) -> Sex | None:
    return {"M": Sex.MALE, "F": Sex.FEMALE}.get(code or "")


def channel_of(code: str | None) -> BallotChannel:
    """Files without voting_method were, as far as Pabulib documents them, online votes."""
    return BallotChannel(code) if code else BallotChannel.ONLINE


def refusal_at(line: int, error: CoprodError) -> PabulibFormatError:
    """A domain refusal of one ballot, as a format error at its line."""
    return PabulibFormatError(line, f"the ballot breaks the declared rules: {error}")
