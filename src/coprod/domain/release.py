"""A published release of a process's impact report: numbered, immutable, hashed (issue 11, 9).

Why: the public must not travel through time over a live report, since two reports one
ballot apart tell the last voter's age band, sex and area. The public reads only releases,
each a snapshot a council officer chose to publish. The figures are stored in the event
itself, so a release can never change after it is published and needs no other store.

Two hashes, each SHA-256 of a canonical JSON text (sorted keys, no spaces, UTF-8):

* ``figures_sha256`` of the released (disclosure-controlled) figures, so that anyone who
  holds a copy of the public report can show it is exactly release n;
* ``counted_sha256`` of what the release counted before suppression (the people counts of
  every breakdown, with the suppression the release applied), so that an evaluator who
  recomputes the report from the log at ``position`` can confirm the same inputs were used
  without those counts ever being public. Later releases are checked against these counts
  (differencing control), which is why they are kept beside the figures.

``chain_head`` is the hash-chain head of the log at ``position`` (issue 11, item 10), None
until the hash chain exists.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import CoprodError, InvalidInput, NotFound, RuleViolation
from coprod.domain.values import Actor, Role, require_text

__all__ = [
    "NOTE_MAX",
    "NoRelease",
    "Release",
    "ReleaseContent",
    "canonical_json",
    "latest_at",
    "sha256_hex",
]

NOTE_MAX = 2_000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PUBLISHERS = frozenset({Role.COUNCIL_OFFICER, Role.SYSTEM})


def canonical_json(value: Any) -> str:
    """The one text a JSON value hashes as: sorted keys, no spaces, non-ASCII kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of `text`, in lower-case hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_json_object(field: str, text: str) -> None:
    try:
        parsed = json.loads(text)
    except (TypeError, ValueError):
        raise InvalidInput(field, "must be a JSON object") from None
    if not isinstance(parsed, dict) or canonical_json(parsed) != text:
        raise InvalidInput(field, "must be a JSON object in canonical form (canonical_json)")


@dataclass(frozen=True)
class ReleaseContent:
    """What a release says, as :meth:`Release.publish` receives it (the hashes are computed
    there): the moment described, the log position counted, the figures and what they
    counted (canonical JSON texts), an optional note and the log's hash-chain head.

    One value instead of six parameters; the stored event keeps them as separate fields.
    """

    as_of: datetime
    position: int
    figures: str
    counted: str
    note: str | None = None
    chain_head: str | None = None


class Release(CoprodAggregate):
    """Release n of one process's impact report; published once, never changed."""

    class ReleasePublished(CoprodAggregate.Created):
        """A council published release `number` of the process's impact report.

        `as_of` is the moment the report describes and `position` the log position the read
        model had applied; `figures` and `counted` are canonical JSON texts whose SHA-256 are
        `figures_sha256` and `counted_sha256`; `chain_head` is the log's hash-chain head at
        `position` when known.
        """

        process_id: UUID
        council_id: UUID
        number: int
        as_of: datetime
        position: int
        figures: str
        figures_sha256: str
        counted: str
        counted_sha256: str
        note: str | None
        chain_head: str | None

    @staticmethod
    def create_id(process_id: UUID, number: int) -> UUID:
        """Release n of a process has one id, so publishing n twice conflicts."""
        return natural_id("release", process_id, number)

    @event(ReleasePublished)
    def __init__(  # noqa: PLR0913 - the parameters are the stored event's fields
        self,
        actor: Actor,
        process_id: UUID,
        council_id: UUID,
        number: int,
        as_of: datetime,
        position: int,
        figures: str,
        figures_sha256: str,
        counted: str,
        counted_sha256: str,
        note: str | None,
        chain_head: str | None,
    ) -> None:
        self.process_id = process_id
        self.council_id = council_id
        self.number = number
        self.as_of = as_of
        self.position = position
        self.figures = figures
        self.figures_sha256 = figures_sha256
        self.counted = counted
        self.counted_sha256 = counted_sha256
        self.note = note
        self.chain_head = chain_head
        self.published_by = actor

    @classmethod
    def publish(
        cls,
        actor: Actor,
        process_id: UUID,
        council_id: UUID,
        number: int,
        content: ReleaseContent,
    ) -> Release:
        """Check what a release must be, then record it; the hashes are computed here.

        Which council's officer may publish is the application policy's rule
        (:func:`coprod.application.policy.officer_acts_for`, applied by the use case).
        """
        as_of, position, figures, counted = (
            content.as_of,
            content.position,
            content.figures,
            content.counted,
        )
        note, chain_head = content.note, content.chain_head
        if actor.role not in _PUBLISHERS:
            raise RuleViolation(
                f"only a council officer may publish a release, not {actor.role.value}",
                rule="permission",
            )
        for field, whole in (("number", number), ("position", position)):
            if isinstance(whole, bool) or not isinstance(whole, int) or whole < 0:
                raise InvalidInput(field, "must be a whole number, at least 0")
        if number < 1:
            raise InvalidInput("number", "releases are numbered from 1")
        if not isinstance(as_of, datetime) or as_of.tzinfo is None:
            raise InvalidInput("as_of", "must be a timezone-aware datetime")
        _require_json_object("figures", figures)
        _require_json_object("counted", counted)
        if note is not None:
            note = require_text("note", note, max_length=NOTE_MAX)
        if chain_head is not None and not _HEX64.fullmatch(chain_head):
            raise InvalidInput("chain_head", "must be 64 lower-case hex digits")
        return cls(
            actor=actor,
            process_id=process_id,
            council_id=council_id,
            number=number,
            as_of=as_of,
            position=position,
            figures=figures,
            figures_sha256=sha256_hex(figures),
            counted=counted,
            counted_sha256=sha256_hex(counted),
            note=note,
            chain_head=chain_head,
        )

    @property
    def published_at(self) -> datetime:
        """When it was recorded (the event's time)."""
        return self.created_on


class NoRelease(NotFound):
    """The public asked for figures no release holds (none yet, or none by that time)."""

    def __init__(self, process_id: UUID, as_of: datetime | None) -> None:
        self.kind = "release"
        self.ident = process_id
        when = "yet" if as_of is None else f"at or before {as_of.isoformat()}"
        CoprodError.__init__(
            self,
            f"process {process_id} has no published release {when}: the public reads impact "
            "figures only from releases a council publishes (coprod report publish)",
        )


def latest_at(process_id: UUID, releases: list[Release], as_of: datetime | None) -> Release:
    """The latest release describing the process at or before `as_of` (None: the latest)."""
    chosen = [r for r in releases if as_of is None or r.as_of <= as_of]
    if not chosen:
        raise NoRelease(process_id, as_of)
    return max(chosen, key=lambda r: r.number)


keep_stored_topics("coprod.release", Release)
