"""``coprod outcome PROCESS --rule RULE``: count a closed vote and explain every project's fate.

Wired into the main CLI by api/cli/main.py (``cli.command("outcome")(outcome)``). Refusals (unknown
process, ballot not closed, a rule the ballots cannot be counted with) are one line on stderr
and exit code 2, here rather than in ``main()``, so scripts and test runners see the same.
``--format json`` prints exactly ``{"rule", "winners", "cost"}``: ``rule`` echoes the requested
rule, ``winners`` are the project ids as in the Pabulib file (proposal UUIDs for a process
made in coprod) in selection order, ``cost`` the winners' total as a number.
``--record`` also records the outcome as an ``Outcome.Computed`` event (once per process and
rule); computing alone writes nothing, so evaluators can try rules without touching the log.
The rules' own parameters are ``-o/--rule-option KEY=VALUE`` (repeatable): ``reserve-percent``
for ``greedy-custom`` (Poznań: 80); ``exclusive=12,15`` (one exclusion group each) or
``exclusive-file=PATH`` (a group a line) for ``greedy-exclusive``; ``tie-break`` (id, cheaper,
supporters, lottery) and ``seed`` for the greedy rules. A tie that changes the outcome is
printed with the table, and on stderr with ``--format json``.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import fail
from api.cli.files import TableOrJson, process_id_of
from coprod.adapters.config import settings_from_env
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.outcomes import RecordOutcome
from coprod.application.outcomes import CountedOutcome
from coprod.domain.errors import AlreadyExists, CoprodError, InvalidInput
from coprod.domain.rules import TieBreak
from coprod.domain.rules.options import RuleOptions

errors = Console(stderr=True)


class OutcomeRule(StrEnum):
    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    GREEDY_THRESHOLD = "greedy-threshold"
    GREEDY_CUSTOM = "greedy-custom"
    GREEDY_EXCLUSIVE = "greedy-exclusive"
    MES_COST = "mes-cost"
    MES_CARDINALITY = "mes-cardinality"
    MES_ADD1 = "mes-add1"
    PHRAGMEN = "phragmen"
    DECLARED = "declared"


def outcome(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    rule: Annotated[
        OutcomeRule,
        typer.Option(help="The outcome rule; 'declared' uses the rule the process declared."),
    ] = OutcomeRule.DECLARED,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", help="json: {rule, winners, cost}.")
    ] = TableOrJson.TABLE,
    threshold: Annotated[
        int | None,
        typer.Option(help="Minimum score for greedy-threshold (default: the declared one)."),
    ] = None,
    record: Annotated[
        bool, typer.Option(help="Record the outcome as an event (once per process and rule).")
    ] = False,
    rule_option: Annotated[
        list[str] | None,
        typer.Option(
            "--rule-option",
            "-o",
            help="KEY=VALUE, repeatable: reserve-percent=80 (greedy-custom); exclusive=12,15 "
            "(greedy-exclusive, one group each) or exclusive-file=PATH (a group a line); "
            "tie-break=id|cheaper|supporters|lottery and seed=N (greedy rules).",
        ),
    ] = None,
) -> None:
    """Count a closed vote under a rule: winners, total cost, and why each project is in or out."""
    try:
        options = rule_options(rule_option or [])
        with Coprod(settings_from_env()) as app:
            if record:
                counted, note = _record(app, process_id_of(process), rule.value, threshold, options)
            else:
                counted, note = (
                    app.compute_outcome(process_id_of(process), rule.value, threshold, options),
                    None,
                )
    except CoprodError as e:
        fail(e)
    _print(counted, rule.value, output_format)
    if note:
        errors.print(note, soft_wrap=True)


def _print(counted: CountedOutcome, rule: str, output_format: TableOrJson) -> None:
    """The table (and findings) on stdout, or the JSON on stdout and the findings on stderr."""
    if output_format is TableOrJson.JSON:
        tally = counted.tally
        payload = {
            "rule": rule,
            "winners": list(tally.result.winners),
            "cost": _number(tally.total_cost.amount),
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        for line in _findings(counted):
            errors.print(line, soft_wrap=True)
    else:
        _print_table(counted)
        for line in _findings(counted):
            Console(soft_wrap=True).print(line)


_OPTION_KEYS = ("reserve-percent", "exclusive", "exclusive-file", "tie-break", "seed")


def rule_options(pairs: list[str]) -> RuleOptions:
    """``--rule-option KEY=VALUE`` pairs as :class:`RuleOptions`; an unknown key is refused."""
    given: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in _OPTION_KEYS:
            raise InvalidInput(
                "rule-option", f"{pair!r}; give KEY=VALUE with KEY one of {', '.join(_OPTION_KEYS)}"
            )
        given.setdefault(key, []).append(value.strip())
    files = [Path(f) for f in given.get("exclusive-file", [])]
    seed = given.get("seed", [None])[-1]
    if seed is not None and not seed.lstrip("-").isdigit():
        raise InvalidInput("seed", f"{seed!r} is not a whole number")
    return RuleOptions(
        reserve_percent=_percent(given.get("reserve-percent", ["80"])[-1]),
        exclusive=_groups(given.get("exclusive", []), files),
        tie_break=TieBreak(given.get("tie-break", ["id"])[-1], None if seed is None else int(seed)),
    )


def _percent(text: str) -> Fraction:
    try:
        return Fraction(Decimal(text))
    except (ArithmeticError, ValueError):
        raise InvalidInput("reserve-percent", f"{text!r} is not a number") from None


def _groups(options: list[str], paths: list[Path]) -> tuple[tuple[str, ...], ...]:
    """Exclusion groups from ``exclusive=`` options and files (one group a line; # comments)."""
    lines = list(options)
    for path in paths:
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise InvalidInput("exclusive-file", f"cannot be read: {e.strerror}") from None
    groups = []
    for line in lines:
        text = line.split("#", 1)[0]
        ids = tuple(dict.fromkeys(p.strip() for p in text.replace(";", ",").split(",")))
        ids = tuple(i for i in ids if i)
        if ids:
            groups.append(ids)
    return tuple(groups)


def _findings(counted: CountedOutcome) -> list[str]:
    """The reserve funding and the ties the outcome depends on, in one sentence each."""
    tally = counted.tally
    result = tally.result
    lines = []
    if result.reserve:
        lines.append(
            f"Funded from reserve funds, outside the budget: {', '.join(result.reserve)} "
            f"(the budget pays {tally.pot_cost.amount} {tally.pot_cost.currency})"
        )
    for tie in result.ties:
        lines.append(
            f"Tie: {tie.text}; broken by {result.tie_break}. The result depends on this tie-break."
        )
    return lines


def _record(
    app: Coprod, process_id: UUID, rule: str, threshold: int | None, options: RuleOptions
) -> tuple[CountedOutcome, str]:
    """Count and record once (one load of the process, one count); a repeat with the same
    result is reported, a different one refused."""
    command = RecordOutcome(process_id=process_id, rule=rule, threshold=threshold, options=options)
    try:
        receipt = app.record_outcome(command, SYSTEM_ACTOR)
    except AlreadyExists:
        # Nothing was written: count again to compare with what was recorded before.
        counted = app.compute_outcome(process_id, rule, threshold, options)
        tally = counted.tally
        stored = app.get_outcome(process_id, tally.rule)
        same = (
            stored.winners == tally.winner_proposals
            and stored.ballots_sha256 == counted.ballots_sha256
            and stored.parameters == tally.parameters
        )
        if not same:
            raise AlreadyExists(
                "outcome", f"{stored.id} (recorded with a different result)"
            ) from None
        return counted, f"already recorded as outcome {stored.id}; unchanged"
    note = f"recorded as outcome {receipt.aggregate_id} at log position {receipt.position}"
    return receipt.counted, note


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _print_table(counted: CountedOutcome) -> None:
    tally = counted.tally
    console = Console(soft_wrap=False)
    result = tally.result
    budget = dict(tally.parameters).get("budget", "?")
    currency = tally.total_cost.currency
    console.print(
        f"Process {counted.process_id}: rule {tally.rule}"
        + (f" (applied: {tally.applied})" if tally.applied != tally.rule else "")
        + f", {tally.ballots} ballots counted up to log position {counted.counted_up_to}"
    )
    console.print(
        f"Winners ({len(result.winners)}): {', '.join(result.winners) or 'none'}; total cost "
        f"{tally.total_cost.amount} {currency} of a budget of {budget} {currency}"
    )
    names = dict(counted.names)
    scores = dict(tally.scores)
    costs = dict(tally.costs)
    winners = set(result.winners)
    table = Table(title="Why each project is in or out", show_lines=False)
    table.add_column("project")
    table.add_column("name")
    table.add_column("cost", justify="right")
    table.add_column("score", justify="right")
    table.add_column("")
    table.add_column("why")
    order = {pid: i for i, pid in enumerate(result.winners)}
    rows = sorted(
        tally.explanations(), key=lambda r: (r[0] not in winners, order.get(r[0], 0), -scores[r[0]])
    )
    for pid, why in rows:
        table.add_row(
            pid,
            names.get(pid, "")[:40],
            str(costs[pid].amount),
            str(scores[pid]),
            ("RESERVE" if pid in result.reserve else "IN") if pid in winners else "out",
            why,
        )
    console.print(table)
