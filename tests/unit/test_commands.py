"""Every use case takes one command value: frozen, keyword-only, named fields (issue 12).

A command is what a door (HTTP, CLI, web page, demo) hands the application; making it
immutable and keyword-only means a caller cannot change it after the policy judged it and
cannot pass a value in the wrong position. The handler of ``SetBudget`` is
``app.set_budget``: the test checks that every command has its handler, taking the command
and the actor, so no use case is left with a long positional signature.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import uuid
from decimal import Decimal

import pytest

import coprod.application.commands as commands_package
from coprod.application import Coprod
from coprod.application.commands import Command
from coprod.application.commands.parameters import LoadCensusShares, LoadVolunteerRates
from coprod.domain.errors import NotAllowed
from coprod.domain.parameters import CensusDimension, GroupShare
from coprod.domain.values import Actor, Money, Role


def _all_commands() -> list[type[Command]]:
    for module in pkgutil.iter_modules(commands_package.__path__):
        importlib.import_module(f"{commands_package.__name__}.{module.name}")
    found: list[type[Command]] = []
    stack = list(Command.__subclasses__())
    while stack:
        kind = stack.pop()
        found.append(kind)
        stack.extend(kind.__subclasses__())
    return sorted(found, key=lambda k: k.__name__)


COMMANDS = _all_commands()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_the_commands_cover_every_area() -> None:
    modules = {kind.__module__.rsplit(".", 1)[-1] for kind in COMMANDS}
    assert {"contributions", "ballots", "people", "parameters", "processes"} <= modules
    assert len(COMMANDS) >= 50


@pytest.mark.parametrize("kind", COMMANDS, ids=lambda k: k.__name__)
def test_a_command_is_frozen_keyword_only_and_has_its_handler(kind: type[Command]) -> None:
    params = dataclasses.fields(kind)  # type: ignore[arg-type]
    assert kind.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert all(field.kw_only for field in params), f"{kind.__name__} has positional fields"
    handler = getattr(Coprod, _snake(kind.__name__), None)
    assert handler is not None, f"no app.{_snake(kind.__name__)} for {kind.__name__}"
    signature = list(inspect.signature(handler).parameters)
    assert signature == ["self", "command", "actor"], f"{handler.__name__}{signature}"


def test_a_command_cannot_be_changed_once_made() -> None:
    command = LoadVolunteerRates(
        council_id=uuid.uuid4(),
        floor=Money.of("100", "DKK"),
        central=Money.of("150", "DKK"),
        upper=Money.of("200", "DKK"),
        source="s",
        reference_year=2024,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.source = "another"  # type: ignore[misc]
    with pytest.raises(TypeError):
        LoadVolunteerRates(uuid.uuid4())  # type: ignore[misc]


def test_another_councils_officer_loads_no_parameters(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    """The handler applies the policy (403) for every door, before anything is recorded."""
    other = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    before = app.recorder.max_notification_id() or 0
    shares = (GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.5")))
    census = LoadCensusShares(
        council_id=council_id,
        dimension=CensusDimension.SEX,
        shares=shares,
        source="DST",
        reference_year=2024,
    )
    with pytest.raises(NotAllowed, match="another council's"):
        app.load_census_shares(census, other)
    rates = LoadVolunteerRates(
        council_id=council_id,
        floor=Money.of("100", "DKK"),
        central=Money.of("150", "DKK"),
        upper=Money.of("200", "DKK"),
        source="s",
        reference_year=2024,
    )
    with pytest.raises(NotAllowed, match="another council's"):
        app.load_volunteer_rates(rates, other)
    assert (app.recorder.max_notification_id() or 0) == before
    assert app.load_census_shares(census, officer).version == 2
