"""A stored ``BallotCast`` read once, by its layout, for every read model that counts ballots.

Ballots are almost all of a big log, and building each one's domain event through the
library's mapper costs ~24 µs; the process summary and the impact model each need only a few
of its fields. So the stored JSON of a version-1 ``BallotCast`` (unencrypted, uncompressed)
is read here by its fixed layout, once: the runner decodes a batch event by event, each
event for every model in turn, and the small cache hands the second model the first one's
result. Anything unexpected (a newer class version, a changed layout, stray content in the
choices) gives None, and the models then use the library's mapper: both give the same rows,
which the tests hold for every vote type.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic

from coprod.domain.ballot import Ballot

__all__ = ["BALLOT_CAST", "StoredBallot", "parse_stored_ballot", "stored_ballot", "to_us"]

BALLOT_CAST = get_topic(Ballot.BallotCast)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

_TS = '"timestamp":{"_type_":"datetime_iso","_data_":"'
_PROCESS = '"process_id":{"_type_":"uuid_hex","_data_":"'
_APPROVALS = '"choices":{"_type_":"ballot_choices","_data_":{"approvals":['
_POINTS = '],"points":['
_RANKING = '],"ranking":['
_CHOICES_END = ']}},"channel":'
_TAIL = ',"area_code":'
_UUID = re.compile(r'\{"_type_":"uuid_hex","_data_":"([0-9a-f]{32})"\}')
_POINT = re.compile(r'\[\{"_type_":"uuid_hex","_data_":"([0-9a-f]{32})"\},(-?[0-9]+)\]')
#: The demographic tail when no value needs unescaping (the common case): area, age, sex.
_TAIL_CELLS = re.compile(
    r',"area_code":(?:null|"([^"\\]*)"),'
    r'"age_band":(?:null|\{"_type_":"[a-z_]+","_data_":"([^"\\]*)"\}),'
    r'"sex":(?:null|\{"_type_":"[a-z_]+","_data_":"([^"\\]*)"\})\}'
)
_JSON = json.JSONDecoder()


#: The moments a read model stores: a day inside Python's datetime range on each side, so
#: that every stored moment can be read back and shown in any time zone (an event stamped
#: 0001-01-01T00:00+14:00 is in year 0 in UTC and would break every later read of it).
_MIN_US = (datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // _US
_MAX_US = (datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // _US


def to_us(moment: datetime) -> int:
    """Microseconds since 1970 UTC: exact, sortable and the same on both backends.

    Raises ValueError for a moment too near the ends of the calendar to read back (the
    runner then quarantines the event instead of storing what no read could load).
    """
    us = (moment - _EPOCH) // _US
    if not _MIN_US <= us <= _MAX_US:
        raise ValueError(f"timestamp {moment.isoformat()} is outside what read models store")
    return int(us)


def from_us(us: int) -> datetime:
    """The UTC time of a :func:`to_us` value, exactly."""
    return _EPOCH + timedelta(microseconds=us)


class StoredBallot(NamedTuple):
    """The fields of a ballot the read models use; proposal ids as hex, enums as values."""

    process_id: str
    ts_us: int
    approvals: tuple[str, ...]
    points: tuple[tuple[str, int], ...]
    ranking: tuple[str, ...]
    area_code: str | None
    age_band: str | None
    sex: str | None

    @classmethod
    def of(cls, event: Ballot.BallotCast) -> StoredBallot:
        """The same fields from a domain event (the mapper's path)."""
        choices = event.choices
        return cls(
            event.process_id.hex,
            to_us(event.timestamp),
            tuple(p.hex for p in choices.approvals),
            tuple((p.hex, n) for p, n in choices.points),
            tuple(p.hex for p in choices.ranking),
            event.area_code,
            None if event.age_band is None else event.age_band.value,
            None if event.sex is None else event.sex.value,
        )


def stored_ballot(notification: Notification, mapper: Mapper[Any]) -> StoredBallot:
    """A BallotCast notification's fields: by layout when possible, else through the mapper."""
    if mapper.cipher is None and mapper.compressor is None:
        parsed = parse_stored_ballot(notification.state)
        if parsed is not None:
            return parsed
    event = mapper.to_domain_event(notification)
    assert isinstance(event, Ballot.BallotCast)
    return StoredBallot.of(event)


@functools.lru_cache(maxsize=16)
def parse_stored_ballot(state: bytes) -> StoredBallot | None:
    """Read a version-1 BallotCast's stored JSON by its fixed layout; None if it differs.

    JSON strings escape their quotes, so these key patterns can only match real keys. Each
    list of choices must hold exactly the entries the patterns found (counted by their
    opening brackets), and a demographic tail the pattern does not read whole is parsed as
    JSON, so a value never slips through misread.
    """
    if b'"class_version"' in state:
        return None
    try:
        text = state.decode()
    except UnicodeDecodeError:
        return None
    t = text.find(_TS)
    p = text.find(_PROCESS, t)
    a = text.find(_APPROVALS, p)
    if t < 0 or p < 0 or a < 0:
        return None
    a += len(_APPROVALS)
    pts = text.find(_POINTS, a)
    rk = text.find(_RANKING, pts)
    end = text.find(_CHOICES_END, rk)
    tail = text.find(_TAIL, end)
    if pts < 0 or rk < 0 or end < 0 or tail < 0:
        return None
    approvals = tuple(_UUID.findall(text, a, pts))
    points = tuple((u, int(n)) for u, n in _POINT.findall(text, pts + len(_POINTS), rk))
    ranking = tuple(_UUID.findall(text, rk + len(_RANKING), end))
    if (
        text.count("{", a, pts) != len(approvals)
        or text.count("[", pts + len(_POINTS), rk) != len(points)
        or text.count("{", rk + len(_RANKING), end) != len(ranking)
    ):
        return None
    t += len(_TS)
    p += len(_PROCESS)
    cells = _demographics(text, tail)
    ts_us = _timestamp_us(text[t : text.find('"', t)])
    if cells is None or ts_us is None:
        return None
    return StoredBallot(text[p : p + 32], ts_us, approvals, points, ranking, *cells)


def _demographics(text: str, tail: int) -> tuple[str | None, str | None, str | None] | None:
    """(area, age band, sex) from the state's last keys, by pattern or else as JSON."""
    match = _TAIL_CELLS.fullmatch(text, tail)
    if match is not None:
        return match.group(1), match.group(2), match.group(3)
    try:
        cells = _JSON.decode("{" + text[tail + 1 :])
        area, age, sex = cells["area_code"], cells["age_band"], cells["sex"]
        if area is not None and not isinstance(area, str):
            return None
        return (
            area,
            None if age is None else str(age["_data_"]),
            None if sex is None else str(sex["_data_"]),
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None


@functools.lru_cache(maxsize=256)
def _second_us(second: str) -> int:
    """``YYYY-MM-DDTHH:MM:SS`` (UTC) as microseconds since 1970; ballots share seconds."""
    return to_us(datetime.fromisoformat(second + "+00:00"))


def _timestamp_us(iso: str) -> int | None:
    """The library's ISO timestamp (UTC, as it stores them) in microseconds since 1970."""
    if len(iso) == 32 and iso[19] == "." and iso.endswith("+00:00") and iso[20:26].isdigit():
        return _second_us(iso[:19]) + int(iso[20:26])
    try:
        return to_us(datetime.fromisoformat(iso))
    except (ValueError, TypeError):
        return None
