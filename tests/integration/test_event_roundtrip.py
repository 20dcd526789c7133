"""Every event type survives storage in both stores with equal values of identical types."""

from __future__ import annotations

import pytest

from coprod.application import Coprod
from coprod.domain.catalogue import event_classes
from tests.event_samples import deep_types, sample_event

EVENT_CLASSES = event_classes()


def test_every_aggregate_module_contributes_events() -> None:
    assert len(EVENT_CLASSES) >= 10


@pytest.mark.parametrize("event_cls", EVENT_CLASSES, ids=lambda c: c.__qualname__)
def test_event_round_trips(store_app: Coprod, event_cls: type) -> None:
    original = sample_event(event_cls)
    stored = store_app.mapper.to_stored_event(original)
    store_app.recorder.insert_events([stored])
    (loaded_stored,) = store_app.recorder.select_events(original.originator_id)
    loaded = store_app.mapper.to_domain_event(loaded_stored)
    assert type(loaded) is type(original)
    assert vars(loaded) == vars(original)
    assert {k: deep_types(v) for k, v in vars(loaded).items()} == {
        k: deep_types(v) for k, v in vars(original).items()
    }
