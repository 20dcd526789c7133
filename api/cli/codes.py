"""``coprod codes create PROCESS N``: one-time voting codes for a process's vote.

The codes are printed, or with ``--letters FILE.pdf`` written only into the letters to post
(one A4 page per code, with the vote's address and a QR code). The store keeps their hashes
only, so this is the one moment the codes can be seen: keep the output or the PDF safe
until the letters are posted. Run by the server's operator, as the system (the officers'
console calls the same use case, whose policy lets only the process's council make codes).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from api.cli.files import check_output
from api.cli.invite import DEFAULT_BASE_URL
from api.web.i18n import LANGUAGES, language
from api.web.letters import letters_pdf
from coprod.adapters.config import settings_from_env
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.ballots import CreateVotingCodes
from coprod.domain.errors import InvalidInput

__all__ = ["DEMO_CODES", "codes_app", "print_demo_codes"]

codes_app = typer.Typer(no_args_is_help=True)
console = Console()


@codes_app.command("create")
def create_codes(
    process: Annotated[str, typer.Argument(help="The process id.")],
    count: Annotated[int, typer.Argument(help="How many codes to make.")],
    letters: Annotated[
        Path | None,
        typer.Option(help="Write the codes only into this PDF of letters, one A4 page each."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="The site's public address for the letters (or COPROD_BASE_URL)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="The letters' language: da or en.")] = "da",
) -> None:
    """Make COUNT one-time voting codes; each casts one counted ballot in PROCESS."""
    try:
        process_id = UUID(process)
    except ValueError:
        raise InvalidInput("process", f"{process!r} is not a process id") from None
    if lang not in LANGUAGES:
        raise InvalidInput("lang", f"{lang!r}: choose one of {', '.join(LANGUAGES)}")
    target = None if letters is None else check_output(letters)
    base = base_url or os.environ.get("COPROD_BASE_URL") or DEFAULT_BASE_URL
    with Coprod(settings_from_env()) as app:
        the_process = app.get_process(process_id)
        made = app.create_voting_codes(
            CreateVotingCodes(process_id=process_id, count=count), SYSTEM_ACTOR
        )
        if target is None:
            for code in made:
                typer.echo(code)
            return
        pdf = letters_pdf(the_process, made, base, language(lang))
    _write_private(target, pdf.data)
    console.print(f"wrote {pdf.pages} letters to {target} (the codes are nowhere else)")


def _write_private(target: Path, data: bytes) -> None:
    """Replace `target` with `data`, readable by its owner only (it holds the codes)."""
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp's mode: 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: How many voting codes ``coprod serve --demo`` prints for the demo's open vote.
DEMO_CODES = 5


def print_demo_codes(app: Coprod, process_id: UUID) -> tuple[str, ...]:
    """``coprod serve --demo``: five codes to try the demo's open vote with, printed once."""
    made = app.create_voting_codes(
        CreateVotingCodes(process_id=process_id, count=DEMO_CODES), SYSTEM_ACTOR
    )
    console.print(
        f"Voting codes for the open vote at /processes/{process_id}/vote (each casts one "
        f"ballot): [bold]{'  '.join(made)}[/bold]"
    )
    return made
