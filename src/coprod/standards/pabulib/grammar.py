"""The Pabulib ``.pb`` vocabulary: its sections, meta keys and vote types, the values a file
holds (header, project, vote) and the checks on a single value (a date, a number, a voter id).

Kept apart from the streaming reader (:mod:`coprod.standards.pabulib.parser`) so that the
mapping, the importer and the stored-ballot fast path share one definition of the format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import COUNT_MAX, check_business_date
from coprod.domain.pabulib_source import pabulib_date
from coprod.domain.values import MONEY_LIMIT

VOTE_TYPES = ("approval", "choose-1", "ordinal", "cumulative", "scoring")
#: The `rule` values of the Pabulib spec and of pabulib-checker 1.0.8.
RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "greedy-exclusive",
    "greedy-custom",
    "equalshares",
    "equalshares-comparison",
    "equalshares/add1",
    "equalshares/add1-comparison",
    "unknown",
)
REQUIRED_META = (
    "description",
    "country",
    "unit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
)
#: Keys that change which ballots are valid and that coprod cannot enforce: refused, not dropped.
UNSUPPORTED_META = (
    "min_sum_cost",
    "scoring_fn",
    "min_length_per_category",
    "max_length_per_category",
    "min_sum_cost_per_category",
    "max_sum_cost_per_category",
)
#: Project columns that name the project's district (the first one present is used).
AREA_COLUMNS = ("district", "neighborhood", "subunit")
SELECTED_CODES = (0, 1, 2, 3)
CHANNELS = {"internet": "online", "online": "online", "paper": "paper", "in_person": "in_person"}

_INT = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibFormatError(InvalidInput):
    """The file breaks the Pabulib format; `line` is the 1-based line (None: the whole file)."""

    def __init__(self, line: int | None, problem: str) -> None:
        self.line = line
        super().__init__("file" if line is None else f"line {line}", problem)


@dataclass(frozen=True)
class PbProject:
    """One PROJECTS row, parsed; every text is stripped and `none` cells are missing."""

    line: int
    project_id: str
    cost: Decimal
    name: str | None
    description: str | None
    categories: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    area: str | None
    selected: int | None


class PbVote(NamedTuple):
    """One VOTES row: the voter's file id (to be pseudonymised), choices and coarse fields.

    A named tuple rather than a frozen dataclass: a city's file has ~100,000 of them, read
    twice, and a tuple is built several times faster.
    """

    line: int
    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int, ...]
    age: int | None
    sex: str | None
    channel: str | None


@dataclass(frozen=True)
class PbHeader:
    """Everything before the ballots: META (with the line of each key) and the projects."""

    meta: dict[str, str]
    meta_lines: dict[str, int]
    projects: tuple[PbProject, ...]
    project_columns: tuple[str, ...]
    area_column: str | None
    vote_columns: tuple[str, ...]
    votes_line: int

    def line_of(self, key: str) -> int | None:
        return self.meta_lines.get(key)

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"]

    @property
    def num_votes(self) -> int:
        return int(self.meta["num_votes"])

    @property
    def has_selected(self) -> bool:
        return "selected" in self.project_columns


def parse_date(text: str, line: int | None, key: str, *, end: bool) -> date:
    """``dd.mm.yyyy`` or a bare year (its first or last day, by `end`)."""
    parsed = pabulib_date(text, end=end)
    if parsed is None:
        raise PabulibFormatError(line, f"{key} {text!r} is not a date (dd.mm.yyyy or yyyy)")
    try:
        return check_business_date(key, parsed)
    except InvalidInput as e:
        raise PabulibFormatError(line, f"{key} {e.problem}") from None


def parse_int(text: str, line: int | None, what: str) -> int:
    """A whole number small enough for every column it reaches (see coprod.domain.inputs)."""
    if not _INT.match(text):
        raise PabulibFormatError(line, f"{what} {text!r} is not a whole number")
    if len(text.lstrip("-")) > len(str(COUNT_MAX)) or abs(int(text)) > COUNT_MAX:
        raise PabulibFormatError(line, f"{what} is larger than {COUNT_MAX}")
    return int(text)


def parse_decimal(text: str, line: int | None, what: str) -> Decimal:
    """An exact number; a decimal comma is refused, never guessed at."""
    if _DECIMAL_COMMA.match(text):
        raise PabulibFormatError(line, f"{what} {text!r} uses a decimal comma; write it with '.'")
    if not _NUMBER.match(text):
        raise PabulibFormatError(line, f"{what} {text!r} is not a number")
    if abs(Decimal(text)) >= MONEY_LIMIT:
        raise PabulibFormatError(line, f"{what} is {MONEY_LIMIT} or more in size")
    return Decimal(text)


def normalise_voter(voter_id: str) -> str:
    """The same normalisation the pseudonymiser applies, so duplicates are caught up front."""
    return unicodedata.normalize("NFKC", voter_id).strip().casefold()
