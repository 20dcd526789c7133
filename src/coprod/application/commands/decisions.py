"""Commands on council decisions: decide on a proposal, then correct, reopen or revoke.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.decide(Decide(...), actor)``); ``expected_version`` is the decision's, except
for :class:`Decide`, where it is the version of the proposal decided on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.decision import DecisionOutcome, DecisionRecord
from coprod.domain.values import Money

__all__ = ["CorrectDecision", "Decide", "ReopenDecision", "RevokeDecision"]


@dataclass(frozen=True, kw_only=True)
class Decide(Command):
    """Decide on an assessed proposal; an adverse outcome needs the complete legal record."""

    proposal_id: UUID
    outcome: DecisionOutcome
    decided_on: date
    amount: Money | None = None
    record: DecisionRecord | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CorrectDecision(Command):
    """A new act replacing the decision's outcome, amount and record; the original stays."""

    decision_id: UUID
    reason: str
    outcome: DecisionOutcome
    decided_on: date
    amount: Money | None = None
    record: DecisionRecord | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReopenDecision(Command):
    """Take a decision out of force while it is reconsidered (e.g. after a complaint)."""

    decision_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeDecision(Command):
    """Revoke a decision; adverse to the party, so it carries a complete record."""

    decision_id: UUID
    reason: str
    record: DecisionRecord
    decided_on: date
    expected_version: int | None = None
