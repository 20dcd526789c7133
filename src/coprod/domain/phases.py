"""The phases a process passes through, in order; commands are allowed only in some of them."""

from __future__ import annotations

from enum import Enum

from coprod.domain.stored import stored_as


@stored_as("phase")
class Phase(Enum):
    """DOMAIN.md §3: ideas → development → review → vote → decision → delivery → evaluation."""

    IDEAS = "ideas"
    DEVELOPMENT = "development"
    REVIEW = "review"
    VOTE = "vote"
    DECISION = "decision"
    DELIVERY = "delivery"
    EVALUATION = "evaluation"
    CLOSED = "closed"

    @property
    def order(self) -> int:
        return list(Phase).index(self)
