"""Who may do what: every route, for each caller role, on its own or another organisation's object.

One row per route, keyed by operation id. A row says how to build a fresh target object on
either side (tests/api/scenario.py: "own" is the callers' council A and group G, "other" is
council B and group H), the request body, and the expected answer in each of the eight cells.
A denial must record nothing and answer a problem document naming why; a success must carry
the expected fields. :func:`test_every_route_has_a_row` fails for a route without a row, so a
new route cannot ship without its access rules written down here.

To add a route: add a row to :data:`MATRIX` under its operation id, usually with one of the
profiles (:func:`council_command`, :func:`public_read`...) and a builder from the scenario.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal
from uuid import UUID

import pytest

from api.http.app import create_app, operation_id
from api.http.errors import PROBLEM_JSON
from coprod.application import SYSTEM_ACTOR
from coprod.application.commands.ballots import EnterPaperBallot
from coprod.domain.voting import BallotChoices
from tests.api import commissioning_scenario as cc
from tests.api.scenario import (
    SIDES,
    TODAY,
    Scenario,
    Side,
    complete_record,
    contribution_body,
    money,
    running_scenario,
)
from tests.api.test_security import Endpoint, api_routes

Caller = Literal["officer", "member", "evaluator", "public"]
CALLERS: tuple[Caller, ...] = ("officer", "member", "evaluator", "public")
OFFICER: Caller = "officer"
_serial = itertools.count()


@dataclass(frozen=True)
class Ok:
    """The request succeeds with `status` and a body with exactly these fields.

    For a CSV answer, ``fields`` are the columns of its header line; ``check``, if given,
    must hold for the parsed JSON body (e.g. which entries carry an actor id).
    """

    status: int
    fields: frozenset[str]
    media: str = "application/json"
    check: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Deny:
    """The request is refused with `status`, the problem type `slug`, and `detail` in its text."""

    status: int
    slug: str
    detail: str


Cell = Ok | Deny
Cells = dict[tuple[Caller, Side], Cell]
Ids = dict[str, str]


@dataclass(frozen=True)
class Row:
    """One route: a fresh target per side, the body to send, and the eight expected answers.

    ``build`` returns the path parameters (and any ids the body needs); ``sides`` is just
    ("own",) for routes that name no existing object.
    """

    build: Callable[[Scenario, Side], Ids]
    cells: Cells
    body: Callable[[Ids], Any] | None = None
    sides: tuple[Side, ...] = SIDES
    headers: dict[str, str] = field(default_factory=dict)
    #: Read-model queries wait for the log position the builder reached (read your writes).
    reads: bool = False


# -- expected bodies ------------------------------------------------------------------------

COMMAND = frozenset({"id", "version", "position", "item_id"})
OCDS_PACKAGE = frozenset({"uri", "version", "publishedDate", "publisher", "releases"})
IMPORTED = frozenset({"recorded", "lines"})
HEALTH = frozenset({"status", "store", "position", "quarantined", "quarantined_by_model"})
ORGANISATION = frozenset({"id", "version", "slug", "kind", "display_name", "members"})
PERSON = frozenset({"id", "version", "erased", "details"})
PROCESS = frozenset(
    {
        "id",
        "version",
        "council_id",
        "code",
        "name",
        "kind",
        "currency",
        "phase",
        "pot",
        "budget_base",
        "eligible",
        "areas",
        "voting",
        "selection",
        "schedule",
        "ballot_state",
        "ballot_options",
        "disclosure_k",
        "min_hearing_days",
    }
)
PROPOSAL = frozenset(
    {
        "id",
        "version",
        "process_id",
        "title",
        "description",
        "area_code",
        "category",
        "stage",
        "status",
        "merged_into",
        "cost_estimate",
        "feasible",
        "assessment_reason",
        "assessed_cost",
        "shortlisted",
        "decision_id",
        "decision_status",
    }
)
DECISION = frozenset(
    {"id", "version", "process_id", "proposal_id", "outcome", "amount", "status"}
    | {"decided_on", "record"}
)
PROJECT = frozenset(
    {"id", "version", "process_id", "proposal_id", "decision_id", "title", "status"}
    | {"approved", "spent", "completed_on", "milestones", "spends", "indicators"}
)
COMMITMENT = frozenset(
    {"id", "version", "organisation_id", "project_id", "phase", "level"}
    | {"pledged_hours", "in_kind", "status"}
)
PROCESS_PAGE = frozenset({"items", "total", "next_cursor", "next", "position"})
CASE_PAGE = frozenset({"items", "total", "offset", "limit", "position"})
SUMMARY = frozenset(
    {"process_id", "as_of", "valid_at", "name", "kind", "phase", "currency", "pot"}
    | {
        "budget_base",
        "eligible",
        "vote_method",
        "ballot_state",
        "ballot_options",
        "ideas_submitted",
    }
    | {"ideas_merged", "ideas_withdrawn", "proposals", "assessed_feasible"}
    | {"assessed_unfeasible", "shortlisted", "not_shortlisted", "ballots_cast", "decisions"}
    | {"projects_funded", "projects_completed", "projects_cancelled", "tallies"}
)
TIMELINE = frozenset(
    {"subject_id", "as_of", "valid_at", "process_id", "chain_ids", "decision_ids"}
    | {"project_id", "personal_fields", "tally", "entries", "community"}
)
IMPACT = frozenset(
    {"process_id", "name", "as_of", "valid_at", "currency", "k", "method", "parameters"}
    | {"notes", "tables", "release"}
)
RELEASE_SUMMARY = frozenset(
    {"process_id", "number", "as_of", "position", "figures_sha256", "counted_sha256"}
    | {"chain_head", "note", "published_at", "published_by"}
)
RELEASE = RELEASE_SUMMARY | {"figures"}
RELEASE_LIST = frozenset({"process_id", "releases"})
PUBLISHED = RELEASE_SUMMARY | {"withheld", "pairs_checked"}
EVENTS_CSV = frozenset(
    {"position", "timestamp", "aggregate_type", "event_type", "topic", "originator_id"}
    | {"originator_version", "actor_id", "actor_role", "actor_organisation_id", "payload"}
)
TENDER_LIST = frozenset({"items"})
TENDER_DETAIL = frozenset(
    {"tender_id", "process_id", "code", "title", "stage", "need", "lots", "criteria", "scale"}
    | {"deadline", "estimated_value", "published_on", "opened", "bid_count", "panel"}
    | {"panel_declared", "k", "bids", "awards", "contracts", "scores"}
)
CONTRIBUTION = frozenset(
    {"id", "version", "commitment_id", "organisation_id", "project_id", "hours"}
    | {"people_count", "phase", "level", "worked_on", "status"}
)

# -- expected refusals ------------------------------------------------------------------------

NO_KEY = Deny(401, "unauthenticated", "send an API key")
READ_ONLY = Deny(403, "forbidden", "the evaluator role is read-only")
OFFICERS_ONLY = Deny(403, "forbidden", "only a council officer may do this")
OTHER_COUNCIL = Deny(403, "forbidden", "is run by another council")
OTHER_GROUPS_IDEA = Deny(403, "forbidden", "was submitted by another organisation")
NOT_THEIR_GROUP = Deny(403, "forbidden", "may not manage the members of lake-friends")
#: An officer's key pledging for its own council (no organisation_id) breaks a domain rule.
COUNCILS_DO_NOT_PLEDGE = Deny(409, "rule-violation", "only a community group makes commitments")


EVALUATORS_ONLY = Deny(403, "forbidden", "only an evaluator may read this")
#: The public reads impact figures only from releases; these processes have none.
NO_RELEASE = Deny(404, "not-found", "has no published release yet")
#: Marking a pledge met certifies its in-kind value: the council's officer does it.
GROUPS_DO_NOT_CERTIFY = Deny(403, "forbidden", "a group cannot certify its own pledge")


#: A bid names its bidder: only that organisation's members (or the council's officers) send it.
NOT_THE_BIDDER = Deny(403, "forbidden", "a bid is submitted by a member of the bidding")


def hidden(kind: str) -> Deny:
    """Another organisation's private object answers as if it did not exist."""
    return Deny(404, "not-found", f"no {kind} with id")


# -- profiles: the usual shapes of a row's eight cells ----------------------------------------


def cells(
    officer: tuple[Cell, Cell],
    member: tuple[Cell, Cell],
    evaluator: tuple[Cell, Cell],
    public: tuple[Cell, Cell],
) -> Cells:
    """The eight cells, each role given as (own, other)."""
    given = {"officer": officer, "member": member, "evaluator": evaluator, "public": public}
    return {(role, side): given[role][i] for role in CALLERS for i, side in enumerate(SIDES)}


def public_read(fields: frozenset[str]) -> Cells:
    ok = Ok(200, fields)
    return cells((ok, ok), (ok, ok), (ok, ok), (ok, ok))


def council_command(status: int = 200) -> Cells:
    """Council officers of the object's own council only."""
    return cells(
        (Ok(status, COMMAND), OTHER_COUNCIL),
        (OFFICERS_ONLY, OFFICERS_ONLY),
        (READ_ONLY, READ_ONLY),
        (NO_KEY, NO_KEY),
    )


def as_panel_member() -> Cells:
    """Declaring and scoring: every writing caller sits on the panel and acts as themself."""
    ok = Ok(200, COMMAND)
    return cells((ok, ok), (ok, ok), (READ_ONLY, READ_ONLY), (NO_KEY, NO_KEY))


def idea_command() -> Cells:
    """The submitting group, or an officer of the process's council."""
    ok = Ok(200, COMMAND)
    return cells(
        (ok, OTHER_COUNCIL), (ok, OTHER_GROUPS_IDEA), (READ_ONLY, READ_ONLY), (NO_KEY, NO_KEY)
    )


def group_read(fields: frozenset[str], kind: str) -> Cells:
    """A group's private object: its group, its project's council's officers and evaluators."""
    ok = Ok(200, fields)
    return cells((ok, hidden(kind)), (ok, hidden(kind)), (ok, hidden(kind)), (NO_KEY, NO_KEY))


def group_command(kind: str, officer: Cell, member: Cell) -> Cells:
    """A command on a group's private object; others' objects stay hidden (404)."""
    return cells(
        (officer, hidden(kind)),
        (member, hidden(kind)),
        (READ_ONLY, READ_ONLY),
        (NO_KEY, NO_KEY),
    )


def group_list(fields: frozenset[str]) -> Cells:
    """A group's private list: the group, and (scoped to their council) officers and
    evaluators; another group's member gets a 404, as for one of its objects."""
    ok = Ok(200, fields)
    return cells((ok, ok), (ok, hidden("organisation's commitments")), (ok, ok), (NO_KEY, NO_KEY))


def anyone_with_write_key(status: int) -> Cells:
    """Any officer or community member, whichever side the object is on."""
    ok = Ok(status, COMMAND)
    return cells((ok, ok), (ok, ok), (READ_ONLY, READ_ONLY), (NO_KEY, NO_KEY))


# -- builders: fresh targets, as path parameters ------------------------------------------------


def as_params(ids: dict[str, str], **extra: str) -> Ids:
    return {f"{name}_id": value for name, value in ids.items()} | extra


def nothing(s: Scenario, side: Side) -> Ids:
    return {}


def process(phase: str = "ideas") -> Callable[[Scenario, Side], Ids]:
    return lambda s, side: {"process_id": s.process(side, phase)}


def proposal(stage: str) -> Callable[[Scenario, Side], Ids]:
    return lambda s, side: as_params(s.proposal(side, stage))


def paper_ballot(s: Scenario, side: Side) -> Ids:
    """A pending paper ballot in an open vote, entered by another than the caller."""
    ids = s.ballot(side)
    command = EnterPaperBallot(
        process_id=UUID(ids["process"]),
        serial=serial("P"),
        choices=BallotChoices(approvals=(UUID(ids["proposal"]),)),
    )
    return {"paper_ballot_id": str(s.coprod.enter_paper_ballot(command, SYSTEM_ACTOR).aggregate_id)}


def idea(s: Scenario, side: Side) -> Ids:
    return as_params(s.idea(side))


def two_ideas(s: Scenario, side: Side) -> Ids:
    first = s.idea(side)
    second = s.idea(side, first["process"])
    return as_params(first, target=second["proposal"])


def vote_ready(s: Scenario, side: Side) -> Ids:
    ids = s.proposal(side, "shortlisted")
    s.advance(side, ids["process"], "vote")
    return as_params(ids)


def unknown_fact(s: Scenario, side: Side) -> Ids:
    ids = s.proposal(side, "review")
    return as_params(ids, fact_id=s.fact(side, ids["proposal"], known_to_party=False))


def known_fact(s: Scenario, side: Side) -> Ids:
    ids = s.proposal(side, "review")
    return as_params(ids, fact_id=s.fact(side, ids["proposal"]))


def project(code: str = "build") -> Callable[[Scenario, Side], Ids]:
    return lambda s, side: as_params(s.project(side), code=code)


def released(s: Scenario, side: Side) -> Ids:
    """A process with release 1 published by its council's officer."""
    pid = s.process(side)
    s.post(f"/processes/{pid}/releases", s.officer(side), {}, 201)
    return {"process_id": pid, "number": "1"}


def released_export(s: Scenario, side: Side) -> Ids:
    """A process with a published release, and the OCDS export of it."""
    ids = released(s, side)
    return {"process_id": ids["process_id"], "standard": "ocds"}


def finished_project(s: Scenario, side: Side) -> Ids:
    """A project whose only milestone is met, so it may be completed."""
    ids = as_params(s.project(side))
    s.post(
        f"/projects/{ids['project_id']}/milestones/build/meet",
        s.officer(side),
        {"met_on": str(TODAY), "evidence_url": "https://example.org/done"},
    )
    return ids


def group_with_work(s: Scenario, side: Side) -> Ids:
    """The side's group, with a commitment and a logged contribution to list."""
    s.contribution(side)
    return {"organisation_id": str(s.groups[side])}


def organisation(s: Scenario, side: Side) -> Ids:
    return {"organisation_id": str(s.groups[side]), "person": s.person(side)}


def person(s: Scenario, side: Side) -> Ids:
    return {"person_id": s.person(side)}


def serial(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def reason(ids: Ids) -> dict[str, str]:
    return {"reason": "Changed plans"}


def decide_body(ids: Ids) -> dict[str, Any]:
    return {"outcome": "funded_in_full", "amount": money("1000"), "decided_on": str(TODAY)}


# -- the matrix ---------------------------------------------------------------------------------

# Personal details are for the organisation that registered the person (the side's officer
# here): anyone else gets 404, as if the person did not exist. A council's officers manage
# the members of the groups their council registered (the side's group), not another's.
OFFICER_SEES_PEOPLE = cells(
    (Ok(200, PERSON), hidden("person")),
    (hidden("person"), hidden("person")),
    (hidden("person"), hidden("person")),
    (NO_KEY, NO_KEY),
)
MEMBERSHIP = cells(
    (Ok(200, COMMAND), NOT_THEIR_GROUP),
    (Ok(200, COMMAND), NOT_THEIR_GROUP),
    (READ_ONLY, READ_ONLY),
    (NO_KEY, NO_KEY),
)
#: Adding a person the caller cannot see answers as if the person did not exist: the group
#: did not register the council's person, so it cannot learn that the id exists.
ADD_MEMBER = MEMBERSHIP | {("member", "own"): hidden("person")}
REGISTER = cells(
    (Ok(201, COMMAND), Ok(201, COMMAND)),
    (OFFICERS_ONLY, OFFICERS_ONLY),
    (READ_ONLY, READ_ONLY),
    (NO_KEY, NO_KEY),
)


def _entries(body: Any) -> list[Any]:
    entries: list[Any] = body["entries"]
    assert entries, "a funded project's timeline has entries"
    return entries


#: Evaluators and the process's own council officers see who acted (pseudonymous ids).
TIMELINE_FULL = Ok(200, TIMELINE, check=lambda b: all("actor_id" in e for e in _entries(b)))
#: Everyone else sees which body acted, never the actor's id.
TIMELINE_PUBLIC = Ok(200, TIMELINE, check=lambda b: not any("actor_id" in e for e in _entries(b)))

#: A group's member list is for the group and the council it works with (the side's officer).
MEMBERS_LISTED = Ok(200, ORGANISATION, check=lambda b: b["members"] is not None)
MEMBERS_UNLISTED = Ok(200, ORGANISATION, check=lambda b: b["members"] is None)

MATRIX: dict[str, Row] = {
    "health_health": Row(nothing, public_read(HEALTH), sides=("own",)),
    # organisations and people
    "organisations_register_organisation": Row(
        nothing,
        REGISTER,
        lambda ids: {"slug": serial("org"), "kind": "community_group", "display_name": "New"},
        sides=("own",),
    ),
    "organisations_get_organisation": Row(
        organisation,
        cells(
            (MEMBERS_LISTED, MEMBERS_UNLISTED),
            (MEMBERS_LISTED, MEMBERS_UNLISTED),
            (MEMBERS_UNLISTED, MEMBERS_UNLISTED),
            (MEMBERS_UNLISTED, MEMBERS_UNLISTED),
        ),
    ),
    "organisations_add_member": Row(
        organisation,
        ADD_MEMBER,
        lambda ids: {"person_id": ids["person"], "role": "community_member"},
    ),
    "organisations_remove_member": Row(lambda s, side: as_params(s.group_member(side)), MEMBERSHIP),
    "people_register_person": Row(
        nothing,
        anyone_with_write_key(201),
        lambda ids: {"details": {"name": "Bo"}},
        sides=("own",),
    ),
    "people_get_person": Row(person, OFFICER_SEES_PEOPLE),
    "people_erase_person": Row(
        person,
        cells(
            (Ok(200, COMMAND), hidden("person")),
            (hidden("person"), hidden("person")),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
    ),
    # processes
    "processes_open_process": Row(
        nothing,
        REGISTER,
        lambda ids: {"code": serial("pb"), "name": "PB", "currency": "DKK"},
        sides=("own",),
    ),
    "processes_get_process": Row(process(), public_read(PROCESS)),
    "processes_list_processes": Row(
        process(), public_read(PROCESS_PAGE), sides=("own",), reads=True
    ),
    "processes_get_process_summary": Row(process(), public_read(SUMMARY), reads=True),
    "processes_list_cases": Row(process(), public_read(CASE_PAGE), reads=True),
    "lists_list_proposals": Row(process(), public_read(CASE_PAGE), reads=True),
    "lists_list_projects": Row(process(), public_read(CASE_PAGE), reads=True),
    "lists_list_decisions": Row(process(), public_read(CASE_PAGE), reads=True),
    "lists_list_commitments": Row(
        group_with_work, group_list(frozenset({"items", "total"})), reads=True
    ),
    "lists_list_contributions": Row(group_with_work, group_list(CASE_PAGE), reads=True),
    "impact_get_impact_report": Row(
        project(),
        cells(
            (Ok(200, IMPACT), NO_RELEASE),
            (NO_RELEASE, NO_RELEASE),
            (Ok(200, IMPACT), NO_RELEASE),
            (NO_RELEASE, NO_RELEASE),
        ),
        reads=True,
    ),
    "impact_publish_release": Row(
        process(),
        cells(
            (Ok(201, PUBLISHED), OTHER_COUNCIL),
            (OFFICERS_ONLY, OFFICERS_ONLY),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        lambda ids: {"note": "matrix"},
    ),
    "impact_list_releases": Row(process(), public_read(RELEASE_LIST)),
    "impact_get_release": Row(released, public_read(RELEASE)),
    "timelines_get_project_timeline": Row(
        project(),
        cells(
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
        ),
        reads=True,
    ),
    # The same story under the idea's/proposal's and the decision's id, with the same views:
    # another council's evaluator key reads the public view, as for the project's id.
    "timelines_get_proposal_timeline": Row(
        project(),
        cells(
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
        ),
        reads=True,
    ),
    "timelines_get_decision_timeline": Row(
        project(),
        cells(
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
            (TIMELINE_FULL, TIMELINE_PUBLIC),
            (TIMELINE_PUBLIC, TIMELINE_PUBLIC),
        ),
        reads=True,
    ),
    # open data follows the published release for every caller (current=true is the live log)
    "exports_process_export": Row(released_export, public_read(OCDS_PACKAGE)),
    "exports_provenance": Row(
        project(),
        cells(
            (NO_RELEASE, NO_RELEASE),
            (NO_RELEASE, NO_RELEASE),
            (NO_RELEASE, NO_RELEASE),
            (NO_RELEASE, NO_RELEASE),
        ),
    ),
    "exports_export_events_csv": Row(
        nothing,
        cells(
            (EVALUATORS_ONLY, EVALUATORS_ONLY),
            (EVALUATORS_ONLY, EVALUATORS_ONLY),
            (Ok(200, EVENTS_CSV, media="text/csv"),) * 2,
            (NO_KEY, NO_KEY),
        ),
        sides=("own",),
    ),
    "projections_list_quarantine": Row(
        nothing,
        cells(
            (Ok(200, frozenset({"total", "items"})),) * 2,
            (OFFICERS_ONLY, OFFICERS_ONLY),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        sides=("own",),
    ),
    "processes_set_budget": Row(
        process(), council_command(), lambda ids: {"pot": money("5000.00")}
    ),
    "processes_set_eligible_population": Row(
        process(), council_command(), lambda ids: {"eligible": 12000}
    ),
    "processes_set_disclosure_threshold": Row(process(), council_command(), lambda ids: {"k": 10}),
    "processes_set_minimum_hearing_period": Row(
        process(), council_command(), lambda ids: {"days": 21}
    ),
    "processes_define_areas": Row(
        process(),
        council_command(),
        lambda ids: {"areas": [{"code": "south", "name": "South", "population": 900}]},
    ),
    "processes_set_rules": Row(
        process(),
        council_command(),
        lambda ids: {
            "voting": {"method": "approval", "max_choices": 2},
            "selection": {"method": "greedy"},
        },
    ),
    "processes_schedule_phases": Row(
        process(),
        council_command(),
        lambda ids: {
            "schedule": [
                {"phase": "ideas", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(9))}
            ]
        },
    ),
    "processes_advance_phase": Row(
        process(), council_command(), lambda ids: {"to_phase": "development"}
    ),
    "processes_open_ballot": Row(
        vote_ready, council_command(), lambda ids: {"proposal_ids": [ids["proposal_id"]]}
    ),
    "processes_close_ballot": Row(lambda s, side: as_params(s.ballot(side)), council_command()),
    "ballots_cast_ballot": Row(
        lambda s, side: as_params(s.ballot(side)),
        council_command(201),
        lambda ids: {"voter_ref": serial("voter"), "choices": {"approvals": [ids["proposal_id"]]}},
    ),
    "ballots_enter_paper_ballot": Row(
        lambda s, side: as_params(s.ballot(side)),
        council_command(201),
        lambda ids: {"serial": serial("P"), "choices": {"approvals": [ids["proposal_id"]]}},
    ),
    "ballots_list_paper_ballots": Row(
        lambda s, side: as_params(s.ballot(side)),
        cells(
            (Ok(200, frozenset({"total", "items"})), OTHER_COUNCIL),
            (OFFICERS_ONLY, OFFICERS_ONLY),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        reads=True,
    ),
    # checked by a second officer: the paper was entered by the system (not the caller)
    "ballots_confirm_paper_ballot": Row(paper_ballot, council_command()),
    "ballots_discard_paper_ballot": Row(
        paper_ballot, council_command(), lambda ids: {"reason": "not what the paper says"}
    ),
    # ideas and proposals
    "proposals_submit_idea": Row(
        process(),
        anyone_with_write_key(201),
        lambda ids: {"title": "Lamps", "description": "Lamps on the path"},
    ),
    "proposals_get_proposal": Row(idea, public_read(PROPOSAL)),
    "proposals_amend_idea": Row(idea, idea_command(), lambda ids: {"title": "Solar lamps"}),
    "proposals_merge_ideas": Row(
        two_ideas, idea_command(), lambda ids: {"target_id": ids["target"]}
    ),
    "proposals_withdraw_idea": Row(idea, idea_command(), reason),
    "proposals_develop_proposal": Row(
        idea,
        idea_command(),
        lambda ids: {"cost_estimate": money("900"), "area_code": "north", "category": "parks"},
    ),
    "proposals_assess_feasibility": Row(
        proposal("review"),
        council_command(),
        lambda ids: {"feasible": True, "reason": "fits", "assessed_cost": money("900")},
    ),
    "proposals_shortlist": Row(proposal("assessed"), council_command()),
    "proposals_decline_shortlist": Row(proposal("assessed"), council_command(), reason),
    "proposals_record_fact": Row(
        proposal("review"),
        council_command(),
        lambda ids: {
            "summary": "The site is leased",
            "adverse": True,
            "essential": True,
            "known_to_party": False,
        },
    ),
    "proposals_send_hearing": Row(
        unknown_fact,
        council_command(),
        lambda ids: {
            "party_id": ids["proposal_id"],
            "fact_ids": [ids["fact_id"]],
            "deadline": str(TODAY + timedelta(14)),
        },
    ),
    "proposals_record_hearing_answer": Row(
        lambda s, side: as_params(s.hearing(side)),
        council_command(),
        lambda ids: {"answered_on": str(TODAY), "response_ref": "letter-12"},
    ),
    "proposals_exempt_from_hearing": Row(
        unknown_fact,
        council_command(),
        lambda ids: {"fact_ids": [ids["fact_id"]], "justification": "Urgent safety matter"},
    ),
    # decisions
    "decisions_decide": Row(proposal("decision"), council_command(201), decide_body),
    "decisions_get_decision": Row(
        lambda s, side: as_params(s.decision(side)), public_read(DECISION)
    ),
    "decisions_correct_decision": Row(
        lambda s, side: as_params(s.decision(side)),
        council_command(),
        lambda ids: {
            "outcome": "rejected",
            "record": complete_record(ids["fact_id"]),
            "decided_on": str(TODAY),
            "reason": "The site turned out to be leased",
        },
    ),
    "decisions_reopen_decision": Row(
        lambda s, side: as_params(s.decision(side)), council_command(), reason
    ),
    "decisions_revoke_decision": Row(
        lambda s, side: as_params(s.decision(side)),
        council_command(),
        lambda ids: {
            "reason": "The site was sold",
            "record": complete_record(ids["fact_id"]),
            "decided_on": str(TODAY),
        },
    ),
    # projects
    "projects_fund_project": Row(lambda s, side: as_params(s.decision(side)), council_command(201)),
    "projects_get_project": Row(project(), public_read(PROJECT)),
    "projects_schedule_milestone": Row(
        project(),
        council_command(),
        lambda ids: {"code": "paint", "title": "Paint", "due_on": str(TODAY + timedelta(40))},
    ),
    "projects_start_milestone": Row(
        project(), council_command(), lambda ids: {"started_on": str(TODAY)}
    ),
    "projects_meet_milestone": Row(
        project(),
        council_command(),
        lambda ids: {"met_on": str(TODAY), "evidence_url": "https://example.org/photo"},
    ),
    "projects_delay_milestone": Row(
        project(),
        council_command(),
        lambda ids: {"new_due_on": str(TODAY + timedelta(60)), "reason": "Rain"},
    ),
    "projects_cancel_milestone": Row(project(), council_command(), reason),
    "projects_record_spend": Row(
        project(),
        council_command(),
        lambda ids: {"amount": money("50"), "spent_on": str(TODAY), "purpose": "Paint"},
    ),
    "projects_correct_spend": Row(
        project(),
        council_command(),
        lambda ids: {"amount": money("90"), "reason": "Invoice corrected"},
    ),
    "projects_complete_project": Row(
        finished_project, council_command(), lambda ids: {"completed_on": str(TODAY)}
    ),
    "projects_cancel_project": Row(project(), council_command(), reason),
    "projects_define_indicator": Row(
        project(),
        council_command(),
        lambda ids: {"code": "trees", "description": "Trees", "unit": "trees", "target": "20"},
    ),
    "projects_report_outcome": Row(
        project("users"),
        council_command(),
        lambda ids: {"actual": "31", "beneficiaries": 200, "reported_on": str(TODAY)},
    ),
    # commitments and contributions
    "commitments_make_commitment": Row(
        project(),
        anyone_with_write_key(201)
        | {(OFFICER, "own"): COUNCILS_DO_NOT_PLEDGE, (OFFICER, "other"): OTHER_COUNCIL},
        lambda ids: {"phase": "co_design", "level": "group", "pledged_hours": "5"},
    ),
    "commitments_get_commitment": Row(
        lambda s, side: as_params(s.commitment(side)), group_read(COMMITMENT, "commitment")
    ),
    "commitments_mark_commitment_met": Row(
        lambda s, side: as_params(s.commitment(side)),
        group_command("commitment", Ok(200, COMMAND), GROUPS_DO_NOT_CERTIFY),
    ),
    "commitments_mark_commitment_lapsed": Row(
        lambda s, side: as_params(s.commitment(side)),
        group_command("commitment", Ok(200, COMMAND), Ok(200, COMMAND)),
        reason,
    ),
    "commitments_confirm_milestone": Row(
        lambda s, side: as_params(s.commitment(side), code="build"),
        group_command("commitment", Ok(200, COMMAND), Ok(200, COMMAND)),
        lambda ids: {"met_on": str(TODAY), "evidence_url": "https://example.org/photo"},
    ),
    "contributions_log_contribution": Row(
        lambda s, side: as_params(s.commitment(side)),
        group_command("commitment", Ok(201, COMMAND), Ok(201, COMMAND)),
        lambda ids: contribution_body(),
    ),
    "contributions_get_contribution": Row(
        lambda s, side: as_params(s.contribution(side)),
        group_read(CONTRIBUTION, "contribution"),
    ),
    "contributions_verify_contribution": Row(
        lambda s, side: as_params(s.contribution(side)),
        group_command("contribution", Ok(200, COMMAND), OFFICERS_ONLY)
        | {("member", "other"): OFFICERS_ONLY},
    ),
    "contributions_dispute_contribution": Row(
        lambda s, side: as_params(s.contribution(side)),
        group_command("contribution", Ok(200, COMMAND), OFFICERS_ONLY)
        | {("member", "other"): OFFICERS_ONLY},
        reason,
    ),
    # CSV imports (all lines or none): the process's council's officers; JSON {"csv": ...}.
    "imports_import_csv": Row(
        lambda s, side: as_params(s.project(side), kind="spend"),
        cells(
            (Ok(200, IMPORTED), OTHER_COUNCIL),
            (OFFICERS_ONLY, OFFICERS_ONLY),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        lambda ids: {"csv": f"project,amount,date,purpose\n{ids['project_id']},5,2026-01-01,X\n"},
    ),
    "imports_load_parameters_csv": Row(
        lambda s, side: {"council_id": str(s.councils[side]), "kind": "rates"},
        cells(
            (Ok(200, IMPORTED), Deny(403, "forbidden", "another council's")),
            (OFFICERS_ONLY, OFFICERS_ONLY),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        lambda ids: {
            "csv": "currency,floor,central,upper,source,reference_year\nDKK,1,2,3,S,2025\n"
        },
    ),
    # co-commissioning: the council runs the tender; bidders bid; panel members act as themselves
    "commissioning_define_need": Row(process(), council_command(201), cc.need_body),
    "commissioning_hold_session": Row(cc.need, council_command(), cc.session_body),
    "commissioning_publish_tender": Row(cc.need, council_command(201), cc.tender_body),
    "commissioning_list_tenders": Row(cc.closed_tender, public_read(TENDER_LIST), reads=True),
    "commissioning_get_tender": Row(cc.awarded_tender, public_read(TENDER_DETAIL), reads=True),
    "commissioning_appoint_member": Row(cc.open_tender, council_command(), cc.panel_body),
    "commissioning_declare_conflicts": Row(
        cc.closed_tender, as_panel_member(), lambda ids: {"conflicted_bidders": []}
    ),
    "commissioning_submit_bid": Row(
        cc.open_tender,
        cells(
            (Ok(200, COMMAND), OTHER_COUNCIL),
            (Ok(200, COMMAND), NOT_THE_BIDDER),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        cc.bid_body,
    ),
    "commissioning_open_bids": Row(cc.closed_tender, council_command()),
    "commissioning_score_bid": Row(cc.opened_tender, as_panel_member(), cc.score_body),
    "commissioning_moderate_score": Row(cc.opened_tender, council_command(), cc.moderation_body),
    "commissioning_award_tender": Row(cc.scored_tender, council_command(), cc.award_body),
    "commissioning_sign_contract": Row(cc.awarded_tender, council_command(201), cc.contract_body),
}


def group_person(s: Scenario, side: Side) -> Ids:
    """A person registered by the side's community group (not by its council)."""
    made = s.post("/people", s.member(side), {"details": {"name": "Di"}}, 201)
    return {"person_id": str(made["id"])}


def organisation_with_groups_person(s: Scenario, side: Side) -> Ids:
    return {"organisation_id": str(s.groups[side]), "person": group_person(s, side)["person_id"]}


def in_kind_body(ids: Ids) -> dict[str, Any]:
    return {
        "phase": "co_delivery",
        "level": "group",
        "in_kind": {"description": "Use of a van", "fair_value": money("1500")},
    }


#: Second rows for routes whose rules depend on who made the target (issue 11, item 5): the
#: same caller-by-side cells, another builder. Keyed "operation id/variant".
VARIANTS: dict[str, Row] = {
    # Registered by the group: the group and the council it works with may erase them; the
    # details themselves stay the registrar's (the council erases without reading them).
    "people_erase_person/registered-by-group": Row(
        group_person,
        cells(
            (Ok(200, COMMAND), hidden("person")),
            (Ok(200, COMMAND), hidden("person")),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
    ),
    "people_get_person/registered-by-group": Row(
        group_person,
        cells(
            (hidden("person"), hidden("person")),
            (Ok(200, PERSON), hidden("person")),
            (hidden("person"), hidden("person")),
            (NO_KEY, NO_KEY),
        ),
    ),
    # The group's own person: it may add them; the council it works with too.
    "organisations_add_member/groups-own-person": Row(
        organisation_with_groups_person,
        MEMBERSHIP,
        lambda ids: {"person_id": ids["person"], "role": "community_member"},
    ),
    # An in-kind pledge by the side's group on its council's project, or by an officer for
    # that group: council B's officer cannot pledge council A's group on A's project.
    "commitments_make_commitment/in-kind-for-the-group": Row(
        lambda s, side: as_params(s.project(side), group=str(s.groups[side])),
        cells(
            (Ok(201, COMMAND), OTHER_COUNCIL),
            (Ok(201, COMMAND), Deny(403, "forbidden", "only for their own group")),
            (READ_ONLY, READ_ONLY),
            (NO_KEY, NO_KEY),
        ),
        lambda ids: in_kind_body(ids) | {"organisation_id": ids["group"]},
    ),
}


#: Every mounted route under /api/v1 by operation id, walked as the security test walks them.
ROUTES: dict[str, Endpoint] = {operation_id(e.route): e for e in api_routes(create_app())}


def test_every_route_has_a_row() -> None:
    """A new route fails here until its access rules are written into MATRIX."""
    assert sorted(set(ROUTES) - set(MATRIX)) == [], "routes without a matrix row"
    assert sorted(set(MATRIX) - set(ROUTES)) == [], "rows for routes that no longer exist"


def test_every_row_has_all_cells() -> None:
    assert {name.split("/")[0] for name in VARIANTS} <= set(ROUTES)
    for name, row in (MATRIX | VARIANTS).items():
        expected = {(role, side) for role in CALLERS for side in row.sides}
        assert set(row.cells) >= expected, name


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    with running_scenario(tmp_path_factory.mktemp("matrix")) as running:
        yield running


def call(s: Scenario, name: str, row: Row, ids: Ids, caller: Caller) -> Any:
    endpoint = ROUTES[name.split("/")[0]]
    (method,) = endpoint.methods
    path = endpoint.path.format_map(ids)
    headers = {} if caller == "public" else dict(s.keys[caller])
    body = None if row.body is None else row.body(ids)
    params = {"min_position": s.coprod.recorder.max_notification_id() or 0} if row.reads else None
    return s.client.request(
        method, path, json=body, params=params, headers={**headers, **row.headers}
    )


def check(answer: Any, cell: Cell, where: str) -> None:
    assert answer.status_code == cell.status, (where, answer.status_code, answer.text)
    if isinstance(cell, Ok) and cell.media != "application/json":
        assert answer.headers["content-type"].startswith(cell.media), where
        header = answer.text.splitlines()[0]
        assert set(header.split(",")) == cell.fields, (where, header)
        return
    body = answer.json()
    if isinstance(cell, Deny):
        assert answer.headers["content-type"].startswith(PROBLEM_JSON), where
        assert body["type"] == f"urn:coprod:problem:{cell.slug}", (where, body)
        assert body["status"] == cell.status, where
        assert cell.detail in body["detail"], (where, body["detail"])
    else:
        assert set(body) == cell.fields, (where, sorted(body))
        assert cell.check is None or cell.check(body), (where, body)
        if isinstance(body.get("version"), int):  # an object's version (OCDS's is "1.1")
            assert answer.headers["ETag"] == f'"{body["version"]}"', where


@pytest.mark.parametrize("name", sorted(MATRIX) + sorted(VARIANTS))
def test_route_answers_each_caller_as_tabled(scenario: Scenario, name: str) -> None:
    row = MATRIX.get(name) or VARIANTS[name]
    targets = {side: row.build(scenario, side) for side in row.sides}
    log = scenario.coprod.recorder
    before = log.max_notification_id()
    successes: list[tuple[Caller, Side, Ok]] = []
    for side in row.sides:
        for caller in CALLERS:
            cell = row.cells[(caller, side)]
            if isinstance(cell, Ok):
                successes.append((caller, side, cell))
                continue
            where = f"{name} as {caller} on {side}"
            check(call(scenario, name, row, targets[side], caller), cell, where)
    assert log.max_notification_id() == before, f"{name}: a refusal recorded events"
    for caller, side, cell in successes:
        fresh = row.build(scenario, side)
        where = f"{name} as {caller} on {side}"
        check(call(scenario, name, row, fresh, caller), cell, where)
