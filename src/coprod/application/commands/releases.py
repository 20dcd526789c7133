"""Commands on the releases of a process's impact report: publish the next one.

Handled by :meth:`coprod.application.Coprod.publish_release`
(``app.publish_release(PublishRelease(...), actor)``). The figures are computed and
disclosure-checked on the read side (``projections.releases.publish_next``, the one way to
publish); the command carries them. Releases are numbered densely from 1 and the number is
the natural key, so there is no ``expected_version``: a race for a number is AlreadyExists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.release import Release

__all__ = ["ComputedFigures", "PublishNextRelease", "PublishRelease"]


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


@dataclass(frozen=True)
class ComputedFigures:
    """What the read side computed for a release: the moment, the position counted, the
    figures and what they counted (canonical JSON texts)."""

    as_of: datetime
    position: int
    figures: str
    counted: str


@dataclass(frozen=True, kw_only=True)
class PublishNextRelease(Command):
    """Publish the next release of the process, its figures computed by ``compute`` from the
    earlier releases (which the use case loads once, after the policy has allowed the caller).

    Why a callable: the figures come from the read side, which the write side does not
    import; handing the computation in lets one use case load the process and the earlier
    releases once, apply the policy before any costly work, and record.
    """

    process_id: UUID
    compute: Callable[[Sequence[Release]], ComputedFigures]
    note: str | None = None
