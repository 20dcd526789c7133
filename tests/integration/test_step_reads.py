"""A step inside the recorder's transaction reads what it queries, on every store.

On PostgreSQL the recorder once ran steps in psycopg's pipeline mode, where a cursor has no
``description`` until the results are fetched: every SELECT of a step returned no rows (the
ballot-closed check then saw no close, the idempotency check no owner).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from coprod.adapters.recording import InTransaction, Transaction
from coprod.application import Coprod
from coprod.domain.organisation import Person
from coprod.domain.values import Actor


def test_a_step_sees_the_rows_it_selects(store_app: Coprod, officer: Actor) -> None:
    person = Person.register(officer, uuid.uuid4(), ("name",))
    seen: list[Any] = []

    def look(t: Transaction) -> None:
        rows: list[Mapping[str, Any]] = t.execute("SELECT 1 AS one")
        seen.append([dict(r) for r in rows])
        seen.append(t.topics_after(person.id, 0))
        seen.append(t.execute(f"UPDATE {t.table('coprod_subject_keys')} SET key = key WHERE 1 = 0"))

    store_app.personal_data.key_for("warm-up")  # the table exists
    store_app.commit(person, within=InTransaction(checks=(look,)))
    assert seen[0] == [{"one": 1}]
    assert seen[1] == [], "topics_after leaves out this transaction's own events"
    assert seen[2] == []
