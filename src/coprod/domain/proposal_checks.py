"""The checks an idea or proposal runs on a request before it records an event.

Pure functions over the values asked for and the state they are judged against, so the
aggregate (:mod:`coprod.domain.proposal`) reads as its events and the state they fold into.
Each returns the cleaned value that goes into the event, or raises the domain error that
names the field or rule.
"""

from __future__ import annotations

from typing import TypedDict
from uuid import UUID

from coprod.domain.decision import DECISION_STATUSES, REVOKED
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.values import Money, require_positive, require_text

__all__ = [
    "PROPOSAL",
    "TITLE_MAX_LENGTH",
    "IdeaFields",
    "amendment",
    "assessment_reason",
    "development",
    "idea_fields",
    "idea_title",
    "reason_text",
    "require_decision_status",
    "require_feasible",
    "require_no_other_decision",
]

#: Long enough for real project names (Pabulib files carry names of several hundred characters).
TITLE_MAX_LENGTH = 1_000

#: The stage of an idea developed into a costed proposal.
PROPOSAL = "proposal"

_REASON_MAX = 2_000


def idea_title(title: str) -> str:
    """A title is one line of text, at most :data:`TITLE_MAX_LENGTH` characters."""
    return require_text("title", title, max_length=TITLE_MAX_LENGTH, prose=False)


class IdeaFields(TypedDict):
    """The text fields of a submitted idea, as its IdeaSubmitted event stores them."""

    title: str
    description: str
    area_code: str | None
    category: str | None


def idea_fields(
    title: str, description: str, area_code: str | None, category: str | None
) -> IdeaFields:
    """A submitted idea's text fields, cleaned (area and category are optional)."""
    return {
        "title": idea_title(title),
        "description": require_text("description", description),
        "area_code": None
        if area_code is None
        else require_text("area_code", area_code, max_length=40),
        "category": None
        if category is None
        else require_text("category", category, max_length=100),
    }


def amendment(
    current: tuple[str, str], title: str | None, description: str | None
) -> tuple[str | None, str | None]:
    """The fields an amendment changes (None: unchanged), given the current (title, description).

    An amendment that changes nothing is refused rather than recorded as noise.
    """
    new_title = None if title is None else idea_title(title)
    new_description = None if description is None else require_text("description", description)
    changed_title = new_title if new_title != current[0] else None
    changed_description = new_description if new_description != current[1] else None
    if changed_title is None and changed_description is None:
        raise RuleViolation("the amendment changes nothing", rule="no-change")
    return changed_title, changed_description


def development(
    assessed: bool, cost_estimate: Money, area_code: str, category: str, co_producers: object
) -> tuple[str, str]:
    """The (area_code, category) of a development; an assessed proposal is not redeveloped."""
    if assessed:
        raise RuleViolation(
            "the proposal has already been assessed; it can no longer be redeveloped",
            rule="develop",
        )
    require_positive("cost_estimate", cost_estimate)
    if not isinstance(co_producers, tuple):
        raise InvalidInput("co_producers", "must be a tuple of ids")
    if len(set(co_producers)) != len(co_producers):
        raise InvalidInput("co_producers", "names a co-producer more than once")
    return (
        require_text("area_code", area_code, max_length=40),
        require_text("category", category, max_length=100),
    )


def assessment_reason(
    stage: str, shortlisted: bool | None, feasible: bool, reason: str, cost: Money | None
) -> str:
    """The reason an assessment records: optional when feasible (a cost is needed then)."""
    if stage != PROPOSAL:
        raise RuleViolation(
            "only a proposal can be assessed; develop the idea first", rule="assess"
        )
    if shortlisted is not None:
        raise RuleViolation(
            "the shortlist decision is made; the assessment can no longer change", rule="assess"
        )
    if feasible:
        if cost is None:
            raise InvalidInput("assessed_cost", "a feasible proposal needs an assessed cost")
        reason = reason.strip()
    else:
        reason = require_text("reason", reason, max_length=_REASON_MAX)
    if cost is not None:
        require_positive("assessed_cost", cost)
    return reason


def require_feasible(feasible: bool | None) -> None:
    """Only a proposal assessed feasible goes on the shortlist."""
    if feasible is not True:
        state = "not assessed" if feasible is None else "assessed unfeasible"
        raise RuleViolation(
            f"only feasible proposals can be shortlisted; this one is {state}",
            rule="shortlist-feasible",
        )


def reason_text(reason: str) -> str:
    """A withdrawal's or a refusal's reason: required prose, at most 2,000 characters."""
    return require_text("reason", reason, max_length=_REASON_MAX)


def require_no_other_decision(
    current: UUID | None, current_status: str | None, decision_id: UUID | None
) -> None:
    """One live decision per proposal: another one in force or reopened must be corrected,
    reopened or revoked instead (a revoked one leaves room for a new decision)."""
    if current is not None and current != decision_id and current_status != REVOKED:
        raise RuleViolation(
            f"proposal already has decision {current} ({current_status}); "
            "correct, reopen or revoke it instead",
            rule="one-decision",
        )


def require_decision_status(decision_status: str) -> None:
    """A decision's status is one the decision aggregate knows."""
    if decision_status not in DECISION_STATUSES:
        raise InvalidInput(
            "decision_status", f"{decision_status!r}; known: {', '.join(DECISION_STATUSES)}"
        )
