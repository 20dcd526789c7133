"""The tracking position: how far a read model's active generation has applied the log.

Written once here because every reader needs it (to say how fresh an answer is, to wait for
a write, to key a cache) and it used to be spelled in five places. A generation's position
is the row of its ``<prefix>_tracking`` table, moved in the same transaction as the view's
rows; the registry (:mod:`projections.store`) says which generation readers use. Read both
inside one snapshot, or a rebuild may switch generations between the two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from projections.store import REGISTRY, Connection, read_generation

if TYPE_CHECKING:
    from projections.kernel.readmodel import ReadModel

__all__ = [
    "ActiveGeneration",
    "AppliedPosition",
    "active_generation",
    "applied_position",
    "tracked_position",
]


@dataclass(frozen=True)
class ActiveGeneration:
    """The generation of a read model readers use, and its table prefix."""

    generation: int
    prefix: str


@dataclass(frozen=True)
class AppliedPosition(ActiveGeneration):
    """The generation readers use, its table prefix, and the log position it has applied."""

    position: int


def tracked_position(conn: Connection, prefix: str, application_name: str | None = None) -> int:
    """The last log position applied to the generation with this prefix (0 before any).

    With `application_name`, that upstream application's row only (the writer's own
    compare-and-set reads it); without, the furthest row (one application per store).
    """
    if application_name is None:
        rows = conn.execute(f"SELECT MAX(notification_id) FROM {prefix}_tracking")
    else:
        rows = conn.execute(
            f"SELECT notification_id FROM {prefix}_tracking WHERE application_name = ?",
            (application_name,),
        )
    return int(rows[0][0] or 0) if rows else 0


def active_generation(
    conn: Connection, model: type[ReadModel], *, check_registry: bool = False
) -> ActiveGeneration | None:
    """The generation of `model` readers use; None if never projected.

    `check_registry` first asks the catalogue whether any projector ever ran on this
    store (a store fresh from the write side has no registry table); leave it off on hot
    paths that already know.
    """
    if check_registry and REGISTRY not in conn.tables():
        return None
    generation = read_generation(conn, model.key())
    if generation is None:
        return None
    return ActiveGeneration(generation.active, model.prefix(generation.active))


def applied_position(
    conn: Connection, model: type[ReadModel], *, check_registry: bool = False
) -> AppliedPosition | None:
    """The active generation of `model` and its applied position; None if never projected.

    Call it inside a snapshot, so the two agree; `check_registry` as in
    :func:`active_generation`.
    """
    active = active_generation(conn, model, check_registry=check_registry)
    if active is None:
        return None
    position = tracked_position(conn, active.prefix)
    return AppliedPosition(active.generation, active.prefix, position)
