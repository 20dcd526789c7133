"""Processes: open a PB cycle, set its budget, areas, rules and schedule, move its phases."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, ExpectedVersion, Officer, PublicReader
from api.http.fields import BusinessDate, Code, Count, CurrencyCode, Text
from api.http.routes.common import (
    Body,
    CommandResult,
    MoneyModel,
    View,
    etag,
    money_out,
    run_command,
)
from coprod.application.commands import processes as cmd
from coprod.application.commands import proposals as proposal_cmd
from coprod.domain.phases import Phase
from coprod.domain.process import (
    MIN_DISCLOSURE_K,
    MIN_HEARING_DAYS_CEILING,
    MIN_HEARING_DAYS_FLOOR,
    Area,
    PhaseDates,
    Process,
    ProcessKind,
)
from coprod.domain.voting import SelectionRule, VoteMethod, VotingRules

router = APIRouter(prefix="/processes", tags=["processes"])


class OpenProcess(Body):
    code: Annotated[Code, Field(examples=["pb-2026"])]
    name: Annotated[Text, Field(examples=["Participatory budget 2026"])]
    currency: CurrencyCode
    kind: ProcessKind = ProcessKind.PB_CYCLE


class SetBudget(Body):
    pot: MoneyModel
    budget_base: MoneyModel | None = None


class SetEligiblePopulation(Body):
    eligible: Count


class SetDisclosureThreshold(Body):
    k: Annotated[
        Count,
        Field(
            ge=MIN_DISCLOSURE_K,
            description="Published counts of people below k are suppressed (DOMAIN.md §6)",
            examples=[5],
        ),
    ]


class SetMinimumHearingPeriod(Body):
    days: Annotated[
        Count,
        Field(
            ge=MIN_HEARING_DAYS_FLOOR,
            le=MIN_HEARING_DAYS_CEILING,
            description="The least days between sending a party hearing and its deadline",
            examples=[14],
        ),
    ]


class AreaModel(Body):
    code: Code
    name: Text
    population: Count | None = None
    need_weight: Count | None = None


class DefineAreas(Body):
    areas: list[AreaModel]


class VotingRulesModel(Body):
    method: VoteMethod
    max_choices: Count | None = None
    min_choices: Count = 1
    budget_limit: MoneyModel | None = None
    points: Count | None = None
    max_points_per_project: Count | None = None
    min_points_per_project: Count | None = None
    min_points_total: Count | None = None

    def to_rules(self) -> VotingRules:
        return VotingRules(
            method=self.method,
            max_choices=self.max_choices,
            min_choices=self.min_choices,
            budget_limit=None if self.budget_limit is None else self.budget_limit.to_money(),
            points=self.points,
            max_points_per_project=self.max_points_per_project,
            min_points_per_project=self.min_points_per_project,
            min_points_total=self.min_points_total,
        )


class SelectionRuleModel(Body):
    method: Annotated[Code, Field(examples=["greedy"])]
    completion: Code | None = None
    min_votes: Count = 0


class SetRules(Body):
    voting: VotingRulesModel
    selection: SelectionRuleModel


class PhaseDatesModel(Body):
    phase: Phase
    starts_on: BusinessDate
    ends_on: BusinessDate


class SchedulePhases(Body):
    schedule: list[PhaseDatesModel]


class AdvancePhase(Body):
    to_phase: Phase


class OpenBallot(Body):
    proposal_ids: list[UUID]


class BallotOptionView(View):
    proposal_id: UUID
    cost: MoneyModel


class ProcessView(View):
    id: UUID
    version: int
    council_id: UUID
    code: str
    name: str
    kind: ProcessKind
    currency: str
    phase: Phase
    pot: MoneyModel | None
    budget_base: MoneyModel | None
    eligible: int | None
    areas: list[AreaModel]
    voting: VotingRulesModel | None
    selection: SelectionRuleModel | None
    schedule: list[PhaseDatesModel]
    ballot_state: str
    ballot_options: list[BallotOptionView]
    disclosure_k: int = Field(description="Counts of people below this are suppressed")
    min_hearing_days: int = Field(description="The least days a party gets to answer a hearing")


def _view(p: Process) -> ProcessView:
    v = p.voting
    return ProcessView(
        id=p.id,
        version=p.version,
        council_id=p.council_id,
        code=p.code,
        name=p.name,
        kind=p.kind,
        currency=p.currency,
        phase=p.phase,
        pot=money_out(p.pot),
        budget_base=money_out(p.budget_base),
        eligible=p.eligible,
        areas=[AreaModel(**a.__dict__) for a in p.areas],
        voting=None
        if v is None
        else VotingRulesModel(
            method=v.method,
            max_choices=v.max_choices,
            min_choices=v.min_choices,
            budget_limit=money_out(v.budget_limit),
            points=v.points,
            max_points_per_project=v.max_points_per_project,
            min_points_per_project=v.min_points_per_project,
            min_points_total=v.min_points_total,
        ),
        selection=None
        if p.selection is None
        else SelectionRuleModel(
            method=p.selection.method,
            completion=p.selection.completion,
            min_votes=p.selection.min_votes,
        ),
        schedule=[PhaseDatesModel(**d.__dict__) for d in p.schedule],
        ballot_state=p.ballot_state,
        ballot_options=[
            BallotOptionView(proposal_id=o.proposal_id, cost=money_out(o.cost))
            for o in p.ballot_options
        ],
        disclosure_k=p.disclosure_k,
        min_hearing_days=p.min_hearing_days,
    )


@router.post("", status_code=201)
def open_process(
    body: OpenProcess, who: Officer, app: CoprodApp, response: Response
) -> CommandResult:
    """Open a process for the officer's own council; the same code twice is a 409."""
    command = cmd.OpenProcess(
        council_id=who.organisation_id,
        code=body.code,
        name=body.name,
        currency=body.currency,
        kind=body.kind,
    )
    return run_command(response, app.open_process, command, who.actor, created="processes")


@router.get("/{process_id}")
def get_process(
    process_id: UUID, who: PublicReader, app: CoprodApp, response: Response
) -> ProcessView:
    """The process as it stands now, with its version as the ETag (public)."""
    process = app.get_process(process_id)
    response.headers["ETag"] = etag(process.version)
    return _view(process)


@router.post("/{process_id}/budget")
def set_budget(
    process_id: UUID,
    body: SetBudget,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Set the pot residents allocate and the budget base it is a share of (before the vote)."""
    base = None if body.budget_base is None else body.budget_base.to_money()
    command = cmd.SetBudget(
        process_id=process_id, pot=body.pot.to_money(), budget_base=base, expected_version=expected
    )
    return run_command(response, app.set_budget, command, who.actor)


@router.post("/{process_id}/eligible-population")
def set_eligible_population(
    process_id: UUID,
    body: SetEligiblePopulation,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Set how many people may vote, the denominator of turnout."""
    command = cmd.SetEligiblePopulation(
        process_id=process_id, eligible=body.eligible, expected_version=expected
    )
    return run_command(response, app.set_eligible_population, command, who.actor)


@router.post("/{process_id}/disclosure-threshold")
def set_disclosure_threshold(
    process_id: UUID,
    body: SetDisclosureThreshold,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Set k of this process's published tables: counts of people below k are hidden."""
    command = cmd.SetDisclosureThreshold(process_id=process_id, k=body.k, expected_version=expected)
    return run_command(response, app.set_disclosure_threshold, command, who.actor)


@router.post("/{process_id}/minimum-hearing-period")
def set_minimum_hearing_period(
    process_id: UUID,
    body: SetMinimumHearingPeriod,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Set the least days a party gets to answer a hearing; shorter deadlines are refused."""
    command = cmd.SetMinimumHearingPeriod(
        process_id=process_id, days=body.days, expected_version=expected
    )
    return run_command(response, app.set_minimum_hearing_period, command, who.actor)


@router.post("/{process_id}/areas")
def define_areas(
    process_id: UUID,
    body: DefineAreas,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Define the districts of the process; ideas and ballots then name one of them."""
    areas = tuple(Area(a.code, a.name, a.population, a.need_weight) for a in body.areas)
    command = cmd.DefineAreas(process_id=process_id, areas=areas, expected_version=expected)
    return run_command(response, app.define_areas, command, who.actor)


@router.post("/{process_id}/rules")
def set_rules(
    process_id: UUID,
    body: SetRules,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Declare the voting and selection rules, before the vote (DOMAIN.md §5)."""
    selection = SelectionRule(
        body.selection.method, body.selection.completion, body.selection.min_votes
    )
    command = cmd.SetRules(
        process_id=process_id,
        voting=body.voting.to_rules(),
        selection=selection,
        expected_version=expected,
    )
    return run_command(response, app.set_rules, command, who.actor)


@router.post("/{process_id}/schedule")
def schedule_phases(
    process_id: UUID,
    body: SchedulePhases,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Publish the planned dates of the phases."""
    schedule = tuple(PhaseDates(d.phase, d.starts_on, d.ends_on) for d in body.schedule)
    command = cmd.SchedulePhases(
        process_id=process_id, schedule=schedule, expected_version=expected
    )
    return run_command(response, app.schedule_phases, command, who.actor)


@router.post("/{process_id}/phase")
def advance_phase(
    process_id: UUID,
    body: AdvancePhase,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Move the process forward to a later phase; never back."""
    command = cmd.AdvancePhase(
        process_id=process_id, to_phase=body.to_phase, expected_version=expected
    )
    return run_command(response, app.advance_phase, command, who.actor)


@router.post("/{process_id}/ballot/open")
def open_ballot(
    process_id: UUID,
    body: OpenBallot,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Open the vote on these shortlisted proposals, at their assessed costs."""
    command = proposal_cmd.OpenBallot(
        process_id=process_id, proposal_ids=tuple(body.proposal_ids), expected_version=expected
    )
    return run_command(response, app.open_ballot, command, who.actor)


@router.post("/{process_id}/ballot/close")
def close_ballot(
    process_id: UUID, who: Officer, app: CoprodApp, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Close the vote; later ballots are refused."""
    command = cmd.CloseBallot(process_id=process_id, expected_version=expected)
    return run_command(response, app.close_ballot, command, who.actor)
