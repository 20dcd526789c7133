"""Use cases for published releases of impact reports (issue 11, item 9).

The figures are computed and disclosure-checked on the read side (``projections.releases``);
this layer only numbers, checks the publisher and records the release, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.adapters.chain import chain_head as head_at
from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import releases as cmd
from coprod.domain.errors import AlreadyExists, NotFound
from coprod.domain.process import Process
from coprod.domain.release import Release, ReleaseContent
from coprod.domain.values import Actor


@dataclass(frozen=True)
class Published:
    """A recorded release and the receipt of its write."""

    receipt: Receipt
    release: Release


class ReleaseCommands(CoprodBase):
    """Publish, read and list the releases of a process."""

    def publish_release(self, command: cmd.PublishRelease, actor: Actor) -> Receipt:
        """Record release `number`; refused unless it is the next number of the process.

        ``chain_head`` defaults to the hash-chain head of the log at ``position``.
        Two publishers racing for the same number collide on its uuid5 id: one wins, the
        other gets AlreadyExists and nothing of it is written. An officer publishes only for
        their own council's process (the policy; 403 otherwise); other roles are refused by
        :meth:`Release.publish`.
        """
        c = command
        process = self.load(Process, c.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {c.process_id}")
        chain_head = c.chain_head
        if chain_head is None:
            # The log's hash-chain head at the release's position: anyone holding the
            # release can check that the history it counted has not been changed since.
            chain_head = head_at(self, c.position).hash
        if not self._is_next(c.process_id, c.number):
            raise AlreadyExists("release", Release.create_id(c.process_id, c.number))
        content = ReleaseContent(c.as_of, c.position, c.figures, c.counted, c.note, chain_head)
        release = Release.publish(actor, c.process_id, process.council_id, c.number, content)
        return self.commit(release)

    def publish_next_release(self, command: cmd.PublishNextRelease, actor: Actor) -> Published:
        """Compute (with ``command.compute``) and record the next release, loading the process
        and each earlier release once: the policy first, then the computation, then the write.

        Returns the receipt and the recorded release, so the caller need not load it back.
        """
        c = command
        process = self.load(Process, c.process_id)
        policy.council_officer_of(actor, process.council_id, f"process {c.process_id}")
        earlier = self.releases(c.process_id)
        computed = c.compute(tuple(earlier))
        # The next number: the earlier ones were just loaded, and a publisher racing for the
        # same number collides on its natural id at commit (AlreadyExists, nothing written).
        number = len(earlier) + 1
        chain_head = head_at(self, computed.position).hash
        content = ReleaseContent(
            computed.as_of,
            computed.position,
            computed.figures,
            computed.counted,
            c.note,
            chain_head,
        )
        release = Release.publish(actor, c.process_id, process.council_id, number, content)
        return Published(self.commit(release), release)

    def _is_next(self, process_id: UUID, number: int) -> bool:
        """Whether `number` follows the last release: numbers are dense from 1, so it is
        next when it is unused and its predecessor exists (two look-ups, not a load of each)."""
        if number < 1 or self.exists(Release.create_id(process_id, number)):
            return False
        return number == 1 or self.exists(Release.create_id(process_id, number - 1))

    def releases_to_check(self, actor: Actor, process_id: UUID) -> list[Release]:
        """The earlier releases a new one is checked against, for someone who may publish.

        The first step of publishing: the policy refuses another council's officer here,
        before the read side computes a report (costly, and its differencing refusal would
        tell something about the figures); :meth:`publish_release` applies it again when
        recording, so a caller that skips this step is still refused.
        """
        process = self.load(Process, process_id)
        policy.council_officer_of(actor, process.council_id, f"process {process_id}")
        return self.releases(process_id)

    def get_release(self, process_id: UUID, number: int) -> Release:
        """Release `number` of the process, or NotFound."""
        release = self.load(Release, Release.create_id(process_id, number))
        if release.process_id != process_id:
            raise NotFound("release", number)
        return release

    def releases(self, process_id: UUID) -> list[Release]:
        """Every release of the process, oldest first (numbers are dense from 1)."""
        found: list[Release] = []
        while True:  # one load each: an existence check first would read each stream twice
            try:
                found.append(self.get_release(process_id, len(found) + 1))
            except NotFound:
                return found
