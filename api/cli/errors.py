"""One way for every ``coprod`` command to fail: one line on stderr and a non-zero exit.

The root command group (:class:`CoprodGroup`, used by api/cli/main.py) catches coprod's domain
errors, file-system errors and store errors wherever a sub-command raises them, so no
command can end in a traceback. Commands that catch errors themselves use :func:`fail`, so
the wording and the exit codes stay the same everywhere: 2 for a refusal (bad input, a
missing file, an unknown id), 3 for a store that failed. It also warns, once, when a
command created a new empty ``./coprod.sqlite`` because ``COPROD_DATABASE_URL`` is unset:
run from the wrong folder, the CLI would otherwise answer from an empty store in silence.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, NoReturn

import typer
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from typer.core import TyperGroup

from coprod.adapters.config import DEFAULT_URL, settings_from_env
from coprod.domain.errors import CoprodError, NotFound

errors = Console(stderr=True, soft_wrap=True)

#: The file the default URL names, relative to the working directory.
DEFAULT_FILE = DEFAULT_URL.removeprefix("sqlite:///")


def describe(error: BaseException) -> tuple[str, int]:
    """The one line to print for `error`, and the exit code."""
    if isinstance(error, NotFound):
        return f"{error} in {_store()}", 2
    if isinstance(error, CoprodError):
        return str(error), 2
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}", 2
    if type(error) is sqlite3.DatabaseError:  # "file is not a database": not a store at all
        return f"cannot use the store {_store()}: {error}", 3
    if isinstance(error, PersistenceError | sqlite3.Error):
        return f"the store {_store()} failed: {error}. Nothing half-written was kept; retry.", 3
    return str(error), 1


def fail(error: BaseException) -> NoReturn:
    """Print `error` as one line on stderr and exit with its code."""
    line, code = describe(error)
    errors.print(f"[red]error:[/red] {line}", markup=True, highlight=False)
    raise typer.Exit(code)


def _store() -> str:
    try:
        return settings_from_env().display
    except CoprodError:  # pragma: no cover - a bad URL fails before anything is looked up
        return os.environ.get("COPROD_DATABASE_URL", DEFAULT_URL)


def _implicit_store_missing() -> bool:
    """True when commands would create ./coprod.sqlite because nothing else was asked for."""
    return not os.environ.get("COPROD_DATABASE_URL") and not Path(DEFAULT_FILE).exists()


class CoprodGroup(TyperGroup):
    """The root group: every sub-command's errors end as one line (see the module docstring)."""

    def invoke(self, ctx: Any) -> Any:  # typer._click.Context (typer vendors click)
        fresh = _implicit_store_missing()
        try:
            return super().invoke(ctx)
        except (CoprodError, OSError, PersistenceError, sqlite3.Error) as e:
            fail(e)
        finally:
            if fresh and Path(DEFAULT_FILE).exists():
                errors.print(
                    f"warning: created a new empty store {Path(DEFAULT_FILE).absolute()} "
                    "because COPROD_DATABASE_URL is not set; set it to use an existing store",
                    markup=False,
                    highlight=False,
                )
