"""The timeline's field values as evaluators read them, and the shapes of a row's changes and links."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from coprod.domain.decision import DecisionRecord
from coprod.domain.values import Money

#: One changed field: (field, before, after), each as text.
Change = tuple[str, str | None, str | None]
#: One link: (relation, kind, id).
LinkRow = tuple[str, str, str]


def as_text(value: Any) -> str | None:
    """A field value as evaluators read it: exact, unit-bearing, the same on both backends."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(t for t in (as_text(v) for v in value) if t is not None)
    return str(value)


def record_fields(record: DecisionRecord | None) -> dict[str, Any]:
    """A decision record flattened to fields, so a correction shows which element changed."""
    if record is None:
        return {
            "record.legal_basis": None,
            "record.main_considerations": None,
            "record.facts_relied_on": None,
            "record.complaints": None,
            "record.no_appeal_statement": None,
        }
    complaints = record.complaints
    return {
        "record.legal_basis": record.legal_basis or None,
        "record.main_considerations": record.main_considerations or None,
        "record.facts_relied_on": record.facts_relied_on or None,
        "record.complaints": None
        if complaints is None
        else f"{complaints.body}: {complaints.procedure} (within {complaints.deadline_days} days)",
        "record.no_appeal_statement": record.no_appeal_statement,
    }
