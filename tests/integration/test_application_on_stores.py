"""The application test-suite again, on real stores: every use-case test that takes the `app`
fixture runs here on an SQLite file and on PostgreSQL (an abstract-test-class pattern with
modules: the tests are imported, and `app` is overridden to be store-parametrised)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from tests.unit.test_ballot import *  # noqa: F403
from tests.unit.test_commitment import *  # noqa: F403
from tests.unit.test_decision import *  # noqa: F403
from tests.unit.test_organisation import *  # noqa: F403
from tests.unit.test_privacy import *  # noqa: F403
from tests.unit.test_process import *  # noqa: F403
from tests.unit.test_project import *  # noqa: F403
from tests.unit.test_proposal import *  # noqa: F403
from tests.unit.test_recording import *  # noqa: F403


@pytest.fixture
def app(store_url: str) -> Iterator[Coprod]:
    """Overrides the in-memory `app` of tests/conftest.py with a real store."""
    application = Coprod(parse_database_url(store_url))
    yield application
    application.close()
