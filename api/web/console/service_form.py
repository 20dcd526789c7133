"""The form that starts a co-commissioned service: the need, defined with residents, and
its tender, with up to three lots, up to three quality criteria and an optional price criterion.

It parses what the officer typed into the domain's own values and asks the domain to check
them all (the need's rules, the tender's weights, deadline and value) before anything is
recorded, so a refused form writes nothing; each refusal is placed next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from api.web.i18n import N_
from coprod.domain.commissioning import NeedDefinition, ServiceNeed
from coprod.domain.commissioning_terms import (
    Criterion,
    CriterionKind,
    Lot,
    ParticipantGroup,
    Participation,
    require_participation,
)
from coprod.domain.errors import CoprodError, InvalidInput
from coprod.domain.tender_checks import TenderTerms, check_tender
from coprod.domain.values import Actor, Money

__all__ = ["GROUP_FIELDS", "LOT_FIELDS", "MESSAGES", "ServiceForm"]

#: The lots' titles: the first is the tender's own title when left empty, the others optional.
LOT_FIELDS = ("lot_title", "lot_title_2", "lot_title_3")
#: The participant groups asked for, as (form field, group).
GROUP_FIELDS = tuple((f"people_{g.value}", g) for g in ParticipantGroup)
_TEXT = ("need_code", "need_title", "need_description", "defined_on", "tender_code")
_TEXT2 = ("tender_title", *LOT_FIELDS, "scale", "deadline", "estimated_value", "price_weight")
_CRITERIA = tuple((f"criterion_{i}", f"weight_{i}") for i in (1, 2, 3))
MESSAGES = {
    "code": N_("Use lowercase letters, digits and single hyphens, like youth-club."),
    "text": N_("Fill this in (one line, up to 200 characters)."),
    "people": N_(
        "Give how many people of each group took part; a need is defined with residents or "
        "service users."
    ),
    "date": N_("Give a real date, today or earlier."),
    "deadline": N_("Give the bid deadline: a date after today."),
    "weights": N_("Give each criterion a weight; with the price, the weights add up to 100."),
    "value": N_("Give the estimated value as a number, like 450000.00."),
    "scale": N_("Give the top score as a whole number from 1 to 100."),
    "exists": N_("A need or tender with this code exists already: choose another code."),
}
_FIELD_OF = {
    "code": "need_code",
    "slug": "need_code",
    "title": "need_title",
    "description": "need_description",
    "participants": "people",
    "participants.count": "people",
    "defined_on": "defined_on",
    "criteria": "criteria",
    "criterion.weight": "criteria",
    "criterion.title": "criteria",
    "scale": "scale",
    "deadline": "deadline",
    "estimated_value": "estimated_value",
    "lots": "lot_title",
    "lot.title": "lot_title",
}


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass
class ServiceForm:
    """What the officer typed, kept on a refusal, and the messages by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Any) -> ServiceForm:
        names = [*_TEXT, *_TEXT2, *(f for f, _ in GROUP_FIELDS)]
        names += [n for pair in _CRITERIA for n in pair]
        return cls({n: str(data.get(n, "")).strip() for n in names})

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def parsed(self, actor: Actor, owner: tuple[UUID, UUID], now: datetime, currency: str) -> Any:
        """(need, terms) checked by the domain, or None with the errors placed."""
        need = self._need()
        terms = self._terms(currency)
        if need is not None:
            try:  # each rule apart, so that every field's refusal shows at once
                require_participation(need.participants, residents_needed=True)
            except InvalidInput as e:
                self.place(e, need_side=True)
            try:
                ServiceNeed.define(actor, owner[0], owner[1], need)  # the need's rules, unsaved
            except InvalidInput as e:
                if e.field != "participants":
                    self.place(e, need_side=True)
        if terms is not None:
            try:
                check_tender(terms, now)
            except InvalidInput as e:
                self.place(e, need_side=False)
        if need is None or terms is None:
            return None
        return None if self.errors else (need, terms)

    def _need(self) -> NeedDefinition | None:
        people = []
        for name, group in GROUP_FIELDS:
            text = self.get(name)
            if text and not text.isdigit():
                self.errors["people"] = MESSAGES["people"]
            elif text and int(text) > 0:
                people.append(Participation(group, int(text)))
        try:
            defined_on = date.fromisoformat(self.get("defined_on"))
        except ValueError:
            self.errors["defined_on"] = MESSAGES["date"]
            return None
        return NeedDefinition(
            self.get("need_code"),
            self.get("need_title"),
            self.get("need_description"),
            tuple(people),
            defined_on,
        )

    def _terms(self, currency: str) -> TenderTerms | None:
        criteria = self._criteria()
        value = _decimal(self.get("estimated_value"))
        if value is None:
            self.errors["estimated_value"] = MESSAGES["value"]
        if not self.get("scale").isdigit():
            self.errors["scale"] = MESSAGES["scale"]
        try:
            day = date.fromisoformat(self.get("deadline"))
        except ValueError:
            self.errors["deadline"] = MESSAGES["deadline"]
            return None
        lots = self._lots()
        if criteria is None or value is None or lots is None or "scale" in self.errors:
            return None
        deadline = datetime.combine(day, time(23, 59), UTC)
        money = Money(value, currency)
        return TenderTerms(
            self.get("tender_code"),
            self.get("tender_title"),
            lots,
            criteria,
            int(self.get("scale")),
            deadline,
            money,
        )

    def _lots(self) -> tuple[Lot, ...] | None:
        """The lots typed, each checked apart so a refusal shows next to its own field.

        A tender of one lot keeps the code ``main`` (as before lots could be added here);
        several are ``lot-1``, ``lot-2``, ``lot-3``, in the order typed.
        """
        typed = [(name, self.get(name)) for name in LOT_FIELDS]
        given = [(name, title) for name, title in typed[1:] if title]
        first = typed[0][1] or self.get("tender_title")
        if not given:
            return self._checked_lots([("main", LOT_FIELDS[0], first)])
        named = [(LOT_FIELDS[0], first), *given]
        return self._checked_lots([(f"lot-{i}", n, t) for i, (n, t) in enumerate(named, 1)])

    def _checked_lots(self, lots: list[tuple[str, str, str]]) -> tuple[Lot, ...] | None:
        found = []
        for code, name, title in lots:
            try:
                found.append(Lot(code, title))
            except InvalidInput:
                self.errors[name] = MESSAGES["text"]
        return None if len(found) < len(lots) else tuple(found)

    def _criteria(self) -> tuple[Criterion, ...] | None:
        found = []
        try:
            for i, (title_field, weight_field) in enumerate(_CRITERIA, start=1):
                title, weight = self.get(title_field), _decimal(self.get(weight_field))
                if title and weight is not None:
                    found.append(Criterion(f"criterion-{i}", title, weight))
                elif title or self.get(weight_field):
                    raise InvalidInput("criteria", "a criterion needs a title and a weight")
            price = self.get("price_weight")
            if price:
                weight = _decimal(price)
                if weight is None:
                    raise InvalidInput("criteria", "the price weight is not a number")
                found.append(Criterion("price", "Price", weight, CriterionKind.PRICE))
        except (InvalidInput, CoprodError):
            self.errors["criteria"] = MESSAGES["weights"]
            return None
        return tuple(found)

    def place(self, e: InvalidInput, *, need_side: bool) -> None:
        """Put a refusal next to its field (a code or title of the tender on the tender's)."""
        name = _FIELD_OF.get(e.field, "need_title")
        if not need_side and name in ("need_code", "need_title"):
            name = "tender_code" if name == "need_code" else "tender_title"
        key = {
            "need_code": "code",
            "tender_code": "code",
            "people": "people",
            "defined_on": "date",
            "criteria": "weights",
            "scale": "scale",
            "deadline": "deadline",
            "estimated_value": "value",
        }.get(name, "text")
        self.errors[name] = MESSAGES[key]
