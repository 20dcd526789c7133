"""Council decisions: the §5 legal record, the party-hearing rule, and acts that never edit."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.decisions import (
    CorrectDecision,
    Decide,
    ReopenDecision,
    RevokeDecision,
)
from coprod.application.commands.processes import CloseBallot
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DeclineShortlist,
    ExemptFromHearing,
    OpenBallot,
    RecordFact,
    RecordHearingAnswer,
    SendHearing,
    Shortlist,
)
from coprod.domain.decision import (
    ComplaintsGuidance,
    Decision,
    DecisionAct,
    DecisionOutcome,
    DecisionRecord,
    missing_elements,
)
from coprod.domain.errors import (
    DecisionRecordIncomplete,
    HearingRequired,
    InvalidInput,
    NotFound,
    PhaseError,
    RuleViolation,
    StaleVersion,
)
from coprod.domain.phases import Phase
from coprod.domain.values import Actor, Money
from tests.unit.test_proposal import (
    advance,
    developed,
    dkk,
    event_count,
    event_names,
    new_process,
    shortlisted,
)

Out = DecisionOutcome
D = date(2026, 10, 1)
#: The date the case file's facts were on file: before every decision of these tests.
FILED = date(2026, 9, 1)
GUIDANCE = ComplaintsGuidance("Ankestyrelsen", "Written complaint through the council", 28)


def record(*facts: UUID, **changes: object) -> DecisionRecord:
    full = DecisionRecord(
        legal_basis=("Kommunalfuldmagten",),
        main_considerations=("The pot does not cover the assessed cost",),
        facts_relied_on=facts or (uuid.uuid4(),),
        complaints=GUIDANCE,
    )
    return dataclasses.replace(full, **changes)  # type: ignore[arg-type]


def decide(
    officer: Actor,
    outcome: DecisionOutcome,
    amount: Money | None = None,
    rec: DecisionRecord | None = None,
    assessed: Money | None = None,
) -> Decision:
    return Decision.decide(
        officer,
        uuid.uuid4(),
        uuid.uuid4(),
        DecisionAct(outcome, amount, rec, D),
        assessed_cost=assessed,
    )


# -- outcomes and value objects -----------------------------------------------------------------


def test_adverse_outcomes() -> None:
    assert {o for o in Out if o.adverse} == {
        Out.FUNDED_PARTIALLY,
        Out.REJECTED,
        Out.CANCELLED,
        Out.CLAWED_BACK,
    }
    assert {o for o in Out if o.funded} == {Out.FUNDED_IN_FULL, Out.FUNDED_PARTIALLY}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"body": " ", "procedure": "p", "deadline_days": 28}, "complaints.body"),
        ({"body": "b", "procedure": "", "deadline_days": 28}, "complaints.procedure"),
        ({"body": "b", "procedure": "p", "deadline_days": 0}, "complaints.deadline_days"),
        ({"body": "b", "procedure": "p", "deadline_days": True}, "complaints.deadline_days"),
    ],
)
def test_complaints_guidance_is_validated(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        ComplaintsGuidance(**kwargs)  # type: ignore[arg-type]
    assert e.value.field == field


def test_decision_record_refuses_blank_entries() -> None:
    with pytest.raises(InvalidInput) as e:
        DecisionRecord(legal_basis=("ok", " "))
    assert e.value.field == "legal_basis[1]"
    with pytest.raises(InvalidInput, match="must be a tuple"):
        DecisionRecord(main_considerations=["a list"])  # type: ignore[arg-type]


# -- the legal record (DOMAIN.md §5) ------------------------------------------------------------


def test_funding_in_full_needs_no_record(officer: Actor) -> None:
    d = decide(officer, Out.FUNDED_IN_FULL, dkk(40_000), None, dkk(40_000))
    assert (d.outcome, d.amount, d.status, d.record) == (
        Out.FUNDED_IN_FULL,
        dkk(40_000),
        "in_force",
        None,
    )
    assert [type(e).__name__ for e in d.collect_events()] == ["DecisionMade"]


@pytest.mark.parametrize("outcome", [Out.REJECTED, Out.CANCELLED, Out.FUNDED_PARTIALLY])
def test_an_adverse_decision_without_a_record_names_everything_missing(
    officer: Actor, outcome: DecisionOutcome
) -> None:
    amount = dkk(10) if outcome.funded else None
    with pytest.raises(DecisionRecordIncomplete) as e:
        decide(officer, outcome, amount, None, dkk(100))
    message = str(e.value)
    for element in (
        "legal_basis",
        "main_considerations",
        "facts_relied_on",
        "complaints or no_appeal_statement",
    ):
        assert element in message
    assert e.value.rule == "decision-record"


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"legal_basis": ()}, "legal_basis"),
        ({"main_considerations": ()}, "main_considerations"),
        ({"facts_relied_on": ()}, "facts_relied_on"),
        ({"complaints": None}, "complaints or no_appeal_statement"),
    ],
)
def test_each_missing_element_is_named_exactly(
    officer: Actor, changes: dict[str, object], missing: str
) -> None:
    incomplete = record(**changes)
    assert missing_elements(incomplete) == (missing,)
    with pytest.raises(DecisionRecordIncomplete) as e:
        decide(officer, Out.REJECTED, None, incomplete)
    assert str(e.value).endswith(f"missing: {missing}")


def test_a_no_appeal_statement_replaces_complaints_guidance_but_not_both(officer: Actor) -> None:
    no_appeal = record(complaints=None, no_appeal_statement="Final decision; no appeal route.")
    assert decide(officer, Out.REJECTED, None, no_appeal).record == no_appeal
    both = record(no_appeal_statement="No appeal.")
    with pytest.raises(InvalidInput, match="not both") as e:
        decide(officer, Out.REJECTED, None, both)
    assert e.value.field == "no_appeal_statement"


def test_deferral_is_not_adverse_and_carries_no_amount(officer: Actor) -> None:
    assert decide(officer, Out.DEFERRED).status == "in_force"
    with pytest.raises(InvalidInput, match="carries no amount"):
        decide(officer, Out.REJECTED, dkk(5), record())


@pytest.mark.parametrize("amount", [None, 0, -1])
def test_funded_outcomes_need_a_positive_amount(officer: Actor, amount: int | None) -> None:
    money = None if amount is None else dkk(amount)
    with pytest.raises(InvalidInput) as e:
        decide(officer, Out.FUNDED_IN_FULL, money, None, dkk(100))
    assert e.value.field == "amount"


def test_partial_funding_must_be_less_than_the_assessed_cost(officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="not less than the assessed cost"):
        decide(officer, Out.FUNDED_PARTIALLY, dkk(100), record(), dkk(100))
    with pytest.raises(InvalidInput) as e:
        decide(officer, Out.FUNDED_PARTIALLY, dkk(50), record(), None)
    assert e.value.field == "assessed_cost"
    assert decide(officer, Out.FUNDED_PARTIALLY, dkk(60), record(), dkk(100)).amount == dkk(60)


def test_full_funding_below_the_assessed_cost_is_partial_funding(officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="that is partial funding"):
        decide(officer, Out.FUNDED_IN_FULL, dkk(60), None, dkk(100))
    with pytest.raises(InvalidInput, match="assessed cost is in DKK"):
        decide(officer, Out.FUNDED_IN_FULL, Money.of(100, "EUR"), None, dkk(100))


def test_a_claw_back_is_a_correction_not_a_first_decision(officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="correct that decision") as e:
        decide(officer, Out.CLAWED_BACK, dkk(5), record())
    assert e.value.rule == "claw-back"


# -- later acts ---------------------------------------------------------------------------------


def test_correction_is_a_new_event_that_keeps_the_original(officer: Actor) -> None:
    d = decide(officer, Out.FUNDED_IN_FULL, dkk(100), None, dkk(100))
    d.correct(
        officer,
        "Grant terms breached",
        DecisionAct(Out.CLAWED_BACK, dkk(30), record(), date(2026, 11, 5)),
    )
    event = d.pending_events[-1]
    assert isinstance(event, Decision.DecisionCorrected)
    assert (event.original_outcome, event.outcome, event.amount) == (
        Out.FUNDED_IN_FULL,
        Out.CLAWED_BACK,
        dkk(30),
    )
    assert (d.outcome, d.original_outcome, d.status) == (
        Out.CLAWED_BACK,
        Out.FUNDED_IN_FULL,
        "in_force",
    )


def test_corrections_obey_the_record_and_amount_rules(officer: Actor) -> None:
    d = decide(officer, Out.FUNDED_IN_FULL, dkk(100), None, dkk(100))
    with pytest.raises(DecisionRecordIncomplete, match="missing: legal_basis"):
        d.correct(officer, "r", DecisionAct(Out.REJECTED, None, record(legal_basis=()), D))
    with pytest.raises(InvalidInput, match="more than the 100 DKK granted"):
        d.correct(officer, "r", DecisionAct(Out.CLAWED_BACK, dkk(101), record(), D))
    with pytest.raises(RuleViolation, match="changes neither") as e:
        d.correct(
            officer, "r", DecisionAct(Out.FUNDED_IN_FULL, dkk(100), None, D), assessed_cost=dkk(100)
        )
    assert e.value.rule == "no-change"
    with pytest.raises(InvalidInput, match="before the last act"):
        d.correct(officer, "r", DecisionAct(Out.REJECTED, None, record(), date(2026, 9, 30)))
    with pytest.raises(InvalidInput) as e2:
        d.correct(officer, " ", DecisionAct(Out.REJECTED, None, record(), D))
    assert e2.value.field == "reason"
    assert d.version == 1


def test_claw_back_needs_an_earlier_grant(officer: Actor) -> None:
    d = decide(officer, Out.REJECTED, None, record())
    with pytest.raises(RuleViolation, match="nothing was granted"):
        d.correct(officer, "r", DecisionAct(Out.CLAWED_BACK, dkk(5), record(), D))


def test_reopen_takes_the_decision_out_of_force_until_corrected(officer: Actor) -> None:
    d = decide(officer, Out.REJECTED, None, record())
    d.reopen(officer, "New information from the applicant")
    assert d.status == "reopened"
    assert isinstance(d.pending_events[-1], Decision.DecisionReopened)
    with pytest.raises(RuleViolation, match="only a decision in force"):
        d.reopen(officer, "again")
    d.correct(
        officer,
        "Reconsidered",
        DecisionAct(Out.FUNDED_IN_FULL, dkk(100), None, D),
        assessed_cost=dkk(100),
    )
    assert (d.status, d.outcome) == ("in_force", Out.FUNDED_IN_FULL)


def test_revoking_is_adverse_and_final(officer: Actor) -> None:
    d = decide(officer, Out.FUNDED_IN_FULL, dkk(100), None, dkk(100))
    with pytest.raises(DecisionRecordIncomplete, match="revoking a decision") as e:
        d.revoke(officer, "Fraud", record(main_considerations=(), complaints=None), D)
    assert str(e.value).endswith("missing: main_considerations, complaints or no_appeal_statement")
    d.revoke(officer, "Fraud", record(), D)
    event = d.pending_events[-1]
    assert isinstance(event, Decision.DecisionRevoked)
    assert event.original_outcome is Out.FUNDED_IN_FULL
    assert d.status == "revoked"
    with pytest.raises(RuleViolation, match="revoked decision"):
        d.correct(officer, "r", DecisionAct(Out.REJECTED, None, record(), D))
    with pytest.raises(RuleViolation, match="revoked decision"):
        d.revoke(officer, "r", record(), D)
    with pytest.raises(RuleViolation, match="only a decision in force"):
        d.reopen(officer, "r")


# -- use cases ----------------------------------------------------------------------------------


def at_decision(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID, n: int = 1
) -> tuple[UUID, list[UUID]]:
    """A process in the decision phase whose n shortlisted proposals (40 000 DKK) were voted on."""
    pid, props = shortlisted(app, officer, member, council_id, n=n)
    advance(app, officer, pid, Phase.VOTE)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(props)), officer)
    app.close_ballot(CloseBallot(process_id=pid), officer)
    advance(app, officer, pid, Phase.DECISION)
    return pid, props


def with_fact(app: Coprod, officer: Actor, prop: UUID) -> UUID:
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=prop,
            fact_id=fact,
            summary="Site is contaminated (survey doc 14)",
            adverse=True,
            essential=True,
            known_to_party=False,
            noted_on=FILED,
        ),
        officer,
    )
    return fact


def test_decide_saves_the_decision_and_the_proposal_in_one_commit(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid, (prop,) = at_decision(app, officer, member, council_id)
    before = event_count(app)
    version = app.get_proposal(prop).version
    receipt = app.decide(
        Decide(
            proposal_id=prop,
            outcome=Out.FUNDED_IN_FULL,
            amount=dkk(40_000),
            decided_on=D,
            expected_version=version,
        ),
        officer,
    )
    assert event_count(app) == before + 2
    decision = app.get_decision(receipt.aggregate_id)
    assert (decision.process_id, decision.proposal_id, decision.outcome, decision.amount) == (
        pid,
        prop,
        Out.FUNDED_IN_FULL,
        dkk(40_000),
    )
    loaded = app.get_proposal(prop)
    assert (loaded.status, loaded.decision_id) == ("funded_in_full", receipt.aggregate_id)
    assert event_names(app, prop)[-1] == "DecisionApplied"


def test_decide_refuses_an_unknown_proposal_or_a_stale_version(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    with pytest.raises(NotFound, match="no proposal"):
        app.decide(Decide(proposal_id=uuid.uuid4(), outcome=Out.DEFERRED, decided_on=D), officer)
    with pytest.raises(StaleVersion):
        app.decide(
            Decide(proposal_id=prop, outcome=Out.DEFERRED, decided_on=D, expected_version=1),
            officer,
        )
    with pytest.raises(NotFound, match="no decision"):
        app.reopen_decision(ReopenDecision(decision_id=uuid.uuid4(), reason="r"), officer)


def test_an_incomplete_record_is_refused_and_nothing_is_written(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact = with_fact(app, officer, prop)
    before = event_count(app)
    with pytest.raises(DecisionRecordIncomplete, match="missing: complaints or no_appeal"):
        app.decide(
            Decide(
                proposal_id=prop,
                outcome=Out.REJECTED,
                record=record(fact, complaints=None),
                decided_on=D,
            ),
            officer,
        )
    assert event_count(app) == before
    assert app.get_proposal(prop).decision_id is None


def test_decide_is_refused_outside_the_decision_phases(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid, (prop,) = shortlisted(app, officer, member, council_id)
    with pytest.raises(PhaseError, match="review phase"):
        app.decide(Decide(proposal_id=prop, outcome=Out.DEFERRED, decided_on=D), officer)
    for phase in (Phase.VOTE, Phase.DECISION, Phase.CLOSED):
        advance(app, officer, pid, phase)
    before = event_count(app)
    with pytest.raises(PhaseError, match="closed phase"):
        app.decide(Decide(proposal_id=prop, outcome=Out.DEFERRED, decided_on=D), officer)
    assert event_count(app) == before


def test_decisions_can_still_be_corrected_in_delivery_but_not_once_closed(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid, (prop,) = at_decision(app, officer, member, council_id)
    did = app.decide(
        Decide(proposal_id=prop, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D),
        officer,
    ).aggregate_id
    advance(app, officer, pid, Phase.DELIVERY)
    app.reopen_decision(
        ReopenDecision(decision_id=did, reason="Applicant asked for review"), officer
    )
    advance(app, officer, pid, Phase.CLOSED)
    with pytest.raises(PhaseError):
        app.correct_decision(
            CorrectDecision(decision_id=did, reason="r", outcome=Out.DEFERRED, decided_on=D),
            officer,
        )
    with pytest.raises(PhaseError):
        app.revoke_decision(
            RevokeDecision(decision_id=did, reason="r", record=record(), decided_on=D), officer
        )


def test_the_hearing_rule_refuses_an_adverse_decision_on_unheard_facts(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact = with_fact(app, officer, prop)
    before = event_count(app)
    with pytest.raises(HearingRequired, match=str(fact)) as e:
        app.decide(
            Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=D),
            officer,
        )
    assert e.value.rule == "party-hearing"
    assert event_count(app) == before


def test_adverse_decision_allowed_after_the_hearing_is_answered(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact, hearing = with_fact(app, officer, prop), uuid.uuid4()
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=date(2026, 10, 20),
            sent_on=date(2026, 9, 5),
        ),
        officer,
    )
    app.record_hearing_answer(
        RecordHearingAnswer(
            proposal_id=prop,
            hearing_id=hearing,
            answered_on=date(2026, 9, 25),
            response_ref="Journal 14 doc 2",
        ),
        officer,
    )
    receipt = app.decide(
        Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=D), officer
    )
    assert app.get_decision(receipt.aggregate_id).outcome is Out.REJECTED
    assert app.get_proposal(prop).status == "rejected"


def test_adverse_decision_allowed_once_the_hearing_deadline_passed(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact, hearing = with_fact(app, officer, prop), uuid.uuid4()
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=date(2026, 10, 1),
            sent_on=date(2026, 9, 10),
        ),
        officer,
    )
    with pytest.raises(HearingRequired):  # the deadline day itself still belongs to the party
        app.decide(
            Decide(
                proposal_id=prop,
                outcome=Out.REJECTED,
                record=record(fact),
                decided_on=date(2026, 10, 1),
            ),
            officer,
        )
    app.decide(
        Decide(
            proposal_id=prop,
            outcome=Out.REJECTED,
            record=record(fact),
            decided_on=date(2026, 10, 2),
        ),
        officer,
    )
    assert app.get_proposal(prop).status == "rejected"


def test_adverse_decision_allowed_with_an_exemption(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact = with_fact(app, officer, prop)
    app.exempt_from_hearing(
        ExemptFromHearing(
            proposal_id=prop, fact_ids=(fact,), justification="Urgency, fvl. §19(2) nr. 2"
        ),
        officer,
    )
    app.decide(
        Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=D), officer
    )
    assert app.get_proposal(prop).status == "rejected"


def test_facts_relied_on_must_be_on_the_case_file(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    stranger = uuid.uuid4()
    with pytest.raises(InvalidInput, match="not on the proposal's case file") as e:
        app.decide(
            Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(stranger), decided_on=D),
            officer,
        )
    assert e.value.field == "facts_relied_on"


def test_partial_funding_through_the_app_uses_the_assessed_cost(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=prop,
            fact_id=fact,
            summary="Pot nearly spent (budget memo 3)",
            adverse=False,
            essential=True,
            known_to_party=False,
            noted_on=FILED,
        ),
        officer,
    )
    with pytest.raises(InvalidInput, match="not less than the assessed cost 40000 DKK"):
        app.decide(
            Decide(
                proposal_id=prop,
                outcome=Out.FUNDED_PARTIALLY,
                amount=dkk(40_000),
                record=record(fact),
                decided_on=D,
            ),
            officer,
        )
    receipt = app.decide(
        Decide(
            proposal_id=prop,
            outcome=Out.FUNDED_PARTIALLY,
            amount=dkk(25_000),
            record=record(fact),
            decided_on=D,
        ),
        officer,
    )
    assert app.get_decision(receipt.aggregate_id).amount == dkk(25_000)


def test_what_can_be_decided(app: Coprod, officer: Actor, member: Actor, council_id: UUID) -> None:
    pid = new_process(app, officer, council_id)
    on_ballot, off_ballot, unfeasible, unassessed = (developed(app, member, pid) for _ in range(4))
    advance(app, officer, pid, Phase.REVIEW)
    for prop in (on_ballot, off_ballot):
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=prop, feasible=True, reason="", assessed_cost=dkk(40_000)
            ),
            officer,
        )
        app.shortlist(Shortlist(proposal_id=prop), officer)
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=unfeasible, feasible=False, reason="Not council land", assessed_cost=None
        ),
        officer,
    )
    app.decline_shortlist(
        DeclineShortlist(proposal_id=unfeasible, reason="Not council land"), officer
    )
    advance(app, officer, pid, Phase.VOTE)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(on_ballot,)), officer)
    app.close_ballot(CloseBallot(process_id=pid), officer)
    advance(app, officer, pid, Phase.DECISION)

    with pytest.raises(RuleViolation, match="not on the ballot") as e:
        app.decide(
            Decide(
                proposal_id=off_ballot, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D
            ),
            officer,
        )
    assert e.value.rule == "decision-subject"
    with pytest.raises(RuleViolation, match="not shortlisted"):
        app.decide(
            Decide(
                proposal_id=unfeasible, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D
            ),
            officer,
        )
    with pytest.raises(RuleViolation, match="has not been assessed"):
        app.decide(Decide(proposal_id=unassessed, outcome=Out.DEFERRED, decided_on=D), officer)
    # an unfeasible proposal may get a formal, appealable rejection
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=unfeasible,
            fact_id=fact,
            summary="Land registry extract (doc 5)",
            adverse=True,
            essential=True,
            known_to_party=True,
            noted_on=FILED,
        ),
        officer,
    )
    app.decide(
        Decide(proposal_id=unfeasible, outcome=Out.REJECTED, record=record(fact), decided_on=D),
        officer,
    )
    app.decide(
        Decide(proposal_id=on_ballot, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D),
        officer,
    )
    assert app.get_proposal(unfeasible).status == "rejected"


def test_one_live_decision_per_proposal(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    first = app.decide(
        Decide(proposal_id=prop, outcome=Out.DEFERRED, decided_on=D), officer
    ).aggregate_id
    with pytest.raises(RuleViolation, match="correct, reopen or revoke") as e:
        app.decide(
            Decide(proposal_id=prop, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D),
            officer,
        )
    assert e.value.rule == "one-decision"
    fact = with_fact(app, officer, prop)
    app.exempt_from_hearing(
        ExemptFromHearing(proposal_id=prop, fact_ids=(fact,), justification="Urgency"), officer
    )
    app.revoke_decision(
        RevokeDecision(
            decision_id=first,
            reason="Decided by the wrong committee",
            record=record(fact),
            decided_on=D,
        ),
        officer,
    )
    assert app.get_proposal(prop).status == "decision_revoked"
    second = app.decide(
        Decide(proposal_id=prop, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D),
        officer,
    ).aggregate_id
    assert app.get_proposal(prop).decision_id == second


def test_correct_reopen_revoke_keep_the_proposal_in_step(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    did = app.decide(
        Decide(proposal_id=prop, outcome=Out.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D),
        officer,
    ).aggregate_id
    app.reopen_decision(
        ReopenDecision(decision_id=did, reason="Complaint received", expected_version=1), officer
    )
    assert app.get_proposal(prop).status == "decision_reopened"
    fact = with_fact(app, officer, prop)
    with pytest.raises(HearingRequired):
        app.correct_decision(
            CorrectDecision(
                decision_id=did,
                reason="Cost overrun",
                outcome=Out.CANCELLED,
                record=record(fact),
                decided_on=D,
            ),
            officer,
        )
    hearing = uuid.uuid4()
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=date(2026, 10, 5),
            sent_on=date(2026, 9, 15),
        ),
        officer,
    )
    app.record_hearing_answer(
        RecordHearingAnswer(
            proposal_id=prop,
            hearing_id=hearing,
            answered_on=date(2026, 10, 3),
            response_ref="Journal 14 doc 9",
        ),
        officer,
    )
    later = date(2026, 10, 6)
    app.correct_decision(
        CorrectDecision(
            decision_id=did,
            reason="Cost overrun",
            outcome=Out.CANCELLED,
            record=record(fact),
            decided_on=later,
            expected_version=2,
        ),
        officer,
    )
    assert app.get_proposal(prop).status == "cancelled"
    app.revoke_decision(
        RevokeDecision(
            decision_id=did, reason="Unlawful composition", record=record(fact), decided_on=later
        ),
        officer,
    )
    decision = app.get_decision(did)
    assert (decision.status, decision.outcome, decision.original_outcome) == (
        "revoked",
        Out.CANCELLED,
        Out.FUNDED_IN_FULL,
    )
    assert event_names(app, did) == [
        "DecisionMade",
        "DecisionReopened",
        "DecisionCorrected",
        "DecisionRevoked",
    ]
    assert app.get_proposal(prop).status == "decision_revoked"
    with pytest.raises(StaleVersion):
        app.reopen_decision(
            ReopenDecision(decision_id=did, reason="r", expected_version=1), officer
        )


def test_a_decision_that_loses_a_race_on_the_proposal_writes_nothing(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    stale = app.get_proposal(prop)
    decision = Decision.decide(
        officer,
        stale.process_id,
        prop,
        DecisionAct(Out.DEFERRED, None, None, D),
        assessed_cost=None,
    )
    stale.record_decision(officer, decision.id, Out.DEFERRED)
    with_fact(app, officer, prop)  # another writer moves the proposal on
    with pytest.raises(StaleVersion):
        app.commit(decision, stale)
    assert not app.exists(decision.id)
    assert app.get_proposal(prop).decision_id is None
