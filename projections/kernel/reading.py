"""The reader of a read model's active generation, retried when a rebuild switches under it.

Every query of every read model does the same three things: open a snapshot, find the
generation readers use (NotFound naming the command that creates it), read its tables. A
rebuild may drop that generation between the registry read and the query; the reader then
starts again on the new one (a missing table is the only error retried, three times).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from coprod.domain.errors import NotFound
from projections.kernel.positions import ActiveGeneration, active_generation
from projections.kernel.readmodel import ReadModel
from projections.store import DB_ERRORS, Connection

__all__ = ["ATTEMPTS", "active", "read_active", "retry_switched"]

T = TypeVar("T")

#: How often a read is tried when rebuilds keep switching generations under it.
ATTEMPTS = 3


def retry_switched(conn: Connection, read: Callable[[], T]) -> T:
    """`read()` in a snapshot, again if a rebuild dropped a table it was reading."""
    for attempt in range(ATTEMPTS):
        try:
            with conn.snapshot():
                return read()
        except DB_ERRORS as e:
            if attempt == ATTEMPTS - 1 or not Connection.is_missing_table(e):
                raise
    raise AssertionError("unreachable")


def active(
    conn: Connection, model: type[ReadModel], *, check_registry: bool = True
) -> ActiveGeneration:
    """Inside a snapshot: the generation readers use, or NotFound saying what to run.

    `check_registry` as in :func:`~projections.kernel.positions.active_generation`.
    """
    found = active_generation(conn, model, check_registry=check_registry)
    if found is None:
        raise NotFound("read model", f"{model.key()} (run `coprod project --once`)")
    return found


def read_active(
    conn: Connection,
    model: type[ReadModel],
    read: Callable[[ActiveGeneration], T],
    *,
    check_registry: bool = True,
) -> T:
    """`read(active generation)` in one snapshot, retried across a generation switch."""
    return retry_switched(conn, lambda: read(active(conn, model, check_registry=check_registry)))
