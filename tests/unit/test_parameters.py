"""Census shares, volunteer rates, the disclosure threshold and match funding on the write side."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from coprod.application import Coprod
from coprod.application.commands.parameters import LoadCensusShares, LoadVolunteerRates
from coprod.application.commands.processes import OpenProcess, SetDisclosureThreshold
from coprod.application.commands.projects import CancelProject, RecordMatchFunding
from coprod.domain.errors import AlreadyExists, InvalidInput, RuleViolation, StaleVersion
from coprod.domain.parameters import (
    DEFAULT_RATES,
    AreaQuintile,
    CensusDimension,
    CensusShares,
    GroupShare,
    VolunteerRates,
)
from coprod.domain.process import DEFAULT_DISCLOSURE_K
from coprod.domain.project import Project
from coprod.domain.values import Actor, Money, Role

SEX = (GroupShare("female", Decimal("0.51")), GroupShare("male", Decimal("0.49")))
QUINTILE_SHARES = tuple(GroupShare(q, Decimal("0.2")) for q in "12345")


def test_each_census_load_is_a_new_version_of_one_stream(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    first = app.load_census_shares(
        LoadCensusShares(
            council_id=council_id,
            dimension=CensusDimension.SEX,
            shares=SEX,
            source="DST 2024",
            reference_year=2024,
        ),
        officer,
    )
    second = app.load_census_shares(
        LoadCensusShares(
            council_id=council_id,
            dimension=CensusDimension.SEX,
            shares=(GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.5"))),
            source="DST 2025",
            reference_year=2025,
            expected_version=first.version,
        ),
        officer,
    )
    assert (
        second.aggregate_id
        == first.aggregate_id
        == CensusShares.create_id(council_id, CensusDimension.SEX)
    )
    assert (first.version, second.version) == (2, 3)
    census = app.get_census_shares(council_id, CensusDimension.SEX)
    assert census.source == "DST 2025"
    assert census.reference_year == 2025
    assert census.shares[0] == GroupShare("female", Decimal("0.5"))
    with pytest.raises(StaleVersion):
        app.load_census_shares(
            LoadCensusShares(
                council_id=council_id,
                dimension=CensusDimension.SEX,
                shares=SEX,
                source="x",
                reference_year=2024,
                expected_version=2,
            ),
            officer,
        )


@pytest.mark.parametrize(
    ("shares", "field"),
    [
        ((GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.498"))), "shares"),
        ((GroupShare("female", Decimal("0.6")), GroupShare("male", Decimal("0.402"))), "shares"),
        ((GroupShare("female", Decimal("0.5")), GroupShare("female", Decimal("0.5"))), "shares"),
        ((GroupShare("woman", Decimal("0.5")), GroupShare("male", Decimal("0.5"))), "shares"),
        ((), "shares"),
    ],
)
def test_shares_that_do_not_describe_one_population_are_refused(
    app: Coprod, officer: Actor, council_id: uuid.UUID, shares: tuple[GroupShare, ...], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        app.load_census_shares(
            LoadCensusShares(
                council_id=council_id,
                dimension=CensusDimension.SEX,
                shares=shares,
                source="src",
                reference_year=2024,
            ),
            officer,
        )
    assert raised.value.field == field
    assert not app.exists(CensusShares.create_id(council_id, CensusDimension.SEX))


def test_shares_within_the_rounding_tolerance_are_accepted(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    shares = (GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.5009")))
    app.load_census_shares(
        LoadCensusShares(
            council_id=council_id,
            dimension=CensusDimension.SEX,
            shares=shares,
            source="src",
            reference_year=2024,
        ),
        officer,
    )


def test_a_share_must_be_a_decimal_between_0_and_1() -> None:
    with pytest.raises(InvalidInput, match="Decimal"):
        GroupShare("male", 0.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        GroupShare("male", Decimal("1.2"))


def test_deprivation_quintiles_need_the_area_mapping_and_only_they_carry_one(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    dep = CensusDimension.DEPRIVATION_QUINTILE
    with pytest.raises(InvalidInput) as raised:
        app.load_census_shares(
            LoadCensusShares(
                council_id=council_id,
                dimension=dep,
                shares=QUINTILE_SHARES,
                source="IMD",
                reference_year=2019,
            ),
            officer,
        )
    assert raised.value.field == "area_quintiles"
    mapping = (AreaQuintile("north", 1), AreaQuintile("west", 5))
    app.load_census_shares(
        LoadCensusShares(
            council_id=council_id,
            dimension=dep,
            shares=QUINTILE_SHARES,
            source="IMD",
            reference_year=2019,
            area_quintiles=mapping,
        ),
        officer,
    )
    assert app.get_census_shares(council_id, dep).area_quintiles == mapping
    with pytest.raises(InvalidInput) as raised:
        app.load_census_shares(
            LoadCensusShares(
                council_id=council_id,
                dimension=CensusDimension.SEX,
                shares=SEX,
                source="x",
                reference_year=2024,
                area_quintiles=mapping,
            ),
            officer,
        )
    assert raised.value.field == "area_quintiles"
    with pytest.raises(InvalidInput, match="1 to 5"):
        AreaQuintile("north", 6)


def test_only_an_officer_loads_parameters(app: Coprod, council_id: uuid.UUID) -> None:
    resident = Actor(uuid.uuid4(), Role.RESIDENT)
    with pytest.raises(RuleViolation, match="council officer"):
        app.load_census_shares(
            LoadCensusShares(
                council_id=council_id,
                dimension=CensusDimension.SEX,
                shares=SEX,
                source="src",
                reference_year=2024,
            ),
            resident,
        )
    with pytest.raises(RuleViolation, match="council officer"):
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(100),
                central=_dkk(200),
                upper=_dkk(300),
                source="src",
                reference_year=2024,
            ),
            resident,
        )


def _dkk(n: int) -> Money:
    return Money.of(n, "DKK")


def test_volunteer_rates_are_versioned_ordered_and_in_one_currency(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    receipt = app.load_volunteer_rates(
        LoadVolunteerRates(
            council_id=council_id,
            floor=_dkk(180),
            central=_dkk(200),
            upper=_dkk(327),
            source="SDU/DGI",
            reference_year=2013,
        ),
        officer,
    )
    assert receipt.aggregate_id == VolunteerRates.create_id(council_id, "DKK")
    app.load_volunteer_rates(
        LoadVolunteerRates(
            council_id=council_id,
            floor=_dkk(190),
            central=_dkk(210),
            upper=_dkk(330),
            source="DST",
            reference_year=2016,
        ),
        officer,
    )
    rates = app.get_volunteer_rates(council_id, "DKK").rates
    assert rates is not None
    assert rates.central == _dkk(210)
    assert rates.source == "DST"
    with pytest.raises(InvalidInput) as raised:
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(300),
                central=_dkk(200),
                upper=_dkk(400),
                source="s",
                reference_year=2020,
            ),
            officer,
        )
    assert raised.value.field == "central"
    with pytest.raises(InvalidInput) as raised:
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(100),
                central=_dkk(200),
                upper=_dkk(150),
                source="s",
                reference_year=2020,
            ),
            officer,
        )
    assert raised.value.field == "upper"
    with pytest.raises(InvalidInput):
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(100),
                central=Money.of(200, "EUR"),
                upper=_dkk(300),
                source="s",
                reference_year=2020,
            ),
            officer,
        )
    with pytest.raises(InvalidInput) as raised:
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(100),
                central=_dkk(200),
                upper=_dkk(300),
                source="s",
                reference_year=1700,
            ),
            officer,
        )
    assert raised.value.field == "reference_year"
    with pytest.raises(InvalidInput) as raised:
        app.load_volunteer_rates(
            LoadVolunteerRates(
                council_id=council_id,
                floor=_dkk(100),
                central=_dkk(200),
                upper=_dkk(300),
                source=" ",
                reference_year=2020,
            ),
            officer,
        )
    assert raised.value.field == "source"


def test_default_rates_are_the_domain_brief_figures_with_sources() -> None:
    assert DEFAULT_RATES["DKK"].floor == _dkk(200)
    assert DEFAULT_RATES["DKK"].upper == _dkk(327)
    assert DEFAULT_RATES["GBP"].floor == Money.of("11.44", "GBP")
    assert DEFAULT_RATES["GBP"].central == Money.of("18.64", "GBP")
    assert DEFAULT_RATES["USD"].central == Money.of("31.80", "USD")
    for rates in DEFAULT_RATES.values():
        assert rates.floor <= rates.central <= rates.upper
        assert rates.source
        assert 2000 < rates.reference_year < 2030


def _process(app: Coprod, officer: Actor, council_id: uuid.UUID) -> uuid.UUID:
    return app.open_process(
        OpenProcess(
            council_id=council_id, code=f"p-{uuid.uuid4().hex[:6]}", name="P", currency="DKK"
        ),
        officer,
    ).aggregate_id


def test_disclosure_threshold_defaults_to_5_and_never_goes_below_3(
    app: Coprod, officer: Actor, council_id: uuid.UUID
) -> None:
    pid = _process(app, officer, council_id)
    assert app.get_process(pid).disclosure_k == DEFAULT_DISCLOSURE_K == 5
    app.set_disclosure_threshold(SetDisclosureThreshold(process_id=pid, k=10), officer)
    assert app.get_process(pid).disclosure_k == 10
    for bad in (2, 0, -5):
        with pytest.raises(InvalidInput) as raised:
            app.set_disclosure_threshold(SetDisclosureThreshold(process_id=pid, k=bad), officer)
        assert raised.value.field == "k"
    with pytest.raises(InvalidInput):
        app.set_disclosure_threshold(SetDisclosureThreshold(process_id=pid, k=5.0), officer)  # type: ignore[arg-type]
    app.set_disclosure_threshold(SetDisclosureThreshold(process_id=pid, k=3), officer)
    assert app.get_process(pid).disclosure_k == 3


def test_match_funding_is_recorded_once_per_id_in_the_project_currency(
    memory_app: Coprod, officer: Actor
) -> None:
    assert officer.organisation_id is not None
    process = memory_app.open_process(
        OpenProcess(council_id=officer.organisation_id, code="pb", name="PB", currency="DKK"),
        officer,
    )
    project = Project.fund(
        officer, process.aggregate_id, uuid.uuid4(), uuid.uuid4(), "Pocket park", _dkk(100_000)
    )
    project_id = memory_app.commit(project).aggregate_id
    funding = uuid.uuid4()
    memory_app.record_match_funding(
        RecordMatchFunding(
            project_id=project_id,
            source="Lokale og Anlægsfonden",
            amount=_dkk(50_000),
            received_on=date(2026, 3, 1),
            funding_id=funding,
        ),
        officer,
    )
    assert memory_app.get_project(project_id).match_funding == {funding: _dkk(50_000)}
    with pytest.raises(AlreadyExists):
        memory_app.record_match_funding(
            RecordMatchFunding(
                project_id=project_id,
                source="again",
                amount=_dkk(1),
                received_on=date(2026, 3, 1),
                funding_id=funding,
            ),
            officer,
        )
    with pytest.raises(InvalidInput) as raised:
        memory_app.record_match_funding(
            RecordMatchFunding(
                project_id=project_id, source="x", amount=_dkk(0), received_on=date(2026, 3, 1)
            ),
            officer,
        )
    assert raised.value.field == "amount"
    with pytest.raises(InvalidInput):
        memory_app.record_match_funding(
            RecordMatchFunding(
                project_id=project_id,
                source="x",
                amount=Money.of(5, "EUR"),
                received_on=date(2026, 3, 1),
            ),
            officer,
        )
    with pytest.raises(InvalidInput) as raised:
        memory_app.record_match_funding(
            RecordMatchFunding(
                project_id=project_id, source="", amount=_dkk(5), received_on=date(2026, 3, 1)
            ),
            officer,
        )
    assert raised.value.field == "source"
    memory_app.cancel_project(CancelProject(project_id=project_id, reason="no site"), officer)
    with pytest.raises(RuleViolation, match="cancelled"):
        memory_app.record_match_funding(
            RecordMatchFunding(
                project_id=project_id, source="late", amount=_dkk(5), received_on=date(2026, 4, 1)
            ),
            officer,
        )
