"""Step 1 of a Pabulib import: the whole file validated in a streaming pass before anything
is written (format, counts, ids, and every ballot against the declared rules)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from coprod.domain.aggregate import natural_id
from coprod.domain.errors import CoprodError
from coprod.domain.values import Money
from coprod.domain.voting import BallotOption, SelectionRule, VotingRules, check_ballot
from coprod.standards.pabulib.grammar import PbHeader
from coprod.standards.pabulib.mapping import (
    choices_for,
    currency_of,
    refusal_at,
    selection_rule,
    voting_rules,
)
from coprod.standards.pabulib.parser import PabulibReader

#: stage ("validate" | "write"), ballots done, ballots in the file.
Progress = Callable[[str, int, int], None]

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


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files in the order given; a folder stands for its ``*.pb`` files, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.pb"))
        else:
            yield path
