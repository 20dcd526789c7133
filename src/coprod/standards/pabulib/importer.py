"""The import use case: one Pabulib file becomes one process, its proposals, ballots and decisions.

Order of work, and why:

1. **Validate the whole file first** (a streaming pass): format, counts, ids, and every ballot
   against the declared voting rules through the domain's own `check_ballot`. A malformed file
   is refused with its line number before anything is written.
2. **Setup in one transaction**: the council (if new), the process with budget, areas, rules and
   schedule, every project as an idea developed, assessed, shortlisted and put on the ballot
   paper, and the provenance record (:mod:`coprod.domain.pabulib_source`). Events are saved in the
   order they happened, across aggregates, so the log reads as the cycle ran.
3. **Ballots in batches** (``batch_size`` per transaction), written in their stored form by
   :mod:`coprod.standards.pabulib.stored`: the first pass checked every ballot against these rules, the
   first ballot is cast through `Ballot.cast` and the mapper to hold the direct encoding to
   theirs. The voter id is pseudonymised (HMAC, per-process secret) and only age band, sex and
   channel are kept.
4. **Close in one transaction**: ballot closed, the city's decisions (if the file has a
   `selected` column) with their decision records, and the provenance record marked complete.

A crash between 2 and 4 leaves an unfinished import that is visible (the record is not
complete, the ballot still open) and is resumed by importing the same file again: batches
already saved are recognised by their last ballot's deterministic id and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from coprod.application import Coprod
from coprod.domain.errors import AlreadyExists, CoprodError, InvalidInput, StoreUnavailable
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.process import Process
from coprod.standards.pabulib.checker import check_file
from coprod.standards.pabulib.closing import Closing
from coprod.standards.pabulib.grammar import PabulibFormatError
from coprod.standards.pabulib.mapping import refusal_at
from coprod.standards.pabulib.opening import Opening
from coprod.standards.pabulib.parser import PabulibReader
from coprod.standards.pabulib.pseudonyms import ProcessPseudonyms
from coprod.standards.pabulib.stored import BallotEvents
from coprod.standards.pabulib.validation import Progress, validate_file

DEFAULT_BATCH = 5_000


@dataclass(frozen=True)
class ImportResult:
    """What one file's import did; `duplicate` explains a file that was not imported again."""

    path: Path
    process_id: UUID
    events: int
    ballots: int
    decisions: int
    duplicate: str | None = None
    resumed: bool = False
    ignored_keys: tuple[str, ...] = ()
    checker_warnings: tuple[str, ...] = field(default=())


def import_file(
    app: Coprod,
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    use_checker: bool = True,
) -> ImportResult:
    """Import one Pabulib file (see the module docstring); a repeat is reported, not duplicated."""
    if batch_size < 1:
        raise InvalidInput("batch_size", "must be at least 1")
    checked = validate_file(path, progress)
    warnings: tuple[str, ...] = ()
    if use_checker:
        report = check_file(path)
        if not report.ok:
            raise PabulibFormatError(
                None, "pabulib-checker refuses the file: " + "; ".join(report.errors[:5])
            )
        warnings = report.warnings
    return _Import(app, checked, batch_size, progress, warnings).run()


class _Import(Opening, Closing):
    """One file's writing passes; see the module docstring for the transaction boundaries."""

    def run(self) -> ImportResult:
        resumed = False
        if self.app.exists(self.source_id):
            source = self.app.load(PabulibSource, self.source_id)
            if source.completed:
                return self._duplicate(
                    source.process_id,
                    f"this file (sha256 {self.checked.sha256[:12]}…) was already imported "
                    f"as process {source.process_id}",
                )
            process = self.app.load(Process, source.process_id)
            proposal_of = {p.project_id: p.proposal_id for p in source.projects}
            resumed = True
        elif self.app.exists(self.process_id):
            return self._duplicate(
                self.process_id,
                f"process {self.process_id} ({self.slug}, {self.code}) already exists: this "
                "election was imported from another file or created by hand",
            )
        else:
            process, proposal_of, source = self._setup()
        ballots = self._ballots(process, proposal_of, resume=resumed)
        decisions = self._close(process, proposal_of, source, ballots)
        return ImportResult(
            self.checked.path,
            process.id,
            self.events,
            ballots,
            decisions,
            resumed=resumed,
            ignored_keys=self.ignored,
            checker_warnings=self.warnings,
        )

    def _duplicate(self, process_id: UUID, reason: str) -> ImportResult:
        return ImportResult(
            self.checked.path, process_id, 0, 0, 0, duplicate=reason, ignored_keys=self.ignored
        )

    # -- 3. ballots ----------------------------------------------------------------------------

    def _ballots(self, process: Process, proposal_of: dict[str, UUID], *, resume: bool) -> int:
        pseudonymise = ProcessPseudonyms(self.app.personal_data, process.id)
        events = BallotEvents(self.app.mapper, process, self.actor, proposal_of, pseudonymise)
        total = self.checked.num_votes
        done = 0
        batch: list[StoredEvent] = []
        with PabulibReader(self.checked.path) as reader:
            for vote in reader.votes():
                try:
                    batch.append(events.stored(vote))
                except CoprodError as e:  # the first pass makes this unreachable
                    raise refusal_at(vote.line, e) from None
                if len(batch) >= self.batch_size:
                    done += self._save_batch(batch, resume)
                    batch = []
                    if self.progress is not None:
                        self.progress("write", done, total)
            if batch:
                done += self._save_batch(batch, resume)
        if self.progress is not None:
            self.progress("write", total, total)
        return done

    def _save_batch(self, batch: list[StoredEvent], resume: bool) -> int:
        """One transaction of ballots, straight to the recorder (they are new aggregates)."""
        if resume and self.app.exists(batch[-1].originator_id):  # type: ignore[arg-type]
            return len(batch)  # saved before the interruption: batches are all-or-nothing
        try:
            self.app.recorder.insert_events(batch)
        except IntegrityError:
            raise AlreadyExists("ballot", batch[0].originator_id) from None
        except OperationalError as e:
            raise StoreUnavailable(
                f"the store did not accept the write ({e}); re-run the import to resume"
            ) from e
        self.events += len(batch)
        return len(batch)
