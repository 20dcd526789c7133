"""Steps the caller of a use case adds to the transactions of the commits it causes.

The HTTP layer must record an Idempotency-Key's outcome in the SAME transaction as the
command's events (issue 11, item 7), but the command is a use case several calls below the
route, which ends in :meth:`coprod.application.base.CoprodBase.commit`. Rather than thread a
parameter through every use case, the caller sets a *context variable* for the duration of
the request with :func:`adding_to_commits`, and ``CoprodBase.commit`` adds what it asks for
to every commit made in that context (:func:`with_ambient`).

Context variables follow the request: each asyncio task has its own context, and Starlette
runs a synchronous route in a worker thread with a copy of it, so two requests never see
each other's steps, and a thread of the application's own (the projection worker) sees none.

The caller gives a factory, not a fixed step: it is called at each commit with the
aggregates being saved and the events table's name, so the step can record what the commit
wrote (the aggregate's id and new version, the log position).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from coprod.adapters.recording import InTransaction

#: Called at each commit with (aggregates, events table name); returns the steps to add.
StepsForCommit = Callable[[Sequence[Any], str], InTransaction]

_AMBIENT: ContextVar[StepsForCommit | None] = ContextVar("coprod_ambient_steps", default=None)


@contextmanager
def adding_to_commits(factory: StepsForCommit) -> Iterator[None]:
    """Within this block (this request), every commit also runs ``factory``'s steps."""
    token = _AMBIENT.set(factory)
    try:
        yield
    finally:
        _AMBIENT.reset(token)


def with_ambient(
    within: InTransaction | None, aggregates: Sequence[Any], events_table: str
) -> InTransaction | None:
    """The commit's own steps plus the context's, the context's writes last."""
    factory = _AMBIENT.get()
    if factory is None:
        return within
    extra = factory(aggregates, events_table)
    return extra if within is None else within + extra
