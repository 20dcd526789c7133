"""Use cases for community commitments and the work logged against them.

Logging is the one command volunteers run from a phone, so it takes one call, accepts a
client-made id (a retried send is a repeat, not a second log) and records how many seconds
the group spent, for the "community reporting burden" measure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from coprod.application.base import CoprodBase, Receipt
from coprod.commitment import (
    Commitment,
    Contribution,
    CoproductionLevel,
    CoproductionPhase,
    InKindAsset,
)
from coprod.errors import NotFound, RuleViolation
from coprod.inputs import check_same_currency
from coprod.organisation import Organisation, OrganisationKind
from coprod.process import Process
from coprod.project import Project
from coprod.values import Actor


class ContributionCommands(CoprodBase):
    """Commitments by community groups and their logged, verified or disputed work."""

    def make_commitment(
        self,
        actor: Actor,
        organisation_id: UUID,
        project_id: UUID,
        phase: CoproductionPhase,
        level: CoproductionLevel,
        pledged_hours: Decimal | None = None,
        in_kind: InKindAsset | None = None,
    ) -> Receipt:
        """A community group's pledge to an existing project."""
        organisation = self.load(Organisation, organisation_id)
        if organisation.kind is not OrganisationKind.COMMUNITY_GROUP:
            raise RuleViolation(
                f"{organisation.slug} is a {organisation.kind.value}; only a community group "
                "makes commitments",
                rule="community-group-only",
            )
        if not self.exists(project_id):
            raise NotFound("project", project_id)
        if in_kind is not None:
            check_same_currency(
                "in_kind.fair_value", in_kind.fair_value.currency, self._currency_of(project_id)
            )
        commitment = Commitment.make(
            actor, organisation_id, project_id, phase, level, pledged_hours, in_kind
        )
        return self.commit(commitment)

    def _currency_of(self, aggregate_id: UUID) -> str:
        """The currency of the process the commitment's project belongs to.

        A project's approved amount is in its process's currency; a process itself answers
        directly (commitments only require that the id names a stored aggregate).
        """
        aggregate: object = self.repository.get(aggregate_id)
        if isinstance(aggregate, Project):
            return aggregate.approved.currency
        if isinstance(aggregate, Process):
            return aggregate.currency
        raise NotFound("project", aggregate_id)

    def mark_commitment_met(
        self, actor: Actor, commitment_id: UUID, expected_version: int | None = None
    ) -> Receipt:
        commitment = self.load(Commitment, commitment_id, expected_version)
        commitment.mark_met(actor)
        return self.commit(commitment)

    def mark_commitment_lapsed(
        self,
        actor: Actor,
        commitment_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self.load(Commitment, commitment_id, expected_version)
        commitment.mark_lapsed(actor, reason)
        return self.commit(commitment)

    def log_contribution(
        self,
        actor: Actor,
        commitment_id: UUID,
        organisation_id: UUID,
        project_id: UUID,
        hours: Decimal,
        people_count: int,
        phase: CoproductionPhase,
        level: CoproductionLevel,
        worked_on: date,
        seconds_to_log: int | None = None,
        client_id: UUID | None = None,
        today: date | None = None,
        *,
        loaded: Commitment | None = None,
    ) -> Receipt:
        """Log a day's work against the group's own commitment.

        Repeating a log with the same ``client_id`` is refused as AlreadyExists, which a
        phone treats as "already saved". The commitment is only read, never written, so
        many logs against one commitment never conflict. A caller that has just loaded the
        commitment (the HTTP API, to hide another group's) passes it as ``loaded`` to save a
        second read; the rules below are checked on it all the same.
        """
        if loaded is not None and loaded.id == commitment_id:
            commitment = loaded
        else:
            commitment = self.load(Commitment, commitment_id)
        commitment.check_accepts_log(actor, organisation_id, project_id)
        contribution = Contribution.log(
            actor,
            commitment_id,
            organisation_id,
            project_id,
            hours,
            people_count,
            phase,
            level,
            worked_on,
            today=today or date.today(),
            seconds_to_log=seconds_to_log,
            client_id=client_id,
        )
        return self.commit(contribution)

    def verify_contribution(
        self, actor: Actor, contribution_id: UUID, expected_version: int | None = None
    ) -> Receipt:
        contribution = self.load(Contribution, contribution_id, expected_version)
        contribution.verify(actor)
        return self.commit(contribution)

    def dispute_contribution(
        self,
        actor: Actor,
        contribution_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        contribution = self.load(Contribution, contribution_id, expected_version)
        contribution.dispute(actor, reason)
        return self.commit(contribution)

    def get_commitment(self, commitment_id: UUID) -> Commitment:
        return self.load(Commitment, commitment_id)

    def get_contribution(self, contribution_id: UUID) -> Contribution:
        return self.load(Contribution, contribution_id)
