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

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.domain.aggregate import natural_id
from coprod.domain.case_file import CaseFact
from coprod.domain.decision import (
    IN_FORCE,
    Decision,
    DecisionAct,
    DecisionOutcome,
    DecisionRecord,
)
from coprod.domain.errors import AlreadyExists, CoprodError, InvalidInput, StoreUnavailable
from coprod.domain.hearing_dates import require_not_future
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.pabulib_source import PabulibIdentity, PabulibProject, PabulibSource
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, Process, ProcessKind
from coprod.domain.proposal import TITLE_MAX_LENGTH, Proposal
from coprod.domain.values import Money
from coprod.domain.voting import BallotOption, SelectionRule, VotingRules, check_ballot
from coprod.standards.pabulib.checker import check_file
from coprod.standards.pabulib.mapping import (
    choices_for,
    currency_of,
    refusal_at,
    selection_rule,
    slugify,
    voting_rules,
)
from coprod.standards.pabulib.parser import (
    PabulibFormatError,
    PabulibReader,
    PbHeader,
    PbProject,
    parse_date,
)
from coprod.standards.pabulib.pseudonyms import ProcessPseudonyms
from coprod.standards.pabulib.stored import BallotEvents

#: stage ("validate" | "write"), ballots done, ballots in the file.
Progress = Callable[[str, int, int], None]

#: The proposal fields a Pabulib project may lack, filled with a visible placeholder.
NO_AREA = "whole-unit"
NO_CATEGORY = "uncategorised"
DEFAULT_BATCH = 5_000
#: META keys kept (in the process or the provenance record); others are reported, not kept.
KEPT_META = frozenset(
    {
        "description",
        "country",
        "unit",
        "instance",
        "subunit",
        "district",
        "num_projects",
        "num_votes",
        "budget",
        "vote_type",
        "rule",
        "date_begin",
        "date_end",
        "currency",
        "language",
        "edition",
        "experimental",
        "min_length",
        "max_length",
        "max_sum_cost",
        "min_points",
        "max_points",
        "min_sum_points",
        "max_sum_points",
        "default_score",
        "min_project_score_threshold",
    }
)
_VOTER_COLUMNS = ("age", "sex", "voting_method")
#: The verdict on a ballot depends only on what it marks, and city files repeat popular
#: ballots (half of Kraków 2024's are repeats); the first pass remembers this many accepted
#: ballots (a few MB at most) so it checks each distinct one once.
_REMEMBERED_BALLOTS = 20_000


@dataclass(frozen=True)
class ValidatedFile:
    """What the first pass established: the file is well formed and every ballot is valid."""

    path: Path
    sha256: str
    header: PbHeader
    currency: str
    voting: VotingRules
    selection: SelectionRule
    votes: dict[str, int]
    scores: dict[str, int]

    @property
    def num_votes(self) -> int:
        return self.header.num_votes


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_file(path: Path, progress: Progress | None = None) -> ValidatedFile:
    """The first pass: refuse a malformed file (PabulibFormatError, with its line) or describe it."""
    sha = file_sha256(path)
    with PabulibReader(path) as reader:
        header = reader.header
        currency = currency_of(header)
        rules = voting_rules(header, currency)
        selection = selection_rule(header)
        options = tuple(
            BallotOption(_probe_id(p.project_id), Money(p.cost, currency)) for p in header.projects
        )
        probe_ids = {
            p.project_id: o.proposal_id for p, o in zip(header.projects, options, strict=True)
        }
        votes: Counter[str] = Counter()
        scores: Counter[str] = Counter()
        total = header.num_votes
        accepted: set[tuple[tuple[str, ...], tuple[int, ...]]] = set()
        for count, vote in enumerate(reader.votes(), start=1):
            marks = (vote.projects, vote.points)
            if marks not in accepted:
                choices = choices_for(vote, rules.method, probe_ids)
                try:
                    check_ballot(rules, options, choices)
                except CoprodError as e:
                    raise refusal_at(vote.line, e) from None
                if len(accepted) < _REMEMBERED_BALLOTS:
                    accepted.add(marks)
            votes.update(vote.projects)
            if vote.points:
                for project_id, points in zip(vote.projects, vote.points, strict=True):
                    scores[project_id] += points
            else:
                for position, project_id in enumerate(vote.projects):
                    scores[project_id] += len(vote.projects) - position
            if progress is not None and count % 5_000 == 0:
                progress("validate", count, total)
    if progress is not None:
        progress("validate", total, total)
    return ValidatedFile(path, sha, header, currency, rules, selection, dict(votes), dict(scores))


def _probe_id(project_id: str) -> UUID:
    return natural_id("pabulib-probe", project_id)


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


class _Import:
    """One file's writing passes; see the module docstring for the transaction boundaries."""

    def __init__(
        self,
        app: Coprod,
        checked: ValidatedFile,
        batch_size: int,
        progress: Progress | None,
        warnings: tuple[str, ...],
    ) -> None:
        self.app = app
        self.checked = checked
        self.header = checked.header
        self.meta = checked.header.meta
        self.batch_size = batch_size
        self.progress = progress
        self.warnings = warnings
        self.actor = SYSTEM_ACTOR
        self.events = 0
        self.slug = slugify(f"{self.meta['country']}-{self.meta['unit']}") or "pabulib-unit"
        self.council_id = Organisation.create_id(self.slug)
        self.code = _process_code(self.meta)
        self.process_id = Process.create_id(self.council_id, self.code)
        self.source_id = PabulibSource.create_id(checked.sha256)
        self.ignored = tuple(sorted(k for k in self.meta if k not in KEPT_META))
        self.decided_on = parse_date(self.meta["date_end"], None, "date_end", end=True)
        if self.header.has_selected:
            # The decisions and their facts are dated date_end: refused now, before anything
            # is written, rather than after the ballots when the first decision is made.
            require_not_future("date_end", self.decided_on)

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

    # -- 2. setup ------------------------------------------------------------------------------

    def _setup(self) -> tuple[Process, dict[str, UUID], PabulibSource]:
        actor, meta, checked = self.actor, self.meta, self.checked
        log: list[DomainEventProtocol[UUID]] = []

        def take(*aggregates: Aggregate) -> None:
            for aggregate in aggregates:
                log.extend(aggregate.collect_events())

        if not self.app.exists(self.council_id):
            display = f"{meta['unit']} ({meta['country']})"
            take(Organisation.register(actor, self.slug, OrganisationKind.COUNCIL, display))
        process = Process.open(
            actor,
            self.council_id,
            self.code,
            _process_name(meta),
            ProcessKind.PB_CYCLE,
            checked.currency,
        )
        process.set_budget(actor, Money.of(meta["budget"], checked.currency))
        areas = _areas(self.header.projects)
        if areas:
            process.define_areas(actor, tuple(areas.values()))
        process.set_rules(actor, checked.voting, checked.selection)
        begin = parse_date(meta["date_begin"], None, "date_begin", end=False)
        process.schedule_phases(actor, (PhaseDates(Phase.VOTE, begin, self.decided_on),))
        take(process)
        proposals: dict[str, Proposal] = {}
        for project in self.header.projects:
            proposal = self._proposal(project, areas, process)
            proposals[project.project_id] = proposal
            take(proposal)
        process.advance_phase(actor, Phase.REVIEW)
        take(process)
        for project in self.header.projects:
            proposal = proposals[project.project_id]
            cost = Money(project.cost, checked.currency)
            proposal.assess(actor, True, "costed as published in the Pabulib file", cost)
            proposal.shortlist(actor)
            take(proposal)
        process.advance_phase(actor, Phase.VOTE)
        process.open_ballot(
            actor,
            tuple(
                BallotOption(proposals[p.project_id].id, Money(p.cost, checked.currency))
                for p in self.header.projects
            ),
        )
        take(process)
        source = PabulibSource(
            actor=actor,
            process_id=process.id,
            sha256=checked.sha256,
            identity=_identity(meta),
            projects=tuple(
                PabulibProject(
                    project_id=p.project_id,
                    proposal_id=proposals[p.project_id].id,
                    name=p.name or "",
                    categories=p.categories,
                    beneficiaries=p.beneficiaries,
                    area=p.area,
                    selected=p.selected,
                )
                for p in self.header.projects
            ),
            area_column=self.header.area_column,
            voter_columns=tuple(c for c in _VOTER_COLUMNS if c in self.header.vote_columns),
            ignored_keys=self.ignored,
        )
        take(source)
        self._save(log, first_is=process)
        return process, {k: v.id for k, v in proposals.items()}, source

    def _proposal(self, project: PbProject, areas: dict[str, Area], process: Process) -> Proposal:
        actor = self.actor
        process.require_phase("submit an idea", Phase.IDEAS, Phase.DEVELOPMENT)
        # A title is one line: a name written over several lines in the file is joined.
        name = " ".join((project.name or f"Project {project.project_id}").split())
        title = name if len(name) <= TITLE_MAX_LENGTH else name[: TITLE_MAX_LENGTH - 1] + "…"
        area_code = areas[project.area].code if project.area is not None else None
        category = project.categories[0] if project.categories else None
        try:
            proposal = Proposal.submit(
                actor, process.id, title, project.description or name, area_code, category
            )
            proposal.develop(
                actor,
                Money(project.cost, self.checked.currency),
                area_code or NO_AREA,
                category or NO_CATEGORY,
                (),
            )
        except InvalidInput as e:
            raise PabulibFormatError(project.line, f"project {project.project_id}: {e}") from None
        return proposal

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

    # -- 4. close ------------------------------------------------------------------------------

    def _close(
        self, process: Process, proposal_of: dict[str, UUID], source: PabulibSource, ballots: int
    ) -> int:
        actor = self.actor
        log: list[DomainEventProtocol[UUID]] = []
        process.close_ballot(actor)
        decisions = 0
        if self.header.has_selected:
            process.advance_phase(actor, Phase.DECISION)
        log.extend(process.collect_events())
        if self.header.has_selected:
            for project in self.header.projects:
                assert project.selected is not None
                proposal = self.app.load(Proposal, proposal_of[project.project_id])
                decision = self._decide(process, proposal, project)
                log.extend(proposal.collect_events())
                log.extend(decision.collect_events())
                proposal.record_decision(actor, decision.id, decision.outcome, IN_FORCE)
                log.extend(proposal.collect_events())
                decisions += 1
        source.complete(actor, ballots, decisions)
        log.extend(source.collect_events())
        self._save(log, first_is=process)
        return decisions

    def _decide(self, process: Process, proposal: Proposal, project: PbProject) -> Decision:
        """The city's decision as the council's, citing the declared rule and the vote result."""
        actor, meta = self.actor, self.meta
        assert project.selected is not None
        funded = project.selected >= 1
        fact_id = natural_id("pabulib-fact", process.id, project.project_id)
        votes = self.checked.votes.get(project.project_id, 0)
        score = self.checked.scores.get(project.project_id, 0)
        summary = (
            f"Published result of the vote (Pabulib file sha256 {self.checked.sha256[:12]}): "
            f"project {project.project_id} received {votes} votes"
            + (f" and a score of {score}" if meta["vote_type"] != "approval" else "")
            + f"; the city marks it selected={project.selected}."
        )
        # The vote result was on the case file when the city decided (date_end), not on the
        # day of the import: the fact carries the decision's date, so "decided after the
        # facts" holds and the case file reads in its real order.
        fact = CaseFact(summary, not funded, True, True, noted_on=self.decided_on)
        proposal.record_fact(actor, fact_id, fact)
        basis = (
            f"The selection rule declared before the vote: {meta['rule']} "
            f"(Pabulib rule), over a budget of {meta['budget']} {self.checked.currency}",
        )
        cost = Money(project.cost, self.checked.currency)
        if funded:
            consideration = (
                "The project was selected for funding under the declared rule"
                + (
                    ""
                    if project.selected == 1
                    else f" (selected={project.selected}: a special case explained in the file's comment)"
                )
                + "; the city's published outcome is recorded as the council's decision."
            )
            record = DecisionRecord(basis, (consideration,), (fact_id,), None, _NO_APPEAL)
            act = DecisionAct(DecisionOutcome.FUNDED_IN_FULL, cost, record, self.decided_on)
            return Decision.decide(actor, process.id, proposal.id, act, assessed_cost=cost)
        consideration = (
            "Under the declared rule the project's votes did not earn it a place within the "
            "budget; the city's published outcome is recorded as the council's decision."
        )
        record = DecisionRecord(basis, (consideration,), (fact_id,), None, _NO_APPEAL)
        act = DecisionAct(DecisionOutcome.REJECTED, None, record, self.decided_on)
        return Decision.decide(actor, process.id, proposal.id, act, assessed_cost=cost)

    # -- saving --------------------------------------------------------------------------------

    def _save(self, log: list[Any], first_is: Aggregate) -> None:
        try:
            self.app.save(*log)
        except IntegrityError:
            raise AlreadyExists(type(first_is).__name__.lower(), first_is.id) from None
        except OperationalError as e:
            raise StoreUnavailable(
                f"the store did not accept the write ({e}); re-run the import to resume"
            ) from e
        self.events += len(log)


#: Pabulib outcomes are historical: any appeal route was the city's and has lapsed.
_NO_APPEAL = (
    "This records a participatory-budgeting outcome the city published; it was imported from "
    "Pabulib, and any complaint route was the city's own at the time."
)


def _process_code(meta: dict[str, str]) -> str:
    """Readable and unique per election, as Pabulib's own file names are (unit, instance, subunit)."""
    parts = ["pabulib", meta["instance"]]
    if meta.get("subunit"):
        parts.append(meta["subunit"])
    code = "/".join(parts)
    if len(code) <= 80:
        return code
    return "pabulib/" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:32]


def _process_name(meta: dict[str, str]) -> str:
    if len(meta["description"]) <= 200:
        return meta["description"]
    return " ".join(p for p in (meta["unit"], meta["instance"], meta.get("subunit")) if p)


def _identity(meta: dict[str, str]) -> PabulibIdentity:
    return PabulibIdentity(
        description=meta["description"],
        country=meta["country"],
        unit=meta["unit"],
        instance=meta["instance"],
        subunit=meta.get("subunit") or None,
        district=meta.get("district") or None,
        date_begin=meta["date_begin"],
        date_end=meta["date_end"],
        vote_type=meta["vote_type"],
        rule=meta["rule"],
        language=meta.get("language") or None,
        edition=meta.get("edition") or None,
        experimental=meta.get("experimental") == "1",
    )


def _areas(projects: tuple[PbProject, ...]) -> dict[str, Area]:
    """One area per distinct district name, with a short code (the full name is kept)."""
    areas: dict[str, Area] = {}
    codes: set[str] = set()
    for project in projects:
        if project.area is None or project.area in areas:
            continue
        slug = slugify(project.area)
        digest = hashlib.sha256(project.area.encode("utf-8")).hexdigest()[:6]
        code = slug if slug and len(slug) <= 40 else f"{slug[:33].rstrip('-')}-{digest}".lstrip("-")
        while code in codes:
            code = f"{code[:33]}-{digest}"
            digest = hashlib.sha256(digest.encode()).hexdigest()[:6]
        codes.add(code)
        areas[project.area] = Area(code, project.area)
    return areas


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files in the order given; a folder stands for its ``*.pb`` files, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.pb"))
        else:
            yield path
