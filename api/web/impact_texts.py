"""The impact report's published explanations in the catalogue: each table's definition, the
method notes, the disclosure method and the reasons a cell is hidden.

A release stores these texts in English, as the read model wrote them when it was published
(projections.impact.definitions, projections.impact.report.common.NOTES, the disclosure
policy's method). The page and the pack show a known text in the reader's language: the
msgids below are those texts exactly (a test holds them equal), so a text is known by its
words; a text the catalogue does not know (an older release's wording) is shown as published,
in English, marked so. User-typed text (parameter sources, release notes) is never looked up.
"""

from __future__ import annotations

import re

from api.web.i18n import N_, Language
from coprod.domain.errors import CoprodError
from projections.disclosure.policy import DisclosurePolicy

__all__ = [
    "DEFINITION_TEXTS",
    "METHOD_TEXT",
    "NOTE_TEXTS",
    "REASON_TEXTS",
    "published",
    "published_or_english",
]

DEFINITION_TEXTS: dict[str, str] = {
    "turnout": N_("Unique voters V whose ballots were counted / eligible population E."),
    "participation funnel": N_(
        "Counts of idea submitters, proposals developed, shortlisted proposals and "
        "voters, with each stage's conversion from the one before."
    ),
    "representation": N_(
        "Per group g of a dimension: p_g = voters in g / voters who stated the "
        "dimension, q_g = census share of g, RR_g = p_g / q_g, gap = p_g - q_g; voters "
        "who did not state it are shown as 'not stated' and left out of p_g."
    ),
    "dissimilarity index": N_("Per dimension: D = 1/2 * sum over groups of |p_g - q_g|."),
    "share of budget decided by citizens": N_("F / B (PB-decided funds over the budget base)."),
    "need-weighted allocation": N_(
        "Per area a: (F_a / F) / (N_a / N), where N_a is the area's population times "
        "its need weight."
    ),
    "PB-decided funds by category": N_(
        "F_c = F split by the category of each funded proposal, and F_c / F."
    ),
    "filter rate": N_("1 - shortlisted / submitted ideas, and the ideas left out by reason."),
    "implementation rate": N_(
        "Delivered winners / winners. Winners are decisions in force funding a proposal "
        "in full or in part, including those later clawed back in part. Per horizon of "
        "H months: only winners decided at least H months before the report date count, "
        "and delivered means the project was completed within H months of the decision; "
        "'to date' counts every winner and every completion so far."
    ),
    "vote-to-delivery time": N_(
        "Per completed project: days from the process's vote end date (the end of the "
        "vote phase in the published schedule) to its last milestone met; median, "
        "quartiles (linear interpolation) and IQR. When the process schedule has no "
        "vote phase, the start is the UTC date on which the ballot was declared closed "
        "(its recording date, used as a business date)."
    ),
    "on-time rate": N_(
        "Milestones met by their original due date (delays do not move it) / milestones "
        "counted; cancelled milestones and milestones of cancelled projects are left "
        "out. Two readings: 'due by the report date' counts milestones met or due on or "
        "before the report date (one not yet met and not yet due is not judged); 'every "
        "milestone with a due date' counts every milestone scheduled, so one not yet "
        "met counts as not on time."
    ),
    "cost overrun": N_(
        "(spend - approved) / approved, per project and for the portfolio. Approved per "
        "project = the amount granted by its decision in force minus any sum reclaimed "
        "by a claw-back (a claw-back keeps the project among the winners); the same "
        "figure in every table, so the portfolio's approved total equals F."
    ),
    "budget execution": N_(
        "Spend recorded on PB-funded projects / F; spend on co-commissioned contracts is "
        "not PB-decided money and is left out."
    ),
    "backlog within N months": N_(
        "Winners' projects, not cancelled or completed, decided at least N months "
        "before the report date, with no milestone started or met within N months of "
        "the decision."
    ),
    "backlog nothing started": N_(
        "Winners' projects, not cancelled or completed, with no milestone started or "
        "met by the report date, however recent the decision."
    ),
    "contribution status": N_(
        "Contribution logs and hours by status (verified, unverified, disputed); "
        "disputed logs are not counted in any community figure."
    ),
    "volunteer hours": N_(
        "Sum of hours of contribution logs not disputed (verified and unverified), by "
        "phase, level, project and area."
    ),
    "volunteer value": N_(
        "Volunteer hours times the hourly rates in force at the report date (floor, "
        "central, upper)."
    ),
    "in-kind value": N_("Fair value of in-kind commitments marked met."),
    "leverage ratio": N_("(volunteer value + in-kind value + match funding) / F."),
    "co-production intensity": N_(
        "Community value / (community value + council spend). Council spend includes "
        "spend on co-commissioned contracts; co_commissioned_share = that spend / council "
        "spend."
    ),
    "co-design participation": N_(
        "People by group who defined each co-commissioned service need and who took part "
        "in each of its co-design sessions; counts of people, protected against each "
        "round's total."
    ),
    "panel composition": N_(
        "Members of each tender's evaluation panel by role (resident, officer); counts of "
        "people, protected against the panel's total."
    ),
    "community reporting burden": N_("Median seconds a group spent per logged contribution."),
    "decision compliance": N_(
        "Share of decisions carrying the full decision record; share of adverse "
        "decisions relying on facts that need a party hearing where the party was heard "
        "first: an exemption, or a hearing answered between its sending and the "
        "decision, or one whose deadline lay at least the process's minimum hearing "
        "period (default 14 days) after sending and passed before the decision."
    ),
}
NOTE_TEXTS: tuple[str, ...] = (
    N_(
        "F (PB-decided funds) = sum of the amounts of decisions in force with a funding "
        "outcome; a claw-back leaves the granted amount minus the sum reclaimed, keeps "
        "the project among the winners, and that net sum is the project's approved "
        "amount in every table."
    ),
    N_("Spend counts at its latest corrected amount."),
    N_(
        "Contributions: verified and unverified logs counted, disputed logs excluded "
        "(see 'contribution status')."
    ),
    N_(
        "In-kind value counts commitments an officer of the council marked met "
        "(verified); open pledges, and any a group marked met itself, are shown as "
        "open, not counted. Value in another currency than the process's is not "
        "counted."
    ),
    N_("Participants with no stated group are shown as 'not stated' and excluded from p_g."),
    N_(
        "Counts of projects, decisions, milestones and money are not counts of people "
        "and are not suppressed."
    ),
    N_(
        "Breakdowns of a published total (voters V by age band, sex, area and "
        "deprivation quintile; people in counted contribution logs by phase, level, "
        "project and area) are protected so that no hidden count follows from that "
        "total, from the other tables (a quintile is the sum of its areas, an area of "
        "its projects), from the shares shown, or from a log having at least one person "
        "and at most 24 hours per person. The total stays published; where hiding "
        "counts cannot protect a breakdown, or the total is itself hidden (below k), "
        "the whole breakdown is withheld: its counts, zeros included, and its shares "
        "are hidden as 'withheld'. The stated count, base of p_g, RR_g, gap and D, is "
        "shown only when the 'not stated' count is, or every stated group's (it is V "
        "minus the one and the sum of the others)."
    ),
)

#: Why a cell is hidden (projections.disclosure.policy.REASONS).
REASON_TEXTS: dict[str, str] = {
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "small-base": N_("small-base"),
    "withheld": N_("withheld"),
}

#: The disclosure method of a policy with k (DisclosurePolicy.method), k - 1 as ``k_less``.
METHOD_TEXT = N_(
    "k = %(k)s. Primary: counts of people 0 < n < %(k)s hidden; rates, shares and means over "
    "fewer than %(k)s people hidden (small-base). True zeros are shown. Secondary: wherever a "
    "total is published, at least two cells of the group are hidden, their sum is at least "
    "%(k)s, and the smallest visible non-zero counts are hidden next until no hidden count can "
    "be recovered exactly from the total, even knowing that a primary-hidden count lies in "
    "1..%(k_less)s and a secondary-hidden count is at least %(k)s; two-way tables apply this "
    "to every row and column until stable, then check each hidden cell against both margins. "
    "Counts of projects, decisions and money are not counts of people and are not suppressed."
)

_KNOWN = frozenset({*DEFINITION_TEXTS.values(), *NOTE_TEXTS, *REASON_TEXTS.values()})
_K = re.compile(r"^k = (\d+)\. ")


def published(lang: Language, text: str) -> str | None:
    """A published definition, note, method or reason in `lang`; None if the text is unknown
    (show it as published, in English)."""
    if text in _KNOWN:
        return lang.gettext(text)
    breakdown = NOTE_TEXTS[-1]  # a breakdown's table method: "<method> <BREAKDOWN_NOTE>"
    if text.endswith(" " + breakdown):
        method = published(lang, text[: -len(breakdown) - 1])
        return None if method is None else f"{method} {lang.gettext(breakdown)}"
    match = _K.match(text)
    if match:
        k = int(match[1])
        try:
            method = DisclosurePolicy(k).method
        except CoprodError:  # a k this version refuses: not a text it wrote
            return None
        if method == text:
            return lang.gettext(METHOD_TEXT) % {"k": k, "k_less": k - 1}
    return None


def published_or_english(lang: Language, text: str) -> str:
    """For plain-text outputs (the pack's sheets): the text in `lang` where known, else as is."""
    shown = published(lang, text)
    return text if shown is None else shown
