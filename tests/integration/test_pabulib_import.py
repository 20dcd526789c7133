"""Every real Pabulib instance imports, exports, passes pabulib-checker and round-trips.

The instances are read from the folder named by COPROD_PABULIB_DIR (never copied into the
repository); the tests fail, not skip, without it. Each instance is imported once per session
into its own SQLite file (the export scans its store's whole log, so one store per instance
keeps that scan to the instance's own ballots); the two smallest also run on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.voting import BallotChoices
from coprod.standards.pabulib import ImportResult, PabulibReader, export_process, import_file
from coprod.standards.pabulib.checker import check_file
from coprod.standards.pabulib.log_reader import find_source, iter_ballots


def _folder() -> Path:
    value = os.environ.get("COPROD_PABULIB_DIR", "")
    folder = Path(value)
    if not value or not folder.is_dir() or not list(folder.glob("*.pb")):
        pytest.fail(
            "set COPROD_PABULIB_DIR to a folder of Pabulib .pb files "
            "(e.g. /work/shared/data/pabulib); these tests never skip",
            pytrace=False,
        )
    return folder


#: Files above this size (the city-wide elections, 60-90k ballots) take 20-35 s per import on
#: SQLite; they are marked slow so `-m "not slow"` gives a quick run. CI runs them all.
LARGE_BYTES = 1_000_000


def _instances() -> list[object]:
    value = os.environ.get("COPROD_PABULIB_DIR", "")
    paths = sorted(Path(value).glob("*.pb")) if value else []
    if not paths:
        return ["<COPROD_PABULIB_DIR unset or empty>"]
    return [
        pytest.param(p.name, marks=pytest.mark.slow) if p.stat().st_size > LARGE_BYTES else p.name
        for p in paths
    ]


INSTANCES = _instances()
#: pabulib-checker's Method of Equal Shares verification takes 15-30 s per file; these files
#: get the structural check only (their outcome is verified by tests/integration/test_rules_*).
MES_RULES = ("equalshares",)


def _smallest(count: int) -> list[str]:
    value = os.environ.get("COPROD_PABULIB_DIR", "")
    files = sorted(Path(value).glob("*.pb"), key=lambda p: p.stat().st_size) if value else []
    return [p.name for p in files[:count]] or ["<COPROD_PABULIB_DIR unset or empty>"]


class Imported:
    """One instance imported into its own store, plus its export."""

    def __init__(self, app: Coprod, path: Path, result: ImportResult, exported: Path) -> None:
        self.app, self.path, self.result, self.exported = app, path, result, exported


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Imported]]:
    """Imports happen lazily, once per instance per session; stores are closed at the end."""
    cache: dict[str, Imported] = {}
    yield cache
    for item in cache.values():
        item.app.close()


def _get(imported: dict[str, Imported], name: str, tmp: pytest.TempPathFactory) -> Imported:
    if name not in imported:
        path = _folder() / name
        folder = tmp.mktemp(name.removesuffix(".pb"))
        app = Coprod(parse_database_url(f"sqlite:///{folder}/coprod.sqlite"))
        result = import_file(app, path, use_checker=True)
        exported = folder / f"export-{name}"
        with exported.open("w", encoding="utf-8", newline="") as handle:
            export_process(app, result.process_id, handle)
        imported[name] = Imported(app, path, result, exported)
    return imported[name]


def _snapshot(app: Coprod, process_id: UUID) -> tuple[object, ...]:
    """The process as Pabulib sees it, keyed by Pabulib project ids (proposal ids differ)."""
    process = app.get_process(process_id)
    source = find_source(app, process_id)
    assert source is not None
    name_of = {p.proposal_id: p.project_id for p in source.projects}
    options = tuple((name_of[o.proposal_id], o.cost) for o in process.ballot_options)
    projects = tuple(
        (p.project_id, p.name, p.categories, p.beneficiaries, p.area, p.selected)
        for p in source.projects
    )

    def named(choices: BallotChoices) -> tuple[object, ...]:
        return (
            tuple(name_of[p] for p in choices.approvals),
            tuple((name_of[p], n) for p, n in choices.points),
            tuple(name_of[p] for p in choices.ranking),
        )

    ballots = sorted(
        (named(b.choices), str(b.sex), b.channel.value) for b in iter_ballots(app, process_id)
    )
    identity = source.identity
    return (
        process.pot,
        process.currency,
        process.voting,
        process.selection,
        process.phase,
        options,
        projects,
        identity,
        ballots,
    )


def _declared(path: Path) -> tuple[int, int]:
    with PabulibReader(path) as reader:
        return len(reader.header.projects), reader.header.num_votes


@pytest.mark.parametrize("name", INSTANCES)
def test_instance_imports_with_meta_counts(
    name: str, imported: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    item = _get(imported, name, tmp_path_factory)
    projects, votes = _declared(item.path)
    process = item.app.get_process(item.result.process_id)
    assert len(process.ballot_options) == projects
    assert item.result.ballots == votes
    assert sum(1 for _ in iter_ballots(item.app, process.id)) == votes
    assert process.ballot_state == "closed"
    with PabulibReader(item.path) as reader:
        has_selected = reader.header.has_selected
    assert item.result.decisions == (projects if has_selected else 0)


@pytest.mark.parametrize("name", INSTANCES)
def test_export_passes_pabulib_checker(
    name: str, imported: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    item = _get(imported, name, tmp_path_factory)
    source = find_source(item.app, item.result.process_id)
    assert source is not None
    mes = source.identity.rule.startswith(MES_RULES)
    report = check_file(item.exported, verify_selected=not mes)
    assert report.errors == ()
    assert _declared(item.exported) == _declared(item.path)


@pytest.mark.parametrize("name", INSTANCES)
def test_export_round_trips_to_the_same_process(
    name: str, imported: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    item = _get(imported, name, tmp_path_factory)
    folder = tmp_path_factory.mktemp("again")
    with Coprod(parse_database_url(f"sqlite:///{folder}/again.sqlite")) as again:
        second = import_file(again, item.exported, use_checker=False)
        assert second.process_id == item.result.process_id  # same council and code: same id
        assert _snapshot(again, second.process_id) == _snapshot(item.app, item.result.process_id)
    voter_ids = _voter_ids(item.exported)
    assert voter_ids.isdisjoint(_voter_ids(item.path))


def _voter_ids(path: Path) -> set[str]:
    with PabulibReader(path) as reader:
        return {v.voter_id for v in reader.votes()}


@pytest.mark.parametrize("name", INSTANCES)
def test_reimport_is_detected_and_writes_nothing(
    name: str, imported: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    item = _get(imported, name, tmp_path_factory)
    before = item.app.recorder.max_notification_id()
    again = import_file(item.app, item.path, use_checker=False)
    assert again.duplicate is not None
    assert (again.process_id, again.events) == (item.result.process_id, 0)
    assert item.app.recorder.max_notification_id() == before


@pytest.mark.postgres
@pytest.mark.parametrize("name", _smallest(2))
def test_smallest_instances_import_and_round_trip_on_postgres(
    name: str, postgres_url: str, tmp_path: Path
) -> None:
    path = _folder() / name
    projects, votes = _declared(path)
    with Coprod(parse_database_url(postgres_url)) as app:
        result = import_file(app, path, use_checker=True)
        assert len(app.get_process(result.process_id).ballot_options) == projects
        assert result.ballots == votes
        exported = tmp_path / name
        with exported.open("w", encoding="utf-8", newline="") as handle:
            export_process(app, result.process_id, handle)
        assert check_file(exported, verify_selected=True).errors == ()
        assert import_file(app, path, use_checker=False).duplicate is not None
        first = _snapshot(app, result.process_id)
    with Coprod(parse_database_url(f"sqlite:///{tmp_path}/again.sqlite")) as again:
        second = import_file(again, exported, use_checker=False)
        assert _snapshot(again, second.process_id) == first
