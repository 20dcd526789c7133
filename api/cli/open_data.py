"""``coprod export ocds|360giving PROCESS`` and ``coprod export prov PROJECT``: open standards.

By default an export describes the process as of its latest published release, as the
public gets it over HTTP; ``--release N`` picks another release and ``--current`` the log as
it is now (for an operator checking before publishing). Written atomically to ``--out`` (or
stdout). The identifier prefixes are settings: ``COPROD_OCDS_PREFIX`` (the ocid prefix the
Open Contracting Partnership gave the publisher) and ``COPROD_360GIVING_PREFIX``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer

from api.cli.files import as_of_moment, replaced_atomically
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput
from projections.open_data import (
    ProcessSnapshot,
    export_position,
    ocds_release_package,
    project_provenance,
    three_sixty_giving,
)
from projections.store import Connection

__all__ = ["register"]

Release = Annotated[
    int | None, typer.Option("--release", help="The release to describe (default: the latest).")
]
Current = Annotated[
    bool, typer.Option("--current", help="Describe the log as it is now, not a release.")
]
Out = Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")]
BaseUrl = Annotated[
    str | None, typer.Option(help="The site's public address for links (or COPROD_BASE_URL).")
]


class ProvFormat(StrEnum):
    JSON = "json"
    PROVN = "provn"


def _uuid(field: str, text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not an id") from None


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text + "\n")
        return
    with replaced_atomically(out) as handle:
        handle.write(text + "\n")
    typer.echo(f"wrote {out}", err=True)


def _snapshot(process: str, release: int | None, current: bool) -> ProcessSnapshot:
    process_id = _uuid("process", process)
    with Coprod(settings_from_env()) as app:
        position = export_position(app, process_id, release=release, current=current)
        return ProcessSnapshot.read(app, process_id, position)


def export_ocds(
    process: Annotated[str, typer.Argument(help="The process id.")],
    release: Release = None,
    current: Current = False,
    out: Out = None,
    base_url: BaseUrl = None,
) -> None:
    """An OCDS 1.1 release package: one contracting process per funded project."""
    _export(ocds_release_package, Scope(process, release, current, base_url), out)


def export_360giving(
    process: Annotated[str, typer.Argument(help="The process id.")],
    release: Release = None,
    current: Current = False,
    out: Out = None,
    base_url: BaseUrl = None,
) -> None:
    """A 360Giving data package: one grant per funded project."""
    _export(three_sixty_giving, Scope(process, release, current, base_url), out)


@dataclass(frozen=True)
class Scope:
    """Which process, as of which release (or now), with which public address for links."""

    process: str
    release: int | None
    current: bool
    base_url: str | None


def _export(build: Callable[..., dict[str, Any]], scope: Scope, out: Path | None) -> None:
    snapshot = _snapshot(scope.process, scope.release, scope.current)
    base = scope.base_url or os.environ.get("COPROD_BASE_URL")
    _write(_json(build(snapshot, base_url=base)), out)


def export_prov(
    project: Annotated[str, typer.Argument(help="The project id.")],
    output_format: Annotated[
        ProvFormat, typer.Option("--format", help="PROV-JSON or PROV-N.")
    ] = ProvFormat.JSON,
    as_of: Annotated[
        str | None, typer.Option(help="The trail as recorded by this time (ISO 8601, with offset).")
    ] = None,
    out: Out = None,
) -> None:
    """W3C PROV of the project's trail, from the idea to delivery (timeline read model)."""
    project_id = _uuid("project", project)
    moment = as_of_moment(as_of)
    with Connection(settings_from_env()) as conn:
        document = project_provenance(project_id, moment, conn=conn)
    if output_format is ProvFormat.PROVN:
        _write(document.get_provn(), out)
    else:
        _write(str(document.serialize(format="json", indent=2)), out)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def register(export_app: typer.Typer) -> None:
    """Add the open-standard exports to ``coprod export``."""
    export_app.command("ocds")(export_ocds)
    export_app.command("360giving")(export_360giving)
    export_app.command("prov")(export_prov)
