"""Use cases for opening and running a process: budget, rules, areas, phases, the ballot box."""

from __future__ import annotations

from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.domain.errors import StaleVersion
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, Process, ProcessKind
from coprod.domain.values import Actor, Money
from coprod.domain.voting import SelectionRule, VotingRules


class ProcessCommands(CoprodBase):
    """Council-side commands on a process; each takes the version the caller last saw."""

    def open_process(
        self,
        actor: Actor,
        council_id: UUID,
        code: str,
        name: str,
        currency: str,
        kind: ProcessKind = ProcessKind.PB_CYCLE,
    ) -> Receipt:
        """Open a process; opening the same (council, code) twice is refused as AlreadyExists.

        An officer opens processes for their own council only (application.policy).
        """
        policy.may_open_process(actor, council_id)
        process = Process.open(actor, council_id, code, name, kind, currency)
        return self.commit(process)

    def set_budget(
        self,
        actor: Actor,
        process_id: UUID,
        pot: Money,
        budget_base: Money | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.set_budget(actor, pot, budget_base)
        return self.commit(process)

    def set_eligible_population(
        self, actor: Actor, process_id: UUID, eligible: int, expected_version: int | None = None
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.set_eligible_population(actor, eligible)
        return self.commit(process)

    def define_areas(
        self,
        actor: Actor,
        process_id: UUID,
        areas: tuple[Area, ...],
        expected_version: int | None = None,
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.define_areas(actor, areas)
        return self.commit(process)

    def set_rules(
        self,
        actor: Actor,
        process_id: UUID,
        voting: VotingRules,
        selection: SelectionRule,
        expected_version: int | None = None,
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.set_rules(actor, voting, selection)
        return self.commit(process)

    def schedule_phases(
        self,
        actor: Actor,
        process_id: UUID,
        schedule: tuple[PhaseDates, ...],
        expected_version: int | None = None,
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.schedule_phases(actor, schedule)
        return self.commit(process)

    def advance_phase(
        self, actor: Actor, process_id: UUID, to_phase: Phase, expected_version: int | None = None
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.advance_phase(actor, to_phase)
        return self.commit(process)

    def close_ballot(
        self, actor: Actor, process_id: UUID, expected_version: int | None = None
    ) -> Receipt:
        process = self._council_process(actor, process_id, expected_version)
        process.close_ballot(actor)
        return self.commit(process)

    def set_disclosure_threshold(
        self, actor: Actor, process_id: UUID, k: int, expected_version: int | None = None
    ) -> Receipt:
        """Set the k of this process's published tables (default 5, never below 3).

        Only an officer of the process's own council: k guards residents' privacy.
        """
        process = self._council_process(actor, process_id, expected_version, officers_only=True)
        process.set_disclosure_threshold(actor, k)
        return self.commit(process)

    def set_minimum_hearing_period(
        self, actor: Actor, process_id: UUID, days: int, expected_version: int | None = None
    ) -> Receipt:
        """Set the least days a party gets to answer a hearing in this process (default 14).

        Only an officer of the process's own council: the period protects parties' right
        to be heard, so nobody else may shorten it (application.policy).
        """
        process = self._council_process(actor, process_id, expected_version, officers_only=True)
        process.set_minimum_hearing_period(actor, days)
        return self.commit(process)

    def get_process(self, process_id: UUID) -> Process:
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
