"""Use cases for delivery: fund a project from a decision, then plan, spend, finish, report."""

from __future__ import annotations

from uuid import UUID, uuid4

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import projects as cmd
from coprod.domain.decision import IN_FORCE, Decision
from coprod.domain.errors import NotFound, RuleViolation, StaleVersion
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor, Role


class ProjectCommands(CoprodBase):
    """Officer-side delivery commands; each takes the project version the caller last saw."""

    def fund_project(self, command: cmd.FundProject, actor: Actor) -> Receipt:
        """Turn an in-force funding decision into a project with approved = the decided amount.

        ``expected_version`` is the version of the *decision* the caller saw, so a project is
        never funded from a decision that was corrected or reopened in the meantime. Funding
        the same proposal twice is refused as AlreadyExists.
        """
        decision_id = command.decision_id
        decision = self.load(Decision, decision_id)
        council = self.load(Process, decision.process_id).council_id
        policy.officer_acts_for(actor, council, f"process {decision.process_id}")
        expected = command.expected_version
        if expected is not None and decision.version != expected:
            raise StaleVersion("decision", decision_id, expected, decision.version)
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

    def schedule_milestone(self, command: cmd.ScheduleMilestone, actor: Actor) -> Receipt:
        """Plan a milestone with its due date."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.schedule_milestone(actor, c.code, c.title, c.due_on)
        return self.commit(project)

    def start_milestone(self, command: cmd.StartMilestone, actor: Actor) -> Receipt:
        """Record that work on a milestone started."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.start_milestone(actor, c.code, c.started_on)
        return self.commit(project)

    def meet_milestone(self, command: cmd.MeetMilestone, actor: Actor) -> Receipt:
        """Record that a milestone was met, with the evidence."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.meet_milestone(actor, c.code, c.met_on, c.evidence_url)
        return self.commit(project)

    def delay_milestone(self, command: cmd.DelayMilestone, actor: Actor) -> Receipt:
        """Move a milestone's due date later, with the reason."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.delay_milestone(actor, c.code, c.new_due_on, c.reason)
        return self.commit(project)

    def cancel_milestone(self, command: cmd.CancelMilestone, actor: Actor) -> Receipt:
        """Cancel a milestone, with the reason."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.cancel_milestone(actor, c.code, c.reason)
        return self.commit(project)

    def record_spend(self, command: cmd.RecordSpend, actor: Actor) -> Receipt:
        """Record spend against a funded project.

        Pass your own ``spend_id`` to make a retry safe (a repeat is AlreadyExists) and to
        correct the spend later; without one a fresh id is generated and can be read from
        ``get_project(...).spends``.
        """
        c = command
        project = self._project(actor, c.project_id, c.expected_version, "spend is recorded")
        project.record_spend(actor, c.spend_id or uuid4(), c.amount, c.spent_on, c.purpose)
        return self.commit(project)

    def correct_spend(self, command: cmd.CorrectSpend, actor: Actor) -> Receipt:
        """Correct a recorded spend to its right amount, with the reason."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version, "spend is corrected")
        project.correct_spend(actor, c.spend_id, c.amount, c.reason)
        return self.commit(project)

    def record_match_funding(self, command: cmd.RecordMatchFunding, actor: Actor) -> Receipt:
        """Record money from outside the council; pass ``funding_id`` to make a retry safe."""
        c = command
        project = self._project(
            actor, c.project_id, c.expected_version, "match funding is recorded"
        )
        funding_id = c.funding_id or uuid4()
        project.record_match_funding(actor, funding_id, c.source, c.amount, c.received_on)
        return self.commit(project)

    def complete_project(self, command: cmd.CompleteProject, actor: Actor) -> Receipt:
        """Mark the project delivered."""
        project = self._project(actor, command.project_id, command.expected_version)
        project.complete(actor, command.completed_on)
        return self.commit(project)

    def cancel_project(self, command: cmd.CancelProject, actor: Actor) -> Receipt:
        """Cancel the project, with the reason."""
        project = self._project(actor, command.project_id, command.expected_version)
        project.cancel(actor, command.reason)
        return self.commit(project)

    def define_indicator(self, command: cmd.DefineIndicator, actor: Actor) -> Receipt:
        """Declare an outcome indicator and its target."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.define_indicator(actor, c.code, c.description, c.unit, c.target)
        return self.commit(project)

    def report_outcome(self, command: cmd.ReportOutcome, actor: Actor) -> Receipt:
        """Report a reading of an outcome indicator."""
        c = command
        project = self._project(actor, c.project_id, c.expected_version)
        project.report_outcome(actor, c.code, c.actual, c.beneficiaries, c.reported_on)
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
