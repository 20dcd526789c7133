"""How coprod's own types are stored: one named transcoding per type, registered here.

The names are part of the stored data (``{"_type_": name, ...}``) and must never change;
a test loads every type through both stores to hold that. Value objects and enums register
themselves with :func:`stored_as`, so adding a type cannot forget its transcoding.
"""

from __future__ import annotations

import dataclasses
import importlib
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding

from coprod.domain.stored import REGISTRY as _REGISTRY

#: Every module that declares stored types with :func:`stored_as`. :func:`register_all`
#: imports them all, so an application can load any event in the store whatever the caller
#: happened to import (an analysis script that never imported the Pabulib importer must
#: still read a ``pabulib_identity``). A test fails when a module declaring one is missing.
STORED_MODULES = (
    "coprod.domain.values",
    "coprod.domain.phases",
    "coprod.domain.organisation",
    "coprod.domain.process",
    "coprod.domain.voting",
    "coprod.domain.ballot",
    "coprod.domain.decision",
    "coprod.domain.commitment",
    "coprod.domain.parameters",
    "coprod.adapters.privacy",
    "coprod.domain.pabulib_source",
    "coprod.domain.commissioning_terms",
)

#: Every module that pins its aggregates' stored topics (``keep_stored_topics``): importing
#: it registers them, so a reader resolves any stored topic whatever it imported first.
TOPIC_MODULES = (
    "coprod.domain.ballot",
    "coprod.domain.commissioning",
    "coprod.domain.commitment",
    "coprod.domain.decision",
    "coprod.domain.organisation",
    "coprod.domain.outcome",
    "coprod.domain.pabulib_source",
    "coprod.domain.parameters",
    "coprod.domain.process",
    "coprod.domain.project",
    "coprod.domain.proposal",
    "coprod.domain.release",
    "coprod.domain.tender",
)


def restore_tuples(value: Any) -> Any:
    """JSON has no tuples: turn decoded lists back into the tuples the domain uses."""
    if isinstance(value, list):
        return tuple(restore_tuples(v) for v in value)
    return value


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    """Enums by value: a StrEnum would otherwise come back as a plain str."""

    def __init__(self, enum_cls: type[Enum], name: str) -> None:
        self.type = enum_cls
        self.name = name

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


class DataclassAsDict(Transcoding):
    """Frozen dataclass value objects field by field; nested values use their own codings."""

    def __init__(self, cls: type, name: str) -> None:
        self.type = cls
        self.name = name
        self._fields = [f.name for f in dataclasses.fields(cls)]

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f: getattr(obj, f) for f in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{k: restore_tuples(v) for k, v in data.items()})


def register_all(transcoder: JSONTranscoder) -> None:
    """Register every coprod type with the application's transcoder (all of STORED_MODULES)."""
    for module in (*STORED_MODULES, *TOPIC_MODULES):
        importlib.import_module(module)
    transcoder.register(DateAsISO())
    for name, cls in _REGISTRY.items():
        if issubclass(cls, Enum):
            transcoder.register(EnumAsValue(cls, name))
        else:
            transcoder.register(DataclassAsDict(cls, name))


def registered_types() -> dict[str, type]:
    """The stored names and their classes, for the round-trip tests and the catalogue."""
    for module in STORED_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


class TupleRestoringMapper(Mapper[Any]):
    """The library's mapper, plus lists-to-tuples so a loaded event equals the saved one."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        state = domain_event.__dict__
        for key, value in state.items():
            if isinstance(value, list):
                state[key] = restore_tuples(value)
        return domain_event
