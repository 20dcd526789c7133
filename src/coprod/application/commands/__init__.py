"""Commands: what each use case is asked to do, as a value with named fields.

One frozen dataclass per use case (``SetBudget(process_id=..., pot=...)``), declared per
area in this package and handled by the method of the same name on
:class:`coprod.application.Coprod` together with the acting :class:`~coprod.domain.values.Actor`
(``app.set_budget(SetBudget(...), actor)``), as cosmicpython's ``commands.py`` and
``handlers.py``. HTTP routes, CLI commands, the web pages and the demo build the same
command and call the same handler, so a rule cannot be spelt twice; the handler checks
roles and ownership with :mod:`coprod.application.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command: immutable, keyword-only, no behaviour.

    Keyword-only fields make every call site name what it passes (no thirteen positional
    arguments); a command that acts on an existing aggregate carries ``expected_version``,
    the version the caller last saw (HTTP ``If-Match``), or None for "any".
    """
