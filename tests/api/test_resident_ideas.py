"""A resident submits an idea on the web in the idea phase: through the same use case as the
API, contact details optional and kept only in the personal-data store, bad values next to
their field in the resident's language with nothing written, and no form in other phases."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.web.links import Links
from coprod.application import Coprod
from coprod.domain.organisation import Person
from tests.api.conftest import World, event_topics, post
from tests.api.test_queries import ok
from tests.web.signin import csrf_of

EMAIL = "idea.resident@example.dk"


def _form(client: TestClient, pid: uuid.UUID, lang: str = "en") -> str:
    page = client.get(f"/processes/{pid}/ideas/new", headers={"Accept-Language": lang})
    assert page.status_code == 200
    return page.text


def test_a_resident_submits_an_idea_with_contact_details_kept_out_of_the_log(
    client: TestClient, process_id: uuid.UUID, coprod: Coprod, tmp_path: Path
) -> None:
    process_page = client.get(f"/processes/{process_id}").text
    reads = client.app.state.reads  # type: ignore[attr-defined]
    assert Links(reads).process(process_id, "/ideas/new") in process_page  # readable address
    form = _form(client, process_id)
    assert "only to ask you about this idea" in form  # the consent text beside the fields
    sent = client.post(
        f"/processes/{process_id}/ideas/new",
        data={
            "csrf_token": csrf_of(form),
            "title": "A bench by the pond",
            "description": "Somewhere to sit.",
            "area_code": "north",
            "category": "parks",
            "name": "Idea Resident",
            "email": EMAIL,
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["location"])
    assert page.status_code == 200
    assert "A bench by the pond" in page.text
    topics = event_topics(coprod)
    assert topics[-2].endswith("Proposal.IdeaSubmitted")
    assert topics[-1].endswith("Person.PersonRegistered")
    events = coprod.recorder.select_notifications(start=1, limit=100_000)
    assert not [n for n in events if EMAIL.encode() in n.state]  # never in an event
    person = coprod.load(
        Person, coprod.recorder.select_notifications(start=1, limit=100_000)[-1].originator_id
    )
    assert coprod.personal_data.get(person.id)["email"] == EMAIL  # in the erasable store


@pytest.mark.parametrize(
    ("lang", "field", "words"),
    [("en", "title", "Give your idea a title"), ("da", "description", "Beskriv din idé")],
)
def test_a_missing_value_is_shown_next_to_its_field_and_nothing_is_written(
    client: TestClient, process_id: uuid.UUID, coprod: Coprod, lang: str, field: str, words: str
) -> None:
    form = _form(client, process_id, lang)
    data = {"csrf_token": csrf_of(form), "title": "Swings", "description": "For the kids."}
    data[field] = ""
    before = len(event_topics(coprod))
    refused = client.post(
        f"/processes/{process_id}/ideas/new", data=data, headers={"Accept-Language": lang}
    )
    assert refused.status_code == 400
    assert f'id="{field}-error"' in refused.text
    assert words in refused.text
    assert len(event_topics(coprod)) == before


def test_bad_contact_details_write_nothing_not_even_the_idea(
    client: TestClient, process_id: uuid.UUID, coprod: Coprod
) -> None:
    form = _form(client, process_id)
    before = len(event_topics(coprod))
    refused = client.post(
        f"/processes/{process_id}/ideas/new",
        data={
            "csrf_token": csrf_of(form),
            "title": "Swings",
            "description": "For the kids.",
            "phone": "1" * 300,
        },
    )
    assert refused.status_code == 400
    assert 'id="contact-error"' in refused.text
    assert len(event_topics(coprod)) == before


def test_outside_the_idea_phase_there_is_no_form(
    client: TestClient, world: World, process_id: uuid.UUID
) -> None:
    ok(post(client, f"/processes/{process_id}/phase", world["officer"], {"to_phase": "review"}))
    page = client.get(f"/processes/{process_id}/ideas/new", headers={"Accept-Language": "da"})
    assert page.status_code == 200
    assert "Der indsamles ikke idéer" in page.text
    assert 'name="title"' not in page.text
