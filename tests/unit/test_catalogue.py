"""The event catalogue in docs/ is the data dictionary: it must match the code exactly."""

from __future__ import annotations

from pathlib import Path

from eventsourcing.utils import get_topic, resolve_topic

from coprod.domain.catalogue import declared_doc, event_classes, render_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "EVENTS.md"


def test_catalogue_file_matches_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/EVENTS.md is out of date: run `coprod catalogue --output docs/EVENTS.md`"
    )


def test_every_event_is_documented() -> None:
    undocumented = [e.__qualname__ for e in event_classes() if not declared_doc(e)]
    assert undocumented == []


def test_every_published_topic_still_resolves() -> None:
    """Topics are stored in every row: once published (listed in docs/published_topics.txt,
    append-only) a topic must resolve forever, so a rename must register the old topic."""
    published = (DOC.parent / "published_topics.txt").read_text().split()
    for topic in published:
        assert get_topic(resolve_topic(topic)) in {get_topic(e) for e in event_classes()}, topic
    missing = [get_topic(e) for e in event_classes() if get_topic(e) not in published]
    assert missing == [], "new event types: append their topics to docs/published_topics.txt"
