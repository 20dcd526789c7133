"""The impact read model and report on real stores: every measure against a hand computation.

One small PB cycle (hand-countable: 11 voters, 3 proposals, 2 projects, 3 contribution logs)
is driven through the real use cases, projected with the real runner, and each figure of the
report is compared with the value worked out in the comments from the raw inputs.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.contributions import (
    DisputeContribution,
    LogContribution,
    MakeCommitment,
    MarkCommitmentMet,
    VerifyContribution,
)
from coprod.application.commands.decisions import CorrectDecision, Decide
from coprod.application.commands.parameters import LoadCensusShares, LoadVolunteerRates
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    DefineAreas,
    OpenProcess,
    SetBudget,
    SetDisclosureThreshold,
    SetEligiblePopulation,
    SetRules,
)
from coprod.application.commands.projects import (
    CompleteProject,
    CorrectSpend,
    FundProject,
    MeetMilestone,
    RecordMatchFunding,
    RecordSpend,
    ScheduleMilestone,
    StartMilestone,
)
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    RecordFact,
    Shortlist,
    SubmitIdea,
    WithdrawIdea,
)
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, MarkedBallot, Sex
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.decision import DecisionOutcome, DecisionRecord
from coprod.domain.organisation import OrganisationKind
from coprod.domain.parameters import AreaQuintile, CensusDimension, GroupShare
from coprod.domain.phases import Phase
from coprod.domain.process import Area
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from projections.impact.model import ImpactModel
from projections.impact.report import ImpactReport, impact_report
from projections.registry import Projector
from projections.stored_ballot import StoredBallot, parse_stored_ballot

TODAY = date.today()
DECIDED = TODAY - timedelta(days=400)


def dkk(n: int | str) -> Money:
    return Money.of(n, "DKK")


def pseudonym(n: object) -> str:
    import hashlib

    return hashlib.sha256(str(n).encode()).hexdigest()


@dataclass
class Cycle:
    app: Coprod
    url: str
    officer: Actor
    pid: uuid.UUID
    ideas: dict[str, uuid.UUID]
    decisions: dict[str, uuid.UUID]
    projects: dict[str, uuid.UUID]
    spends: dict[str, uuid.UUID]


def cells(report: ImpactReport, title: str) -> dict[str, dict[str, Any]]:
    """Rows of one table by their first column (the label)."""
    table = report.table(title)
    return {str(row[table.columns[0]]): row for row in table.as_dicts()}


def project(url: str, app: Coprod) -> None:
    with Projector(app, models=["impact"]) as projector:
        projector.catch_up()


def run_cycle(app: Coprod, url: str, voters: dict[tuple[str | None, Sex | None], int]) -> Cycle:
    council = uuid.uuid4()
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    submitters = [Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council) for _ in range(3)]
    pid = app.open_process(
        OpenProcess(
            council_id=council, code=f"c-{uuid.uuid4().hex[:6]}", name="Cycle", currency="DKK"
        ),
        officer,
    ).aggregate_id
    app.set_budget(
        SetBudget(process_id=pid, pot=dkk(100_000), budget_base=dkk(10_000_000)), officer
    )
    app.set_eligible_population(SetEligiblePopulation(process_id=pid, eligible=50), officer)
    app.define_areas(
        DefineAreas(process_id=pid, areas=(Area("north", "N", 100, 1), Area("south", "S", 300, 3))),
        officer,
    )
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(VoteMethod.APPROVAL),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    sex = (GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.5")))
    app.load_census_shares(
        LoadCensusShares(
            council_id=council,
            dimension=CensusDimension.SEX,
            shares=sex,
            source="census 2024",
            reference_year=2024,
        ),
        officer,
    )
    app.load_census_shares(
        LoadCensusShares(
            council_id=council,
            dimension=CensusDimension.DEPRIVATION_QUINTILE,
            shares=tuple(GroupShare(q, Decimal("0.2")) for q in "12345"),
            source="IMD 2019",
            reference_year=2019,
            area_quintiles=(AreaQuintile("north", 1), AreaQuintile("south", 5)),
        ),
        officer,
    )
    ideas = {
        "A": app.submit_idea(
            SubmitIdea(process_id=pid, title="A", description="a", area_code="north"), submitters[0]
        ).aggregate_id,
        "B": app.submit_idea(
            SubmitIdea(process_id=pid, title="B", description="b", area_code="south"), submitters[1]
        ).aggregate_id,
        "C": app.submit_idea(
            SubmitIdea(process_id=pid, title="C", description="c", area_code="south"), submitters[0]
        ).aggregate_id,
        "D": app.submit_idea(
            SubmitIdea(process_id=pid, title="D", description="d"), submitters[2]
        ).aggregate_id,
    }
    app.withdraw_idea(WithdrawIdea(proposal_id=ideas["D"], reason="changed my mind"), submitters[2])
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), officer)
    app.develop_proposal(
        DevelopProposal(
            proposal_id=ideas["A"], cost_estimate=dkk(10_000), area_code="north", category="green"
        ),
        officer,
    )
    app.develop_proposal(
        DevelopProposal(
            proposal_id=ideas["B"], cost_estimate=dkk(20_000), area_code="south", category="green"
        ),
        officer,
    )
    app.develop_proposal(
        DevelopProposal(
            proposal_id=ideas["C"], cost_estimate=dkk(10_000), area_code="south", category="youth"
        ),
        officer,
    )
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=ideas["A"], feasible=True, reason="ok", assessed_cost=dkk(10_000)
        ),
        officer,
    )
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=ideas["B"], feasible=True, reason="ok", assessed_cost=dkk(20_000)
        ),
        officer,
    )
    app.assess_feasibility(
        AssessFeasibility(proposal_id=ideas["C"], feasible=False, reason="no site"), officer
    )
    app.shortlist(Shortlist(proposal_id=ideas["A"]), officer)
    app.shortlist(Shortlist(proposal_id=ideas["B"]), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(ideas["A"], ideas["B"])), officer)
    ballots = []
    n = 0
    for (area, s), count in voters.items():
        for _ in range(count):
            n += 1
            ballots.append(
                MarkedBallot(
                    pseudonym((pid, n)),
                    BallotChoices(approvals=(ideas["A"],)),
                    BallotChannel.PAPER,
                    area,
                    AgeBand.AGE_25_34 if s is not None else None,
                    s,
                )
            )
    app.cast_ballots(CastBallots(process_id=pid, ballots=tuple(ballots)), officer)
    app.close_ballot(CloseBallot(process_id=pid), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DECISION), officer)
    decisions = {
        "A": app.decide(
            Decide(
                proposal_id=ideas["A"],
                outcome=DecisionOutcome.FUNDED_IN_FULL,
                amount=dkk(10_000),
                decided_on=DECIDED,
            ),
            officer,
        ).aggregate_id,
        "B": app.decide(
            Decide(
                proposal_id=ideas["B"],
                outcome=DecisionOutcome.FUNDED_IN_FULL,
                amount=dkk(20_000),
                decided_on=DECIDED,
            ),
            officer,
        ).aggregate_id,
    }
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=ideas["C"],
            fact_id=fact,
            summary="site survey",
            adverse=True,
            essential=True,
            known_to_party=True,
            noted_on=DECIDED,
        ),
        officer,
    )
    record = DecisionRecord(("PB rules §3",), ("no site",), (fact,), None, "no appeal route")
    decisions["C"] = app.decide(
        Decide(
            proposal_id=ideas["C"],
            outcome=DecisionOutcome.REJECTED,
            record=record,
            decided_on=DECIDED,
        ),
        officer,
    ).aggregate_id
    projects = {
        k: app.fund_project(FundProject(decision_id=decisions[k]), officer).aggregate_id
        for k in ("A", "B")
    }
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DELIVERY), officer)
    a, b = projects["A"], projects["B"]
    app.schedule_milestone(
        ScheduleMilestone(
            project_id=a, code="m1", title="build", due_on=TODAY + timedelta(days=10)
        ),
        officer,
    )
    app.start_milestone(StartMilestone(project_id=a, code="m1", started_on=TODAY), officer)
    app.meet_milestone(
        MeetMilestone(project_id=a, code="m1", met_on=TODAY, evidence_url="https://example.org/a"),
        officer,
    )
    app.complete_project(CompleteProject(project_id=a, completed_on=TODAY), officer)
    app.schedule_milestone(
        ScheduleMilestone(project_id=b, code="m2", title="plan", due_on=TODAY + timedelta(days=30)),
        officer,
    )
    app.schedule_milestone(
        ScheduleMilestone(project_id=b, code="m3", title="order", due_on=TODAY - timedelta(days=1)),
        officer,
    )
    spends = {"A": uuid.uuid4(), "B": uuid.uuid4()}
    app.record_spend(
        RecordSpend(
            project_id=b, amount=dkk(5_000), spent_on=TODAY, purpose="design", spend_id=spends["B"]
        ),
        officer,
    )
    app.record_match_funding(
        RecordMatchFunding(project_id=b, source="Foundation", amount=dkk(3_000), received_on=TODAY),
        officer,
    )
    group = app.register_organisation(
        RegisterOrganisation(
            slug=f"g-{uuid.uuid4().hex[:6]}",
            kind=OrganisationKind.COMMUNITY_GROUP,
            display_name="Group",
        ),
        officer,
    ).aggregate_id
    commitment = app.make_commitment(
        MakeCommitment(
            organisation_id=group,
            project_id=a,
            phase=CoproductionPhase.CO_DELIVERY,
            level=CoproductionLevel.GROUP,
            pledged_hours=Decimal(20),
            in_kind=InKindAsset("a van", dkk(2_000)),
        ),
        officer,
    ).aggregate_id
    app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment), officer)
    logs = []
    for hours, people, seconds in ((4, 2, 10), (6, 3, 20), (10, 1, 30)):
        logs.append(
            app.log_contribution(
                LogContribution(
                    commitment_id=commitment,
                    organisation_id=group,
                    project_id=a,
                    hours=Decimal(hours),
                    people_count=people,
                    phase=CoproductionPhase.CO_DELIVERY,
                    level=CoproductionLevel.GROUP,
                    worked_on=TODAY,
                    seconds_to_log=seconds,
                ),
                officer,
            ).aggregate_id
        )
    app.verify_contribution(VerifyContribution(contribution_id=logs[0]), officer)
    app.dispute_contribution(
        DisputeContribution(contribution_id=logs[2], reason="no such day"), officer
    )
    # A's spend recorded after completion is allowed? No: spend only in delivery; A's came first.
    return Cycle(app, url, officer, pid, ideas, decisions, projects, spends)


@pytest.fixture
def cycle(store_url: str) -> Any:
    app = Coprod(parse_database_url(store_url))
    try:
        yield run_cycle(
            app,
            store_url,
            {("north", Sex.FEMALE): 6, ("south", Sex.MALE): 4, (None, None): 1},
        )
    finally:
        app.close()


def report(c: Cycle, as_of: datetime | None = None) -> ImpactReport:
    project(c.url, c.app)
    return impact_report(c.pid, as_of, settings=parse_database_url(c.url))


def test_every_measure_matches_the_hand_computation(cycle: Cycle) -> None:
    r = report(cycle)
    assert r.k == 5
    assert r.method
    # turnout: V = 6 + 4 + 1 = 11, E = 50
    t = cells(r, "turnout")["all"]
    assert (t["voters_V"], t["eligible_E"], t["turnout"]) == (11, 50, Decimal("0.22"))
    # funnel: 3 submitters (< k: hidden), 4 ideas, 3 proposals, 2 shortlisted, 11 voters
    f = cells(r, "participation funnel")
    assert f["idea submitters"]["count"] is None
    assert f["idea submitters"]["count_suppressed"] == "primary"
    assert [f[s]["count"] for s in ("ideas", "proposals", "shortlisted", "voters")] == [4, 3, 2, 11]
    assert f["ideas"]["conversion_from_previous"] is None  # its base is the hidden 3
    assert f["proposals"]["conversion_from_previous"] == Decimal("0.75")
    assert f["voters"]["conversion_from_previous"] == Decimal("5.5")
    # representation by sex: female 6, male 4 (< k), not stated 1 (< k). p_female = 6/10
    # would give the stated count 10, hence not stated = 11 - 10 = 1 and male = 4: with
    # "not stated" hidden, the stated count and every share are withheld.
    sex = cells(r, "representation: sex")
    assert sex["female"]["participants"] == 6
    for column in ("p_g", "RR_g", "gap"):
        assert (sex["female"][column], sex["female"][f"{column}_suppressed"]) == (None, "withheld")
    assert sex["female"]["q_g"] == Decimal("0.5")
    assert sex["male"]["participants"] is None
    assert sex["male"]["p_g"] is None
    assert sex["not stated"]["participants"] is None
    index = cells(r, "dissimilarity index")["sex"]
    assert (index["D"], index["stated_participants"]) == (None, None)
    assert (index["D_suppressed"], index["stated_participants_suppressed"]) == ("withheld",) * 2
    # deprivation: north -> quintile 1 (6 voters), south -> 5 (4 voters), 1 not stated
    dep = cells(r, "representation: deprivation_quintile")
    assert dep["1"]["participants"] == 6
    assert dep["2"]["participants"] == 0
    # F = 10k + 20k (C rejected: 0); B = 10M
    share = cells(r, "share of budget decided by citizens")["process"]
    assert (share["F"], share["B"], share["F_over_B"]) == (30_000, 10_000_000, Decimal("0.003"))
    # need-weighted (need weights 1 and 3): north (10/30)/(1/4) = 4/3, south (20/30)/(3/4) = 8/9
    need = cells(r, "need-weighted allocation (N = need_weight)")
    assert need["north"]["allocation_index"] == Decimal("1.333333")
    assert need["south"]["allocation_index"] == Decimal("0.888889")
    assert cells(r, "PB-decided funds by category")["green"]["F_c"] == 30_000
    # filter: 4 submitted, 2 shortlisted -> 0.5; C unfeasible, D withdrawn
    flt = cells(r, "filter rate")
    assert flt["filter rate (1 - shortlisted/submitted)"]["share_of_submitted"] == Decimal("0.5")
    assert flt["unfeasible: no site"]["ideas"] == 1
    assert flt["withdrawn"]["ideas"] == 1
    # implementation: decided 400 days ago; A completed today (after the 12-month mark)
    imp = cells(r, "implementation rate")
    assert (imp["12 months"]["winners"], imp["12 months"]["delivered"]) == (2, 0)
    assert imp["24 months"]["winners"] == 0
    assert imp["to date"]["implementation_rate"] == Decimal("0.5")
    v2d = cells(r, "vote-to-delivery time (days)")["completed projects"]
    assert (v2d["projects"], v2d["median"], v2d["iqr"]) == (1, 0, 0)
    # no schedule: counted from the date the close was recorded, and the table says so
    assert v2d["counted_from"] == f"ballot closed (recorded) {datetime.now(UTC).date()}"
    # on time: m1 met before due; m3 overdue and unmet; m2 not yet due -> 1/2
    on = cells(r, "on-time rate")["milestones due by the report date"]
    assert (on["milestones_due"], on["met_on_time"], on["on_time_rate"]) == (2, 1, Decimal("0.5"))
    # every milestone with a due date: m1 on time, m2 and m3 not (yet) met -> 1/3
    on = cells(r, "on-time rate")["every milestone with a due date"]
    assert (on["milestones_due"], on["met_on_time"]) == (3, 1)
    # cost overrun: B (5k - 20k)/20k = -0.75; portfolio (5k - 30k)/30k
    cost = cells(r, "cost overrun")
    assert cost["portfolio"]["overrun"] == Decimal("-0.833333")
    ex = cells(r, "budget execution")["process"]
    assert ex["execution"] == Decimal("0.166667")
    backlog = cells(r, "backlog (no milestone started 6 months after the decision)")
    assert backlog["backlog (projects)"]["days_since_decision"] == 1
    assert "B" in backlog
    # contributions: 4h (2 people, verified) + 6h (3, unverified) counted; 10h disputed
    status = cells(r, "contribution status")
    assert [status[s]["logs"] for s in ("verified", "unverified", "disputed")] == [1, 1, 1]
    hours = {(row["by"], row["group"]): row for row in r.table("volunteer hours").as_dicts()}
    assert hours[("all", "all")]["hours"] == 10
    assert hours[("all", "all")]["people"] == 5
    assert hours[("area", "north")]["hours"] == 10
    value = cells(r, "volunteer value")
    assert [value[b]["value"] for b in ("floor", "central", "upper")] == [2000, 2000, 3270]
    assert cells(r, "in-kind value")["met"]["value"] == 2000
    lev = cells(r, "leverage ratio")["central"]
    assert lev["leverage"] == Decimal("0.233333")  # (2000 + 2000 + 3000) / 30000
    inten = cells(r, "co-production intensity")["central"]
    assert inten["intensity"] == Decimal("0.444444")  # 4000 / (4000 + 5000)
    burden = cells(r, "community reporting burden")["counted logs"]
    assert burden["logs_timed"] == 2
    assert burden["median_seconds_to_log_suppressed"] == "small-base"
    comp = cells(r, "decision compliance")
    assert comp["adverse decisions: full decision record"]["decisions"] == 1
    assert comp["adverse decisions: full decision record"]["share"] == Decimal("1")
    assert {p.origin for p in r.parameters if "rates" in p.name} == {"default"}
    assert r.to_dict()["tables"][0]["k"] == 5


def test_suppression_at_k_minus_1_k_and_k_plus_1(store_url: str) -> None:
    app = Coprod(parse_database_url(store_url))
    try:
        c = run_cycle(
            app,
            store_url,
            {("north", Sex.FEMALE): 6, ("south", Sex.MALE): 5, ("south", Sex.OTHER): 4},
        )
        r = report(c)
    finally:
        app.close()
    sex = cells(r, "representation: sex")
    assert sex["female"]["participants"] == 6  # k + 1: shown
    assert sex["other"]["participants"] is None  # k - 1: primary
    assert sex["other"]["participants_suppressed"] == "primary"
    # k: shown on its own, but the smallest visible cell is hidden next so that "other"
    # cannot be recovered from the published total of 15 voters
    assert sex["male"]["participants"] is None
    assert sex["male"]["participants_suppressed"] == "secondary"
    assert sex["male"]["p_g"] is None
    assert cells(r, "turnout")["all"]["voters_V"] == 15


def test_an_as_of_report_equals_the_report_saved_then(cycle: Cycle) -> None:
    saved = report(cycle)
    moment = datetime.now(UTC)
    app, officer = cycle.app, cycle.officer
    council = app.get_process(cycle.pid).council_id
    # after T: a decision correction, a spend correction, new rates, a new census, more work
    app.correct_decision(
        CorrectDecision(
            decision_id=cycle.decisions["A"],
            reason="price rose",
            outcome=DecisionOutcome.FUNDED_IN_FULL,
            amount=dkk(12_000),
            decided_on=TODAY,
        ),
        officer,
    )
    app.correct_spend(
        CorrectSpend(
            project_id=cycle.projects["B"],
            spend_id=cycle.spends["B"],
            amount=dkk(6_000),
            reason="invoice",
        ),
        officer,
    )
    app.load_volunteer_rates(
        LoadVolunteerRates(
            council_id=council,
            floor=dkk(150),
            central=dkk(250),
            upper=dkk(400),
            source="new",
            reference_year=2026,
        ),
        officer,
    )
    app.load_census_shares(
        LoadCensusShares(
            council_id=council,
            dimension=CensusDimension.SEX,
            shares=(GroupShare("female", Decimal("0.6")), GroupShare("male", Decimal("0.4"))),
            source="census 2026",
            reference_year=2026,
        ),
        officer,
    )
    app.set_disclosure_threshold(SetDisclosureThreshold(process_id=cycle.pid, k=3), officer)
    later = report(cycle)
    assert later.to_dict() != saved.to_dict()
    assert cells(later, "share of budget decided by citizens")["process"]["F"] == 32_000
    assert cells(later, "budget execution")["process"]["spent"] == 6_000
    assert cells(later, "volunteer value")["central"]["value"] == 2500
    assert cells(later, "representation: sex")["female"]["q_g"] == Decimal("0.6")
    assert later.k == 3
    assert later.table("representation: sex").k == 3
    assert {p.origin for p in later.parameters if "rates" in p.name} == {"loaded"}
    again = impact_report(cycle.pid, moment, settings=parse_database_url(cycle.url))
    assert {**again.to_dict(), "as_of": None} == saved.to_dict()


def test_fast_ballot_decoding_equals_the_mapper(cycle: Cycle) -> None:
    model = ImpactModel()
    app = cycle.app
    seen = 0
    for n in app.recorder.select_notifications(start=1, limit=10_000):
        if n.topic.endswith("Ballot.BallotCast"):
            fast = parse_stored_ballot(n.state)
            assert fast is not None
            event = app.mapper.to_domain_event(n)
            assert isinstance(event, Ballot.BallotCast)
            assert fast == StoredBallot.of(event)
            assert fast.area_code == event.area_code
            assert fast.sex == (None if event.sex is None else event.sex.value)
            assert model.decode(n, app.mapper) == fast
            seen += 1
    assert seen == 11


def test_representation_matches_pandas_on_the_raw_ballots(sqlite_url: str) -> None:
    # "not stated" is k here (shown), so the stated count and the shares are shown too
    app = Coprod(parse_database_url(sqlite_url))
    try:
        cycle = run_cycle(
            app,
            sqlite_url,
            {("north", Sex.FEMALE): 7, ("south", Sex.MALE): 5, (None, None): 5},
        )
        r = report(cycle)
        frame = _ballot_frame(cycle)
    finally:
        app.close()
    stated = frame.dropna(subset=["area"])
    p = stated["area"].value_counts(normalize=True)
    area = cells(r, "representation: area")
    assert area["north"]["p_g"] == Decimal(str(round(p["north"], 6)))
    assert area["south"]["p_g"] == Decimal(str(round(p["south"], 6)))
    assert area["not stated"]["participants"] == 5
    assert cells(r, "dissimilarity index")["area"]["stated_participants"] == len(stated)


def _ballot_frame(cycle: Cycle) -> pd.DataFrame:
    rows = [
        {"area": e.area_code, "sex": None if e.sex is None else e.sex.value}
        for n in cycle.app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic.endswith("Ballot.BallotCast")
        for e in [cycle.app.mapper.to_domain_event(n)]  # type: ignore[attr-defined]
    ]
    return pd.DataFrame(rows)


def test_a_missing_read_model_says_how_to_build_it(sqlite_url: str) -> None:
    from coprod.domain.errors import NotFound
    from projections.store import Connection, ensure_registry

    conn = Connection(parse_database_url(sqlite_url))
    ensure_registry(conn)
    with pytest.raises(NotFound, match="coprod project --once"):
        impact_report(uuid.uuid4(), conn=conn)
    conn.close()


# -- the independent check: nothing hidden follows from everything published ------------------
#
# The attacker reads the whole report (to_dict): every shown number, the published shares, and
# each hidden count's reason (primary: 1..k-1, secondary: at least k, withheld: at least 0), and
# knows the public structure: each breakdown of V sums to V, a quintile is the sum of its areas
# (north is in quintile 1, south in 5, as run_cycle loads), a share is a count over the stated
# count (V minus "not stated"), and a contribution log has at least one person and at most 24
# hours per person. One-way breakdowns of one population constrain each other only through
# their total (any margins with the same total come from some cross-table), so enumerating
# each breakdown for every candidate total, and keeping totals every breakdown admits, finds
# every value a hidden count can take. None may have only one.

QUINTILE_OF = {"north": "1", "south": "5"}
PROJECT_AREA = {"A": "north", "B": "south"}
PEOPLE_COLUMNS = {"voters_V", "count", "participants", "stated_participants", "people"}
SIX = Decimal("0.000001")


def _six(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SIX, "ROUND_HALF_EVEN")


def _dec(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _allowed(row: dict[str, Any], column: str, k: int, cap: int) -> range:
    """The values a published count can have, as far as its own cell says."""
    value, reason = row[column], row[f"{column}_suppressed"]
    if reason is None:
        return range(value, value + 1) if value is not None else range(0)
    low, high = {"primary": (1, k - 1), "secondary": (k, cap), "withheld": (0, cap)}[reason]
    return range(low, min(high, cap) + 1)


def _fills(slots: list[tuple[str, range]], total: int) -> Iterable[dict[str, int]]:
    """Every assignment of the slots (each within its range) summing to `total`."""
    if not slots:
        if total == 0:
            yield {}
        return
    (name, allowed), rest = slots[0], slots[1:]
    for value in allowed:
        if value > total:
            break
        for tail in _fills(rest, total - value):
            yield {name: value, **tail}


def _shares_agree(rows: dict[str, dict[str, Any]], counts: dict[str, int], k: int) -> bool:
    """The shares shown in a representation table (and its D row) fit these counts."""
    stated = sum(n for g, n in counts.items() if g != "not stated")
    for g, row in rows.items():
        if g == "not stated":
            continue
        n, q = counts[g], _dec(row["q_g"])
        p = _six(n, stated)
        if row["p_g_suppressed"] == "small-base" and stated >= k:
            return False
        if row["p_g_suppressed"] is None and _dec(row["p_g"]) != p:
            return False
        rr = None if p is None or not q else _six(n, stated * q)
        if row["RR_g_suppressed"] is None and _dec(row["RR_g"]) != rr:
            return False
        gap = None if p is None or q is None else p - q
        if row["gap_suppressed"] is None and _dec(row["gap"]) != gap:
            return False
    return True


def _voter_breakdowns(
    tables: dict[str, list[dict[str, Any]]], v: int, k: int
) -> dict[tuple[str, str], set[int]] | None:
    """Values each hidden voter count can take when V = v; None when v is impossible."""
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    index = {row["dimension"]: row for row in tables["dissimilarity index"]}

    def rows(dimension: str) -> dict[str, dict[str, Any]]:
        return {row["group"]: row for row in tables[f"representation: {dimension}"]}

    def fits_index(dimension: str, counts: dict[str, int]) -> bool:
        stated = v - counts["not stated"]
        row = index[dimension]
        if stated not in _allowed(row, "stated_participants", k, v):
            return False
        if row["D_suppressed"] is None and row["D"] is not None:
            table = rows(dimension)
            d = sum(
                (
                    abs(Decimal(counts[g]) / stated - Decimal(table[g]["q_g"]))
                    for g in counts
                    if g != "not stated" and table[g]["q_g"] is not None
                ),
                Decimal(0),
            )
            if (d / 2).quantize(SIX, "ROUND_HALF_EVEN") != Decimal(row["D"]):
                return False
        return _shares_agree(rows(dimension), counts, k)

    def record(dimension: str, counts: dict[str, int], table: dict[str, dict[str, Any]]) -> None:
        for g, n in counts.items():
            if table[g]["participants_suppressed"] is not None:
                found[(dimension, g)].add(n)
        if index[dimension]["stated_participants_suppressed"] is not None:
            found[("stated", dimension)].add(v - counts["not stated"])

    for dimension in ("age_band", "sex"):
        table = rows(dimension)
        slots = [(g, _allowed(row, "participants", k, v)) for g, row in table.items()]
        any_fit = False
        for counts in _fills(slots, v):
            if fits_index(dimension, counts):
                any_fit = True
                record(dimension, counts, table)
        if not any_fit:
            return None
    areas, quintiles = rows("area"), rows("deprivation_quintile")
    slots = [(a, _allowed(row, "participants", k, v)) for a, row in areas.items()]
    any_fit = False
    for counts in _fills(slots, v):
        by_quintile = dict.fromkeys(quintiles, 0)
        for area, n in counts.items():
            by_quintile[QUINTILE_OF.get(area, "not stated")] += n
        if any(
            n not in _allowed(quintiles[q], "participants", k, v) for q, n in by_quintile.items()
        ):
            continue
        if not (fits_index("area", counts) and fits_index("deprivation_quintile", by_quintile)):
            continue
        any_fit = True
        record("area", counts, areas)
        record("deprivation_quintile", by_quintile, quintiles)
    return found if any_fit else None


def _volunteer_breakdowns(
    rows: list[dict[str, Any]], total: int, k: int
) -> dict[tuple[str, str], set[int]] | None:
    """Values each hidden people count of the volunteer table can take when the total is `total`."""
    found: dict[tuple[str, str], set[int]] = defaultdict(set)

    def slot(row: dict[str, Any]) -> tuple[str, range]:
        allowed = _allowed(row, "people", k, total)
        least = max(row["logs"], int(-(-Decimal(str(row["hours"])) // 24)))
        return row["group"], range(max(allowed.start, least), allowed.stop)

    by = defaultdict(list)
    for row in rows:
        by[row["by"]].append(row)
    for name in ("phase", "level", "area"):
        any_fit = False
        for counts in _fills([slot(row) for row in by[name]], total):
            if name == "area":
                # each area's projects sum to it
                ok = True
                project_values: dict[str, set[int]] = defaultdict(set)
                for area, n in counts.items():
                    mine = [
                        r for r in by["project"] if PROJECT_AREA[r["group"].split(" [")[0]] == area
                    ]
                    fills = list(_fills([slot(r) for r in mine], n))
                    ok = ok and bool(fills)
                    for fill in fills:
                        for g, m in fill.items():
                            project_values[g].add(m)
                if not ok:
                    continue
                for g, values in project_values.items():
                    found[("project", g)] |= values
            any_fit = True
            for g, n in counts.items():
                found[(name, g)].add(n)
        if not any_fit:
            return None
    return found


def _recoverable(published: dict[str, Any]) -> list[str]:
    """Every hidden count of people in the report that only one value fits."""
    k = published["k"]
    tables = {t["title"]: t["rows"] for t in published["tables"]}
    hidden = {
        (t["title"], _label(row), column)
        for t in published["tables"]
        for row in t["rows"]
        for column in PEOPLE_COLUMNS & set(row)
        if row[f"{column}_suppressed"] is not None
    }
    problems: list[str] = []
    checked: set[tuple[str, str, str]] = set()

    # V: turnout and funnel; every breakdown must admit the same V
    turnout = tables["turnout"][0]
    funnel = {row["stage"]: row for row in tables["participation funnel"]}
    shortlisted = funnel["shortlisted"]["count"]
    cap = 60
    possible: dict[tuple[str, str], set[int]] = defaultdict(set)
    vs = []
    for v in _allowed(turnout, "voters_V", k, cap):
        if turnout["turnout_suppressed"] is None and _dec(turnout["turnout"]) != _six(
            v, turnout["eligible_E"]
        ):
            continue
        if v not in _allowed(funnel["voters"], "count", k, cap):
            continue
        conversion = funnel["voters"]["conversion_from_previous"]
        if conversion is not None and _dec(conversion) != _six(v, shortlisted):
            continue
        found = _voter_breakdowns(tables, v, k)
        if found is None:
            continue
        vs.append(v)
        for key, values in found.items():
            possible[key] |= values
    if turnout["voters_V_suppressed"] is not None and len(vs) < 2:
        problems.append(f"V = {vs}")
    checked |= {("turnout", "all", "voters_V"), ("participation funnel", "voters", "count")}
    for dimension in DIMENSION_TITLES:
        for row in tables[f"representation: {dimension}"]:
            if row["participants_suppressed"] is not None:
                checked.add((f"representation: {dimension}", row["group"], "participants"))
                if len(possible[(dimension, row["group"])]) < 2:
                    problems.append(
                        f"{dimension} {row['group']}: {possible[(dimension, row['group'])]}"
                    )
        row = next(r for r in tables["dissimilarity index"] if r["dimension"] == dimension)
        if row["stated_participants_suppressed"] is not None:
            checked.add(("dissimilarity index", dimension, "stated_participants"))
            if len(possible[("stated", dimension)]) < 2:
                problems.append(f"stated {dimension}: {possible[('stated', dimension)]}")

    # idea submitters: one count, bounded by its reason and by the ideas/submitters conversion
    submitters = funnel["idea submitters"]
    if submitters["count_suppressed"] is not None:
        checked.add(("participation funnel", "idea submitters", "count"))
        conversion = funnel["ideas"]["conversion_from_previous"]
        fits = [
            n
            for n in _allowed(submitters, "count", k, cap)
            if conversion is None or _dec(conversion) == _six(funnel["ideas"]["count"], n)
        ]
        if len(fits) < 2:
            problems.append(f"idea submitters: {fits}")

    # volunteer hours: people by phase, level, project within area, against the "all" row
    volunteer = tables["volunteer hours"]
    everyone = next(row for row in volunteer if row["by"] == "all")
    least = max(everyone["logs"], int(-(-Decimal(str(everyone["hours"])) // 24)))
    totals: list[int] = []
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    breakdown_rows = [row for row in volunteer if row["by"] != "all"]
    for total in _allowed(everyone, "people", k, cap):
        if total < least:
            continue
        found = _volunteer_breakdowns(breakdown_rows, total, k)
        if found is None:
            continue
        totals.append(total)
        for key, values in found.items():
            people[key] |= values
    if everyone["people_suppressed"] is not None:
        checked.add(("volunteer hours", "all/all", "people"))
        if len(totals) < 2:
            problems.append(f"volunteer people total: {totals}")
    for row in breakdown_rows:
        if row["people_suppressed"] is not None:
            checked.add(("volunteer hours", _label(row), "people"))
            if len(people[(row["by"], row["group"])]) < 2:
                problems.append(
                    f"volunteer {row['by']} {row['group']}: {people[(row['by'], row['group'])]}"
                )

    assert hidden <= checked, f"hidden counts the check does not cover: {hidden - checked}"
    return problems


DIMENSION_TITLES = ("age_band", "sex", "area", "deprivation_quintile")


def _label(row: dict[str, Any]) -> str:
    if "by" in row:
        return f"{row['by']}/{row['group']}"
    return str(next(iter(row.values())))


def _random_voters(rng: random.Random) -> dict[tuple[str | None, Sex | None], int]:
    """A few small groups: counts around k, so ones, k - 1, k and k + 1 all turn up."""
    places = [
        (area, sex)
        for area in ("north", "south", None)
        for sex in (Sex.FEMALE, Sex.MALE, Sex.OTHER, None)
    ]
    chosen = rng.sample(places, rng.randint(1, 4))
    return {place: rng.choice((1, 1, 2, 3, 4, 5, 6, 7)) for place in chosen}


#: Seeded random voter sets, then the cases that used to give a count away: 1 and k with
#: V = k + 1 published (nothing short of withholding protects it at k = 5), and three ones.
VOTER_SETS = [_random_voters(random.Random(seed)) for seed in range(8)] + [
    {("north", Sex.FEMALE): 1, ("south", Sex.MALE): 5},
    {("north", Sex.FEMALE): 1, ("south", Sex.MALE): 1, (None, Sex.OTHER): 1},
]


@pytest.mark.parametrize("voters", VOTER_SETS, ids=range(len(VOTER_SETS)))
def test_no_hidden_count_follows_from_the_whole_report(
    sqlite_url: str, voters: dict[tuple[str | None, Sex | None], int]
) -> None:
    app = Coprod(parse_database_url(sqlite_url))
    try:
        c = run_cycle(app, sqlite_url, voters)
        published = {5: report(c).to_dict()}
        app.set_disclosure_threshold(SetDisclosureThreshold(process_id=c.pid, k=3), c.officer)
        published[3] = report(c).to_dict()
    finally:
        app.close()
    for k, document in published.items():
        assert document["k"] == k
        assert _recoverable(document) == [], (k, voters)


def test_the_check_finds_what_the_report_used_to_give_away() -> None:
    """The check itself, k = 3: sex female 1 (hidden), male 5 shown, V = 6 in the turnout."""

    def row(group: str, n: int | None, reason: str | None) -> dict[str, Any]:
        shares = dict.fromkeys(("p_g", "q_g", "RR_g", "gap"))
        return {
            "group": group,
            "participants": n,
            "participants_suppressed": reason,
            **shares,
            **dict.fromkeys(("p_g_suppressed", "RR_g_suppressed", "gap_suppressed"), "withheld"),
        }

    index = {
        "dimension": "",
        "D": None,
        "D_suppressed": "withheld",
        "stated_participants": None,
        "stated_participants_suppressed": "withheld",
    }
    tables = {
        "dissimilarity index": [{**index, "dimension": d} for d in DIMENSION_TITLES],
        **{f"representation: {d}": [row("not stated", 6, None)] for d in DIMENSION_TITLES},
    }
    female = row("female", None, "primary")
    tables["representation: sex"] = [female, row("male", 5, None), row("not stated", 0, None)]
    found = _voter_breakdowns(tables, 6, 3)
    assert found is not None
    assert found[("sex", "female")] == {1}  # the leak
    tables["representation: sex"][1] = row("male", None, "secondary")
    found = _voter_breakdowns(tables, 6, 3)
    assert found is not None
    assert found[("sex", "female")] == {1, 2}
    assert found[("sex", "male")] == {4, 5}


def test_a_breakdown_hiding_cannot_protect_is_withheld_while_v_stays(sqlite_url: str) -> None:
    # k = 5: female 1 and male 5 with V = 6 in the turnout. Hiding both leaves 1 + 5 = 6 with
    # female in 1..4 and male >= 5: both pinned. So the sex table is withheld, zeros too.
    app = Coprod(parse_database_url(sqlite_url))
    try:
        c = run_cycle(app, sqlite_url, {("north", Sex.FEMALE): 1, ("south", Sex.MALE): 5})
        r = report(c)
    finally:
        app.close()
    assert cells(r, "turnout")["all"]["voters_V"] == 6
    sex = cells(r, "representation: sex")
    for group in ("female", "male", "not stated"):
        assert sex[group]["participants"] is None
        assert sex[group]["participants_suppressed"] == "withheld"
    assert (sex["female"]["p_g"], sex["female"]["p_g_suppressed"]) == (None, "withheld")
    assert sex["female"]["q_g"] == Decimal("0.5")  # census shares are not about voters
    index = cells(r, "dissimilarity index")
    assert index["sex"]["D_suppressed"] == "withheld"
    assert index["sex"]["stated_participants_suppressed"] == "withheld"
    # areas nest in quintiles (north in 1, south in 5): both tables go together
    area = cells(r, "representation: area")
    assert area["north"]["participants_suppressed"] == "withheld"
    quintile = cells(r, "representation: deprivation_quintile")
    assert quintile["1"]["participants_suppressed"] == "withheld"
    assert quintile["3"]["participants"] == 0  # no area lies in quintile 3
    # the age band (all 6 in 25-34) has nothing to hide
    assert cells(r, "representation: age_band")["25-34"]["participants"] == 6
    assert index["age_band"]["stated_participants"] == 6
    assert "withheld" in r.table("representation: sex").method
    assert any("withheld" in note for note in r.notes)
