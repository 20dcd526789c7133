"""Provenance of an imported Pabulib file: which file (by SHA-256) became which process.

The record is what makes a repeated import detectable (its id derives from the file's hash)
and what lets the export write the file's identity back (country, unit, instance, the
original project ids). It is written with the process in the import's first transaction and
marked complete in its last one, so a crash in between is seen, and resumed, as unfinished.
Voter ids, ages and free-text META (comment, acknowledgments) are never recorded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import RuleViolation
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor


@stored_as("pabulib_project")
@dataclass(frozen=True)
class PabulibProject:
    """A project row of the file: its Pabulib id, the proposal it became, and the columns kept."""

    project_id: str
    proposal_id: UUID
    name: str
    categories: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    area: str | None
    selected: int | None


_DAY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


def pabulib_date(text: str, *, end: bool) -> date | None:
    """A Pabulib META date, ``dd.mm.yyyy`` or a bare year (its first or last day, by
    `end`); None if it is neither. Here, with the identity that stores such dates as text,
    so readers of an imported file's dates need not load the importer."""
    day = _DAY.match(text)
    try:
        if day:
            return date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
        if _YEAR.match(text):
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    except ValueError:
        return None
    return None


@stored_as("pabulib_identity")
@dataclass(frozen=True)
class PabulibIdentity:
    """The META that names the election and its declared labels, as written in the file."""

    description: str
    country: str
    unit: str
    instance: str
    subunit: str | None
    district: str | None
    date_begin: str
    date_end: str
    vote_type: str
    rule: str
    language: str | None
    edition: str | None
    experimental: bool


class PabulibSource(CoprodAggregate):
    """One imported Pabulib file, identified by the SHA-256 of its bytes."""

    class FileImportStarted(CoprodAggregate.Created):
        """A Pabulib file began importing into the process; the ids it used and the columns kept."""

        process_id: UUID
        sha256: str
        identity: PabulibIdentity
        projects: tuple[PabulibProject, ...]
        area_column: str | None
        voter_columns: tuple[str, ...]
        ignored_keys: tuple[str, ...]

    class FileImportCompleted(CoprodAggregate.Event):
        """Every ballot and decision of the file is recorded; importing it again is a duplicate."""

        ballots: int
        decisions: int

    @staticmethod
    def create_id(sha256: str) -> UUID:
        return natural_id("pabulib-file", sha256)

    @event(FileImportStarted)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        sha256: str,
        identity: PabulibIdentity,
        projects: tuple[PabulibProject, ...],
        area_column: str | None,
        voter_columns: tuple[str, ...],
        ignored_keys: tuple[str, ...],
    ) -> None:
        self.process_id = process_id
        self.sha256 = sha256
        self.identity = identity
        self.projects = projects
        self.area_column = area_column
        self.voter_columns = voter_columns
        self.ignored_keys = ignored_keys
        self.completed = False
        self.ballots = 0

    def complete(self, actor: Actor, ballots: int, decisions: int) -> None:
        if self.completed:
            raise RuleViolation("the import of this file is already complete", rule="import")
        self._complete(actor=actor, ballots=ballots, decisions=decisions)

    @event(FileImportCompleted)
    def _complete(self, actor: Actor, ballots: int, decisions: int) -> None:
        self.completed = True
        self.ballots = ballots


keep_stored_topics("coprod.pabulib.source", PabulibSource)
