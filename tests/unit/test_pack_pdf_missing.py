"""Without pango, asking for the PDF says what to install (never a traceback)."""

from __future__ import annotations

import sys

import pytest

from api.web.pack.pdf import PdfUnavailable, render_pdf
from coprod.domain.errors import StoreUnavailable


def test_a_machine_without_pango_gets_a_clear_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without pango
    with pytest.raises(PdfUnavailable, match="apt-get install libpango") as refused:
        render_pdf("<html><body>x</body></html>")
    assert isinstance(refused.value, StoreUnavailable)  # 503 over HTTP, exit 3 on the CLI
