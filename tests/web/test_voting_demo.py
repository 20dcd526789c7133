"""``coprod serve --demo`` prints five voting codes that open the demo's vote, after the
officer key; a resident votes with one through the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli.codes import DEMO_CODES
from api.cli.serve import DEMO_SEED, _seed
from api.demo import voting_process_id
from api.http.app import create_app
from api.web.csrf import CSRF_FIELD
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.process import Process
from tests.web.signin import csrf_of
from tests.web.voting_site import receipt_of

_CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


def test_the_demo_prints_five_codes_for_its_open_vote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(parse_database_url(f"sqlite:///{tmp_path / 'demo.sqlite'}"), on_start=_seed)
    with TestClient(app) as client:
        printed = capsys.readouterr().out
        assert printed.index("Demo officer key") < printed.index("Voting codes")
        codes = _CODE.findall(printed.split("Voting codes", 1)[1])
        assert len(codes) == DEMO_CODES
        process_id = voting_process_id(DEMO_SEED)
        coprod: Coprod = app.state.coprod
        process = coprod.load(Process, process_id)
        page = client.get(f"/processes/{process_id}/vote", params={"code": codes[0]})
        assert page.status_code == 200
        option = str(process.ballot_options[0].proposal_id)
        voted = client.post(
            f"/processes/{process_id}/vote",
            data={
                CSRF_FIELD: csrf_of(page.text),
                "code": codes[0],
                "action": "cast",
                "approve": option,
            },
        )
        assert voted.status_code == 200, voted.text
        receipt = receipt_of(voted.text)
        check = client.get(f"/processes/{process_id}/receipt", params={"receipt": receipt})
        assert "Counted:" in check.text
