"""The embedded and production stores behave the same for the process lifecycle."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess, SetBudget, SetEligiblePopulation
from coprod.domain.errors import AlreadyExists, StaleVersion
from coprod.domain.process import Process
from coprod.domain.values import Actor, Money


def test_process_survives_a_restart(store_url: str, officer: Actor, council_id: uuid.UUID) -> None:
    with Coprod(parse_database_url(store_url)) as first:
        receipt = first.open_process(
            OpenProcess(council_id=council_id, code="pb-2027", name="PB 2027", currency="DKK"),
            officer,
        )
        first.set_budget(
            SetBudget(process_id=receipt.aggregate_id, pot=Money.of("2500000.50", "DKK")), officer
        )
    with Coprod(parse_database_url(store_url)) as second:
        process = second.load(Process, receipt.aggregate_id)
    assert process.pot == Money(Decimal("2500000.50"), "DKK")
    assert type(process.pot.amount) is Decimal
    assert process.version == 2


def test_repeated_create_is_detected(
    store_app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    store_app.open_process(
        OpenProcess(council_id=council_id, code="pb-2027", name="PB 2027", currency="DKK"), officer
    )
    with pytest.raises(AlreadyExists, match="already exists"):
        store_app.open_process(
            OpenProcess(
                council_id=council_id, code="pb-2027", name="PB 2027 again", currency="DKK"
            ),
            officer,
        )
    assert store_app.recorder.max_notification_id() == 1


def test_stale_write_is_refused(store_app: Coprod, officer: Actor, council_id: uuid.UUID) -> None:
    pid = store_app.open_process(
        OpenProcess(council_id=council_id, code="pb-2027", name="PB 2027", currency="DKK"), officer
    ).aggregate_id
    store_app.set_eligible_population(
        SetEligiblePopulation(process_id=pid, eligible=1000, expected_version=1), officer
    )
    with pytest.raises(StaleVersion, match="expected version 1, it is at version 2"):
        store_app.set_eligible_population(
            SetEligiblePopulation(process_id=pid, eligible=2000, expected_version=1), officer
        )
    assert store_app.load(Process, pid).eligible == 1000
