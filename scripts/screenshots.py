"""Screenshots of every public page of the demo, on a desktop and a 390 px phone.

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png
    COPROD_CHROMIUM=/path/to/chromium .venv/bin/python scripts/screenshots.py --lang da

Seeds the demo into a temporary SQLite file (as ``coprod serve --demo`` does), serves it on a
free local port and drives Debian's chromium through Playwright (launched by its path, never
downloaded). The README shows the pictures; re-run this after a visible change.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import uvicorn  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from api.cli.serve import _seed  # noqa: E402
from api.http.app import create_app  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@contextmanager
def served_demo() -> Iterator[str]:
    """The demo app on a free port of 127.0.0.1, in a background thread."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(parse_database_url(f"sqlite:///{tmp}/demo.sqlite"), on_start=_seed)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise SystemExit("the demo server did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def pages(page: Page, base: str) -> dict[str, str]:
    """Name -> path of every kind of public page, found by following links."""

    def first(prefix: str) -> str:
        href = page.locator(f"a[href^='{prefix}']").first.get_attribute("href")
        if href is None:
            raise SystemExit(f"no link to {prefix} on {page.url}")
        return href

    page.goto(f"{base}/")
    process = first("/processes/")
    page.goto(f"{base}{process}/projects")
    project = first("/projects/")
    page.goto(f"{base}{process}/projects?show=all&status=rejected")
    rejected = first("/proposals/")
    return {
        "home": "/",
        "process": process,
        "projects": f"{process}/projects",
        "project": project,
        "proposal-rejected": rejected,
        "impact": f"{process}/impact",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("en", "da"), default="en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("COPROD_CHROMIUM", "/usr/bin/chromium")
    with served_demo() as base, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        found = pages(page, base)
        for device, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            for name, path in found.items():
                separator = "&" if "?" in path else "?"
                page.goto(f"{base}{path}{separator}lang={args.lang}")
                target = args.out / f"{name}-{device}.png"
                page.screenshot(path=str(target))
                print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)
        browser.close()


if __name__ == "__main__":
    main()
