"""Write a process as a Pabulib ``.pb`` file that pabulib-checker accepts and coprod re-imports.

What comes back on re-import is the same process: projects, costs, budget, vote type, voting
and selection rules, ballots (choices, sex, channel) and the city's decisions as `selected`.
Voter ids are fresh random tokens, never the pseudonyms, so an export cannot be joined to
the store. Ages are not exported: only bands are stored (DOMAIN.md §6). Project `votes` and
`score` are recounted from the ballots (ordinal scores are positional, n..1, as the checker
counts them).
"""

from __future__ import annotations

import csv
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any, TextIO
from uuid import UUID

from coprod.application import Coprod
from coprod.domain.ballot import BallotChannel, Sex
from coprod.domain.decision import DecisionOutcome
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.organisation import Organisation
from coprod.domain.pabulib_source import PabulibProject, PabulibSource
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.voting import BallotChoices, VoteMethod
from coprod.standards.pabulib.log_reader import find_source, iter_ballots
from coprod.standards.pabulib.mapping import pabulib_rule, pabulib_vote_type, rules_meta
from coprod.standards.pabulib.opening import NO_AREA, NO_CATEGORY

_SEX = {Sex.MALE: "M", Sex.FEMALE: "F"}
_CHANNEL = {BallotChannel.ONLINE: "internet", BallotChannel.PAPER: "paper"}


@dataclass(frozen=True)
class ExportSummary:
    process_id: UUID
    projects: int
    votes: int


@dataclass(frozen=True)
class _Row:
    project_id: str
    proposal_id: UUID
    cost: str
    name: str
    categories: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    area: str | None
    selected: int | None


def export_process(app: Coprod, process_id: UUID, out: TextIO) -> ExportSummary:
    """Write the process to `out` (text, UTF-8); refuses a process that never held a vote."""
    process = app.load(Process, process_id)
    if not process.ballot_options or process.voting is None or process.pot is None:
        raise RuleViolation(
            f"process {process_id} has no ballot to export; open a ballot first", rule="export"
        )
    assert process.selection is not None
    source = find_source(app, process_id)
    rows = _project_rows(app, process, source)
    id_of = {r.proposal_id: r.project_id for r in rows}
    method = process.voting.method
    votes: Counter[UUID] = Counter()
    scores: Counter[UUID] = Counter()
    count, any_sex = 0, False
    for cast in iter_ballots(app, process_id):
        count += 1
        any_sex = any_sex or cast.sex is not None
        for proposal_id, score in _scored(cast.choices):
            votes[proposal_id] += 1
            scores[proposal_id] += score
    voter_columns = (
        source.voter_columns if source else (("sex",) if any_sex else ()) + ("voting_method",)
    )
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta(app, process, source, len(rows), count))
    _write_projects(writer, rows, method, source, votes, scores)
    writer.writerow(["VOTES"])
    with_points = method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING)
    writer.writerow(
        ["voter_id", "vote"]
        + (["points"] if with_points else [])
        + [c for c in ("sex", "voting_method") if c in voter_columns]
    )
    used: set[str] = set()
    for cast in iter_ballots(app, process_id):
        chosen = _scored(cast.choices)
        line = [_fresh_id(used), ",".join(id_of[p] for p, _ in chosen)]
        if with_points:
            line.append(",".join(str(s) for _, s in chosen))
        if "sex" in voter_columns:
            line.append(_SEX.get(cast.sex, "") if cast.sex is not None else "")
        if "voting_method" in voter_columns:
            line.append(_CHANNEL.get(cast.channel, "in_person"))
        writer.writerow(line)
    return ExportSummary(process_id, len(rows), count)


def _write_projects(
    writer: Any,
    rows: list[_Row],
    method: VoteMethod,
    source: PabulibSource | None,
    votes: Counter[UUID],
    scores: Counter[UUID],
) -> None:
    """The PROJECTS section: only the optional columns some project fills."""
    writer.writerow(["PROJECTS"])
    with_score = method is not VoteMethod.APPROVAL and method is not VoteMethod.KNAPSACK
    with_selected = all(r.selected is not None for r in rows)
    with_category = any(r.categories for r in rows)
    with_beneficiaries = any(r.beneficiaries for r in rows)
    area_column = (source.area_column if source else None) or "district"
    with_area = any(r.area for r in rows)
    header = ["project_id", "cost", "votes"] + (["score"] if with_score else []) + ["name"]
    header += (["category"] if with_category else []) + (
        ["beneficiaries"] if with_beneficiaries else []
    )
    header += (["selected"] if with_selected else []) + ([area_column] if with_area else [])
    writer.writerow(header)
    for r in rows:
        line = [r.project_id, r.cost, str(votes[r.proposal_id])]
        line += [str(scores[r.proposal_id])] if with_score else []
        line.append(r.name)
        line += [",".join(r.categories)] if with_category else []
        line += [",".join(r.beneficiaries)] if with_beneficiaries else []
        line += [str(r.selected)] if with_selected else []
        line += [r.area or ""] if with_area else []
        writer.writerow(line)


def _scored(choices: BallotChoices) -> tuple[tuple[UUID, int], ...]:
    """Each chosen proposal with its points; rankings score n..1 and approvals 1."""
    if choices.points:
        return choices.points
    if choices.ranking:
        n = len(choices.ranking)
        return tuple((p, n - i) for i, p in enumerate(choices.ranking))
    return tuple((p, 1) for p in choices.approvals)


def _fresh_id(used: set[str]) -> str:
    while True:
        token = secrets.token_hex(8)
        if token not in used:
            used.add(token)
            return token


def _project_rows(app: Coprod, process: Process, source: PabulibSource | None) -> list[_Row]:
    kept: dict[UUID, PabulibProject] = {p.proposal_id: p for p in source.projects} if source else {}
    area_names = {a.code: a.name for a in process.areas}
    rows = []
    for number, option in enumerate(process.ballot_options, start=1):
        proposal = app.load(Proposal, option.proposal_id)
        selected = _selected(proposal, kept.get(proposal.id))
        project = kept.get(proposal.id)
        if project is not None:
            rows.append(
                _Row(
                    project.project_id,
                    proposal.id,
                    str(option.cost.amount),
                    project.name,
                    project.categories,
                    project.beneficiaries,
                    project.area,
                    selected,
                )
            )
            continue
        category = proposal.category if proposal.category not in (None, NO_CATEGORY) else None
        area = proposal.area_code if proposal.area_code not in (None, NO_AREA) else None
        rows.append(
            _Row(
                str(number),
                proposal.id,
                str(option.cost.amount),
                proposal.title,
                (category,) if category else (),
                (),
                area_names.get(area, area) if area else None,
                selected,
            )
        )
    return rows


def _selected(proposal: Proposal, project: PabulibProject | None) -> int | None:
    """The decision in force as Pabulib's flag; a special code (2, 3) survives a round trip."""
    outcome = proposal.decision_outcome if proposal.decision_status == "in_force" else None
    if outcome is None:
        return None
    if outcome in (DecisionOutcome.FUNDED_IN_FULL, DecisionOutcome.FUNDED_PARTIALLY):
        code = project.selected if project is not None else None
        return code if code is not None and code >= 1 else 1
    return 0


def _meta(
    app: Coprod, process: Process, source: PabulibSource | None, projects: int, votes: int
) -> list[tuple[str, str]]:
    assert process.voting is not None
    assert process.selection is not None
    assert process.pot
    if source is not None:
        ident = source.identity
        head = [
            ("description", ident.description),
            ("country", ident.country),
            ("unit", ident.unit),
        ]
        head += [("subunit", ident.subunit)] if ident.subunit else []
        head += [("district", ident.district)] if ident.district else []
        head.append(("instance", ident.instance))
        vote_type, rule = ident.vote_type, ident.rule
        dates = [("date_begin", ident.date_begin), ("date_end", ident.date_end)]
        tail = [("language", ident.language)] if ident.language else []
        tail += [("edition", ident.edition)] if ident.edition else []
        tail += [("experimental", "1")] if ident.experimental else []
    else:
        unit = process.code
        if app.exists(process.council_id):
            unit = app.load(Organisation, process.council_id).display_name
        head = [("description", process.name), ("country", "Worldwide"), ("unit", unit)]
        head.append(("instance", process.code))
        vote_type = pabulib_vote_type(process.voting)
        rule = pabulib_rule(process.selection)
        vote = [d for d in process.schedule if d.phase is Phase.VOTE]
        if not vote:
            raise InvalidInput("schedule", "the export needs the vote phase's dates")
        fmt = "%d.%m.%Y"
        dates = [
            ("date_begin", vote[0].starts_on.strftime(fmt)),
            ("date_end", vote[0].ends_on.strftime(fmt)),
        ]
        tail = []
    counts = [("num_projects", str(projects)), ("num_votes", str(votes))]
    budget = [("budget", str(process.pot.amount))]
    kinds = [("vote_type", vote_type), ("rule", rule)]
    rules = rules_meta(process.voting, process.selection)
    currency = [("currency", process.currency)]
    return head + counts + budget + kinds + dates + rules + tail + currency
