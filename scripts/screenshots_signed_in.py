"""Screenshots of the signed-in pages: a volunteer's phone pages and the officer's console.

    .venv/bin/python scripts/screenshots_signed_in.py     # writes docs/screenshots/*.png

Seeds the demo (as ``coprod serve --demo`` does), signs in with the demo's own invitations
(the volunteer on a 390 px phone, the officer on a desktop) in Debian's chromium, and writes
"my commitments", the log form, the log kept offline, and the console's home.
"""

from __future__ import annotations

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
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from api.cli.serve import DEMO_SEED, _seed  # noqa: E402
from api.demo.signin import demo_invitations  # noqa: E402
from api.http.app import create_app  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page: Page, name: str) -> None:
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("COPROD_CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(parse_database_url(f"sqlite:///{tmp}/demo.sqlite"), on_start=_seed)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        made = {
            m.who: m for m in demo_invitations(app.state.coprod, DEMO_SEED, app.state.invitations)
        }
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                volunteer(
                    browser.new_context(viewport=PHONE).new_page(), base, made["volunteer"].new.path
                )
                officer(
                    browser.new_context(viewport=DESKTOP).new_page(), base, made["officer"].new.path
                )
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def _sign_in(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}{path}?lang=en")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def volunteer(page: Page, base: str, invitation: str) -> None:
    _sign_in(page, base, invitation)
    page.goto(f"{base}/my/commitments?lang=en")
    shoot(page, "my-commitments-phone")
    page.locator("ul.commitments h2 a").first.click()
    page.wait_for_load_state()
    shoot(page, "log-work-phone")
    page.context.set_offline(True)
    page.fill("#hours", "3")
    page.get_by_role("button", name="Log", exact=True).click()
    page.wait_for_timeout(300)
    shoot(page, "log-work-offline-phone")
    page.context.set_offline(False)


def officer(page: Page, base: str, invitation: str) -> None:
    _sign_in(page, base, invitation)
    page.goto(f"{base}/console?lang=en")
    shoot(page, "console-desktop")


if __name__ == "__main__":
    main()
