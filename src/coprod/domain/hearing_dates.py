"""The date rules of the party-hearing case file (DOMAIN.md §5), each refusal naming its rule.

Why: a hearing is only a hearing if the party had time to answer. Without these rules a
hearing could be sent with a deadline already past and an adverse decision made the same day,
answers could be dated years before the hearing, and decisions dated before the facts they
rest on; the impact report would then certify "heard first". The rules:

* ``hearing-period``: the deadline lies at least the process's minimum hearing period
  (default 14 days) after the hearing was sent;
* ``answer-before-hearing``: an answer cannot be dated before the hearing was sent;
* ``date-before-case``: a hearing cannot be sent before the facts it covers were on the case
  file, and a decision cannot be dated before the facts and hearings it relies on;
* ``hearing-pending``: an adverse decision relying on a hearing that is neither answered nor
  past its deadline waits for it;
* ``date-in-future``: no business date after today anywhere (:func:`coprod.domain.dates.latest_today`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from coprod.domain.dates import latest_today
from coprod.domain.errors import (
    AnswerBeforeHearing,
    DateBeforeCase,
    DateInFuture,
    HearingPending,
    HearingPeriodTooShort,
)

if TYPE_CHECKING:
    from coprod.domain.case_file import CaseFact, Hearing

#: Party hearings: the least days between sending and the deadline unless the process sets
#: another (forvaltningsloven §19 asks for a reasonable period; 14 days is usual).
DEFAULT_MIN_HEARING_DAYS = 14


class CaseFile(Protocol):
    """What these rules read of a proposal: its facts and hearings."""

    @property
    def facts(self) -> Mapping[UUID, CaseFact]: ...

    @property
    def hearings(self) -> Mapping[UUID, Hearing]: ...


def require_not_future(field: str, on: date) -> None:
    """Refuse a business date that is after today everywhere on Earth."""
    if on > latest_today():
        raise DateInFuture(f"{field}: {on.isoformat()} is in the future")


def require_hearing_dates(
    case: CaseFile, fact_ids: Iterable[UUID], sent_on: date, deadline: date, min_days: int
) -> None:
    """A hearing is sent after its facts were on file, and leaves at least `min_days` to answer."""
    require_not_future("sent_on", sent_on)
    for fact_id in fact_ids:
        noted = case.facts[fact_id].noted_on
        if noted is not None and sent_on < noted:
            raise DateBeforeCase(
                f"sent_on: {sent_on.isoformat()} is before fact {fact_id} was on the case file "
                f"({noted.isoformat()})"
            )
    earliest = sent_on + timedelta(days=min_days)
    if deadline < earliest:
        raise HearingPeriodTooShort(
            f"deadline: {deadline.isoformat()} leaves the party less than the process's minimum "
            f"hearing period of {min_days} days after sending on {sent_on.isoformat()}; "
            f"the earliest deadline is {earliest.isoformat()}"
        )


def require_answer_date(hearing_id: UUID, hearing: Hearing, answered_on: date) -> None:
    """An answer is dated on or after the hearing was sent, and not in the future."""
    require_not_future("answered_on", answered_on)
    if hearing.sent_on is not None and answered_on < hearing.sent_on:
        raise AnswerBeforeHearing(
            f"answered_on: {answered_on.isoformat()} is before hearing {hearing_id} was sent "
            f"on {hearing.sent_on.isoformat()}"
        )


def require_decision_after_facts(case: CaseFile, fact_ids: Iterable[UUID], on: date) -> None:
    """A decision is not dated before the facts it relies on were on the case file."""
    for fact_id in fact_ids:
        fact = case.facts.get(fact_id)
        if fact is not None and fact.noted_on is not None and on < fact.noted_on:
            raise DateBeforeCase(
                f"decided_on: {on.isoformat()} is before fact {fact_id} was on the case file "
                f"({fact.noted_on.isoformat()})"
            )


def require_hearings_done(case: CaseFile, unheard: Iterable[UUID], on: date) -> None:
    """Name why an unheard fact is unheard when a hearing on it exists: too late or pending.

    Called with the facts :meth:`Proposal.unheard_facts` found unheard on `on`; a hearing
    sent after `on` cannot be relied on by a decision dated `on` (``date-before-case``), one
    sent before but neither answered by `on` nor past its deadline must be waited for
    (``hearing-pending``). Facts with no hearing at all are left to the caller's refusal.
    """
    for fact_id in unheard:
        for hearing_id, hearing in case.hearings.items():
            if fact_id not in hearing.fact_ids:
                continue
            if hearing.sent_on is not None and on < hearing.sent_on:
                raise DateBeforeCase(
                    f"decided_on: {on.isoformat()} is before hearing {hearing_id} on fact "
                    f"{fact_id} was sent ({hearing.sent_on.isoformat()})"
                )
            raise HearingPending(
                f"hearing {hearing_id} on fact {fact_id} is not answered by {on.isoformat()} and "
                f"its deadline {hearing.deadline.isoformat()} has not passed; an adverse "
                f"decision relying on it may be dated {(hearing.deadline + timedelta(days=1)).isoformat()} "
                "at the earliest, or when the answer is recorded"
            )
