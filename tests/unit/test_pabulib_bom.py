"""A `.pb` file with a UTF-8 BOM or CRLF line endings is valid Pabulib: both readers accept it.

coprod's parser and pabulib-checker (run by default on import) must agree; a refusal of
such a file still names the right line (the BOM is not a line, CRLF is one line end).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod.application import Coprod
from coprod.standards.pabulib import PabulibFormatError, import_file
from coprod.standards.pabulib.checker import check_file
from tests.unit.test_pabulib_parser import APPROVAL

VARIANTS = {
    "bom": ("utf-8-sig", "\n"),
    "crlf": ("utf-8", "\r\n"),
    "bom-crlf": ("utf-8-sig", "\r\n"),
}


def _write(tmp_path: Path, variant: str, text: str = APPROVAL) -> Path:
    encoding, newline = VARIANTS[variant]
    path = tmp_path / f"{variant}.pb"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_bom_and_crlf_files_pass_the_checker_and_import(
    app: Coprod, tmp_path: Path, variant: str
) -> None:
    path = _write(tmp_path, variant)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfMETA") == variant.startswith("bom")
    report = check_file(path)
    assert report.ok, report.errors
    result = import_file(app, path, use_checker=True)
    assert (result.ballots, result.decisions) == (4, 3)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_refusal_in_such_a_file_names_the_right_line(
    app: Coprod, tmp_path: Path, variant: str
) -> None:
    path = _write(tmp_path, variant, APPROVAL.replace("v2;p1;70", "v2;p9;70", 1))
    with pytest.raises(PabulibFormatError, match="line 25: vote for unknown project 'p9'"):
        import_file(app, path, use_checker=True)
    assert not app.recorder.select_notifications(1, 10)
