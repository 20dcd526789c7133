"""A running API with two councils and two community groups, and fresh objects on demand.

The fuzz and matrix tests need objects in every state a route can act on (an idea, a proposal
under review, a decision, a funded project with a milestone, a group's contribution...), on
*both* sides of an organisation boundary. Each builder makes a brand-new chain over HTTP, so a
test that changes one object never disturbs another's preconditions.

"own" is council A and community group G; "other" is council B and community group H. The
callers the tests act as belong to the own side: A's officer and evaluator, G's member.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role

Side = Literal["own", "other"]
SIDES: tuple[Side, Side] = ("own", "other")
TODAY = date.today()


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "DKK"}


def complete_record(fact_id: str) -> dict[str, Any]:
    """A decision record with every element an adverse act needs (DOMAIN.md §5)."""
    return {
        "legal_basis": ["Local Government Act §1"],
        "main_considerations": ["The site is not available"],
        "facts_relied_on": [fact_id],
        "complaints": {"body": "Ankestyrelsen", "procedure": "In writing", "deadline_days": 28},
    }


@dataclass
class Scenario:
    """The app, its client, one key per caller, and builders of fresh objects per side."""

    api: FastAPI
    client: TestClient
    councils: dict[Side, uuid.UUID]
    groups: dict[Side, uuid.UUID]
    keys: dict[str, dict[str, str]]
    actors: dict[str, uuid.UUID]
    _codes: Iterator[int] = field(default_factory=itertools.count)

    @property
    def coprod(self) -> Coprod:
        app: Coprod = self.api.state.coprod
        return app

    def officer(self, side: Side) -> dict[str, str]:
        return self.keys["officer" if side == "own" else "other_officer"]

    def member(self, side: Side) -> dict[str, str]:
        return self.keys["member" if side == "own" else "other_member"]

    # -- requests ---------------------------------------------------------------------------

    def post(self, path: str, who: dict[str, str], body: Any = None, status: int = 200) -> Any:
        """POST under /api/v1 and insist on `status`: builders must never half-build."""
        answer = self.client.post(f"/api/v1{path}", json=body, headers=who)
        assert answer.status_code == status, (path, answer.status_code, answer.text)
        return answer.json()

    # -- builders -----------------------------------------------------------------------------

    def process(self, side: Side, phase: str = "ideas") -> str:
        """A fresh process of the side's council with budget, rules and one area."""
        officer = self.officer(side)
        code = f"pb-{side}-{next(self._codes)}"
        pid = self.post(
            "/processes", officer, {"code": code, "name": code, "currency": "DKK"}, 201
        )["id"]
        self.post(f"/processes/{pid}/budget", officer, {"pot": money("100000.00")})
        self.post(
            f"/processes/{pid}/rules",
            officer,
            {"voting": {"method": "approval", "max_choices": 3}, "selection": {"method": "greedy"}},
        )
        self.post(f"/processes/{pid}/areas", officer, {"areas": [{"code": "north", "name": "N"}]})
        if phase != "ideas":
            self.advance(side, pid, phase)
        return str(pid)

    def advance(self, side: Side, pid: str, phase: str) -> None:
        self.post(f"/processes/{pid}/phase", self.officer(side), {"to_phase": phase})

    def idea(self, side: Side, pid: str | None = None) -> dict[str, str]:
        """An idea the side's community group submitted, in an ideas-phase process."""
        pid = pid or self.process(side)
        made = self.post(
            f"/processes/{pid}/ideas",
            self.member(side),
            {"title": "Benches", "description": "Six benches by the lake", "area_code": "north"},
            201,
        )
        return {"process": pid, "proposal": str(made["id"])}

    def proposal(self, side: Side, stage: str) -> dict[str, str]:
        """A developed proposal at `stage`: developed, review, assessed, shortlisted, decision.

        "review" and later leave the process in the review phase; "decision" moves it on to
        the decision phase with the proposal assessed and shortlisted.
        """
        ids = self.idea(side)
        prop, pid = ids["proposal"], ids["process"]
        self.post(
            f"/proposals/{prop}/develop",
            self.member(side),
            {"cost_estimate": money("1000"), "area_code": "north", "category": "parks"},
        )
        if stage == "developed":
            return ids
        self.advance(side, pid, "review")
        if stage == "review":
            return ids
        self.post(
            f"/proposals/{prop}/assess",
            self.officer(side),
            {"feasible": True, "reason": "fits", "assessed_cost": money("1000")},
        )
        if stage == "assessed":
            return ids
        self.post(f"/proposals/{prop}/shortlist", self.officer(side))
        if stage == "shortlisted":
            return ids
        assert stage == "decision", stage
        self.advance(side, pid, "decision")
        return ids

    def ballot(self, side: Side) -> dict[str, str]:
        """A process in the vote phase with its ballot open on one shortlisted proposal."""
        ids = self.proposal(side, "shortlisted")
        self.advance(side, ids["process"], "vote")
        self.post(
            f"/processes/{ids['process']}/ballot/open",
            self.officer(side),
            {"proposal_ids": [ids["proposal"]]},
        )
        return ids

    def fact(self, side: Side, proposal: str, known_to_party: bool = True) -> str:
        """An adverse, essential fact; one known to the party is usable without a hearing."""
        body = {
            "summary": "Site taken",
            "adverse": True,
            "essential": True,
            "known_to_party": known_to_party,
        }
        made = self.post(f"/proposals/{proposal}/facts", self.officer(side), body)
        return str(made["item_id"])

    def hearing(self, side: Side) -> dict[str, str]:
        """A proposal under review with a fact and an open hearing on it."""
        ids = self.proposal(side, "review")
        fact = self.fact(side, ids["proposal"])
        body = {
            "party_id": str(uuid.uuid4()),
            "fact_ids": [fact],
            "deadline": str(TODAY + timedelta(14)),
        }
        made = self.post(f"/proposals/{ids['proposal']}/hearings", self.officer(side), body)
        return {**ids, "fact": fact, "hearing": str(made["item_id"])}

    def decision(self, side: Side) -> dict[str, str]:
        """A proposal funded in full by an in-force decision, with a fact on its case file."""
        ids = self.proposal(side, "decision")
        fact = self.fact(side, ids["proposal"])
        made = self.post(
            f"/proposals/{ids['proposal']}/decision",
            self.officer(side),
            {"outcome": "funded_in_full", "amount": money("1000"), "decided_on": str(TODAY)},
            201,
        )
        return {**ids, "fact": fact, "decision": str(made["id"])}

    def project(self, side: Side) -> dict[str, str]:
        """A funded project with a milestone, a spend and an indicator, in delivery."""
        ids = self.decision(side)
        officer = self.officer(side)
        project = self.post(f"/decisions/{ids['decision']}/project", officer, None, 201)["id"]
        self.advance(side, ids["process"], "delivery")
        self.post(
            f"/projects/{project}/milestones",
            officer,
            {"code": "build", "title": "Build", "due_on": str(TODAY + timedelta(30))},
        )
        spend = self.post(
            f"/projects/{project}/spend",
            officer,
            {"amount": money("100"), "spent_on": str(TODAY), "purpose": "Wood"},
        )["item_id"]
        self.post(
            f"/projects/{project}/indicators",
            officer,
            {"code": "users", "description": "Daily users", "unit": "people", "target": "50"},
        )
        return {**ids, "project": str(project), "spend": str(spend)}

    def commitment(self, side: Side) -> dict[str, str]:
        """The side's group's pledge to a project of the side's council."""
        ids = self.project(side)
        made = self.post(
            f"/projects/{ids['project']}/commitments",
            self.member(side),
            {"phase": "co_delivery", "level": "group", "pledged_hours": "10"},
            201,
        )
        return {**ids, "commitment": str(made["id"])}

    def contribution(self, side: Side) -> dict[str, str]:
        """Work the side's group logged against its own commitment."""
        ids = self.commitment(side)
        made = self.post(
            f"/commitments/{ids['commitment']}/contributions",
            self.member(side),
            contribution_body(),
            201,
        )
        return {**ids, "contribution": str(made["id"])}

    def person(self, side: Side) -> str:
        """A person registered by the side's officer (the own side's officer may see them)."""
        made = self.post("/people", self.officer(side), {"details": {"name": "Anna"}}, 201)
        return str(made["id"])

    def group_member(self, side: Side) -> dict[str, str]:
        """A person added as a member of the side's community group."""
        person = self.person(side)
        self.post(
            f"/organisations/{self.groups[side]}/members",
            self.officer(side),  # the person is the council's: the group cannot see them
            {"person_id": person, "role": "community_member"},
        )
        return {"organisation": str(self.groups[side]), "person": person}


def registrar(council: uuid.UUID) -> Actor:
    """An officer of `council`, acting directly on the application (set-up only)."""
    return Actor(uuid.uuid5(council, "registrar"), Role.COUNCIL_OFFICER, council)


def contribution_body() -> dict[str, Any]:
    return {
        "hours": "2.5",
        "people_count": 3,
        "phase": "co_delivery",
        "level": "group",
        "worked_on": str(TODAY),
    }


@contextmanager
def running_scenario(database: Path | str, *, worker: bool | None = None) -> Iterator[Scenario]:
    """Start the app on `database` (a directory for SQLite, or a URL) and seed the callers.

    ``worker=True`` runs the projection worker in the app on PostgreSQL too (see create_app).
    """
    url = database if isinstance(database, str) else f"sqlite:///{database}/api.sqlite"
    api = create_app(parse_database_url(url), worker=worker)
    with TestClient(api, raise_server_exceptions=False) as client:
        coprod: Coprod = api.state.coprod
        register = coprod.register_organisation
        councils: dict[Side, uuid.UUID] = {
            "own": register(
                RegisterOrganisation(
                    slug="aarhus", kind=OrganisationKind.COUNCIL, display_name="A"
                ),
                SYSTEM_ACTOR,
            ).aggregate_id,
            "other": register(
                RegisterOrganisation(
                    slug="odense", kind=OrganisationKind.COUNCIL, display_name="B"
                ),
                SYSTEM_ACTOR,
            ).aggregate_id,
        }
        group = OrganisationKind.COMMUNITY_GROUP
        # Each council registers its own side's group, so its officers manage that group.
        groups: dict[Side, uuid.UUID] = {
            side: register(
                RegisterOrganisation(slug=slug, kind=group, display_name=name),
                registrar(councils[side]),
            ).aggregate_id
            for side, slug, name in (("own", "park-friends", "G"), ("other", "lake-friends", "H"))
        }
        store: KeyStore = api.state.keys
        plan = {
            "officer": (councils["own"], Role.COUNCIL_OFFICER),
            "other_officer": (councils["other"], Role.COUNCIL_OFFICER),
            "member": (groups["own"], Role.COMMUNITY_MEMBER),
            "other_member": (groups["other"], Role.COMMUNITY_MEMBER),
            "evaluator": (councils["own"], Role.EVALUATOR),
            "other_evaluator": (councils["other"], Role.EVALUATOR),
        }
        keys: dict[str, dict[str, str]] = {}
        actors: dict[str, uuid.UUID] = {}
        for name, (organisation, role) in plan.items():
            new = store.create(organisation, role, label=name)
            keys[name] = {"Authorization": f"Bearer {new.secret}"}
            actors[name] = new.key.actor_id
        yield Scenario(api, client, councils, groups, keys, actors)
