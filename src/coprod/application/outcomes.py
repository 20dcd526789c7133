"""Use cases for counting a closed vote: compute an outcome under a rule, and record it.

Ballots are read from the event log (there is no ballot read model yet, and a ballot's id
derives from a pseudonym, so they cannot be listed through the repository): the scan reads every
``BallotCast`` up to the log position taken when it starts, keeps the process's, and remembers
that position, so the recorded outcome says exactly which part of the log it counted. Replace the
scan with a projection query once the read side holds ballots.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from uuid import UUID

from eventsourcing.utils import get_topic

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import outcomes as cmd
from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.errors import NotFound
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.rules.options import RuleOptions
from coprod.domain.tally import Tally, compute, require_closed
from coprod.domain.values import Actor
from coprod.domain.voting import BallotChoices

_PAGE = 1_000


@dataclass(frozen=True)
class CountedOutcome:
    """A computed (not necessarily recorded) outcome and what it was computed from.

    ``names`` maps each public project id to a display name (the Pabulib name, or the
    proposal's title); ``counted_up_to`` and ``ballots_sha256`` identify the ballots counted.
    """

    process_id: UUID
    tally: Tally
    counted_up_to: int
    ballots_sha256: str
    id_scheme: str
    names: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RecordedOutcome(Receipt):
    """The receipt of a recorded outcome, with the count it recorded (so a caller that shows
    why each project is in or out need not count, and load the process, a second time)."""

    counted: CountedOutcome


@dataclass(frozen=True)
class _Box:
    choices: tuple[BallotChoices, ...]
    counted_up_to: int
    sha256: str


class OutcomeCommands(CoprodBase):
    """Counting the closed ballot box under a named or the declared rule."""

    def compute_outcome(
        self,
        process_id: UUID,
        rule: str,
        threshold: int | None = None,
        options: RuleOptions | None = None,
    ) -> CountedOutcome:
        """Apply ``rule`` to the closed ballot; an open or unknown ballot is refused, not counted.

        ``options``: the reserve share, exclusion groups and tie-break (:class:`RuleOptions`).
        """
        return self._count(self.load(Process, process_id), rule, threshold, options)

    def record_outcome(self, command: cmd.RecordOutcome, actor: Actor) -> RecordedOutcome:
        """Compute and record the outcome; recording the same (process, rule) again is AlreadyExists.

        The process is loaded once and both counted and recorded from that one state. An
        officer records only for their own council's process (the policy, 403 otherwise).
        """
        process = self.load(Process, command.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {process.id}")
        counted = self._count(process, command.rule, command.threshold, command.options)
        outcome = Outcome.record(
            actor, process, counted.tally, counted.counted_up_to, counted.ballots_sha256
        )
        receipt = self.commit(outcome)
        return RecordedOutcome(receipt.aggregate_id, receipt.version, receipt.position, counted)

    def _count(
        self, process: Process, rule: str, threshold: int | None, options: RuleOptions | None
    ) -> CountedOutcome:
        require_closed(process)
        public_ids, names, scheme = self._public_ids(process)
        box = self._ballot_box(process.id)
        options = replace(options or RuleOptions(), threshold=threshold)
        tally = compute(rule, process, box.choices, public_ids, id_scheme=scheme, options=options)
        return CountedOutcome(process.id, tally, box.counted_up_to, box.sha256, scheme, names)

    def get_outcome(self, process_id: UUID, rule: str) -> Outcome:
        return self.load(Outcome, Outcome.create_id(process_id, rule))

    # -- reading the log -------------------------------------------------------------------------

    def _ballot_box(self, process_id: UUID) -> _Box:
        """The process's counted ballots in log order, up to the position taken before reading.

        The ballot box's opening and closing are read beside the casts, so that which ballots
        count is decided by :func:`coprod.domain.ballot.ballot_counts`, as the read models decide.
        """
        stop = self.recorder.max_notification_id() or 0
        cast_topic = get_topic(Ballot.BallotCast)
        state_topics = {
            get_topic(Process.BallotOpened): "open",
            get_topic(Process.BallotClosed): "closed",
        }
        topics = [cast_topic, *state_topics]
        digest = hashlib.sha256()
        choices: list[BallotChoices] = []
        state: str | None = None
        start = 1
        while start <= stop:
            page = self.recorder.select_notifications(start, _PAGE, stop=stop, topics=topics)
            if not page:
                break
            for notification in page:
                if notification.topic in state_topics:
                    if notification.originator_id == process_id:
                        state = state_topics[notification.topic]
                    continue
                cast = self.mapper.to_domain_event(notification)
                if (
                    isinstance(cast, Ballot.BallotCast)
                    and cast.process_id == process_id
                    and ballot_counts(state)
                ):
                    choices.append(cast.choices)
                    digest.update(cast.originator_id.bytes)
            start = page[-1].id + 1
        return _Box(tuple(choices), stop, digest.hexdigest())

    def _public_ids(
        self, process: Process
    ) -> tuple[dict[UUID, str], tuple[tuple[str, str], ...], str]:
        """Pabulib project ids for an imported process (ties break on them), else proposal ids."""
        found: PabulibSource | None = None
        topics = [get_topic(PabulibSource.FileImportStarted)]
        start = 1
        while True:
            page = self.recorder.select_notifications(start, _PAGE, topics=topics)
            if not page:
                break
            for notification in page:
                started = self.mapper.to_domain_event(notification)
                if getattr(started, "process_id", None) == process.id:
                    found = self.load(PabulibSource, started.originator_id)
            start = page[-1].id + 1
        on_paper = [o.proposal_id for o in process.ballot_options]
        if found is not None:
            by_proposal = {p.proposal_id: p for p in found.projects}
            if all(pid in by_proposal for pid in on_paper):
                ids = {pid: by_proposal[pid].project_id for pid in on_paper}
                names = tuple((ids[pid], by_proposal[pid].name) for pid in on_paper)
                return ids, names, "pabulib"
        ids = {pid: str(pid) for pid in on_paper}
        names = tuple((str(pid), self._title(pid)) for pid in on_paper)
        return ids, names, "proposal"

    def _title(self, proposal_id: UUID) -> str:
        """The proposal's title, or "" for one not stored (one load, no existence check)."""
        try:
            return self.load(Proposal, proposal_id).title
        except NotFound:
            return ""
