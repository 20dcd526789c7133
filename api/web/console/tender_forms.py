"""The officers' forms on a tender: the award (a decision with its full record, a standstill,
and the reasons when it departs from the ranking) and the contract.

The rules stay in the domain (:mod:`coprod.domain.tender`); this module parses what the
officer typed into the domain's terms and places each refusal next to its field. The
record's fields are the guided decision form's (:class:`~api.web.console.decision_form
.DecisionForm`), so the lawful record is asked for, and refused, the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from api.web.console.decision_form import DecisionForm, place_refusal
from api.web.i18n import N_
from coprod.domain.errors import DecisionRecordIncomplete, InvalidInput, RuleViolation
from coprod.domain.tender_checks import AwardTerms, ContractTerms
from coprod.domain.values import Money

__all__ = ["MESSAGES", "AwardForm", "ContractForm"]

MESSAGES = {
    "bid": N_("Choose the bid the lot is awarded to."),
    "standstill": N_("Give the standstill period as a whole number of days, at least 1."),
    "departure": N_(
        "This bid is not ranked first by the published weights: give the reasons for the "
        "award in the field below."
    ),
    "scores": N_("Every bid must be scored on every quality criterion before the award."),
    "date": N_("Give a real date, today or earlier, and not before the bids closed."),
    "value": N_("Give the contract value as a number, like 450000.00."),
    "standstill_running": N_(
        "The standstill period has not ended yet: sign the contract after it."
    ),
    "period": N_("The delivery must end after it starts."),
    "refused": N_("This cannot be recorded now."),
    "not_yet": N_(
        "The bids cannot be opened yet: the deadline must have passed and the panel must "
        "have at least one resident and one officer."
    ),
}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class AwardForm:
    """The award of a lot: the bid, the dates, the record (a DecisionForm) and any reasons."""

    lot_code: str = ""
    bid_id: str = ""
    decided_on: str = ""
    standstill_days: str = "10"
    departure_reason: str = ""
    record: DecisionForm = field(default_factory=DecisionForm)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Any) -> AwardForm:
        form = cls()
        for name in ("lot_code", "bid_id", "decided_on", "standstill_days", "departure_reason"):
            setattr(form, name, str(data.get(name, "")).strip())
        form.record = DecisionForm.of(data)
        form.errors = form.record.errors  # one set of messages, placed by field name
        return form

    def terms(self) -> AwardTerms | None:
        """The award's terms, or None with the errors filled in (nothing is written)."""
        try:
            bid = UUID(self.bid_id)
        except ValueError:
            self.errors["bid_id"] = MESSAGES["bid"]
            bid = None
        decided_on = _day(self.decided_on)
        if decided_on is None:
            self.errors["decided_on"] = MESSAGES["date"]
        if not self.standstill_days.isdigit():
            self.errors["standstill_days"] = MESSAGES["standstill"]
        record = self.record.record()
        if record is None:  # an award is adverse to every other bidder: the whole record
            place_refusal(self.record, None, DecisionRecordIncomplete("no record"))
        if self.errors or bid is None or decided_on is None or record is None:
            return None
        reason = self.departure_reason or None
        days = int(self.standstill_days)
        return AwardTerms(self.lot_code, bid, record, decided_on, days, reason)

    def place(self, e: Exception) -> None:
        """Put the use case's refusal next to the field it concerns."""
        rule = getattr(e, "rule", "")
        if isinstance(e, DecisionRecordIncomplete):
            place_refusal(self.record, self.record.record(), e)
        elif rule == "award-follows-weights":
            self.errors["departure_reason"] = MESSAGES["departure"]
        elif rule == "scores-complete":
            self.errors["bid_id"] = MESSAGES["scores"]
        elif isinstance(e, InvalidInput) and e.field == "standstill_days":
            self.errors["standstill_days"] = MESSAGES["standstill"]
        elif isinstance(e, InvalidInput) and e.field in ("bid_id", "lot_code"):
            self.errors["bid_id"] = MESSAGES["bid"]
        elif isinstance(e, (InvalidInput, RuleViolation)) and "decided_on" in str(e):
            self.errors["decided_on"] = MESSAGES["date"]
        elif isinstance(e, InvalidInput):
            place_refusal(self.record, self.record.record(), e)
        else:
            self.errors["bid_id"] = MESSAGES["refused"]
            self.record.detail = str(e)


@dataclass
class ContractForm:
    """The contract of an awarded lot: its value and period, and when it was signed."""

    lot_code: str = ""
    value: str = ""
    starts_on: str = ""
    ends_on: str = ""
    signed_on: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    detail: str = ""

    @classmethod
    def of(cls, data: Any) -> ContractForm:
        form = cls()
        for name in ("lot_code", "value", "starts_on", "ends_on", "signed_on"):
            setattr(form, name, str(data.get(name, "")).strip())
        return form

    def terms(self, currency: str) -> ContractTerms | None:
        """The contract's terms, or None with the errors filled in."""
        value: Money | None = None
        try:
            value = Money(Decimal(self.value.replace(" ", "").replace(",", ".")), currency)
        except (InvalidOperation, InvalidInput):
            self.errors["value"] = MESSAGES["value"]
        start, end, signed = _day(self.starts_on), _day(self.ends_on), _day(self.signed_on)
        for name, day in (("starts_on", start), ("ends_on", end), ("signed_on", signed)):
            if day is None:
                self.errors[name] = MESSAGES["date"]
        if value is None or start is None or end is None or signed is None:
            return None
        return ContractTerms(self.lot_code, value, start, end, signed)

    def place(self, e: Exception) -> None:
        rule = getattr(e, "rule", "")
        field_name = getattr(e, "field", "")
        if rule == "standstill":
            self.errors["signed_on"] = MESSAGES["standstill_running"]
        elif field_name == "ends_on":
            self.errors["ends_on"] = MESSAGES["period"]
        elif field_name in ("value", "approved"):
            self.errors["value"] = MESSAGES["value"]
        elif field_name in ("signed_on", "starts_on"):
            self.errors[field_name] = MESSAGES["date"]
        else:
            self.errors["lot_code"] = MESSAGES["refused"]
            self.detail = str(e)
