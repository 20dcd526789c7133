"""``coprod demo``: a realistic participatory-budgeting cycle, seeded through the real use cases.

Every fact goes through the same application commands a council or group would use, so the
demo doubles as an end-to-end exercise of the write side's rules. The content (ideas, costs,
votes, decisions, delivery states) is fixed by the seed; business dates are laid out
backwards from today, because delivery facts may not be dated before they were recorded.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from coprod.application import Coprod
from coprod.application.ballots import BallotInput
from coprod.application.base import SYSTEM_ACTOR
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, Sex
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.decision import ComplaintsGuidance, DecisionOutcome, DecisionRecord
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, Process
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules

CURRENCY = "DKK"
POT = Decimal("3000000")
AREAS = (
    Area("north", "Nordbyen", population=9_800, need_weight=2),
    Area("harbour", "Havnekvarteret", population=7_200, need_weight=3),
    Area("west", "Vestparken", population=11_500, need_weight=4),
    Area("old-town", "Gamle By", population=6_100, need_weight=1),
)
THEMES = (
    ("green", "Pocket park", "Trees, benches and rain beds on a paved corner"),
    ("green", "Community garden", "Raised beds and a tool shed run by neighbours"),
    ("mobility", "Safe cycle route", "Protected lane and crossings to the school"),
    ("mobility", "Bike repair station", "Public pump and tools at the library"),
    ("youth", "Youth club evenings", "Two evenings a week with trained volunteers"),
    ("youth", "Skate and play area", "Small skate spot beside the playground"),
    ("culture", "Outdoor stage", "A covered stage for local music and theatre"),
    ("culture", "Neighbourhood festival", "A yearly festival organised with local groups"),
    ("social", "Seniors' lunch club", "Weekly shared lunch against loneliness"),
    ("social", "Homework café", "Volunteer tutors twice a week"),
    ("health", "Outdoor gym", "Fitness equipment along the walking loop"),
    ("health", "Walking group kit", "Signs, maps and vests for guided walks"),
)
GROUPS = (
    ("nordbyen-residents", "Nordbyen Residents' Association"),
    ("havn-youth", "Havnekvarteret Youth Network"),
    ("vest-gardeners", "Vestparken Gardeners"),
    ("old-town-seniors", "Gamle By Seniors"),
    ("cycling-club", "Local Cycling Club"),
)
AGE_WEIGHTS = (
    (AgeBand.AGE_16_24, 9),
    (AgeBand.AGE_25_34, 14),
    (AgeBand.AGE_35_44, 18),
    (AgeBand.AGE_45_54, 18),
    (AgeBand.AGE_55_64, 17),
    (AgeBand.AGE_65_74, 15),
    (AgeBand.AGE_75_PLUS, 9),
)
COMPLAINTS = ComplaintsGuidance(
    body="Ankestyrelsen",
    procedure="Written complaint to the council, forwarded with its reasons",
    deadline_days=28,
)


@dataclass
class DemoSummary:
    """What the demo recorded, for the printed summary (and the tests)."""

    already_present: bool
    process_id: UUID
    events: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, object]]:
        """The summary as (label, value) rows, in lifecycle order."""
        order = (
            "organisations",
            "community groups",
            "ideas",
            "ideas merged",
            "ideas withdrawn",
            "proposals",
            "assessed unfeasible",
            "shortlisted",
            "ballots",
            "decisions: funded in full",
            "decisions: funded partially",
            "decisions: rejected",
            "decisions: deferred",
            "decisions corrected",
            "projects",
            "milestones met",
            "milestones started",
            "milestones delayed",
            "milestones cancelled",
            "milestones scheduled",
            "projects completed",
            "spend records",
            "spend total (DKK)",
            "commitments",
            "contributions logged",
            "volunteer hours logged",
        )
        rows: list[tuple[str, object]] = [("process id", self.process_id)]
        rows += [(k, self.counts[k]) for k in order if k in self.counts]
        rows.append(("events in the store", self.events))
        return rows


def demo_process_id(seed: int) -> UUID:
    """The process the demo for `seed` creates: fixed, so a second run is recognised."""
    council = Organisation.create_id(slug=f"demo-council-{seed}")
    return Process.create_id(council_id=council, code=f"demo-pb-{seed}")


def seed_demo(
    app: Coprod, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Seed one PB cycle; if this seed's demo is already in the store, add nothing."""
    process_id = demo_process_id(seed)
    if app.exists(process_id):
        return DemoSummary(True, process_id, events=app.recorder.max_notification_id() or 0)
    seeder = _Seeder(app, seed, progress or (lambda _: None))
    seeder.run()
    seeder.summary.events = app.recorder.max_notification_id() or 0
    return seeder.summary


class _Seeder:
    """The steps of the cycle, in order; each step uses only application commands."""

    def __init__(self, app: Coprod, seed: int, progress: Callable[[str], None]) -> None:
        self.app = app
        self.seed = seed
        self.rng = random.Random(seed)
        self.say = progress
        self.today = date.today()
        self.summary = DemoSummary(False, demo_process_id(seed))
        self.count = self.summary.counts

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def money(self, amount: int | Decimal) -> Money:
        return Money(Decimal(amount), CURRENCY)

    def run(self) -> None:
        self.organisations()
        self.open_process()
        self.ideas()
        self.review()
        self.vote()
        self.decide()
        self.deliver()
        self.co_deliver()

    # -- who takes part ------------------------------------------------------------------------

    def organisations(self) -> None:
        self.say("registering the council and community groups")
        app = self.app
        self.council_id = app.register_organisation(
            SYSTEM_ACTOR, f"demo-council-{self.seed}", OrganisationKind.COUNCIL, "Demo City Council"
        ).aggregate_id
        self.count["organisations"] += 1
        officer_id = app.register_person(
            SYSTEM_ACTOR, {"name": "Officer One", "email": "officer@example.org"}
        )
        app.add_member(SYSTEM_ACTOR, self.council_id, officer_id.aggregate_id, Role.COUNCIL_OFFICER)
        self.officer = Actor(officer_id.aggregate_id, Role.COUNCIL_OFFICER, self.council_id)
        self.groups: list[tuple[UUID, Actor]] = []
        for slug, name in GROUPS:
            group_id = app.register_organisation(
                self.officer, f"{slug}-{self.seed}", OrganisationKind.COMMUNITY_GROUP, name
            ).aggregate_id
            person = app.register_person(self.officer, {"name": f"Contact of {name}"}).aggregate_id
            app.add_member(self.officer, group_id, person, Role.COMMUNITY_MEMBER)
            self.groups.append((group_id, Actor(person, Role.COMMUNITY_MEMBER, group_id)))
            self.count["organisations"] += 1
            self.count["community groups"] += 1

    def open_process(self) -> None:
        self.say("opening the PB cycle")
        app, officer = self.app, self.officer
        self.process_id = app.open_process(
            officer,
            self.council_id,
            f"demo-pb-{self.seed}",
            "Demo City participatory budget",
            CURRENCY,
        ).aggregate_id
        pid = self.process_id
        app.set_budget(officer, pid, self.money(POT), self.money(400_000_000))
        app.set_eligible_population(officer, pid, 28_000)
        app.define_areas(officer, pid, AREAS)
        app.set_rules(
            officer,
            pid,
            VotingRules(VoteMethod.KNAPSACK, budget_limit=self.money(POT)),
            SelectionRule("greedy"),
        )
        phases = (
            (Phase.IDEAS, 330, 290),
            (Phase.DEVELOPMENT, 289, 250),
            (Phase.REVIEW, 249, 220),
            (Phase.VOTE, 219, 200),
            (Phase.DECISION, 199, 180),
            (Phase.DELIVERY, 179, -365),
        )
        schedule = tuple(PhaseDates(p, self.day(a), self.day(b)) for p, a, b in phases)
        app.schedule_phases(officer, pid, schedule)

    # -- ideas to shortlist --------------------------------------------------------------------

    def ideas(self) -> None:
        self.say("collecting ideas and developing proposals")
        app, rng, pid = self.app, self.rng, self.process_id
        self.ideas_ids: list[UUID] = []
        self.meta: dict[UUID, tuple[str, str]] = {}
        for i in range(46):
            category, title, description = THEMES[i % len(THEMES)]
            area = AREAS[rng.randrange(len(AREAS))]
            _group_id, member = self.groups[rng.randrange(len(self.groups))]
            author = (
                member
                if rng.random() < 0.6
                else Actor(uuid.UUID(int=rng.getrandbits(128)), Role.RESIDENT)
            )
            idea = app.submit_idea(
                author, pid, f"{title} in {area.name}", description, area.code, category
            ).aggregate_id
            self.ideas_ids.append(idea)
            self.meta[idea] = (area.code, category)
            self.count["ideas"] += 1
        for idea in self.ideas_ids[:3]:
            app.amend_idea(
                self.officer, idea, description="Clarified with the proposers at the ideas workshop"
            )
        merged = [
            (self.ideas_ids[40], self.ideas_ids[4]),
            (self.ideas_ids[41], self.ideas_ids[5]),
            (self.ideas_ids[42], self.ideas_ids[6]),
        ]
        for source, target in merged:
            app.merge_ideas(self.officer, source, target)
            self.count["ideas merged"] += 1
        for idea in self.ideas_ids[43:45]:
            app.withdraw_idea(
                self.officer,
                idea,
                "The proposers withdrew it: already funded by the housing association",
            )
            self.count["ideas withdrawn"] += 1
        app.advance_phase(self.officer, pid, Phase.DEVELOPMENT)
        self.proposals = self.ideas_ids[:40] + self.ideas_ids[45:]
        for proposal in self.proposals:
            area_code, category = self.meta[proposal]
            cost = self.money(rng.randrange(60, 460) * 1000)
            co_producers = (self.groups[rng.randrange(len(self.groups))][0],)
            app.develop_proposal(self.officer, proposal, cost, area_code, category, co_producers)
            self.count["proposals"] += 1

    def review(self) -> None:
        self.say("assessing feasibility and shortlisting")
        app, rng = self.app, self.rng
        app.advance_phase(self.officer, self.process_id, Phase.REVIEW)
        self.costs: dict[UUID, Money] = {}
        feasible = []
        for index, proposal in enumerate(self.proposals):
            if index % 6 == 5:
                app.assess_feasibility(
                    self.officer,
                    proposal,
                    False,
                    "The site is not council land and the owner declined",
                )
                self.count["assessed unfeasible"] += 1
                continue
            estimate = app.get_proposal(proposal).cost_estimate
            assert estimate is not None
            assessed = self.money(
                (estimate.amount * Decimal(rng.choice((90, 100, 110, 125))) / 100).quantize(
                    Decimal(1000)
                )
            )
            app.assess_feasibility(
                self.officer, proposal, True, "Feasible within one year", assessed
            )
            self.costs[proposal] = assessed
            feasible.append(proposal)
        self.shortlisted = feasible[:18]
        for proposal in self.shortlisted:
            app.shortlist(self.officer, proposal)
            self.count["shortlisted"] += 1
        for proposal in feasible[18:]:
            app.decline_shortlist(
                self.officer, proposal, "A similar project is already on the ballot for this area"
            )

    # -- the vote --------------------------------------------------------------------------------

    def vote(self) -> None:
        self.say("voting: 900 ballots")
        app, rng, pid = self.app, self.rng, self.process_id
        app.advance_phase(self.officer, pid, Phase.VOTE)
        app.open_ballot(self.officer, pid, tuple(self.shortlisted))
        popularity = {p: rng.uniform(0.5, 3.0) for p in self.shortlisted}
        bands = [b for b, _ in AGE_WEIGHTS]
        band_weights = [w for _, w in AGE_WEIGHTS]
        batch: list[BallotInput] = []
        for voter in range(900):
            choices = self._knapsack_choice(popularity)
            batch.append(
                BallotInput(
                    voter_pseudonym=app.pseudonymise(pid, f"demo-voter-{self.seed}-{voter}"),
                    choices=BallotChoices(approvals=choices),
                    channel=BallotChannel.ONLINE if rng.random() < 0.85 else BallotChannel.PAPER,
                    area_code=AREAS[rng.randrange(len(AREAS))].code,
                    age_band=rng.choices(bands, band_weights)[0] if rng.random() < 0.9 else None,
                    sex=rng.choice((Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER))
                    if rng.random() < 0.9
                    else None,
                )
            )
            if len(batch) == 150:
                self.count["ballots"] += app.cast_ballots(SYSTEM_ACTOR, pid, batch)
                batch = []
        if batch:
            self.count["ballots"] += app.cast_ballots(SYSTEM_ACTOR, pid, batch)
        app.close_ballot(self.officer, pid)

    def _knapsack_choice(self, popularity: dict[UUID, float]) -> tuple[UUID, ...]:
        ranked = sorted(popularity, key=lambda p: -popularity[p] * self.rng.random())
        spent, chosen = Decimal(0), []
        for proposal in ranked[: self.rng.randint(1, 7)]:
            cost = self.costs[proposal].amount
            if spent + cost <= POT:
                chosen.append(proposal)
                spent += cost
        return tuple(chosen)

    # -- the council decides -------------------------------------------------------------------

    def decide(self) -> None:
        self.say("recording council decisions")
        app, pid = self.app, self.process_id
        app.advance_phase(self.officer, pid, Phase.DECISION)
        votes: Counter[UUID] = Counter()
        for proposal in self.shortlisted:
            votes[proposal] = 0
        for ballot_votes in self._tally():
            votes.update(ballot_votes)
        ranking = sorted(self.shortlisted, key=lambda p: (-votes[p], str(p)))
        remaining, winners = POT, []
        for proposal in ranking:
            if self.costs[proposal].amount <= remaining:
                winners.append(proposal)
                remaining -= self.costs[proposal].amount
        decided_on = self.day(190)
        self.funded: list[UUID] = []
        losers = [p for p in ranking if p not in winners]
        partial = losers[0] if losers else None
        for proposal in winners:
            receipt = app.decide(
                self.officer,
                proposal,
                DecisionOutcome.FUNDED_IN_FULL,
                self.costs[proposal],
                None,
                decided_on,
            )
            self.funded.append(receipt.aggregate_id)
            self.count["decisions: funded in full"] += 1
        if partial is not None:
            self._partial_with_hearing(partial, decided_on)
        for index, proposal in enumerate(losers[1:]):
            if index == 0:
                app.decide(self.officer, proposal, DecisionOutcome.DEFERRED, None, None, decided_on)
                self.count["decisions: deferred"] += 1
                continue
            receipt = app.decide(
                self.officer,
                proposal,
                DecisionOutcome.REJECTED,
                None,
                self._rejection_record(proposal, votes[proposal]),
                decided_on,
            )
            self.count["decisions: rejected"] += 1
            if index == 1:
                corrected = self._rejection_record(proposal, votes[proposal], corrected=True)
                app.correct_decision(
                    self.officer,
                    receipt.aggregate_id,
                    "The vote count in the record was mistyped",
                    DecisionOutcome.REJECTED,
                    None,
                    corrected,
                    decided_on + timedelta(days=3),
                )
                self.count["decisions corrected"] += 1

    def _tally(self) -> list[tuple[UUID, ...]]:
        ballots = []
        for n in range(900):
            pseudonym = self.app.pseudonymise(self.process_id, f"demo-voter-{self.seed}-{n}")
            ballot = self.app.load(
                Ballot, Ballot.create_id(process_id=self.process_id, voter_pseudonym=pseudonym)
            )
            ballots.append(ballot.choices.approvals)
        return ballots

    def _rejection_record(
        self, proposal: UUID, votes: int, corrected: bool = False
    ) -> DecisionRecord:
        fact = uuid.uuid5(proposal, "vote-result" + ("-corrected" if corrected else ""))
        self.app.record_fact(
            self.officer,
            proposal,
            fact,
            f"The proposal received {votes} votes and did not fit the remaining budget",
            adverse=True,
            essential=True,
            known_to_party=True,
            noted_on=self.day(199),  # the vote result, known the day after the vote ended
        )
        return DecisionRecord(
            legal_basis=(
                "Kommunestyrelsesloven §2",
                "PB cycle rules §4 (greedy by votes within the pot)",
            ),
            main_considerations=("Projects are funded in order of votes until the pot is spent",),
            facts_relied_on=(fact,),
            complaints=COMPLAINTS,
            no_appeal_statement=None,
        )

    def _partial_with_hearing(self, proposal: UUID, decided_on: date) -> None:
        app = self.app
        fact = uuid.uuid5(proposal, "site-survey")
        app.record_fact(
            self.officer,
            proposal,
            fact,
            "The site survey found that only the first stage can be built this year",
            adverse=True,
            essential=True,
            known_to_party=False,
            noted_on=decided_on - timedelta(days=40),
        )
        hearing = uuid.uuid5(proposal, "hearing")
        party = self.groups[0][1].id
        # sent 30 days before the decision with a 25-day deadline (over the 14-day minimum),
        # answered 2 days before the deadline
        app.send_hearing(
            self.officer,
            proposal,
            hearing,
            party,
            (fact,),
            decided_on - timedelta(days=5),
            sent_on=decided_on - timedelta(days=30),
        )
        app.record_hearing_answer(
            self.officer, proposal, hearing, decided_on - timedelta(days=7), "journal 2026-0412"
        )
        amount = self.money((self.costs[proposal].amount / 2).quantize(Decimal(1000)))
        record = DecisionRecord(
            legal_basis=("Kommunestyrelsesloven §2",),
            main_considerations=("Only the first stage can be delivered within the cycle",),
            facts_relied_on=(fact,),
            complaints=COMPLAINTS,
            no_appeal_statement=None,
        )
        receipt = app.decide(
            self.officer, proposal, DecisionOutcome.FUNDED_PARTIALLY, amount, record, decided_on
        )
        self.funded.append(receipt.aggregate_id)
        self.count["decisions: funded partially"] += 1

    # -- delivery ---------------------------------------------------------------------------------

    def deliver(self) -> None:
        self.say("delivering projects: milestones, spend, outcomes")
        app, rng = self.app, self.rng
        app.advance_phase(self.officer, self.process_id, Phase.DELIVERY)
        self.projects: list[UUID] = []
        for index, decision in enumerate(self.funded):
            project = app.fund_project(self.officer, decision).aggregate_id
            self.projects.append(project)
            self.count["projects"] += 1
            approved = app.get_project(project).approved
            for code, title, due in (
                ("design", "Design agreed with residents", 60),
                ("build", "Built or running", 150),
                ("handover", "Handed over", 240),
            ):
                app.schedule_milestone(self.officer, project, code, title, self.day(-due))
            app.define_indicator(
                self.officer,
                project,
                "users",
                "People using it in a typical week",
                "people/week",
                Decimal(rng.randrange(40, 400)),
            )
            state = index % 5
            today = self.today
            if state in (0, 1):  # delivered
                for code in ("design", "build", "handover"):
                    app.start_milestone(self.officer, project, code, today)
                    app.meet_milestone(
                        self.officer,
                        project,
                        code,
                        today,
                        f"https://demo.coprod.example/evidence/{project}/{code}",
                    )
                    self.count["milestones met"] += 1
                self._spend(
                    project,
                    approved.amount * Decimal("0.95")
                    if state == 0
                    else approved.amount * Decimal("1.08"),
                )
                app.complete_project(self.officer, project, today)
                app.report_outcome(
                    self.officer,
                    project,
                    "users",
                    Decimal(rng.randrange(30, 450)),
                    rng.randrange(100, 2000),
                    today,
                )
                self.count["projects completed"] += 1
            elif state == 2:  # under way
                app.start_milestone(self.officer, project, "design", today)
                app.meet_milestone(
                    self.officer,
                    project,
                    "design",
                    today,
                    f"https://demo.coprod.example/evidence/{project}/design",
                )
                app.start_milestone(self.officer, project, "build", today)
                self.count["milestones met"] += 1
                self.count["milestones started"] += 1
                self.count["milestones scheduled"] += 1
                self._spend(project, approved.amount * Decimal("0.4"))
            elif state == 3:  # delayed
                app.start_milestone(self.officer, project, "design", today)
                app.delay_milestone(
                    self.officer,
                    project,
                    "design",
                    self.day(-120),
                    "The contractor went bankrupt; re-tendering",
                )
                self.count["milestones delayed"] += 1
                self.count["milestones scheduled"] += 2
                self._spend(project, approved.amount * Decimal("0.1"))
            else:  # scope cut, one milestone cancelled
                app.cancel_milestone(
                    self.officer,
                    project,
                    "handover",
                    "Merged into the build milestone at the residents' request",
                )
                self.count["milestones cancelled"] += 1
                self.count["milestones scheduled"] += 2

    def _spend(self, project: UUID, total: Decimal) -> None:
        parts = (Decimal("0.3"), Decimal("0.5"), Decimal("0.2"))
        for share, purpose in zip(
            parts,
            ("Design and consultation", "Works contract", "Materials and signage"),
            strict=True,
        ):
            amount = (total * share).quantize(Decimal("0.01"))
            self.app.record_spend(self.officer, project, self.money(amount), self.today, purpose)
            self.count["spend records"] += 1
            self.count["spend total (DKK)"] += int(amount)

    def co_deliver(self) -> None:
        self.say("community groups commit and log their work")
        app, rng = self.app, self.rng
        for index, project in enumerate(self.projects):
            group_id, member = self.groups[index % len(self.groups)]
            phase = CoproductionPhase.CO_DELIVERY if index % 3 else CoproductionPhase.CO_DESIGN
            in_kind = (
                InKindAsset("Use of the association's hall and tools", self.money(15_000))
                if index % 4 == 0
                else None
            )
            commitment = app.make_commitment(
                member,
                group_id,
                project,
                phase,
                CoproductionLevel.GROUP,
                Decimal(rng.randrange(40, 200)),
                in_kind,
            ).aggregate_id
            self.count["commitments"] += 1
            for log in range(rng.randrange(4, 9)):
                people = rng.randrange(1, 9)
                hours = Decimal(rng.randrange(1, 5) * people)
                receipt = app.log_contribution(
                    member,
                    commitment,
                    group_id,
                    project,
                    hours,
                    people,
                    phase,
                    CoproductionLevel.GROUP,
                    self.day(rng.randrange(0, 150)),
                    seconds_to_log=rng.randrange(8, 45),
                    client_id=uuid.uuid5(commitment, f"log-{log}"),
                )
                self.count["contributions logged"] += 1
                self.count["volunteer hours logged"] += int(hours)
                if log == 0:
                    app.verify_contribution(self.officer, receipt.aggregate_id)
                elif log == 1 and index == 2:
                    app.dispute_contribution(
                        self.officer,
                        receipt.aggregate_id,
                        "Hours overlap with a paid council contract",
                    )
            if index % 5 in (0, 1):
                app.mark_commitment_met(self.officer, commitment)
