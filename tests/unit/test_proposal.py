"""Ideas and proposals: submission to shortlist, merges in one commit, the case file, the ballot."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from coprod.application import Coprod, Receipt
from coprod.application.commands.processes import (
    AdvancePhase,
    DefineAreas,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.proposals import (
    AmendIdea,
    AssessFeasibility,
    DeclineShortlist,
    DevelopProposal,
    ExemptFromHearing,
    MergeIdeas,
    OpenBallot,
    RecordFact,
    RecordHearingAnswer,
    SendHearing,
    Shortlist,
    SubmitIdea,
    WithdrawIdea,
)
from coprod.application.proposals import _require_shortlisting_open
from coprod.domain.case_file import CaseFact, Hearing
from coprod.domain.decision import DecisionOutcome
from coprod.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PhaseError,
    RuleViolation,
    StaleVersion,
)
from coprod.domain.phases import Phase
from coprod.domain.process import Area, Process, ProcessKind
from coprod.domain.proposal import TITLE_MAX_LENGTH, Proposal
from coprod.domain.values import Actor, Money
from coprod.domain.voting import SelectionRule, VoteMethod, VotingRules

D = date(2026, 6, 1)
#: When the case files' facts were on file and their hearings sent: before D.
FILED = date(2026, 5, 1)


def dkk(amount: int) -> Money:
    return Money.of(amount, "DKK")


# -- helpers shared with test_decision ----------------------------------------------------------


def new_process(
    app: Coprod, officer: Actor, council_id: UUID, code: str = "pb-2026", areas: bool = False
) -> UUID:
    pid = app.open_process(
        OpenProcess(council_id=council_id, code=code, name=f"PB {code}", currency="DKK"), officer
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=dkk(1_000_000)), officer)
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(VoteMethod.APPROVAL),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    if areas:
        app.define_areas(
            DefineAreas(process_id=pid, areas=(Area("N", "North"), Area("S", "South"))), officer
        )
    return pid


def advance(app: Coprod, officer: Actor, pid: UUID, phase: Phase) -> None:
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=phase), officer)


def new_idea(app: Coprod, actor: Actor, pid: UUID, title: str = "Benches by the lake") -> UUID:
    return app.submit_idea(
        SubmitIdea(process_id=pid, title=title, description="Five benches along the path."), actor
    ).aggregate_id


def developed(app: Coprod, actor: Actor, pid: UUID, cost: int = 50_000) -> UUID:
    prop = new_idea(app, actor, pid)
    app.develop_proposal(
        DevelopProposal(
            proposal_id=prop,
            cost_estimate=dkk(cost),
            area_code="N",
            category="parks",
            co_producers=(uuid.uuid4(),),
        ),
        actor,
    )
    return prop


def shortlisted(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID, n: int = 1
) -> tuple[UUID, list[UUID]]:
    """A process in REVIEW with n shortlisted proposals assessed at 40 000 DKK each."""
    pid = new_process(app, officer, council_id)
    props = [developed(app, member, pid) for _ in range(n)]
    advance(app, officer, pid, Phase.REVIEW)
    for prop in props:
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=prop, feasible=True, reason="", assessed_cost=dkk(40_000)
            ),
            officer,
        )
        app.shortlist(Shortlist(proposal_id=prop), officer)
    return pid, props


def event_count(app: Coprod) -> int:
    return app.recorder.max_notification_id() or 0


def event_names(app: Coprod, aggregate_id: UUID) -> list[str]:
    return [type(e).__name__ for e in app.events.get(aggregate_id)]


# -- the aggregate ------------------------------------------------------------------------------


def idea(actor: Actor, process_id: UUID | None = None) -> Proposal:
    return Proposal.submit(
        actor, process_id or uuid.uuid4(), "Lights", "Lamps on the path.", None, None
    )


def proposal(actor: Actor) -> Proposal:
    p = idea(actor)
    p.develop(actor, dkk(10_000), "N", "parks", ())
    return p


def test_submit_records_an_idea_with_a_random_id(member: Actor) -> None:
    pid = uuid.uuid4()
    a = Proposal.submit(member, pid, " Lights ", "Lamps.", "N", "parks")
    b = Proposal.submit(member, pid, "Lights", "Lamps.", "N", "parks")
    assert a.id != b.id
    assert (a.stage, a.status, a.title, a.submitter_id) == ("idea", "open", "Lights", member.id)
    assert [type(e).__name__ for e in a.collect_events()] == ["IdeaSubmitted"]


@pytest.mark.parametrize(
    ("title", "description", "field"),
    [
        ("  ", "text", "title"),
        ("x" * (TITLE_MAX_LENGTH + 1), "text", "title"),
        ("t", "", "description"),
    ],
)
def test_submit_refuses_blank_or_oversized_text(
    member: Actor, title: str, description: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        Proposal.submit(member, uuid.uuid4(), title, description, None, None)
    assert e.value.field == field


def test_amend_records_only_the_changed_fields(member: Actor) -> None:
    p = idea(member)
    p.amend(member, title="Lights", description="Solar lamps.")
    event = p.pending_events[-1]
    assert isinstance(event, Proposal.IdeaAmended)
    assert (event.title, event.description) == (None, "Solar lamps.")
    assert p.description == "Solar lamps."


def test_amend_that_changes_nothing_is_refused(member: Actor) -> None:
    p = idea(member)
    with pytest.raises(RuleViolation, match="changes nothing") as e:
        p.amend(member, title="Lights")
    assert e.value.rule == "no-change"
    with pytest.raises(RuleViolation):
        p.amend(member)
    assert p.version == 1


def test_withdrawn_or_merged_ideas_cannot_be_amended(member: Actor) -> None:
    gone = idea(member)
    gone.withdraw(member, "Duplicate of another idea")
    assert gone.status == "withdrawn"
    with pytest.raises(RuleViolation, match="withdrawn") as e:
        gone.amend(member, title="New")
    assert e.value.rule == "inactive"
    with pytest.raises(RuleViolation, match="withdrawn"):
        gone.withdraw(member, "again")

    source, target = idea(member), idea(member)
    target_pid = target.process_id
    source = Proposal.submit(member, target_pid, "A", "a", None, None)
    source.merge_into(member, target)
    with pytest.raises(RuleViolation, match="merged"):
        source.amend(member, title="New")


def test_merge_records_on_both_sides(member: Actor) -> None:
    target = idea(member)
    source = idea(member, target.process_id)
    source.merge_into(member, target)
    assert (source.status, source.merged_into) == ("merged", target.id)
    assert target.absorbed == (source.id,)
    assert isinstance(source.pending_events[-1], Proposal.MergedInto)
    assert isinstance(target.pending_events[-1], Proposal.Absorbed)


def test_merge_refuses_itself_other_processes_and_finished_ideas(member: Actor) -> None:
    a = idea(member)
    with pytest.raises(RuleViolation, match="itself"):
        a.merge_into(member, a)
    with pytest.raises(RuleViolation, match="within one process"):
        a.merge_into(member, idea(member))
    withdrawn = idea(member, a.process_id)
    withdrawn.withdraw(member, "no longer needed")
    with pytest.raises(RuleViolation, match=r"cannot merge into .* withdrawn"):
        a.merge_into(member, withdrawn)
    with pytest.raises(RuleViolation, match=r"cannot merge .* withdrawn"):
        withdrawn.merge_into(member, a)
    assert (a.version, withdrawn.version) == (1, 2)


def test_develop_makes_a_costed_proposal(member: Actor) -> None:
    p = idea(member)
    group = uuid.uuid4()
    p.develop(member, dkk(25_000), "S", "play", (group,))
    assert (p.stage, p.cost_estimate, p.area_code, p.category) == (
        "proposal",
        dkk(25_000),
        "S",
        "play",
    )
    assert p.co_producers == (group,)


@pytest.mark.parametrize("cost", [0, -5])
def test_develop_refuses_a_cost_that_is_not_positive(member: Actor, cost: int) -> None:
    p = idea(member)
    with pytest.raises(InvalidInput) as e:
        p.develop(member, dkk(cost), "S", "play", ())
    assert e.value.field == "cost_estimate"
    assert p.stage == "idea"


def test_develop_refuses_duplicate_co_producers(member: Actor) -> None:
    group = uuid.uuid4()
    with pytest.raises(InvalidInput, match="more than once"):
        idea(member).develop(member, dkk(5), "S", "play", (group, group))


def test_unfeasible_needs_a_reason_and_feasible_needs_a_cost(officer: Actor) -> None:
    p = proposal(officer)
    with pytest.raises(InvalidInput) as e:
        p.assess(officer, False, " ", None)
    assert e.value.field == "reason"
    with pytest.raises(InvalidInput) as e:
        p.assess(officer, True, "fine", None)
    assert e.value.field == "assessed_cost"
    with pytest.raises(InvalidInput) as e:
        p.assess(officer, True, "fine", dkk(0))
    assert e.value.field == "assessed_cost"
    assert p.feasible is None


def test_reassessment_before_the_shortlist_is_a_new_event(officer: Actor) -> None:
    p = proposal(officer)
    p.assess(officer, False, "Land is privately owned", None)
    p.assess(officer, True, "Landowner agreed", dkk(12_000))
    assessed = [e for e in p.pending_events if isinstance(e, Proposal.FeasibilityAssessed)]
    assert [e.feasible for e in assessed] == [False, True]
    assert (p.feasible, p.assessed_cost, p.assessor_id, p.status) == (
        True,
        dkk(12_000),
        officer.id,
        "feasible",
    )
    p.shortlist(officer)
    with pytest.raises(RuleViolation, match="can no longer change"):
        p.assess(officer, False, "changed mind", None)


def test_an_idea_must_be_developed_before_assessment(officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="develop the idea first"):
        idea(officer).assess(officer, True, "", dkk(5))


def test_only_feasible_proposals_are_shortlisted(officer: Actor) -> None:
    p = proposal(officer)
    with pytest.raises(RuleViolation, match="not assessed") as e:
        p.shortlist(officer)
    assert e.value.rule == "shortlist-feasible"
    p.assess(officer, False, "Too expensive to maintain", None)
    with pytest.raises(RuleViolation, match="assessed unfeasible"):
        p.shortlist(officer)
    p.decline_shortlist(officer, "unfeasible")
    assert (p.shortlisted, p.status, p.shortlist_reason) == (False, "not_shortlisted", "unfeasible")
    with pytest.raises(RuleViolation, match="already kept off"):
        p.shortlist(officer)


def test_decline_needs_a_reason_and_a_proposal(officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="only a proposal"):
        idea(officer).decline_shortlist(officer, "no")
    with pytest.raises(InvalidInput) as e:
        proposal(officer).decline_shortlist(officer, "")
    assert e.value.field == "reason"


# -- the case file ------------------------------------------------------------------------------


def case(officer: Actor) -> tuple[Proposal, UUID]:
    p = proposal(officer)
    fact = uuid.uuid4()
    summary = "Site survey: soil contaminated (doc 2026-14)"
    p.record_fact(officer, fact, CaseFact(summary, True, True, False, noted_on=FILED))
    return p, fact


def test_record_fact_refuses_duplicates_and_personal_data(officer: Actor) -> None:
    p, fact = case(officer)
    with pytest.raises(AlreadyExists):
        p.record_fact(officer, fact, CaseFact("again", True, True, False))
    with pytest.raises(InvalidInput, match="e-mail") as e:
        p.record_fact(
            officer, uuid.uuid4(), CaseFact("Complaint from jens@example.dk", True, True, False)
        )
    assert e.value.field == "summary"
    with pytest.raises(InvalidInput, match="CPR"):
        p.record_fact(
            officer, uuid.uuid4(), CaseFact("Applicant 010190-1234 owes tax", True, True, False)
        )
    assert list(p.facts) == [fact]


def test_a_fact_that_is_adverse_essential_and_unknown_needs_a_hearing(officer: Actor) -> None:
    p, fact = case(officer)
    mild, core, known = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    p.record_fact(officer, mild, CaseFact("Minor noise concern", True, False, False))
    p.record_fact(officer, core, CaseFact("Budget is tight", False, True, False))
    p.record_fact(officer, known, CaseFact("Applicant's own survey", True, True, True))
    assert p.unheard_facts((mild, core, known, fact, fact), D) == (fact,)
    assert p.unheard_facts((uuid.uuid4(),), D) == ()


def test_a_hearing_counts_once_answered_or_once_its_deadline_passed(officer: Actor) -> None:
    p, fact = case(officer)
    hearing = uuid.uuid4()
    p.send_hearing(
        officer,
        hearing,
        Hearing(uuid.uuid4(), (fact,), date(2026, 6, 10), sent_on=date(2026, 5, 20)),
    )
    assert p.unheard_facts((fact,), date(2026, 6, 10)) == (fact,)  # deadline not yet passed
    assert p.unheard_facts((fact,), date(2026, 6, 11)) == ()  # deadline passed before the day
    p.record_hearing_answer(officer, hearing, date(2026, 6, 5), "Journal 2026-14 doc 7")
    assert p.unheard_facts((fact,), date(2026, 6, 4)) == (fact,)  # answer came later
    assert p.unheard_facts((fact,), date(2026, 6, 5)) == ()


def test_an_exemption_lifts_the_hearing_need(officer: Actor) -> None:
    p, fact = case(officer)
    p.exempt_from_hearing(officer, (fact,), "Urgent: imminent danger (fvl. §19(2) nr. 2)")
    assert p.unheard_facts((fact,), D) == ()
    with pytest.raises(InvalidInput) as e:
        p.exempt_from_hearing(officer, (fact,), " ")
    assert e.value.field == "justification"


def test_hearings_refuse_unknown_facts_hearings_and_repeated_answers(officer: Actor) -> None:
    p, fact = case(officer)
    stranger = uuid.uuid4()
    with pytest.raises(InvalidInput, match="not on the case file"):
        p.send_hearing(officer, uuid.uuid4(), Hearing(uuid.uuid4(), (stranger,), D, sent_on=FILED))
    with pytest.raises(InvalidInput, match="at least one fact"):
        p.send_hearing(officer, uuid.uuid4(), Hearing(uuid.uuid4(), (), D, sent_on=FILED))
    with pytest.raises(InvalidInput, match="not on the case file"):
        p.exempt_from_hearing(officer, (stranger,), "why")
    hearing = uuid.uuid4()
    p.send_hearing(officer, hearing, Hearing(uuid.uuid4(), (fact,), D, sent_on=FILED))
    with pytest.raises(AlreadyExists):
        p.send_hearing(officer, hearing, Hearing(uuid.uuid4(), (fact,), D, sent_on=FILED))
    with pytest.raises(NotFound):
        p.record_hearing_answer(officer, uuid.uuid4(), D, "doc 1")
    with pytest.raises(InvalidInput, match="response_ref: contains the control character"):
        p.record_hearing_answer(officer, hearing, D, "I object.\nThe soil is fine.")
    p.record_hearing_answer(officer, hearing, D, "doc 1")
    with pytest.raises(RuleViolation, match="already answered"):
        p.record_hearing_answer(officer, hearing, D, "doc 2")


def test_record_decision_sets_the_status_and_allows_one_live_decision(officer: Actor) -> None:
    p = proposal(officer)
    first = uuid.uuid4()
    p.record_decision(officer, first, DecisionOutcome.REJECTED)
    assert (p.status, p.decision_id, p.decision_status) == ("rejected", first, "in_force")
    with pytest.raises(RuleViolation, match="already has decision") as e:
        p.record_decision(officer, uuid.uuid4(), DecisionOutcome.FUNDED_IN_FULL)
    assert e.value.rule == "one-decision"
    p.record_decision(officer, first, DecisionOutcome.REJECTED, "revoked")
    assert p.status == "decision_revoked"
    p.record_decision(officer, uuid.uuid4(), DecisionOutcome.DEFERRED)
    assert p.status == "deferred"
    with pytest.raises(InvalidInput) as e2:
        p.record_decision(officer, p.decision_id or first, DecisionOutcome.DEFERRED, "gone")
    assert e2.value.field == "decision_status"


# -- use cases ----------------------------------------------------------------------------------


def test_submit_to_an_unknown_process_is_not_found(app: Coprod, member: Actor) -> None:
    before = event_count(app)
    with pytest.raises(NotFound, match="no process"):
        app.submit_idea(
            SubmitIdea(process_id=uuid.uuid4(), title="Lights", description="Lamps"), member
        )
    assert event_count(app) == before


def test_an_idea_goes_round_trip_through_the_store(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id, areas=True)
    receipt = app.submit_idea(
        SubmitIdea(
            process_id=pid, title="Lights", description="Lamps", area_code="N", category="safety"
        ),
        member,
    )
    app.amend_idea(
        AmendIdea(proposal_id=receipt.aggregate_id, description="Solar lamps", expected_version=1),
        member,
    )
    loaded = app.get_proposal(receipt.aggregate_id)
    assert (loaded.title, loaded.description, loaded.area_code, loaded.version) == (
        "Lights",
        "Solar lamps",
        "N",
        2,
    )
    with pytest.raises(StaleVersion):
        app.amend_idea(
            AmendIdea(proposal_id=receipt.aggregate_id, title="x", expected_version=1), member
        )


def test_areas_and_currency_are_checked_against_the_process(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id, areas=True)
    with pytest.raises(InvalidInput, match="not an area") as e:
        app.submit_idea(
            SubmitIdea(process_id=pid, title="Lights", description="Lamps", area_code="X"), member
        )
    assert e.value.field == "area_code"
    prop = new_idea(app, member, pid)
    with pytest.raises(InvalidInput, match="this process uses DKK") as e:
        app.develop_proposal(
            DevelopProposal(
                proposal_id=prop,
                cost_estimate=Money.of(100, "EUR"),
                area_code="N",
                category="parks",
            ),
            member,
        )
    assert e.value.field == "cost_estimate"
    with pytest.raises(InvalidInput, match="not an area"):
        app.develop_proposal(
            DevelopProposal(
                proposal_id=prop, cost_estimate=dkk(100), area_code="X", category="parks"
            ),
            member,
        )
    assert app.get_proposal(prop).version == 1


def test_ideas_phase_commands_are_refused_from_review_on(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    a, b = new_idea(app, member, pid), new_idea(app, member, pid)
    advance(app, officer, pid, Phase.DEVELOPMENT)
    app.amend_idea(AmendIdea(proposal_id=a, title="Still allowed in development"), member)
    advance(app, officer, pid, Phase.REVIEW)
    before = event_count(app)
    with pytest.raises(PhaseError, match="review phase"):
        app.submit_idea(SubmitIdea(process_id=pid, title="Late", description="too late"), member)
    with pytest.raises(PhaseError):
        app.amend_idea(AmendIdea(proposal_id=a, title="Late"), member)
    with pytest.raises(PhaseError):
        app.merge_ideas(MergeIdeas(source_id=a, target_id=b), member)
    with pytest.raises(PhaseError):
        app.develop_proposal(
            DevelopProposal(proposal_id=a, cost_estimate=dkk(5), area_code="N", category="parks"),
            member,
        )
    assert event_count(app) == before


def test_review_commands_are_refused_outside_review(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    prop = developed(app, member, pid)
    with pytest.raises(PhaseError, match="cannot assess feasibility in the ideas phase"):
        app.assess_feasibility(
            AssessFeasibility(proposal_id=prop, feasible=True, reason="", assessed_cost=dkk(5)),
            officer,
        )
    with pytest.raises(PhaseError):
        app.shortlist(Shortlist(proposal_id=prop), officer)
    with pytest.raises(PhaseError):
        app.decline_shortlist(DeclineShortlist(proposal_id=prop, reason="no"), officer)
    advance(app, officer, pid, Phase.REVIEW)
    app.assess_feasibility(
        AssessFeasibility(proposal_id=prop, feasible=True, reason="ok", assessed_cost=dkk(5)),
        officer,
    )
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(PhaseError, match="vote phase"):
        app.shortlist(Shortlist(proposal_id=prop), officer)


def test_shortlisting_is_refused_once_the_ballot_is_opened(officer: Actor) -> None:
    process = Process.open(officer, uuid.uuid4(), "x", "X", ProcessKind.PB_CYCLE, "DKK")
    process.phase = Phase.REVIEW  # a ballot cannot open in review; this guards the invariant
    _require_shortlisting_open(process, "shortlist")
    process.ballot_state = "open"
    with pytest.raises(PhaseError, match="ballot is already open"):
        _require_shortlisting_open(process, "shortlist")


def test_a_closed_process_refuses_everything(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    prop = developed(app, member, pid)
    advance(app, officer, pid, Phase.CLOSED)
    before = event_count(app)
    fact = uuid.uuid4()
    refused: list[Callable[[], Receipt]] = [
        lambda: app.submit_idea(SubmitIdea(process_id=pid, title="t", description="d"), member),
        lambda: app.amend_idea(AmendIdea(proposal_id=prop, title="t2"), member),
        lambda: app.withdraw_idea(WithdrawIdea(proposal_id=prop, reason="r"), member),
        lambda: app.develop_proposal(
            DevelopProposal(proposal_id=prop, cost_estimate=dkk(5), area_code="N", category="c"),
            member,
        ),
        lambda: app.assess_feasibility(
            AssessFeasibility(proposal_id=prop, feasible=True, reason="", assessed_cost=dkk(5)),
            officer,
        ),
        lambda: app.shortlist(Shortlist(proposal_id=prop), officer),
        lambda: app.decline_shortlist(DeclineShortlist(proposal_id=prop, reason="r"), officer),
        lambda: app.record_fact(
            RecordFact(
                proposal_id=prop,
                fact_id=fact,
                summary="s",
                adverse=True,
                essential=True,
                known_to_party=False,
            ),
            officer,
        ),
        lambda: app.send_hearing(
            SendHearing(
                proposal_id=prop,
                hearing_id=uuid.uuid4(),
                party_id=uuid.uuid4(),
                fact_ids=(fact,),
                deadline=D,
            ),
            officer,
        ),
        lambda: app.record_hearing_answer(
            RecordHearingAnswer(
                proposal_id=prop, hearing_id=uuid.uuid4(), answered_on=D, response_ref="doc"
            ),
            officer,
        ),
        lambda: app.exempt_from_hearing(
            ExemptFromHearing(proposal_id=prop, fact_ids=(fact,), justification="why"), officer
        ),
        lambda: app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(prop,)), officer),
    ]
    for command in refused:
        with pytest.raises(PhaseError, match="closed"):
            command()
    assert event_count(app) == before


def test_withdraw_is_possible_until_the_vote(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    a, b = new_idea(app, member, pid), new_idea(app, member, pid)
    advance(app, officer, pid, Phase.REVIEW)
    app.withdraw_idea(WithdrawIdea(proposal_id=a, reason="We found funding elsewhere"), member)
    assert app.get_proposal(a).status == "withdrawn"
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(PhaseError):
        app.withdraw_idea(WithdrawIdea(proposal_id=b, reason="too late"), member)


def test_merge_saves_both_ideas_in_one_commit(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    source, target = new_idea(app, member, pid), new_idea(app, member, pid)
    before = event_count(app)
    receipt = app.merge_ideas(
        MergeIdeas(source_id=source, target_id=target, expected_version=1, target_version=1),
        officer,
    )
    assert receipt.aggregate_id == source
    assert event_count(app) == before + 2
    assert app.get_proposal(source).merged_into == target
    assert app.get_proposal(target).absorbed == (source,)
    assert event_names(app, target)[-1] == "Absorbed"


def test_a_merge_that_loses_a_race_on_the_target_writes_nothing(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    source_id, target_id = new_idea(app, member, pid), new_idea(app, member, pid)
    source, stale_target = app.get_proposal(source_id), app.get_proposal(target_id)
    app.amend_idea(AmendIdea(proposal_id=target_id, title="Changed meanwhile"), member)
    source.merge_into(officer, stale_target)
    with pytest.raises(StaleVersion):
        app.commit(source, stale_target)
    assert app.get_proposal(source_id).status == "open"
    assert app.get_proposal(target_id).absorbed == ()


def test_merge_refusals_through_the_app(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    other = new_process(app, officer, council_id, code="pb-other")
    a, b = new_idea(app, member, pid), new_idea(app, member, other)
    with pytest.raises(RuleViolation, match="within one process"):
        app.merge_ideas(MergeIdeas(source_id=a, target_id=b), officer)
    with pytest.raises(RuleViolation, match="itself"):
        app.merge_ideas(MergeIdeas(source_id=a, target_id=a), officer)
    with pytest.raises(NotFound):
        app.merge_ideas(MergeIdeas(source_id=a, target_id=uuid.uuid4()), officer)
    with pytest.raises(StaleVersion):
        app.merge_ideas(MergeIdeas(source_id=a, target_id=b, target_version=5), officer)
    assert app.get_proposal(a).version == 1


def test_review_flow_through_the_app(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    good, bad = developed(app, member, pid), developed(app, member, pid)
    advance(app, officer, pid, Phase.REVIEW)
    with pytest.raises(InvalidInput, match="this process uses DKK"):
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=good, feasible=True, reason="", assessed_cost=Money.of(5, "EUR")
            ),
            officer,
        )
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=good, feasible=True, reason="Straightforward", assessed_cost=dkk(45_000)
        ),
        officer,
    )
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=bad, feasible=False, reason="Not council land", assessed_cost=None
        ),
        officer,
    )
    app.shortlist(Shortlist(proposal_id=good), officer)
    with pytest.raises(RuleViolation, match="assessed unfeasible"):
        app.shortlist(Shortlist(proposal_id=bad), officer)
    app.decline_shortlist(DeclineShortlist(proposal_id=bad, reason="Not council land"), officer)
    assert app.get_proposal(good).status == "shortlisted"
    assert app.get_proposal(bad).status == "not_shortlisted"
    assert event_names(app, good)[-2:] == ["FeasibilityAssessed", "Shortlisted"]


def test_case_file_through_the_app(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    prop = developed(app, member, pid)
    fact, hearing = uuid.uuid4(), uuid.uuid4()
    summary = "Police report on the site (doc 9)"
    app.record_fact(
        RecordFact(
            proposal_id=prop,
            fact_id=fact,
            summary=summary,
            adverse=True,
            essential=True,
            known_to_party=False,
            noted_on=FILED,
        ),
        officer,
    )
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=date(2026, 7, 1),
            sent_on=FILED,
        ),
        officer,
    )
    app.record_hearing_answer(
        RecordHearingAnswer(
            proposal_id=prop,
            hearing_id=hearing,
            answered_on=date(2026, 6, 20),
            response_ref="Journal 9 doc 3",
        ),
        officer,
    )
    other = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=prop,
            fact_id=other,
            summary="Neighbour objection (doc 10)",
            adverse=True,
            essential=True,
            known_to_party=False,
        ),
        officer,
    )
    app.exempt_from_hearing(
        ExemptFromHearing(
            proposal_id=prop, fact_ids=(other,), justification="Party's own statement, §19(2) nr. 1"
        ),
        officer,
    )
    loaded = app.get_proposal(prop)
    assert loaded.unheard_facts((fact, other), date(2026, 6, 20)) == ()
    assert loaded.hearings[hearing].response_ref == "Journal 9 doc 3"
    assert event_names(app, prop)[-5:] == [
        "FactRecorded",
        "HearingSent",
        "HearingAnswered",
        "FactRecorded",
        "HearingExempted",
    ]


def test_open_ballot_puts_shortlisted_proposals_at_their_assessed_cost(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid, props = shortlisted(app, officer, member, council_id, n=2)
    with pytest.raises(PhaseError, match="only in vote"):
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(props)), officer)
    advance(app, officer, pid, Phase.VOTE)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(props)), officer)
    process = app.get_process(pid)
    assert process.ballot_state == "open"
    assert [(o.proposal_id, o.cost) for o in process.ballot_options] == [
        (p, dkk(40_000)) for p in props
    ]


def test_open_ballot_refuses_unshortlisted_foreign_or_repeated_proposals(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid, (ok,) = shortlisted(app, officer, member, council_id)
    other = new_process(app, officer, council_id, code="pb-other")
    foreign = new_idea(app, member, other)
    advance(app, officer, pid, Phase.VOTE)
    version = app.get_process(pid).version
    with pytest.raises(RuleViolation, match="belongs to process") as e:
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(ok, foreign)), officer)
    assert e.value.rule == "ballot-paper"
    with pytest.raises(InvalidInput, match="more than once"):
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(ok, ok)), officer)
    with pytest.raises(NotFound):
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(ok, uuid.uuid4())), officer)
    assert app.get_process(pid).version == version


def test_open_ballot_refuses_a_proposal_that_was_not_shortlisted(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    ok, declined = developed(app, member, pid), developed(app, member, pid)
    advance(app, officer, pid, Phase.REVIEW)
    app.assess_feasibility(
        AssessFeasibility(proposal_id=ok, feasible=True, reason="", assessed_cost=dkk(10)), officer
    )
    app.shortlist(Shortlist(proposal_id=ok), officer)
    app.assess_feasibility(
        AssessFeasibility(proposal_id=declined, feasible=True, reason="", assessed_cost=dkk(10)),
        officer,
    )
    app.decline_shortlist(
        DeclineShortlist(proposal_id=declined, reason="Budget better spent elsewhere"), officer
    )
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(RuleViolation, match="not_shortlisted, not shortlisted"):
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(ok, declined)), officer)
    assert app.get_process(pid).ballot_state == "not_opened"


def test_an_assessed_proposal_can_no_longer_be_redeveloped(officer: Actor) -> None:
    p = proposal(officer)
    p.develop(officer, dkk(12_000), "N", "parks", ())  # revising before review is allowed
    p.assess(officer, True, "", dkk(12_000))
    with pytest.raises(RuleViolation, match="no longer be redeveloped"):
        p.develop(officer, dkk(9_000), "N", "parks", ())
    assert p.cost_estimate == dkk(12_000)


def test_a_hearing_answer_is_a_reference_without_personal_data(officer: Actor) -> None:
    p, fact = case(officer)
    hearing = uuid.uuid4()
    p.send_hearing(officer, hearing, Hearing(uuid.uuid4(), (fact,), D, sent_on=FILED))
    with pytest.raises(InvalidInput, match="e-mail") as e:
        p.record_hearing_answer(officer, hearing, D, "mail from anna@example.dk")
    assert e.value.field == "response_ref"
    assert p.hearings[hearing].answered_on is None
