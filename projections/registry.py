"""The read models coprod keeps, and the runner and worker bound to them.

The mechanism (:mod:`projections.kernel`) knows no read model; this module is the one place
that lists them. A new read model is one more entry in :data:`READ_MODELS` (and its
package); the runner, the worker, ``/health``, the exports and the rebuild benchmark pick it
up from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coprod.adapters.config import StoreSettings
from coprod.application.base import CoprodBase
from projections.addresses import AddressesModel
from projections.catalogue import CatalogueModel
from projections.commissioning import CommissioningModel
from projections.commitments import CommitmentsModel
from projections.decisions import DecisionsModel
from projections.impact.model import ImpactModel
from projections.kernel import runner, worker
from projections.kernel.health import Health, ModelStats, RetryResult
from projections.kernel.readmodel import ReadModel
from projections.organisations import OrganisationsModel
from projections.process_summary import ProcessSummaryModel
from projections.queues import QueuesModel
from projections.timeline import TimelineModel

__all__ = [
    "READ_MODELS",
    "Health",
    "ModelStats",
    "ProjectionWorker",
    "Projector",
    "RetryResult",
    "health",
]

#: Every read model the runner keeps up to date; a new model is one more entry.
READ_MODELS: dict[str, Callable[[], ReadModel]] = {
    "process_summary": ProcessSummaryModel,
    "impact": ImpactModel,
    "timeline": TimelineModel,
    "catalogue": CatalogueModel,
    "queues": QueuesModel,
    "commitments": CommitmentsModel,
    "decisions": DecisionsModel,
    "addresses": AddressesModel,
    "organisations": OrganisationsModel,
    "commissioning": CommissioningModel,
}


class Projector(runner.Projector):
    """The kernel's projector over every registered read model (or the `models` named)."""

    def __init__(
        self,
        app: CoprodBase | None = None,
        *,
        settings: StoreSettings | None = None,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        prefetch: bool = True,
    ) -> None:
        super().__init__(
            READ_MODELS,
            app,
            settings=settings,
            models=models,
            batch_size=batch_size,
            prefetch=prefetch,
        )


class ProjectionWorker(worker.ProjectionWorker):
    """The kernel's background worker over every registered read model (or those named)."""

    def __init__(
        self,
        settings: StoreSettings | None = None,
        *,
        models: Sequence[str] | None = None,
        batch_size: int = 2_000,
        poll_interval: float = 0.02,
    ) -> None:
        super().__init__(
            READ_MODELS,
            settings,
            models=models,
            batch_size=batch_size,
            poll_interval=poll_interval,
        )


def health(settings: StoreSettings | None = None) -> list[Health]:
    """Health of every read model in the configured store (for `coprod project --status`)."""
    with Projector(settings=settings) as projector:
        return projector.health()
