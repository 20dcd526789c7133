"""An officer imports a milestones CSV in a real browser: one bad line, nothing imported and
the line named; then the good file, previewed and confirmed. axe-core finds 0 violations on
the upload form, the error state and the preview, in Danish and in English.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page

from api.cli.serve import DEMO_SEED
from coprod.application import Coprod
from coprod.domain.organisation import Organisation
from coprod.domain.project import Project, ProjectStatus
from coprod.domain.values import Role
from tests.browser.conftest import assert_accessible
from tests.unit.test_csv_imports import events
from tests.web.signin import sign_in_page

#: The bad line starts a milestone never scheduled: the reason, in each language.
REASON = {
    "en": "The project has no milestone with this code: schedule it first.",
    "da": "Projektet har ingen milepæl med denne kode: planlæg den først.",
}


def _funded_project(app: Coprod) -> Project:
    """A project of the demo council still in delivery."""
    for item in app.recorder.select_notifications(1, 100_000):
        if item.topic.endswith("Project.ProjectFunded"):
            project = app.get_project(item.originator_id)
            if project.status is ProjectStatus.IN_DELIVERY:
                return project
    raise AssertionError("the demo funded no project")


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_bad_line_imports_nothing_and_is_named(
    page: Page, served_demo: str, demo_app: FastAPI, tmp_path: Path, lang: str
) -> None:
    app: Coprod = demo_app.state.coprod
    council = Organisation.create_id(slug=f"demo-council-{DEMO_SEED}")
    page.context.set_extra_http_headers({"Accept-Language": lang})
    sign_in_page(page, served_demo, demo_app, Role.COUNCIL_OFFICER, council)
    project = _funded_project(app)
    code = f"survey-{lang}"
    head = "project,action,code,title,date,evidence_url,reason\n"
    good = f"{project.id},schedule,{code},Site survey,2030-01-31,,\n"
    bad_file, good_file = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad_file.write_text(head + good + f"{project.id},start,no-such-{lang},,2030-01-02,,\n")
    good_file.write_text(head + good)
    page.goto(f"{served_demo}/console/imports?process={project.process_id}")
    assert_accessible(page)
    before = events(app)
    page.set_input_files("#file", str(bad_file))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == "3"
    reason = errors.first.locator("td").nth(2)
    assert reason.inner_text() == REASON[lang]  # in the officer's language
    assert reason.get_attribute("lang") is None
    assert_accessible(page)
    assert events(app) == before
    page.set_input_files("#file", str(good_file))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("table.import-preview tbody tr").count() == 1
    assert_accessible(page)
    assert events(app) == before
    page.locator("form:not([enctype]) button[type=submit]").click()
    page.wait_for_load_state()
    assert code in app.get_project(project.id).milestones
    assert_accessible(page)


def test_the_parameters_page_is_accessible(page: Page, served_demo: str, demo_app: FastAPI) -> None:
    council: UUID = Organisation.create_id(slug=f"demo-council-{DEMO_SEED}")
    sign_in_page(page, served_demo, demo_app, Role.COUNCIL_OFFICER, council)
    page.goto(f"{served_demo}/console/parameters")
    assert_accessible(page)
