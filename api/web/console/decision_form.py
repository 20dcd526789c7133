"""The guided decision form: what the officer typed, turned into the use case's command, and
each refusal of the domain turned into a message next to the field it concerns.

The rules stay in the domain (:mod:`coprod.domain.decision`, the hearing rule in
:mod:`coprod.application.decisions`); this module only parses the form and places their
refusals: which elements a record lacks comes from
:func:`coprod.domain.decision.missing_elements`, never from a copy of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from api.web.i18n import N_
from coprod.domain.decision import (
    ComplaintsGuidance,
    DecisionOutcome,
    DecisionRecord,
    missing_elements,
)
from coprod.domain.errors import (
    DateRuleViolation,
    DecisionRecordIncomplete,
    HearingPending,
    HearingRequired,
    InvalidInput,
    PhaseError,
    RuleViolation,
)
from coprod.domain.values import Money

__all__ = ["MESSAGES", "OUTCOMES", "DecisionForm", "place_refusal"]

#: The outcomes a first decision may have (cancellation and claw-back come later, on a project).
OUTCOMES = (
    DecisionOutcome.FUNDED_IN_FULL,
    DecisionOutcome.FUNDED_PARTIALLY,
    DecisionOutcome.REJECTED,
    DecisionOutcome.DEFERRED,
)
MESSAGES = {
    "legal_basis": N_(
        "A decision against the applicant must state its legal basis: give at least one "
        "provision, one per line."
    ),
    "main_considerations": N_("State the main considerations the decision rests on, one per line."),
    "facts": N_("Choose the facts on the case file that the decision relies on."),
    "complaints": N_(
        "Give complaints guidance (where, how and within how many days), or state that "
        "there is no appeal route."
    ),
    "complaints_days": N_("Give the time to complain as a whole number of days, at least 1."),
    "both": N_("Give complaints guidance or a no-appeal statement, not both."),
    "hearing": N_(
        "The party has not been heard on a fact you chose. Send a hearing and wait for the "
        "answer or its deadline, or record an exemption, before this decision."
    ),
    "hearing_pending": N_(
        "A hearing on a fact you chose is still open: wait for the answer or its deadline."
    ),
    "date": N_(
        "The decision date must be a real date, today or earlier, and not before the facts "
        "it relies on."
    ),
    "amount": N_("Give the amount granted as a number, like 125000.00."),
    "outcome": N_("Choose one of the outcomes offered."),
    "subject": N_("This proposal cannot be decided this way now."),
    "phase": N_(
        "The process is not in a phase where decisions are made (decision, delivery or evaluation)."
    ),
    "text": N_("This text is too long."),
}
#: Where each element :func:`missing_elements` names is asked for on the form.
_MISSING_FIELD = {
    "legal_basis": "legal_basis",
    "main_considerations": "main_considerations",
    "facts_relied_on": "facts",
    "complaints or no_appeal_statement": "complaints",
}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass
class DecisionForm:
    """What the officer typed (re-shown after a refusal) and the messages by field."""

    outcome: str = DecisionOutcome.REJECTED.value
    amount: str = ""
    decided_on: str = ""
    legal_basis: str = ""
    main_considerations: str = ""
    facts: list[str] = field(default_factory=list)
    complaints_body: str = ""
    complaints_procedure: str = ""
    complaints_days: str = ""
    no_appeal: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    #: The domain's own words for a refusal the form cannot place more precisely.
    detail: str = ""

    @classmethod
    def of(cls, data: Any) -> DecisionForm:
        """From a submitted form (a Starlette FormData)."""
        text = {
            name: str(data.get(name, "")).strip()
            for name in (
                "outcome",
                "amount",
                "decided_on",
                "legal_basis",
                "main_considerations",
                "complaints_body",
                "complaints_procedure",
                "complaints_days",
                "no_appeal",
            )
        }
        form = cls(facts=[str(f) for f in data.getlist("facts")])
        for name, value in text.items():
            setattr(form, name, value)
        return form

    def parsed(
        self, currency: str
    ) -> tuple[DecisionOutcome, Money | None, date, DecisionRecord | None] | None:
        """The command's values, or None with the errors filled in (nothing is written)."""
        outcome = next((o for o in OUTCOMES if o.value == self.outcome), None)
        if outcome is None:
            self.errors["outcome"] = MESSAGES["outcome"]
        amount = self._amount(currency)
        try:
            decided_on = date.fromisoformat(self.decided_on)
        except ValueError:
            self.errors["decided_on"] = MESSAGES["date"]
            decided_on = date.min
        record = self._record()
        if self.errors or outcome is None:
            return None
        return outcome, amount, decided_on, record

    def record(self) -> DecisionRecord | None:
        """The record as typed (None: nothing typed), its errors placed; for every form that
        asks for a decision record, such as a tender's award."""
        return self._record()

    def _amount(self, currency: str) -> Money | None:
        if not self.amount:
            return None
        try:
            return Money(Decimal(self.amount.replace(" ", "").replace(",", ".")), currency)
        except (InvalidOperation, InvalidInput):
            self.errors["amount"] = MESSAGES["amount"]
            return None

    def _record(self) -> DecisionRecord | None:
        """The record as typed; None when the officer gave none (funding in full needs none)."""
        complaints = self._complaints()
        facts = []
        for text in self.facts:
            try:
                facts.append(UUID(text))
            except ValueError:
                self.errors["facts"] = MESSAGES["facts"]
        parts = (self.legal_basis, self.main_considerations, facts, complaints, self.no_appeal)
        if not any(parts):
            return None
        try:
            return DecisionRecord(
                legal_basis=_lines(self.legal_basis),
                main_considerations=_lines(self.main_considerations),
                facts_relied_on=tuple(facts),
                complaints=complaints,
                no_appeal_statement=self.no_appeal or None,
            )
        except InvalidInput as e:
            place_invalid(self.errors, e)
            return None

    def _complaints(self) -> ComplaintsGuidance | None:
        given = (self.complaints_body, self.complaints_procedure, self.complaints_days)
        if not any(given):
            return None
        if not self.complaints_days.isdigit():
            self.errors["complaints_days"] = MESSAGES["complaints_days"]
            return None
        try:
            return ComplaintsGuidance(
                self.complaints_body, self.complaints_procedure, int(self.complaints_days)
            )
        except InvalidInput as e:
            place_invalid(self.errors, e)
            return None


def place_invalid(errors: dict[str, str], e: InvalidInput) -> None:
    """Put a value refusal next to its field."""
    name = e.field
    if name.startswith("complaints.deadline_days"):
        errors["complaints_days"] = MESSAGES["complaints_days"]
    elif name.startswith("complaints."):
        errors["complaints"] = MESSAGES["complaints"]
    elif name == "no_appeal_statement":
        errors["no_appeal"] = MESSAGES["both" if "not both" in str(e) else "text"]
    elif name.startswith(("legal_basis", "main_considerations")):
        key = name.split("[")[0]
        errors[key] = MESSAGES["text"] if "[" in name else MESSAGES[key]
    elif name.startswith("facts"):
        errors["facts"] = MESSAGES["facts"]
    elif name in ("amount", "currency"):
        errors["amount"] = MESSAGES["amount"]
    elif name.startswith("decided_on") or "date" in name:
        errors["decided_on"] = MESSAGES["date"]
    else:
        errors["outcome"] = MESSAGES["subject"]


def place_refusal(form: DecisionForm, record: DecisionRecord | None, e: Exception) -> None:
    """Put the use case's refusal next to the field(s) it concerns."""
    errors = form.errors
    if isinstance(e, DecisionRecordIncomplete):
        for element in missing_elements(record):
            errors[_MISSING_FIELD[element]] = MESSAGES[_MISSING_FIELD[element]]
    elif isinstance(e, HearingPending):
        errors["facts"] = MESSAGES["hearing_pending"]
    elif isinstance(e, HearingRequired):
        errors["facts"] = MESSAGES["hearing"]
    elif isinstance(e, DateRuleViolation):
        errors["decided_on"] = MESSAGES["date"]
    elif isinstance(e, InvalidInput):
        place_invalid(errors, e)
    elif isinstance(e, PhaseError):
        errors["outcome"] = MESSAGES["phase"]
    elif isinstance(e, RuleViolation):
        errors["outcome"] = MESSAGES["subject"]
        form.detail = str(e)
    else:  # pragma: no cover - the caller passes only the refusals above
        raise e
