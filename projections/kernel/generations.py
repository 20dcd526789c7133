"""The generation switch: build a read model's next table generation beside the one readers
use, then move readers to it atomically.

A rebuild fills generation g+1 beside generation g, then, in one transaction that holds g's
position still, brings g+1 to exactly g's position, points the registry at g+1 and drops g:
readers switch atomically and never see the position go back. The registry row (see
:mod:`projections.store`) says which generation readers use and which one is building.
"""

from __future__ import annotations

from collections.abc import Callable

from projections.kernel.readmodel import GenerationView, ReadModel
from projections.quarantine import drop_generation
from projections.store import REGISTRY, Connection, now_us, read_generation

__all__ = ["active_view", "building_generation", "drop_tables", "ensure_registered", "switch_to"]


def ensure_registered(conn: Connection, key: str) -> None:
    """Register the read model version with generation 1 active, if it is new."""
    with conn.transaction():
        conn.advisory_lock(REGISTRY)
        if read_generation(conn, key) is None:
            conn.execute(f"INSERT INTO {REGISTRY} VALUES (?, 1, NULL, ?)", (key, now_us()))


def building_generation(conn: Connection, model: ReadModel) -> int:
    """The generation a rebuild fills: the one an interrupted rebuild left, or a new one."""
    key = model.key()
    with conn.transaction():
        conn.advisory_lock(REGISTRY)
        generation = read_generation(conn, key)
        assert generation is not None
        building = generation.building
        if building is None:
            building = _next_generation(conn, model, generation.active)
            conn.execute(
                f"UPDATE {REGISTRY} SET building_generation = ? WHERE model = ?", (building, key)
            )
    return building


def _next_generation(conn: Connection, model: ReadModel, active: int) -> int:
    """One above every generation that has tables (a crashed rebuild's leftovers too)."""
    existing = conn.tables()
    generation = active + 1
    while any(t in existing for t in model.tables(generation)):
        drop_tables(conn, model, generation)
        generation += 1
    return generation


def drop_tables(conn: Connection, model: ReadModel, generation: int) -> None:
    """Inside a transaction: drop a generation's tables and its quarantined rows."""
    for table in model.tables(generation):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    drop_generation(conn, model.key(), generation)


def switch_to(
    target: GenerationView, fresh: Callable[[], ReadModel], catch_up: Callable[[int], None]
) -> None:
    """Make `target` the generation readers use, at exactly the old one's position.

    `fresh()` makes a model instance for the old generation; `catch_up(stop)` applies
    batches to `target` up to position `stop`. All in one transaction that locks the old
    generation's position, so no event is applied to the old one meanwhile.
    """
    conn = target.conn
    key = target.model.key()
    postgres = conn.backend == "postgres"
    with conn.transaction():
        if postgres:
            conn.execute(f"SELECT 1 FROM {REGISTRY} WHERE model = ? FOR UPDATE", (key,))
        generation = read_generation(conn, key)
        assert generation is not None
        old = None
        if generation.active != target.generation:
            old = GenerationView(conn, fresh(), generation.active, target.application_name)
            # Hold the old generation's position still while the new one reaches it.
            rows = conn.execute(
                f"SELECT notification_id FROM {old.tracking_table} WHERE application_name = ?"
                + (" FOR UPDATE" if postgres else ""),
                (target.application_name,),
            )
            old_position = int(rows[0][0]) if rows else 0
            while target.position() < old_position:
                catch_up(old_position)
        conn.execute(
            f"UPDATE {REGISTRY} SET active_generation = ?, building_generation = NULL, "
            "switched_at_us = ? WHERE model = ?",
            (target.generation, now_us(), key),
        )
        if old is not None:
            drop_tables(conn, old.model, old.generation)


def active_view(conn: Connection, model: ReadModel, application_name: str) -> GenerationView | None:
    """A view of the generation readers use now (None if the model is not registered)."""
    generation = read_generation(conn, model.key())
    if generation is None:
        return None
    return GenerationView(conn, model, generation.active, application_name)
