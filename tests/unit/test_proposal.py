"""Ideas and proposals: submission to shortlist, merges in one commit, the case file, the ballot."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from coprod.application import Coprod, Receipt
from coprod.application.proposals import _require_shortlisting_open
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
    pid = app.open_process(officer, council_id, code, f"PB {code}", "DKK").aggregate_id
    app.set_budget(officer, pid, dkk(1_000_000))
    app.set_rules(officer, pid, VotingRules(VoteMethod.APPROVAL), SelectionRule("greedy"))
    if areas:
        app.define_areas(officer, pid, (Area("N", "North"), Area("S", "South")))
    return pid


def advance(app: Coprod, officer: Actor, pid: UUID, phase: Phase) -> None:
    app.advance_phase(officer, pid, phase)


def new_idea(app: Coprod, actor: Actor, pid: UUID, title: str = "Benches by the lake") -> UUID:
    return app.submit_idea(actor, pid, title, "Five benches along the path.").aggregate_id


def developed(app: Coprod, actor: Actor, pid: UUID, cost: int = 50_000) -> UUID:
    prop = new_idea(app, actor, pid)
    app.develop_proposal(actor, prop, dkk(cost), "N", "parks", (uuid.uuid4(),))
    return prop


def shortlisted(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID, n: int = 1
) -> tuple[UUID, list[UUID]]:
    """A process in REVIEW with n shortlisted proposals assessed at 40 000 DKK each."""
    pid = new_process(app, officer, council_id)
    props = [developed(app, member, pid) for _ in range(n)]
    advance(app, officer, pid, Phase.REVIEW)
    for prop in props:
        app.assess_feasibility(officer, prop, True, "", dkk(40_000))
        app.shortlist(officer, prop)
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
    p.record_fact(officer, fact, summary, True, True, False, noted_on=FILED)
    return p, fact


def test_record_fact_refuses_duplicates_and_personal_data(officer: Actor) -> None:
    p, fact = case(officer)
    with pytest.raises(AlreadyExists):
        p.record_fact(officer, fact, "again", True, True, False)
    with pytest.raises(InvalidInput, match="e-mail") as e:
        p.record_fact(officer, uuid.uuid4(), "Complaint from jens@example.dk", True, True, False)
    assert e.value.field == "summary"
    with pytest.raises(InvalidInput, match="CPR"):
        p.record_fact(officer, uuid.uuid4(), "Applicant 010190-1234 owes tax", True, True, False)
    assert list(p.facts) == [fact]


def test_a_fact_that_is_adverse_essential_and_unknown_needs_a_hearing(officer: Actor) -> None:
    p, fact = case(officer)
    mild, core, known = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    p.record_fact(officer, mild, "Minor noise concern", True, False, False)
    p.record_fact(officer, core, "Budget is tight", False, True, False)
    p.record_fact(officer, known, "Applicant's own survey", True, True, True)
    assert p.unheard_facts((mild, core, known, fact, fact), D) == (fact,)
    assert p.unheard_facts((uuid.uuid4(),), D) == ()


def test_a_hearing_counts_once_answered_or_once_its_deadline_passed(officer: Actor) -> None:
    p, fact = case(officer)
    hearing = uuid.uuid4()
    p.send_hearing(officer, hearing, uuid.uuid4(), (fact,), date(2026, 6, 10), date(2026, 5, 20))
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
        p.send_hearing(officer, uuid.uuid4(), uuid.uuid4(), (stranger,), D, FILED)
    with pytest.raises(InvalidInput, match="at least one fact"):
        p.send_hearing(officer, uuid.uuid4(), uuid.uuid4(), (), D, FILED)
    with pytest.raises(InvalidInput, match="not on the case file"):
        p.exempt_from_hearing(officer, (stranger,), "why")
    hearing = uuid.uuid4()
    p.send_hearing(officer, hearing, uuid.uuid4(), (fact,), D, FILED)
    with pytest.raises(AlreadyExists):
        p.send_hearing(officer, hearing, uuid.uuid4(), (fact,), D, FILED)
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
        app.submit_idea(member, uuid.uuid4(), "Lights", "Lamps")
    assert event_count(app) == before


def test_an_idea_goes_round_trip_through_the_store(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id, areas=True)
    receipt = app.submit_idea(member, pid, "Lights", "Lamps", area_code="N", category="safety")
    app.amend_idea(member, receipt.aggregate_id, description="Solar lamps", expected_version=1)
    loaded = app.get_proposal(receipt.aggregate_id)
    assert (loaded.title, loaded.description, loaded.area_code, loaded.version) == (
        "Lights",
        "Solar lamps",
        "N",
        2,
    )
    with pytest.raises(StaleVersion):
        app.amend_idea(member, receipt.aggregate_id, title="x", expected_version=1)


def test_areas_and_currency_are_checked_against_the_process(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id, areas=True)
    with pytest.raises(InvalidInput, match="not an area") as e:
        app.submit_idea(member, pid, "Lights", "Lamps", area_code="X")
    assert e.value.field == "area_code"
    prop = new_idea(app, member, pid)
    with pytest.raises(InvalidInput, match="this process uses DKK") as e:
        app.develop_proposal(member, prop, Money.of(100, "EUR"), "N", "parks")
    assert e.value.field == "cost_estimate"
    with pytest.raises(InvalidInput, match="not an area"):
        app.develop_proposal(member, prop, dkk(100), "X", "parks")
    assert app.get_proposal(prop).version == 1


def test_ideas_phase_commands_are_refused_from_review_on(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    a, b = new_idea(app, member, pid), new_idea(app, member, pid)
    advance(app, officer, pid, Phase.DEVELOPMENT)
    app.amend_idea(member, a, title="Still allowed in development")
    advance(app, officer, pid, Phase.REVIEW)
    before = event_count(app)
    with pytest.raises(PhaseError, match="review phase"):
        app.submit_idea(member, pid, "Late", "too late")
    with pytest.raises(PhaseError):
        app.amend_idea(member, a, title="Late")
    with pytest.raises(PhaseError):
        app.merge_ideas(member, a, b)
    with pytest.raises(PhaseError):
        app.develop_proposal(member, a, dkk(5), "N", "parks")
    assert event_count(app) == before


def test_review_commands_are_refused_outside_review(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    prop = developed(app, member, pid)
    with pytest.raises(PhaseError, match="cannot assess feasibility in the ideas phase"):
        app.assess_feasibility(officer, prop, True, "", dkk(5))
    with pytest.raises(PhaseError):
        app.shortlist(officer, prop)
    with pytest.raises(PhaseError):
        app.decline_shortlist(officer, prop, "no")
    advance(app, officer, pid, Phase.REVIEW)
    app.assess_feasibility(officer, prop, True, "ok", dkk(5))
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(PhaseError, match="vote phase"):
        app.shortlist(officer, prop)


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
        lambda: app.submit_idea(member, pid, "t", "d"),
        lambda: app.amend_idea(member, prop, title="t2"),
        lambda: app.withdraw_idea(member, prop, "r"),
        lambda: app.develop_proposal(member, prop, dkk(5), "N", "c"),
        lambda: app.assess_feasibility(officer, prop, True, "", dkk(5)),
        lambda: app.shortlist(officer, prop),
        lambda: app.decline_shortlist(officer, prop, "r"),
        lambda: app.record_fact(officer, prop, fact, "s", True, True, False),
        lambda: app.send_hearing(officer, prop, uuid.uuid4(), uuid.uuid4(), (fact,), D),
        lambda: app.record_hearing_answer(officer, prop, uuid.uuid4(), D, "doc"),
        lambda: app.exempt_from_hearing(officer, prop, (fact,), "why"),
        lambda: app.open_ballot(officer, pid, (prop,)),
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
    app.withdraw_idea(member, a, "We found funding elsewhere")
    assert app.get_proposal(a).status == "withdrawn"
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(PhaseError):
        app.withdraw_idea(member, b, "too late")


def test_merge_saves_both_ideas_in_one_commit(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    source, target = new_idea(app, member, pid), new_idea(app, member, pid)
    before = event_count(app)
    receipt = app.merge_ideas(officer, source, target, expected_version=1, target_version=1)
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
    app.amend_idea(member, target_id, title="Changed meanwhile")
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
        app.merge_ideas(officer, a, b)
    with pytest.raises(RuleViolation, match="itself"):
        app.merge_ideas(officer, a, a)
    with pytest.raises(NotFound):
        app.merge_ideas(officer, a, uuid.uuid4())
    with pytest.raises(StaleVersion):
        app.merge_ideas(officer, a, b, target_version=5)
    assert app.get_proposal(a).version == 1


def test_review_flow_through_the_app(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    good, bad = developed(app, member, pid), developed(app, member, pid)
    advance(app, officer, pid, Phase.REVIEW)
    with pytest.raises(InvalidInput, match="this process uses DKK"):
        app.assess_feasibility(officer, good, True, "", Money.of(5, "EUR"))
    app.assess_feasibility(officer, good, True, "Straightforward", dkk(45_000))
    app.assess_feasibility(officer, bad, False, "Not council land", None)
    app.shortlist(officer, good)
    with pytest.raises(RuleViolation, match="assessed unfeasible"):
        app.shortlist(officer, bad)
    app.decline_shortlist(officer, bad, "Not council land")
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
    app.record_fact(officer, prop, fact, summary, True, True, False, noted_on=FILED)
    app.send_hearing(officer, prop, hearing, member.id, (fact,), date(2026, 7, 1), sent_on=FILED)
    app.record_hearing_answer(officer, prop, hearing, date(2026, 6, 20), "Journal 9 doc 3")
    other = uuid.uuid4()
    app.record_fact(officer, prop, other, "Neighbour objection (doc 10)", True, True, False)
    app.exempt_from_hearing(officer, prop, (other,), "Party's own statement, §19(2) nr. 1")
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
        app.open_ballot(officer, pid, tuple(props))
    advance(app, officer, pid, Phase.VOTE)
    app.open_ballot(officer, pid, tuple(props))
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
        app.open_ballot(officer, pid, (ok, foreign))
    assert e.value.rule == "ballot-paper"
    with pytest.raises(InvalidInput, match="more than once"):
        app.open_ballot(officer, pid, (ok, ok))
    with pytest.raises(NotFound):
        app.open_ballot(officer, pid, (ok, uuid.uuid4()))
    assert app.get_process(pid).version == version


def test_open_ballot_refuses_a_proposal_that_was_not_shortlisted(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    ok, declined = developed(app, member, pid), developed(app, member, pid)
    advance(app, officer, pid, Phase.REVIEW)
    app.assess_feasibility(officer, ok, True, "", dkk(10))
    app.shortlist(officer, ok)
    app.assess_feasibility(officer, declined, True, "", dkk(10))
    app.decline_shortlist(officer, declined, "Budget better spent elsewhere")
    advance(app, officer, pid, Phase.VOTE)
    with pytest.raises(RuleViolation, match="not_shortlisted, not shortlisted"):
        app.open_ballot(officer, pid, (ok, declined))
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
    p.send_hearing(officer, hearing, uuid.uuid4(), (fact,), D, FILED)
    with pytest.raises(InvalidInput, match="e-mail") as e:
        p.record_hearing_answer(officer, hearing, D, "mail from anna@example.dk")
    assert e.value.field == "response_ref"
    assert p.hearings[hearing].answered_on is None
