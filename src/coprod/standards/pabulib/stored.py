"""Ballot events in their stored form, built directly: the bulk import's hot path.

A city-scale file has tens of thousands of ballots. Casting each one through `Ballot.cast`
and the library's mapper costs about 100 µs a ballot: the aggregate machinery, a JSON
encoder that calls back into Python for every UUID and enum, and a second check of a ballot
the import's first pass has already checked against the same rules. Here everything that is
the same for every ballot of one import (actor, process id, each proposal id, each enum
member) is encoded once by the application's own transcoder, and a ballot only joins in its
timestamp, pseudonym, id and choices.

The bytes must be exactly what the mapper writes for the event `Ballot.cast` records. So the
first ballot of every run goes through `Ballot.cast` and the mapper (which also checks the
process's ballot is open) and is compared with this module's encoding of it; any difference
stops the import before a ballot is written. Tests hold the same for every vote type.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from coprod.domain.aggregate import COPROD_NAMESPACE
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, MarkedBallot, Sex
from coprod.domain.process import Process
from coprod.domain.values import Actor
from coprod.domain.voting import BallotChoices, VoteMethod
from coprod.standards.pabulib.grammar import PbVote
from coprod.standards.pabulib.mapping import age_band, channel_of, choices_for, sex_of

#: The BallotCast state in the order the mapper writes it (the event's attributes).
_CHOICE_FIELDS = ("approvals", "points", "ranking")


class BallotFastPathMismatch(RuntimeError):
    """The direct encoding disagrees with the mapper: a bug to fix, never bad input."""


class BallotEvents:
    """Stored `Ballot.BallotCast` events of one process's import, one per Pabulib vote."""

    def __init__(
        self,
        mapper: Mapper[UUID],
        process: Process,
        actor: Actor,
        proposal_of: Mapping[str, UUID],
        pseudonymise: Callable[[str], str],
    ) -> None:
        assert process.voting is not None
        self._mapper = mapper
        self._process = process
        self._actor = actor
        self._proposal_of = proposal_of
        self._pseudonymise = pseudonymise
        self._method = process.voting.method
        self._checked = False
        self._topic = get_topic(Ballot.BallotCast)
        encode = mapper.transcoder.encode
        self._id_prefix = COPROD_NAMESPACE.bytes + f"ballot/{process.id}/".encode()
        self._uuid = {project: encode(uuid) for project, uuid in proposal_of.items()}
        self._channel = {member: encode(member) for member in BallotChannel}
        self._age: dict[AgeBand | None, bytes] = {None: b"null"}
        self._age.update({member: encode(member) for member in AgeBand})
        self._sex: dict[Sex | None, bytes] = {None: b"null"}
        self._sex.update({member: encode(member) for member in Sex})
        self._tails: dict[tuple[str | None, int | None, str | None], bytes] = {}
        self._encode_templates(encode)
        self._field = (
            "points"
            if self._method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING)
            else "ranking"
            if self._method is VoteMethod.RANKED
            else "approvals"
        )
        self._after_stamp = (
            b',"originator_topic":'
            + encode(get_topic(Ballot))
            + b',"actor":'
            + encode(actor)
            + b',"process_id":'
            + encode(process.id)
            + b',"voter_pseudonym":"'
        )

    def _encode_templates(self, encode: Callable[[Any], bytes]) -> None:
        """The constant byte pieces around a timestamp and the choices, from the transcoder.

        Derived once from the library's own encoding of a sample value, so the direct
        encoding follows the transcoder rather than a hand-written copy of its format.
        """
        sample = datetime(2000, 1, 2, 3, 4, 5, 6)
        stamp = encode(sample)
        self._stamp_head, self._stamp_tail = stamp.split(sample.isoformat().encode(), 1)
        empty = b"{" + b",".join(b'"%s":[]' % f.encode() for f in _CHOICE_FIELDS) + b"}"
        wrapped = encode(BallotChoices())
        if not wrapped.endswith(empty + b"}"):
            raise BallotFastPathMismatch(f"unexpected stored form of BallotChoices: {wrapped!r}")
        choices_head = wrapped[: -len(empty) - 1] + b"{"
        self._choices_head = {
            field: choices_head
            + b",".join(b'"%s":[]' % f.encode() for f in _CHOICE_FIELDS[:i])
            + (b"," if i else b"")
            + b'"%s":[' % field.encode()
            for i, field in enumerate(_CHOICE_FIELDS)
        }
        self._choices_tail = {
            field: b"]"
            + b"".join(b',"%s":[]' % f.encode() for f in _CHOICE_FIELDS[i + 1 :])
            + b"}}"
            for i, field in enumerate(_CHOICE_FIELDS)
        }

    def stored(self, vote: PbVote) -> StoredEvent:
        """The vote's BallotCast event as the store keeps it (already checked by the first pass)."""
        if not self._checked:
            return self._through_the_domain(vote)
        return self._encode(vote, Ballot.BallotCast.create_timestamp())

    def _encode(self, vote: PbVote, timestamp: datetime) -> StoredEvent:
        pseudonym = self._pseudonymise(vote.voter_id)
        digest = hashlib.sha1(self._id_prefix + pseudonym.encode(), usedforsecurity=False)
        ballot_id = UUID(bytes=digest.digest()[:16], version=5)
        field = self._field
        uuid = self._uuid
        if field == "points":
            marks = b",".join(
                b"[%s,%d]" % (uuid[p], n) for p, n in zip(vote.projects, vote.points, strict=True)
            )
        else:
            marks = b",".join([uuid[p] for p in vote.projects])
        state = b"".join(
            (
                b'{"timestamp":',
                self._stamp_head,
                timestamp.isoformat().encode(),
                self._stamp_tail,
                self._after_stamp,
                pseudonym.encode(),
                b'","choices":',
                self._choices_head[field],
                marks,
                self._choices_tail[field],
                self._tail(vote.channel, vote.age, vote.sex),
            )
        )
        if self._mapper.compressor:
            state = self._mapper.compressor.compress(state)
        if self._mapper.cipher:
            state = self._mapper.cipher.encrypt(state)
        return StoredEvent(ballot_id, 1, self._topic, state)

    def _tail(self, channel: str | None, age: int | None, sex: str | None) -> bytes:
        """The state after the choices; few distinct values, so each is encoded once."""
        key = (channel, age, sex)
        tail = self._tails.get(key)
        if tail is None:
            tail = self._tails[key] = (
                b',"channel":'
                + self._channel[channel_of(channel)]
                + b',"area_code":null,"age_band":'
                + self._age[age_band(age)]
                + b',"sex":'
                + self._sex[sex_of(sex)]
                + b"}"
            )
        return tail

    def _through_the_domain(self, vote: PbVote) -> StoredEvent:
        """Cast through the aggregate and the mapper, and hold the direct encoding to it."""
        marked = MarkedBallot(
            self._pseudonymise(vote.voter_id),
            choices_for(vote, self._method, self._proposal_of),
            channel_of(vote.channel),
            None,
            age_band(vote.age),
            sex_of(vote.sex),
        )
        ballot = Ballot.cast(self._actor, self._process, marked)
        (event,) = ballot.collect_events()
        expected = self._mapper.to_stored_event(event)
        if self._mapper.cipher is None:
            direct = self._encode(vote, event.timestamp)
            if direct != expected:
                raise BallotFastPathMismatch(
                    "the direct encoding of a ballot differs from the mapper's:\n"
                    f"{expected!r}\n{direct!r}"
                )
        self._checked = True
        return expected
