"""A resident submits an idea in a real browser, in Danish and English, on a phone (390x844):
a missing description is shown next to its field, then the idea is submitted and its public
page opens; axe-core finds 0 violations on the form, its error state and the idea's page."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from api.cli.serve import DEMO_SEED
from coprod.application.commands.processes import DefineAreas, OpenProcess
from coprod.domain.organisation import Organisation
from coprod.domain.process import Area
from coprod.domain.values import Actor, Role
from tests.browser.conftest import PageLog, assert_accessible

PHONE = {"width": 390, "height": 844}
SUBMIT = {"en": "Submit the idea", "da": "Indsend idéen"}
MISSING = {"en": "Describe your idea", "da": "Beskriv din idé"}


def _idea_phase_process(app: FastAPI, lang: str) -> uuid.UUID:
    """A process of the demo's council that is gathering ideas (the demo's are past it)."""
    coprod = app.state.coprod
    council = Organisation.create_id(slug=f"demo-council-{DEMO_SEED}")
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    code = f"ideas-{lang}-{uuid.uuid4().hex[:6]}"
    pid = coprod.open_process(
        OpenProcess(council_id=council, code=code, name="Ideas for the harbour", currency="DKK"),
        officer,
    ).aggregate_id
    areas = (Area("harbour", "Havnen"), Area("old-town", "Gamle By"))
    coprod.define_areas(DefineAreas(process_id=pid, areas=areas), officer)
    app.state.reads.wait_for(coprod.recorder.max_notification_id())  # the page reads it
    return pid


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_resident_submits_an_idea(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    pid = _idea_phase_process(demo_app, lang)
    page.goto(f"{served_demo}/processes/{pid}?lang={lang}")
    page.locator('a[href$="/ideas/new"]').click()
    assert_accessible(page)
    page.fill("#title", f"Benches by the water ({lang})")
    page.select_option("#area_code", "harbour")
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator("#description-error")).to_contain_text(MISSING[lang])
    assert page.locator("#title").input_value() == f"Benches by the water ({lang})"
    assert_accessible(page)
    page.fill("#description", "Three benches facing the sunset.")
    page.get_by_role("button", name=SUBMIT[lang]).click()
    page.wait_for_url(re.compile(r"/proposals/[0-9a-f-]{36}$"))
    assert f"Benches by the water ({lang})" in page.locator("main").inner_text()
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    unexpected = [e for e in page_log.errors() if not re.search(r"status of 400 ", e)]
    assert not unexpected, unexpected
