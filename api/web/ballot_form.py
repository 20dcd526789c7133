"""The web ballot: the process's ballot paper as a form, what a voter marked, and why the
domain refused it, in the voter's language.

Why here and not in the page: the form's fields follow the declared rules (checkboxes for
approval, k-approval and knapsack, numbers for points, rank selects for a ranking), and a
refusal of the domain (:func:`coprod.domain.voting.check_ballot`) is turned into a sentence
by its rule name and the numbers the form itself knows; the rule is never checked here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from api.web.i18n import N_, Language
from coprod.application import Coprod
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import NotFound
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.voting import BallotChoices, VoteMethod

__all__ = [
    "AGE_LABELS",
    "SEX_LABELS",
    "BallotForm",
    "Option",
    "ballot_paper",
    "refusal_text",
]

#: How each coarse demographic answer reads (each field also offers "prefer not to say").
SEX_LABELS = {Sex.FEMALE: N_("Woman"), Sex.MALE: N_("Man"), Sex.OTHER: N_("Other")}
AGE_LABELS = {band: band.value for band in AgeBand} | {AgeBand.UNDER_16: N_("Under 16")}

#: What each refused rule says to the voter; the numbers come from the form.
RULE_TEXTS = {
    "over-budget": N_(
        "The projects you chose cost %(total)s, more than the %(limit)s you can spend. "
        "Remove a project and try again."
    ),
    "min-choices": N_("Choose at least %(min)s projects; you chose %(chosen)s."),
    "max-choices": N_("Choose at most %(max)s projects; you chose %(chosen)s."),
    "points-allowance": N_("You gave %(total)s points; you have %(points)s to give."),
    "points-minimum": N_("Give at least %(min)s points in all; you gave %(total)s."),
    "points-per-project": N_("Give each project between %(low)s and %(high)s points."),
    "points": N_("Points must be whole numbers above zero."),
    "score-range": N_("Give each project a score between %(low)s and %(high)s."),
}
OTHER_REFUSAL = N_("This ballot cannot be counted as marked. Check it and try again.")
NOT_A_NUMBER = N_("Enter a whole number.")
RANK_TWICE = N_("Each rank can be given to one project only.")


@dataclass(frozen=True)
class Option:
    """One project on the ballot paper, as the voter sees it."""

    proposal_id: UUID
    title: str
    cost: Decimal


_PAPERS: dict[tuple[UUID, int], tuple[Option, ...]] = {}
_PAPERS_LOCK = threading.Lock()


def ballot_paper(app: Coprod, process: Process) -> tuple[Option, ...]:
    """The options with their titles, loaded once per process and paper (it never changes
    while the ballot is open), so a voter's round trip costs no proposal loads."""
    key = (process.id, hash(process.ballot_options))
    with _PAPERS_LOCK:
        found = _PAPERS.get(key)
    if found is not None:
        return found
    options = []
    for option in process.ballot_options:
        try:
            title = app.load(Proposal, option.proposal_id).title
        except NotFound:
            title = str(option.proposal_id)
        options.append(Option(option.proposal_id, title, option.cost.amount))
    paper = tuple(options)
    with _PAPERS_LOCK:
        if len(_PAPERS) > 1000:
            _PAPERS.clear()
        _PAPERS[key] = paper
    return paper


@dataclass
class BallotForm:
    """What the voter marked, as typed (re-shown after a refusal), and what was wrong."""

    approvals: set[str] = field(default_factory=set)
    points: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, str] = field(default_factory=dict)
    area: str = ""
    age_band: str = ""
    sex: str = ""
    #: field name ("choices", "points-<id>", "rank", "area") -> message in the voter's language
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, paper: tuple[Option, ...]) -> BallotForm:
        ids = {str(o.proposal_id) for o in paper}
        form = cls(
            approvals={v for v in data.getlist("approve") if v in ids},
            points={i: str(data.get(f"points-{i}", "")).strip() for i in ids},
            ranks={i: str(data.get(f"rank-{i}", "")).strip() for i in ids},
            area=str(data.get("area", "")),
            age_band=str(data.get("age_band", "")),
            sex=str(data.get("sex", "")),
        )
        return form

    def choices(
        self, method: VoteMethod, paper: tuple[Option, ...], lang: Language
    ) -> BallotChoices:
        """The choices in the shape the method takes; unreadable fields go to ``errors``."""
        order = [str(o.proposal_id) for o in paper]
        if method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING):
            points = []
            for pid in order:
                text = self.points.get(pid, "")
                if not text:
                    continue
                try:
                    value = int(text)
                except ValueError:
                    self.errors[f"points-{pid}"] = lang.gettext(NOT_A_NUMBER)
                    continue
                if value != 0 or method is VoteMethod.SCORING:
                    points.append((UUID(pid), value))
            return BallotChoices(points=tuple(points))
        if method is VoteMethod.RANKED:
            ranked: dict[int, str] = {}
            for pid in order:
                text = self.ranks.get(pid, "")
                if not text:
                    continue
                if not text.isdigit():
                    self.errors["choices"] = lang.gettext(NOT_A_NUMBER)
                    continue
                if int(text) in ranked:
                    self.errors["choices"] = lang.gettext(RANK_TWICE)
                ranked[int(text)] = pid
            return BallotChoices(ranking=tuple(UUID(ranked[r]) for r in sorted(ranked)))
        return BallotChoices(approvals=tuple(UUID(p) for p in order if p in self.approvals))

    def demographics(self) -> tuple[str | None, AgeBand | None, Sex | None]:
        """The optional answers; anything but an offered value is "prefer not to say"."""
        age = next((b for b in AgeBand if b.value == self.age_band), None)
        sex = next((s for s in Sex if s.value == self.sex), None)
        return (self.area or None), age, sex


@dataclass(frozen=True)
class Tally:
    """What the marked ballot adds up to, for the "budget left" and "points left" counters."""

    chosen: int
    spent: Decimal
    points: int


def tally(choices: BallotChoices, paper: tuple[Option, ...]) -> Tally:
    costs = {o.proposal_id: o.cost for o in paper}
    spent = sum((costs.get(p, Decimal(0)) for p in choices.chosen), start=Decimal(0))
    return Tally(len(choices.chosen), spent, sum(p for _, p in choices.points))


def refusal_text(rule: str | None, process: Process, done: Tally, lang: Language) -> str:
    """The domain's refusal of `rule` as a sentence for the voter, with the form's numbers."""
    rules = process.voting
    template = RULE_TEXTS.get(rule or "")
    if rules is None or template is None:
        return lang.gettext(OTHER_REFUSAL)
    limit = rules.budget_limit
    values = {
        "total": done.points,
        "chosen": done.chosen,
        "min": rules.min_points_total if rule == "points-minimum" else rules.min_choices,
        "max": rules.max_choices,
        "points": rules.points,
        "low": rules.min_points_per_project if rules.min_points_per_project is not None else 1,
        "high": rules.max_points_per_project if rules.max_points_per_project is not None else "",
        "limit": "" if limit is None else lang.money(limit.amount, limit.currency),
    }
    if rule == "over-budget":
        values["total"] = lang.money(done.spent, process.currency)
    return lang.gettext(template) % values
