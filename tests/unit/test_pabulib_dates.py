"""A Pabulib import dates its case file by the file, not by the day it was imported.

The city decided on the file's ``date_end``; the vote result each decision relies on was on
the case file then. Were the facts dated on import day, every imported decision would be
dated years before the facts it relies on (the ``date-before-case`` rule's very case).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coprod.application import Coprod
from coprod.domain.decision import Decision
from coprod.domain.errors import DateInFuture
from coprod.standards.pabulib import import_file
from coprod.standards.pabulib.log_reader import find_source
from tests.unit.test_pabulib_parser import APPROVAL, _file, _vary


@pytest.mark.parametrize(
    ("date_end", "decided"),
    [("15.06.2024", date(2024, 6, 15)), ("2023", date(2023, 12, 31))],
)
def test_imported_facts_carry_the_decision_date(
    app: Coprod, tmp_path: Path, date_end: str, decided: date
) -> None:
    text = _vary(APPROVAL, "date_end;15.06.2024", f"date_end;{date_end}")
    if date_end == "2023":
        text = _vary(text, "date_begin;01.06.2024", "date_begin;2023")
    result = import_file(app, _file(tmp_path, text), use_checker=False)
    assert result.decisions == 3
    source = find_source(app, result.process_id)
    assert source is not None
    for project in source.projects:
        proposal = app.get_proposal(project.proposal_id)
        assert proposal.decision_id is not None
        decision: Decision = app.load(Decision, proposal.decision_id)
        assert decision.decided_on == decided
        assert decision.record is not None
        relied = decision.record.facts_relied_on
        assert relied, project.project_id
        assert [proposal.facts[f].noted_on for f in relied] == [decided] * len(relied)
        assert not proposal.hearings  # the vote result is known to the party: no hearing


def test_a_decision_date_in_the_future_is_refused_before_anything_is_written(
    app: Coprod, tmp_path: Path
) -> None:
    text = _vary(APPROVAL, "date_end;15.06.2024", "date_end;15.06.2199")
    with pytest.raises(DateInFuture, match="date_end: 2199-06-15 is in the future"):
        import_file(app, _file(tmp_path, text), use_checker=False)
    assert not app.recorder.select_notifications(1, 10)


def test_a_future_end_without_decisions_is_still_imported(app: Coprod, tmp_path: Path) -> None:
    """A vote still running (no `selected` column) may end after today: nothing is dated by it."""
    text = _vary(APPROVAL, "date_end;15.06.2024", "date_end;15.06.2199")
    for old, new in (
        ("category;selected;district", "category;district"),
        ("nature,sport;1;North", "nature,sport;North"),
        ("culture;1;South", "culture;South"),
        ('bench";;0;North', 'bench";;North'),
    ):
        text = _vary(text, old, new)
    result = import_file(app, _file(tmp_path, text), use_checker=False)
    assert (result.ballots, result.decisions) == (4, 0)
