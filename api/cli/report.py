"""``coprod report impact PROCESS [--as-of T] [--format table|json|csv]``: the published measures;
``coprod report publish PROCESS [--note TEXT]``: publish the next release of them;
``coprod report pack PROCESS [--release N] [--lang da|en] --out DIR [--force]``: the council
report pack of a release (HTML, PDF, XLSX, and CSV for a Danish and an English Excel).

Wired into the main CLI by api/cli/main.py (``cli.add_typer(report_app, name="report")``). The
report reads the read models only; when they do not exist yet the error says to run
``coprod project --once``. Refusals are one line on stderr and exit code 2.
``--format csv`` is one long table (``table,group,column,value,suppressed,k,definition``) so any
spreadsheet can filter it; ``--format json`` is :meth:`ImpactReport.to_dict`.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import fail
from api.cli.files import ValidAtOption, as_of_moment, process_id_of, valid_at_moment
from api.cli.summary import summary
from api.web.pack import build_pack, find_release
from api.web.pack.folder import write_pack
from coprod.adapters.config import settings_from_env
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.domain.errors import CoprodError
from coprod.domain.release import NOTE_MAX
from projections.disclosure import Cell
from projections.impact.report import DEFAULT_BACKLOG_MONTHS, ImpactReport, impact_report
from projections.releases import publish_next
from projections.store import Connection

report_app = typer.Typer(help="Published reports from the read models.", add_completion=False)
console = Console()
errors = Console(stderr=True)


report_app.command("summary")(summary)


@report_app.callback()
def report() -> None:
    """Published reports from the read models (run `coprod project --once` first)."""


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@report_app.command("impact")
def impact(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    as_of: Annotated[
        str | None,
        typer.Option(help="Report as it stood at this time (ISO 8601 with a UTC offset)."),
    ] = None,
    valid_at: ValidAtOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json or csv (one long table).")
    ] = ReportFormat.TABLE,
    backlog_months: Annotated[
        int, typer.Option(help="Months after the decision before an unstarted project is backlog.")
    ] = DEFAULT_BACKLOG_MONTHS,
) -> None:
    """Every impact measure of a process with its inputs, disclosure-controlled."""
    try:
        report = impact_report(
            process_id_of(process),
            as_of_moment(as_of),
            valid_at=valid_at_moment(valid_at),
            settings=settings_from_env(),
            backlog_months=backlog_months,
        )
    except CoprodError as e:
        fail(e)
    if output_format is ReportFormat.JSON:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif output_format is ReportFormat.CSV:
        _csv(report)
    else:
        _print(report)


@report_app.command("publish")
def publish(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    note: Annotated[
        str | None, typer.Option(help=f"A note published with it (up to {NOTE_MAX} characters).")
    ] = None,
) -> None:
    """Publish the next release of a process's impact report (what the public reads).

    The release is checked against every earlier release of the process, and breakdowns a
    pair would give away are withheld. It counts the log up to the read model's position;
    run `coprod project --once` first (or keep the worker running) to count everything.
    Recorded as done by the system (this is the server's console).
    """
    settings = settings_from_env()
    try:
        process_id = process_id_of(process)
        with Coprod(settings) as app:
            app.get_process(process_id)
            conn = Connection(settings)
            try:
                release, prepared = publish_next(app, SYSTEM_ACTOR, process_id, conn, note)
            finally:
                conn.close()
            last = app.recorder.max_notification_id() or 0
            number = release.number
    except CoprodError as e:
        errors.print(f"[red]error:[/red] {e}", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(
        f"published release {number} of process {process_id}: as of "
        f"{release.as_of.isoformat()}, log position {release.position}",
        soft_wrap=True,
    )
    console.print(f"figures sha256 {release.figures_sha256}", soft_wrap=True)
    console.print(f"counted sha256 {release.counted_sha256}", soft_wrap=True)
    console.print(
        f"checked against {release.number - 1} earlier release(s); withheld: "
        + (", ".join(prepared.withheld) or "nothing"),
        soft_wrap=True,
    )
    if prepared.position < last:
        errors.print(
            f"note: the read model was at position {prepared.position} of {last}; run "
            "`coprod project --once` before publishing to count everything",
            soft_wrap=True,
        )


class PackLanguage(StrEnum):
    EN = "en"
    DA = "da"


@report_app.command("pack")
def pack(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write the pack into.")],
    release: Annotated[
        int | None, typer.Option(min=1, help="The release number (default: the latest).")
    ] = None,
    lang: Annotated[
        PackLanguage, typer.Option(help="Language of the report and workbook (CSV: both).")
    ] = PackLanguage.EN,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the folder if it is not empty.")
    ] = False,
) -> None:
    """Write the report pack of a release: report.html, report.pdf, report.xlsx, csv/da, csv/en.

    Built from the release exactly as published (what the public reads), so it can be built
    again later with the same numbers. Each file states the release, the log position and
    hash, k, the disclosure method and the parameter sources. The folder appears whole or
    not at all; a folder that is not empty is refused unless --force. Progress on stderr.
    """
    try:
        process_id = process_id_of(process)
        with Coprod(settings_from_env()) as app:
            chosen = find_release(app, process_id, release)
        timings = write_pack(
            build_pack(chosen),
            out,
            lang=lang.value,
            replace=force,
            progress=lambda step: errors.print(f"[dim]  {step}[/dim]", soft_wrap=True),
        )
    except CoprodError as e:
        fail(e)
    errors.print(f"[dim]done in {timings.total:.1f} s[/dim]")


def _text(value: object) -> str:
    if isinstance(value, Cell):
        if value.suppressed is not None:
            return f"[hidden: {value.suppressed}]"
        return "" if value.value is None else _text(value.value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _print(report: ImpactReport) -> None:
    when = "now" if report.as_of is None else report.as_of.isoformat()
    console.print(f"[bold]Impact report: {report.name}[/bold] ({report.process_id}), as of {when}")
    if report.valid_at is not None:
        console.print(f"What was true at {report.valid_at.isoformat()}, as known then.")
    console.print(f"Amounts in {report.currency}. Disclosure: k = {report.k}; {report.method}")
    for parameter in report.parameters:
        console.print(
            f"parameter {parameter.name}: {parameter.origin}, {parameter.source}"
            + (f" ({parameter.reference_year})" if parameter.reference_year else "")
        )
    for table in report.tables:
        definition = report.definition(table.title)
        rich = Table(title=table.title, caption=f"k = {table.k}. {definition}".strip())
        for column in table.columns:
            rich.add_column(column)
        for row in table.rows:
            rich.add_row(*(_text(v) for v in row))
        console.print(rich)
    for note in report.notes:
        console.print(f"[dim]note: {note}[/dim]")


def _csv(report: ImpactReport) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("table", "group", "column", "value", "suppressed", "k", "definition"))
    for table in report.tables:
        for row in table.rows:
            label = " / ".join(str(v) for v in row if isinstance(v, str) and v)
            for column, value in zip(table.columns, row, strict=True):
                if not isinstance(value, Cell):
                    continue
                shown = "" if value.value is None else _text(value.value)
                writer.writerow(
                    (
                        table.title,
                        label,
                        column,
                        shown,
                        value.suppressed or "",
                        table.k,
                        report.definition(table.title),
                    )
                )
