"""A trail entry's one-line summary in the reader's language, from its code and values.

The timeline read model stores each summary in English (what the API and evaluators read)
and, beside it, a code and plain values (:mod:`projections.timeline.summaries`). This table
holds the same English templates as msgids, so the catalogue gives each a Danish text; the
values are shown in the reader's formats (dates, money, numbers) and coded words through the
catalogue. Tests hold that these msgids equal the read model's templates (they never drift)
and that each has a Danish text; an unknown code falls back to the stored English.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from api.web.i18n import N_, NO_VALUE, Language
from api.web.labels import label
from projections.timeline.summaries import KINDS

__all__ = ["SUMMARY_TEXTS", "TERM_TEXTS", "summary_line"]

SUMMARY_TEXTS: dict[str, str] = {
    "ballot_opened": N_("ballot opened with %(count)s proposals; this one at %(cost)s"),
    "ballot_closed": N_("ballot closed; no later ballot is counted"),
    "outcome_counted": N_(
        "counted under %(rule)s: score %(score)s, %(selected)s; %(ballots)s ballots up to log position %(position)s (sha256 %(sha256)s...)"
    ),
    "outcome_counted_applied": N_(
        "counted under %(rule)s (applied: %(applied)s): score %(score)s, %(selected)s; %(ballots)s ballots up to log position %(position)s (sha256 %(sha256)s...)"
    ),
    "idea_submitted": N_("idea submitted: %(title)s"),
    "idea_amended": N_("idea amended: %(fields)s changed"),
    "merged_into": N_("merged into %(target)s"),
    "absorbed": N_("idea %(source)s was merged into this one"),
    "withdrawn": N_("withdrawn"),
    "developed": N_("developed into a proposal: estimated %(cost)s, area %(area)s, %(category)s"),
    "revised": N_("proposal revised: estimated %(cost)s, area %(area)s, %(category)s"),
    "assessed": N_("assessed %(verdict)s"),
    "assessed_cost": N_("assessed %(verdict)s, assessed cost %(cost)s"),
    "reassessed": N_("re-assessed %(verdict)s"),
    "reassessed_cost": N_("re-assessed %(verdict)s, assessed cost %(cost)s"),
    "shortlisted": N_("shortlisted for the ballot"),
    "not_shortlisted": N_("kept off the shortlist"),
    "fact_recorded": N_("fact on the case file (%(flags)s): %(summary)s"),
    "hearing_sent": N_("party hearing sent on %(count)s fact(s), answer due %(due_on)s"),
    "hearing_answered": N_("party answered the hearing on %(answered_on)s (document %(document)s)"),
    "hearing_exempted": N_("%(count)s fact(s) exempted from the party hearing"),
    "decision_made": N_("council decision: %(outcome)s, decided on %(decided_on)s"),
    "decision_made_amount": N_(
        "council decision: %(outcome)s (%(amount)s), decided on %(decided_on)s"
    ),
    "decision_corrected": N_(
        "decision corrected: %(was)s -> %(outcome)s, decided on %(decided_on)s (originally %(original)s)"
    ),
    "decision_corrected_amount": N_(
        "decision corrected: %(was)s -> %(outcome)s (%(amount)s), decided on %(decided_on)s (originally %(original)s)"
    ),
    "decision_reopened": N_("decision reopened for reconsideration"),
    "decision_revoked": N_("decision revoked on %(decided_on)s"),
    "project_funded": N_("project funded: %(title)s, approved %(approved)s"),
    "milestone_scheduled": N_("milestone %(code)s scheduled: %(title)s, due %(due_on)s"),
    "milestone_started": N_("milestone %(code)s started %(started_on)s"),
    "milestone_met": N_("milestone %(code)s met %(met_on)s"),
    "milestone_delayed": N_("milestone %(code)s delayed: due %(due_before)s -> %(due_on)s"),
    "milestone_cancelled": N_("milestone %(code)s cancelled"),
    "spend_recorded": N_("spend recorded: %(amount)s on %(spent_on)s for %(purpose)s"),
    "spend_corrected": N_("spend corrected: %(before)s -> %(amount)s"),
    "match_funding": N_("match funding received: %(amount)s from %(source)s on %(received_on)s"),
    "project_completed": N_("project completed %(completed_on)s"),
    "project_cancelled": N_("project cancelled"),
    "indicator_defined": N_(
        "outcome indicator %(code)s: %(description)s, target %(target)s %(unit)s"
    ),
    "outcome_reported": N_(
        "outcome %(code)s reported %(reported_on)s: %(actual)s against target %(target)s"
    ),
    "outcome_reported_beneficiaries": N_(
        "outcome %(code)s reported %(reported_on)s: %(actual)s against target %(target)s, %(beneficiaries)s beneficiaries"
    ),
    "commitment_hours": N_("community group committed %(hours)s hours (%(phase)s, %(level)s)"),
    "commitment_in_kind": N_(
        "community group committed %(in_kind)s worth %(value)s (%(phase)s, %(level)s)"
    ),
    "commitment_hours_in_kind": N_(
        "community group committed %(hours)s hours and %(in_kind)s worth %(value)s (%(phase)s, %(level)s)"
    ),
    "commitment": N_("community group committed  (%(phase)s, %(level)s)"),
    "commitment_met": N_("commitment met"),
    "commitment_lapsed": N_("commitment lapsed"),
    "work_logged": N_(
        "work logged: %(hours)s hours by %(people)s people on %(worked_on)s (%(phase)s, %(level)s)"
    ),
    "work_logged_public": N_(
        "work logged: %(hours)s hours on %(worked_on)s (%(phase)s, %(level)s)"
    ),
    "tender_awarded": N_(
        "awarded by the tender %(tender)s on %(decided_on)s, ranked first by its published weights; standstill until %(standstill_ends)s"
    ),
    "tender_awarded_departing": N_(
        "awarded by the tender %(tender)s on %(decided_on)s, departing from the ranking of its published weights; standstill until %(standstill_ends)s"
    ),
    "contract_signed": N_(
        "contract signed %(signed_on)s: %(value)s, delivery from %(starts_on)s to %(ends_on)s"
    ),
    "work_verified": N_("logged work verified"),
    "work_disputed": N_("logged work disputed"),
}

#: The words a summary holds as values (projections.timeline.summaries.TERMS).
TERM_TEXTS: dict[str, str] = {
    "selected": N_("selected"),
    "not selected": N_("not selected"),
    "feasible": N_("feasible"),
    "unfeasible": N_("unfeasible"),
    "title": N_("title"),
    "description": N_("description"),
    "adverse": N_("adverse"),
    "essential": N_("essential"),
    "known to the party": N_("known to the party"),
    "unknown to the party": N_("unknown to the party"),
}


def summary_line(lang: Language, code: str, values: dict[str, Any]) -> str | None:
    """The summary in `lang`; None for a code this table does not know (show the English)."""
    template = SUMMARY_TEXTS.get(code)
    if template is None:
        return None
    shown = {name: _value(lang, name, value) for name, value in values.items()}
    try:
        return lang.gettext(template) % shown
    except (KeyError, TypeError, ValueError):
        return None


def _value(lang: Language, name: str, value: Any) -> str:
    """One value in the reader's format, by the kind its name has (summaries.KINDS)."""
    if value is None:
        return NO_VALUE
    kind = KINDS.get(name, "text")
    if kind == "terms" and isinstance(value, list):
        return ", ".join(_term(lang, str(v)) for v in value)
    text = str(value)
    if kind == "term":
        return _term(lang, text)
    if kind == "label":
        return label(lang, text)
    if kind == "date":
        try:
            return lang.date(date.fromisoformat(text))
        except ValueError:
            return text
    if kind == "money":
        amount, _, currency = text.partition(" ")
        number = _decimal(amount)
        return text if number is None or not currency else lang.money(number, currency)
    if kind == "number":
        number = _decimal(text)
        if number is None:
            return text
        exponent = number.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return lang.number(number, digits)
    return text


def _term(lang: Language, word: str) -> str:
    text = TERM_TEXTS.get(word)
    return word if text is None else lang.gettext(text)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
