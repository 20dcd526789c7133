"""Screenshots of voting with a code, on a 390 px phone and a desktop.

    .venv/bin/python scripts/screenshots_voting.py          # writes docs/screenshots/vote-*.png
    .venv/bin/python scripts/screenshots_voting.py --lang en

Serves a knapsack vote (three options, limit 1,000 kr.) from a temporary SQLite file and
drives Debian's chromium (``COPROD_CHROMIUM``, never downloaded) through the resident's
journey: the code, a ballot over the budget (refused, with the reason), the receipt.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from api.http.app import create_app  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.adapters.masterkey import ENV_KEY, encode_entry, new_key  # noqa: E402
from coprod.domain.voting import VoteMethod  # noqa: E402
from tests.web.voting_site import codes, open_vote  # noqa: E402

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="da", choices=("da", "en"))
    args = parser.parse_args()
    os.environ.setdefault(ENV_KEY, encode_entry(1, new_key()))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(parse_database_url(f"sqlite:///{tmp}/vote.sqlite"))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        process, _ = open_vote(app.state.coprod, VoteMethod.KNAPSACK)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}/processes/{process}"
        chromium = os.environ.get("COPROD_CHROMIUM", "/usr/bin/chromium")
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for name, viewport in VIEWPORTS.items():
                page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
                code = codes(app.state.coprod, process, 1)[0]
                page.goto(f"{base}/vote?lang={args.lang}")
                page.fill("#code", code)
                page.screenshot(path=str(OUT / f"vote-code-{name}.png"), full_page=True)
                page.locator("form.vote-code button").click()
                boxes = page.locator("input[name=approve]")
                boxes.nth(0).check()
                boxes.nth(1).check()
                page.locator("button[value=cast]").click()
                page.screenshot(path=str(OUT / f"vote-over-budget-{name}.png"), full_page=True)
                page.locator("input[name=approve]").nth(1).uncheck()
                page.locator("input[name=approve]").nth(2).check()
                page.locator("button[value=cast]").click()
                page.screenshot(path=str(OUT / f"vote-receipt-{name}.png"), full_page=True)
                page.close()
            browser.close()
        server.should_exit = True
        thread.join(timeout=30)
    print(f"wrote docs/screenshots/vote-*.png ({args.lang})")


if __name__ == "__main__":
    main()
