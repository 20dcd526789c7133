"""Every CLI refusal is one line on stderr and a non-zero exit, never a traceback.

Run through the real root command (api.cli.main.cli) so the shared mechanism is what is tested:
missing and wrong file paths, an empty import folder, an unknown id naming the store, a
store that is not a database, the warning for an implicitly created store, and exports
that leave an old file untouched when they are refused.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from uuid import uuid4

import pytest
from typer.testing import CliRunner, Result

from api.cli.main import cli
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.domain.values import Actor, Role
from tests.unit.test_pabulib_parser import APPROVAL


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    monkeypatch.setenv("COPROD_DATABASE_URL", url)
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_line_refusal(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_export_pabulib_into_a_missing_folder_or_onto_a_folder(store: str, tmp_path: Path) -> None:
    pid = str(uuid4())
    missing = one_line_refusal(run("export", "pabulib", pid, "-o", str(tmp_path / "no" / "x.pb")))
    assert missing == f"error: output: folder {tmp_path / 'no'} does not exist"
    folder = one_line_refusal(run("export", "pabulib", pid, "-o", str(tmp_path)))
    assert folder == f"error: output: {tmp_path} is a folder; give a file name"


def test_catalogue_into_a_missing_folder_or_onto_a_folder(tmp_path: Path) -> None:
    missing = one_line_refusal(run("catalogue", "--output", str(tmp_path / "no" / "x.md")))
    assert "does not exist" in missing
    assert "is a folder" in one_line_refusal(run("catalogue", "--output", str(tmp_path)))


def test_import_of_a_folder_named_like_a_file_is_refused_per_file(
    store: str, tmp_path: Path
) -> None:
    (tmp_path / "in" / "sub.pb").mkdir(parents=True)
    result = run("import", "pabulib", str(tmp_path / "in"), "--no-checker")
    line = one_line_refusal(result)
    assert line.startswith("refused ")
    assert "sub.pb: Is a directory" in line


def test_an_unreadable_file_is_one_line(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.pb"
    path.write_text(APPROVAL, encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    # Tests may run as root, for whom chmod 000 does not stop a read: refuse the open itself.
    monkeypatch.setattr(Path, "open", denied)
    line = one_line_refusal(run("import", "pabulib", str(path), "--no-checker"))
    assert line == f"refused {path}: Permission denied; nothing of it was imported"


def test_an_oserror_anywhere_in_a_command_is_one_line(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x.md"))

    monkeypatch.setattr("api.cli.main.render_catalogue", full)
    line = one_line_refusal(run("catalogue"))
    assert line == f"error: {tmp_path / 'x.md'}: No space left on device"


def test_an_empty_import_folder_is_an_error(store: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    line = one_line_refusal(run("import", "pabulib", str(tmp_path / "empty")))
    assert line == f"error: files: no .pb file in {tmp_path / 'empty'}"


def test_a_missing_import_file_is_refused_in_one_line(store: str, tmp_path: Path) -> None:
    line = one_line_refusal(run("import", "pabulib", str(tmp_path / "nope.pb")))
    assert line == f"error: files: {tmp_path / 'nope.pb'} does not exist"


def test_not_found_names_the_store(store: str) -> None:
    pid = uuid4()
    for args in (("outcome", str(pid)), ("export", "pabulib", str(pid))):
        assert one_line_refusal(run(*args)) == f"error: no process with id {pid} in {store}"


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = tmp_path / "a.pb"
    bogus.write_text(APPROVAL, encoding="utf-8")
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{bogus}")
    for args in (("outcome", str(uuid4())), ("report", "impact", str(uuid4())), ("processes",)):
        line = one_line_refusal(run(*args), code=3)
        assert line == f"error: cannot use the store sqlite:///{bogus}: file is not a database"


def test_a_new_implicit_store_is_announced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COPROD_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    first = run("outcome", str(uuid4()))
    assert first.exit_code == 2
    warning = f"warning: created a new empty store {tmp_path / 'coprod.sqlite'}"
    assert warning in first.stderr
    assert (tmp_path / "coprod.sqlite").exists()
    again = run("outcome", str(uuid4()))
    assert "warning" not in again.stderr
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path}/explicit.sqlite")
    assert "warning" not in run("outcome", str(uuid4())).stderr


def test_a_refused_export_leaves_the_old_file_untouched(store: str, tmp_path: Path) -> None:
    with Coprod(parse_database_url(store)) as app:
        council = uuid4()
        officer = Actor(uuid4(), Role.COUNCIL_OFFICER, council)
        pid = app.open_process(
            OpenProcess(council_id=council, code="pb-x", name="No vote yet", currency="DKK"),
            officer,
        ).aggregate_id
    old = tmp_path / "old.pb"
    old.write_text("the previous export\n", encoding="utf-8")
    line = one_line_refusal(run("export", "pabulib", str(pid), "--output", str(old)))
    assert "no ballot to export" in line
    assert old.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.sqlite", "old.pb"]


def test_a_successful_export_replaces_the_file_whole(store: str, tmp_path: Path) -> None:
    source = tmp_path / "in.pb"
    source.write_text(APPROVAL, encoding="utf-8")
    imported = run("import", "pabulib", str(source), "--no-checker", "--format", "json")
    assert imported.exit_code == 0, imported.output
    pid = imported.stdout.split('"process_id": "')[1].split('"')[0]
    out = tmp_path / "out.pb"
    out.write_text("old\n", encoding="utf-8")
    assert run("export", "pabulib", pid, "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("META\nkey;value\n")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's 0600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_export_csv_onto_a_file_says_it_is_a_file(store: str, tmp_path: Path) -> None:
    path = tmp_path / "afile"
    path.write_text("keep\n", encoding="utf-8")
    for fmt in ("csv", "parquet"):
        line = one_line_refusal(run("export", fmt, str(path)))
        assert line == f"error: directory: {path} is a file; export into a new or empty folder"
    assert path.read_text(encoding="utf-8") == "keep\n"


def test_a_store_url_naming_a_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path}")
    for args in (("outcome", str(uuid4())), ("report", "impact", str(uuid4())), ("processes",)):
        line = one_line_refusal(run(*args))
        assert line == f"error: COPROD_DATABASE_URL: {tmp_path} is a folder, not a database file"


def test_a_busy_store_is_a_retry_not_a_wrong_file(store: str) -> None:
    from api.cli.errors import describe

    busy, code = describe(sqlite3.OperationalError("database is locked"))
    assert code == 3
    assert (
        busy
        == f"the store {store} failed: database is locked. Nothing half-written was kept; retry."
    )
    wrong, code = describe(sqlite3.DatabaseError("file is not a database"))
    assert (wrong, code) == (f"cannot use the store {store}: file is not a database", 3)


def test_the_installed_entry_point_prints_no_traceback(store: str, tmp_path: Path) -> None:
    """main() as the `coprod` script runs it, in its own process (no CliRunner in between)."""
    import subprocess
    import sys

    target = tmp_path / "no" / "x.pb"
    command = [sys.executable, "-c", "from api.cli.main import main; main()"]
    done = subprocess.run(
        [*command, "export", "pabulib", str(uuid4()), "--output", str(target)],
        env=os.environ | {"COPROD_DATABASE_URL": store},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"error: output: folder {target.parent} does not exist\n"
