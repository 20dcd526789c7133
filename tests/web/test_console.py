"""The officers' console, signed in through an invitation: queues, verifying and disputing
work, and the guided decision form, in Danish and English. Bad values are shown next to
their field and nothing is written; a non-officer and another council's officer are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.web.csrf import CSRF_FIELD
from coprod.domain.commitment import Contribution
from coprod.domain.proposal import Proposal
from coprod.domain.values import Role
from tests.api.scenario import TODAY, Scenario, running_scenario
from tests.web.signin import csrf_of, sign_in

DA = {"Accept-Language": "da"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    with running_scenario(tmp_path) as running:
        yield running


def _officer(s: Scenario, side: str = "own") -> TestClient:
    sign_in(s.client, Role.COUNCIL_OFFICER, s.councils[side])  # type: ignore[index]
    return s.client


def _log_size(s: Scenario) -> int:
    return s.coprod.recorder.max_notification_id() or 0


def _caught_up(client: TestClient) -> None:
    """Wait until the read models show what was written: the console's queues are one."""
    coprod = client.app.state.coprod  # type: ignore[attr-defined]
    client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]


def _token(client: TestClient, path: str) -> str:
    """The CSRF token of the page's first form, once the read models show what was written."""
    _caught_up(client)
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


@pytest.mark.parametrize(
    ("headers", "title"), [(EN, "Officers&#39; console"), (DA, "Sagsbehandlerkonsol")]
)
def test_the_home_page_shows_the_queues_and_links(
    s: Scenario, headers: dict[str, str], title: str
) -> None:
    s.contribution("own")
    s.proposal("own", "decision")
    client = _officer(s)
    _caught_up(client)
    page = client.get("/console", headers=headers)
    assert page.status_code == 200, page.text
    assert title in page.text
    for link in ("/console/imports", "/console/parameters", "/console/invitations"):
        assert f'href="{link}"' in page.text
    assert "/console/proposals/" in page.text  # a decision to make links to its form
    assert page.text.count("/verify") == 1


def test_an_officer_lands_on_the_console_after_signing_in(s: Scenario) -> None:
    from tests.web.signin import invite

    path = invite(s.api, Role.COUNCIL_OFFICER, s.councils["own"])
    token = _token(s.client, path)
    answer = s.client.post(path, data={CSRF_FIELD: token}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console"


def test_a_non_officer_gets_a_403_page(s: Scenario) -> None:
    sign_in(s.client, Role.COMMUNITY_MEMBER, s.groups["own"])
    page = s.client.get("/console", headers=EN)
    assert page.status_code == 403
    assert "Only for council officers" in page.text


def test_an_officer_verifies_a_contribution(s: Scenario) -> None:
    ids = s.contribution("own")
    client = _officer(s)
    token = _token(client, "/console")
    answer = client.post(
        f"/console/contributions/{ids['contribution']}/verify", data={CSRF_FIELD: token}
    )
    assert answer.status_code == 200, answer.text  # followed the 303 to the home page
    assert "The contribution was verified." in answer.text
    assert "/verify" not in answer.text
    assert (
        s.coprod.load(Contribution, __import__("uuid").UUID(ids["contribution"])).status
        == "verified"
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "Give the reason for the dispute: the group reads it."),
        (DA, "Skriv begrundelsen for indsigelsen: gruppen læser den."),
    ],
)
def test_a_dispute_without_a_reason_is_refused_next_to_the_field(
    s: Scenario, headers: dict[str, str], message: str
) -> None:
    ids = s.contribution("own")
    client = _officer(s)
    token = _token(client, "/console")
    before = _log_size(s)
    answer = client.post(
        f"/console/contributions/{ids['contribution']}/dispute",
        data={CSRF_FIELD: token, "reason": "  "},
        headers=headers,
    )
    assert answer.status_code == 400
    key = ids["contribution"].replace("-", "")
    assert f'<p class="error" id="reason-{key}-error">{message}</p>' in answer.text
    assert f'aria-describedby="reason-{key}-error"' in answer.text
    assert _log_size(s) == before


def test_another_council_s_officer_cannot_act(s: Scenario) -> None:
    ids = s.contribution("own")
    client = _officer(s, "other")
    token = _token(client, "/console/invitations")  # their own console has nothing to act on
    before = _log_size(s)
    answer = client.post(
        f"/console/contributions/{ids['contribution']}/verify", data={CSRF_FIELD: token}
    )
    assert answer.status_code == 403
    assert "another council" in answer.text
    decision = client.get(
        f"/console/proposals/{s.proposal('own', 'decision')['proposal']}/decision"
    )
    assert decision.status_code == 403
    assert _log_size(s) > before  # only the builder wrote
    assert (
        s.coprod.load(Contribution, __import__("uuid").UUID(ids["contribution"])).status == "logged"
    )


def test_a_missing_csrf_token_gets_403(s: Scenario) -> None:
    ids = s.contribution("own")
    client = _officer(s)
    before = _log_size(s)
    answer = client.post(f"/console/contributions/{ids['contribution']}/verify", data={})
    assert answer.status_code == 403
    assert _log_size(s) == before


def _decide(client: TestClient, proposal: str, headers: dict[str, str], **fields: object) -> str:
    path = f"/console/proposals/{proposal}/decision"
    data: dict[str, object] = {
        CSRF_FIELD: _token(client, path),
        "outcome": "rejected",
        "decided_on": str(TODAY),
        **fields,
    }
    answer = client.post(path, data=data, headers=headers)
    return f"{answer.status_code}\n{answer.text}"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "A decision against the applicant must state its legal basis"),
        (DA, "En afgørelse imod ansøgeren skal angive sin hjemmel"),
    ],
)
def test_a_rejection_without_a_legal_basis_is_refused_next_to_the_field(
    s: Scenario, headers: dict[str, str], message: str
) -> None:
    ids = s.proposal("own", "decision")
    fact = s.fact("own", ids["proposal"])
    client = _officer(s)
    before = _log_size(s)
    answer = _decide(
        client,
        ids["proposal"],
        headers,
        main_considerations="The site is not available",
        facts=[fact],
        complaints_body="Ankestyrelsen",
        complaints_procedure="In writing",
        complaints_days="28",
    )
    status, _, html = answer.partition("\n")
    assert status == "400"
    assert f'<p class="error" id="legal_basis-error">{message}' in html
    assert 'id="legal_basis" name="legal_basis" rows="3" aria-invalid="true"' in html
    assert 'id="main_considerations-error"' not in html
    assert "The site is not available" in html  # what was typed is shown again
    assert _log_size(s) == before
    assert s.coprod.load(Proposal, __import__("uuid").UUID(ids["proposal"])).decision_id is None


def test_an_unheard_fact_asks_for_the_hearing_step(s: Scenario) -> None:
    ids = s.proposal("own", "decision")
    fact = s.fact("own", ids["proposal"], known_to_party=False)
    client = _officer(s)
    form = client.get(f"/console/proposals/{ids['proposal']}/decision", headers=EN)
    assert "the party must be heard first" in form.text
    status, _, html = _decide(
        client,
        ids["proposal"],
        EN,
        legal_basis="Local Government Act §1",
        main_considerations="The site is not available",
        facts=[fact],
        no_appeal="There is no appeal route.",
    ).partition("\n")
    assert status == "400"
    assert '<p class="error" id="facts-error">The party has not been heard' in html


def test_a_complete_rejection_is_recorded_and_shown(s: Scenario) -> None:
    ids = s.proposal("own", "decision")
    fact = s.fact("own", ids["proposal"])
    client = _officer(s)
    status, _, html = _decide(
        client,
        ids["proposal"],
        EN,
        legal_basis="Local Government Act §1",
        main_considerations="The site is not available",
        facts=[fact],
        complaints_body="Ankestyrelsen",
        complaints_procedure="In writing",
        complaints_days="28",
    ).partition("\n")
    assert status == "200", html  # the proposal's page, after the 303
    assert "Local Government Act §1" in html
    proposal = s.coprod.load(Proposal, __import__("uuid").UUID(ids["proposal"]))
    assert proposal.status == "rejected"


def test_an_officer_publishes_a_release_and_the_impact_page_shows_it(s: Scenario) -> None:
    ids = s.project("own")
    client = _officer(s)
    path = f"/console/processes/{ids['process']}"
    before = client.get(f"/processes/{ids['process']}/impact", headers=EN).text
    answer = client.post(
        f"{path}/releases",
        data={CSRF_FIELD: _token(client, path), "note": "Spring figures"},
        headers=EN,
    )
    assert answer.status_code == 200, answer.text
    assert "The release was published" in answer.text
    assert "Release 1" in answer.text
    after = client.get(f"/processes/{ids['process']}/impact", headers=EN).text
    assert "No figures have been published for this process yet" in before
    assert "No figures have been published for this process yet" not in after
    assert "<dt>Release</dt><dd>1</dd>" in after


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "A process only moves forward: choose a later phase."),
        (DA, "En proces går kun fremad: vælg en senere fase."),
    ],
)
def test_a_phase_the_process_refuses_is_shown_next_to_the_field(
    s: Scenario, headers: dict[str, str], message: str
) -> None:
    pid = s.process("own", "review")
    client = _officer(s)
    path = f"/console/processes/{pid}"
    token = _token(client, path)
    before = _log_size(s)
    answer = client.post(
        f"{path}/phase", data={CSRF_FIELD: token, "to_phase": "ideas"}, headers=headers
    )
    assert answer.status_code == 400
    assert f'<p class="error" id="to_phase-error">{message}' in answer.text
    assert _log_size(s) == before
    moved = client.post(f"{path}/phase", data={CSRF_FIELD: token, "to_phase": "vote"}, headers=EN)
    assert moved.status_code == 200, moved.text
    assert "The process moved to its new phase." in moved.text


def test_milestones_and_spend_one_by_one(s: Scenario) -> None:
    ids = s.project("own")
    client = _officer(s)
    path = f"/console/projects/{ids['project']}"
    _caught_up(client)
    home = client.get("/console", headers=EN).text
    assert f'href="{path}"' in home
    token = _token(client, path)
    project_id = __import__("uuid").UUID(ids["project"])
    started = client.post(
        f"{path}/start", data={CSRF_FIELD: token, "code": "build", "started_on": str(TODAY)}
    )
    assert started.status_code == 200, started.text
    assert "Recorded." in started.text
    before = _log_size(s)
    bad = client.post(
        f"{path}/meet",
        data={CSRF_FIELD: token, "code": "build", "met_on": "not a date", "evidence_url": ""},
        headers=DA,
    )
    assert bad.status_code == 400
    assert '<p class="error" id="build-meet-met_on-error">Angiv en gyldig dato' in bad.text
    assert _log_size(s) == before
    spend = client.post(
        f"{path}/spend",
        data={CSRF_FIELD: token, "amount": "-5", "spent_on": str(TODAY), "purpose": "Paint"},
        headers=EN,
    )
    assert spend.status_code == 400
    assert '<p class="error" id="spend-amount-error">Give the amount' in spend.text
    assert 'value="-5"' in spend.text
    assert _log_size(s) == before
    spent = client.post(
        f"{path}/spend",
        data={CSRF_FIELD: token, "amount": "250.50", "spent_on": str(TODAY), "purpose": "Paint"},
    )
    assert spent.status_code == 200, spent.text
    project = s.coprod.get_project(project_id)
    assert project.milestones["build"].started_on == TODAY
    assert _log_size(s) > before
