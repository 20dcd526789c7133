"""A tamper-evident event log: every stored event carries a SHA-256 hash chained to the one before.

The chain runs over the whole log in notification order (the log position)::

    h_0 = GENESIS = 32 zero bytes
    h_n = SHA-256(h_prev || encode(notification_id, originator_id, originator_version, topic, state))

where ``h_prev`` is the hash of the event stored just before (notification ids may have gaps on
PostgreSQL; the chain follows the ids that exist) and ``encode`` is, big-endian::

    notification_id     8 bytes, unsigned
    originator_id       4-byte length + the id's bytes (a UUID: its 16 bytes; a text id: UTF-8)
    originator_version  8 bytes, signed
    topic               4-byte length + UTF-8
    state               8-byte length + the exact stored bytes

The hashes ("links") live in their own table, ``coprod_event_chain (notification_id, hash)``,
written by the recorders in the same transaction as the events, single commands and bulk
imports alike (see :mod:`coprod.adapters.recording` and :mod:`coprod.adapters.postgres_recorder`). A separate table
leaves the library's events table, its reads and every existing store exactly as they were.

**Stores recorded before the chain existed.** The first write that finds events without a link
after the last link (all of them, in an old store) links those first, from the genesis or the
last link, in the same transaction; so the chain always covers the log from its first event.
Until that write, ``coprod verify`` reports "no chain stored yet" and computes the head from the
events. Once any link exists, an event without one is a break.

**What it proves.** Changing, deleting, inserting or renumbering any event before a published
head (a release's, an export's manifest) breaks the chain. Someone with write access to the
database can still rewrite the chain from the change onwards, or cut the newest events with
their links: only comparing with a head published earlier shows that. This module imports no
database driver; recorders provide :class:`ChainStore`.
"""

from __future__ import annotations

import gc
import hashlib
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from coprod.domain.errors import StoreUnavailable

#: The hash "before" the first event.
GENESIS = bytes(32)
#: The table of links, beside the library's events table, keyed by notification id.
CHAIN_TABLE = "coprod_event_chain"
#: Events read per page when verifying or linking old events.
PAGE = 10_000

Link = tuple[int, bytes]


_HEAD = struct.Struct(">QI").pack
_MIDDLE = struct.Struct(">qI").pack
_LENGTH = struct.Struct(">Q").pack


def encode(
    notification_id: int,
    originator_id: UUID | str,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """The canonical bytes of one event, as hashed (see the module doc)."""
    oid = _id_bytes(originator_id)
    top = topic.encode()
    return b"".join(
        (
            _HEAD(notification_id, len(oid)),
            oid,
            _MIDDLE(originator_version, len(top)),
            top,
            _LENGTH(len(state)),
            state,
        )
    )


def _id_bytes(originator_id: UUID | str) -> bytes:
    return originator_id.bytes if isinstance(originator_id, UUID) else originator_id.encode()


def link(previous: bytes, notification_id: int, event: Any) -> bytes:
    """The hash of `event` (a StoredEvent or Notification) stored at `notification_id`."""
    data = encode(
        notification_id, event.originator_id, event.originator_version, event.topic, event.state
    )
    return hashlib.sha256(previous + data).digest()


def links_for(previous: bytes, numbered: Iterable[tuple[int, Any]]) -> list[Link]:
    """Chain events given as (notification id, event) in order, starting after `previous`.

    The same as :func:`link` in a loop, written out (a bulk import hashes ~66,000 events in one
    transaction) and with the garbage collector paused: it allocates only acyclic objects, and
    a full collection over a large importer's heap would otherwise cost more than the hashing.
    """
    links: list[Link] = []
    sha256, join = hashlib.sha256, b"".join
    topics: dict[str, bytes] = {}
    paused = gc.isenabled()
    gc.disable()
    try:
        for notification_id, event in numbered:
            oid = _id_bytes(event.originator_id)
            topic = topics.get(event.topic)
            if topic is None:
                topic = topics[event.topic] = event.topic.encode()
            state = event.state
            previous = sha256(
                join(
                    (
                        previous,
                        _HEAD(notification_id, len(oid)),
                        oid,
                        _MIDDLE(event.originator_version, len(topic)),
                        topic,
                        _LENGTH(len(state)),
                        state,
                    )
                )
            ).digest()
            links.append((notification_id, previous))
    finally:
        if paused:
            gc.enable()
    return links


class ChainBroken(StoreUnavailable):
    """A write found a link for an event that no longer exists: the log was changed outside.

    Nothing is written; ``coprod verify`` names the break.
    """


@dataclass(frozen=True)
class Before:
    """The log just before a write: its last event, its greatest link and the link to follow."""

    last_event: int | None
    top_link: int | None
    head: Link | None


def head_sql(events_table: str, chain_table: str, id_column: str, *, bounded: bool) -> str:
    """One query for :class:`Before` (with ``?`` for the first new id when `bounded`)."""
    below = f" WHERE {id_column} < ?" if bounded else ""
    below_link = " WHERE notification_id < ?" if bounded else ""
    return (
        f"SELECT (SELECT MAX({id_column}) FROM {events_table}{below}) AS last_event, "
        f"(SELECT MAX(notification_id) FROM {chain_table}) AS top_link, "
        "l.notification_id AS head_id, l.hash AS head_hash "
        "FROM (SELECT 1 AS one) AS o LEFT JOIN "
        f"(SELECT notification_id, hash FROM {chain_table}{below_link} "
        "ORDER BY notification_id DESC LIMIT 1) AS l ON 1 = 1"
    )


def before_from(row: Any) -> Before:
    head = None if row["head_id"] is None else (int(row["head_id"]), bytes(row["head_hash"]))
    return Before(row["last_event"], row["top_link"], head)


def plan_links(
    before: Before,
    new: Sequence[tuple[int, Any]],
    unlinked: Callable[[int, int], Iterable[tuple[int, Any]]],
) -> list[Link]:
    """The links to insert with a write: any unlinked older events first, then the new ones.

    `new` is (notification id, event) in order; `unlinked(after, before)` yields the stored
    events with after < id < before. Refuses with :class:`ChainBroken` when a link already
    exists at or beyond the first new id (an event was deleted from the end of the log).
    """
    if not new:
        return []
    first = new[0][0]
    if before.top_link is not None and before.top_link >= first:
        raise ChainBroken(
            f"the event chain holds a link for notification id {before.top_link}, which has no "
            "event: the log was changed outside coprod; run `coprod verify`"
        )
    head_id, previous = before.head if before.head is not None else (0, GENESIS)
    links: list[Link] = []
    if before.last_event is not None and before.last_event > head_id:
        links = links_for(previous, unlinked(head_id, first))
        previous = links[-1][1] if links else previous
    return links + links_for(previous, new)


# -- reading the chain back ------------------------------------------------------------------------


@runtime_checkable
class ChainStore(Protocol):
    """What a coprod recorder offers for reading links (every coprod recorder has these)."""

    def select_links(self, after: int, limit: int, stop: int | None = None) -> list[Link]:
        """Links with after < notification id (<= stop), in order, at most `limit`."""

    def last_link(self, at_or_before: int | None = None) -> Link | None:
        """The link with the greatest notification id <= `at_or_before` (any, when None)."""


@dataclass(frozen=True)
class ChainHead:
    """The chain's hash after the last event at or before a log position.

    ``position`` is that event's notification id (0 for an empty log, whose hash is the
    genesis); ``hash`` is hexadecimal, as printed by ``coprod verify`` and written in exports.
    """

    position: int
    hash: str


def _store(app_or_recorder: Any) -> Any:
    recorder = getattr(app_or_recorder, "recorder", app_or_recorder)
    if not isinstance(recorder, ChainStore):
        raise TypeError(f"{type(recorder).__name__} keeps no event chain")
    return recorder


def chain_head(app: Any, position: int | None = None) -> ChainHead:
    """The chain head at log `position` (the whole log when None), for releases and exports.

    Reads the stored link; events after it without a link (only in a store written before
    the chain existed) are hashed on the fly, so the head is the same before and after the
    next write links them.
    """
    recorder = _store(app)
    last = recorder.last_link(position)
    head_id, previous = last if last is not None else (0, GENESIS)
    for notification_id, event in _events(recorder, head_id, position):
        previous = link(previous, notification_id, event)
        head_id = notification_id
    return ChainHead(head_id, previous.hex())


def _events(recorder: Any, after: int, stop: int | None) -> Iterator[tuple[int, Any]]:
    while True:
        page = recorder.select_notifications(
            start=after, limit=PAGE, stop=stop, inclusive_of_start=False
        )
        for notification in page:
            yield notification.id, notification
        if len(page) < PAGE:
            return
        after = page[-1].id


def _links(recorder: Any) -> Iterator[Link]:
    after = 0
    while True:
        page = recorder.select_links(after, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: intact (with the head) or the first broken link."""

    events: int
    head: ChainHead
    broken: str | None = None
    #: Events recorded before the chain existed and not linked yet (only when no link exists).
    unlinked: int = 0

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(app: Any, progress: Callable[[int], None] | None = None) -> Verdict:
    """Recompute the chain over the whole log, streaming; stop at the first broken link.

    `progress` gets the number of events checked after each page.
    """
    recorder = _store(app)
    links = _links(recorder)
    pending = next(links, None)
    chain_started = pending is not None
    previous, head_id, count, unlinked = GENESIS, 0, 0, 0
    for notification_id, event in _events(recorder, 0, None):
        if pending is not None and pending[0] < notification_id:
            return _broken(count, head_id, previous, f"event {pending[0]} is missing (deleted)")
        expected = link(previous, notification_id, event)
        if pending is not None and pending[0] == notification_id:
            if pending[1] != expected:
                return _broken(
                    count,
                    head_id,
                    previous,
                    f"{_name(notification_id, event)} "
                    "does not match its link (altered, moved or reordered)",
                )
            pending = next(links, None)
        elif chain_started:
            return _broken(count, head_id, previous, f"{_name(notification_id, event)} has no link")
        else:
            unlinked += 1
        previous, head_id, count = expected, notification_id, count + 1
        if progress is not None and count % PAGE == 0:
            progress(count)
    if pending is not None:
        return _broken(count, head_id, previous, f"event {pending[0]} is missing (deleted)")
    return Verdict(count, ChainHead(head_id, previous.hex()), None, unlinked)


def _name(notification_id: int, event: Any) -> str:
    return (
        f"event {notification_id} (originator {event.originator_id}, version "
        f"{event.originator_version}, topic {event.topic})"
    )


def _broken(count: int, head_id: int, previous: bytes, message: str) -> Verdict:
    return Verdict(count, ChainHead(head_id, previous.hex()), f"broken link: {message}")
