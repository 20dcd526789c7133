"""A timeline row's one-line summary as a code and plain values, with its English rendering.

Why a code: the row's English ``summary`` is what the API and evaluators read, and it stays
exactly as it was; a reader of the web trail in Danish needs the same line in Danish with
the figures in her formats. So each handler names a code and its values here, once, and the
English line is rendered from the same template and values: the two can never drift (the
web catalogue holds these templates as its msgids; a test checks they are equal).

Values are plain JSON: dates ISO ("2026-05-01"), money as text "1250.00 DKK", numbers as
text (exact), words from :data:`TERMS` as they are, lists of such words; ``None`` as null.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

__all__ = ["KINDS", "TEMPLATES", "TERMS", "Summary", "english", "summary"]

#: code -> English template (``%(name)s`` placeholders); the web catalogue's msgids.
TEMPLATES: dict[str, str] = {
    "ballot_opened": "ballot opened with %(count)s proposals; this one at %(cost)s",
    "ballot_closed": "ballot closed; no later ballot is counted",
    "outcome_counted": "counted under %(rule)s: score %(score)s, %(selected)s; %(ballots)s "
    "ballots up to log position %(position)s (sha256 %(sha256)s...)",
    "outcome_counted_applied": "counted under %(rule)s (applied: %(applied)s): score "
    "%(score)s, %(selected)s; %(ballots)s ballots up to log position %(position)s "
    "(sha256 %(sha256)s...)",
    "idea_submitted": "idea submitted: %(title)s",
    "idea_amended": "idea amended: %(fields)s changed",
    "merged_into": "merged into %(target)s",
    "absorbed": "idea %(source)s was merged into this one",
    "withdrawn": "withdrawn",
    "developed": "developed into a proposal: estimated %(cost)s, area %(area)s, %(category)s",
    "revised": "proposal revised: estimated %(cost)s, area %(area)s, %(category)s",
    "assessed": "assessed %(verdict)s",
    "assessed_cost": "assessed %(verdict)s, assessed cost %(cost)s",
    "reassessed": "re-assessed %(verdict)s",
    "reassessed_cost": "re-assessed %(verdict)s, assessed cost %(cost)s",
    "shortlisted": "shortlisted for the ballot",
    "not_shortlisted": "kept off the shortlist",
    "fact_recorded": "fact on the case file (%(flags)s): %(summary)s",
    "hearing_sent": "party hearing sent on %(count)s fact(s), answer due %(due_on)s",
    "hearing_answered": "party answered the hearing on %(answered_on)s (document %(document)s)",
    "hearing_exempted": "%(count)s fact(s) exempted from the party hearing",
    "decision_made": "council decision: %(outcome)s, decided on %(decided_on)s",
    "decision_made_amount": "council decision: %(outcome)s (%(amount)s), decided on %(decided_on)s",
    "decision_corrected": "decision corrected: %(was)s -> %(outcome)s, decided on "
    "%(decided_on)s (originally %(original)s)",
    "decision_corrected_amount": "decision corrected: %(was)s -> %(outcome)s (%(amount)s), "
    "decided on %(decided_on)s (originally %(original)s)",
    "decision_reopened": "decision reopened for reconsideration",
    "decision_revoked": "decision revoked on %(decided_on)s",
    "project_funded": "project funded: %(title)s, approved %(approved)s",
    "milestone_scheduled": "milestone %(code)s scheduled: %(title)s, due %(due_on)s",
    "milestone_started": "milestone %(code)s started %(started_on)s",
    "milestone_met": "milestone %(code)s met %(met_on)s",
    "milestone_delayed": "milestone %(code)s delayed: due %(due_before)s -> %(due_on)s",
    "milestone_cancelled": "milestone %(code)s cancelled",
    "spend_recorded": "spend recorded: %(amount)s on %(spent_on)s for %(purpose)s",
    "spend_corrected": "spend corrected: %(before)s -> %(amount)s",
    "match_funding": "match funding received: %(amount)s from %(source)s on %(received_on)s",
    "project_completed": "project completed %(completed_on)s",
    "project_cancelled": "project cancelled",
    "indicator_defined": "outcome indicator %(code)s: %(description)s, target %(target)s %(unit)s",
    "outcome_reported": "outcome %(code)s reported %(reported_on)s: %(actual)s against "
    "target %(target)s",
    "outcome_reported_beneficiaries": "outcome %(code)s reported %(reported_on)s: %(actual)s "
    "against target %(target)s, %(beneficiaries)s beneficiaries",
    "commitment_hours": "community group committed %(hours)s hours (%(phase)s, %(level)s)",
    "commitment_in_kind": "community group committed %(in_kind)s worth %(value)s "
    "(%(phase)s, %(level)s)",
    "commitment_hours_in_kind": "community group committed %(hours)s hours and %(in_kind)s "
    "worth %(value)s (%(phase)s, %(level)s)",
    "commitment": "community group committed  (%(phase)s, %(level)s)",
    "commitment_met": "commitment met",
    "commitment_lapsed": "commitment lapsed",
    "work_logged": "work logged: %(hours)s hours by %(people)s people on %(worked_on)s "
    "(%(phase)s, %(level)s)",
    "work_logged_public": "work logged: %(hours)s hours on %(worked_on)s (%(phase)s, %(level)s)",
    "tender_awarded": "awarded by the tender %(tender)s on %(decided_on)s, ranked first by "
    "its published weights; standstill until %(standstill_ends)s",
    "tender_awarded_departing": "awarded by the tender %(tender)s on %(decided_on)s, "
    "departing from the ranking of its published weights; standstill until %(standstill_ends)s",
    "contract_signed": "contract signed %(signed_on)s: %(value)s, delivery from %(starts_on)s "
    "to %(ends_on)s",
    "work_verified": "logged work verified",
    "work_disputed": "logged work disputed",
}

#: How a reader's page formats each value (by name): ``date`` (ISO), ``money`` ("1.00 DKK"),
#: ``number`` (exact text), ``term`` / ``terms`` (words of :data:`TERMS`, a list joined by
#: ", "), ``label`` (a coded value: decision outcome, phase, level); anything else is text.
KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "due_on",
            "due_before",
            "answered_on",
            "decided_on",
            "started_on",
            "met_on",
            "spent_on",
            "received_on",
            "completed_on",
            "reported_on",
            "worked_on",
            "standstill_ends",
            "signed_on",
            "starts_on",
            "ends_on",
        ),
        "date",
    ),
    **dict.fromkeys(("cost", "amount", "before", "approved", "value"), "money"),
    **dict.fromkeys(
        (
            "count",
            "score",
            "ballots",
            "hours",
            "people",
            "target",
            "actual",
            "beneficiaries",
        ),
        "number",
    ),
    "selected": "term",
    "verdict": "term",
    "fields": "terms",
    "flags": "terms",
    **dict.fromkeys(("outcome", "was", "original", "phase", "level"), "label"),
}

#: The words a summary may hold as values (kinds ``term`` and ``terms``).
TERMS = (
    "selected",
    "not selected",
    "feasible",
    "unfeasible",
    "title",
    "description",
    "adverse",
    "essential",
    "known to the party",
    "unknown to the party",
)


class Summary(NamedTuple):
    """A row's summary: its code, its plain values, and its English line made from them."""

    code: str
    values: dict[str, Any]
    english: str


def english(code: str, values: dict[str, Any]) -> str:
    """The English line of `code` with `values`, exactly as the read model stores it."""
    plain = {k: ", ".join(v) if isinstance(v, list) else v for k, v in values.items()}
    return TEMPLATES[code] % plain


def summary(code: str, /, **values: Any) -> Summary:
    """A summary with its English rendering (values as described in the module docstring).

    The values go through JSON first (dates and decimals become their text), so the English
    is rendered from exactly what is stored."""
    plain = json.loads(json.dumps(values, default=str))
    return Summary(code, plain, english(code, plain))
