"""``coprod codes create``: codes printed once, or only into the letters PDF (one A4 page per
code, with the vote's address and its QR code); the store keeps hashes only."""

from __future__ import annotations

import stat
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from api.web.i18n import language
from api.web.letters import letters_html, vote_url
from coprod.adapters.config import parse_database_url
from coprod.adapters.voting_codes import code_hash
from coprod.application import Coprod
from coprod.application.voting_codes import CodeState
from coprod.domain.voting import VoteMethod
from tests.web.voting_site import open_vote


@pytest.fixture
def vote(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COPROD_DATABASE_URL", sqlite_url)
    with Coprod(parse_database_url(sqlite_url)) as app:
        process_id, _ = open_vote(app, VoteMethod.KNAPSACK)
    return str(process_id)


def test_codes_are_printed_once_and_stored_as_hashes(vote: str, sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["codes", "create", vote, "3"])
    assert result.exit_code == 0, result.output
    codes = result.output.split()
    assert len(codes) == 3
    with Coprod(parse_database_url(sqlite_url)) as app:
        for code in codes:
            assert app.voting_code_state(UUID(vote), code) is CodeState.VALID
    raw = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
    assert codes[0].encode() not in raw
    assert codes[0].replace("-", "").encode() not in raw
    assert str(code_hash(codes[0])).encode() in raw


def test_letters_hold_the_codes_one_page_each(vote: str, tmp_path: Path) -> None:
    target = tmp_path / "letters.pdf"
    result = CliRunner().invoke(
        cli, ["codes", "create", vote, "2", "--letters", str(target), "--base-url", "https://x.dk"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2 letters" in result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_letter_names_the_vote_its_dates_and_its_address(sqlite_url: str) -> None:
    with Coprod(parse_database_url(sqlite_url)) as app:
        process_id, _ = open_vote(app, VoteMethod.APPROVAL)
        process = app.get_process(process_id)
    html = letters_html(process, ["ABCD-EFGH-JKMN"], "https://x.dk/", language("da"))
    assert "ABCD-EFGH-JKMN" in html
    assert vote_url("https://x.dk", process_id, "ABCD-EFGH-JKMN") in html
    assert html.count("<svg") == 1
    assert "Greener streets" in html


def test_an_unknown_process_or_bad_count_is_one_line(vote: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["codes", "create", "nope", "2"]).exit_code != 0
    refused = runner.invoke(cli, ["codes", "create", vote, "0"])
    assert refused.exit_code != 0
    assert "Traceback" not in refused.output
