"""Use cases for delivery: fund a project from a decision, then plan, spend, finish, report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.domain.decision import IN_FORCE, Decision
from coprod.domain.errors import NotFound, RuleViolation, StaleVersion
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor, Money, Role


class ProjectCommands(CoprodBase):
    """Officer-side delivery commands; each takes the project version the caller last saw."""

    def fund_project(
        self, actor: Actor, decision_id: UUID, expected_version: int | None = None
    ) -> Receipt:
        """Turn an in-force funding decision into a project with approved = the decided amount.

        ``expected_version`` is the version of the *decision* the caller saw, so a project is
        never funded from a decision that was corrected or reopened in the meantime. Funding
        the same proposal twice is refused as AlreadyExists.
        """
        decision = self.load(Decision, decision_id)
        council = self.load(Process, decision.process_id).council_id
        policy.officer_acts_for(actor, council, f"process {decision.process_id}")
        if expected_version is not None and decision.version != expected_version:
            raise StaleVersion("decision", decision_id, expected_version, decision.version)
        if decision.status != IN_FORCE:
            raise RuleViolation(
                f"decision {decision_id} is {decision.status}; only a decision in force "
                "funds a project",
                rule="funding-decision",
            )
        if not decision.outcome.funded or decision.amount is None:
            raise RuleViolation(
                f"decision {decision_id} is {decision.outcome.value}; only a decision to fund "
                "in full or partially funds a project",
                rule="funding-decision",
            )
        proposal = self.load(Proposal, decision.proposal_id)
        project = Project.fund(
            actor,
            decision.process_id,
            decision.proposal_id,
            decision_id,
            proposal.title,
            decision.amount,
        )
        return self.commit(project)

    def schedule_milestone(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        title: str,
        due_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.schedule_milestone(actor, code, title, due_on)
        return self.commit(project)

    def start_milestone(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        started_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.start_milestone(actor, code, started_on)
        return self.commit(project)

    def meet_milestone(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        met_on: date,
        evidence_url: str,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.meet_milestone(actor, code, met_on, evidence_url)
        return self.commit(project)

    def delay_milestone(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        new_due_on: date,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.delay_milestone(actor, code, new_due_on, reason)
        return self.commit(project)

    def cancel_milestone(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.cancel_milestone(actor, code, reason)
        return self.commit(project)

    def record_spend(
        self,
        actor: Actor,
        project_id: UUID,
        amount: Money,
        spent_on: date,
        purpose: str,
        spend_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Record spend against a funded project.

        Pass your own ``spend_id`` to make a retry safe (a repeat is AlreadyExists) and to
        correct the spend later; without one a fresh id is generated and can be read from
        ``get_project(...).spends``.
        """
        project = self._project(actor, project_id, expected_version, doing="spend is recorded")
        project.record_spend(actor, spend_id or uuid4(), amount, spent_on, purpose)
        return self.commit(project)

    def correct_spend(
        self,
        actor: Actor,
        project_id: UUID,
        spend_id: UUID,
        amount: Money,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version, doing="spend is corrected")
        project.correct_spend(actor, spend_id, amount, reason)
        return self.commit(project)

    def record_match_funding(
        self,
        actor: Actor,
        project_id: UUID,
        source: str,
        amount: Money,
        received_on: date,
        funding_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Record money from outside the council; pass ``funding_id`` to make a retry safe."""
        project = self._project(
            actor, project_id, expected_version, doing="match funding is recorded"
        )
        project.record_match_funding(actor, funding_id or uuid4(), source, amount, received_on)
        return self.commit(project)

    def complete_project(
        self,
        actor: Actor,
        project_id: UUID,
        completed_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.complete(actor, completed_on)
        return self.commit(project)

    def cancel_project(
        self, actor: Actor, project_id: UUID, reason: str, expected_version: int | None = None
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.cancel(actor, reason)
        return self.commit(project)

    def define_indicator(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        description: str,
        unit: str,
        target: Decimal,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.define_indicator(actor, code, description, unit, target)
        return self.commit(project)

    def report_outcome(
        self,
        actor: Actor,
        project_id: UUID,
        code: str,
        actual: Decimal,
        beneficiaries: int | None,
        reported_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        project = self._project(actor, project_id, expected_version)
        project.report_outcome(actor, code, actual, beneficiaries, reported_on)
        return self.commit(project)

    def get_project(self, project_id: UUID) -> Project:
        return self.load(Project, project_id)

    def _project(
        self,
        actor: Actor,
        project_id: UUID,
        expected_version: int | None,
        doing: str | None = None,
    ) -> Project:
        """Load a project the actor may act on (policy: an officer of its process's council);
        for spend, say why an id that is not a project is refused."""
        try:
            project = self.load(Project, project_id)
        except NotFound as e:
            if doing is not None:
                e.args = (f"{e}; {doing} against funded projects only",)
            raise
        if actor.role is Role.COUNCIL_OFFICER:
            council = self.load(Process, project.process_id).council_id
            policy.officer_acts_for(actor, council, f"process {project.process_id}")
        if expected_version is not None and project.version != expected_version:
            raise StaleVersion("project", project_id, expected_version, project.version)
        return project
