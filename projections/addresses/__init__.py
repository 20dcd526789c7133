"""Readable addresses: a process by its code, a project by a code made from its title.

Why a read model: ``/p/demo-2026/projects/pocket-park-nordbyen`` must resolve in one indexed
read, on every request that uses such an address (see :mod:`projections.addresses.queries`).
"""

from projections.addresses.model import AddressesModel
from projections.addresses.queries import (
    COUNCIL_SEPARATOR,
    ProcessMatch,
    process_addresses,
    processes_by_code,
    project_codes,
)
from projections.addresses.slugs import slugify

__all__ = [
    "COUNCIL_SEPARATOR",
    "AddressesModel",
    "ProcessMatch",
    "process_addresses",
    "processes_by_code",
    "project_codes",
    "slugify",
]
