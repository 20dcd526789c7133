"""``/docs`` and ``/redoc`` work offline: no inline script, no third-party URL, assets served.

The browser tests (tests/browser/test_api_docs.py) check the same pages render; these run
without a browser, on every test run.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.http.docs import VENDOR_DIR, VENDOR_URL

ASSETS = {
    f"{VENDOR_URL}/swagger-ui/swagger-ui-bundle.js": "javascript",
    f"{VENDOR_URL}/swagger-ui/swagger-ui.css": "text/css",
    f"{VENDOR_URL}/swagger-init.js": "javascript",
    f"{VENDOR_URL}/redoc/redoc.standalone.js": "javascript",
}
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(?:src|href|spec-url|data-openapi-url)\s*=\s*["']([^"']*)["']""")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_page_has_no_inline_script_and_no_remote_url(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    scripts = _SCRIPT.findall(html)
    assert scripts, "the page loads its UI from a script file"
    assert all(re.search(r"\bsrc\s*=", attrs) for attrs in scripts), scripts
    assert "http" not in html.lower(), "the page names no absolute URL at all"
    for url in _URL_ATTR.findall(html):
        assert url.startswith(("/", "data:")), url
        assert not url.startswith("//"), url
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.parametrize(("path", "kind"), ASSETS.items())
def test_vendored_assets_are_served(client: TestClient, path: str, kind: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert kind in response.headers["content-type"], response.headers["content-type"]
    assert len(response.content) > 0


def test_docs_pages_stay_out_of_the_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p in {"/docs", "/redoc"} or p.startswith("/assets")]


def test_redoc_bundle_is_patched_off_its_cdn_logo() -> None:
    """ReDoc 2.5.4 draws its "API docs by Redocly" logo from cdn.redoc.ly; the vendored copy
    is patched to a ``data:`` URL (api/http/vendor/README.md), and an update must keep that."""
    bundle = (VENDOR_DIR / "redoc" / "redoc.standalone.js").read_text(encoding="utf-8")
    assert "cdn.redoc.ly" not in bundle
    assert 'src:"data:,"' in bundle
