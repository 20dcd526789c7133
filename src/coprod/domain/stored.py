"""Stored names for value types: ``@stored_as("money")`` keeps a type's stored shape stable.

The names are part of the stored data (``{"_type_": name, ...}``) and must never change. The
domain declares them here, with no storage code; :mod:`coprod.adapters.transcodings` turns
the registry into the store's transcodings.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

T = TypeVar("T", bound=type)

#: Stored name -> class, filled as modules declaring stored types are imported.
REGISTRY: dict[str, type] = {}


def stored_as(name: str) -> Callable[[T], T]:
    """Register a frozen dataclass or an Enum under a stable stored name."""

    def register(cls: T) -> T:
        if issubclass(cls, Enum) and issubclass(cls, (str, int)):
            raise TypeError(
                f"{cls.__name__}: stored enums must be plain Enum subclasses, not StrEnum/IntEnum; "
                "JSON would store a str/int subclass as a bare value and load it back as str/int"
            )
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise ValueError(f"stored name {name!r} already used by {REGISTRY[name]}")
        REGISTRY[name] = cls
        return cls

    return register
