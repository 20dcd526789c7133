"""Pabulib import/export on tiny hand-written files: every vote type, quoting, every refusal.

Each refusal names its line and leaves the store empty; each vote type lands as ballots the
domain accepts; an export re-imports to the same process.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from uuid import UUID

import pytest
import typer
from typer.testing import CliRunner

from api.cli.pabulib import export_app, import_app
from coprod.adapters.config import parse_database_url
from coprod.adapters.transcodings import DataclassAsDict
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, Sex
from coprod.domain.decision import Decision, DecisionOutcome
from coprod.domain.errors import BallotRejected, InvalidInput
from coprod.domain.phases import Phase
from coprod.domain.values import Money
from coprod.domain.voting import (
    BallotChoices,
    BallotOption,
    SelectionRule,
    VoteMethod,
    VotingRules,
    check_ballot,
)
from coprod.standards.pabulib import PabulibFormatError, export_process, import_file
from coprod.standards.pabulib.importer import _Import
from coprod.standards.pabulib.log_reader import find_source, iter_ballots
from coprod.standards.pabulib.pseudonyms import CachedPseudonymiser

APPROVAL = """META
key;value
description;Tiny approval PB
country;Poland
unit;Testowo
instance;2024
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
date_begin;01.06.2024
date_end;15.06.2024
min_length;1
max_length;2
currency;PLN
PROJECTS
project_id;cost;votes;name;category;selected;district
p1;600;3;"Park; phase II";nature,sport;1;North
p2;300;2;Library;culture;1;South
p3;500;1;"A ""quoted"" bench";;0;North
VOTES
voter_id;vote;age;sex;voting_method
v1;p1,p2;34;F;internet
v2;p1;70;M;paper
v3;p2,p3;;;internet
v4;p1;12;F;internet
"""


def _file(tmp_path: Path, text: str, name: str = "tiny.pb") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _vary(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _empty(app: Coprod) -> bool:
    return not app.recorder.select_notifications(1, 10)


def _import(app: Coprod, path: Path, **kwargs: object) -> object:
    return import_file(app, path, use_checker=False, **kwargs)  # type: ignore[arg-type]


def _ballot(app: Coprod, process_id: UUID, voter: str) -> Ballot:
    pseudonym = app.pseudonymise(process_id, voter)
    ballot: Ballot = app.load(Ballot, Ballot.create_id(process_id, pseudonym))
    return ballot


# -- a whole approval file -------------------------------------------------------------------


def test_approval_file_becomes_process_proposals_ballots_and_decisions(
    app: Coprod, tmp_path: Path
) -> None:
    result = import_file(app, _file(tmp_path, APPROVAL), use_checker=True)
    assert result.duplicate is None
    assert (result.ballots, result.decisions) == (4, 3)
    process = app.get_process(result.process_id)
    assert process.pot == Money.of(1000, "PLN")
    assert process.voting == VotingRules(VoteMethod.APPROVAL, max_choices=2, min_choices=1)
    assert process.selection == SelectionRule("greedy")
    assert process.phase is Phase.DECISION
    assert process.ballot_state == "closed"
    assert [a.name for a in process.areas] == ["North", "South"]
    source = find_source(app, result.process_id)
    assert source is not None
    assert source.completed
    by_id = {p.project_id: p for p in source.projects}
    park = app.get_proposal(by_id["p1"].proposal_id)
    assert park.title == "Park; phase II"
    assert park.category == "nature"
    assert by_id["p1"].categories == ("nature", "sport")
    assert app.get_proposal(by_id["p3"].proposal_id).title == 'A "quoted" bench'
    assert park.status == DecisionOutcome.FUNDED_IN_FULL.value
    rejected = app.get_proposal(by_id["p3"].proposal_id)
    decision: Decision = app.load(Decision, rejected.decision_id)  # type: ignore[arg-type]
    assert decision.outcome is DecisionOutcome.REJECTED
    assert decision.record is not None
    assert "greedy" in decision.record.legal_basis[0]
    assert decision.record.facts_relied_on == tuple(rejected.facts)
    assert decision.record.no_appeal_statement
    first = _ballot(app, result.process_id, "v1")
    assert first.choices == BallotChoices(
        approvals=(by_id["p1"].proposal_id, by_id["p2"].proposal_id)
    )
    assert (first.age_band, first.sex, first.channel) == (
        AgeBand.AGE_25_34,
        Sex.FEMALE,
        BallotChannel.ONLINE,
    )
    assert _ballot(app, result.process_id, "v2").channel is BallotChannel.PAPER
    assert _ballot(app, result.process_id, "v3").age_band is None
    assert _ballot(app, result.process_id, "v4").age_band is AgeBand.UNDER_16


def test_voter_ids_are_pseudonymised_exactly_as_the_application_does(app: Coprod) -> None:
    process_id = UUID(int=7)
    cached = CachedPseudonymiser(app.personal_data)
    assert cached.pseudonymise(process_id, " V1 ") == app.pseudonymise(process_id, "v1")


CHOOSE_ONE = """META
key;value
description;Tiny choose-1 PB
country;Poland
unit;Wroclaw
instance;2016
subunit;Rejon 1
num_projects;2
num_votes;3
budget;500
vote_type;choose-1
rule;greedy-no-skip
date_begin;30.09.2016
date_end;10.10.2016
min_length;1
max_length;1
currency;PLN
PROJECTS
project_id;cost;votes;name;selected
10;400;2;Crossing;1
11;300;1;Benches;0
VOTES
voter_id;vote;sex
a1;10;F
a2;11;M
a3;10;
"""

ORDINAL = """META
key;value
description;Tiny ordinal PB
country;Poland
unit;Testowo
instance;2022
num_projects;3
num_votes;2
budget;900
vote_type;ordinal
rule;greedy
date_begin;2022
date_end;2022
min_length;2
max_length;3
currency;PLN
PROJECTS
project_id;cost;name
a;500;Alpha
b;400;Beta
c;300;Gamma
VOTES
voter_id;vote;points
x;c,a,b;3,2,1
y;b,a;3,2
"""

CUMULATIVE = """META
key;value
description;Tiny cumulative PB
country;Switzerland
unit;Zurich
instance;D1
num_projects;2
num_votes;2
budget;100
vote_type;cumulative
rule;unknown
date_begin;01.03.2023
date_end;09.03.2023
max_sum_points;10
min_sum_points;1
max_points;8
currency;CHF
PROJECTS
project_id;cost;name
1;50;One
2;70;Two
VOTES
voter_id;vote;points
q;1,2;6,4
r;2;8
"""

SCORING = """META
key;value
description;Tiny scoring PB
country;France
unit;Ville
instance;2025
num_projects;2
num_votes;2
budget;100
vote_type;scoring
rule;unknown
date_begin;01.03.2025
date_end;09.03.2025
min_points;-2
max_points;2
currency;EUR
PROJECTS
project_id;cost;name
s1;50;One
s2;70;Two
VOTES
voter_id;vote;points
u1;s1,s2;2,-2
u2;s2;0
"""


def _ids(app: Coprod, process_id: UUID) -> dict[str, UUID]:
    source = find_source(app, process_id)
    assert source is not None
    return {p.project_id: p.proposal_id for p in source.projects}


def test_choose_one_is_approval_of_exactly_one(app: Coprod, tmp_path: Path) -> None:
    result = _import(app, _file(tmp_path, CHOOSE_ONE))
    process = app.get_process(result.process_id)  # type: ignore[attr-defined]
    assert process.voting == VotingRules(VoteMethod.APPROVAL, max_choices=1, min_choices=1)


def test_ordinal_ballots_keep_the_ranking_and_a_year_is_a_date(app: Coprod, tmp_path: Path) -> None:
    result = _import(app, _file(tmp_path, ORDINAL))
    pid = result.process_id  # type: ignore[attr-defined]
    ids = _ids(app, pid)
    assert _ballot(app, pid, "x").choices == BallotChoices(ranking=(ids["c"], ids["a"], ids["b"]))
    process = app.get_process(pid)
    assert process.voting == VotingRules(VoteMethod.RANKED, max_choices=3, min_choices=2)
    assert (process.schedule[0].starts_on.isoformat(), process.schedule[0].ends_on.isoformat()) == (
        "2022-01-01",
        "2022-12-31",
    )
    assert process.phase is Phase.VOTE  # no `selected` column: no decisions recorded


def test_cumulative_ballots_keep_points_and_rules(app: Coprod, tmp_path: Path) -> None:
    result = _import(app, _file(tmp_path, CUMULATIVE))
    pid = result.process_id  # type: ignore[attr-defined]
    ids = _ids(app, pid)
    assert _ballot(app, pid, "q").choices == BallotChoices(points=((ids["1"], 6), (ids["2"], 4)))
    assert app.get_process(pid).voting == VotingRules(
        VoteMethod.CUMULATIVE, None, 1, points=10, max_points_per_project=8, min_points_total=1
    )


def test_scoring_ballots_allow_zero_and_negative_scores(app: Coprod, tmp_path: Path) -> None:
    result = _import(app, _file(tmp_path, SCORING))
    pid = result.process_id  # type: ignore[attr-defined]
    ids = _ids(app, pid)
    assert _ballot(app, pid, "u1").choices == BallotChoices(
        points=((ids["s1"], 2), (ids["s2"], -2))
    )
    assert app.get_process(pid).voting == VotingRules(
        VoteMethod.SCORING, None, 1, max_points_per_project=2, min_points_per_project=-2
    )


# -- refusals: the line, the reason, and nothing written ----------------------------------------

MALFORMED = [
    ("no VOTES section", APPROVAL.split("VOTES")[0], 21, "missing section VOTES"),
    ("num_projects", _vary(APPROVAL, "num_projects;3", "num_projects;4"), 7, "num_projects is 4"),
    (
        "num_votes",
        _vary(APPROVAL, "num_votes;4", "num_votes;5"),
        8,
        "num_votes is 5 but VOTES has 4",
    ),
    ("unknown project", _vary(APPROVAL, "v2;p1;70", "v2;p9;70"), 25, "unknown project 'p9'"),
    ("bad cost", _vary(APPROVAL, "p2;300;", "p2;3O0;"), 20, "is not a number"),
    ("decimal comma", _vary(APPROVAL, "budget;1000", "budget;1000,5"), 9, "decimal comma"),
    (
        "vote columns",
        _vary(APPROVAL, "v3;p2,p3;;;internet", "v3;p2,p3;;internet"),
        26,
        "wrong column count",
    ),
    (
        "project columns",
        _vary(APPROVAL, "p2;300;2;Library;", "p2;300;2;Library;;"),
        20,
        "wrong column count",
    ),
    ("same voter twice", _vary(APPROVAL, "v4;p1", "V1;p1"), 27, "votes twice"),
    ("rule broken", _vary(APPROVAL, "v3;p2,p3", "v3;p1,p2,p3"), 26, "at most 2 allowed"),
    ("no budget key", _vary(APPROVAL, "budget;1000\n", ""), 1, "required key budget"),
    (
        "vote type",
        _vary(APPROVAL, "vote_type;approval", "vote_type;quadratic"),
        10,
        "vote_type 'quadratic'",
    ),
    ("bad date", _vary(APPROVAL, "date_end;15.06.2024", "date_end;31.02.2024"), 13, "not a date"),
    (
        "points length",
        _vary(CUMULATIVE, "q;1,2;6,4", "q;1,2;6"),
        24,
        "1 points for 2 voted projects",
    ),
    ("over allowance", _vary(CUMULATIVE, "q;1,2;6,4", "q;1,2;6,5"), 24, "allowance is 10"),
    ("no META word", APPROVAL.replace("META\n", "", 1), 1, "expected the section word META"),
    (
        "unsupported key",
        _vary(APPROVAL, "currency;PLN", "currency;PLN\nmin_sum_cost;10"),
        17,
        "min_sum_cost",
    ),
    ("bad sex", _vary(APPROVAL, "v2;p1;70;M", "v2;p1;70;X"), 25, "sex 'X'"),
]


@pytest.mark.parametrize(
    ("case", "text", "line", "message"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_file_is_refused_with_its_line_and_nothing_is_written(
    app: Coprod, tmp_path: Path, case: str, text: str, line: int, message: str
) -> None:
    with pytest.raises(PabulibFormatError) as refused:
        _import(app, _file(tmp_path, text))
    assert refused.value.line == line, str(refused.value)
    assert message in str(refused.value)
    assert str(refused.value).startswith(f"line {line}: ")
    assert _empty(app)


def test_file_the_checker_refuses_is_not_imported(app: Coprod, tmp_path: Path) -> None:
    wrong_tally = _vary(APPROVAL, "p2;300;2;", "p2;300;9;")
    with pytest.raises(
        PabulibFormatError, match="pabulib-checker refuses the file: different values in votes"
    ):
        import_file(app, _file(tmp_path, wrong_tally), use_checker=True)
    assert _empty(app)


# -- duplicates and resuming ---------------------------------------------------------------------


def test_importing_the_same_file_twice_is_detected_not_duplicated(
    app: Coprod, tmp_path: Path
) -> None:
    path = _file(tmp_path, APPROVAL)
    first = _import(app, path)
    count = len(app.recorder.select_notifications(1, 10_000))
    again = _import(app, path)
    assert again.duplicate is not None
    assert "already imported" in again.duplicate
    assert again.process_id == first.process_id
    assert again.events == 0
    assert len(app.recorder.select_notifications(1, 10_000)) == count


def test_another_file_of_the_same_election_is_detected(app: Coprod, tmp_path: Path) -> None:
    first = _import(app, _file(tmp_path, APPROVAL))
    edited = _import(app, _file(tmp_path, APPROVAL + "\n", "edited.pb"))
    assert edited.duplicate is not None
    assert "already exists" in edited.duplicate
    assert edited.process_id == first.process_id  # type: ignore[attr-defined]


def test_an_interrupted_import_is_resumed_by_importing_again(
    app: Coprod, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, APPROVAL)

    def crash(*args: object) -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr(_Import, "_close", crash)
    with pytest.raises(RuntimeError):
        _import(app, path, batch_size=3)
    monkeypatch.undo()
    resumed = _import(app, path, batch_size=3)
    assert resumed.resumed
    assert resumed.ballots == 4
    assert resumed.decisions == 3
    process = app.get_process(resumed.process_id)  # type: ignore[attr-defined]
    assert process.ballot_state == "closed"
    assert len(list(iter_ballots(app, process.id))) == 4


# -- export ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [APPROVAL, CHOOSE_ONE, ORDINAL, CUMULATIVE, SCORING])
def test_export_reimports_to_the_same_process_with_fresh_voter_ids(
    app: Coprod, text: str, tmp_path: Path
) -> None:
    first = _import(app, _file(tmp_path, text))
    out = io.StringIO()
    export_process(app, first.process_id, out)  # type: ignore[attr-defined]
    exported = out.getvalue()
    for voter in ("v1", "x", "q", "u1"):
        assert f"\n{voter};" not in exported
    other = Coprod(
        parse_database_url("sqlite:///:memory:"), env={"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    second = _import(other, _file(tmp_path, exported, "exported.pb"))
    assert _snapshot(app, first.process_id) == _snapshot(other, second.process_id)  # type: ignore[attr-defined]


def _snapshot(app: Coprod, process_id: UUID) -> tuple[object, ...]:
    process = app.get_process(process_id)
    source = find_source(app, process_id)
    assert source is not None
    name_of = {p.proposal_id: p.project_id for p in source.projects}
    options = tuple((name_of[o.proposal_id], o.cost) for o in process.ballot_options)
    proposals = tuple(
        (
            name_of[p.proposal_id],
            app.get_proposal(p.proposal_id).title,
            app.get_proposal(p.proposal_id).status,
        )
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
    return (
        process.pot,
        process.voting,
        process.selection,
        process.currency,
        options,
        proposals,
        ballots,
    )


# -- the voting rules added for Pabulib ----------------------------------------------------------

OPTIONS = (
    BallotOption(UUID(int=1), Money.of(10, "PLN")),
    BallotOption(UUID(int=2), Money.of(10, "PLN")),
)


def test_scoring_refuses_a_score_outside_the_declared_range() -> None:
    rules = VotingRules(VoteMethod.SCORING, min_points_per_project=-1, max_points_per_project=1)
    check_ballot(rules, OPTIONS, BallotChoices(points=((UUID(int=1), -1), (UUID(int=2), 0))))
    with pytest.raises(BallotRejected, match=r"score 2 .* outside the range -1\.\.1") as refused:
        check_ballot(rules, OPTIONS, BallotChoices(points=((UUID(int=1), 2),)))
    assert refused.value.rule == "score-range"
    with pytest.raises(BallotRejected) as shape:
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(UUID(int=1),)))
    assert shape.value.rule == "ballot-shape"


def test_cumulative_minimums_per_project_and_in_total() -> None:
    rules = VotingRules(
        VoteMethod.CUMULATIVE, points=10, min_points_per_project=2, min_points_total=5
    )
    check_ballot(rules, OPTIONS, BallotChoices(points=((UUID(int=1), 3), (UUID(int=2), 2))))
    with pytest.raises(BallotRejected) as low:
        check_ballot(rules, OPTIONS, BallotChoices(points=((UUID(int=1), 1), (UUID(int=2), 4))))
    assert low.value.rule == "points-per-project"
    with pytest.raises(BallotRejected, match="4 points given, at least 5") as total:
        check_ballot(rules, OPTIONS, BallotChoices(points=((UUID(int=1), 4),)))
    assert total.value.rule == "points-minimum"


def test_inconsistent_point_ranges_are_refused() -> None:
    with pytest.raises(InvalidInput, match="min_points_per_project"):
        VotingRules(VoteMethod.SCORING, min_points_per_project=3, max_points_per_project=1)
    with pytest.raises(InvalidInput, match="min_points_total"):
        VotingRules(VoteMethod.CUMULATIVE, points=3, min_points_total=-1)


def test_voting_rules_stored_before_the_new_fields_still_load() -> None:
    old_shape = {
        "method": VoteMethod.CUMULATIVE,
        "max_choices": None,
        "min_choices": 1,
        "budget_limit": None,
        "points": 10,
        "max_points_per_project": 5,
    }
    loaded = DataclassAsDict(VotingRules, "voting_rules").decode(old_shape)
    assert loaded == VotingRules(VoteMethod.CUMULATIVE, points=10, max_points_per_project=5)
    assert loaded.min_points_per_project is None
    assert loaded.min_points_total is None


# -- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    root = typer.Typer()
    root.add_typer(import_app, name="import")
    root.add_typer(export_app, name="export")
    return root


def test_cli_json_prints_one_object_per_file_and_reports_a_repeat(
    cli: typer.Typer, tmp_path: Path
) -> None:
    path = _file(tmp_path, APPROVAL)
    runner = CliRunner()
    first = runner.invoke(cli, ["import", "pabulib", str(path), "--format", "json", "--no-checker"])
    assert first.exit_code == 0, first.output
    line = json.loads(first.stdout)
    assert set(line) == {"process_id", "events"}
    assert line["events"] > 0
    again = runner.invoke(cli, ["import", "pabulib", str(path), "--format", "json", "--no-checker"])
    assert json.loads(again.stdout) == {"process_id": line["process_id"], "events": 0}
    assert "already imported" in again.stderr
    out = tmp_path / "out.pb"
    exported = runner.invoke(cli, ["export", "pabulib", line["process_id"], "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").startswith(
        "META\nkey;value\ndescription;Tiny approval PB\n"
    )


def test_cli_refuses_a_malformed_file_with_its_line(cli: typer.Typer, tmp_path: Path) -> None:
    path = _file(tmp_path, _vary(APPROVAL, "v2;p1;70", "v2;p9;70"))
    result = CliRunner().invoke(cli, ["import", "pabulib", str(path), "--no-checker"])
    assert result.exit_code == 2
    assert "line 25: vote for unknown project 'p9'" in result.stderr
    assert "nothing of it was imported" in result.stderr
    assert result.stdout == ""


def test_a_process_without_a_ballot_cannot_be_exported(
    app: Coprod, officer: object, council_id: UUID
) -> None:
    receipt = app.open_process(
        OpenProcess(council_id=council_id, code="pb-x", name="No vote yet", currency="DKK"), officer
    )  # type: ignore[arg-type]
    with pytest.raises(Exception, match="no ballot to export"):
        export_process(app, receipt.aggregate_id, io.StringIO())
