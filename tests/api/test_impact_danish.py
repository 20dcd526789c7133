"""The impact page and the report pack explain their figures in the reader's language.

A release stores each table's definition, the method notes, the disclosure method and the
reasons for hidden cells in English, as published. The web shows a text it knows in Danish
(its msgid is that English text exactly, held equal to the read model's here) and any other
text as published, marked English. User-typed text (parameter sources) is never translated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli.serve import publish_demo_release
from api.demo import seed_demo
from api.http.app import create_app
from api.web.i18n import language
from api.web.impact_texts import (
    DEFINITION_TEXTS,
    METHOD_TEXT,
    NOTE_TEXTS,
    REASON_TEXTS,
    published,
    published_or_english,
)
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from projections.disclosure.policy import REASONS, DisclosurePolicy
from projections.impact.definitions import DEFINITIONS
from projections.impact.report.common import BREAKDOWN_NOTE, NOTES

DA = language("da")
EN = language("en")


def test_the_web_texts_are_the_read_models_texts() -> None:
    assert DEFINITION_TEXTS == DEFINITIONS
    assert NOTE_TEXTS == NOTES
    assert set(REASON_TEXTS) == set(REASONS)
    for k in range(3, 20):
        method = DisclosurePolicy(k).method
        assert METHOD_TEXT % {"k": k, "k_less": k - 1} == method
        assert published(EN, method) == method


def test_every_explanation_has_a_danish_text() -> None:
    texts = [*DEFINITIONS.values(), *NOTES, *REASONS]
    assert not [t for t in texts if published(DA, t) in (None, t)]
    method = DisclosurePolicy(5).method
    danish = published(DA, method)
    assert danish is not None
    assert danish.startswith("k = 5. Primær")
    assert "1..4" in danish
    breakdown = published(DA, f"{method} {BREAKDOWN_NOTE}")
    assert breakdown == f"{danish} {DA.gettext(BREAKDOWN_NOTE)}"


def test_an_unknown_text_is_shown_as_published() -> None:
    assert published(DA, "A definition worded by an older release.") is None
    assert published_or_english(DA, "k = 5. Something else.") == "k = 5. Something else."
    assert published(DA, "k = 1. Primary: nothing") is None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    path = Path(tmp_path_factory.mktemp("impact")) / "demo.sqlite"
    seeded: list[str] = []

    def seed(app: Coprod) -> None:
        made = seed_demo(app, seed=7)
        publish_demo_release(app, made.process_id)
        seeded.append(str(made.process_id))

    with TestClient(create_app(parse_database_url(f"sqlite:///{path}"), on_start=seed)) as client:
        client.get("/")
        yield client, seeded[0]


TURNOUT = DEFINITIONS["turnout"]
SPEND_NOTE = NOTES[1]


def test_the_impact_page_explains_in_danish(site: tuple[TestClient, str]) -> None:
    client, pid = site
    da = client.get(f"/processes/{pid}/impact", headers={"Accept-Language": "da"}).text
    assert DA.gettext(TURNOUT) in da
    assert DA.gettext(SPEND_NOTE) in da
    assert TURNOUT not in da
    assert SPEND_NOTE not in da
    en = client.get(f"/processes/{pid}/impact", headers={"Accept-Language": "en"}).text
    assert TURNOUT in en
    assert SPEND_NOTE in en


def test_the_pack_explains_in_danish(site: tuple[TestClient, str]) -> None:
    client, pid = site
    base = f"/processes/{pid}/impact"
    html = client.get(f"{base}/report.html?lang=da").text
    assert DA.gettext(TURNOUT) in html
    assert DA.gettext(SPEND_NOTE) in html
    assert "k = 5. Primær" in html
    assert TURNOUT not in html
    assert "k = 5. Primary" not in html
    zipped = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/tables-da.zip").content))
    about_name = next(n for n in zipped.namelist() if n.endswith("about.csv"))
    about = zipped.read(about_name).decode("utf-8-sig")
    cells = {c for row in csv.reader(io.StringIO(about), delimiter=";") for c in row}
    assert DA.gettext(SPEND_NOTE) in cells
    assert DA.gettext(TURNOUT) in cells
