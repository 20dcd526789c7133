"""Use cases for opening and running a process: budget, rules, areas, phases, the ballot box.

Each handler takes its command (:mod:`coprod.application.commands.processes`) and the acting
Actor, checks the actor with :mod:`coprod.application.policy`, then the version the caller
last saw, and saves the process.
"""

from __future__ import annotations

from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    DefineAreas,
    OpenProcess,
    SchedulePhases,
    SetBudget,
    SetDisclosureThreshold,
    SetEligiblePopulation,
    SetMinimumHearingPeriod,
    SetRules,
)
from coprod.domain.errors import StaleVersion
from coprod.domain.process import Process
from coprod.domain.values import Actor


class ProcessCommands(CoprodBase):
    """Council-side commands on a process; each takes the version the caller last saw."""

    def open_process(self, command: OpenProcess, actor: Actor) -> Receipt:
        """Open a process; opening the same (council, code) twice is refused as AlreadyExists.

        An officer opens processes for their own council only (application.policy).
        """
        c = command
        policy.may_open_process(actor, c.council_id)
        process = Process.open(actor, c.council_id, c.code, c.name, c.kind, c.currency)
        return self.commit(process)

    def set_budget(self, command: SetBudget, actor: Actor) -> Receipt:
        """Set the pot and the budget base (the process refuses it once the vote is open)."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.set_budget(actor, command.pot, command.budget_base)
        return self.commit(process)

    def set_eligible_population(self, command: SetEligiblePopulation, actor: Actor) -> Receipt:
        """Set how many may vote, the denominator of turnout."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.set_eligible_population(actor, command.eligible)
        return self.commit(process)

    def define_areas(self, command: DefineAreas, actor: Actor) -> Receipt:
        """Define the districts ideas and ballots name."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.define_areas(actor, command.areas)
        return self.commit(process)

    def set_rules(self, command: SetRules, actor: Actor) -> Receipt:
        """Declare the voting and selection rules before the vote."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.set_rules(actor, command.voting, command.selection)
        return self.commit(process)

    def schedule_phases(self, command: SchedulePhases, actor: Actor) -> Receipt:
        """Publish the planned dates of the phases."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.schedule_phases(actor, command.schedule)
        return self.commit(process)

    def advance_phase(self, command: AdvancePhase, actor: Actor) -> Receipt:
        """Move the process to a later phase; the process refuses going back."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.advance_phase(actor, command.to_phase)
        return self.commit(process)

    def close_ballot(self, command: CloseBallot, actor: Actor) -> Receipt:
        """Close the vote; casts after this commit are refused."""
        process = self._council_process(actor, command.process_id, command.expected_version)
        process.close_ballot(actor)
        return self.commit(process)

    def set_disclosure_threshold(self, command: SetDisclosureThreshold, actor: Actor) -> Receipt:
        """Set the k of this process's published tables (default 5, never below 3).

        Only an officer of the process's own council: k guards residents' privacy.
        """
        process = self._council_process(
            actor, command.process_id, command.expected_version, officers_only=True
        )
        process.set_disclosure_threshold(actor, command.k)
        return self.commit(process)

    def set_minimum_hearing_period(self, command: SetMinimumHearingPeriod, actor: Actor) -> Receipt:
        """Set the least days a party gets to answer a hearing in this process (default 14).

        Only an officer of the process's own council: the period protects parties' right
        to be heard, so nobody else may shorten it (application.policy).
        """
        process = self._council_process(
            actor, command.process_id, command.expected_version, officers_only=True
        )
        process.set_minimum_hearing_period(actor, command.days)
        return self.commit(process)

    def get_process(self, process_id: UUID) -> Process:
        """The process as it stands now (public)."""
        return self.load(Process, process_id)

    def _council_process(
        self,
        actor: Actor,
        process_id: UUID,
        expected_version: int | None,
        officers_only: bool = False,
    ) -> Process:
        """The process, if the actor may act on it (policy: an officer of its own council).

        With `officers_only`, settings the domain does not guard by role (the privacy
        threshold, the hearing period) refuse every other role here. The version is compared
        after the policy, so another council's officer gets the policy's answer whatever
        version they name.
        """
        process = self.load(Process, process_id)
        what = f"process {process_id}"
        if officers_only:
            policy.council_officer_of(actor, process.council_id, what)
        else:
            policy.officer_acts_for(actor, process.council_id, what)
        if expected_version is not None and process.version != expected_version:
            raise StaleVersion("process", process_id, expected_version, process.version)
        return process
