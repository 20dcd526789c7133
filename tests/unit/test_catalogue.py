"""The event catalogue in docs/ is the data dictionary: it must match the code exactly."""

from __future__ import annotations

from pathlib import Path

from eventsourcing.utils import get_topic, resolve_topic

from coprod.domain.catalogue import declared_doc, event_classes, published_in, render_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "EVENTS.md"
#: The topics published before the catalogue kept the list (issues 1-11); frozen.
FIRST_PUBLISHED = DOC.parent / "published_topics.txt"


def test_catalogue_file_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == render_catalogue(published_in(text)), (
        "docs/EVENTS.md is out of date: run `coprod catalogue --output docs/EVENTS.md`"
    )


def test_every_event_is_documented() -> None:
    undocumented = [e.__qualname__ for e in event_classes() if not declared_doc(e)]
    assert undocumented == []


def test_every_published_topic_still_resolves() -> None:
    """Topics are stored in every row: once published a topic must resolve forever, to the
    event class that writes it, so a moved class must keep its topic (keep_stored_topics)."""
    published = published_in(DOC.read_text(encoding="utf-8"))
    current = {get_topic(e) for e in event_classes()}
    for topic in published:
        assert get_topic(resolve_topic(topic)) in current, topic
    assert current <= set(published), "regenerate docs/EVENTS.md: new events' topics are missing"


def test_the_first_published_topics_stay_listed_and_resolve() -> None:
    first = FIRST_PUBLISHED.read_text().split()
    listed = published_in(DOC.read_text(encoding="utf-8"))
    assert listed[: len(first)] == first
    for topic in first:
        assert get_topic(resolve_topic(topic)) == topic


def test_a_new_event_is_appended_and_an_old_topic_kept() -> None:
    """The renderer keeps what the previous file listed, in order, and appends the rest."""
    text = render_catalogue(["coprod.retired:Gone.Event"])
    listed = published_in(text)
    assert listed[0] == "coprod.retired:Gone.Event"
    assert set(listed[1:]) == {get_topic(e) for e in event_classes()}
