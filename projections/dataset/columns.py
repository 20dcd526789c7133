"""The evaluator's dataset: every table and column, with meanings, units and coded values.

Why declared here, not read off the storage: the data dictionary must say what a column
means (not repeat its name), in which unit, and what each code stands for; and every id is
written the same way (a UUID in its usual 36-character form) in every table.
"""

from __future__ import annotations

from coprod.domain.ballot import AgeBand, BallotChannel, Sex
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase
from coprod.domain.decision import DecisionOutcome
from coprod.domain.phases import Phase
from coprod.domain.process import ProcessKind
from coprod.domain.project_state import MilestoneStatus, ProjectStatus
from projections.dataset.commissioning import COMMISSIONING_TABLES
from projections.dataset.schema import ID, Column, Table, codes

__all__ = ["ID", "TABLES", "Column", "Table", "codes"]


def _id(name: str, what: str) -> Column:
    return Column(name, "string", what, ID)


def _money(name: str, what: str) -> Column:
    return Column(name, "Float64", what, "in the currency of the row's `currency` column")


_CURRENCY = Column("currency", "string", "The money's currency.", "ISO 4217 code")
_DAY = "calendar date (YYYY-MM-DD)"
_TIME = "UTC timestamp, when recorded in the log"

TABLES: tuple[Table, ...] = (
    Table(
        "processes",
        "a participatory budgeting or co-production process",
        (
            _id("process_id", "The process."),
            _id("council_id", "The council that runs it."),
            Column("code", "string", "The council's short code for it (its readable address)."),
            Column("name", "string", "Its name."),
            Column("kind", "string", "What kind of process it is.", codes(ProcessKind)),
            Column("phase", "string", "Its phase now.", codes(Phase)),
            _CURRENCY,
            _money("pot", "The money residents decide on (empty before it is set)."),
            Column("eligible", "Int64", "Residents eligible to vote (for turnout).", "people"),
            Column("opened_at", "datetime64[ns, UTC]", "When it was opened.", _TIME),
        ),
    ),
    Table(
        "proposals",
        "an idea, or the proposal it was developed into",
        (
            _id("proposal_id", "The idea or proposal (one id for both stages)."),
            _id("process_id", "Its process."),
            Column("stage", "string", "How far it got.", "idea | proposal"),
            Column(
                "status",
                "string",
                "Where it stands: open, merged, withdrawn, feasible, "
                "unfeasible, shortlisted, or the decision's outcome.",
            ),
            Column("title", "string", "Its title now."),
            Column("description", "string", "Its description now."),
            Column("area_code", "string", "The area it serves (the process's area codes)."),
            Column("category", "string", "Its category."),
            _money("cost_estimate", "The cost estimated when developed into a proposal."),
            _CURRENCY,
            _id("merged_into", "The idea it was merged into (empty if none)."),
            Column("submitted_at", "datetime64[ns, UTC]", "When the idea was submitted.", _TIME),
        ),
    ),
    Table(
        "decisions",
        "a council decision on a proposal, with its lawful record",
        (
            _id("decision_id", "The decision."),
            _id("process_id", "Its process."),
            _id("proposal_id", "The proposal decided on."),
            Column(
                "outcome",
                "string",
                "What was decided (after any correction).",
                codes(DecisionOutcome),
            ),
            Column("status", "string", "Whether it stands.", "in_force | reopened | revoked"),
            _money("amount", "The amount granted (empty for a rejection)."),
            _CURRENCY,
            Column("decided_on", "string", "The day of the decision.", _DAY),
            Column(
                "legal_basis",
                "string",
                "The rules it rests on, one per line.",
                "text; lines separated by newlines",
            ),
            Column(
                "main_considerations",
                "string",
                "The main considerations, one per line.",
                "text; lines separated by newlines",
            ),
            Column(
                "facts_relied_on",
                "string",
                "The facts on file it relied on.",
                f"{ID}; separated by spaces",
            ),
            Column("complaints_body", "string", "Where a party can complain."),
            Column("complaints_procedure", "string", "How to complain."),
            Column("complaints_deadline_days", "Int64", "Within how long.", "days"),
            Column("no_appeal_statement", "string", "Why there is no appeal, where there is none."),
        ),
    ),
    Table(
        "ballots",
        "a counted ballot (pseudonymous: no person can be named)",
        (
            _id("ballot_id", "The ballot."),
            _id("process_id", "Its process."),
            Column(
                "voter_pseudonym",
                "string",
                "The voter, pseudonymous: one per voter and "
                "process, not linkable across processes.",
                "64 hex digits (HMAC-SHA256)",
            ),
            Column("channel", "string", "How it was cast.", codes(BallotChannel)),
            Column("area_code", "string", "The voter's area, if given."),
            Column("age_band", "string", "The voter's age band, if given.", codes(AgeBand)),
            Column("sex", "string", "The voter's sex, if given.", codes(Sex)),
            Column("cast_at", "datetime64[ns, UTC]", "When it was cast.", _TIME),
        ),
    ),
    Table(
        "ballot_choices",
        "one proposal marked on one ballot",
        (
            _id("ballot_id", "The ballot."),
            _id("proposal_id", "The proposal marked."),
            Column("points", "Int64", "Points given (cumulative or scoring ballots).", "points"),
            Column("rank", "Int64", "Its rank (ranked ballots; 1 is first).", "rank"),
        ),
    ),
    Table(
        "projects",
        "a funded project",
        (
            _id("project_id", "The project."),
            _id("process_id", "Its process."),
            _id(
                "proposal_id",
                "The proposal it came from (co-commissioned: the winning bid, in `bids`).",
            ),
            _id(
                "decision_id",
                "The decision that funded it (co-commissioned: the award, in `awards`).",
            ),
            Column("title", "string", "Its title."),
            _money("approved", "The amount approved."),
            _CURRENCY,
            Column("status", "string", "Where its delivery stands.", codes(ProjectStatus)),
            Column("completed_on", "string", "The day it was delivered.", _DAY),
        ),
    ),
    Table(
        "milestones",
        "a milestone of a project",
        (
            _id("project_id", "The project."),
            Column("code", "string", "The milestone's code within the project."),
            Column("title", "string", "What it is."),
            Column("status", "string", "Where it stands.", codes(MilestoneStatus)),
            Column("scheduled_on", "string", "The day it was planned.", _DAY),
            Column("original_due_on", "string", "The first due day (for the on-time rate).", _DAY),
            Column("due_on", "string", "The due day now, after delays.", _DAY),
            Column("met_on", "string", "The day it was met.", _DAY),
            Column("delays", "Int64", "How often it was delayed.", "count"),
            Column("evidence_url", "string", "The evidence that it was met.", "URL"),
            _id(
                "confirmed_by_group",
                "The community group that confirmed it met (empty: an officer).",
            ),
        ),
    ),
    Table(
        "spend",
        "money spent on a project (its latest corrected amount)",
        (
            _id("project_id", "The project."),
            _id("spend_id", "The spend."),
            _money("amount", "The amount spent, as corrected."),
            _CURRENCY,
            Column("spent_on", "string", "The day.", _DAY),
            Column("purpose", "string", "What for."),
        ),
    ),
    Table(
        "commitments",
        "what a community group pledged to a project",
        (
            _id("commitment_id", "The commitment."),
            _id("organisation_id", "The community group."),
            _id("project_id", "The project."),
            Column("phase", "string", "The co-production phase.", codes(CoproductionPhase)),
            Column("level", "string", "The co-production level.", codes(CoproductionLevel)),
            Column("pledged_hours", "Float64", "Hours pledged.", "hours"),
            Column("in_kind", "string", "A non-cash contribution pledged."),
            _money("in_kind_value", "Its fair value."),
            Column("in_kind_currency", "string", "Its currency.", "ISO 4217 code"),
            Column("status", "string", "Whether it was kept.", "open | met | lapsed"),
        ),
    ),
    Table(
        "contributions",
        "one log of community work (verified, waiting or disputed)",
        (
            _id("contribution_id", "The log."),
            _id("commitment_id", "The commitment it counts towards."),
            _id("organisation_id", "The community group."),
            _id("project_id", "The project."),
            Column("hours", "Float64", "Hours of work, all people together.", "hours"),
            Column("people_count", "Int64", "How many people worked.", "people"),
            Column("phase", "string", "The co-production phase.", codes(CoproductionPhase)),
            Column("level", "string", "The co-production level.", codes(CoproductionLevel)),
            Column("worked_on", "string", "The day worked.", _DAY),
            Column("seconds_to_log", "Int64", "How long logging it took the group.", "seconds"),
            Column("status", "string", "Its verification.", "logged | verified | disputed"),
        ),
    ),
    *COMMISSIONING_TABLES,
)
