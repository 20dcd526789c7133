"""The public pages: every page of the demo renders, in Danish and English, with the same
figures as its JSON twin, safe headers and escaped user text (no browser needed here;
tests/browser drives a real one for accessibility and the visitor's journey).
"""

from __future__ import annotations

import contextlib
import copy
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from api.cli.serve import publish_demo_release
from api.demo import seed_demo
from api.http.app import create_app
from api.web.render import CSP
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.application.commands.proposals import SubmitIdea
from coprod.domain.errors import CoprodError
from coprod.domain.phases import Phase
from coprod.domain.values import Actor, Role
from projections.registry import Projector
from tests.api.hostile_values import HOSTILE_TEXTS


def _seed(app: Coprod) -> None:
    summary = seed_demo(app, seed=7)
    publish_demo_release(app, summary.process_id)
    officer = Actor(
        uuid.uuid4(), Role.COUNCIL_OFFICER, app.get_process(summary.process_id).council_id
    )
    assert officer.organisation_id is not None
    hostile = app.open_process(
        OpenProcess(
            council_id=officer.organisation_id,
            code="hostile",
            name='<script>alert(1)</script> & "Co"',
            currency="DKK",
        ),
        officer,
    ).aggregate_id
    resident = Actor(uuid.uuid4(), Role.RESIDENT, None)
    for text in HOSTILE_TEXTS:
        with contextlib.suppress(CoprodError):  # refused at the door: nothing to show
            app.submit_idea(SubmitIdea(process_id=hostile, title=text, description=text), resident)
    with Projector(app) as projector:
        projector.catch_up()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = Path(tmp_path_factory.mktemp("web")) / "web.sqlite"
    app = create_app(parse_database_url(f"sqlite:///{path}"), on_start=_seed)
    with TestClient(app) as client:
        yield client


def _links(html: str, prefix: str) -> list[str]:
    return sorted(set(re.findall(rf'href="({prefix}[0-9a-f-]{{36}})"', html)))


def _process_links(html: str) -> list[str]:
    """The pages' readable process addresses (``/p/<code>``)."""
    return sorted(set(re.findall(r'href="(/p/[^"/?#]+)"', html)))


def _project_links(html: str) -> list[str]:
    """The pages' readable project addresses (``/p/<code>/projects/<slug>``)."""
    return sorted(set(re.findall(r'href="(/p/[^"/?#]+/projects/[^"/?#]+)"', html)))


def _api(link: str) -> str:
    """The API twin of a readable page address (the same codes under /api/v1/processes)."""
    return "/api/v1/processes/" + link.removeprefix("/p/")


def _demo(site: TestClient) -> str:
    twin = site.get("/api/v1/processes").json()
    return next(f"/processes/{i['id']}" for i in twin["items"] if "Demo City" in i["name"])


def test_home_lists_processes_with_phase_and_next_date(site: TestClient) -> None:
    page = site.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["content-language"] == "en"
    assert "Demo City participatory budget" in page.text
    assert re.search(r"(starts|ends) on \d{1,2} \w{3} \d{4}", page.text)
    twin = site.get("/api/v1/processes").json()
    coprod: Coprod = site.app.state.coprod  # type: ignore[attr-defined]
    for item in twin["items"]:
        code = coprod.get_process(uuid.UUID(item["id"])).code
        assert f'href="/p/{code}"' in page.text  # its readable address...
        assert str(escape(item["name"])) in site.get(f"/p/{code}").text  # ...opens its page


def test_danish_from_accept_language_and_the_switch(site: TestClient) -> None:
    page = site.get("/", headers={"Accept-Language": "da-DK,da;q=0.9,en;q=0.8"})
    assert page.headers["content-language"] == "da"
    assert '<html lang="da">' in page.text
    assert "Borgerbudgetter og samskabelse" in page.text
    switched = site.get("/?lang=en", headers={"Accept-Language": "da"})
    assert switched.headers["content-language"] == "en"
    assert "coprod_lang=en" in switched.headers["set-cookie"]
    remembered = site.get("/", headers={"Accept-Language": "da"})
    assert remembered.headers["content-language"] == "en"
    site.cookies.clear()


def test_process_page_shows_budget_schedule_and_why_in_or_out(site: TestClient) -> None:
    process = _demo(site)
    pid = process.rsplit("/", 1)[1]
    page = site.get(process, headers={"Accept-Language": "da"}).text
    summary = site.get(f"/api/v1/processes/{pid}/summary").json()
    assert "3.000.000,00\xa0kr." in page  # the pot, in Danish format
    assert f">{summary['ballots_cast']}<" in page
    assert "Hvorfor hvert forslag er med eller ikke" in page
    coprod: Coprod = site.app.state.coprod  # type: ignore[attr-defined]
    counted = coprod.compute_outcome(uuid.UUID(pid), "declared", None)  # = `coprod outcome`
    assert page.count('class="status status-won"') == len(counted.tally.result.winners) > 0
    for proposal_id in counted.tally.winner_proposals:
        assert f'href="/proposals/{proposal_id}"' in page
    assert "med: nr. 1 med" in page  # why in or out, in Danish
    english = site.get(process, headers={"Accept-Language": "en"}).text
    assert "in: ranked 1 with score" in english
    assert 'lang="en"' in page


def test_project_list_filters_and_its_json_twin_agree(site: TestClient) -> None:
    process = _demo(site)
    pid = process.rsplit("/", 1)[1]
    every = site.get(f"{process}/projects?show=all").text
    twin = site.get(f"/api/v1/processes/{pid}/cases", params={"limit": 500}).json()
    assert f"{twin['total']} matches" in every
    projects = site.get(f"/api/v1/processes/{pid}/cases", params={"projects": "true"}).json()
    area = projects["items"][0]["area"]
    narrowed = site.get(f"{process}/projects", params={"area": area}).text
    in_area = [i for i in projects["items"] if i["area"] == area]
    linked = _project_links(narrowed)
    assert len(linked) == len(in_area)
    assert {site.get(_api(link)).json()["id"] for link in linked} == {
        item["project_id"] for item in in_area
    }


def test_project_page_shows_spend_milestones_decision_and_trail(site: TestClient) -> None:
    process = _demo(site)
    project = _project_links(site.get(f"{process}/projects").text)[0]
    page = site.get(project)
    assert page.status_code == 200
    twin = site.get(_api(project)).json()
    assert str(escape(twin["title"])) in page.text
    assert '<svg class="chart progress"' in page.text
    assert "Milestones" in page.text
    assert "The council&#39;s decision" in page.text
    trail = site.get(f"{_api(project)}/timeline").json()
    for entry in trail["entries"]:
        assert f'id="e{entry["position"]}"' in page.text
    assert "actor_id" not in page.text


def test_a_rejected_proposal_tells_its_story(site: TestClient) -> None:
    process = _demo(site)
    pid = process.rsplit("/", 1)[1]
    rejected = site.get(f"/api/v1/processes/{pid}/cases", params={"status": "rejected"}).json()[
        "items"
    ]
    assert rejected
    page = site.get(f"/proposals/{rejected[0]['proposal_id']}", headers={"Accept-Language": "da"})
    assert page.status_code == 200
    assert "Ikke bevilget" in page.text
    assert "Retsgrundlag" in page.text
    assert "Sådan klager du" in page.text


def test_impact_page_shows_the_release_with_charts_and_tables(site: TestClient) -> None:
    process = _demo(site)
    pid = process.rsplit("/", 1)[1]
    page = site.get(f"{process}/impact").text
    figures = site.get(f"/api/v1/processes/{pid}/impact").json()
    assert f"<dd>{figures['release']['number']}</dd>" in page
    assert page.count("<table>") == len(figures["tables"])
    assert page.count('role="img"') >= 4
    assert site.get(f"{process}/impact?release=99").status_code == 404


def test_unknown_pages_are_404_in_the_visitors_language(site: TestClient) -> None:
    page = site.get(f"/projects/{uuid.uuid4()}", headers={"Accept-Language": "da"})
    assert page.status_code == 404
    assert "Ikke fundet" in page.text
    assert site.get("/proposals/not-a-uuid").status_code == 422  # an API client: JSON
    browser = {"Accept": "text/html,*/*;q=0.8", "Accept-Language": "da"}
    unreadable = site.get("/proposals/not-a-uuid", headers=browser)
    assert unreadable.status_code == 400
    assert "Adressen kan ikke læses" in unreadable.text
    nowhere = site.get("/no/such/page", headers=browser)
    assert nowhere.status_code == 404
    assert "Ikke fundet" in nowhere.text
    api = site.get("/api/v1/no-such-thing", headers=browser)
    assert api.headers["content-type"].startswith("application/problem+json")


def test_hostile_text_is_escaped_everywhere(site: TestClient) -> None:
    home = site.get("/").text
    assert "<script>alert(1)</script>" not in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in home
    hostile = next(p for p in _process_links(home) if "&lt;script&gt;" in site.get(p).text)
    listing = site.get(f"{hostile}/projects?show=all").text
    proposals = _links(listing, "/proposals/")
    assert proposals
    for proposal in proposals:
        page = site.get(proposal)
        assert page.status_code == 200
        assert "<script>" not in page.text.replace('<script src="', "")


def test_static_assets_are_served_by_coprod(site: TestClient) -> None:
    home = site.get("/").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home)
    assert assets
    for asset in assets:
        assert site.get(asset).status_code == 200
    assert not re.search(r'(?:href|src)="(?:https?:)?//', home)


def test_a_pdf_the_server_cannot_make_is_a_page_for_a_browser(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import api.web.pages.pack as pack_pages

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a machine without pango
    monkeypatch.setattr(pack_pages, "_KEPT", type(pack_pages._KEPT)())  # no PDF kept yet
    process = _demo(site)
    browser = {"Accept": "text/html,*/*;q=0.8", "Accept-Language": "da"}
    page = site.get(f"{process}/impact/report.pdf?release=1", headers=browser)
    assert page.status_code == 503
    assert "Ikke tilgængelig lige nu" in page.text
    assert "libpango" in page.text
    api_client = site.get(f"{process}/impact/report.pdf?release=1")
    assert api_client.status_code == 503
    assert api_client.headers["content-type"].startswith("application/problem+json")


def test_the_outcome_is_counted_once_across_phase_changes_and_again_for_new_rules(
    site: TestClient,
) -> None:
    """A closed ballot is counted once: moving to another phase (a new process version) does
    not recount, a change of what the count depends on does."""
    from api.web.pages.process import OutcomeCache, count_inputs

    app: Coprod = site.app.state.coprod  # type: ignore[attr-defined]
    process = app.get_process(uuid.UUID(_demo(site).rsplit("/", 1)[1]))
    assert process.ballot_state == "closed"
    calls: list[uuid.UUID] = []

    class Counting:
        def compute_outcome(self, pid: uuid.UUID, rule: str, threshold: None) -> object:
            calls.append(pid)
            return app.compute_outcome(pid, rule, threshold)

    cache = OutcomeCache()
    first = cache.get(Counting(), process)  # type: ignore[arg-type]
    assert first is not None
    later = copy.copy(process)
    later.version = process.version + 3
    later.phase = Phase.EVALUATION
    assert cache.get(Counting(), later) is first  # type: ignore[arg-type]
    assert len(calls) == 1
    changed = copy.copy(later)
    changed.pot = None
    assert count_inputs(changed) != count_inputs(later)
    cache.get(Counting(), changed)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_links_read_the_codes_once_per_page_not_per_link(site: TestClient) -> None:
    """Every project link of a process costs one read of the addresses model, however many."""
    from contextlib import contextmanager

    from api.web.links import Links

    reads = site.app.state.reads  # type: ignore[attr-defined]
    opened: list[int] = []

    class Counting:
        @contextmanager
        def connection(self):  # type: ignore[no-untyped-def]
            opened.append(1)
            with reads.connection() as conn:
                yield conn

    pid = uuid.UUID(_demo(site).rsplit("/", 1)[1])
    projects = site.get(f"/api/v1/processes/{pid}/cases", params={"projects": "true"}).json()
    links = Links(Counting())
    made = [links.project(i["project_id"], pid) for i in projects["items"]]
    made += [links.process(pid), links.process(pid, "/impact")]
    assert len(made) > 5
    assert all(m.startswith("/p/") for m in made)
    assert len(opened) == 2  # every process's code, then this process's project codes
    assert Links(None).process(pid) == f"/processes/{pid}"  # no read models: ids
