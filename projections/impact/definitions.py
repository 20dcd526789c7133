"""What each impact measure means: the definition published beside every table of the report.

Why a module of its own: a figure without its definition misleads (an on-time rate over
milestones due so far is not the same number as one over every scheduled milestone), so the
report states each definition, and the CLI, the CSV and the HTTP API all print the same text.
Where DOMAIN.md §4 can be read two ways, the report publishes both readings, each labelled,
and the definition says which row is which. The web shows each in the reader's language from
api/web/impact_texts.py, whose msgids are these texts exactly (a test holds them equal, so a
changed wording is changed there too, with its Danish).
"""

from __future__ import annotations

#: Vote-to-delivery's start when the process schedule has no vote phase.
VOTE_END_FALLBACK = (
    "When the process schedule has no vote phase, the start is the UTC date on which the "
    "ballot was declared closed (its recording date, used as a business date)."
)

_APPROVED = (
    "Approved per project = the amount granted by its decision in force minus any sum "
    "reclaimed by a claw-back (a claw-back keeps the project among the winners); the same "
    "figure in every table, so the portfolio's approved total equals F."
)

DEFINITIONS: dict[str, str] = {
    "turnout": "Unique voters V whose ballots were counted / eligible population E.",
    "participation funnel": (
        "Counts of idea submitters, proposals developed, shortlisted proposals and voters, "
        "with each stage's conversion from the one before."
    ),
    "representation": (
        "Per group g of a dimension: p_g = voters in g / voters who stated the dimension, "
        "q_g = census share of g, RR_g = p_g / q_g, gap = p_g - q_g; voters who did not "
        "state it are shown as 'not stated' and left out of p_g."
    ),
    "dissimilarity index": "Per dimension: D = 1/2 * sum over groups of |p_g - q_g|.",
    "share of budget decided by citizens": "F / B (PB-decided funds over the budget base).",
    "need-weighted allocation": (
        "Per area a: (F_a / F) / (N_a / N), where N_a is the area's population times its "
        "need weight."
    ),
    "PB-decided funds by category": (
        "F_c = F split by the category of each funded proposal, and F_c / F."
    ),
    "filter rate": "1 - shortlisted / submitted ideas, and the ideas left out by reason.",
    "implementation rate": (
        "Delivered winners / winners. Winners are decisions in force funding a proposal in "
        "full or in part, including those later clawed back in part. Per horizon of H months: "
        "only winners decided at least H months before the report date count, and delivered "
        "means the project was completed within H months of the decision; 'to date' counts "
        "every winner and every completion so far."
    ),
    "vote-to-delivery time": (
        "Per completed project: days from the process's vote end date (the end of the vote "
        "phase in the published schedule) to its last milestone met; median, quartiles "
        "(linear interpolation) and IQR. " + VOTE_END_FALLBACK
    ),
    "on-time rate": (
        "Milestones met by their original due date (delays do not move it) / milestones "
        "counted; cancelled milestones and milestones of cancelled projects are left out. "
        "Two readings: 'due by the report date' counts milestones met or due on or before "
        "the report date (one not yet met and not yet due is not judged); 'every milestone "
        "with a due date' counts every milestone scheduled, so one not yet met counts as not "
        "on time."
    ),
    "cost overrun": "(spend - approved) / approved, per project and for the portfolio. "
    + _APPROVED,
    "budget execution": (
        "Spend recorded on PB-funded projects / F; spend on co-commissioned contracts is "
        "not PB-decided money and is left out."
    ),
    "backlog within N months": (
        "Winners' projects, not cancelled or completed, decided at least N months before the "
        "report date, with no milestone started or met within N months of the decision."
    ),
    "backlog nothing started": (
        "Winners' projects, not cancelled or completed, with no milestone started or met by "
        "the report date, however recent the decision."
    ),
    "contribution status": (
        "Contribution logs and hours by status (verified, unverified, disputed); disputed logs "
        "are not counted in any community figure."
    ),
    "volunteer hours": (
        "Sum of hours of contribution logs not disputed (verified and unverified), by phase, "
        "level, project and area."
    ),
    "volunteer value": (
        "Volunteer hours times the hourly rates in force at the report date (floor, central, "
        "upper)."
    ),
    "in-kind value": "Fair value of in-kind commitments marked met.",
    "leverage ratio": "(volunteer value + in-kind value + match funding) / F.",
    "co-production intensity": (
        "Community value / (community value + council spend). Council spend includes "
        "spend on co-commissioned contracts; co_commissioned_share = that spend / council "
        "spend."
    ),
    "co-design participation": (
        "People by group who defined each co-commissioned service need and who took part "
        "in each of its co-design sessions; counts of people, protected against each "
        "round's total."
    ),
    "panel composition": (
        "Members of each tender's evaluation panel by role (resident, officer); counts of "
        "people, protected against the panel's total."
    ),
    "community reporting burden": "Median seconds a group spent per logged contribution.",
    "decision compliance": (
        "Share of decisions carrying the full decision record; share of adverse decisions "
        "relying on facts that need a party hearing where the party was heard first: an "
        "exemption, or a hearing answered between its sending and the decision, or one whose "
        "deadline lay at least the process's minimum hearing period (default 14 days) after "
        "sending and passed before the decision."
    ),
}


def definition_of(title: str) -> str:
    """The definition of the measure a table title shows (longest matching key wins)."""
    if title.startswith("backlog"):
        key = "backlog nothing started" if "nothing started at all" in title else None
        return DEFINITIONS[key or "backlog within N months"]
    found = [k for k in DEFINITIONS if title.startswith(k)]
    if not found:
        return ""
    return DEFINITIONS[max(found, key=len)]
