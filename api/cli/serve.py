"""The CLI side of the HTTP API: ``coprod keys create|revoke|list`` and ``coprod serve``.

The lead wires these into :mod:`api.cli.main` (``cli.add_typer(keys_app, name="keys")`` and
``cli.command()(serve)``). Refusals are domain errors, which ``api.cli.main.main`` already turns
into one clear line and exit code 2.
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from api.cli.codes import print_demo_codes
from api.cli.privacy import check_master_key
from api.demo import seed_demo, voting_process_id
from api.demo.signin import demo_invitations
from api.http.app import create_app
from api.invitations import InvitationStore
from api.keys import KEY_ROLES, KeyStore
from coprod.adapters.config import settings_from_env
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.errors import CoprodError, InvalidInput
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.values import Role
from projections.registry import Projector
from projections.releases import publish_next
from projections.store import Connection

__all__ = ["keys_app", "serve"]

console = Console()
#: Where the demo's printed links point when the server's address is not known.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
#: The seed `coprod serve --demo` seeds with (`coprod demo --seed N` takes others).
DEMO_SEED = 2026
keys_app = typer.Typer(
    help="API keys: one organisation and one role each, stored hashed.",
    no_args_is_help=True,
    add_completion=False,
)
_ROLE_NAMES = ", ".join(r.value for r in KEY_ROLES)


def _organisation_id(app: Coprod, ref: str, register: str | None, kind: OrganisationKind) -> UUID:
    """An organisation by id or slug; with ``--register NAME`` a missing slug is registered."""
    try:
        return UUID(ref)
    except ValueError:
        pass
    organisation_id = Organisation.create_id(slug=ref)
    if not app.exists(organisation_id):
        if register is None:
            raise InvalidInput(
                "organisation",
                f"no organisation with slug {ref!r}; add --register 'Display name' to create it",
            )
        app.register_organisation(
            RegisterOrganisation(slug=ref, kind=kind, display_name=register), SYSTEM_ACTOR
        )
        console.print(f"registered {kind.value} {ref} ({organisation_id})")
    return organisation_id


@keys_app.command("create")
def create_key(
    organisation: Annotated[str, typer.Option(help="The organisation's id or slug.")],
    role: Annotated[str, typer.Option(help=f"One of: {_ROLE_NAMES}.")],
    person: Annotated[
        str | None, typer.Option(help="The person id the key's commands are recorded under.")
    ] = None,
    label: Annotated[str, typer.Option(help="What the key is for (no personal data).")] = "",
    register: Annotated[
        str | None, typer.Option(help="Register the organisation under this name if missing.")
    ] = None,
    kind: Annotated[
        OrganisationKind, typer.Option(help="The kind of organisation --register creates.")
    ] = OrganisationKind.COUNCIL,
) -> None:
    """Create a key and print its secret once: it is stored only as a hash."""
    try:
        key_role = Role(role)
    except ValueError:
        raise InvalidInput("role", f"{role!r} is not one of {_ROLE_NAMES}") from None
    person_id = None if person is None else _uuid("person", person)
    with Coprod(settings_from_env()) as app:
        organisation_id = _organisation_id(app, organisation, register, kind)
        new = KeyStore(app).create(organisation_id, key_role, person_id, label)
    console.print(f"key id   {new.key.key_id}")
    console.print(f"actor id {new.key.actor_id}")
    console.print(f"secret   [bold]{new.secret}[/bold]")
    console.print("[yellow]Store the secret now: it cannot be shown again.[/yellow]")


@keys_app.command("revoke")
def revoke_key(key_id: Annotated[str, typer.Argument(help="The key id (not the secret).")]) -> None:
    """Revoke a key at once; requests signed with it then get 401."""
    with Coprod(settings_from_env()) as app:
        key = KeyStore(app).revoke(_uuid("key_id", key_id))
    console.print(f"revoked {key.key_id} at {key.revoked_at}")


@keys_app.command("list")
def list_keys(
    all_keys: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
) -> None:
    """List keys (never their secrets)."""
    with Coprod(settings_from_env()) as app:
        keys = KeyStore(app).list(include_revoked=all_keys)
    table = Table(title="API keys")
    for column in ("key id", "role", "organisation", "actor", "label", "created", "revoked"):
        table.add_column(column)
    for k in keys:
        table.add_row(
            str(k.key_id),
            k.role.value,
            str(k.organisation_id),
            str(k.actor_id),
            k.label,
            k.created_at[:19],
            (k.revoked_at or "")[:19],
        )
    console.print(table)


def _seed(app: Coprod, base_url: str = DEFAULT_BASE_URL) -> None:
    """``--demo``: seed the demo cycle on an empty store, with an officer key and a release;
    then print sign-in links for the demo's officer and a volunteer (fresh on every start)."""
    if app.recorder.max_notification_id():
        console.print("The store is not empty: the demo was not seeded.")
    else:
        summary = seed_demo(
            app, seed=DEMO_SEED, progress=lambda msg: console.print(f"[dim]{msg}[/dim]")
        )
        council_id = app.get_process(summary.process_id).council_id
        new = KeyStore(app).create(council_id, Role.COUNCIL_OFFICER, label="demo officer")
        release = publish_demo_release(app, summary.process_id)
        console.print(
            f"Demo seeded: {summary.events} events; process {summary.process_id} (delivering, "
            f"impact release {release} published) and {voting_process_id(DEMO_SEED)} (voting)."
        )
        console.print(f"Demo officer key (shown once): [bold]{new.secret}[/bold]")
    _print_demo_links(app, base_url)
    with contextlib.suppress(CoprodError):  # a store without the demo's vote, or it closed
        print_demo_codes(app, voting_process_id(DEMO_SEED))


def _print_demo_links(app: Coprod, base_url: str) -> None:
    """The demo's sign-in links (each works once, for a week)."""
    for made in demo_invitations(app, DEMO_SEED, InvitationStore(app)):
        if made.who == "officer":
            console.print(
                f"Sign in as the demo's council officer: {made.url(base_url)}", soft_wrap=True
            )
        else:
            console.print(
                f"Sign in as a volunteer of {made.organisation_name}: {made.url(base_url)}",
                soft_wrap=True,
            )


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Seed the demo PB cycle first, if the store is empty.")
    ] = False,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run the projection worker in this process. Default: yes on SQLite; no on "
            "PostgreSQL, where `coprod project` runs it as its own process.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes. More than one needs PostgreSQL and the projection worker "
            "in its own process (`coprod project`).",
        ),
    ] = 1,
) -> None:
    """Start the HTTP API (OpenAPI docs at /docs) and, on SQLite, the projection worker."""
    import uvicorn

    settings = settings_from_env()
    in_process = worker if worker is not None else settings.backend == "sqlite"
    if workers > 1:
        _check_several_workers(settings.backend, in_process)
    check_master_key(settings)  # no master key: refuse now, not at the first request

    if demo:  # the address first: it is what someone trying the demo looks for
        console.print(f"coprod is serving the demo at http://{host}:{port}/")
    console.print(
        f"coprod API on http://{host}:{port}/docs, store {settings.display}, "
        + ("projection worker in this process" if in_process else "no projection worker here")
        + ("" if workers == 1 else f", {workers} server processes")
    )
    if workers == 1:
        on_start = partial(_seed, base_url=f"http://{host}:{port}") if demo else None
        app = create_app(settings, on_start=on_start, worker=in_process)
        uvicorn.run(app, host=host, port=port)
        return
    # Several processes: seed once here, then each process builds its own app from the same
    # environment (PostgreSQL, no in-process worker: the defaults `create_app()` takes).
    if demo:
        with Coprod(settings) as application:
            _seed(application, f"http://{host}:{port}")
    uvicorn.run("api.http.app:create_app", factory=True, host=host, port=port, workers=workers)


def publish_demo_release(app: Coprod, process_id: UUID) -> int:
    """Bring the read models up to date and publish the demo's first release.

    The public reads impact figures from releases only, so a demo without one would show
    visitors no impact report. Returns the release number.
    """
    with Projector(app) as projector:
        projector.catch_up()
    conn = Connection(app.settings)
    try:
        release, _ = publish_next(app, SYSTEM_ACTOR, process_id, conn, note="demo release")
    finally:
        conn.close()
    return release.number


def _check_several_workers(backend: str, in_process_worker: bool) -> None:
    """Several server processes share one store, never one projection worker each.

    SQLite is the one-machine default and writes one transaction at a time, so more
    processes would only queue on its lock; PostgreSQL takes them, with the read models kept
    by `coprod project` (one worker for every server process).
    """
    if backend != "postgres":
        raise InvalidInput(
            "workers",
            "several server processes need PostgreSQL (set COPROD_DATABASE_URL); "
            "SQLite serves from one process",
        )
    if in_process_worker:
        raise InvalidInput(
            "workers",
            "several server processes cannot each run the projection worker: "
            "drop --worker and run `coprod project` beside them",
        )


def _uuid(field: str, text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a UUID") from None
