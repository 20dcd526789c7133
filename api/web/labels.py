"""The words the pages show for coded values (phases, statuses, stages), in the catalogue.

Why one table: the same code ("not_shortlisted") appears on the process page, in the lists'
filters and in the trail; marking each label once with ``N_`` puts it in the catalogue,
and :func:`label` translates it where shown. An unknown code is shown as it is, never hidden.
"""

from __future__ import annotations

from api.web.i18n import N_, NO_VALUE, Language

__all__ = ["LABELS", "label"]

LABELS: dict[str, str] = {
    # phases
    "ideas": N_("Ideas"),
    "development": N_("Development"),
    "review": N_("Review"),
    "vote": N_("Vote"),
    "decision": N_("Decision"),
    "delivery": N_("Delivery"),
    "evaluation": N_("Evaluation"),
    "closed": N_("Closed"),
    # process kinds
    "pb_cycle": N_("Participatory budget"),
    "coproduction_programme": N_("Co-production programme"),
    # idea and proposal statuses
    "open": N_("Open"),
    "feasible": N_("Feasible"),
    "unfeasible": N_("Not feasible"),
    "shortlisted": N_("On the ballot"),
    "not_shortlisted": N_("Not on the ballot"),
    "funded_in_full": N_("Funded"),
    "funded_partially": N_("Partly funded"),
    "rejected": N_("Not funded"),
    "deferred": N_("Deferred"),
    "cancelled": N_("Cancelled"),
    "clawed_back": N_("Funding clawed back"),
    "decision_reopened": N_("Decision reopened"),
    "decision_revoked": N_("Decision revoked"),
    "withdrawn": N_("Withdrawn"),
    "merged": N_("Merged into another idea"),
    "idea": N_("Idea"),
    "proposal": N_("Proposal"),
    # projects and milestones
    "in_delivery": N_("In delivery"),
    "completed": N_("Completed"),
    "scheduled": N_("Scheduled"),
    "started": N_("Started"),
    "met": N_("Met"),
    "delayed": N_("Delayed"),
    # ballot states
    "not_opened": N_("Not opened"),
    # timeline stages
    "assessment": N_("Assessment"),
    "shortlist": N_("Shortlist"),
    "case_file": N_("Case file"),
    "ballot": N_("Ballot"),
    "outcome_count": N_("Vote count"),
    "project": N_("Project"),
    "milestone": N_("Milestone"),
    "spend": N_("Spend"),
    "match_funding": N_("Match funding"),
    "completion": N_("Completion"),
    "outcomes": N_("Outcomes"),
    "community": N_("Community work"),
    # values in the impact report's label columns
    "floor": N_("Floor"),
    "central": N_("Central"),
    "upper": N_("Upper"),
    "all": N_("All"),
    "area": N_("Area"),
    "level": N_("Level"),
    "phase": N_("Phase"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "age_band": N_("Age"),
    "sex": N_("Sex"),
    "deprivation_quintile": N_("Deprivation quintile"),
    "female": N_("Female"),
    "male": N_("Male"),
    "other": N_("Other"),
    "not stated": N_("Not stated"),
    "not area-specific": N_("Not area-specific"),
    "group": N_("Group"),
    "process": N_("The whole process"),
    "co_design": N_("Co-design"),
    "co_delivery": N_("Co-delivery"),
    "co_commissioning": N_("Co-commissioning"),
    "co_assessment": N_("Co-assessment"),
    "individual": N_("Individual"),
    "collective": N_("Collective"),
    "completed projects": N_("Completed projects"),
    "counted logs": N_("Counted logs"),
    "every milestone with a due date": N_("Every milestone with a due date"),
    "milestones due by the report date": N_("Milestones due by the report date"),
    "all decisions: full decision record": N_("All decisions: full statement of reasons"),
    "adverse decisions: full decision record": N_("Adverse decisions: full statement of reasons"),
    "12 months": N_("12 months"),
    "24 months": N_("24 months"),
    "36 months": N_("36 months"),
    "to date": N_("To date"),
    "backlog (projects)": N_("Backlog (projects)"),
    "portfolio": N_("Portfolio"),
    "submitted": N_("Submitted"),
    "filter rate (1 - shortlisted/submitted)": N_("Filter rate (1 - shortlisted/submitted)"),
    "idea submitters": N_("Idea submitters"),
    "proposals": N_("Proposals"),
    "voters": N_("Voters"),
    "verified": N_("Verified"),
    "unverified": N_("Unverified"),
    "disputed": N_("Disputed"),
    "lapsed": N_("Lapsed"),
    "logged": N_("Waiting for verification"),
    # co-commissioning: a tender's stage, who took part, the panel's roles
    "tender_open_for_bids": N_("Open for bids"),
    "tender_evaluation": N_("Bids being evaluated"),
    "tender_awarded": N_("Awarded"),
    "tender_contracted": N_("Contracted"),
    "group_residents": N_("Residents"),
    "group_service_users": N_("Service users"),
    "group_community_groups": N_("Community groups"),
    "group_officers": N_("Council officers"),
    "group_providers": N_("Providers"),
    "group_other": N_("Others"),
    "panel_resident": N_("Residents"),
    "panel_officer": N_("Council officers"),
}


def label(lang: Language, code: str | None) -> str:
    """The label of `code` in `lang`; the code itself if it has none."""
    if code is None:
        return NO_VALUE
    text = LABELS.get(code)
    return code if text is None else lang.gettext(text)
