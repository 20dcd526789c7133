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
beyond ``READ_MODELS`` and the database's own catalogue, so a new read model is exported as
soon as the runner knows it.
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
from coprod.domain.errors import InvalidInput, NotFound
from projections.kernel.readmodel import ReadModel
from projections.process_summary import ProcessSummaryModel
from projections.runner import READ_MODELS
from projections.store import DB_ERRORS, REGISTRY, Connection, read_generation

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
    chunks = list(iter_event_chunks(settings, as_of=as_of, topics=topics, stop=stop))
    if len(chunks) == 1:
        return chunks[0]
    return pd.concat(chunks, ignore_index=True)


def iter_event_chunks(
    settings: StoreSettings | None = None,
    *,
    as_of: datetime | None = None,
    topics: Iterable[str | type] | None = None,
    stop: int | None = None,
    page_size: int = PAGE_SIZE,
    app: CoprodBase | None = None,
    progress: Callable[[int], None] | None = None,
    keep: Callable[[Any], bool] | None = None,
) -> Iterator[pd.DataFrame]:
    """The events frame one page at a time, so an export can stream a log of any size.

    Always yields at least one (possibly empty) chunk, so the columns and their types are
    known even for an empty log. `progress` gets the position read so far after each page.
    `keep`, if given, is asked about every event in log order (an evaluator key's council
    scope, coprod.application.policy.CouncilScope) and leaves out those it refuses.
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    wanted = tuple(t if isinstance(t, str) else get_topic(t) for t in topics or ())
    own = app is None
    application: CoprodBase = app or Coprod(settings or settings_from_env())
    try:
        recorder, mapper = application.recorder, application.mapper
        position, yielded = 0, False
        while True:
            page = recorder.select_notifications(
                start=position,
                limit=page_size,
                stop=stop,
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
    finally:
        if own:
            application.close()


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
    names = list(models or READ_MODELS)
    for attempt in range(3):
        try:
            with conn.snapshot():
                return [_read_model(conn, READ_MODELS[name]()) for name in names]
        except DB_ERRORS as e:
            if attempt == 2 or not Connection.is_missing_table(e):
                raise
    raise AssertionError("unreachable")


def active_prefix(conn: Connection, model: type[ReadModel]) -> tuple[int, str]:
    """The active generation of `model` and its table prefix, or NotFound saying what to run."""
    generation = read_generation(conn, model.key()) if REGISTRY in conn.tables() else None
    if generation is None:
        raise NotFound("read model", f"{model.key()} (run `coprod project --once`)")
    return generation.active, model.prefix(generation.active)


def _read_model(conn: Connection, model: ReadModel) -> ModelFrames:
    cls = type(model)
    generation, prefix = active_prefix(conn, cls)
    position = tracking_position(conn, prefix)
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
    return ModelFrames(cls, cls.key(), generation, position, tuple(tables))


def tracking_position(conn: Connection, prefix: str) -> int:
    """The last log position applied to this generation (0 before the first batch)."""
    rows = conn.execute(
        f"SELECT notification_id FROM {prefix}_tracking WHERE application_name = ?",
        (CoprodBase.name,),
    )
    return int(rows[0][0]) if rows else 0


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


# -- the process list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessRow:
    id: UUID
    name: str
    phase: str


@dataclass(frozen=True)
class ProcessList:
    """Every process the summary read model knows, and how fresh that knowledge is."""

    processes: tuple[ProcessRow, ...]
    #: Log position the read model has applied, and the log's last position.
    position: int
    log_position: int

    @property
    def lag_events(self) -> int:
        return max(0, self.log_position - self.position)


def list_processes(settings: StoreSettings | None = None) -> ProcessList:
    """Each process's current name and phase, read from the process summary (no catch-up).

    Reading never projects: a listing must be fast and must not write, so it says how far
    behind the log it is instead.
    """
    settings = settings or settings_from_env()
    with Connection(settings) as conn, conn.snapshot():
        _, p = active_prefix(conn, ProcessSummaryModel)
        position = tracking_position(conn, p)
        rows = conn.execute(
            f"SELECT process_id, name, phase FROM {p}_process p1 WHERE notification_id = "
            f"(SELECT MAX(notification_id) FROM {p}_process p2 "
            "WHERE p2.process_id = p1.process_id) ORDER BY name, process_id"
        )
    with Coprod(settings) as app:
        log_position = app.recorder.max_notification_id() or 0
    return ProcessList(
        tuple(ProcessRow(UUID(hex=str(pid)), str(name), str(phase)) for pid, name, phase in rows),
        position,
        log_position,
    )
