"""Published releases as the pages and the pack read them: which release is meant, and
each release's figures parsed once.

Why a cache is safe here: a release is immutable (its figures are hashed when published and
never change), so the parsed figures of release ``id`` are the same for as long as the
server runs. Parsing them is the dearest part of a project or impact page on a big process
(a release of 1,000 projects holds several hundred kilobytes of JSON).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from coprod.application import Coprod
from coprod.domain.errors import NotFound
from coprod.domain.release import Release, latest_at

__all__ = ["FIGURES_KEPT", "figures_of", "latest_release", "pick_release"]

#: How many releases' parsed figures are kept (the most recently used).
FIGURES_KEPT = 32

_lock = threading.Lock()
_parsed: OrderedDict[UUID, dict[str, Any]] = OrderedDict()


def figures_of(release: Release) -> dict[str, Any]:
    """The release's figures as published, parsed once per server (treat as read-only)."""
    with _lock:
        found = _parsed.get(release.id)
        if found is not None:
            _parsed.move_to_end(release.id)
            return found
    parsed: dict[str, Any] = json.loads(release.figures)
    with _lock:
        _parsed[release.id] = parsed
        while len(_parsed) > FIGURES_KEPT:
            _parsed.popitem(last=False)
    return parsed


def latest_release(app: Coprod, process_id: UUID, number: int | None = None) -> Release | None:
    """Release `number` of the process, or its latest; None before the first."""
    return pick_release(process_id, app.releases(process_id), number)


def pick_release(
    process_id: UUID, releases: list[Release], number: int | None = None
) -> Release | None:
    """Release `number` among `releases`, or the latest; None if there is none such."""
    if number is not None:
        return next((r for r in releases if r.number == number), None)
    try:
        return latest_at(process_id, releases, None)
    except NotFound:
        return None
