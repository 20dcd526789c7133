"""The council report pack: `coprod report pack` and the impact page's downloads.

The pack's numbers are the API's for the same release: every sheet of the workbook and every
CSV file in both dialects is read back and compared cell by cell with
``GET /api/v1/processes/{id}/impact`` (tests/api/pack_check.py), hidden cells empty in both.
The demo has no hidden cell, so a small process (one voter) checks those.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result
from weasyprint import HTML

from api.cli.main import cli
from api.cli.serve import publish_demo_release
from api.demo import seed_demo
from api.http.app import create_app
from api.web.links import Links
from api.web.pages.pack import REPORT_CSP, XLSX
from api.web.render import CSP
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from tests.api.conftest import World, post
from tests.api.pack_check import BOM, check_csv, check_xlsx, csv_from_zip, hidden_in
from tests.api.test_queries import funded_project, ok


@dataclass
class Demo:
    client: TestClient
    process_id: str
    url: str
    pack: Path


def _run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["report", "pack", *args], env={"COPROD_DATABASE_URL": url})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo seeded and released once, and its pack written by the CLI."""
    folder = Path(tmp_path_factory.mktemp("pack"))
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    seeded: list[str] = []

    def seed(app: Coprod) -> None:
        summary = seed_demo(app, seed=7)
        publish_demo_release(app, summary.process_id)
        seeded.append(str(summary.process_id))

    with TestClient(create_app(parse_database_url(url), on_start=seed)) as client:
        result = _run(url, seeded[0], "--out", str(folder / "out"))
        assert result.exit_code == 0, result.output
        yield Demo(client, seeded[0], url, folder / "out")


def _figures(client: TestClient, process_id: str) -> dict[str, Any]:
    return ok(client.get(f"/api/v1/processes/{process_id}/impact"))  # type: ignore[no-any-return]


@pytest.mark.slow
def test_the_pack_has_every_file_and_its_numbers_are_the_apis(demo: Demo) -> None:
    figures = _figures(demo.client, demo.process_id)
    tables = len(figures["tables"])
    assert tables > 20
    files = sorted(str(p.relative_to(demo.pack)) for p in demo.pack.rglob("*") if p.is_file())
    assert {"report.html", "report.pdf", "report.xlsx"} <= set(files)
    for code in ("da", "en"):
        folder = demo.pack / "csv" / code
        assert len(list(folder.glob("*.csv"))) == tables + 1  # and about.csv
        found = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert check_csv(found, figures, code) == hidden_in(figures) > 0  # panels, co-design
    assert check_xlsx((demo.pack / "report.xlsx").read_bytes(), figures, "en") == hidden_in(figures)
    assert not list(demo.pack.parent.glob(".out.*"))  # no temporary folder left behind


@pytest.mark.slow
def test_the_csv_dialects_open_in_a_danish_and_an_english_excel(demo: Demo) -> None:
    turnout = sorted((demo.pack / "csv").glob("*/01-turnout.csv"))
    da, en = (p.read_bytes() for p in turnout)
    assert da.startswith(BOM)
    assert en.startswith(BOM)
    assert da.decode("utf-8-sig").splitlines()[1].count(";") == 3
    assert re.search(r";0,\d+\r\n", da.decode("utf-8-sig"))
    assert re.search(r",0\.\d+\r\n", en.decode("utf-8-sig"))
    assert "Stemmeprocent" in da.decode("utf-8-sig")  # Danish headings, with ø/æ intact
    about = (demo.pack / "csv" / "da" / "about.csv").read_bytes().decode("utf-8-sig")
    assert "Mindste viste antal (k);5" in about


@pytest.mark.slow
def test_the_html_report_is_self_contained_and_the_pdf_has_its_pages(demo: Demo) -> None:
    html = (demo.pack / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"https?://|url\(|<link|\bsrc=", html)
    assert not re.search(r'href="(?!#)', html)  # only links within the document
    assert html.count("<svg") >= 5  # the charts, inline
    figures = _figures(demo.client, demo.process_id)
    assert figures["release"]["figures_sha256"] in html
    pdf = (demo.pack / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    document = HTML(string=html).render()
    assert len(document.pages) > 1
    text = "".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(getattr(box, "text", None), str)
    )
    assert "Release 1, published" in text
    assert figures["release"]["figures_sha256"] in text


@pytest.mark.slow
def test_the_cli_refuses_in_one_line(demo: Demo, tmp_path: Path) -> None:
    def refusal(*args: str) -> str:
        result = _run(demo.url, *args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        return lines[0]

    out = str(tmp_path / "new")
    assert "no process with id" in refusal(str(uuid.uuid4()), "--out", out)
    assert "no release 9 of process" in refusal(demo.process_id, "--release", "9", "--out", out)
    assert "not a process id" in refusal("nope", "--out", out)
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "mine.txt").write_text("mine")
    assert "not empty" in refusal(demo.process_id, "--out", str(kept))
    assert (kept / "mine.txt").read_text() == "mine"
    replaced = _run(demo.url, demo.process_id, "--out", str(kept), "--force", "--lang", "da")
    assert replaced.exit_code == 0, replaced.output
    assert not (kept / "mine.txt").exists()
    assert (kept / "report.pdf").exists()
    assert 'lang="da"' in (kept / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_impact_page_offers_the_downloads(demo: Demo) -> None:
    client, pid = demo.client, demo.process_id
    page = client.get(f"/processes/{pid}/impact?lang=en").text
    base = f"/processes/{pid}/impact"
    wanted = {
        "report.html": "text/html; charset=utf-8",
        "report.pdf": "application/pdf",
        "report.xlsx": XLSX,
        "tables-da.zip": "application/zip",
        "tables-en.zip": "application/zip",
    }
    figures = _figures(client, pid)
    linked = Links(client.app.state.reads).process(pid, "/impact")  # type: ignore[attr-defined]
    for name, media_type in wanted.items():
        assert f'href="{linked}/{name}?release=1"' in page  # its readable address
        answer = client.get(f"{base}/{name}?release=1&lang=da")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == media_type
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=")
        assert "release-1" in disposition
        csp = REPORT_CSP if name == "report.html" else CSP
        assert answer.headers["content-security-policy"] == csp
    assert "script-src" not in REPORT_CSP
    assert "default-src 'none'" in REPORT_CSP
    xlsx = client.get(f"{base}/report.xlsx?lang=da").content
    assert check_xlsx(xlsx, figures, "da") == hidden_in(figures)
    for code in ("da", "en"):
        zipped = client.get(f"{base}/tables-{code}.zip").content
        assert check_csv(csv_from_zip(zipped, code), figures, code) == hidden_in(figures)
    for missing in (
        f"{base}/report.pdf?release=9",
        f"{base}/tables-fr.zip",
        f"{base}/report.doc",
        f"/processes/{uuid.uuid4()}/impact/report.html",
    ):
        assert client.get(missing).status_code == 404, missing


def test_hidden_cells_are_empty_in_the_workbook_and_the_csv_files(
    client: TestClient, world: World, process_id: uuid.UUID
) -> None:
    """One voter: the turnout's count is below k, hidden in the API and in every file."""
    funded_project(client, world, process_id)
    ok(post(client, f"/processes/{process_id}/releases", world["officer"], {}), 201)
    figures = _figures(client, str(process_id))
    hidden = sum(
        1
        for t in figures["tables"]
        for r in t["rows"]
        for c in t["columns"]
        if r.get(f"{c}_suppressed")
    )
    assert hidden > 0
    base = f"/processes/{process_id}/impact"
    for lang in ("da", "en"):
        workbook = client.get(f"{base}/report.xlsx?lang={lang}")
        assert workbook.status_code == 200
        assert check_xlsx(workbook.content, figures, lang) == hidden
        zipped = client.get(f"{base}/tables-{lang}.zip").content
        assert check_csv(csv_from_zip(zipped, lang), figures, lang) == hidden
    html = client.get(f"{base}/report.html?lang=en").text
    assert "hidden" in html


def test_a_hostile_name_and_note_are_inert_in_every_file_of_the_pack(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    """Typed text never runs: the name escaped in the HTML report, the note text (not a formula) in the
    workbook, and quoted before the formula sign in both CSV dialects."""
    from openpyxl import load_workbook

    name = '=HYPERLINK("http://evil.example/","<script>alert(1)</script>")'
    made = post(
        client, "/processes", world["officer"], {"code": "x", "name": name, "currency": "DKK"}
    )
    assert made.status_code == 201, made.text
    pid = uuid.UUID(made.json()["id"])
    for path, body in (
        ("budget", {"pot": {"amount": "1000.00", "currency": "DKK"}}),
        ("rules", {"voting": {"method": "approval"}, "selection": {"method": "greedy"}}),
    ):
        assert post(client, f"/processes/{pid}/{path}", world["officer"], body).status_code == 200
    note = '=HYPERLINK("http://evil.example/","see")'
    ok(post(client, f"/processes/{pid}/releases", world["officer"], {"note": note}), 201)
    base = f"/processes/{pid}/impact"
    html = client.get(f"{base}/report.html?lang=en").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    book = load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx?lang=en").content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    noted = [c for c in cells if c.value == note]
    assert noted
    assert all(c.data_type == "s" for c in noted)
    for lang in ("da", "en"):
        about = csv_from_zip(client.get(f"{base}/tables-{lang}.zip").content, lang)["about.csv"]
        text = about.decode("utf-8-sig")
        rows = list(csv.reader(text.splitlines(), delimiter=";" if lang == "da" else ","))
        fields = [field for row in rows for field in row]
        assert "'" + note in fields
        assert not [field for field in fields if field.startswith("=")]
