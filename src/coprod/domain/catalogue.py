"""The event catalogue: every event type, its fields and what it means, generated from the code.

Evaluators read ``docs/EVENTS.md`` as the data dictionary of the log; a test regenerates it
and compares, so the document cannot drift from the classes that write the events.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Iterator, Sequence

from eventsourcing.utils import get_topic

import coprod
from coprod.domain.aggregate import CoprodAggregate

_BASE_FIELDS = ("originator_id", "originator_version", "timestamp", "originator_topic")


def aggregate_classes() -> list[type[CoprodAggregate]]:
    """Every concrete aggregate class in the coprod package, in a stable order."""
    for module in pkgutil.walk_packages(coprod.__path__, "coprod."):
        importlib.import_module(module.name)
    found: set[type[CoprodAggregate]] = set()
    stack: list[type[CoprodAggregate]] = [CoprodAggregate]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("coprod."):
                found.add(sub)
                stack.append(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def event_classes() -> list[type[CoprodAggregate.Event]]:
    """Every event type an aggregate records (not the abstract bases the library derives)."""
    events = []
    for aggregate in aggregate_classes():
        for name, value in vars(aggregate).items():
            if (
                inspect.isclass(value)
                and issubclass(value, CoprodAggregate.Event)
                and name not in ("Event", "Created")
            ):
                events.append(value)
    return events


def event_fields(event_cls: type) -> dict[str, str]:
    """Field name -> type, as declared (the actor first, library bookkeeping left out)."""
    hints = typing.get_type_hints(event_cls)
    names = [f.name for f in dataclasses.fields(event_cls) if f.name not in _BASE_FIELDS]
    return {name: _type_name(hints[name]) for name in names}


def _type_name(tp: object) -> str:
    text = getattr(tp, "__name__", None) if not typing.get_args(tp) else None
    if text is None:
        text = str(tp).replace("typing.", "")
        for module in ("coprod.", "datetime.", "decimal.", "uuid."):
            text = _strip_modules(text, module)
    return text


def _strip_modules(text: str, prefix: str) -> str:
    return re.sub(rf"{re.escape(prefix)}(?:\w+\.)*", "", text)


def _lines() -> Iterator[str]:
    yield "# Event catalogue"
    yield ""
    yield "Generated from the code by `coprod catalogue`; a test fails if this file and the code differ."
    yield "Every event also carries `originator_id` (the aggregate), `originator_version` (its"
    yield "position in that aggregate's history) and `timestamp` (UTC, set when recorded). The topic is"
    yield "what is stored with each event; it must keep resolving forever (renames register the old one)."
    yield ""
    for aggregate in aggregate_classes():
        yield f"## {aggregate.__name__}"
        yield ""
        yield _first_paragraph(declared_doc(aggregate))
        yield ""
        for event_cls in (
            e for e in event_classes() if e.__qualname__.split(".")[0] == aggregate.__name__
        ):
            version = getattr(event_cls, "class_version", 1)
            yield f"### {event_cls.__name__}"
            yield ""
            yield _first_paragraph(declared_doc(event_cls))
            yield ""
            yield f"Topic `{get_topic(event_cls)}`, version {version}."
            yield ""
            yield "| field | type |"
            yield "|---|---|"
            for name, type_name in event_fields(event_cls).items():
                yield f"| `{name}` | `{type_name}` |"
            yield ""


def declared_doc(cls: type) -> str | None:
    """The docstring as written: dataclass() replaces a missing one with the signature."""
    for klass in cls.__mro__:
        doc = vars(klass).get("__doc__")
        if doc and not doc.startswith(f"{klass.__name__}("):
            return str(doc)
    return None


def _first_paragraph(doc: str | None) -> str:
    if not doc:
        return "(undocumented)"
    return inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ")


PUBLISHED_HEADING = "## Published topics"


def published_in(catalogue: str) -> list[str]:
    """The topics listed in a catalogue's "Published topics" section, in their order."""
    _, found, section = catalogue.partition(PUBLISHED_HEADING + "\n")
    if not found:
        return []
    return [line[3:-1] for line in section.splitlines() if line.startswith("- `")]


def _published_lines(published: Sequence[str]) -> Iterator[str]:
    yield PUBLISHED_HEADING
    yield ""
    yield "Every topic ever stored, in the order it was first published. The list is append-only:"
    yield "`coprod catalogue --output docs/EVENTS.md` keeps what the file already lists and adds the"
    yield "topics of new events, and a test fails if a listed topic stops resolving (a rename must"
    yield "keep its stored topic, see `keep_stored_topics`)."
    yield ""
    listed = list(dict.fromkeys(published))
    listed += [t for t in (get_topic(e) for e in event_classes()) if t not in set(listed)]
    for topic in listed:
        yield f"- `{topic}`"


def render_catalogue(published: Sequence[str] = ()) -> str:
    """The whole catalogue as Markdown, ending with the append-only list of stored topics.

    ``published`` is the list the previous catalogue held (:func:`published_in`); its topics
    stay listed, in order, even if no class declares them any more, so the test notices.
    """
    lines = [*_lines(), *_published_lines(published)]
    return "\n".join(lines).rstrip() + "\n"
