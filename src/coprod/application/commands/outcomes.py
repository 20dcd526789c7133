"""Commands on a closed vote's outcome: record it under a rule.

Handled by :meth:`coprod.application.Coprod.record_outcome`
(``app.record_outcome(RecordOutcome(...), actor)``). Computing an outcome without recording
it is a query (``app.compute_outcome``), not a command. An outcome is recorded once per
(process, rule), so there is no ``expected_version``: a repeat is AlreadyExists.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.rules.options import RuleOptions

__all__ = ["RecordOutcome"]


@dataclass(frozen=True, kw_only=True)
class RecordOutcome(Command):
    """Count the closed ballot box under ``rule`` and record the result.

    ``rule`` is a rule name or "declared" (the process's own); ``threshold`` is for
    greedy-threshold (None: the declared one); ``options`` the reserve share, exclusion groups
    and tie-break (None: Poznań's 80 %, no groups, the smaller id).
    """

    process_id: UUID
    rule: str
    threshold: int | None = None
    options: RuleOptions | None = None
