"""Events stored in an older shape still load after the class gained a field."""

from __future__ import annotations

import json
import uuid

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from coprod.application import Coprod
from coprod.domain.process import Process, ProcessKind
from coprod.domain.values import Actor


def test_process_opened_v1_loads_as_pb_cycle(store_app: Coprod, officer: Actor) -> None:
    council = uuid.uuid4()
    process_id = Process.create_id(council_id=council, code="pb-2019")
    v1_state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2019-03-01T09:00:00+00:00"},
        "originator_topic": get_topic(Process),
        "actor": {
            "_type_": "actor",
            "_data_": {
                "id": {"_type_": "uuid_hex", "_data_": officer.id.hex},
                "role": {"_type_": "role", "_data_": "council_officer"},
                "organisation_id": None,
            },
        },
        "council_id": {"_type_": "uuid_hex", "_data_": council.hex},
        "code": "pb-2019",
        "name": "PB 2019",
        "currency": "DKK",
    }
    stored = StoredEvent(
        originator_id=process_id,
        originator_version=1,
        topic=get_topic(Process.Opened),
        state=json.dumps(v1_state).encode(),
    )
    store_app.recorder.insert_events([stored])

    process = store_app.load(Process, process_id)

    assert process.kind is ProcessKind.PB_CYCLE
    assert process.name == "PB 2019"
    (event,) = store_app.repository.event_store.get(process_id)
    assert event.kind is ProcessKind.PB_CYCLE
    assert event.actor == officer.__class__(officer.id, officer.role, None)
