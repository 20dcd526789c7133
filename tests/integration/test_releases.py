"""Releases on both stores: publish, list, read, and differencing attacks that must recover 0.

The attacks are the ones measured on the live `as_of` report (issue 11): two reports one
ballot apart gave the last voter's age band, sex and area; in a small process a hidden
"not stated" = 1 and a hidden area count of 8. Each is first shown to work on two live
reports (so the attacker is real), then run on two releases, where it must find nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters.chain import chain_head
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.parameters import LoadCensusShares
from coprod.application.commands.processes import (
    AdvancePhase,
    DefineAreas,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    Shortlist,
    SubmitIdea,
)
from coprod.application.commands.releases import PublishRelease
from coprod.domain.ballot import AgeBand, BallotChannel, MarkedBallot, Sex
from coprod.domain.errors import AlreadyExists, NotAllowed, NotFound, RuleViolation
from coprod.domain.parameters import AreaQuintile, CensusDimension, GroupShare
from coprod.domain.phases import Phase
from coprod.domain.process import Area
from coprod.domain.release import NoRelease, latest_at, sha256_hex
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from projections.disclosure.pairs import pair_findings
from projections.impact.report import impact_report
from projections.registry import Projector
from projections.releases import _parse, prepare_release
from projections.store import Connection
from tests.integration.release_attack import pair_leaks
from tests.integration.test_impact import pseudonym

Voter = tuple[str | None, AgeBand | None, Sex | None]


@dataclass
class Vote:
    app: Coprod
    url: str
    officer: Actor
    pid: uuid.UUID
    idea: uuid.UUID
    cast: int = 0

    def ballots(self, voters: list[Voter]) -> None:
        batch = []
        for area, age, sex in voters:
            self.cast += 1
            batch.append(
                MarkedBallot(
                    pseudonym((self.pid, self.cast)),
                    BallotChoices(approvals=(self.idea,)),
                    BallotChannel.PAPER,
                    area,
                    age,
                    sex,
                )
            )
        self.app.cast_ballots(CastBallots(process_id=self.pid, ballots=tuple(batch)), self.officer)

    def live(self) -> dict[str, Any]:
        self.project()
        return impact_report(
            self.pid, datetime.now(UTC), settings=parse_database_url(self.url)
        ).to_dict()

    def project(self) -> None:
        with Projector(self.app, models=["impact"]) as projector:
            projector.catch_up()

    def publish(self, note: str | None = None) -> dict[str, Any]:
        self.project()
        earlier = self.app.releases(self.pid)
        conn = Connection(parse_database_url(self.url))
        try:
            prepared = prepare_release(self.pid, [r.counted for r in earlier], conn)
        finally:
            conn.close()
        self.app.publish_release(
            PublishRelease(
                process_id=self.pid,
                number=len(earlier) + 1,
                as_of=prepared.as_of,
                position=prepared.position,
                figures=prepared.figures,
                counted=prepared.counted,
                note=note,
            ),
            self.officer,
        )
        figures: dict[str, Any] = json.loads(prepared.figures)
        return figures


def open_vote(app: Coprod, url: str) -> Vote:
    council = uuid.uuid4()
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    pid = app.open_process(
        OpenProcess(council_id=council, code=f"r-{uuid.uuid4().hex[:6]}", name="R", currency="DKK"),
        officer,
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=Money.of(100_000, "DKK")), officer)
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
    idea = app.submit_idea(
        SubmitIdea(process_id=pid, title="A", description="a", area_code="north"), officer
    ).aggregate_id
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), officer)
    app.develop_proposal(
        DevelopProposal(
            proposal_id=idea,
            cost_estimate=Money.of(10_000, "DKK"),
            area_code="north",
            category="green",
        ),
        officer,
    )
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    app.assess_feasibility(
        AssessFeasibility(
            proposal_id=idea, feasible=True, reason="ok", assessed_cost=Money.of(10_000, "DKK")
        ),
        officer,
    )
    app.shortlist(Shortlist(proposal_id=idea), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=(idea,)), officer)
    return Vote(app, url, officer, pid, idea)


@pytest.fixture
def vote(store_url: str) -> Any:
    app = Coprod(parse_database_url(store_url))
    try:
        yield open_vote(app, store_url)
    finally:
        app.close()


YOUNG, OLD = AgeBand.AGE_25_34, AgeBand.AGE_55_64
#: 20 voters, every group of every breakdown at least k = 5, so a live report hides nothing.
CROWD: list[Voter] = (
    [("north", YOUNG, Sex.FEMALE)] * 5
    + [("north", OLD, Sex.MALE)] * 5
    + [("south", YOUNG, Sex.MALE)] * 5
    + [("south", OLD, Sex.FEMALE)] * 5
)
LAST: Voter = ("south", OLD, Sex.MALE)


def test_one_ballot_apart_live_reports_give_the_last_voter_away_and_releases_do_not(
    vote: Vote,
) -> None:
    vote.ballots(CROWD)
    before = vote.live()
    first = vote.publish("before")
    vote.ballots([LAST])
    after = vote.live()
    # The attack works on the live reports: age 55-64, male and south, each a change of 1.
    live = {(leak.dimension, leak.group, leak.value) for leak in pair_leaks(before, after)}
    assert {("age_band", "55-64", 1), ("sex", "male", 1), ("area", "south", 1)} <= live
    second = vote.publish("after")
    assert pair_leaks(first, second) == []
    sex = {r["group"]: r for r in _table(second, "representation: sex")}
    assert sex["male"]["participants_suppressed"] == "withheld"
    assert _table(second, "turnout")[0]["voters_V"] == 21  # the total stays published


def test_the_small_process_example_is_not_recoverable_from_two_releases(vote: Vote) -> None:
    # north 8, south 12, nobody without an area: all shown. One more voter, with no area:
    # "not stated" = 1 is hidden, north 8 hidden beside it; the earlier report then pins both.
    first_voters: list[Voter] = [("north", YOUNG, Sex.FEMALE)] * 8 + [("south", OLD, Sex.MALE)] * 12
    vote.ballots(first_voters)
    before = vote.live()
    first = vote.publish()
    vote.ballots([(None, YOUNG, Sex.FEMALE)])
    after = vote.live()
    live = {
        (leak.release, leak.dimension, leak.group, leak.value) for leak in pair_leaks(before, after)
    }
    assert ("later", "area", "not stated", 1) in live
    assert ("later", "area", "north", 8) in live
    second = vote.publish()
    assert pair_leaks(first, second) == []
    # the solver agrees: the stored counts of the two releases leave nothing to find
    one, two = (_parse(r.counted) for r in vote.app.releases(vote.pid))
    assert all(pair_findings(one[name], two[name]) == [] for name in two)


def test_releases_are_numbered_immutable_hashed_and_chosen_by_as_of(vote: Vote) -> None:
    app, pid = vote.app, vote.pid
    with pytest.raises(NoRelease, match="no published release yet"):
        latest_at(pid, app.releases(pid), None)
    vote.ballots(CROWD)
    figures = vote.publish("first")
    vote.ballots(CROWD[:5])
    vote.publish()
    one, two = app.releases(pid)
    assert (one.number, two.number, one.note, two.note) == (1, 2, "first", None)
    assert one.figures_sha256 == sha256_hex(one.figures)
    assert one.counted_sha256 == sha256_hex(one.counted)
    assert json.loads(one.figures) == figures
    # each release records the hash-chain head at its position (coprod verify prints heads)
    assert one.chain_head == chain_head(app, one.position).hash
    assert two.chain_head == chain_head(app, two.position).hash != one.chain_head
    assert one.position < two.position
    assert one.published_by == vote.officer
    assert latest_at(pid, [one, two], None) is two
    assert latest_at(pid, [one, two], one.as_of) is one
    with pytest.raises(NoRelease, match="at or before"):
        latest_at(pid, [one, two], datetime(2000, 1, 1, tzinfo=UTC))
    # reproducible: the live report as of the release's moment has the same figures
    vote.project()
    again = impact_report(pid, one.as_of, settings=parse_database_url(vote.url)).to_dict()
    assert again["tables"] == json.loads(one.figures)["tables"]
    # the next number only, once; another council's officer may not publish
    with pytest.raises(AlreadyExists):
        app.publish_release(
            PublishRelease(
                process_id=pid,
                number=2,
                as_of=one.as_of,
                position=1,
                figures=one.figures,
                counted=one.counted,
            ),
            vote.officer,
        )
    stranger = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    with pytest.raises(NotAllowed, match="another council"):
        app.publish_release(
            PublishRelease(
                process_id=pid,
                number=3,
                as_of=one.as_of,
                position=1,
                figures=one.figures,
                counted=one.counted,
            ),
            stranger,
        )
    # the first step of publishing applies the same policy, before any report is computed
    with pytest.raises(NotAllowed, match="another council"):
        app.releases_to_check(stranger, pid)
    assert [r.number for r in app.releases_to_check(vote.officer, pid)] == [1, 2]
    # other roles: the domain's own rule (a 403 permission refusal, not a 409)
    member = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())
    with pytest.raises(RuleViolation, match="only a council officer may publish") as refused:
        app.publish_release(
            PublishRelease(
                process_id=pid,
                number=3,
                as_of=one.as_of,
                position=1,
                figures=one.figures,
                counted=one.counted,
            ),
            member,
        )
    assert refused.value.rule == "permission"
    assert len(app.releases(pid)) == 2
    with pytest.raises(NotFound):
        app.get_release(pid, 9)


def _table(document: dict[str, Any], title: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = next(t["rows"] for t in document["tables"] if t["title"] == title)
    return rows


def test_cli_publishes_the_next_release_and_refuses_in_one_line(vote: Vote) -> None:
    vote.ballots(CROWD)
    vote.project()
    runner = CliRunner(env={"COPROD_DATABASE_URL": vote.url})
    done = runner.invoke(cli, ["report", "publish", str(vote.pid), "--note", "from the CLI"])
    assert done.exit_code == 0, done.output
    assert f"published release 1 of process {vote.pid}" in done.stdout
    assert "withheld: nothing" in done.stdout
    (release,) = vote.app.releases(vote.pid)
    assert (release.note, release.published_by.role) == ("from the CLI", Role.SYSTEM)
    assert f"figures sha256 {release.figures_sha256}" in done.stdout

    vote.ballots([LAST])
    vote.project()
    again = runner.invoke(cli, ["report", "publish", str(vote.pid)])
    assert again.exit_code == 0, again.output
    assert "checked against 1 earlier release(s); withheld: voters by age_band" in again.stdout
    for bad, says in (
        (["report", "publish", "nope"], "not a process id"),
        (["report", "publish", str(uuid.uuid4())], "no process with id"),
        (["report", "publish", str(vote.pid), "--note", " "], "note: must not be empty"),
    ):
        refused = runner.invoke(cli, bad)
        assert refused.exit_code == 2, refused.output
        assert says in refused.stderr
        assert "Traceback" not in refused.output
    assert len(vote.app.releases(vote.pid)) == 2


def test_every_pair_of_a_run_of_releases_gives_nothing_away(vote: Vote) -> None:
    """Releases during a vote, a few voters apart: no pair, however far apart, leaks."""
    vote.ballots(CROWD)
    published = [vote.publish()]
    for more in ([LAST], [("north", OLD, None), (None, None, Sex.FEMALE)], CROWD[:5]):
        vote.ballots(more)
        published.append(vote.publish())
    attempts = 0
    for i, earlier in enumerate(published):
        for later in published[i + 1 :]:
            attempts += 1
            assert pair_leaks(earlier, later) == [], (i, published.index(later))
    assert attempts == 6
