"""The timeline's tables: their columns, their data dictionary and their DDL."""

from __future__ import annotations

ENTRY_COLUMNS = (
    "chain_id",
    "notification_id",
    "ts_us",
    "process_id",
    "stage",
    "event",
    "subject_kind",
    "subject_id",
    "item",
    "summary",
    "reason",
    "actor_id",
    "actor_role",
    "actor_organisation_id",
    "changes",
    "links",
    "corrects",
    "summary_code",
    "summary_values",
    "valid_us",
)
SUBJECT_COLUMNS = ("subject_id", "chain_id", "kind", "process_id", "ts_us")
#: What a row is about, by the aggregate that recorded the event (the row's subject_id).
SUBJECT_KINDS = {
    "Process": "process",
    "Proposal": "idea",
    "Outcome": "outcome",
    "Decision": "decision",
    "Project": "project",
    "Commitment": "commitment",
    "Contribution": "contribution",
    "Tender": "tender",
}


#: The data dictionary evaluators get with every export (see ReadModel.dictionary).
DICTIONARY: dict[str, dict[str, str]] = {
    "entries": {
        "chain_id": "The idea/proposal whose story the row belongs to (32 hex digits); "
        "its decision, project, milestones, spend and community work share it.",
        "notification_id": "Log position of the event; with ts_us it orders the timeline.",
        "ts_us": "When the event was recorded: microseconds since 1970-01-01 UTC; the "
        "timeline as of T is every row with ts_us <= T.",
        "process_id": "The process the chain belongs to (32 hex digits).",
        "stage": "Where in the story: idea, proposal, assessment, shortlist, case_file, "
        "ballot, outcome_count, decision, project, milestone, spend, match_funding, "
        "completion, outcomes or community.",
        "event": "The event type (e.g. Decision.DecisionCorrected); see docs/EVENTS.md.",
        "subject_kind": "What the event happened to: idea, decision, project, commitment, "
        "contribution, process or outcome.",
        "subject_id": "The id of that subject (32 hex digits).",
        "item": "The part of the subject: a milestone code, spend id, indicator code, "
        "fact or hearing id; empty (null) for the subject itself.",
        "summary": "One line saying what happened, with the key figures.",
        "reason": "The reason the actor gave (withdrawal, assessment, shortlist, "
        "correction, delay, cancellation, dispute...); empty when none is required.",
        "actor_id": "Pseudonymous id of the person or system that acted (PERSONAL-ISH: "
        "public views drop it; never a name).",
        "actor_role": "The role they acted in: council_officer, community_member, "
        "resident, evaluator, public or system.",
        "actor_organisation_id": "The organisation they acted for (32 hex digits), if any.",
        "changes": "JSON list of [field, before, after]: every field the event set, with "
        "its earlier value where one existed (null before = first value).",
        "links": "JSON list of [relation, kind, id]: the items this row points to (merged "
        "into/from, decision, project, outcome count, organisation, commitment...).",
        "corrects": "Log position of the row this one corrects, revises or moves (the "
        "original decision, the recorded spend, the earlier assessment or estimate, the "
        "milestone's scheduling); empty otherwise.",
        "summary_code": "What kind of line the summary is (e.g. decision_made_amount); the "
        "summary is this code's English template filled with summary_values.",
        "summary_values": "JSON object of the summary's values: dates ISO, money as "
        "'amount currency', numbers as exact text, so a page can show the line in the "
        "reader's language.",
        "valid_us": "When what the row tells became true (microseconds since 1970 UTC): the "
        "end of the event's own date (decided_on, met_on, spent_on...) or its recording "
        "time, whichever is earlier; an imported past cycle's rows take the file's ballot "
        "dates. The timeline at business date D is every row with valid_us <= D.",
    },
    "subjects": {
        "subject_id": "An idea, decision, project, commitment or contribution (32 hex).",
        "chain_id": "The chain (idea id) its events are filed under.",
        "kind": "idea, decision, project, commitment or contribution.",
        "process_id": "The process it belongs to (32 hex digits).",
        "ts_us": "When it was created: microseconds since 1970-01-01 UTC.",
    },
    "merges": {
        "notification_id": "Log position of the merge (the MergedInto event).",
        "ts_us": "When the merge was recorded: microseconds since 1970-01-01 UTC.",
        "source_id": "The idea merged away (32 hex digits).",
        "target_id": "The idea or proposal it was merged into (32 hex digits).",
    },
    "state": {
        "subject_id": "Write-side memory (not for reading; as-of answers come from "
        "entries): the subject whose fields these are.",
        "fields": "JSON object: item/field -> the field's latest value as text (item is "
        "a milestone code, spend id... or empty); _row:<name> keys hold the log position "
        "of a row a later correction refers to.",
    },
    "options": {
        "process_id": "A process whose ballot opened (32 hex digits).",
        "proposal_id": "A proposal on its ballot paper (32 hex digits).",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The tables of one generation (entries, subjects, merges, state, options)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_entries (chain_id TEXT NOT NULL, "
        "notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, process_id TEXT NOT NULL, "
        "stage TEXT NOT NULL, event TEXT NOT NULL, subject_kind TEXT NOT NULL, "
        "subject_id TEXT NOT NULL, item TEXT, summary TEXT NOT NULL, reason TEXT, "
        "actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_organisation_id TEXT, "
        "changes TEXT NOT NULL, links TEXT NOT NULL, corrects BIGINT, "
        "summary_code TEXT NOT NULL, summary_values TEXT NOT NULL, valid_us BIGINT NOT NULL, "
        "PRIMARY KEY (chain_id, notification_id))",
        f"CREATE INDEX IF NOT EXISTS {prefix}_entries_by_time "
        f"ON {prefix}_entries (chain_id, ts_us)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_subjects (subject_id TEXT PRIMARY KEY, "
        "chain_id TEXT NOT NULL, kind TEXT NOT NULL, process_id TEXT NOT NULL, "
        "ts_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_subjects_by_chain ON {prefix}_subjects (chain_id)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_merges (notification_id BIGINT PRIMARY KEY, "
        "ts_us BIGINT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_state (subject_id TEXT PRIMARY KEY, "
        "fields TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_options (process_id TEXT NOT NULL, "
        "proposal_id TEXT NOT NULL, PRIMARY KEY (process_id, proposal_id))",
    ]
