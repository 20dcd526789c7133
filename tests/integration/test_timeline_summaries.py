"""Every timeline row stores its summary's code and plain values beside its English, on both
stores, and the English made from them is the stored English (so a page can render the same
line in Danish without ever drifting from what the API serves)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.web.i18n import language
from api.web.trail_summaries import summary_line
from projections.timeline.summaries import TEMPLATES, english
from tests.integration.test_timeline import Chain, build_chain


@pytest.fixture
def chain(store_url: str) -> Iterator[Chain]:
    built = build_chain(store_url)
    yield built
    built.app.close()


def test_every_row_renders_its_stored_english_from_code_and_values(chain: Chain) -> None:
    timeline = chain.timeline(chain.project)
    assert len(timeline.entries) > 20
    da = language("da")
    codes = set()
    for entry in timeline.entries:
        assert entry.summary_code in TEMPLATES, entry.event
        assert english(entry.summary_code, entry.summary_values) == entry.summary, entry.event
        line = summary_line(da, entry.summary_code, entry.summary_values)
        assert line is not None, entry.event
        assert line != entry.summary, entry.event
        codes.add(entry.summary_code)
    # the corrections and revisions of the chain have codes of their own
    assert {"decision_corrected_amount", "spend_corrected", "milestone_delayed"} & codes


def test_the_public_view_of_a_work_log_has_the_public_code(chain: Chain) -> None:
    timeline = chain.timeline(chain.project)
    public = timeline.to_dict(public=True)["entries"]
    for entry, shown in zip(timeline.entries, public, strict=True):
        code, values = entry.summary_parts(public=True)
        assert english(code, values) == shown["summary"], entry.event
        if entry.event == "Contribution.ContributionLogged":
            assert code == "work_logged_public"
            assert "people" not in values
