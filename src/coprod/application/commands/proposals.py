"""Commands on ideas and proposals: submission to shortlist, the case file, the ballot paper.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.submit_idea(SubmitIdea(...), actor)``); ``expected_version`` is the version of
the proposal the command changes (the process's for :class:`OpenBallot`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.values import Money

__all__ = [
    "AmendIdea",
    "AssessFeasibility",
    "DeclineShortlist",
    "DevelopProposal",
    "ExemptFromHearing",
    "MergeIdeas",
    "OpenBallot",
    "RecordFact",
    "RecordHearingAnswer",
    "SendHearing",
    "Shortlist",
    "SubmitIdea",
    "WithdrawIdea",
]


@dataclass(frozen=True, kw_only=True)
class SubmitIdea(Command):
    """Submit an idea to a process in its ideas or development phase."""

    process_id: UUID
    title: str
    description: str
    area_code: str | None = None
    category: str | None = None


@dataclass(frozen=True, kw_only=True)
class AmendIdea(Command):
    """Change the idea's title or description; None leaves a field as it is."""

    proposal_id: UUID
    title: str | None = None
    description: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class MergeIdeas(Command):
    """Merge the source idea into the target; ``expected_version`` is the source's."""

    source_id: UUID
    target_id: UUID
    expected_version: int | None = None
    target_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class WithdrawIdea(Command):
    """Withdraw the idea before the ballot paper is fixed."""

    proposal_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DevelopProposal(Command):
    """Develop the idea into a costed proposal in one of the process's areas."""

    proposal_id: UUID
    cost_estimate: Money
    area_code: str
    category: str
    co_producers: tuple[UUID, ...] = ()
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class AssessFeasibility(Command):
    """The council's feasibility assessment and assessed cost (review phase)."""

    proposal_id: UUID
    feasible: bool
    reason: str
    assessed_cost: Money | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class Shortlist(Command):
    """Put a feasible proposal on the shortlist for the ballot."""

    proposal_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DeclineShortlist(Command):
    """Keep a proposal off the shortlist, with the reason (the filter rate)."""

    proposal_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RecordFact(Command):
    """Put a fact on the case file; ``noted_on`` (default today) backdates a case recorded late."""

    proposal_id: UUID
    fact_id: UUID
    summary: str
    adverse: bool
    essential: bool
    known_to_party: bool
    noted_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SendHearing(Command):
    """Ask the party to comment on facts by a deadline, sent on ``sent_on`` (default today)."""

    proposal_id: UUID
    hearing_id: UUID
    party_id: UUID
    fact_ids: tuple[UUID, ...]
    deadline: date
    sent_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RecordHearingAnswer(Command):
    """The party answered a hearing; the answer stays in the referenced document."""

    proposal_id: UUID
    hearing_id: UUID
    answered_on: date
    response_ref: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ExemptFromHearing(Command):
    """Why these facts may be used without a hearing."""

    proposal_id: UUID
    fact_ids: tuple[UUID, ...]
    justification: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class OpenBallot(Command):
    """Open the vote on these shortlisted proposals; ``expected_version`` is the process's."""

    process_id: UUID
    proposal_ids: tuple[UUID, ...]
    expected_version: int | None = None
