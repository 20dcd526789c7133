"""The case file of a proposal (DOMAIN.md §5, forvaltningsloven §19): facts, hearings, exemptions.

A lawful adverse decision may rely only on facts on file, and on an adverse, essential fact
unknown to the party only once the party was heard (or exempted). The state kept here is
never stored as such: :class:`coprod.domain.proposal.Proposal` records the events and folds
them into :class:`CaseFact` and :class:`Hearing`; these functions are the checks it runs
before recording, so the aggregate module reads in one sitting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from coprod.domain.dates import recording_date
from coprod.domain.errors import AlreadyExists, InvalidInput, NotFound, RuleViolation
from coprod.domain.hearing_dates import (
    CaseFile,
    require_answer_date,
    require_hearing_dates,
    require_not_future,
)
from coprod.domain.inputs import check_business_date
from coprod.domain.values import require_text

__all__ = [
    "CaseFact",
    "Hearing",
    "checked_answer_ref",
    "checked_fact",
    "checked_hearing",
    "refuse_personal_data",
    "require_facts",
    "unheard_facts",
]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CPR = re.compile(r"\b\d{6}-?\d{4}\b")


def refuse_personal_data(field: str, text: str) -> None:
    """Catch the obvious personal identifiers (e-mail, CPR number) before they reach the log.

    Events cannot be erased, so a fact's summary describes the fact and points to the
    document; the person behind it stays an opaque id (DOMAIN.md §6).
    """
    if _EMAIL.search(text):
        raise InvalidInput(field, "contains an e-mail address; refer to the document instead")
    if _CPR.search(text):
        raise InvalidInput(field, "contains a CPR-like number; refer to the document instead")


@dataclass(frozen=True)
class CaseFact:
    """A fact on the case file, as the hearing rule needs it (state only, never stored).

    Also what a caller asks to put on file; ``noted_on`` None there means today.
    """

    summary: str
    adverse: bool
    essential: bool
    known_to_party: bool
    noted_on: date | None = None


@dataclass(frozen=True)
class Hearing:
    """A party hearing on some facts, and its answer if one came (state only, never stored).

    Also what a caller asks to send; ``sent_on`` None there means today.
    """

    party_id: UUID
    fact_ids: tuple[UUID, ...]
    deadline: date
    answered_on: date | None = None
    response_ref: str | None = None
    sent_on: date | None = None

    def covers(self, on: date) -> bool:
        """True when the party has been heard by `on`: answered, or the deadline has passed."""
        answered = self.answered_on is not None and self.answered_on <= on
        return answered or self.deadline < on


def require_facts(facts: Mapping[UUID, CaseFact], field: str, fact_ids: tuple[UUID, ...]) -> None:
    """A hearing or exemption names at least one fact, each once, each on the case file."""
    if not isinstance(fact_ids, tuple) or not fact_ids:
        raise InvalidInput(field, "must name at least one fact")
    if len(set(fact_ids)) != len(fact_ids):
        raise InvalidInput(field, "names a fact more than once")
    unknown = [str(f) for f in fact_ids if f not in facts]
    if unknown:
        raise InvalidInput(field, f"not on the case file: {', '.join(unknown)}")


def checked_fact(facts: Mapping[UUID, CaseFact], fact_id: UUID, fact: CaseFact) -> tuple[str, date]:
    """The (summary, noted_on) of a fact as it goes on file: a new id, a summary naming no
    person, a date today or before.

    `noted_on` is the business date the fact was on file (default: today, UTC); a
    decision cannot be dated before it.
    """
    if fact_id in facts:
        raise AlreadyExists("fact", fact_id)
    summary = require_text("summary", fact.summary, max_length=1_000)
    refuse_personal_data("summary", summary)
    noted_on = recording_date() if fact.noted_on is None else fact.noted_on
    require_not_future("noted_on", noted_on)
    return summary, noted_on


def checked_hearing(case: CaseFile, hearing_id: UUID, hearing: Hearing, min_days: int) -> date:
    """The date a hearing is sent (default today), checked: a new id, facts on file, a
    deadline at least `min_days` after it."""
    if hearing_id in case.hearings:
        raise AlreadyExists("hearing", hearing_id)
    check_business_date("deadline", hearing.deadline)
    require_facts(case.facts, "fact_ids", hearing.fact_ids)
    sent_on = recording_date() if hearing.sent_on is None else hearing.sent_on
    require_hearing_dates(case, hearing.fact_ids, sent_on, hearing.deadline, min_days)
    return sent_on


def checked_answer_ref(
    hearings: Mapping[UUID, Hearing], hearing_id: UUID, answered_on: date, response_ref: str
) -> str:
    """The reference to a party's answer: a known, unanswered hearing, a one-line reference."""
    check_business_date("answered_on", answered_on)
    hearing = hearings.get(hearing_id)
    if hearing is None:
        raise NotFound("hearing", hearing_id)
    if hearing.answered_on is not None:
        raise RuleViolation(
            f"hearing {hearing_id} was already answered on {hearing.answered_on.isoformat()}",
            rule="hearing-answered",
        )
    require_answer_date(hearing_id, hearing, answered_on)
    response_ref = require_text("response_ref", response_ref, max_length=200)
    if "\n" in response_ref:
        raise InvalidInput("response_ref", "must be a one-line document reference, not the text")
    refuse_personal_data("response_ref", response_ref)
    return response_ref


def unheard_facts(
    case: CaseFile, exempted: Mapping[UUID, str], fact_ids: tuple[UUID, ...], on: date
) -> tuple[UUID, ...]:
    """The facts an adverse decision on `on` may not yet rely on, in the order given.

    A fact needs a hearing when it is adverse, essential and unknown to the party; the
    need is met by a hearing on it that was answered by `on` or whose deadline passed
    before `on`, or by an exemption. Ids not on the case file are not judged here.
    """
    unheard: list[UUID] = []
    for fact_id in dict.fromkeys(fact_ids):
        fact = case.facts.get(fact_id)
        if fact is None or not fact.adverse or not fact.essential or fact.known_to_party:
            continue
        if fact_id in exempted:
            continue
        if any(fact_id in h.fact_ids and h.covers(on) for h in case.hearings.values()):
            continue
        unheard.append(fact_id)
    return tuple(unheard)
