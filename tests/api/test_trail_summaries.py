"""The trail's one-line summaries in the reader's language, never drifting from the English.

The timeline read model stores each row's English summary (the API's and evaluators') with a
code and plain values; the web trail renders the code in Danish or English through the
catalogue. These tests hold that every code has a Danish text, that the web's msgids are
the read model's templates, and that the template filled with a row's values gives exactly
the stored English for every row of the demo.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli.serve import publish_demo_release
from api.demo import seed_demo
from api.http.app import create_app
from api.web.i18n import language
from api.web.labels import LABELS
from api.web.trail_summaries import SUMMARY_TEXTS, TERM_TEXTS, summary_line
from coprod.adapters.config import StoreSettings, parse_database_url
from coprod.application import Coprod
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase
from coprod.domain.decision import DecisionOutcome
from projections.store import Connection, read_generation
from projections.timeline import TimelineModel
from projections.timeline.summaries import KINDS, TEMPLATES, TERMS, english, summary


class Site:
    def __init__(self, client: TestClient, settings: StoreSettings, process_id: str) -> None:
        self.client, self.settings, self.process_id = client, settings, process_id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = Path(tmp_path_factory.mktemp("trail")) / "demo.sqlite"
    settings = parse_database_url(f"sqlite:///{path}")
    seeded: list[str] = []

    def seed(app: Coprod) -> None:
        made = seed_demo(app, seed=7)
        publish_demo_release(app, made.process_id)
        seeded.append(str(made.process_id))

    with TestClient(create_app(settings, on_start=seed)) as client:
        client.get("/")
        yield Site(client, settings, seeded[0])


def _rows(settings: StoreSettings) -> list[tuple[str, str, str, str]]:
    with Connection(settings) as conn:
        generation = read_generation(conn, TimelineModel.key())
        assert generation is not None
        prefix = TimelineModel.prefix(generation.active)
        rows = conn.execute(
            f"SELECT event, summary, summary_code, summary_values FROM {prefix}_entries"
        )
    return [(str(e), str(s), str(c), str(v)) for e, s, c, v in rows]


def test_the_web_msgids_are_the_read_models_templates() -> None:
    assert SUMMARY_TEXTS == TEMPLATES
    assert set(TERM_TEXTS) == set(TERMS)


def test_every_code_and_word_has_a_danish_text() -> None:
    """summary() refuses a code not in TEMPLATES, so these are all the codes handlers write."""
    da = language("da")
    untranslated = [c for c, text in SUMMARY_TEXTS.items() if da.gettext(text) == text]
    assert not untranslated
    assert all(da.gettext(text) != text for text in TERM_TEXTS.values())
    coded = [*DecisionOutcome, *CoproductionPhase, *CoproductionLevel]
    assert not [c.value for c in coded if c.value not in LABELS]
    with pytest.raises(KeyError):
        summary("no_such_code")


def test_every_value_name_of_a_template_has_a_known_kind_or_is_text() -> None:
    names = {n for t in TEMPLATES.values() for n in re.findall(r"%\((\w+)\)s", t)}
    assert set(KINDS) <= names


def test_the_english_of_code_and_values_is_the_stored_summary_for_every_demo_row(
    site: Site,
) -> None:
    rows = _rows(site.settings)
    assert len(rows) > 100
    for event, stored, code, values in rows:
        assert english(code, json.loads(values)) == stored, (event, code)
    assert len({code for _, _, code, _ in rows}) >= 15


def test_every_demo_row_reads_in_danish(site: Site) -> None:
    da = language("da")
    for event, stored, code, values in _rows(site.settings):
        line = summary_line(da, code, json.loads(values))
        assert line is not None, (event, code)
        assert line != stored, (event, code, line)


def test_an_unknown_code_falls_back_to_the_stored_english() -> None:
    assert summary_line(language("da"), "from_a_later_version", {"x": 1}) is None


def test_the_project_trail_reads_in_the_readers_language(site: Site) -> None:
    cases = site.client.get(
        f"/api/v1/processes/{site.process_id}/cases", params={"status": "funded_in_full"}
    ).json()["items"]
    assert cases
    proposal = cases[0]["proposal_id"]
    da = site.client.get(f"/proposals/{proposal}", headers={"Accept-Language": "da"})
    assert da.status_code == 200
    assert "kommunens beslutning: Bevilget (" in da.text
    assert "delmål design planlagt" in da.text
    assert "council decision:" not in da.text
    en = site.client.get(f"/proposals/{proposal}", headers={"Accept-Language": "en"})
    assert "council decision: Funded" in en.text
