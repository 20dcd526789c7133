"""The impact read model and report on real stores: every measure against a hand computation.

One small PB cycle (hand-countable: 11 voters, 3 proposals, 2 projects, 3 contribution logs)
is driven through the real use cases, projected with the real runner, and each figure of the
report is compared with the value worked out in the comments from the raw inputs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from coprod.application import Coprod
from coprod.application.ballots import BallotInput
from coprod.ballot import AgeBand, BallotChannel, Sex
from coprod.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.config import parse_database_url
from coprod.decision import DecisionOutcome, DecisionRecord
from coprod.organisation import OrganisationKind
from coprod.parameters import AreaQuintile, CensusDimension, GroupShare
from coprod.phases import Phase
from coprod.process import Area
from coprod.values import Actor, Money, Role
from coprod.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from projections.impact import ImpactModel, _demographics
from projections.impact_report import ImpactReport, impact_report
from projections.runner import Projector

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
        officer, council, f"c-{uuid.uuid4().hex[:6]}", "Cycle", "DKK"
    ).aggregate_id
    app.set_budget(officer, pid, dkk(100_000), dkk(10_000_000))
    app.set_eligible_population(officer, pid, 50)
    app.define_areas(officer, pid, (Area("north", "N", 100, 1), Area("south", "S", 300, 3)))
    app.set_rules(officer, pid, VotingRules(VoteMethod.APPROVAL), SelectionRule("greedy"))
    sex = (GroupShare("female", Decimal("0.5")), GroupShare("male", Decimal("0.5")))
    app.load_census_shares(officer, council, CensusDimension.SEX, sex, "census 2024", 2024)
    app.load_census_shares(
        officer,
        council,
        CensusDimension.DEPRIVATION_QUINTILE,
        tuple(GroupShare(q, Decimal("0.2")) for q in "12345"),
        "IMD 2019",
        2019,
        (AreaQuintile("north", 1), AreaQuintile("south", 5)),
    )
    ideas = {
        "A": app.submit_idea(submitters[0], pid, "A", "a", "north").aggregate_id,
        "B": app.submit_idea(submitters[1], pid, "B", "b", "south").aggregate_id,
        "C": app.submit_idea(submitters[0], pid, "C", "c", "south").aggregate_id,
        "D": app.submit_idea(submitters[2], pid, "D", "d").aggregate_id,
    }
    app.withdraw_idea(submitters[2], ideas["D"], "changed my mind")
    app.advance_phase(officer, pid, Phase.DEVELOPMENT)
    app.develop_proposal(officer, ideas["A"], dkk(10_000), "north", "green")
    app.develop_proposal(officer, ideas["B"], dkk(20_000), "south", "green")
    app.develop_proposal(officer, ideas["C"], dkk(10_000), "south", "youth")
    app.advance_phase(officer, pid, Phase.REVIEW)
    app.assess_feasibility(officer, ideas["A"], True, "ok", dkk(10_000))
    app.assess_feasibility(officer, ideas["B"], True, "ok", dkk(20_000))
    app.assess_feasibility(officer, ideas["C"], False, "no site")
    app.shortlist(officer, ideas["A"])
    app.shortlist(officer, ideas["B"])
    app.advance_phase(officer, pid, Phase.VOTE)
    app.open_ballot(officer, pid, (ideas["A"], ideas["B"]))
    ballots = []
    n = 0
    for (area, s), count in voters.items():
        for _ in range(count):
            n += 1
            ballots.append(
                BallotInput(
                    pseudonym((pid, n)),
                    BallotChoices(approvals=(ideas["A"],)),
                    BallotChannel.PAPER,
                    area,
                    AgeBand.AGE_25_34 if s is not None else None,
                    s,
                )
            )
    app.cast_ballots(officer, pid, ballots)
    app.close_ballot(officer, pid)
    app.advance_phase(officer, pid, Phase.DECISION)
    decisions = {
        "A": app.decide(
            officer, ideas["A"], DecisionOutcome.FUNDED_IN_FULL, dkk(10_000), None, DECIDED
        ).aggregate_id,
        "B": app.decide(
            officer, ideas["B"], DecisionOutcome.FUNDED_IN_FULL, dkk(20_000), None, DECIDED
        ).aggregate_id,
    }
    fact = uuid.uuid4()
    app.record_fact(officer, ideas["C"], fact, "site survey", True, True, True)
    record = DecisionRecord(("PB rules §3",), ("no site",), (fact,), None, "no appeal route")
    decisions["C"] = app.decide(
        officer, ideas["C"], DecisionOutcome.REJECTED, None, record, DECIDED
    ).aggregate_id
    projects = {k: app.fund_project(officer, decisions[k]).aggregate_id for k in ("A", "B")}
    app.advance_phase(officer, pid, Phase.DELIVERY)
    a, b = projects["A"], projects["B"]
    app.schedule_milestone(officer, a, "m1", "build", TODAY + timedelta(days=10))
    app.start_milestone(officer, a, "m1", TODAY)
    app.meet_milestone(officer, a, "m1", TODAY, "https://example.org/a")
    app.complete_project(officer, a, TODAY)
    app.schedule_milestone(officer, b, "m2", "plan", TODAY + timedelta(days=30))
    app.schedule_milestone(officer, b, "m3", "order", TODAY - timedelta(days=1))
    spends = {"A": uuid.uuid4(), "B": uuid.uuid4()}
    app.record_spend(officer, b, dkk(5_000), TODAY, "design", spends["B"])
    app.record_match_funding(officer, b, "Foundation", dkk(3_000), TODAY)
    group = app.register_organisation(
        officer, f"g-{uuid.uuid4().hex[:6]}", OrganisationKind.COMMUNITY_GROUP, "Group"
    ).aggregate_id
    commitment = app.make_commitment(
        officer,
        group,
        a,
        CoproductionPhase.CO_DELIVERY,
        CoproductionLevel.GROUP,
        Decimal(20),
        InKindAsset("a van", dkk(2_000)),
    ).aggregate_id
    app.mark_commitment_met(officer, commitment)
    logs = []
    for hours, people, seconds in ((4, 2, 10), (6, 3, 20), (10, 1, 30)):
        logs.append(
            app.log_contribution(
                officer,
                commitment,
                group,
                a,
                Decimal(hours),
                people,
                CoproductionPhase.CO_DELIVERY,
                CoproductionLevel.GROUP,
                TODAY,
                seconds_to_log=seconds,
            ).aggregate_id
        )
    app.verify_contribution(officer, logs[0])
    app.dispute_contribution(officer, logs[2], "no such day")
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
    # representation by sex: female 6, male 4 (< k), not stated 1 (< k); p_female = 6/10
    sex = cells(r, "representation: sex")
    assert sex["female"]["participants"] == 6
    assert sex["female"]["p_g"] == Decimal("0.6")
    assert sex["female"]["RR_g"] == Decimal("1.2")
    assert sex["female"]["gap"] == Decimal("0.1")
    assert sex["male"]["participants"] is None
    assert sex["male"]["p_g"] is None
    assert sex["not stated"]["participants"] is None
    assert cells(r, "dissimilarity index")["sex"]["D"] is None  # cells hidden: D withheld
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
    # on time: m1 met before due; m3 overdue and unmet; m2 not yet due -> 1/2
    on = cells(r, "on-time rate")["all milestones"]
    assert (on["milestones_due"], on["met_on_time"], on["on_time_rate"]) == (2, 1, Decimal("0.5"))
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
        officer,
        cycle.decisions["A"],
        "price rose",
        DecisionOutcome.FUNDED_IN_FULL,
        dkk(12_000),
        None,
        TODAY,
    )
    app.correct_spend(officer, cycle.projects["B"], cycle.spends["B"], dkk(6_000), "invoice")
    app.load_volunteer_rates(officer, council, dkk(150), dkk(250), dkk(400), "new", 2026)
    app.load_census_shares(
        officer,
        council,
        CensusDimension.SEX,
        (GroupShare("female", Decimal("0.6")), GroupShare("male", Decimal("0.4"))),
        "census 2026",
        2026,
    )
    app.set_disclosure_threshold(officer, cycle.pid, 3)
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
            fast = _demographics(n.state)
            slow = model.decode(n, app.mapper)
            assert fast is not None
            event = app.mapper.to_domain_event(n)
            assert fast.area_code == event.area_code  # type: ignore[attr-defined]
            assert fast.sex == (None if event.sex is None else event.sex.value)  # type: ignore[attr-defined]
            assert slow == fast
            seen += 1
    assert seen == 11


def test_representation_matches_pandas_on_the_raw_ballots(cycle: Cycle) -> None:
    r = report(cycle)
    rows = [
        {"area": e.area_code, "sex": None if e.sex is None else e.sex.value}
        for n in cycle.app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic.endswith("Ballot.BallotCast")
        for e in [cycle.app.mapper.to_domain_event(n)]  # type: ignore[attr-defined]
    ]
    frame = pd.DataFrame(rows)
    stated = frame.dropna(subset=["area"])
    p = stated["area"].value_counts(normalize=True)
    area = cells(r, "representation: area")
    assert area["north"]["p_g"] == Decimal(str(round(p["north"], 6)))
    assert area["not stated"]["participants"] is None  # 1 ballot: < k


def test_a_missing_read_model_says_how_to_build_it(sqlite_url: str) -> None:
    from coprod.errors import NotFound
    from projections.store import Connection, ensure_registry

    conn = Connection(parse_database_url(sqlite_url))
    ensure_registry(conn)
    with pytest.raises(NotFound, match="coprod project --once"):
        impact_report(uuid.uuid4(), conn=conn)
    conn.close()
