"""One Pabulib file's import session: its state and the one way its aggregates are saved.

The opening (:mod:`.opening`) and closing (:mod:`.closing`) steps of the import share it; the
order of work and the transaction boundaries are described in :mod:`.importer`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.domain.errors import AlreadyExists, StoreUnavailable
from coprod.domain.hearing_dates import require_not_future
from coprod.domain.organisation import Organisation
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.process import Process
from coprod.standards.pabulib.grammar import parse_date
from coprod.standards.pabulib.mapping import slugify
from coprod.standards.pabulib.validation import Progress, ValidatedFile

#: META keys kept (in the process or the provenance record); others are reported, not kept.
KEPT_META = frozenset(
    {
        "description",
        "country",
        "unit",
        "instance",
        "subunit",
        "district",
        "num_projects",
        "num_votes",
        "budget",
        "vote_type",
        "rule",
        "date_begin",
        "date_end",
        "currency",
        "language",
        "edition",
        "experimental",
        "min_length",
        "max_length",
        "max_sum_cost",
        "min_points",
        "max_points",
        "min_sum_points",
        "max_sum_points",
        "default_score",
        "min_project_score_threshold",
    }
)


class ImportSession:
    """What every step of one file's import knows: the app, the checked file, the ids."""

    def __init__(
        self,
        app: Coprod,
        checked: ValidatedFile,
        batch_size: int,
        progress: Progress | None,
        warnings: tuple[str, ...],
    ) -> None:
        self.app = app
        self.checked = checked
        self.header = checked.header
        self.meta = checked.header.meta
        self.batch_size = batch_size
        self.progress = progress
        self.warnings = warnings
        self.actor = SYSTEM_ACTOR
        self.events = 0
        self.slug = slugify(f"{self.meta['country']}-{self.meta['unit']}") or "pabulib-unit"
        self.council_id = Organisation.create_id(self.slug)
        self.code = _process_code(self.meta)
        self.process_id = Process.create_id(self.council_id, self.code)
        self.source_id = PabulibSource.create_id(checked.sha256)
        self.ignored = tuple(sorted(k for k in self.meta if k not in KEPT_META))
        self.decided_on = parse_date(self.meta["date_end"], None, "date_end", end=True)
        if self.header.has_selected:
            # The decisions and their facts are dated date_end: refused now, before anything
            # is written, rather than after the ballots when the first decision is made.
            require_not_future("date_end", self.decided_on)

    def _save(self, log: list[Any], first_is: Aggregate) -> None:
        try:
            self.app.save(*log)
        except IntegrityError:
            raise AlreadyExists(type(first_is).__name__.lower(), first_is.id) from None
        except OperationalError as e:
            raise StoreUnavailable(
                f"the store did not accept the write ({e}); re-run the import to resume"
            ) from e
        self.events += len(log)


def _process_code(meta: dict[str, str]) -> str:
    """Readable and unique per election, as Pabulib's own file names are (unit, instance, subunit)."""
    parts = ["pabulib", meta["instance"]]
    if meta.get("subunit"):
        parts.append(meta["subunit"])
    code = "/".join(parts)
    if len(code) <= 80:
        return code
    return "pabulib/" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:32]
