"""A group's phone pages: "my commitments" with pledged, logged, verified and waiting hours,
and the log form: a log written once through the same use case as the API, bad values next
to their field in the volunteer's language with nothing written, a resend counted once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.demo import seed_demo
from api.demo.data import GROUPS
from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.commitment import Contribution
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from tests.api.conftest import event_topics
from tests.web.signin import csrf_of, sign_in

SEED = 3
GROUP = Organisation.create_id(slug=f"{GROUPS[0][0]}-{SEED}")
OTHER = Organisation.create_id(slug=f"{GROUPS[1][0]}-{SEED}")
_LOGGED = "Contribution.ContributionLogged"


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = Path(tmp_path_factory.mktemp("group")) / "g.sqlite"
    app = create_app(
        parse_database_url(f"sqlite:///{path}"), on_start=lambda a: seed_demo(a, seed=SEED)
    )
    with TestClient(app) as client:
        coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
        client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def volunteer(app_client: TestClient) -> TestClient:
    client = TestClient(app_client.app)
    sign_in(client, Role.COMMUNITY_MEMBER, GROUP)
    return client


def _first_log_path(client: TestClient, lang: str = "en") -> str:
    page = client.get("/my/commitments", headers={"Accept-Language": lang})
    assert page.status_code == 200, page.text
    found = re.search(r'href="(/my/commitments/[0-9a-f-]{36}/log)"', page.text)
    assert found is not None
    return found.group(1)


def _logged(client: TestClient) -> int:
    coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
    return sum(1 for t in event_topics(coprod) if t.endswith(_LOGGED))


def _form(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))
    return {k: fields[k] for k in ("csrf_token", "client_id", "seconds_to_log")}


def test_my_commitments_shows_the_hours_and_a_qr_code_per_commitment(volunteer: TestClient) -> None:
    page = volunteer.get("/my/commitments", headers={"Accept-Language": "da"})
    assert page.status_code == 200
    assert "Mine tilsagn" in page.text
    assert "Venter på godkendelse" in page.text
    assert page.text.count('class="qr"') >= 1
    assert "<svg" in page.text


def test_a_log_is_written_once_and_shown_and_a_resend_is_not_counted_again(
    volunteer: TestClient,
) -> None:
    path = _first_log_path(volunteer)
    form = volunteer.get(path).text
    before = _logged(volunteer)
    body = {
        **_form(form),
        "hours": "2,5",
        "people_count": "3",
        "worked_on": date.today().isoformat(),
    }
    body["seconds_to_log"] = "7"
    done = volunteer.post(path, data=body, follow_redirects=False)
    assert done.status_code == 303
    # the page it leads to waits until the read models include the log's position
    assert re.search(r"\?done=1&at=\d+$", done.headers["location"])
    assert _logged(volunteer) == before + 1
    again = volunteer.post(path, data=body, follow_redirects=False)  # the same client id
    assert again.status_code == 303
    assert _logged(volunteer) == before + 1
    shown = volunteer.get(done.headers["location"]).text
    assert "Saved" in shown
    assert shown.count(f"<td>{date.today().strftime('%-d %b %Y')}</td><td>2.5</td><td>3</td>") == 1
    coprod: Coprod = volunteer.app.state.coprod  # type: ignore[attr-defined]
    logged = coprod.load(Contribution, Contribution.create_id(uuid.UUID(body["client_id"])))
    assert logged.seconds_to_log == 7


@pytest.mark.parametrize(
    ("lang", "field", "value", "words"),
    [
        ("en", "hours", "lots", "Give the hours as a number above 0"),
        ("da", "hours", "0", "Angiv timerne som et tal over 0"),
        ("en", "hours", "30", "Give the hours as a number above 0"),
        ("en", "people_count", "0", "Give how many people worked"),
        ("da", "worked_on", (date.today() + timedelta(days=2)).isoformat(), "Angiv dagen"),
    ],
)
def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_written(
    volunteer: TestClient, lang: str, field: str, value: str, words: str
) -> None:
    path = _first_log_path(volunteer, lang)
    form = volunteer.get(path, headers={"Accept-Language": lang}).text
    body = {**_form(form), "hours": "2", "people_count": "1", "worked_on": date.today().isoformat()}
    body[field] = value
    before = _logged(volunteer)
    refused = volunteer.post(path, data=body, headers={"Accept-Language": lang})
    assert refused.status_code == 400
    assert f'id="{field}-error"' in refused.text
    assert words in refused.text
    assert f'value="{value}"' in refused.text  # nothing to type again
    assert _logged(volunteer) == before


def test_another_groups_commitment_is_not_found_and_an_officer_is_sent_away(
    app_client: TestClient, volunteer: TestClient
) -> None:
    path = _first_log_path(volunteer)
    other = TestClient(app_client.app)
    sign_in(other, Role.COMMUNITY_MEMBER, OTHER)
    assert other.get(path).status_code == 404
    body = {**_form(volunteer.get(path).text), "hours": "1", "people_count": "1"}
    body["csrf_token"] = csrf_of(other.get("/account").text)
    before = _logged(volunteer)
    assert other.post(path, data={**body, "worked_on": date.today().isoformat()}).status_code == 404
    assert _logged(volunteer) == before
    officer = TestClient(app_client.app)
    council = Organisation.create_id(slug=f"demo-council-{SEED}")
    sign_in(officer, Role.COUNCIL_OFFICER, council)
    assert officer.get("/my/commitments").status_code == 403


def test_without_a_session_the_page_asks_to_sign_in_and_the_service_worker_is_served(
    app_client: TestClient,
) -> None:
    anonymous = TestClient(app_client.app)
    assert anonymous.get("/my/commitments", headers={"Accept": "text/html"}).status_code == 401
    worker = anonymous.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "/my/" in worker.text


def test_a_made_up_position_does_not_hold_the_page(volunteer: TestClient) -> None:
    """``?at=`` waits for no more than what is stored: a huge one answers at once."""
    path = _first_log_path(volunteer)
    page = volunteer.get(f"{path}?done=1&at=999999999999")
    assert page.status_code == 200
    timing = page.headers["server-timing"]  # the app's own time (api/http/timing.py)
    assert re.fullmatch(r"app;dur=\d+\.\d", timing)
    assert float(timing.split("=")[1]) < 5_000  # never the read models' wait limit
