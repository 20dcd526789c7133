"""OCDS, 360Giving and W3C PROV exports of the demo, on both stores, checked by the
standards' own tooling (tests/standards_validation.py): 0 errors; PROV loads back; no
personal data; the public gets published releases only."""

from __future__ import annotations

import copy
import json
from datetime import date
from uuid import UUID

import pytest
from prov.model import ProvDocument

from api.cli.serve import DEMO_SEED, publish_demo_release
from api.demo import demo_process_id, seed_demo
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.domain.organisation import Person
from coprod.domain.project import Project
from projections.open_data import (
    ProcessSnapshot,
    export_position,
    ocds_release_package,
    project_provenance,
    three_sixty_giving,
)
from projections.registry import Projector
from projections.store import Connection
from projections.timeline.query import project_timeline
from tests.standards_validation import grants_errors, ocds_errors


@pytest.fixture
def demo(store_app: Coprod) -> Coprod:
    seed_demo(store_app, seed=DEMO_SEED)
    publish_demo_release(store_app, demo_process_id(DEMO_SEED))
    return store_app


def _snapshot(app: Coprod, *, current: bool) -> ProcessSnapshot:
    pid = demo_process_id(DEMO_SEED)
    return ProcessSnapshot.read(app, pid, export_position(app, pid, release=None, current=current))


def _person_traces(app: Coprod) -> set[str]:
    """Every person's id (both spellings): none may appear in an export."""
    traces: set[str] = set()
    for n in app.recorder.select_notifications(1, 100_000):
        if n.topic.endswith("Person.PersonRegistered"):
            person = app.load(Person, n.originator_id)
            traces |= {str(person.id), person.id.hex}
    return traces


def test_ocds_and_360giving_pass_their_validators(demo: Coprod) -> None:
    snapshot = _snapshot(demo, current=True)
    assert snapshot.projects
    ocds = ocds_release_package(snapshot, base_url="https://pb.example.dk")
    grants = three_sixty_giving(snapshot, base_url="https://pb.example.dk")
    assert ocds_errors(ocds) == []
    assert grants_errors(grants) == []
    pb = snapshot.pb_projects
    assert len(pb) == len(snapshot.projects) - 1  # the co-commissioned club is no PB grant
    assert len(grants["grants"]) == len(pb)
    assert len(ocds["releases"]) == len(pb) + len(snapshot.tenders) == len(pb) + 1
    planned = [r for r in ocds["releases"] if "planning" in r["tag"]]
    by_project = {r["planning"]["budget"]["projectID"]: r for r in planned}
    for project in pb:
        budget = by_project[str(project.id)]["planning"]["budget"]["amount"]
        assert budget["amount"] == float(project.approved.amount)
        assert budget["currency"] == project.approved.currency
    (tender,) = [r for r in ocds["releases"] if "tender" in r["tag"]]
    assert tender["tag"] == ["tender", "award", "contract"]
    assert tender["tender"]["numberOfTenderers"] == 3
    assert tender["tender"]["awardCriteria"] == "ratedCriteria"
    (award,) = tender["awards"]
    (contract,) = tender["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["value"] == award["value"]  # the winning bid's price
    implementation = contract["implementation"]
    assert [m["status"] for m in implementation["milestones"]] == ["met", "scheduled"]
    assert implementation["transactions"][0]["payee"] == award["suppliers"][0]
    text = json.dumps([ocds, grants])
    assert not {t for t in _person_traces(demo) if t in text}


def test_the_validators_catch_a_broken_export(demo: Coprod) -> None:
    """The checks can fail: a release without its ocid, a grant without an amount."""
    snapshot = _snapshot(demo, current=True)
    ocds = copy.deepcopy(ocds_release_package(snapshot))
    del ocds["releases"][0]["ocid"]
    ocds["releases"][0]["tag"] = ["no-such-tag"]
    assert len(ocds_errors(ocds)) == 2
    grants = copy.deepcopy(three_sixty_giving(snapshot))
    grants["grants"][0]["amountAwarded"] = "a lot"
    assert grants_errors(grants)


def test_the_public_export_describes_the_published_release(demo: Coprod) -> None:
    """A milestone scheduled after the release is in the live log only."""
    released = _snapshot(demo, current=False)
    project = demo.load(Project, released.projects[0].id)
    project.schedule_milestone(SYSTEM_ACTOR, "after-release", "Later work", date(2030, 1, 1))
    demo.commit(project)
    live = ocds_release_package(_snapshot(demo, current=True))
    public = ocds_release_package(_snapshot(demo, current=False))

    def codes(package: dict[str, object]) -> set[str]:
        return {
            m["id"]
            for r in package["releases"]  # type: ignore[attr-defined]
            for m in r["planning"].get("milestones", [])
        }

    assert "after-release" in codes(live)
    assert "after-release" not in codes(public)


def test_prov_of_a_trail_loads_back(demo: Coprod, store_url: str) -> None:
    with Projector(demo) as projector:
        projector.catch_up()
    project = _snapshot(demo, current=True).projects[0].id
    with Connection(parse_database_url(store_url)) as conn:
        document = project_provenance(project, conn=conn)
        timeline = project_timeline(project, conn=conn)
    as_json = document.serialize(format="json")
    loaded = ProvDocument.deserialize(content=as_json, format="json")
    assert loaded == document
    activities = {
        str(r.identifier) for r in loaded.get_records() if r.get_type().localpart == "Activity"
    }
    assert activities == {f"coprod:event-{e.position}" for e in timeline.entries}
    # Each activity says when what it did became true, beside when it was recorded.
    dated = [
        r
        for r in loaded.get_records()
        if r.get_type().localpart == "Activity"
        and any(str(k) == "coprod:validFrom" for k, _ in r.attributes)
    ]
    assert len(dated) == len(activities)
    provn = document.get_provn()
    assert provn.startswith("document")
    assert f"coprod:event-{timeline.entries[-1].position}" in provn
    text = str(as_json) + provn
    assert not {str(e.actor_id) for e in timeline.entries if str(e.actor_id) in text}
    assert not {t for t in _person_traces(demo) if t in text}
    derived = [r for r in loaded.get_records() if r.get_type().localpart == "Derivation"]
    assert derived  # the project comes from its proposal, which came from the idea


def test_ids_in_exports_are_the_publishers_prefix(
    demo: Coprod, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_OCDS_PREFIX", "ocds-abc123")
    monkeypatch.setenv("COPROD_360GIVING_PREFIX", "360G-nordby")
    snapshot = _snapshot(demo, current=False)
    assert all(
        r["ocid"].startswith("ocds-abc123-") for r in ocds_release_package(snapshot)["releases"]
    )
    assert all(g["id"].startswith("360G-nordby-") for g in three_sixty_giving(snapshot)["grants"])
    assert UUID(ocds_release_package(snapshot)["releases"][0]["ocid"].removeprefix("ocds-abc123-"))
