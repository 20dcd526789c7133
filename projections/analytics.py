"""pandas DataFrames for evaluators: the event log itself and every read model's tables.

Evaluators must be able to check any published figure against the facts, so they get the
log as it is stored (one row per event, in log order, with who did it) next to the read
models computed from it. pandas lives here and never in ``coprod``: the write side stays
free of analysis dependencies.

The log is read in pages through the library's recorder and decoded with the application's
own mapper (so upcasters run and stored types come back as the domain wrote them); each page
becomes a small DataFrame at once, so a million events never exist as a million Python
event objects. Personal values that travel encrypted inside events (anything from
:mod:`coprod.adapters.privacy`) are written as ``"[encrypted]"`` and never decrypted here.

Read models are read with SQL from their ACTIVE generation, inside one snapshot so every
table and the position it reflects agree; the code knows nothing about any model's tables
beyond ``READ_MODELS`` (:mod:`projections.registry`) and the database's own catalogue, so a
new read model is exported as soon as the registry lists it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pandas as pd
from eventsourcing.utils import get_topic

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from coprod.application.base import CoprodBase
from coprod.domain.errors import InvalidInput
from projections.kernel.positions import tracked_position
from projections.kernel.reading import active, retry_switched
from projections.kernel.readmodel import ReadModel
from projections.registry import READ_MODELS
from projections.store import Connection

#: What a personal value carried inside an event reads as in every evaluator output.
ENCRYPTED = "[encrypted]"
#: Events decoded per round trip to the store (and per DataFrame chunk).
PAGE_SIZE = 5_000
_BASE_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})

#: The events frame's columns: name -> (type as the data dictionary states it, meaning).
EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "position": (
        "integer",
        "Position of the event in the whole log (the notification id): unique, increasing; "
        "read models and manifests state the position they reflect in the same numbers.",
    ),
    "timestamp": (
        "timestamp (UTC)",
        "When the event was recorded, set by the system (not a business date); as-of "
        "reports include the events with timestamp <= the asked time.",
    ),
    "aggregate_type": (
        "text",
        "The kind of thing the event belongs to (Process, Proposal, Decision, Project, ...).",
    ),
    "event_type": (
        "text",
        "The event's name (past tense, e.g. IdeaSubmitted); its meaning is in the "
        "payload[Aggregate.Event] rows of this dictionary and in docs/EVENTS.md.",
    ),
    "topic": (
        "text",
        "The stored event type (module:Aggregate.Event), stable forever; use it to filter.",
    ),
    "originator_id": (
        "text",
        "Id (UUID) of the aggregate the event belongs to; read-model tables write ids as "
        "the same UUID without dashes (32 hex digits).",
    ),
    "originator_version": (
        "integer",
        "The event's number in its aggregate's own history (1 = the aggregate was created).",
    ),
    "actor_id": (
        "text",
        "Who did it: an opaque, pseudonymous person id (UUID), never a name.",
    ),
    "actor_role": (
        "text",
        "The capacity the actor acted in: council_officer, community_member, resident, "
        "evaluator, public or system.",
    ),
    "actor_organisation_id": (
        "text",
        "The organisation (UUID) the actor acted for; empty when none.",
    ),
    "payload": (
        "JSON text",
        "The event's own fields (all but the actor, which has its own columns) as a JSON "
        "object: ids as UUID text, money as {amount (exact decimal text), currency}, "
        f'decimals as text, dates ISO 8601, enums by value; personal values as "{ENCRYPTED}".',
    ),
}

#: Data-dictionary type -> pandas dtype (nullable ones, so a missing value stays missing).
DTYPES = {
    "integer": "Int64",
    "float": "Float64",
    "boolean": "boolean",
    "timestamp (UTC)": "datetime64[us, UTC]",
}


def column_dtype(dictionary_type: str) -> str:
    """The pandas dtype a column of this data-dictionary type is exported (and read back) as."""
    return DTYPES.get(dictionary_type, "str")


# -- the event log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSelection:
    """Which events an export reads: those of `topics`, recorded by `as_of`, up to position
    `stop`, that `keep` accepts (each None: no limit)."""

    as_of: datetime | None = None
    topics: Iterable[str | type] | None = None
    stop: int | None = None
    #: Asked about every event in log order (an evaluator key's council scope,
    #: coprod.application.policy.CouncilScope); the events it refuses are left out.
    keep: Callable[[Any], bool] | None = None


def events_frame(
    settings: StoreSettings | None = None,
    *,
    as_of: datetime | None = None,
    topics: Iterable[str | type] | None = None,
    stop: int | None = None,
) -> pd.DataFrame:
    """Every stored event (or those of `topics`, recorded by `as_of`, up to position `stop`).

    One row per event in log order, columns as :data:`EVENT_COLUMNS`.
    """
    select = EventSelection(as_of=as_of, topics=topics, stop=stop)
    chunks = list(iter_event_chunks(settings, select=select))
    if len(chunks) == 1:
        return chunks[0]
    return pd.concat(chunks, ignore_index=True)


def iter_event_chunks(
    source: StoreSettings | CoprodBase | None = None,
    *,
    select: EventSelection | None = None,
    page_size: int = PAGE_SIZE,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """The events frame one page at a time, so an export can stream a log of any size.

    `source` is an open application (reused, not closed) or the settings to open one
    with. Always yields at least one (possibly empty) chunk, so the columns and their
    types are known even for an empty log. `progress` gets the position read so far after
    each page.
    """
    select = select or EventSelection()
    if select.as_of is not None and select.as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    own = not isinstance(source, CoprodBase)
    application = (
        source if isinstance(source, CoprodBase) else Coprod(source or settings_from_env())
    )
    try:
        yield from _pages(application, select, page_size, progress)
    finally:
        if own:
            application.close()


def _pages(
    application: CoprodBase,
    select: EventSelection,
    page_size: int,
    progress: Callable[[int], None] | None,
) -> Iterator[pd.DataFrame]:
    wanted = tuple(t if isinstance(t, str) else get_topic(t) for t in select.topics or ())
    recorder, mapper = application.recorder, application.mapper
    keep, as_of = select.keep, select.as_of
    position, yielded = 0, False
    while True:
        page = recorder.select_notifications(
            start=position,
            limit=page_size,
            stop=select.stop,
            topics=wanted,
            inclusive_of_start=False,
        )
        if not page:
            break
        columns = _new_columns()
        for notification in page:
            event: Any = mapper.to_domain_event(notification)
            if keep is not None and not keep(event):
                continue
            if as_of is not None and event.timestamp > as_of:
                continue
            _add_row(columns, notification.id, notification.topic, event)
        position = page[-1].id
        if columns["position"]:
            yielded = True
            yield _chunk(columns)
        if progress is not None:
            progress(position)
        if len(page) < page_size:
            break
    if not yielded:
        yield _chunk(_new_columns())


def _new_columns() -> dict[str, list[Any]]:
    return {name: [] for name in EVENT_COLUMNS}


def _add_row(columns: dict[str, list[Any]], position: int, topic: str, event: Any) -> None:
    qualname = topic.rsplit(":", 1)[-1]
    actor = getattr(event, "actor", None)
    organisation = None if actor is None else actor.organisation_id
    columns["position"].append(position)
    columns["timestamp"].append(event.timestamp)
    columns["aggregate_type"].append(qualname.split(".")[0])
    columns["event_type"].append(qualname.split(".")[-1])
    columns["topic"].append(topic)
    columns["originator_id"].append(str(event.originator_id))
    columns["originator_version"].append(event.originator_version)
    columns["actor_id"].append(None if actor is None else str(actor.id))
    columns["actor_role"].append(None if actor is None else actor.role.value)
    columns["actor_organisation_id"].append(None if organisation is None else str(organisation))
    columns["payload"].append(payload_json(event))


def _chunk(columns: dict[str, list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=column_dtype(EVENT_COLUMNS[name][0]))
            for name, values in columns.items()
        }
    )


def payload_json(event: Any) -> str:
    """The event's own fields (not the actor, not the library's bookkeeping) as JSON text."""
    fields = {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(event)
        if f.name not in _BASE_FIELDS and f.name != "actor"
    }
    return json.dumps(plain(fields), ensure_ascii=False)


def plain(value: Any) -> Any:
    """A stored value as JSON-ready data, exact (decimals as text) and never decrypted."""
    if type(value).__module__ == "coprod.adapters.privacy":
        return ENCRYPTED
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__} in an event payload")


# -- read models ----------------------------------------------------------------------------------

#: SQL column type (as the database catalogue names it) -> data-dictionary type.
_SQL_TYPES = (
    ("int", "integer"),
    ("bool", "boolean"),
    ("real", "float"),
    ("double", "float"),
    ("float", "float"),
)

#: Rows an evaluator export must not show although the table holds them: running vote
#: totals exist while a ballot is open, but no live result may leak during a vote
#: (issue 3: tallies only after the ballot closes). (model name, table suffix) -> SQL
#: condition over the generation prefix.
WITHHELD: dict[tuple[str, str], Callable[[str], str]] = {
    ("process_summary", "tallies"): lambda p: (
        f"process_id IN (SELECT process_id FROM {p}_process WHERE ballot_state = 'closed')"
    ),
}


@dataclass(frozen=True)
class TableFrame:
    """One read-model table as exported: its name, column types and rows."""

    name: str  # "<model name>.<table suffix>", e.g. "process_summary.process"
    suffix: str
    #: Column -> data-dictionary type (integer, text, float, boolean).
    types: dict[str, str]
    frame: pd.DataFrame


@dataclass(frozen=True)
class ModelFrames:
    """Every table of one read model's active generation, and the log position it reflects."""

    model: type[ReadModel]
    key: str
    generation: int
    position: int
    tables: tuple[TableFrame, ...]


def read_model_frames(settings: StoreSettings | None = None) -> dict[str, pd.DataFrame]:
    """Every table of every read model, keyed ``<model>.<table>`` (``process_summary.process``)."""
    with Connection(settings or settings_from_env()) as conn:
        return {t.name: t.frame for m in read_models(conn) for t in m.tables}


def read_models(conn: Connection, models: Iterable[str] | None = None) -> list[ModelFrames]:
    """The read models' active tables in one consistent snapshot.

    Raises NotFound (with the command that fixes it) for a read model never projected.
    A rebuild that switches generations while we read is retried, like every reader.
    """
    chosen = [READ_MODELS[name]() for name in models or READ_MODELS]
    return retry_switched(conn, lambda: [_read_model(conn, model) for model in chosen])


def _read_model(conn: Connection, model: ReadModel) -> ModelFrames:
    cls = type(model)
    generation = active(conn, cls)
    prefix = generation.prefix
    position = tracked_position(conn, prefix)
    tables = []
    for suffix in cls.table_suffixes:
        table = f"{prefix}_{suffix}"
        types = {name: _dictionary_type(sql) for name, sql in table_columns(conn, table)}
        where = WITHHELD.get((cls.name, suffix))
        condition = "" if where is None else f" WHERE {where(prefix)}"
        order = ", ".join(str(i) for i in range(1, len(types) + 1))
        rows = conn.execute(f"SELECT {', '.join(types)} FROM {table}{condition} ORDER BY {order}")
        frame = pd.DataFrame(
            {
                name: pd.Series([r[i] for r in rows], dtype=column_dtype(kind))
                for i, (name, kind) in enumerate(types.items())
            }
        )
        tables.append(TableFrame(f"{cls.name}.{suffix}", suffix, types, frame))
    return ModelFrames(cls, cls.key(), generation.generation, position, tuple(tables))


def table_columns(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(column, SQL type) in table order, from the database's own catalogue."""
    if conn.backend == "sqlite":
        rows = conn.execute(f"PRAGMA table_info({table})")
        return [(str(r[1]), str(r[2])) for r in rows]
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [(str(r[0]), str(r[1])) for r in rows]


def _dictionary_type(sql_type: str) -> str:
    lowered = sql_type.lower()
    for fragment, kind in _SQL_TYPES:
        if fragment in lowered:
            return kind
    return "text"
