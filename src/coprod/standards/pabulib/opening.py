"""Step 2 of a Pabulib import: the council, the process, every project as a proposal on the
ballot paper, and the provenance record, saved in one transaction (see :mod:`.importer`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEventProtocol

from coprod.domain.errors import InvalidInput
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.pabulib_source import PabulibIdentity, PabulibProject, PabulibSource
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, Process, ProcessKind
from coprod.domain.proposal import TITLE_MAX_LENGTH, Proposal
from coprod.domain.values import Money
from coprod.domain.voting import BallotOption
from coprod.standards.pabulib.grammar import PabulibFormatError, PbProject, parse_date
from coprod.standards.pabulib.mapping import slugify
from coprod.standards.pabulib.session import ImportSession

#: The proposal fields a Pabulib project may lack, filled with a visible placeholder.
NO_AREA = "whole-unit"
NO_CATEGORY = "uncategorised"
_VOTER_COLUMNS = ("age", "sex", "voting_method")


class Opening(ImportSession):
    """Step 2, before the ballots."""

    def _setup(self) -> tuple[Process, dict[str, UUID], PabulibSource]:
        """Step 2: everything before the ballots, saved in one transaction in cycle order."""
        actor, checked = self.actor, self.checked
        log: list[DomainEventProtocol[UUID]] = []

        def take(*aggregates: Aggregate) -> None:
            for aggregate in aggregates:
                log.extend(aggregate.collect_events())

        process, areas = self._open_process(take)
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
        source = self._provenance(process, proposals)
        take(source)
        self._save(log, first_is=process)
        return process, {k: v.id for k, v in proposals.items()}, source

    def _open_process(self, take: Callable[..., None]) -> tuple[Process, dict[str, Area]]:
        """The council (if new) and the process with budget, areas, rules and schedule."""
        actor, meta, checked = self.actor, self.meta, self.checked
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
        return process, areas

    def _provenance(self, process: Process, proposals: dict[str, Proposal]) -> PabulibSource:
        """The provenance record: the file, its identity and each project's proposal."""
        actor, meta, checked = self.actor, self.meta, self.checked
        return PabulibSource(
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
