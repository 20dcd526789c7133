"""Every read model takes or explicitly ignores every event type of the domain.

Why: adding an event that a report must see used to take edits in several files, with lists
of topics and handlers kept in step by hand; an event nobody listed was silently skipped.
A read model that declares its ``handlers`` (projections.kernel.handlers.Handlers) must
name every domain event either as handled or as ignored, so a new event fails here until
someone decides, per model, what it means. The topics the runner decodes for a model are
derived from those handlers, never listed a second time.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from eventsourcing.domain import BaseAggregate, DomainEvent
from eventsourcing.utils import get_topic

import coprod.domain
from projections.kernel.handlers import Handlers
from projections.registry import READ_MODELS

#: Base classes the library nests in every aggregate; no event is ever stored as one of them.
_LIBRARY_BASES = frozenset({"Event", "Created"})


def domain_events() -> frozenset[type]:
    """Every event class nested in an aggregate of coprod.domain (its stored event types)."""
    found: set[type] = set()
    for info in pkgutil.walk_packages(coprod.domain.__path__, f"{coprod.domain.__name__}."):
        module = importlib.import_module(info.name)
        for aggregate in vars(module).values():
            if not (
                inspect.isclass(aggregate)
                and issubclass(aggregate, BaseAggregate)
                and aggregate.__module__ == module.__name__
            ):
                continue
            for name, event in vars(aggregate).items():
                if (
                    inspect.isclass(event)
                    and issubclass(event, DomainEvent)
                    and event.__qualname__ == f"{aggregate.__qualname__}.{name}"
                    and name not in _LIBRARY_BASES
                ):
                    found.add(event)
    return frozenset(found)


def handlers_of(name: str) -> Handlers[object] | None:
    found = getattr(READ_MODELS[name](), "handlers", None)
    return found if isinstance(found, Handlers) else None


MODELS = sorted(READ_MODELS)


def test_the_domain_has_events_to_check() -> None:
    events = domain_events()
    assert len(events) >= 60
    assert {e.__qualname__ for e in events} >= {"Process.Opened", "Ballot.BallotCast"}


@pytest.mark.parametrize("name", MODELS)
def test_every_domain_event_is_handled_or_ignored(name: str) -> None:
    handlers = handlers_of(name)
    assert handlers is not None, f"{name} declares no `handlers` (projections.kernel.handlers)"
    events = domain_events()
    missed = events - handlers.handled() - handlers.ignored
    assert not missed, f"{name} neither handles nor ignores: " + ", ".join(
        sorted(e.__qualname__ for e in missed)
    )
    unknown = (handlers.handled() | handlers.ignored) - events
    assert not unknown, f"{name} names events the domain does not define: {unknown}"
    assert not handlers.handled() & handlers.ignored


@pytest.mark.parametrize("name", MODELS)
def test_a_models_topics_are_derived_from_its_handlers(name: str) -> None:
    model = READ_MODELS[name]()
    handlers = handlers_of(name)
    assert handlers is not None
    assert handlers.topics()
    assert model.topics == handlers.topics() == {get_topic(e) for e in handlers.handled()}


def test_an_aggregate_ignored_whole_covers_an_event_added_to_it_later() -> None:
    """``ignores_all_of``: a model that takes nothing from an aggregate needs no edit when
    that aggregate gains an event (the recipe "add an event" in docs/ARCHITECTURE.md)."""
    from coprod.domain.aggregate import CoprodAggregate

    class Kiosk(CoprodAggregate):
        class Opened(CoprodAggregate.Created):
            pass

    handlers: Handlers[object] = Handlers(ignores_all_of=(Kiosk,))
    assert Kiosk.Opened in handlers.ignored

    class Repainted(CoprodAggregate.Event):
        pass

    Repainted.__qualname__ = f"{Kiosk.__qualname__}.Repainted"
    Kiosk.Repainted = Repainted  # type: ignore[attr-defined]
    assert Repainted in handlers.ignored
    with pytest.raises(ValueError, match="both handled and ignored"):
        handlers.on(Repainted)(lambda event, tracking, batch: None)
