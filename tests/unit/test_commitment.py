"""Community commitments and the work logged against them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.contributions import (
    DisputeContribution,
    LogContribution,
    MakeCommitment,
    MarkCommitmentLapsed,
    MarkCommitmentMet,
    VerifyContribution,
)
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import OpenProcess
from coprod.domain.aggregate import natural_id
from coprod.domain.commitment import (
    Commitment,
    Contribution,
    CoproductionLevel,
    CoproductionPhase,
    InKindAsset,
    Pledge,
    WorkLog,
)
from coprod.domain.errors import AlreadyExists, InvalidInput, NotFound, RuleViolation, StaleVersion
from coprod.domain.organisation import OrganisationKind
from coprod.domain.project import Project
from coprod.domain.values import Actor, Money, Role

TODAY = date(2027, 5, 10)
DELIVERY = CoproductionPhase.CO_DELIVERY
GROUP = CoproductionLevel.GROUP
VAN = InKindAsset("use of a van for two weekends", Money.of("1500", "DKK"))


@pytest.fixture
def group_id(app: Coprod, officer: Actor) -> uuid.UUID:
    return app.register_organisation(
        RegisterOrganisation(
            slug="gardeners", kind=OrganisationKind.COMMUNITY_GROUP, display_name="Gardeners"
        ),
        officer,
    ).aggregate_id


@pytest.fixture
def volunteer(group_id: uuid.UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, group_id)


@pytest.fixture
def project_id(app: Coprod, officer: Actor, council_id: uuid.UUID) -> uuid.UUID:
    # A project of a real process of the officer's council (the policy asks whose it is);
    # the decision behind it is not needed by commitments, so it is stored straight away.
    process = app.open_process(
        OpenProcess(council_id=council_id, code="pb-2027", name="PB 2027", currency="DKK"), officer
    ).aggregate_id
    project = Project.fund(
        officer, process, uuid.uuid4(), uuid.uuid4(), "Benches", Money.of("1000", "DKK")
    )
    return app.commit(project).aggregate_id


@pytest.fixture
def commitment_id(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID, project_id: uuid.UUID
) -> uuid.UUID:
    return app.make_commitment(
        MakeCommitment(
            organisation_id=group_id,
            project_id=project_id,
            phase=DELIVERY,
            level=GROUP,
            pledged_hours=Decimal("40"),
        ),
        volunteer,
    ).aggregate_id


def _log(
    app: Coprod,
    actor: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
    **overrides: Any,
) -> uuid.UUID:
    kwargs: dict[str, Any] = {
        "hours": Decimal("6.5"),
        "people_count": 3,
        "phase": DELIVERY,
        "level": GROUP,
        "worked_on": TODAY,
        "today": TODAY,
    }
    kwargs.update(overrides)
    return app.log_contribution(
        LogContribution(
            commitment_id=commitment_id, organisation_id=group_id, project_id=project_id, **kwargs
        ),
        actor,
    ).aggregate_id


# -- commitments ------------------------------------------------------------------------------


def test_make_commitment_with_hours(
    app: Coprod, commitment_id: uuid.UUID, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    commitment = app.get_commitment(commitment_id)
    assert commitment.organisation_id == group_id
    assert commitment.project_id == project_id
    assert commitment.phase is DELIVERY
    assert commitment.level is GROUP
    assert commitment.pledged_hours == Decimal("40")
    assert commitment.in_kind is None
    assert commitment.status == "open"


def test_commitment_may_pledge_in_kind_or_both(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    only_van = app.make_commitment(
        MakeCommitment(
            organisation_id=group_id,
            project_id=project_id,
            phase=DELIVERY,
            level=GROUP,
            in_kind=VAN,
        ),
        volunteer,
    )
    assert app.get_commitment(only_van.aggregate_id).in_kind == VAN
    both = app.make_commitment(
        MakeCommitment(
            organisation_id=group_id,
            project_id=project_id,
            phase=DELIVERY,
            level=GROUP,
            pledged_hours=Decimal("10"),
            in_kind=VAN,
        ),
        volunteer,
    )
    commitment = app.get_commitment(both.aggregate_id)
    assert (commitment.pledged_hours, commitment.in_kind) == (Decimal("10"), VAN)


def test_commitment_of_nothing_is_refused(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match="pledge hours, an in-kind asset, or both"):
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id, project_id=project_id, phase=DELIVERY, level=GROUP
            ),
            volunteer,
        )
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal(0), "pledged_hours: must be a positive number of hours, got 0"),
        (Decimal(-3), "pledged_hours: must be a positive number of hours, got -3"),
        (Decimal("NaN"), "pledged_hours: must be a positive number of hours"),
        (2.5, "pledged_hours: must be a Decimal, not float"),
    ],
)
def test_bad_pledged_hours_are_refused(
    app: Coprod,
    volunteer: Actor,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
    hours: Any,
    message: str,
) -> None:
    with pytest.raises(InvalidInput, match=message):
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id,
                project_id=project_id,
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=hours,
            ),
            volunteer,
        )


def test_in_kind_asset_is_validated() -> None:
    with pytest.raises(InvalidInput, match="fair_value: must be positive"):
        InKindAsset("a hall", Money.of("0", "DKK"))
    with pytest.raises(InvalidInput, match="description: must not be empty"):
        InKindAsset("  ", Money.of("10", "DKK"))


def test_commitment_needs_a_community_group(
    app: Coprod, officer: Actor, project_id: uuid.UUID
) -> None:
    council = app.register_organisation(
        RegisterOrganisation(
            slug="copenhagen", kind=OrganisationKind.COUNCIL, display_name="Copenhagen"
        ),
        officer,
    ).aggregate_id
    with pytest.raises(RuleViolation, match="only a community group makes commitments") as err:
        app.make_commitment(
            MakeCommitment(
                organisation_id=council,
                project_id=project_id,
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            officer,
        )
    assert err.value.rule == "community-group-only"
    with pytest.raises(NotFound, match="no organisation with id"):
        app.make_commitment(
            MakeCommitment(
                organisation_id=uuid.uuid4(),
                project_id=project_id,
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            officer,
        )


def test_commitment_needs_an_existing_project(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID
) -> None:
    with pytest.raises(NotFound, match="no project with id"):
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id,
                project_id=uuid.uuid4(),
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            volunteer,
        )


def test_a_member_commits_only_their_own_group(
    app: Coprod, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    outsider = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())
    with pytest.raises(RuleViolation, match="only for their own group") as err:
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id,
                project_id=project_id,
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            outsider,
        )
    assert err.value.rule == "own-group"
    resident = Actor(uuid.uuid4(), Role.RESIDENT)
    with pytest.raises(RuleViolation, match="the resident role cannot make a commitment") as err:
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id,
                project_id=project_id,
                phase=DELIVERY,
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            resident,
        )
    assert err.value.rule == "permission"


def test_phase_and_level_must_be_the_enums(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    with pytest.raises(InvalidInput, match="phase: 'co_delivery' is not one of"):
        app.make_commitment(
            MakeCommitment(
                organisation_id=group_id,
                project_id=project_id,
                phase="co_delivery",
                level=GROUP,
                pledged_hours=Decimal(1),
            ),
            volunteer,
        )


def test_commitment_met(
    app: Coprod, volunteer: Actor, officer: Actor, commitment_id: uuid.UUID
) -> None:
    with pytest.raises(RuleViolation, match="a group cannot certify its own pledge") as err:
        app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment_id), volunteer)
    assert err.value.rule == "permission"
    receipt = app.mark_commitment_met(
        MarkCommitmentMet(commitment_id=commitment_id, expected_version=1), officer
    )
    assert receipt.version == 2
    assert app.get_commitment(commitment_id).status == "met"
    with pytest.raises(RuleViolation, match="already met; cannot mark it lapsed") as err:
        app.mark_commitment_lapsed(
            MarkCommitmentLapsed(commitment_id=commitment_id, reason="moved away"), volunteer
        )
    assert err.value.rule == "commitment-closed"
    with pytest.raises(RuleViolation, match="already met; cannot mark it met"):
        app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment_id), officer)


def test_commitment_lapsed_needs_a_reason(
    app: Coprod, officer: Actor, commitment_id: uuid.UUID
) -> None:
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        app.mark_commitment_lapsed(
            MarkCommitmentLapsed(commitment_id=commitment_id, reason="   "), officer
        )
    assert app.get_commitment(commitment_id).version == 1
    app.mark_commitment_lapsed(
        MarkCommitmentLapsed(commitment_id=commitment_id, reason="the group dissolved"), officer
    )
    commitment = app.get_commitment(commitment_id)
    assert (commitment.status, commitment.lapse_reason) == ("lapsed", "the group dissolved")


def test_stale_commitment_change_is_refused(
    app: Coprod, officer: Actor, commitment_id: uuid.UUID
) -> None:
    with pytest.raises(StaleVersion):
        app.mark_commitment_met(
            MarkCommitmentMet(commitment_id=commitment_id, expected_version=7), officer
        )
    assert app.get_commitment(commitment_id).status == "open"


# -- contributions ----------------------------------------------------------------------------


def test_log_contribution(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    cid = _log(app, volunteer, commitment_id, group_id, project_id, seconds_to_log=14, level=GROUP)
    contribution = app.get_contribution(cid)
    assert contribution.commitment_id == commitment_id
    assert contribution.organisation_id == group_id
    assert contribution.project_id == project_id
    assert contribution.hours == Decimal("6.5")
    assert contribution.people_count == 3
    assert contribution.phase is DELIVERY
    assert contribution.worked_on == TODAY
    assert contribution.seconds_to_log == 14
    assert contribution.status == "logged"
    # Logging never writes to the commitment, so many groups never contend on it.
    assert app.get_commitment(commitment_id).version == 1


def test_hours_are_capped_at_24_per_person_for_one_day(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    _log(app, volunteer, commitment_id, group_id, project_id, hours=Decimal(48), people_count=2)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match=r"hours: 48\.01 hours by 2 people in one day") as err:
        _log(
            app, volunteer, commitment_id, group_id, project_id,
            hours=Decimal("48.01"), people_count=2,
        )  # fmt: skip
    assert err.value.field == "hours"
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": Decimal(0)}, "hours: must be a positive number of hours, got 0"),
        ({"hours": Decimal("-1")}, "hours: must be a positive number of hours"),
        ({"hours": 2.0}, "hours: must be a Decimal, not float"),
        ({"people_count": 0}, "people_count: must be at least 1, got 0"),
        ({"people_count": True}, "people_count: must be a whole number, not bool"),
        ({"seconds_to_log": -1}, "seconds_to_log: must not be negative"),
        ({"worked_on": TODAY + timedelta(days=1)}, "worked_on: 2027-05-11 is in the future"),
        ({"level": "group"}, "level: 'group' is not one of"),
    ],
)
def test_bad_logs_are_refused(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
    overrides: dict[str, Any],
    message: str,
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match=message):
        _log(app, volunteer, commitment_id, group_id, project_id, **overrides)
    assert app.recorder.max_notification_id() == before


def test_past_days_are_accepted(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    cid = _log(
        app, volunteer, commitment_id, group_id, project_id, worked_on=TODAY - timedelta(days=30)
    )
    assert app.get_contribution(cid).worked_on == date(2027, 4, 10)


def test_a_group_logs_only_against_its_own_commitment(
    app: Coprod,
    officer: Actor,
    commitment_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    other_group = app.register_organisation(
        RegisterOrganisation(
            slug="cyclists", kind=OrganisationKind.COMMUNITY_GROUP, display_name="Cyclists"
        ),
        officer,
    ).aggregate_id
    cyclist = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, other_group)
    # Another group's commitment is private to it (the policy): as if it did not exist.
    with pytest.raises(NotFound, match="no commitment with id"):
        _log(app, cyclist, commitment_id, other_group, project_id)
    # Past the policy (the system acts for anyone), the domain still refuses the mismatch.
    with pytest.raises(RuleViolation, match="belongs to another organisation") as err:
        _log(app, SYSTEM_ACTOR, commitment_id, other_group, project_id)
    assert err.value.rule == "own-commitment"


def test_a_member_cannot_log_for_another_group(
    app: Coprod,
    officer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    outsider = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())
    with pytest.raises(NotFound, match="no commitment with id"):
        _log(app, outsider, commitment_id, group_id, project_id)
    evaluator = Actor(uuid.uuid4(), Role.EVALUATOR, officer.organisation_id)
    with pytest.raises(RuleViolation, match="the evaluator role cannot log") as err:
        _log(app, evaluator, commitment_id, group_id, project_id)
    assert err.value.rule == "permission"


def test_an_officer_may_log_on_a_groups_behalf(
    app: Coprod,
    officer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    cid = _log(app, officer, commitment_id, group_id, project_id)
    assert app.get_contribution(cid).organisation_id == group_id


def test_log_must_name_the_commitments_project(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
) -> None:
    with pytest.raises(RuleViolation, match="is for project") as err:
        _log(app, volunteer, commitment_id, group_id, uuid.uuid4())
    assert err.value.rule == "commitment-project"


def test_unknown_commitment_is_not_found(
    app: Coprod, volunteer: Actor, group_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    with pytest.raises(NotFound, match="no commitment with id"):
        _log(app, volunteer, uuid.uuid4(), group_id, project_id)


def test_lapsed_commitment_takes_no_logs_but_a_met_one_does(
    app: Coprod,
    volunteer: Actor,
    officer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment_id), officer)
    _log(app, volunteer, commitment_id, group_id, project_id)  # late log of earlier work
    lapsed = app.make_commitment(
        MakeCommitment(
            organisation_id=group_id,
            project_id=project_id,
            phase=DELIVERY,
            level=GROUP,
            pledged_hours=Decimal(5),
        ),
        volunteer,
    ).aggregate_id
    app.mark_commitment_lapsed(
        MarkCommitmentLapsed(commitment_id=lapsed, reason="season over"), volunteer
    )
    with pytest.raises(RuleViolation, match="has lapsed") as err:
        _log(app, volunteer, lapsed, group_id, project_id)
    assert err.value.rule == "commitment-lapsed"


def test_a_retried_log_is_detected_as_a_repeat(
    app: Coprod,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    client_id = uuid.uuid4()
    cid = _log(app, volunteer, commitment_id, group_id, project_id, client_id=client_id)
    assert cid == natural_id("contribution", client_id)
    before = app.recorder.max_notification_id()
    with pytest.raises(AlreadyExists, match="already exists"):
        _log(app, volunteer, commitment_id, group_id, project_id, client_id=client_id)
    assert app.recorder.max_notification_id() == before
    other = _log(app, volunteer, commitment_id, group_id, project_id, client_id=uuid.uuid4())
    assert other != cid
    without = _log(app, volunteer, commitment_id, group_id, project_id)
    assert app.get_contribution(without).client_id is None


def test_verify_and_dispute(
    app: Coprod,
    officer: Actor,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    cid = _log(app, volunteer, commitment_id, group_id, project_id)
    with pytest.raises(RuleViolation, match="only a council officer may verify") as err:
        app.verify_contribution(VerifyContribution(contribution_id=cid), volunteer)
    assert err.value.rule == "permission"
    with pytest.raises(RuleViolation, match="only a council officer may dispute"):
        app.dispute_contribution(
            DisputeContribution(contribution_id=cid, reason="too many hours"), volunteer
        )
    assert app.get_contribution(cid).version == 1

    app.dispute_contribution(
        DisputeContribution(
            contribution_id=cid, reason="6.5 hours for three people seems low", expected_version=1
        ),
        officer,
    )
    contribution = app.get_contribution(cid)
    assert contribution.status == "disputed"
    assert contribution.dispute_reason == "6.5 hours for three people seems low"
    with pytest.raises(RuleViolation, match="already disputed") as err:
        app.dispute_contribution(DisputeContribution(contribution_id=cid, reason="again"), officer)
    assert err.value.rule == "already-disputed"

    app.verify_contribution(VerifyContribution(contribution_id=cid, expected_version=2), officer)
    assert app.get_contribution(cid).status == "verified"
    with pytest.raises(RuleViolation, match="already verified") as err:
        app.verify_contribution(VerifyContribution(contribution_id=cid), officer)
    assert err.value.rule == "already-verified"
    app.dispute_contribution(
        DisputeContribution(contribution_id=cid, reason="receipts did not match"), officer
    )
    assert app.get_contribution(cid).status == "disputed"


def test_dispute_needs_a_reason(
    app: Coprod,
    officer: Actor,
    volunteer: Actor,
    commitment_id: uuid.UUID,
    group_id: uuid.UUID,
    project_id: uuid.UUID,
) -> None:
    cid = _log(app, volunteer, commitment_id, group_id, project_id)
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        app.dispute_contribution(DisputeContribution(contribution_id=cid, reason=""), officer)
    assert app.get_contribution(cid).status == "logged"


def test_contribution_replays_without_rerunning_rules(volunteer: Actor) -> None:
    work = WorkLog(
        commitment_id=uuid.uuid4(),
        organisation_id=volunteer.organisation_id or uuid.uuid4(),
        project_id=uuid.uuid4(),
        hours=Decimal(2),
        people_count=1,
        phase=DELIVERY,
        level=GROUP,
        worked_on=TODAY,
    )
    contribution = Contribution.log(volunteer, work, today=TODAY)
    (logged,) = contribution.collect_events()
    # Replaying "yesterday's today" later must not refuse a fact already recorded.
    replayed = logged.mutate(None)
    assert isinstance(replayed, Contribution)
    assert replayed.worked_on == TODAY


def test_commitment_replays(volunteer: Actor) -> None:
    assert volunteer.organisation_id is not None
    pledge = Pledge(
        organisation_id=volunteer.organisation_id,
        project_id=uuid.uuid4(),
        phase=DELIVERY,
        level=GROUP,
        in_kind=VAN,
    )
    commitment = Commitment.make(volunteer, pledge)
    commitment.mark_lapsed(volunteer, "no van after all")
    replayed: Commitment | None = None
    for e in commitment.collect_events():
        replayed = e.mutate(replayed)
    assert replayed is not None
    assert (replayed.status, replayed.in_kind) == ("lapsed", VAN)
