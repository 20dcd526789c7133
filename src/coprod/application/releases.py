"""Use cases for published releases of impact reports (issue 11, item 9).

The figures are computed and disclosure-checked on the read side (``projections.releases``);
this layer only numbers, checks the publisher and records the release, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from coprod.application.base import CoprodBase, Receipt
from coprod.chain import chain_head as head_at
from coprod.errors import AlreadyExists, NotFound
from coprod.process import Process
from coprod.release import Release
from coprod.values import Actor


class ReleaseCommands(CoprodBase):
    """Publish, read and list the releases of a process."""

    def publish_release(
        self,
        actor: Actor,
        process_id: UUID,
        number: int,
        as_of: datetime,
        position: int,
        figures: str,
        counted: str,
        note: str | None = None,
        chain_head: str | None = None,
    ) -> Receipt:
        """Record release `number`; refused unless it is the next number of the process.

        ``chain_head`` defaults to the hash-chain head of the log at ``position``.
        Two publishers racing for the same number collide on its uuid5 id: one wins, the
        other gets AlreadyExists and nothing of it is written.
        """
        process = self.load(Process, process_id)
        if chain_head is None:
            # The log's hash-chain head at the release's position: anyone holding the
            # release can check that the history it counted has not been changed since.
            chain_head = head_at(self, position).hash
        expected = len(self.releases(process_id)) + 1
        if number != expected:
            raise AlreadyExists("release", Release.create_id(process_id, number))
        release = Release.publish(
            actor,
            process_id,
            process.council_id,
            number,
            as_of,
            position,
            figures,
            counted,
            note=note,
            chain_head=chain_head,
        )
        return self.commit(release)

    def get_release(self, process_id: UUID, number: int) -> Release:
        """Release `number` of the process, or NotFound."""
        release = self.load(Release, Release.create_id(process_id, number))
        if release.process_id != process_id:
            raise NotFound("release", number)
        return release

    def releases(self, process_id: UUID) -> list[Release]:
        """Every release of the process, oldest first (numbers are dense from 1)."""
        found: list[Release] = []
        while self.exists(Release.create_id(process_id, len(found) + 1)):
            found.append(self.get_release(process_id, len(found) + 1))
        return found
