"""The typed facts of the impact model: one frozen dataclass per kind of ``<g>_facts`` row.

Why: the handlers used to build each fact as a string-keyed dict on the spot, so the shape of
a stored fact was written in one place and read (by key) in another. Each kind is now a class
whose fields *are* the stored JSON keys, in the stored order: ``encode`` gives exactly the
JSON the model has always stored (so every report figure is unchanged) and ``decode`` reads it
back, dates as :class:`~datetime.date`, amounts as :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

F = TypeVar("F", bound="Fact")


@dataclass(frozen=True)
class Fact:
    """A fact of one ``kind``; its fields, in order, are the keys of the stored JSON."""

    kind: ClassVar[str] = ""

    def encode(self) -> dict[str, Any]:
        """The stored JSON: dates as ISO text, amounts as decimal text, lists for tuples."""
        return {f.name: _out(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def decode(cls: type[F], data: dict[str, Any]) -> F:
        """A fact from its stored JSON (a missing key takes the field's default)."""
        hints = _hints(cls)
        values = {
            f.name: _in(hints[f.name], data[f.name])
            for f in dataclasses.fields(cls)
            if f.name in data
        }
        return cls(**values)


def _out(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _in(hint: str, value: Any) -> Any:
    if value is None:
        return None
    if hint.startswith("date"):
        return date.fromisoformat(value)
    if hint.startswith("Decimal"):
        return Decimal(value)
    if hint.startswith("tuple"):
        return tuple(value)
    return value


_HINTS: dict[type, dict[str, str]] = {}


def _hints(cls: type) -> dict[str, str]:
    found = _HINTS.get(cls)
    if found is None:
        found = {k: str(v) for k, v in vars(cls).get("__annotations__", {}).items()}
        for base in cls.__mro__[1:]:
            for k, v in vars(base).get("__annotations__", {}).items():
                found.setdefault(k, str(v))
        _HINTS[cls] = found
    return found


# -- the process (subject: the process itself) ------------------------------------------------


@dataclass(frozen=True)
class Schedule(Fact):
    """The planned end of the vote, the date vote-to-delivery counts from."""

    kind: ClassVar[str] = "schedule"
    vote_end: date | None


@dataclass(frozen=True)
class HearingPeriod(Fact):
    """The process's minimum hearing period in days."""

    kind: ClassVar[str] = "hearing_period"
    days: int


# -- proposals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaFact(Fact):
    """An idea submitted: who (for participation counts), where and about what."""

    kind: ClassVar[str] = "idea"
    submitter: str
    area: str | None
    category: str | None


@dataclass(frozen=True)
class IdeaEnd(Fact):
    """An idea that left the process: ``merged`` or ``withdrawn``."""

    kind: ClassVar[str] = "idea_end"
    state: str


@dataclass(frozen=True)
class Developed(Fact):
    """An idea developed into a proposal (its area and category may change)."""

    kind: ClassVar[str] = "developed"
    area: str | None
    category: str | None


@dataclass(frozen=True)
class Assessed(Fact):
    """A feasibility assessment."""

    kind: ClassVar[str] = "assessed"
    feasible: bool
    reason: str


@dataclass(frozen=True)
class Shortlisted(Fact):
    """A proposal put on the shortlist (stored with no reason)."""

    kind: ClassVar[str] = "shortlist"
    state: str = "shortlisted"


@dataclass(frozen=True)
class NotShortlisted(Fact):
    """A proposal left off the shortlist, with the reason given."""

    kind: ClassVar[str] = "shortlist"
    state: str
    reason: str


@dataclass(frozen=True)
class CaseFact(Fact):
    """A fact of the case file and whether the party must be heard on it."""

    kind: ClassVar[str] = "case_fact"
    fact: str
    needs_hearing: bool


@dataclass(frozen=True)
class HearingFact(Fact):
    """A hearing sent on some facts, with its dates."""

    kind: ClassVar[str] = "hearing"
    hearing: str
    facts: tuple[str, ...]
    deadline: date
    sent_on: date


@dataclass(frozen=True)
class Answered(Fact):
    """A hearing answered on a date."""

    kind: ClassVar[str] = "answered"
    hearing: str
    on: date


@dataclass(frozen=True)
class Exempted(Fact):
    """Facts exempted from hearing."""

    kind: ClassVar[str] = "exempted"
    facts: tuple[str, ...]


# -- decisions (kind ``decision``, one class per act) ------------------------------------------


@dataclass(frozen=True)
class DecisionActed(Fact):
    """A decision corrected (``act`` corrected) or, with :class:`DecisionMade`, made."""

    kind: ClassVar[str] = "decision"
    act: str
    outcome: str
    amount: Decimal | None
    adverse: bool
    complete: bool
    facts: tuple[str, ...]
    decided_on: date


@dataclass(frozen=True)
class DecisionMade(DecisionActed):
    """A decision made, for a proposal (the only act that names it)."""

    proposal: str = ""


@dataclass(frozen=True)
class DecisionReopened(Fact):
    """A decision reopened: no longer in force, no outcome."""

    kind: ClassVar[str] = "decision"
    act: str = "reopened"
    outcome: None = None


@dataclass(frozen=True)
class DecisionRevoked(Fact):
    """A decision revoked (an adverse act: its record must be complete)."""

    kind: ClassVar[str] = "decision"
    act: str
    outcome: None
    complete: bool
    decided_on: date


# -- projects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funded(Fact):
    """A project funded by a decision, with its approved sum."""

    kind: ClassVar[str] = "funded"
    proposal: str
    decision: str
    approved: Decimal | None
    title: str


@dataclass(frozen=True)
class MilestoneDue(Fact):
    """A milestone scheduled (``ms_scheduled``) or delayed (``ms_delayed``) to a due date."""

    kind: ClassVar[str] = "ms_scheduled"
    code: str
    due_on: date


@dataclass(frozen=True)
class MilestoneDelayed(MilestoneDue):
    """A milestone delayed; the on-time rate still judges against the first due date."""

    kind: ClassVar[str] = "ms_delayed"


@dataclass(frozen=True)
class MilestoneStarted(Fact):
    """A milestone started on a date."""

    kind: ClassVar[str] = "ms_started"
    code: str
    on: date


@dataclass(frozen=True)
class MilestoneMet(MilestoneStarted):
    """A milestone met on a date."""

    kind: ClassVar[str] = "ms_met"


@dataclass(frozen=True)
class MilestoneCancelled(Fact):
    """A milestone cancelled."""

    kind: ClassVar[str] = "ms_cancelled"
    code: str


@dataclass(frozen=True)
class Spend(Fact):
    """Spend recorded; the latest amount of a spend id counts."""

    kind: ClassVar[str] = "spend"
    id: str
    amount: Decimal | None


@dataclass(frozen=True)
class SpendCorrected(Spend):
    """A spend corrected to a new amount."""

    kind: ClassVar[str] = "spend_corrected"


@dataclass(frozen=True)
class Match(Fact):
    """Match funding received."""

    kind: ClassVar[str] = "match"
    id: str
    amount: Decimal | None
    source: str
    on: date


@dataclass(frozen=True)
class Completed(Fact):
    """A project completed on a date."""

    kind: ClassVar[str] = "completed"
    on: date


@dataclass(frozen=True)
class Cancelled(Fact):
    """A project cancelled."""

    kind: ClassVar[str] = "cancelled"


# -- commitments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFact(Fact):
    """A commitment to a project, with its in-kind value in the process's currency (or null)."""

    kind: ClassVar[str] = "commitment"
    project: str
    in_kind: Decimal | None


@dataclass(frozen=True)
class CommitmentMet(Fact):
    """A commitment marked met; ``verified`` when an officer marked it (rows before version 3
    have no key: not verified)."""

    kind: ClassVar[str] = "commitment_met"
    verified: bool = False


@dataclass(frozen=True)
class CommitmentLapsed(Fact):
    """A commitment lapsed."""

    kind: ClassVar[str] = "commitment_lapsed"


# -- co-commissioning (subjects: the project, the need, the tender) ---------------------------


@dataclass(frozen=True)
class Commissioned(Fact):
    """The project delivers a co-commissioned contract (not a PB decision): its tender."""

    kind: ClassVar[str] = "commissioned"
    tender: str
    contract: str


@dataclass(frozen=True)
class CoDesign(Fact):
    """People by group who defined a need (``session`` empty) or took part in a session."""

    kind: ClassVar[str] = "co_design"
    need: str
    session: str
    held_on: date
    people: dict[str, int]


@dataclass(frozen=True)
class TenderFact(Fact):
    """A tender published for a need of the process, by its title."""

    kind: ClassVar[str] = "tender"
    title: str


@dataclass(frozen=True)
class PanelMember(Fact):
    """A member (by role only) appointed to the evaluation panel of a tender."""

    kind: ClassVar[str] = "panel_member"
    role: str


_BY_KIND: dict[str, type[Fact]] = {
    cls.kind: cls
    for cls in (
        Schedule,
        HearingPeriod,
        IdeaFact,
        IdeaEnd,
        Developed,
        Assessed,
        CaseFact,
        HearingFact,
        Answered,
        Exempted,
        Funded,
        MilestoneDue,
        MilestoneDelayed,
        MilestoneStarted,
        MilestoneMet,
        MilestoneCancelled,
        Spend,
        SpendCorrected,
        Match,
        Completed,
        Cancelled,
        CommitmentFact,
        CommitmentMet,
        CommitmentLapsed,
        Commissioned,
        CoDesign,
        TenderFact,
        PanelMember,
    )
}
_DECISIONS: dict[str, type[Fact]] = {
    "made": DecisionMade,
    "corrected": DecisionActed,
    "reopened": DecisionReopened,
    "revoked": DecisionRevoked,
}


def decode_fact(kind: str, data: dict[str, Any]) -> Fact:
    """The typed fact of a stored row (``kind`` and its JSON ``data``)."""
    if kind == "decision":
        return _DECISIONS[data["act"]].decode(data)
    if kind == "shortlist":
        return (NotShortlisted if "reason" in data else Shortlisted).decode(data)
    return _BY_KIND[kind].decode(data)


def kinds() -> frozenset[str]:
    """Every kind of fact row the model stores."""
    return frozenset({*_BY_KIND, "decision", "shortlist"})
