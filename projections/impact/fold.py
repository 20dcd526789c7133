"""The fold of one process's impact facts, in log order as of T: ideas, decisions, projects.

The impact report reads the narrow fact rows the model wrote and folds them here into the
state its tables are computed from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from coprod.domain.decision import IN_FORCE, REOPENED, REVOKED, DecisionOutcome
from coprod.domain.hearing_dates import DEFAULT_MIN_HEARING_DAYS

#: Outcome values that grant money (the domain's ``DecisionOutcome.funded``).
_FUNDED = frozenset(o.value for o in DecisionOutcome if o.funded)
#: A claw-back leaves a winner with less money, not a loser.
_WINNING = _FUNDED | {DecisionOutcome.CLAWED_BACK.value}


def _dec(text: str | None) -> Decimal:
    return Decimal(0) if text is None else Decimal(text)


# -- the fold of a process's facts -------------------------------------------------------------


@dataclass
class Idea:
    """An idea (proposal) as of T: its path through shortlisting and the hearings its case needs."""

    submitter: str
    area: str | None
    category: str | None
    ended: str | None = None
    developed: bool = False
    feasible: bool | None = None
    assessment_reason: str = ""
    shortlist: str | None = None
    shortlist_reason: str = ""
    needs_hearing: set[str] = field(default_factory=set)
    hearings: dict[str, Hearing] = field(default_factory=dict)
    exempted: set[str] = field(default_factory=set)

    def heard(self, fact: str, on: date) -> bool:
        """Heard by `on`: exempted, or a hearing on it with possible dates answered or expired."""
        if fact in self.exempted:
            return True
        return any(fact in h.facts and h.heard_by(on) for h in self.hearings.values())


@dataclass
class Hearing:
    """A hearing as the report judges it: dates the write side now refuses never count."""

    facts: set[str]
    deadline: date
    sent_on: date
    min_days: int
    answered: date | None = None

    def heard_by(self, on: date) -> bool:
        if self.answered is not None and self.sent_on <= self.answered <= on:
            return True
        long_enough = (self.deadline - self.sent_on).days >= self.min_days
        return long_enough and self.deadline < on


@dataclass
class Decision:
    """A decision as of T: whether in force, its net funds, and whether its record was lawful."""

    proposal: str
    status: str = IN_FORCE
    outcome: str | None = None
    net: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)
    funded_on: date | None = None
    adverse: bool = False
    complete: bool = False
    hearing_needed: bool = False
    heard: bool = True

    @property
    def winner(self) -> bool:
        """In force and funded; a claw-back leaves a winner with less money, not a loser."""
        return self.status == IN_FORCE and self.outcome in _WINNING

    @property
    def funds(self) -> Decimal:
        return self.net if self.status == IN_FORCE else Decimal(0)


@dataclass
class Milestone:
    """A project milestone as of T; on time is judged against the first due date."""

    due: date
    started_on: date | None = None
    met_on: date | None = None
    cancelled: bool = False


@dataclass
class Project:
    """A funded project as of T: approved sum, milestones, spend and match funding."""

    proposal: str
    decision: str
    approved: Decimal
    title: str
    milestones: dict[str, Milestone] = field(default_factory=dict)
    spends: dict[str, Decimal] = field(default_factory=dict)
    match: dict[str, Decimal] = field(default_factory=dict)
    completed_on: date | None = None
    cancelled: bool = False
    #: Delivers a co-commissioned contract: not PB-decided money (F), counted apart.
    commissioned: bool = False


@dataclass
class CoDesign:
    """A co-commissioned need: who defined it and who took part in each co-design session."""

    title: str
    #: (session code, "" for the definition; date; people by group)
    rounds: list[tuple[str, date, dict[str, int]]] = field(default_factory=list)


@dataclass
class Fold:
    """One process's facts folded in log order as of T: the state every impact table reads."""

    ideas: dict[str, Idea] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    commitments: dict[str, tuple[str, Decimal | None, str]] = field(default_factory=dict)
    vote_end: date | None = None
    hearing_days: int = DEFAULT_MIN_HEARING_DAYS
    needs: dict[str, CoDesign] = field(default_factory=dict)
    #: tender -> (title, panel members by role)
    panels: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)

    @classmethod
    def of_rows(cls, rows: Iterable[tuple[Any, Any, str]]) -> Fold:
        """The fold of fact rows ``(subject_id, kind, data as JSON)`` read in log order."""
        fold = cls()
        for subject, kind, data in rows:
            fold.apply(str(subject), str(kind), json.loads(data))
        return fold

    def apply(self, subject: str, kind: str, data: dict[str, Any]) -> None:
        """Fold one fact (``kind`` names it, see the ``facts`` table of the model)."""
        getattr(self, f"_{kind}")(subject, data)

    def _schedule(self, s: str, d: dict[str, Any]) -> None:
        self.vote_end = None if d["vote_end"] is None else date.fromisoformat(d["vote_end"])

    def _hearing_period(self, s: str, d: dict[str, Any]) -> None:
        self.hearing_days = int(d["days"])

    # proposals
    def _idea(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s] = Idea(d["submitter"], d["area"], d["category"])

    def _idea_end(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s].ended = d["state"]

    def _developed(self, s: str, d: dict[str, Any]) -> None:
        idea = self.ideas[s]
        idea.developed, idea.area, idea.category = True, d["area"], d["category"]

    def _assessed(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s].feasible = d["feasible"]
        self.ideas[s].assessment_reason = d["reason"]

    def _shortlist(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s].shortlist = d["state"]
        self.ideas[s].shortlist_reason = d.get("reason") or ""

    def _case_fact(self, s: str, d: dict[str, Any]) -> None:
        if d["needs_hearing"]:
            self.ideas[s].needs_hearing.add(d["fact"])

    def _hearing(self, s: str, d: dict[str, Any]) -> None:
        deadline, sent = date.fromisoformat(d["deadline"]), date.fromisoformat(d["sent_on"])
        hearing = Hearing(set(d["facts"]), deadline, sent, self.hearing_days)
        self.ideas[s].hearings[d["hearing"]] = hearing

    def _answered(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s].hearings[d["hearing"]].answered = date.fromisoformat(d["on"])

    def _exempted(self, s: str, d: dict[str, Any]) -> None:
        self.ideas[s].exempted.update(d["facts"])

    # decisions
    def _decision(self, s: str, d: dict[str, Any]) -> None:
        act = d["act"]
        if act == "made":
            self.decisions[s] = Decision(d["proposal"])
        decision = self.decisions[s]
        if act == "reopened":
            decision.status = REOPENED
            return
        if act == "revoked":
            decision.status = REVOKED
            decision.adverse, decision.complete = True, d["complete"]
            decision.hearing_needed, decision.heard = False, True
            return
        decision.status = IN_FORCE
        outcome, amount = d["outcome"], _dec(d["amount"])
        on = date.fromisoformat(d["decided_on"])
        decision.outcome = outcome
        if outcome in _FUNDED:
            decision.granted = decision.net = amount
            if decision.funded_on is None:
                decision.funded_on = on
        elif outcome == DecisionOutcome.CLAWED_BACK.value:
            decision.net = decision.granted - amount
        else:
            decision.net = Decimal(0)
        decision.adverse, decision.complete = d["adverse"], d["complete"]
        idea = self.ideas.get(decision.proposal)
        needed = [f for f in d["facts"] if idea is not None and f in idea.needs_hearing]
        decision.hearing_needed = decision.adverse and bool(needed)
        decision.heard = idea is None or all(idea.heard(f, on) for f in needed)

    # projects
    def _funded(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s] = Project(d["proposal"], d["decision"], _dec(d["approved"]), d["title"])

    def _ms_scheduled(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].milestones[d["code"]] = Milestone(date.fromisoformat(d["due_on"]))

    def _ms_started(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].milestones[d["code"]].started_on = date.fromisoformat(d["on"])

    def _ms_met(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].milestones[d["code"]].met_on = date.fromisoformat(d["on"])

    def _ms_delayed(self, s: str, d: dict[str, Any]) -> None:
        return None  # the on-time rate judges against the original due date

    def _ms_cancelled(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].milestones[d["code"]].cancelled = True

    def _spend(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].spends[d["id"]] = _dec(d["amount"])

    def _spend_corrected(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].spends[d["id"]] = _dec(d["amount"])

    def _match(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].match[d["id"]] = _dec(d["amount"])

    def _completed(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].completed_on = date.fromisoformat(d["on"])

    def _cancelled(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].cancelled = True

    # commitments
    def _commitment(self, s: str, d: dict[str, Any]) -> None:
        in_kind = None if d["in_kind"] is None else Decimal(d["in_kind"])
        self.commitments[s] = (d["project"], in_kind, "open")

    def _commitment_met(self, s: str, d: dict[str, Any]) -> None:
        if not d.get("verified", False):
            return  # marked met by the group itself: not verified, the pledge stays open
        project, in_kind, _ = self.commitments[s]
        self.commitments[s] = (project, in_kind, "met")

    def _commitment_lapsed(self, s: str, d: dict[str, Any]) -> None:
        project, in_kind, _ = self.commitments[s]
        self.commitments[s] = (project, in_kind, "lapsed")

    # co-commissioning
    def _commissioned(self, s: str, d: dict[str, Any]) -> None:
        self.projects[s].commissioned = True

    def _co_design(self, s: str, d: dict[str, Any]) -> None:
        need = self.needs.setdefault(s, CoDesign(d["need"]))
        need.rounds.append((d["session"], date.fromisoformat(d["held_on"]), dict(d["people"])))

    def _tender(self, s: str, d: dict[str, Any]) -> None:
        self.panels[s] = (d["title"], {})

    def _panel_member(self, s: str, d: dict[str, Any]) -> None:
        panel = self.panels[s][1]
        panel[d["role"]] = panel.get(d["role"], 0) + 1


#: The facts that bring their subject into existence (the process's own facts included).
_CREATING = frozenset({"schedule", "hearing_period", "idea", "funded", "commitment"})
_CREATING_TOO = frozenset({"co_design", "tender"})


def creates(kind: str, data: dict[str, Any]) -> bool:
    """Whether a fact row brings its subject into existence (a decision: when made)."""
    if kind == "decision":
        return data.get("act") == "made"
    return kind in _CREATING or kind in _CREATING_TOO
