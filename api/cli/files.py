"""Files the CLI writes appear whole or not at all, and an old file survives a refusal.

Every command that writes a file (``export pabulib --output``, ``catalogue --output``)
writes into a temporary file in the same folder and renames it over the target only when
the whole content was written: a refused or failed export leaves an existing file as it
was, and a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO
from uuid import UUID

import typer

from coprod.domain.errors import InvalidInput
from projections.valid_time import parse_valid_at


def check_output(path: Path, field: str = "output") -> Path:
    """`path` as a file that can be written: its folder exists and it is not a folder."""
    target = path.expanduser()
    if target.is_dir():
        raise InvalidInput(field, f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise InvalidInput(field, f"folder {target.parent} does not exist")
    return target


@contextmanager
def replaced_atomically(path: Path, field: str = "output") -> Iterator[TextIO]:
    """A text handle whose content replaces `path` on success; on failure `path` is untouched."""
    target = check_output(path, field)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: ``--valid-at``, shared by every command that prints figures.
ValidAtOption = Annotated[
    str | None,
    typer.Option(
        help="What was true at this business date (2024-05-31: that whole day; or an ISO "
        "time with its UTC offset), as known at --as-of (default: now)."
    ),
]


def valid_at_moment(text: str | None) -> date | datetime | None:
    """A ``--valid-at`` value (None: no business date, whatever is true now)."""
    return None if text is None else parse_valid_at(text)


def process_id_of(text: str) -> UUID:
    """A PROCESS argument: a UUID, or a refusal naming what was typed."""
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput("process", f"{text!r} is not a process id (a UUID)") from None


def as_of_moment(text: str | None, field: str = "as_of") -> datetime | None:
    """An ``--as-of`` value: an ISO 8601 time with its UTC offset (None: now)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidInput(field, "give a UTC offset, e.g. 2026-05-01T12:00:00+00:00")
    return moment


class TableOrJson(StrEnum):
    """``--format`` of the commands that print a table for people or JSON for programs."""

    TABLE = "table"
    JSON = "json"
