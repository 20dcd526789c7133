"""Build a sample instance of any event class from its type hints, for round-trip tests.

Generated rather than hand-written so a new event type is covered the moment it exists.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from coprod.domain.values import Money

PSEUDONYM = "ab" * 32


def _value_for(tp: Any, field: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        return _value_for(non_none[0], field)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_value_for(args[0], field),)
        return tuple(_value_for(a, field) for a in args)
    if tp is str:
        if "url" in field or "link" in field:
            return "https://example.org/evidence/1"
        if "pseudonym" in field:
            return PSEUDONYM
        if field in ("currency",):
            return "DKK"
        if field == "code" or field.endswith("_code"):
            return "sample-code"  # codes are slugs (lowercase, digits, inner hyphens)
        return f"sample {field} ÆØÅ"
    if tp is bool:
        return True
    if tp is int:
        return 7
    if tp is Decimal:
        return Decimal("12.50")
    if tp is uuid.UUID:
        return uuid.uuid4()
    if tp is datetime:
        return datetime(2026, 5, 17, 12, 30, tzinfo=UTC)
    if tp is date:
        return date(2026, 5, 17)
    if tp is Money:
        return Money(Decimal("1234.56"), "DKK")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return list(tp)[-1]
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return sample_dataclass(tp)
    raise TypeError(f"no sample for {tp!r} (field {field})")


SPECIAL: dict[str, Any] = {}


def sample_dataclass(cls: type) -> Any:
    """A valid instance of a value object; classes whose rules reject naive values get a recipe."""
    if cls.__name__ in SPECIAL:
        return SPECIAL[cls.__name__]()
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _value_for(hints[f.name], f.name) for f in dataclasses.fields(cls)}
    return cls(**kwargs)


def sample_event(event_cls: type) -> Any:
    """An event instance with every field filled (optional ones too, so nothing goes untested)."""
    hints = typing.get_type_hints(event_cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(event_cls):
        if f.name in ("originator_id", "originator_version", "timestamp"):
            continue
        if f.name == "originator_topic":
            kwargs[f.name] = "coprod.sample:Aggregate"
            continue
        kwargs[f.name] = _value_for(hints[f.name], f.name)
    return event_cls(
        originator_id=uuid.uuid4(),
        originator_version=1,
        timestamp=datetime.now(tz=UTC),
        **kwargs,
    )


def _voting_rules() -> Any:
    from coprod.domain.voting import VoteMethod, VotingRules

    return VotingRules(
        VoteMethod.KNAPSACK, max_choices=5, budget_limit=Money(Decimal("500000"), "DKK")
    )


def _selection_rule() -> Any:
    from coprod.domain.voting import SelectionRule

    return SelectionRule("mes_cost", completion="add1", min_votes=10)


def _phase_dates() -> Any:
    from coprod.domain.phases import Phase
    from coprod.domain.process import PhaseDates

    return PhaseDates(Phase.VOTE, date(2026, 9, 1), date(2026, 9, 30))


SPECIAL.update(VotingRules=_voting_rules, SelectionRule=_selection_rule, PhaseDates=_phase_dates)


def _group_share() -> Any:
    from coprod.domain.parameters import GroupShare

    return GroupShare("sample group ÆØÅ", Decimal("0.25"))


def _area_quintile() -> Any:
    from coprod.domain.parameters import AreaQuintile

    return AreaQuintile("sample area ÆØÅ", 2)


SPECIAL.update(GroupShare=_group_share, AreaQuintile=_area_quintile)


def deep_types(value: Any) -> Any:
    """A structure mirroring `value` with the type of every leaf, to compare types exactly."""
    if isinstance(value, tuple):
        return ("tuple", tuple(deep_types(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value),
            {f.name: deep_types(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    return type(value)
