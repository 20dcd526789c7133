"""Use cases for community commitments and the work logged against them.

Logging is the one command volunteers run from a phone, so it takes one call, accepts a
client-made id (a retried send is a repeat, not a second log) and records how many seconds
the group spent, for the "community reporting burden" measure.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import contributions as cmd
from coprod.domain.commitment import (
    Commitment,
    Contribution,
    Pledge,
    WorkLog,
)
from coprod.domain.errors import NotFound, RuleViolation, StaleVersion
from coprod.domain.inputs import check_same_currency
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.values import Actor


class ContributionCommands(CoprodBase):
    """Commitments by community groups and their logged, verified or disputed work."""

    def make_commitment(self, command: cmd.MakeCommitment, actor: Actor) -> Receipt:
        """A community group's pledge to an existing project (policy: own group, or an
        officer of the project's council)."""
        project_id = command.project_id
        if not self.exists(project_id):
            raise NotFound("project", project_id)
        council = self.council_of_project(project_id) if policy.needs_council(actor) else None
        policy.may_make_commitment(actor, command.organisation_id, project_id, council)
        organisation = self.load(Organisation, command.organisation_id)
        if organisation.kind is not OrganisationKind.COMMUNITY_GROUP:
            raise RuleViolation(
                f"{organisation.slug} is a {organisation.kind.value}; only a community group "
                "makes commitments",
                rule="community-group-only",
            )
        if command.in_kind is not None:
            check_same_currency(
                "in_kind.fair_value",
                command.in_kind.fair_value.currency,
                self._currency_of(project_id),
            )
        pledge = Pledge(
            organisation_id=command.organisation_id,
            project_id=project_id,
            phase=command.phase,
            level=command.level,
            pledged_hours=command.pledged_hours,
            in_kind=command.in_kind,
        )
        return self.commit(Commitment.make(actor, pledge))

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

    def mark_commitment_met(self, command: cmd.MarkCommitmentMet, actor: Actor) -> Receipt:
        """Certify the pledge met: only an officer of the project's council, since this is
        what makes its in-kind value count in the impact figures."""
        commitment = self._commitment_checked(
            actor, command.commitment_id, command.expected_version, met=True
        )
        commitment.mark_met(actor)
        return self.commit(commitment)

    def mark_commitment_lapsed(self, command: cmd.MarkCommitmentLapsed, actor: Actor) -> Receipt:
        """The pledge will not be met: the group or an officer of the project's council."""
        commitment = self._commitment_checked(
            actor, command.commitment_id, command.expected_version, met=False
        )
        commitment.mark_lapsed(actor, command.reason)
        return self.commit(commitment)

    def log_contribution(self, command: cmd.LogContribution, actor: Actor) -> Receipt:
        """Log a day's work against the group's own commitment.

        Repeating a log with the same ``client_id`` is refused as AlreadyExists, which a
        phone treats as "already saved". The commitment is only read, never written, so
        many logs against one commitment never conflict; it is loaded once, here, and
        another group's is hidden as not found before any rule is checked.
        """
        commitment = self.load(Commitment, command.commitment_id)
        self._require_visible(actor, commitment)
        organisation_id = command.organisation_id or commitment.organisation_id
        project_id = command.project_id or commitment.project_id
        commitment.check_accepts_log(actor, organisation_id, project_id)
        work = WorkLog(
            commitment_id=command.commitment_id,
            organisation_id=organisation_id,
            project_id=project_id,
            hours=command.hours,
            people_count=command.people_count,
            phase=command.phase,
            level=command.level,
            worked_on=command.worked_on,
            seconds_to_log=command.seconds_to_log,
            client_id=command.client_id,
        )
        contribution = Contribution.log(actor, work, today=command.today or date.today())
        return self.commit(contribution)

    def verify_contribution(self, command: cmd.VerifyContribution, actor: Actor) -> Receipt:
        """Confirm the logged work (an officer of the project's council)."""
        contribution = self._contribution_checked(
            actor, command.contribution_id, command.expected_version
        )
        contribution.verify(actor)
        return self.commit(contribution)

    def dispute_contribution(self, command: cmd.DisputeContribution, actor: Actor) -> Receipt:
        """Question the logged work, with the reason (an officer of the project's council)."""
        contribution = self._contribution_checked(
            actor, command.contribution_id, command.expected_version
        )
        contribution.dispute(actor, command.reason)
        return self.commit(contribution)

    def get_commitment(self, commitment_id: UUID) -> Commitment:
        return self.load(Commitment, commitment_id)

    def get_contribution(self, contribution_id: UUID) -> Contribution:
        return self.load(Contribution, contribution_id)

    def visible_commitment(self, actor: Actor, commitment_id: UUID) -> Commitment:
        """The commitment, if this actor may see it; another group's or council's is 404."""
        commitment = self.load(Commitment, commitment_id)
        self._require_visible(actor, commitment)
        return commitment

    def visible_contribution(self, actor: Actor, contribution_id: UUID) -> Contribution:
        """The logged work, if this actor may see it; another group's or council's is 404."""
        contribution = self.load(Contribution, contribution_id)
        council = self._council_for(actor, contribution.project_id)
        policy.require_group_visible(
            actor, "contribution", contribution_id, contribution.organisation_id, council
        )
        return contribution

    def council_of_project(self, project_id: UUID) -> UUID:
        """The council running the project's process."""
        project = self.load(Project, project_id)
        return self.load(Process, project.process_id).council_id

    def _council_for(self, actor: Actor, project_id: UUID) -> UUID | None:
        return self.council_of_project(project_id) if policy.needs_council(actor) else None

    def confirm_milestone(self, command: cmd.ConfirmMilestone, actor: Actor) -> Receipt:
        """A group confirms a milestone of the project its commitment is for (or an officer
        of the project's council does, through the same commitment); the recorded event
        names who confirmed, so an officer sees which group it was."""
        commitment = self.load(Commitment, command.commitment_id)
        council = self._council_for(actor, commitment.project_id)
        policy.may_confirm_milestone(
            actor,
            commitment.id,
            commitment.organisation_id,
            council,
            lapsed=commitment.status == "lapsed",
        )
        project = self.load(Project, commitment.project_id)
        project.meet_milestone(actor, command.code, command.met_on, command.evidence_url)
        return self.commit(project)

    def _require_visible(self, actor: Actor, commitment: Commitment) -> None:
        council = self._council_for(actor, commitment.project_id)
        policy.require_group_visible(
            actor, "commitment", commitment.id, commitment.organisation_id, council
        )

    def _commitment_checked(
        self, actor: Actor, commitment_id: UUID, expected_version: int | None, *, met: bool
    ) -> Commitment:
        # The policy first, the version after: a stale version must not reveal a hidden id.
        commitment = self.load(Commitment, commitment_id)
        council = self._council_for(actor, commitment.project_id)
        policy.may_mark_commitment(
            actor, commitment_id, commitment.organisation_id, council, met=met
        )
        _require_version("commitment", commitment, expected_version)
        return commitment

    def _contribution_checked(
        self, actor: Actor, contribution_id: UUID, expected_version: int | None
    ) -> Contribution:
        contribution = self.load(Contribution, contribution_id)
        council = self._council_for(actor, contribution.project_id)
        policy.may_verify_contribution(
            actor, contribution_id, contribution.organisation_id, council
        )
        _require_version("contribution", contribution, expected_version)
        return contribution


def _require_version(kind: str, aggregate: Commitment | Contribution, expected: int | None) -> None:
    if expected is not None and aggregate.version != expected:
        raise StaleVersion(kind, aggregate.id, expected, aggregate.version)
