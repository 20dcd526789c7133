"""The ballot box: one counted ballot per pseudonym, refused (never trimmed) when it breaks a rule."""

from __future__ import annotations

import hashlib
import uuid
from uuid import UUID

import pytest

from coprod.adapters.privacy import process_secret_subject
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.ballots import CastBallot, CastBallotByRef, CastBallots
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    DefineAreas,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, MarkedBallot, Sex
from coprod.domain.errors import (
    BallotRejected,
    DuplicateBallot,
    InvalidInput,
    NotAllowed,
    NotFound,
    PhaseError,
)
from coprod.domain.phases import Phase
from coprod.domain.process import Area, Process
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, BallotOption, SelectionRule, VoteMethod, VotingRules

P1, P2, P3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def pseudonym(n: int) -> str:
    return hashlib.sha256(f"voter-{n}".encode()).hexdigest()


def approve(*proposals: UUID) -> BallotChoices:
    return BallotChoices(approvals=proposals)


def open_vote(
    app: Coprod,
    officer: Actor,
    council_id: UUID,
    *,
    areas: tuple[Area, ...] = (),
    open_ballot: bool = True,
) -> UUID:
    """A knapsack vote with a limit of 1000 DKK over three options costing 600, 500 and 300."""
    pid = app.open_process(
        OpenProcess(council_id=council_id, code="pb-2025", name="PB 2025", currency="DKK"), officer
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=Money.of(1000, "DKK")), officer)
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(VoteMethod.KNAPSACK, budget_limit=Money.of(1000, "DKK")),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    if areas:
        app.define_areas(DefineAreas(process_id=pid, areas=areas), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    if open_ballot:
        process = app.load(Process, pid)
        process.open_ballot(
            officer,
            (
                BallotOption(P1, Money.of(600, "DKK")),
                BallotOption(P2, Money.of(500, "DKK")),
                BallotOption(P3, Money.of(300, "DKK")),
            ),
        )
        app.commit(process)
    return pid


def events_written(app: Coprod) -> int:
    return app.recorder.max_notification_id() or 0


@pytest.fixture
def vote(app: Coprod, officer: Actor, council_id: UUID) -> UUID:
    return open_vote(app, officer, council_id)


# -- cast_ballot ----------------------------------------------------------------------------


def test_a_valid_ballot_is_stored_with_choices_channel_and_coarse_demographics(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    receipt = app.cast_ballot(
        CastBallot(
            process_id=vote,
            voter_pseudonym=pseudonym(1),
            choices=approve(P1, P3),
            channel=BallotChannel.ONLINE,
            age_band=AgeBand.AGE_25_34,
            sex=Sex.FEMALE,
        ),
        officer,
    )

    assert receipt.aggregate_id == Ballot.create_id(vote, pseudonym(1))
    assert receipt.version == 1
    ballot = app.load(Ballot, receipt.aggregate_id)
    assert ballot.process_id == vote
    assert ballot.voter_pseudonym == pseudonym(1)
    assert ballot.choices == approve(P1, P3)
    assert ballot.channel is BallotChannel.ONLINE
    assert ballot.age_band is AgeBand.AGE_25_34
    assert ballot.sex is Sex.FEMALE
    assert ballot.area_code is None


def test_a_second_ballot_from_the_same_pseudonym_is_refused_and_the_first_stands(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    app.cast_ballot(
        CastBallot(
            process_id=vote,
            voter_pseudonym=pseudonym(1),
            choices=approve(P1),
            channel=BallotChannel.ONLINE,
        ),
        officer,
    )
    before = events_written(app)

    with pytest.raises(DuplicateBallot, match="already has a counted ballot"):
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P2, P3),
                channel=BallotChannel.PAPER,
            ),
            officer,
        )

    assert events_written(app) == before
    ballot = app.load(Ballot, Ballot.create_id(vote, pseudonym(1)))
    assert ballot.choices == approve(P1)
    assert ballot.version == 1


def test_the_same_pseudonym_may_vote_in_another_process(
    app: Coprod, officer: Actor, council_id: UUID, vote: UUID
) -> None:
    other = app.open_process(
        OpenProcess(council_id=council_id, code="pb-2026", name="PB 2026", currency="DKK"), officer
    ).aggregate_id

    assert Ballot.create_id(vote, pseudonym(1)) != Ballot.create_id(other, pseudonym(1))


def test_an_over_budget_knapsack_ballot_is_refused_not_trimmed(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    before = events_written(app)

    with pytest.raises(BallotRejected, match="over the limit") as refused:
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1, P2),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )

    assert refused.value.rule == "over-budget"
    assert events_written(app) == before
    assert not app.exists(Ballot.create_id(vote, pseudonym(1)))


def test_a_ballot_on_a_closed_vote_is_refused(app: Coprod, officer: Actor, vote: UUID) -> None:
    app.close_ballot(CloseBallot(process_id=vote), officer)
    before = events_written(app)

    with pytest.raises(PhaseError, match="closed") as refused:
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )

    assert refused.value.rule == "phase"
    assert events_written(app) == before


def test_a_ballot_before_the_vote_opens_is_refused(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid = open_vote(app, officer, council_id, open_ballot=False)

    with pytest.raises(PhaseError, match="not opened"):
        app.cast_ballot(
            CastBallot(
                process_id=pid,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("", "must not be empty"),
        ("jane@example.org", "HMAC-SHA256 hex digest"),
        (pseudonym(1).upper(), "HMAC-SHA256 hex digest"),
        (pseudonym(1)[:63], "HMAC-SHA256 hex digest"),
        (pseudonym(1) + "0", "HMAC-SHA256 hex digest"),
    ],
)
def test_a_pseudonym_must_be_an_hmac_sha256_hex_digest(
    app: Coprod, officer: Actor, vote: UUID, given: str, problem: str
) -> None:
    before = events_written(app)

    with pytest.raises(InvalidInput, match=problem) as refused:
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=given,
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )

    assert refused.value.field == "voter_pseudonym"
    assert events_written(app) == before


def test_the_area_must_be_one_of_the_process_areas_when_areas_are_defined(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    areas = (Area("N", "Nord"), Area("S", "Syd"))
    pid = open_vote(app, officer, council_id, areas=areas)

    with pytest.raises(InvalidInput, match="'X' is not an area of this process") as refused:
        app.cast_ballot(
            CastBallot(
                process_id=pid,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
                area_code="X",
            ),
            officer,
        )
    assert refused.value.field == "area_code"
    assert not app.exists(Ballot.create_id(pid, pseudonym(1)))

    receipt = app.cast_ballot(
        CastBallot(
            process_id=pid,
            voter_pseudonym=pseudonym(1),
            choices=approve(P1),
            channel=BallotChannel.ONLINE,
            area_code="S",
        ),
        officer,
    )
    assert app.load(Ballot, receipt.aggregate_id).area_code == "S"


def test_any_area_code_is_kept_when_the_process_defines_no_areas(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    receipt = app.cast_ballot(
        CastBallot(
            process_id=vote,
            voter_pseudonym=pseudonym(1),
            choices=approve(P1),
            channel=BallotChannel.ONLINE,
            area_code="7",
        ),
        officer,
    )

    assert app.load(Ballot, receipt.aggregate_id).area_code == "7"


def test_a_blank_area_code_is_refused(app: Coprod, officer: Actor, vote: UUID) -> None:
    with pytest.raises(InvalidInput, match="area_code: must not be empty"):
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
                area_code=" ",
            ),
            officer,
        )


def test_channel_and_demographics_must_be_the_declared_vocabularies(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    with pytest.raises(InvalidInput, match="channel"):
        app.cast_ballot(
            CastBallot(
                process_id=vote, voter_pseudonym=pseudonym(1), choices=approve(P1), channel="online"
            ),
            officer,
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="age_band"):
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
                age_band="34",
            ),
            officer,
        )
    with pytest.raises(InvalidInput, match="sex"):
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
                sex="f",
            ),
            officer,
        )
    assert not app.exists(Ballot.create_id(vote, pseudonym(1)))


def test_a_ballot_for_an_unknown_process_is_not_found(app: Coprod, officer: Actor) -> None:
    with pytest.raises(Exception, match="no process with id"):
        app.cast_ballot(
            CastBallot(
                process_id=uuid.uuid4(),
                voter_pseudonym=pseudonym(1),
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )


# -- who may cast (the policy, applied by the use cases) ------------------------------------


def test_only_an_officer_of_the_process_council_casts_or_imports(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID, vote: UUID
) -> None:
    stranger = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    evaluator = Actor(uuid.uuid4(), Role.EVALUATOR, council_id)
    before = events_written(app)
    for actor, refusal in (
        (stranger, "is run by another council"),
        (member, "only a council officer may do this"),
        (evaluator, "only a council officer may do this"),
    ):
        with pytest.raises(NotAllowed, match=refusal):
            app.cast_ballot(
                CastBallot(
                    process_id=vote,
                    voter_pseudonym=pseudonym(1),
                    choices=approve(P1),
                    channel=BallotChannel.ONLINE,
                ),
                actor,
            )
        with pytest.raises(NotAllowed, match=refusal):
            app.cast_ballot_by_ref(
                CastBallotByRef(
                    process_id=vote,
                    voter_ref="anna@x.dk",
                    choices=approve(P1),
                    channel=BallotChannel.ONLINE,
                ),
                actor,
            )
        with pytest.raises(NotAllowed, match=refusal):
            app.cast_ballots(CastBallots(process_id=vote, ballots=(paper(1, P1),)), actor)
    assert events_written(app) == before
    # the refusal comes before the ballot is even checked: a bad ballot is refused the same
    with pytest.raises(NotAllowed, match="another council"):
        app.cast_ballot(
            CastBallot(
                process_id=vote,
                voter_pseudonym="not-a-digest",
                choices=approve(P1, P2),
                channel=BallotChannel.ONLINE,
            ),
            stranger,
        )
    # the process's officer, and the system (imports), still cast
    app.cast_ballot(
        CastBallot(
            process_id=vote,
            voter_pseudonym=pseudonym(1),
            choices=approve(P1),
            channel=BallotChannel.ONLINE,
        ),
        officer,
    )
    app.cast_ballots(CastBallots(process_id=vote, ballots=(paper(2, P2),)), SYSTEM_ACTOR)
    assert events_written(app) == before + 2


def test_a_voter_ref_is_pseudonymised_by_the_use_case_only_once_the_policy_allows(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    receipt = app.cast_ballot_by_ref(
        CastBallotByRef(
            process_id=vote,
            voter_ref=" Anna@X.dk ",
            choices=approve(P1),
            channel=BallotChannel.ONLINE,
        ),
        officer,
    )
    ballot = app.load(Ballot, receipt.aggregate_id)
    assert ballot.voter_pseudonym == app.pseudonymise(vote, "anna@x.dk")
    # an unknown process: not found, and no process secret was made for it
    unknown = uuid.uuid4()
    with pytest.raises(NotFound):
        app.cast_ballot_by_ref(
            CastBallotByRef(
                process_id=unknown,
                voter_ref="anna@x.dk",
                choices=approve(P1),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )
    assert app.personal_data.existing_key(process_secret_subject(unknown)) is None


# -- cast_ballots (paper import) ------------------------------------------------------------


def paper(n: int, *choices: UUID, area_code: str | None = None) -> MarkedBallot:
    return MarkedBallot(pseudonym(n), approve(*choices), area_code=area_code)


def test_a_batch_is_saved_whole_as_paper_ballots(app: Coprod, officer: Actor, vote: UUID) -> None:
    before = events_written(app)

    count = app.cast_ballots(
        CastBallots(process_id=vote, ballots=(paper(1, P1), paper(2, P2, P3), paper(3, P3))),
        officer,
    )

    assert count == 3
    assert events_written(app) == before + 3
    for n in (1, 2, 3):
        ballot = app.load(Ballot, Ballot.create_id(vote, pseudonym(n)))
        assert ballot.channel is BallotChannel.PAPER


def test_one_bad_ballot_refuses_the_whole_batch_and_names_its_index(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    before = events_written(app)

    with pytest.raises(BallotRejected, match=r"ballots\[2\]: .*over the limit") as refused:
        app.cast_ballots(
            CastBallots(process_id=vote, ballots=(paper(1, P1), paper(2, P2), paper(3, P1, P2))),
            officer,
        )

    assert refused.value.rule == "over-budget"
    assert events_written(app) == before
    assert not any(app.exists(Ballot.create_id(vote, pseudonym(n))) for n in (1, 2, 3))


def test_a_malformed_field_in_a_batch_names_the_index_and_field(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    bad = MarkedBallot("not-a-digest", approve(P1))

    with pytest.raises(InvalidInput) as refused:
        app.cast_ballots(CastBallots(process_id=vote, ballots=(paper(1, P1), bad)), officer)

    assert refused.value.field == "ballots[1].voter_pseudonym"
    assert not app.exists(Ballot.create_id(vote, pseudonym(1)))


def test_a_pseudonym_twice_in_one_batch_refuses_the_batch(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    before = events_written(app)

    with pytest.raises(DuplicateBallot, match=r"ballots\[2\].*ballots\[0\]"):
        app.cast_ballots(
            CastBallots(process_id=vote, ballots=(paper(1, P1), paper(2, P2), paper(1, P3))),
            officer,
        )

    assert events_written(app) == before


def test_a_batch_with_an_already_counted_voter_imports_nothing(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    app.cast_ballot(
        CastBallot(
            process_id=vote,
            voter_pseudonym=pseudonym(2),
            choices=approve(P2),
            channel=BallotChannel.ONLINE,
        ),
        officer,
    )
    before = events_written(app)

    with pytest.raises(DuplicateBallot, match=r"ballots\[1\]: this voter already has a counted"):
        app.cast_ballots(
            CastBallots(process_id=vote, ballots=(paper(1, P1), paper(2, P3), paper(3, P3))),
            officer,
        )

    assert events_written(app) == before
    assert not app.exists(Ballot.create_id(vote, pseudonym(1)))
    assert app.load(Ballot, Ballot.create_id(vote, pseudonym(2))).choices == approve(P2)


def test_a_batch_on_a_closed_vote_is_refused(app: Coprod, officer: Actor, vote: UUID) -> None:
    app.close_ballot(CloseBallot(process_id=vote), officer)

    with pytest.raises(PhaseError, match="closed"):
        app.cast_ballots(CastBallots(process_id=vote, ballots=(paper(1, P1),)), officer)


def test_an_empty_batch_is_refused(app: Coprod, officer: Actor, vote: UUID) -> None:
    with pytest.raises(InvalidInput, match="ballots: the batch is empty"):
        app.cast_ballots(CastBallots(process_id=vote, ballots=()), officer)
