"""The timeline read model on real stores: one project's whole story, exact as of any time."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from api.cli.timeline import timeline as timeline_command
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.base import SYSTEM_ACTOR
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.contributions import (
    LogContribution,
    MakeCommitment,
    MarkCommitmentMet,
    VerifyContribution,
)
from coprod.application.commands.decisions import CorrectDecision, Decide
from coprod.application.commands.outcomes import RecordOutcome
from coprod.application.commands.people import ErasePerson, RegisterOrganisation, RegisterPerson
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.projects import (
    CompleteProject,
    CorrectSpend,
    DefineIndicator,
    DelayMilestone,
    FundProject,
    MeetMilestone,
    RecordSpend,
    ReportOutcome,
    ScheduleMilestone,
    StartMilestone,
)
from coprod.application.commands.proposals import (
    AmendIdea,
    AssessFeasibility,
    DevelopProposal,
    MergeIdeas,
    OpenBallot,
    RecordFact,
    Shortlist,
    SubmitIdea,
)
from coprod.domain.ballot import MarkedBallot
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase
from coprod.domain.decision import DecisionOutcome, DecisionRecord
from coprod.domain.errors import NotFound
from coprod.domain.organisation import OrganisationKind
from coprod.domain.phases import Phase
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from projections.registry import Projector
from projections.timeline import Timeline, TimelineEntry, project_timeline

MODELS = ["process_summary", "timeline"]


def dkk(amount: int) -> Money:
    return Money.of(amount, "DKK")


def moment() -> datetime:
    """A time strictly between the events recorded before and after it."""
    time.sleep(0.002)
    now = datetime.now(UTC)
    time.sleep(0.002)
    return now


@dataclass
class Chain:
    """One project's story, recorded on a real store, with what was seen along the way."""

    url: str
    app: Coprod
    idea: uuid.UUID  # A: the idea that became the project
    merged: uuid.UUID  # B: merged into A
    other: uuid.UUID  # C: another idea on the same ballot
    decision: uuid.UUID
    project: uuid.UUID
    spend: uuid.UUID
    before_merge: datetime
    before_project: datetime
    midway: datetime
    #: The timeline as read (as of now) at `midway`, before the corrections below.
    seen_midway: dict[str, Any]
    resident: Actor
    officer: Actor
    member: Actor

    def project_all(self) -> None:
        with Projector(self.app, models=MODELS) as projector:
            projector.catch_up()

    def timeline(self, subject: uuid.UUID, as_of: datetime | None = None) -> Timeline:
        return project_timeline(subject, as_of, settings=self.app.settings)


def build_chain(url: str) -> Chain:
    app = Coprod(parse_database_url(url))
    council = uuid.uuid4()
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    person = app.register_person(
        RegisterPerson(details={"name": "Karen Jensen"}), officer
    ).aggregate_id
    resident = Actor(person, Role.RESIDENT)
    other_resident = Actor(uuid.uuid4(), Role.RESIDENT)
    pid = app.open_process(
        OpenProcess(council_id=council, code="tl-1", name="Timeline test", currency="DKK"), officer
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=dkk(100_000)), officer)
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(VoteMethod.APPROVAL),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    group = app.register_organisation(
        RegisterOrganisation(
            slug=f"group-{uuid.uuid4().hex[:6]}",
            kind=OrganisationKind.COMMUNITY_GROUP,
            display_name="Friends",
        ),
        officer,
    ).aggregate_id
    member = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, group)

    a = app.submit_idea(
        SubmitIdea(
            process_id=pid, title="Pocket park", description="Trees and benches", area_code="north"
        ),
        resident,
    ).aggregate_id
    b = app.submit_idea(
        SubmitIdea(process_id=pid, title="More benches", description="Benches by the pond"),
        other_resident,
    ).aggregate_id
    c = app.submit_idea(
        SubmitIdea(process_id=pid, title="Bike racks", description="Racks at the station"), resident
    ).aggregate_id
    app.amend_idea(AmendIdea(proposal_id=a, title="Pocket park in Nordbyen"), resident)
    before_merge = moment()
    app.merge_ideas(MergeIdeas(source_id=b, target_id=a), officer)

    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), officer)
    app.develop_proposal(
        DevelopProposal(
            proposal_id=a,
            cost_estimate=dkk(1_000),
            area_code="north",
            category="green",
            co_producers=(group,),
        ),
        officer,
    )
    app.develop_proposal(
        DevelopProposal(
            proposal_id=a,
            cost_estimate=dkk(1_200),
            area_code="north",
            category="green",
            co_producers=(group,),
        ),
        officer,
    )
    app.develop_proposal(
        DevelopProposal(
            proposal_id=c, cost_estimate=dkk(800), area_code="centre", category="transport"
        ),
        officer,
    )
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    app.assess_feasibility(
        AssessFeasibility(proposal_id=a, feasible=False, reason="Too costly as drawn"), officer
    )
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=a,
            feasible=True,
            reason="Feasible with a smaller pond",
            assessed_cost=dkk(1_300),
        ),
        officer,
    )
    app.assess_feasibility(
        AssessFeasibility(proposal_id=c, feasible=True, reason="", assessed_cost=dkk(800)), officer
    )
    app.shortlist(Shortlist(proposal_id=a), officer)
    app.shortlist(Shortlist(proposal_id=c), officer)
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=a,
            fact_id=fact,
            summary="The site plan allows 900 m2 of paving",
            adverse=True,
            essential=True,
            known_to_party=True,
        ),
        officer,
    )

    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(a, c)), officer)
    app.cast_ballots(
        CastBallots(
            process_id=pid,
            ballots=tuple(
                [
                    MarkedBallot(
                        hashlib.sha256(f"voter-{i}".encode()).hexdigest(),
                        BallotChoices(
                            approvals=tuple(p for p, yes in ((a, i < 5), (c, i >= 2)) if yes)
                        ),
                    )
                    for i in range(6)
                ]
            ),
        ),
        SYSTEM_ACTOR,
    )
    app.close_ballot(CloseBallot(process_id=pid), officer)
    app.record_outcome(RecordOutcome(process_id=pid, rule="greedy"), SYSTEM_ACTOR)

    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DECISION), officer)
    decided_on = date.today()
    decision = app.decide(
        Decide(
            proposal_id=a,
            outcome=DecisionOutcome.FUNDED_IN_FULL,
            amount=dkk(1_300),
            decided_on=decided_on,
        ),
        officer,
    ).aggregate_id
    before_project = moment()
    project = app.fund_project(FundProject(decision_id=decision), officer).aggregate_id
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DELIVERY), officer)
    today = date.today()
    app.schedule_milestone(
        ScheduleMilestone(
            project_id=project, code="build", title="Built", due_on=today + timedelta(days=30)
        ),
        officer,
    )
    spend = uuid.uuid4()
    app.record_spend(
        RecordSpend(
            project_id=project,
            amount=dkk(500),
            spent_on=today,
            purpose="Works contract",
            spend_id=spend,
        ),
        officer,
    )
    commitment = app.make_commitment(
        MakeCommitment(
            organisation_id=group,
            project_id=project,
            phase=CoproductionPhase.CO_DELIVERY,
            level=CoproductionLevel.GROUP,
            pledged_hours=Decimal(40),
        ),
        member,
    ).aggregate_id
    contribution = app.log_contribution(
        LogContribution(
            commitment_id=commitment,
            organisation_id=group,
            project_id=project,
            hours=Decimal(6),
            people_count=3,
            phase=CoproductionPhase.CO_DELIVERY,
            level=CoproductionLevel.GROUP,
            worked_on=today,
        ),
        member,
    ).aggregate_id

    chain = Chain(
        url,
        app,
        a,
        b,
        c,
        decision,
        project,
        spend,
        before_merge,
        before_project,
        datetime.min.replace(tzinfo=UTC),
        {},
        resident,
        officer,
        member,
    )
    chain.project_all()
    chain.seen_midway = chain.timeline(project).to_dict()
    chain.midway = moment()

    # After the midway look: corrections, a delay, and delivery to the end.
    record = DecisionRecord(
        legal_basis=("Budget rules §4",),
        main_considerations=("The pond is dropped; the rest costs less",),
        facts_relied_on=(fact,),
        no_appeal_statement="No administrative appeal lies against this decision.",
    )
    app.correct_decision(
        CorrectDecision(
            decision_id=decision,
            reason="Pond dropped from the design",
            outcome=DecisionOutcome.FUNDED_PARTIALLY,
            amount=dkk(1_000),
            record=record,
            decided_on=decided_on,
        ),
        officer,
    )
    app.delay_milestone(
        DelayMilestone(
            project_id=project, code="build", new_due_on=today + timedelta(days=60), reason="Frost"
        ),
        officer,
    )
    app.correct_spend(
        CorrectSpend(project_id=project, spend_id=spend, amount=dkk(450), reason="Invoice was 450"),
        officer,
    )
    app.start_milestone(StartMilestone(project_id=project, code="build", started_on=today), officer)
    app.meet_milestone(
        MeetMilestone(
            project_id=project,
            code="build",
            met_on=today,
            evidence_url="https://example.org/park.jpg",
        ),
        officer,
    )
    app.verify_contribution(VerifyContribution(contribution_id=contribution), officer)
    app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment), officer)
    app.define_indicator(
        DefineIndicator(
            project_id=project,
            code="users",
            description="Weekly users",
            unit="people",
            target=Decimal(100),
        ),
        officer,
    )
    app.report_outcome(
        ReportOutcome(
            project_id=project,
            code="users",
            actual=Decimal(140),
            beneficiaries=320,
            reported_on=today,
        ),
        officer,
    )
    app.complete_project(CompleteProject(project_id=project, completed_on=today), officer)
    chain.project_all()
    return chain


@pytest.fixture
def chain(store_url: str) -> Any:
    built = build_chain(store_url)
    yield built
    built.app.close()


EXPECTED = [  # (event, subject: A/B/decision/project/process/outcome/commitment/contribution)
    ("Proposal.IdeaSubmitted", "A"),
    ("Proposal.IdeaSubmitted", "B"),
    ("Proposal.IdeaAmended", "A"),
    ("Proposal.MergedInto", "B"),
    ("Proposal.Absorbed", "A"),
    ("Proposal.DevelopedIntoProposal", "A"),
    ("Proposal.DevelopedIntoProposal", "A"),
    ("Proposal.FeasibilityAssessed", "A"),
    ("Proposal.FeasibilityAssessed", "A"),
    ("Proposal.Shortlisted", "A"),
    ("Proposal.FactRecorded", "A"),
    ("Process.BallotOpened", "process"),
    ("Process.BallotClosed", "process"),
    ("Outcome.Computed", "outcome"),
    ("Decision.DecisionMade", "decision"),
    ("Project.ProjectFunded", "project"),
    ("Project.MilestoneScheduled", "project"),
    ("Project.SpendRecorded", "project"),
    ("Commitment.CommitmentMade", "commitment"),
    ("Contribution.ContributionLogged", "contribution"),
    # after the midway look
    ("Decision.DecisionCorrected", "decision"),
    ("Project.MilestoneDelayed", "project"),
    ("Project.SpendCorrected", "project"),
    ("Project.MilestoneStarted", "project"),
    ("Project.MilestoneMet", "project"),
    ("Contribution.ContributionVerified", "contribution"),
    ("Commitment.CommitmentMet", "commitment"),
    ("Project.OutcomeIndicatorDefined", "project"),
    ("Project.OutcomeReported", "project"),
    ("Project.ProjectCompleted", "project"),
]


def by_event(entries: tuple[TimelineEntry, ...], event: str) -> list[TimelineEntry]:
    return [e for e in entries if e.event == event]


def changes(entry: TimelineEntry) -> dict[str, tuple[str | None, str | None]]:
    return {c.field: (c.before, c.after) for c in entry.changes}


def test_whole_story_in_order_with_links_corrections_and_field_changes(chain: Chain) -> None:
    story = chain.timeline(chain.project)
    entries = story.entries
    names = {chain.idea: "A", chain.merged: "B", chain.decision: "decision"}
    names[chain.project] = "project"
    seen = [(e.event, names.get(e.subject_id, e.subject_kind)) for e in entries]
    assert seen == EXPECTED
    positions = [e.position for e in entries]
    assert positions == sorted(positions)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert story.chain_ids == (chain.idea, chain.merged)
    assert story.project_id == chain.project
    assert story.decision_ids == (chain.decision,)
    assert chain.other not in {e.subject_id for e in entries}  # C's story is its own

    # Who: role and organisation on every row, never a name.
    submitted = entries[0]
    assert (submitted.actor_id, submitted.actor_role) == (chain.resident.id, "resident")
    assert submitted.actor_organisation_id is None
    logged = by_event(entries, "Contribution.ContributionLogged")[0]
    assert (logged.actor_role, logged.actor_organisation_id) == (
        "community_member",
        chain.member.organisation_id,
    )

    # Field-level: the amendment, the revised estimate and the re-assessment show before/after.
    amended = by_event(entries, "Proposal.IdeaAmended")[0]
    assert changes(amended) == {"title": ("Pocket park", "Pocket park in Nordbyen")}
    first, revised = by_event(entries, "Proposal.DevelopedIntoProposal")
    assert changes(revised) == {"cost_estimate": ("1000 DKK", "1200 DKK")}
    assert revised.corrects == first.position
    assert first.corrected_by == (revised.position,)
    unfeasible, feasible = by_event(entries, "Proposal.FeasibilityAssessed")
    assert unfeasible.reason == "Too costly as drawn"
    assert changes(feasible) == {"feasible": ("no", "yes"), "assessed_cost": (None, "1300 DKK")}
    assert feasible.corrects == unfeasible.position

    # Merges, both directions.
    merged = by_event(entries, "Proposal.MergedInto")[0]
    absorbed = by_event(entries, "Proposal.Absorbed")[0]
    assert [(x.relation, x.target) for x in merged.links] == [("merged_into", str(chain.idea))]
    assert [(x.relation, x.target) for x in absorbed.links] == [("merged_from", str(chain.merged))]

    # The count that led to the decision, and the decision with its correction beside it.
    counted = by_event(entries, "Outcome.Computed")[0]
    assert changes(counted) == {
        "rule": (None, "greedy"),
        "score": (None, "5"),
        "selected": (None, "yes"),
    }
    made = by_event(entries, "Decision.DecisionMade")[0]
    assert ("counted_by", "outcome", str(counted.subject_id)) in {
        (x.relation, x.kind, x.target) for x in made.links
    }
    corrected = by_event(entries, "Decision.DecisionCorrected")[0]
    assert corrected.corrects == made.position
    assert made.corrected_by == (corrected.position,)
    assert corrected.reason == "Pond dropped from the design"
    diff = changes(corrected)
    assert diff["original_outcome"] == (None, "funded_in_full")
    assert diff["outcome"] == ("funded_in_full", "funded_partially")
    assert diff["amount"] == ("1300 DKK", "1000 DKK")
    assert diff["record.legal_basis"] == (None, "Budget rules §4")
    assert "decided_on" not in diff  # unchanged fields are not listed

    # idea -> proposal -> decision -> project links.
    funded = by_event(entries, "Project.ProjectFunded")[0]
    assert {(x.relation, x.target) for x in funded.links} == {
        ("funded_by", str(chain.decision)),
        ("delivers", str(chain.idea)),
    }
    commitment = by_event(entries, "Commitment.CommitmentMade")[0]
    assert ("by", "organisation", str(chain.member.organisation_id)) in {
        (x.relation, x.kind, x.target) for x in commitment.links
    }

    # A delay shows the old and new due date; a spend correction points at the spend.
    today = date.today()
    scheduled = by_event(entries, "Project.MilestoneScheduled")[0]
    delayed = by_event(entries, "Project.MilestoneDelayed")[0]
    assert changes(delayed) == {
        "due_on": (
            (today + timedelta(days=30)).isoformat(),
            (today + timedelta(days=60)).isoformat(),
        )
    }
    assert (delayed.reason, delayed.item, delayed.corrects) == (
        "Frost",
        "build",
        scheduled.position,
    )
    recorded = by_event(entries, "Project.SpendRecorded")[0]
    spend_fix = by_event(entries, "Project.SpendCorrected")[0]
    assert spend_fix.corrects == recorded.position
    assert changes(spend_fix) == {"amount": ("500 DKK", "450 DKK")}
    assert recorded.item == spend_fix.item == chain.spend.hex
    assert changes(by_event(entries, "Project.ProjectCompleted")[0])["status"] == (
        "in_delivery",
        "completed",
    )

    # Ballots are not listed; the proposal's tally (after the close) is: 5 of 6 approved A.
    assert story.tally is not None
    assert [(t.proposal_id, t.approvals) for t in story.tally] == [(chain.idea, 5)]


def test_every_id_of_the_chain_gives_the_same_story(chain: Chain) -> None:
    whole = chain.timeline(chain.project).entries
    for subject in (chain.idea, chain.merged, chain.decision):
        assert chain.timeline(subject).entries == whole
    assert chain.timeline(chain.other).chain_ids == (chain.other,)


def test_as_of_equals_what_was_seen_then(chain: Chain) -> None:
    later = chain.timeline(chain.project, chain.midway).to_dict()
    assert later.pop("as_of") == chain.midway.isoformat()
    seen = dict(chain.seen_midway)
    assert seen.pop("as_of") is None
    assert later == seen
    assert len(seen["entries"]) == 20  # nothing after the midway look

    # Before the merge, A and B each had only their own story.
    early_a = chain.timeline(chain.idea, chain.before_merge)
    early_b = chain.timeline(chain.merged, chain.before_merge)
    assert [e.event for e in early_a.entries] == ["Proposal.IdeaSubmitted", "Proposal.IdeaAmended"]
    assert [e.subject_id for e in early_b.entries] == [chain.merged]
    assert early_a.tally is None
    assert early_a.decision_ids == ()

    # Before the project was funded, its id was unknown; its idea was not.
    with pytest.raises(NotFound):
        chain.timeline(chain.project, chain.before_project)
    assert chain.timeline(chain.idea, chain.before_project).project_id is None


def test_unknown_id_and_public_view(chain: Chain) -> None:
    with pytest.raises(NotFound):
        chain.timeline(uuid.uuid4())
    public = chain.timeline(chain.project).to_dict(public=True)
    assert public["personal_fields"] == []
    assert all("actor_id" not in e for e in public["entries"])
    evaluator = chain.timeline(chain.project).to_dict()
    assert evaluator["personal_fields"] == ["entries[].actor_id"]
    assert evaluator["entries"][0]["actor_id"] == str(chain.resident.id)
    json.dumps(evaluator)  # JSON-ready as it is


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(timeline_command)
    return app


def test_cli_table_and_json(sqlite_url: str) -> None:
    built = build_chain(sqlite_url)
    try:
        runner = CliRunner(env={"COPROD_DATABASE_URL": sqlite_url, "COLUMNS": "250"})
        result = runner.invoke(cli(), [str(built.project), "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data == {**built.timeline(built.project).to_dict(), "community": None}
        assert [e["event"] for e in data["entries"]] == [event for event, _ in EXPECTED]

        midway = runner.invoke(
            cli(), [str(built.idea), "--as-of", built.midway.isoformat(), "--format", "json"]
        )
        assert midway.exit_code == 0, midway.output
        assert len(json.loads(midway.stdout)["entries"]) == 20

        table = runner.invoke(cli(), [str(built.project)])
        assert table.exit_code == 0, table.output
        assert "people on" in table.stdout  # the council's console keeps each log's count
        assert "none published yet" in table.stdout
        public = runner.invoke(cli(), [str(built.project), "--public"])
        assert public.exit_code == 0, public.output
        assert "work logged:" in public.stdout
        assert "people on" not in public.stdout
        shown = json.loads(
            runner.invoke(cli(), [str(built.project), "--public", "--format", "json"]).stdout
        )
        for entry in shown["entries"]:
            if entry["event"] == "Contribution.ContributionLogged":
                assert "people" not in entry["summary"]
                assert "people_count" not in {c["field"] for c in entry["changes"]}
        assert "decision corrected: funded_in_full -> funded_partially" in table.stdout
        assert "due_on:" in table.stdout
        assert "Frost" in table.stdout
        assert "Ballot result for" in table.stdout
        assert "approvals 5" in table.stdout

        unknown = runner.invoke(cli(), [str(uuid.uuid4())])
        assert unknown.exit_code == 2
        assert "no project, idea or decision with id" in unknown.stderr
        assert "Traceback" not in unknown.output
        naive = runner.invoke(cli(), [str(built.project), "--as-of", "2026-01-01T00:00:00"])
        assert naive.exit_code == 2
        assert "UTC offset" in naive.stderr
        bad = runner.invoke(cli(), ["not-an-id"])
        assert bad.exit_code == 2
        assert "not an id" in bad.stderr
    finally:
        built.app.close()


def test_no_personal_details_before_or_after_erasure(chain: Chain) -> None:
    before = chain.timeline(chain.project).to_dict()
    assert "Karen" not in json.dumps(before, ensure_ascii=False)
    chain.app.erase_person(ErasePerson(person_id=chain.resident.id), chain.officer)
    chain.project_all()
    after = chain.timeline(chain.project).to_dict()
    assert after == before  # only a pseudonymous id was ever shown; the story is intact
