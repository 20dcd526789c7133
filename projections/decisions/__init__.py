"""A process's council decisions as a list (``GET /api/v1/processes/{id}/decisions``).

Why a read model of its own: the list is filtered by outcome and paged, and each row needs
its proposal's title; one indexed read instead of loading every decision aggregate.
"""

from projections.decisions.model import DecisionsModel
from projections.decisions.queries import DecisionPage, DecisionRow, decision_page

__all__ = ["DecisionPage", "DecisionRow", "DecisionsModel", "decision_page"]
