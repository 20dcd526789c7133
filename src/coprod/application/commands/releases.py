"""Commands on the releases of a process's impact report: publish the next one.

Handled by :meth:`coprod.application.Coprod.publish_release`
(``app.publish_release(PublishRelease(...), actor)``). The figures are computed and
disclosure-checked on the read side (``projections.releases.publish_next``, the one way to
publish); the command carries them. Releases are numbered densely from 1 and the number is
the natural key, so there is no ``expected_version``: a race for a number is AlreadyExists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from coprod.application.commands import Command

__all__ = ["PublishRelease"]


@dataclass(frozen=True, kw_only=True)
class PublishRelease(Command):
    """Record release ``number`` of the process: the figures as of ``as_of``, computed at log
    ``position``, and what they counted before suppression (canonical JSON texts).

    ``chain_head`` defaults to the log's hash-chain head at ``position``.
    """

    process_id: UUID
    number: int
    as_of: datetime
    position: int
    figures: str
    counted: str
    note: str | None = None
    chain_head: str | None = None
