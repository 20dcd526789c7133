"""The impact report's table titles and column names in the catalogue, and which tables the
impact page draws as charts.

The figures come from a release exactly as published (their titles and column names are
the report's stable keys); the page shows each through this table, so a Danish reader sees
Danish headings while the JSON keeps its keys. An unknown title or column is shown as is.
"""

from __future__ import annotations

import re

from api.web.i18n import N_, Language

__all__ = ["CHARTS", "MONEY", "SHARES", "SHARE_CHARTS", "column_label", "stem", "table_title"]

TITLES: dict[str, str] = {
    "turnout": N_("Turnout"),
    "participation funnel": N_("Participation funnel"),
    "representation: age_band": N_("Representation by age"),
    "representation: sex": N_("Representation by sex"),
    "representation: area": N_("Representation by area"),
    "representation: deprivation_quintile": N_("Representation by deprivation quintile"),
    "dissimilarity index": N_("Dissimilarity index (D)"),
    "share of budget decided by citizens": N_("Share of the budget decided by citizens"),
    "PB-decided funds by category": N_("Funds decided by residents, by category"),
    "filter rate": N_("What happened to the ideas"),
    "implementation rate": N_("Implementation rate"),
    "vote-to-delivery time (days)": N_("Days from the vote to delivery"),
    "on-time rate": N_("Milestones met on time"),
    "cost overrun": N_("Cost overrun by project"),
    "budget execution": N_("Budget execution"),
    "backlog (no milestone started 6 months after the decision)": N_(
        "Backlog: no milestone started six months after the decision"
    ),
    "backlog (nothing started at all)": N_("Backlog: nothing started at all"),
    "contribution status": N_("Community work logs by status"),
    "volunteer hours": N_("Volunteer hours"),
    "in-kind value": N_("In-kind contributions"),
    "volunteer value": N_("Value of volunteer work"),
    "leverage ratio": N_("Leverage ratio"),
    "co-production intensity": N_("Co-production intensity"),
    "community reporting burden": N_("Community reporting burden"),
    "co-design participation": N_("Co-design participation"),
    "panel composition": N_("Evaluation panels"),
    "decision compliance": N_("Decisions with a full statement of reasons"),
}
#: Titles that carry a parameter, e.g. "need-weighted allocation (N = need_weight)".
PREFIXES: dict[str, str] = {
    "need-weighted allocation": N_("Need-weighted allocation"),
}

COLUMNS: dict[str, str] = {
    "group": N_("Group"),
    "voters_V": N_("Voters"),
    "eligible_E": N_("Eligible"),
    "turnout": N_("Turnout"),
    "stage": N_("Stage"),
    "count": N_("Count"),
    "conversion_from_previous": N_("Share of previous stage"),
    "participants": N_("Participants"),
    "p_g": N_("Share of participants"),
    "q_g": N_("Share of population"),
    "RR_g": N_("Representation ratio"),
    "gap": N_("Gap"),
    "dimension": N_("Dimension"),
    "D": N_("D"),
    "stated_participants": N_("Participants who stated it"),
    "F": N_("Funds decided"),
    "B": N_("Budget base"),
    "pot": N_("Pot"),
    "F_over_B": N_("Share of budget"),
    "area": N_("Area"),
    "F_a": N_("Funds"),
    "F_a_over_F": N_("Share of funds"),
    "N_a": N_("Need"),
    "N_a_over_N": N_("Share of need"),
    "allocation_index": N_("Allocation index"),
    "category": N_("Category"),
    "F_c": N_("Funds"),
    "F_c_over_F": N_("Share of funds"),
    "reason": N_("Reason"),
    "ideas": N_("Ideas"),
    "share_of_submitted": N_("Share of submitted"),
    "horizon": N_("Horizon"),
    "winners": N_("Winners"),
    "delivered": N_("Delivered"),
    "implementation_rate": N_("Implementation rate"),
    "counted_from": N_("Counted from"),
    "projects": N_("Projects"),
    "median": N_("Median"),
    "q1": N_("Lower quartile"),
    "q3": N_("Upper quartile"),
    "iqr": N_("Interquartile range"),
    "milestones_due": N_("Milestones due"),
    "met_on_time": N_("Met on time"),
    "on_time_rate": N_("On-time rate"),
    "project": N_("Project"),
    "approved": N_("Approved"),
    "spent": N_("Spent"),
    "overrun": N_("Overrun"),
    "execution": N_("Execution"),
    "decided_on": N_("Decided on"),
    "days_since_decision": N_("Days since the decision"),
    "status": N_("Status"),
    "counted": N_("Counted"),
    "logs": N_("Logs"),
    "hours": N_("Hours"),
    "by": N_("By"),
    "people": N_("People"),
    "commitments": N_("Commitments"),
    "value": N_("Value"),
    "bound": N_("Bound"),
    "rate_per_hour": N_("Rate per hour"),
    "volunteer_value": N_("Volunteer value"),
    "in_kind": N_("In kind"),
    "match_funding": N_("Match funding"),
    "leverage": N_("Leverage"),
    "community_value": N_("Community value"),
    "council_spend": N_("Council spend"),
    "intensity": N_("Intensity"),
    "co_commissioned_spend": N_("Co-commissioned spend"),
    "co_commissioned_share": N_("Co-commissioned share"),
    "need": N_("Service need"),
    "round": N_("Round"),
    "held_on": N_("Held on"),
    "tender": N_("Tender"),
    "role": N_("Role"),
    "members": N_("Members"),
    "logs_timed": N_("Logs timed"),
    "median_seconds_to_log": N_("Median seconds to log"),
    "decisions": N_("Decisions"),
    "compliant": N_("Compliant"),
    "share": N_("Share"),
}

#: Tables drawn as a bar chart: title (or prefix) -> (label column, value column).
CHARTS: dict[str, tuple[str, str]] = {
    "participation funnel": ("stage", "count"),
    "representation: age_band": ("group", "p_g"),
    "representation: sex": ("group", "p_g"),
    "representation: area": ("group", "p_g"),
    "representation: deprivation_quintile": ("group", "p_g"),
    "need-weighted allocation": ("area", "F_a"),
    "PB-decided funds by category": ("category", "F_c"),
    "volunteer value": ("bound", "value"),
}

#: Tables of shares drawn as bars against a whole of 100 %: title -> (label, share column).
SHARE_CHARTS: dict[str, tuple[str, str]] = {
    "turnout": ("group", "turnout"),
    "share of budget decided by citizens": ("group", "F_over_B"),
    "implementation rate": ("horizon", "implementation_rate"),
    "on-time rate": ("group", "on_time_rate"),
    "budget execution": ("group", "execution"),
    "decision compliance": ("group", "share"),
}

_PARAMETER = re.compile(r"^(?P<stem>[^(]+?) \((?P<arg>.*)\)$")


def stem(title: str) -> str:
    """The title without a trailing parameter, for titles listed by prefix."""
    match = _PARAMETER.match(title)
    if match and match["stem"] in PREFIXES:
        return match["stem"]
    return title


def table_title(lang: Language, title: str) -> str:
    """The table's heading in `lang`, keeping any parameter as published."""
    if title in TITLES:
        return lang.gettext(TITLES[title])
    match = _PARAMETER.match(title)
    if match and match["stem"] in PREFIXES:
        return f"{lang.gettext(PREFIXES[match['stem']])} ({match['arg']})"
    return title


def column_label(lang: Language, column: str) -> str:
    text = COLUMNS.get(column)
    return column if text is None else lang.gettext(text)


#: Columns holding a share (0..1) shown as a percentage, and amounts of money.
SHARES = frozenset(
    {
        "turnout",
        "conversion_from_previous",
        "p_g",
        "q_g",
        "F_over_B",
        "F_a_over_F",
        "N_a_over_N",
        "F_c_over_F",
        "share_of_submitted",
        "implementation_rate",
        "on_time_rate",
        "overrun",
        "execution",
        "share",
        "gap",
        "leverage",
        "intensity",
        "co_commissioned_share",
    }
)
MONEY = frozenset(
    {
        "F",
        "B",
        "pot",
        "F_a",
        "F_c",
        "approved",
        "spent",
        "value",
        "volunteer_value",
        "in_kind",
        "match_funding",
        "community_value",
        "council_spend",
        "co_commissioned_spend",
        "rate_per_hour",
    }
)
