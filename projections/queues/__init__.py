"""The officers' work queues: what in one council's processes waits for an officer.

Why a read model of its own: the console's home page shows five queues with counts on every
visit; answering by loading every proposal, hearing and contribution aggregate would grow
with the council's history. This model keeps, per council, only the few columns the queues
filter on, so each queue is one indexed read (see :mod:`projections.queues.queries`).
"""

from projections.queues.model import QueuesModel
from projections.queues.queries import (
    ContributionItem,
    HearingItem,
    ProposalItem,
    Queue,
    Queues,
    council_queues,
)

__all__ = [
    "ContributionItem",
    "HearingItem",
    "ProposalItem",
    "Queue",
    "Queues",
    "QueuesModel",
    "council_queues",
]
