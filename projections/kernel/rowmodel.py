"""Read models that write each event's row at once (the queues, commitments, decisions and
addresses models): their writer and their model class, written once.

Why: such a model is small and its events are rare next to ballots, so it needs no row
buffers (:mod:`projections.kernel.batching`); what is particular to it is only its handlers
and its DDL. SQL given to :meth:`RowWriter.run` names its tables ``{p}_<suffix>``; ``{p}`` is
the generation's table prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from projections.kernel.handlers import Handlers
from projections.kernel.readmodel import Item, ReadModel
from projections.store import Connection

__all__ = ["RowModel", "RowWriter"]


class RowWriter:
    """Where a batch writes: the connection and the generation's table prefix."""

    def __init__(self, conn: Connection, prefix: str) -> None:
        self.conn = conn
        self.prefix = prefix

    def run(self, sql: str, params: Sequence[Any]) -> None:
        """Run `sql` with ``{p}`` replaced by the generation's table prefix."""
        self.conn.execute(sql.replace("{p}", self.prefix), params)


class RowModel(ReadModel):
    """A model given by its handlers and its DDL function (``ddl(prefix) -> statements``);
    ``writer`` is the :class:`RowWriter` its handlers receive (a subclass may add helpers)."""

    handlers: ClassVar[Handlers[Any]]
    writer: ClassVar[type[RowWriter]] = RowWriter

    @staticmethod
    def ddl(prefix: str) -> list[str]:
        """The model's tables for a generation's prefix (a subclass names its function)."""
        raise NotImplementedError

    def create_statements(self, prefix: str) -> list[str]:
        return self.ddl(prefix)

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        self.handlers.apply_all(items, self.writer(conn, prefix))
