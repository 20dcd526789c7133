"""The timeline read model: per idea chain, every event with its actor, reasons, links,
corrections and field diffs (see :mod:`projections.timeline` for why the rows look so)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from projections.kernel.batching import SubjectIndex
from projections.kernel.handlers import Handlers
from projections.kernel.readmodel import Item, ReadModel
from projections.store import Connection
from projections.timeline import on_cases, on_commissioning, on_delivery, on_import
from projections.timeline.batch import TimelineBatch
from projections.timeline.events import handlers
from projections.timeline.tables import DICTIONARY, SUBJECT_COLUMNS, create_statements

#: The handler modules register with ``handlers`` when imported (named so the import stays).
HANDLER_MODULES = (on_cases, on_delivery, on_commissioning, on_import)


class TimelineModel(ReadModel):
    """Per idea chain: every event with its actor, reasons, links, corrections and field diffs."""

    name = "timeline"
    #: Version 3 stamps each row with its business time (``valid_us``) for valid-at reads.
    version = 3
    table_suffixes = ("entries", "subjects", "merges", "state", "options")
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[TimelineBatch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()

    def __init__(self) -> None:
        #: subject id (hex) -> (chain id, process id); loaded from <g>_subjects on a miss.
        self.subjects = SubjectIndex(columns=SUBJECT_COLUMNS, remembered=("chain_id", "process_id"))
        #: subject -> {"item/field": latest value}; loaded from <g>_state on a miss.
        self._state: dict[str, dict[str, str | None]] = {}
        self._options: dict[str, tuple[str, ...]] = {}

    def reset(self) -> None:
        self.subjects.reset()
        self._state.clear()
        self._options.clear()

    def create_statements(self, prefix: str) -> list[str]:
        return create_statements(prefix)

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        batch = TimelineBatch(conn, prefix, self)
        self.handlers.apply_all(items, batch)
        batch.write()
