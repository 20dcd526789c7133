"""Idempotency-Key on POST: a retried request records its fact once and gets the first answer.

The first request with a key *reserves* it by inserting a row (the primary key makes the
insert the arbiter, on SQLite and PostgreSQL alike), runs, and stores its response in that
row. A repeat with the same key and the same request waits for the first one to finish and
replays its response; the same key with a different request is refused (422). Answers a
retry may change (a lost race, a busy store, a missing key) are not kept: the reservation is
released and the retry runs again. Keys are scoped to the API key that sent them, so two
clients can never collide or read each other's answers.

A crash between the command's commit and storing its response must not let a retry record
the fact twice. So the command's own transaction marks the row as *committed*: the
middleware hands :meth:`_Pending.steps` to every commit of the request through a context
variable (:mod:`coprod.application.ambient`; ``CoprodBase.commit`` picks it up), and the step, run by the
recorder inside the transaction that records the events, checks that this request still owns
the key and writes the receipt (aggregate id, version, log position, and the route's status,
Location and item id) into the row's ``response``. The full response replaces it once sent.
A retry that finds a receipt without a response (the first request died after its commit,
or is about to answer) gets the response rebuilt from it, and a committed row is never
released. A request that lost its key to a retry (it ran past the lease) is refused inside
its transaction, so two runs can never both commit.

Keys are remembered for :data:`RETENTION_S` (24 hours, as the payment APIs that made the
header common do): long enough for any client's retries, short enough that the table does
not grow with every request ever made. Older rows are purged as requests arrive, at most
once per :data:`PURGE_EVERY_S` in each process; a key reused after that is a new request.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import Problem, problem_response
from api.http.idempotency_store import IDEMPOTENCY_HEADER, IdempotencyStore, Stored
from api.keys import hash_secret
from coprod.adapters.recording import InTransaction, Transaction
from coprod.application.ambient import adding_to_commits

log = logging.getLogger(__name__)

__all__ = ["IDEMPOTENCY_HEADER", "IdempotencyMiddleware", "IdempotencyStore", "describe_command"]

#: How long a repeat waits for the first request before answering "still in progress".
WAIT_S = 15.0
_POLL_S = 0.02
_MAX_KEY = 255


@dataclass
class _Pending:
    """The request that owns a key, as its commits see it (see the module doc)."""

    store: IdempotencyStore
    owner: str
    key: str
    token: str
    scope: Scope
    location_of: Callable[[UUID], str] | None = None
    item_id: UUID | None = None

    def steps(self, aggregates: Sequence[Any], events_table: str) -> InTransaction:
        first = aggregates[0]
        aggregate_id, version = first.id, first.version

        def check(t: Transaction) -> None:
            if t.backend != "memory":
                self.store.check_owner(t, self.owner, self.key, self.token)

        def record(t: Transaction) -> None:
            if t.backend == "memory":
                return
            # Under the recorder's lock, the newest notification is this commit's last event
            # (SQLite numbers notifications by rowid, PostgreSQL in a column).
            column = "rowid" if t.backend == "sqlite" else "notification_id"
            rows = t.execute(f"SELECT MAX({column}) AS p FROM {t.table(events_table)}")
            receipt = {
                "id": str(aggregate_id),
                "version": version,
                "position": None if not rows else rows[0]["p"],
                "item_id": None if self.item_id is None else str(self.item_id),
                "status": self._status(),
                "location": None if self.location_of is None else self.location_of(aggregate_id),
            }
            self.store.record_commit(t, self.owner, self.key, self.token, receipt)

        return InTransaction(checks=(check,), writes=(record,))

    def _status(self) -> int:
        route = self.scope.get("route")
        status = getattr(route, "status_code", None)
        return int(status) if status else (201 if self.location_of is not None else 200)


_CURRENT: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "coprod_idempotency_pending", default=None
)


def describe_command(location_of: Callable[[UUID], str] | None, item_id: UUID | None) -> None:
    """Tell the current request's key what its answer will hold (called by ``run_command``).

    Without a key (or outside a request) this does nothing.
    """
    pending = _CURRENT.get()
    if pending is not None:
        pending.location_of = location_of
        pending.item_id = item_id


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """What makes two requests "the same": method, path, query and the JSON body's content.

    A JSON body is canonicalised (sorted keys, no spacing) so a client that re-serialises
    the same object on retry is not refused.
    """
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _credential(headers: Headers) -> str | None:
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key") or None


class IdempotencyMiddleware:
    """Pure ASGI middleware around every POST that carries an Idempotency-Key.

    Requests without the header, or without credentials (they get 401 anyway), pass
    straight through. The store is read from ``app.state.idempotency`` (set in the lifespan).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(IDEMPOTENCY_HEADER.lower())
        credential = _credential(headers)
        if key is None or credential is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= _MAX_KEY or not key.isascii() or not key.isprintable():
            await _send_problem(
                scope,
                send,
                422,
                "invalid-input",
                "Invalid input",
                f"{IDEMPOTENCY_HEADER} must be 1 to {_MAX_KEY} printable ASCII characters "
                "(a UUID is a good choice)",
                field=IDEMPOTENCY_HEADER,
            )
            return
        body = await _read_body(receive)
        store: IdempotencyStore = scope["app"].state.idempotency
        owner = hash_secret(credential)
        print_ = fingerprint("POST", scope["path"], scope.get("query_string", b""), body)
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                found = await run_in_threadpool(store.reserve, owner, key, print_)
            except ValueError:
                await _send_problem(
                    scope,
                    send,
                    422,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    f"{IDEMPOTENCY_HEADER} {key!r} was already used for a different request; "
                    "use a new key for a new request",
                    field=IDEMPOTENCY_HEADER,
                )
                return
            if isinstance(found, Stored):
                await _replay(send, found)
                return
            if isinstance(found, str):
                await self._run_first(scope, body, send, store, owner, key, found)
                return
            if time.monotonic() > deadline:
                await _send_problem(
                    scope,
                    send,
                    409,
                    "idempotency-in-progress",
                    "Request in progress",
                    f"the first request with {IDEMPOTENCY_HEADER} {key!r} is still running; "
                    "retry shortly with the same key",
                )
                return
            await anyio.sleep(_POLL_S)

    async def _run_first(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        store: IdempotencyStore,
        owner: str,
        key: str,
        token: str,
    ) -> None:
        scope.setdefault("state", {})
        captured: list[Message] = []
        sent_body = False

        async def replay_body() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            captured.append(message)

        pending = _Pending(store, owner, key, token, scope)
        marker = _CURRENT.set(pending)
        try:
            with adding_to_commits(pending.steps):
                await self.app(scope, replay_body, capture)
        except BaseException:
            await run_in_threadpool(store.release, owner, key, token)
            raise
        finally:
            _CURRENT.reset(marker)
        start = next(m for m in captured if m["type"] == "http.response.start")
        payload = b"".join(
            m.get("body", b"") for m in captured if m["type"] == "http.response.body"
        )
        status = int(start["status"])
        keep = status < 500 and scope["state"].get("idempotency_keep", True)
        if keep:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
            await run_in_threadpool(
                store.complete, owner, key, token, Stored(status, headers, payload)
            )
        else:
            await run_in_threadpool(store.release, owner, key, token)
        for message in captured:
            await send(message)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _replay(send: Send, stored: Stored) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


async def _send_problem(
    scope: Scope, send: Send, status: int, slug: str, title: str, detail: str, **extra: Any
) -> None:
    problem = Problem(status, slug, title, detail)
    response = problem_response(None, problem, instance=scope["path"], **extra)
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads
    return {"type": "http.disconnect"}


def document_idempotency(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Idempotency-Key header to every POST operation of an OpenAPI document."""
    parameter = {
        "name": IDEMPOTENCY_HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": _MAX_KEY},
        "description": (
            "Makes the POST safe to retry: the same key and request record the fact once and "
            "replay the first response; the same key with another request gets 422. Keys are "
            "remembered for 24 hours."
        ),
    }
    for path in schema.get("paths", {}).values():
        operation = path.get("post")
        if operation is not None:
            operation.setdefault("parameters", []).append(parameter)
    return schema
