"""The API docs pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served without a CDN.

FastAPI's own pages load Swagger UI and ReDoc from cdn.jsdelivr.net, fonts from Google and a
favicon from fastapi.tiangolo.com, so they are blank offline and tell third parties who reads
the docs. Here every asset is a vendored file (``api/http/vendor/``, see its README) served
at ``/assets/vendor/``, the pages carry no inline script (Swagger UI starts from
``swagger-init.js``; ReDoc starts itself from its ``<redoc spec-url>`` element), and each page
is sent with a Content-Security-Policy that allows scripts from this origin only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_CSP", "VENDOR_DIR", "VENDOR_URL", "install_docs"]

#: The vendored Swagger UI and ReDoc files, committed with the code (no build step).
VENDOR_DIR = Path(__file__).parent / "vendor"
#: Where the vendored files are served.
VENDOR_URL = "/assets/vendor"

#: Scripts, fonts and fetches from this origin only. Both UIs set inline ``style`` attributes
#: and ReDoc injects ``<style>`` elements (styled-components), hence 'unsafe-inline' for
#: styles only; Swagger UI's icons are ``data:`` images and ReDoc's search runs in a
#: ``blob:`` worker.
DOCS_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_HEADERS = {
    "Content-Security-Policy": DOCS_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# ``data:,`` as the icon: otherwise the browser asks for /favicon.ico and logs a 404.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
{head}
</head>
<body>
{body}
</body>
</html>
"""


def install_docs(api: FastAPI) -> None:
    """Serve the vendored assets and the two docs pages on ``api``.

    Call it on an app built with ``docs_url=None, redoc_url=None`` (FastAPI's CDN pages off).
    The pages read the schema from ``api.openapi_url`` and stay out of the schema themselves.
    """
    openapi_url = escape(api.openapi_url or "/openapi.json", quote=True)
    title = escape(api.title, quote=True)
    swagger = _swagger_page(title, openapi_url)
    redoc = _redoc_page(title, openapi_url)

    api.mount(VENDOR_URL, StaticFiles(directory=VENDOR_DIR), name="vendor")

    @api.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        """Swagger UI: try the API from the browser."""
        return HTMLResponse(swagger, headers=_HEADERS)

    @api.get("/redoc", include_in_schema=False)
    def redoc_ui() -> HTMLResponse:
        """ReDoc: the API reference as one readable page."""
        return HTMLResponse(redoc, headers=_HEADERS)


def _swagger_page(title: str, openapi_url: str) -> str:
    """Swagger UI's page; ``swagger-init.js`` reads the schema URL from ``data-openapi-url``."""
    return _PAGE.format(
        title=f"{title} - Swagger UI",
        head=(
            f'<link rel="stylesheet" href="{VENDOR_URL}/swagger-ui/swagger-ui.css">\n'
            f'<link rel="stylesheet" href="{VENDOR_URL}/swagger-a11y.css">'
        ),
        body=(
            f'<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>\n'
            f'<script src="{VENDOR_URL}/swagger-ui/swagger-ui-bundle.js"></script>\n'
            f'<script src="{VENDOR_URL}/swagger-init.js"></script>\n'
            f'<script src="{VENDOR_URL}/swagger-a11y.js"></script>'
        ),
    )


def _redoc_page(title: str, openapi_url: str) -> str:
    """ReDoc's page: the standalone bundle renders every ``<redoc spec-url>`` by itself.

    ReDoc draws no landmark of its own, so the page puts it in ``<main>``; Swagger UI has
    its own ``<main>``, and a second one would be an accessibility fault.
    """
    return _PAGE.format(
        title=f"{title} - ReDoc",
        head="",
        body=(
            f'<main><redoc spec-url="{openapi_url}"></redoc></main>\n'
            f'<script src="{VENDOR_URL}/redoc/redoc.standalone.js"></script>\n'
            f'<script src="{VENDOR_URL}/redoc-a11y.js"></script>'
        ),
    )
