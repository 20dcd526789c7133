"""The app factory: ``create_app(settings)`` builds the HTTP API around one Coprod application.

The application, the key store, the idempotency store and the read models' connections are
created in the lifespan and kept on ``app.state`` (no module globals), so tests build as many
isolated apps as they like and ``coprod serve`` builds exactly one. The library is
synchronous, so every endpoint is a plain ``def`` and runs in the threadpool.

On SQLite the projection worker runs inside the serving process by default (one file, one
process: nothing else would keep the read models current); on PostgreSQL it runs as its
own ``coprod project`` process, so several API processes do not race to project.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.http.addresses import ReadableAddresses
from api.http.docs import install_docs
from api.http.errors import install_error_handlers
from api.http.heap import freeze_startup_heap
from api.http.idempotency import IdempotencyMiddleware, IdempotencyStore, document_idempotency
from api.http.limits import BodyLimitMiddleware
from api.http.openapi_problems import document_problems
from api.http.report_cache import ReportCache
from api.http.routes import ROUTERS
from api.http.routes.common import API_PREFIX
from api.http.timing import ServerTiming
from api.keys import KeyStore, SqlTables
from api.reads import ReadStore
from api.web import install_web
from api.web.session import install_sessions
from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from projections.registry import ProjectionWorker

DESCRIPTION = """
Commands and reads for participatory budgeting and co-production.

* **Keys.** Send `Authorization: Bearer <key>` (or `X-API-Key`). A key acts for one
  organisation in one role; evaluators and the public only read.
* **Safe retries.** Send an `Idempotency-Key` with every POST: a repeat within 24 hours
  records nothing new and gets the first response back.
* **Concurrency.** Responses carry `ETag: "<version>"`; send it back as `If-Match` on a
  write and a stale version gets 412. `If-Match` is the version of the object the path names.
* **Read your writes.** A command's result carries `position` in the event log; pass it
  as `min_position` to any query and it waits until the read models include it.
* **Lists** are paginated: `limit` (at most 500) with the `cursor` from `next_cursor`, or
  an `offset`; `total` counts every item.
* **Errors** are `application/problem+json`, naming the field or rule at fault.
"""


#: The GIL switch interval while serving. Each command runs in a threadpool thread that
#: waits on the database and then needs the GIL back from the event loop; at Python's
#: default of 5 ms that hand-back dominates an idle server's latency (measured on
#: PostgreSQL: one client, p50 11.9 ms at 5 ms, 3.9 ms at 0.5 ms; see BENCHMARKS.md).
SERVING_SWITCH_INTERVAL_S = 0.001


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: ``<tag>_<function name>``, e.g. ``processes_set_budget``."""
    tag = str(route.tags[0]) if route.tags else "api"
    return f"{tag}_{route.name}"


def create_app(
    settings: StoreSettings | None = None,
    *,
    on_start: Callable[[Coprod], Any] | None = None,
    worker: bool | None = None,
    read_wait_s: float = 5.0,
) -> FastAPI:
    """Build the API on the store the settings name (default: ``COPROD_DATABASE_URL``).

    ``on_start`` runs once the application is open (``coprod serve --demo`` seeds with it).
    ``worker`` runs the projection worker in this process: None means "on SQLite only".
    ``read_wait_s`` bounds how long a query waits for its ``min_position``.
    """
    serving = _Serving(settings, on_start, worker, read_wait_s)
    api = FastAPI(
        title="coprod",
        version="1",
        description=DESCRIPTION,
        lifespan=serving.lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_docs(api)
    for router in ROUTERS:
        api.include_router(router, prefix=API_PREFIX)
    install_error_handlers(api)
    api.add_middleware(IdempotencyMiddleware)
    api.add_middleware(BodyLimitMiddleware)
    # Pages and large JSON answers go compressed to clients that accept it; small command
    # answers (under a kilobyte) are not worth the CPU.
    api.add_middleware(GZipMiddleware, minimum_size=1024)
    # /p/<process code>/projects/<project code> and codes in /processes/... paths
    api.add_middleware(ReadableAddresses)
    # outermost: the app's whole time for the request, as Server-Timing
    api.add_middleware(ServerTiming)
    _install_openapi(api)
    install_web(api)
    return api


@dataclass(frozen=True)
class _Serving:
    """What the app opens at start-up and closes at shut-down, from create_app's options."""

    settings: StoreSettings | None
    on_start: Callable[[Coprod], Any] | None
    worker: bool | None
    read_wait_s: float

    @asynccontextmanager
    async def lifespan(self, api: FastAPI) -> AsyncIterator[None]:
        """Open the application, its stores and (on SQLite by default) the worker."""
        sys.setswitchinterval(min(sys.getswitchinterval(), SERVING_SWITCH_INTERVAL_S))
        store = self.settings or settings_from_env()
        coprod = Coprod(store)
        projector: ProjectionWorker | None = None
        reads: ReadStore | None = None
        try:
            tables = SqlTables(coprod)
            api.state.coprod = coprod
            api.state.keys = KeyStore(coprod, tables)
            api.state.idempotency = IdempotencyStore(tables)
            api.state.report_cache = ReportCache()
            install_sessions(api, coprod, tables)
            if self.on_start is not None:
                self.on_start(coprod)
            if self.worker if self.worker is not None else store.backend == "sqlite":
                projector = ProjectionWorker(store).start()
            reads = ReadStore(store, projector, wait_s=self.read_wait_s)
            api.state.reads = reads
            api.state.worker = projector
            freeze_startup_heap()
            yield
        finally:
            if projector is not None:
                projector.stop()
            if reads is not None:
                reads.close()
            coprod.close()


def _install_openapi(api: FastAPI) -> None:
    """The OpenAPI document with its problem responses and idempotency header, built once."""

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title,
                version=api.version,
                description=api.description,
                routes=api.routes,
            )
            api.openapi_schema = document_problems(
                document_idempotency(schema), ROUTERS, API_PREFIX
            )
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
