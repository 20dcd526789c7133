"""What happened, in the reader's language: one short heading per kind of trail entry.

The trail's entries carry the event type (``Project.MilestoneDelayed``) and a one-line
summary with the figures, written in English by the timeline read model. The page heads each
entry with this table's words through the catalogue, so a Danish reader reads what happened
in Danish; the summary follows, rendered from its code and values in the reader's language
(api.web.trail_summaries), or in English, marked so, for a code the catalogue lacks. A test holds that every event
the timeline records has its heading here.
"""

from __future__ import annotations

from api.web.i18n import N_, Language

__all__ = ["EVENT_HEADINGS", "event_heading"]

EVENT_HEADINGS: dict[str, str] = {
    "Proposal.IdeaSubmitted": N_("Idea submitted"),
    "Proposal.IdeaAmended": N_("Idea amended"),
    "Proposal.MergedInto": N_("Merged into another idea"),
    "Proposal.Absorbed": N_("Another idea merged into this one"),
    "Proposal.Withdrawn": N_("Withdrawn"),
    "Proposal.DevelopedIntoProposal": N_("Developed into a costed proposal"),
    "Proposal.FeasibilityAssessed": N_("Feasibility assessed"),
    "Proposal.Shortlisted": N_("Put on the ballot"),
    "Proposal.NotShortlisted": N_("Not put on the ballot"),
    "Proposal.FactRecorded": N_("Fact added to the case file"),
    "Proposal.HearingSent": N_("Party hearing sent"),
    "Proposal.HearingAnswered": N_("Party hearing answered"),
    "Proposal.HearingExempted": N_("Exempted from party hearing"),
    "Process.BallotOpened": N_("Ballot opened"),
    "Process.BallotClosed": N_("Ballot closed"),
    "PabulibSource.FileImportStarted": N_("Past cycle imported from a Pabulib file"),
    "PabulibSource.FileImportCompleted": N_("Import of the Pabulib file completed"),
    "Outcome.Computed": N_("Votes counted"),
    "Decision.DecisionMade": N_("Council decision"),
    "Decision.DecisionCorrected": N_("Decision corrected"),
    "Decision.DecisionReopened": N_("Decision reopened"),
    "Decision.DecisionRevoked": N_("Decision revoked"),
    "Tender.TenderPublished": N_("Tender published"),
    "Tender.TenderAwarded": N_("Tender awarded"),
    "Tender.ContractSigned": N_("Contract signed"),
    "Project.ProjectFunded": N_("Project funded"),
    "Project.MilestoneScheduled": N_("Milestone scheduled"),
    "Project.MilestoneStarted": N_("Milestone started"),
    "Project.MilestoneMet": N_("Milestone met"),
    "Project.MilestoneDelayed": N_("Milestone delayed"),
    "Project.MilestoneCancelled": N_("Milestone cancelled"),
    "Project.SpendRecorded": N_("Spend recorded"),
    "Project.SpendCorrected": N_("Spend corrected"),
    "Project.MatchFundingRecorded": N_("Match funding received"),
    "Project.OutcomeIndicatorDefined": N_("Outcome indicator set"),
    "Project.OutcomeReported": N_("Outcome reported"),
    "Project.ProjectCompleted": N_("Project completed"),
    "Project.ProjectCancelled": N_("Project cancelled"),
    "Commitment.CommitmentMade": N_("Community group committed to the work"),
    "Commitment.CommitmentMet": N_("Commitment met"),
    "Commitment.CommitmentLapsed": N_("Commitment lapsed"),
    "Contribution.ContributionLogged": N_("Community work logged"),
    "Contribution.ContributionVerified": N_("Community work verified"),
    "Contribution.ContributionDisputed": N_("Community work disputed"),
}


def event_heading(lang: Language, event: str) -> str:
    """The heading of a trail entry of type `event` in `lang` (the type itself if unknown)."""
    text = EVENT_HEADINGS.get(event)
    return event if text is None else lang.gettext(text)
