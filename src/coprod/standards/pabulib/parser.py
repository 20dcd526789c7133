"""A streaming reader for Pabulib ``.pb`` files that refuses a bad file with its line number.

The file is read with a real CSV reader (fields may be quoted and contain ``;``), section by
section. META and PROJECTS are small and kept; VOTES are yielded one at a time so a file of
100,000 ballots is read in bounded memory. Every check that can be made on the text alone is
made here, naming the line: the import validates the whole file in a first pass before it
writes anything, so a malformed file leaves nothing behind.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TextIO

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import clean_text
from coprod.standards.pabulib.grammar import (
    AREA_COLUMNS,
    CHANNELS,
    REQUIRED_META,
    RULES,
    SECTIONS,
    SELECTED_CODES,
    UNSUPPORTED_META,
    VOTE_TYPES,
    PabulibFormatError,
    PbHeader,
    PbProject,
    PbVote,
    normalise_voter,
    parse_date,
    parse_decimal,
    parse_int,
)


def _clean_row(line: int, row: list[str]) -> list[str]:
    """The row's cells stripped; checked one by one only when the whole row is not clean.

    A printable row has no control character or surrogate; one already in NFC (ASCII always
    is) needs no change, so most rows of a file cost two scans in C.
    """
    joined = ";".join(row)
    if joined.isprintable() and (joined.isascii() or unicodedata.is_normalized("NFC", joined)):
        return [cell.strip() for cell in row]
    return [_clean_cell(line, cell) for cell in row]


def _clean_cell(line: int, cell: str) -> str:
    """A cell as text every store can hold: no NUL or control characters, NFC, stripped."""
    try:
        return clean_text("cell", cell, prose=True).strip()
    except InvalidInput as e:
        raise PabulibFormatError(line, f"a cell {e.problem}") from None


def _cell(value: str) -> str | None:
    value = value.strip()
    return None if value == "" or value.lower() == "none" else value


def _split(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(filter(None, map(str.strip, value.split(","))))


class PabulibReader:
    """Open a ``.pb`` file: the header is parsed on entry, the ballots stream from `votes()`.

    Checks made here: section order and headers, column counts, numbers, META keys and
    counts, unique project and voter ids, votes for unknown projects, points lists. Checks
    against the declared voting rules are the import's (they need the domain's rules).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None
        self._rows: Iterator[tuple[int, list[str]]] | None = None
        self._pending: tuple[int, list[str]] | None = None
        self._last_line = 0
        self.header: PbHeader

    def __enter__(self) -> PabulibReader:
        self._file = self.path.open(encoding="utf-8-sig", newline="")
        self._rows = self._read_rows(self._file)
        try:
            self.header = self._read_header()
        except BaseException:
            self._file.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()

    # -- rows ----------------------------------------------------------------------------------

    def _read_rows(self, handle: TextIO) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(handle, delimiter=";", strict=True)
        start = 1
        try:
            for row in reader:
                line, start = start, reader.line_num + 1
                self._last_line = start - 1
                cells = _clean_row(line, row)
                if any(cells):
                    yield line, cells
        except UnicodeDecodeError as e:
            raise PabulibFormatError(start, f"is not UTF-8 text ({e.reason})") from None
        except csv.Error as e:
            raise PabulibFormatError(start, f"is not valid semicolon CSV ({e})") from None

    def _next(self) -> tuple[int, list[str]] | None:
        if self._pending is not None:
            row, self._pending = self._pending, None
            return row
        assert self._rows is not None
        return next(self._rows, None)

    def _section(self, expected: str) -> int:
        row = self._next()
        if row is None:
            raise PabulibFormatError(
                self._last_line or None, f"missing section {expected} (the file ends here)"
            )
        line, cells = row
        word = cells[0].upper() if len(cells) == 1 else ""
        if word != expected:
            found = f"section {word}" if word in SECTIONS else repr(";".join(cells)[:60])
            raise PabulibFormatError(line, f"expected the section word {expected}, found {found}")
        return line

    def _columns(self, section: str, section_line: int) -> tuple[int, tuple[str, ...]]:
        row = self._next()
        if row is None or (len(row[1]) == 1 and row[1][0].upper() in SECTIONS):
            raise PabulibFormatError(section_line, f"{section} has no header line")
        line, cells = row
        names = tuple(c.lower() for c in cells)
        if len(set(names)) != len(names):
            raise PabulibFormatError(line, f"{section} header repeats a column name")
        return line, names

    def _body(self) -> Iterator[tuple[int, list[str]]]:
        """Rows up to the next section word (which is left for `_section`)."""
        assert self._rows is not None
        rows = self._rows
        row = self._next()
        while row is not None:
            cells = row[1]
            if len(cells) == 1 and cells[0].upper() in SECTIONS:
                self._pending = row
                return
            yield row
            row = next(rows, None)

    # -- META and PROJECTS ---------------------------------------------------------------------

    def _read_header(self) -> PbHeader:
        meta_line = self._section("META")
        line, names = self._columns("META", meta_line)
        if names != ("key", "value"):
            raise PabulibFormatError(
                line, f"the META header must be key;value, not {';'.join(names)}"
            )
        meta: dict[str, str] = {}
        lines: dict[str, int] = {}
        for line, cells in self._body():
            if len(cells) != 2:
                raise PabulibFormatError(
                    line,
                    f"wrong column count: META rows have 2 columns (key;value), this has {len(cells)}",
                )
            key = cells[0].lower()
            if key in meta:
                raise PabulibFormatError(line, f"META key {key} repeats line {lines[key]}")
            meta[key], lines[key] = cells[1], line
        self._check_meta(meta, lines, meta_line)
        projects_line = self._section("PROJECTS")
        columns_line, columns = self._columns("PROJECTS", projects_line)
        for required in ("project_id", "cost"):
            if required not in columns:
                raise PabulibFormatError(columns_line, f"PROJECTS has no {required} column")
        area_column = next((c for c in AREA_COLUMNS if c in columns), None)
        projects: list[PbProject] = []
        seen: dict[str, int] = {}
        for line, cells in self._body():
            project = self._project(line, cells, columns, area_column)
            if project.project_id in seen:
                raise PabulibFormatError(
                    line,
                    f"project id {project.project_id!r} repeats line {seen[project.project_id]}",
                )
            seen[project.project_id] = line
            projects.append(project)
        votes_line = self._section("VOTES")
        declared = int(meta["num_projects"])
        if declared != len(projects):
            raise PabulibFormatError(
                lines["num_projects"],
                f"num_projects is {declared} but PROJECTS has {len(projects)} rows",
            )
        vote_header_line, vote_columns = self._columns("VOTES", votes_line)
        for required in ("voter_id", "vote"):
            if required not in vote_columns:
                raise PabulibFormatError(vote_header_line, f"VOTES has no {required} column")
        if meta["vote_type"] in ("cumulative", "scoring") and "points" not in vote_columns:
            raise PabulibFormatError(
                vote_header_line, f"{meta['vote_type']} votes need a points column"
            )
        return PbHeader(
            meta, lines, tuple(projects), columns, area_column, vote_columns, vote_header_line
        )

    def _check_meta(self, meta: dict[str, str], lines: dict[str, int], meta_line: int) -> None:
        for key in REQUIRED_META:
            if not meta.get(key):
                raise PabulibFormatError(meta_line, f"META lacks the required key {key}")
        for key in UNSUPPORTED_META:
            if key in meta:
                raise PabulibFormatError(
                    lines[key], f"META key {key} constrains ballots in a way coprod cannot enforce"
                )
        if meta.get("default_score", "0") not in ("0", ""):
            raise PabulibFormatError(
                lines["default_score"], "a default_score other than 0 is not supported"
            )
        for key in ("num_projects", "num_votes"):
            if parse_int(meta[key], lines[key], key) < 0:
                raise PabulibFormatError(lines[key], f"{key} must not be negative")
        if parse_decimal(meta["budget"], lines["budget"], "budget") <= 0:
            raise PabulibFormatError(lines["budget"], "budget must be positive")
        if meta["vote_type"] not in VOTE_TYPES:
            raise PabulibFormatError(
                lines["vote_type"],
                f"vote_type {meta['vote_type']!r} is not one of {', '.join(VOTE_TYPES)}",
            )
        if meta["rule"] not in RULES:
            raise PabulibFormatError(
                lines["rule"], f"rule {meta['rule']!r} is not one of {', '.join(RULES)}"
            )
        begin = parse_date(meta["date_begin"], lines["date_begin"], "date_begin", end=False)
        end = parse_date(meta["date_end"], lines["date_end"], "date_end", end=True)
        if end < begin:
            raise PabulibFormatError(lines["date_end"], "date_end is before date_begin")
        for key in (
            "min_length",
            "max_length",
            "min_points",
            "max_points",
            "min_sum_points",
            "max_sum_points",
            "min_project_score_threshold",
        ):
            if meta.get(key):
                parse_int(meta[key], lines[key], key)
        if meta.get("max_sum_cost"):
            parse_decimal(meta["max_sum_cost"], lines["max_sum_cost"], "max_sum_cost")
        if meta["vote_type"] == "cumulative" and not meta.get("max_sum_points"):
            raise PabulibFormatError(meta_line, "cumulative votes need META max_sum_points")

    def _project(
        self, line: int, cells: list[str], columns: tuple[str, ...], area_column: str | None
    ) -> PbProject:
        if len(cells) != len(columns):
            raise PabulibFormatError(
                line,
                f"wrong column count: PROJECTS has {len(columns)} columns, this row has {len(cells)}",
            )
        row = dict(zip(columns, cells, strict=True))
        project_id = row["project_id"]
        if not project_id:
            raise PabulibFormatError(line, "empty project_id")
        cost = parse_decimal(row["cost"], line, f"cost of project {project_id}")
        if cost <= 0:
            raise PabulibFormatError(line, f"cost of project {project_id} must be positive")
        selected: int | None = None
        raw_selected = _cell(row.get("selected", ""))
        if raw_selected is not None:
            selected = parse_int(raw_selected, line, "selected")
            if selected not in SELECTED_CODES:
                raise PabulibFormatError(line, f"selected is {selected}; it must be 0, 1, 2 or 3")
        elif "selected" in row:
            raise PabulibFormatError(line, f"project {project_id} has no selected value")
        return PbProject(
            line=line,
            project_id=project_id,
            cost=cost,
            name=_cell(row.get("name", "")),
            description=_cell(row.get("description", "")),
            categories=_split(_cell(row.get("category", row.get("categories", "")))),
            beneficiaries=_split(_cell(row.get("beneficiaries", row.get("target", "")))),
            area=None if area_column is None else _cell(row[area_column]),
            selected=selected,
        )

    # -- VOTES ---------------------------------------------------------------------------------

    def votes(self) -> Iterator[PbVote]:
        """Each ballot in file order; the count is checked against num_votes at the end."""
        header = self.header
        columns = header.vote_columns
        width = len(columns)
        known = {p.project_id for p in header.projects}
        at = {name: i for i, name in enumerate(columns)}
        fields = (
            at["voter_id"],
            at["vote"],
            at.get("points"),
            at.get("age"),
            at.get("sex"),
            at.get("voting_method"),
        )
        seen: set[str] = set()
        count = 0
        for line, cells in self._body():
            if len(cells) != width:
                raise PabulibFormatError(
                    line,
                    f"wrong column count: VOTES has {width} columns, this row has {len(cells)}",
                )
            vote = _vote(line, cells, fields, known)
            key = normalise_voter(vote.voter_id)
            if key in seen:
                raise PabulibFormatError(line, f"voter_id {vote.voter_id!r} votes twice")
            seen.add(key)
            count += 1
            yield vote
        extra = self._next()
        if extra is not None:
            raise PabulibFormatError(extra[0], "unexpected section after VOTES")
        if count != header.num_votes:
            raise PabulibFormatError(
                header.line_of("num_votes"),
                f"num_votes is {header.num_votes} but VOTES has {count} rows",
            )


#: Column positions of a VOTES row: voter_id, vote, then points, age, sex, voting_method (or None).
_VoteFields = tuple[int, int, int | None, int | None, int | None, int | None]


def _vote(line: int, cells: list[str], fields: _VoteFields, known: set[str]) -> PbVote:
    """One VOTES row (cells already stripped); the hot loop of a city-scale file."""
    i_voter, i_vote, i_points, i_age, i_sex, i_channel = fields
    voter_id = cells[i_voter]
    if not voter_id:
        raise PabulibFormatError(line, "empty voter_id")
    projects = _split(cells[i_vote])
    for project_id in projects:
        if project_id not in known:
            raise PabulibFormatError(line, f"vote for unknown project {project_id!r}")
    if len(set(projects)) != len(projects):
        raise PabulibFormatError(line, "the vote names a project more than once")
    points: tuple[int, ...] = ()
    if i_points is not None:
        points = tuple(parse_int(p, line, "points") for p in _split(cells[i_points]))
        if len(points) != len(projects):
            raise PabulibFormatError(
                line, f"{len(points)} points for {len(projects)} voted projects"
            )
    age: int | None = None
    raw_age = None if i_age is None else _cell(cells[i_age])
    if raw_age is not None:
        age = parse_int(raw_age, line, "age")
        if age < 0:
            raise PabulibFormatError(line, f"age {age} is negative")
    sex = None if i_sex is None else _cell(cells[i_sex])
    if sex is not None and sex.upper() not in ("M", "F"):
        raise PabulibFormatError(line, f"sex {sex!r} is not M or F")
    channel: str | None = None
    raw_channel = None if i_channel is None else _cell(cells[i_channel])
    if raw_channel is not None:
        channel = CHANNELS.get(raw_channel.lower().replace(" ", "_"))
        if channel is None:
            raise PabulibFormatError(
                line, f"voting_method {raw_channel!r} is not internet, paper or in_person"
            )
    return PbVote(
        line, voter_id, projects, points, age, None if sex is None else sex.upper(), channel
    )
