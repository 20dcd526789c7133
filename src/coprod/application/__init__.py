"""The coprod application: one object per process, composed of one mixin per use-case area."""

from __future__ import annotations

from coprod.application.base import SYSTEM_ACTOR, CoprodBase, Receipt
from coprod.application.processes import ProcessCommands

__all__ = ["SYSTEM_ACTOR", "Coprod", "CoprodBase", "Receipt"]


class Coprod(ProcessCommands):
    """Every write-side use case of coprod; construct one per process and share it."""

    name = "coprod"
