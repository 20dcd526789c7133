"""The commissioning model's tables: their data dictionary and their DDL."""

from __future__ import annotations

#: Table suffixes, in the order they are created.
SUFFIXES = (
    "needs",
    "participation",
    "tenders",
    "panel",
    "bids",
    "scores",
    "awards",
    "contracts",
    "bidders",
    "processes",
)

_HEX = "(32 hex digits)"
#: The round that defined a need, beside its sessions (never a session code: not a slug).
DEFINITION = "(definition)"
#: The member of a score the panel agreed in moderation (never an id).
MODERATED = "(moderated)"

DICTIONARY: dict[str, dict[str, str]] = {
    "needs": {
        "need_id": f"A service need {_HEX}.",
        "process_id": f"The process it belongs to {_HEX}.",
        "council_id": f"The council that commissions it {_HEX}.",
        "code": "Its short name, unique in the process.",
        "title": "Its title.",
        "description": "What service is needed, as defined with residents.",
        "defined_on": "The date it was defined (YYYY-MM-DD).",
    },
    "participation": {
        "need_id": f"The need {_HEX}.",
        "session_code": f"The co-design session, or {DEFINITION} for defining the need itself.",
        "held_on": "The date (YYYY-MM-DD).",
        "participant_group": "residents, service_users, community_groups, officers, providers, other.",
        "people": "How many people of that group took part (a count, never names).",
        "outputs": "What the session produced (JSON list of texts; empty for the need).",
    },
    "tenders": {
        "tender_id": f"A tender {_HEX}.",
        "need_id": f"The need it commissions {_HEX}.",
        "process_id": f"The process {_HEX}.",
        "council_id": f"The council {_HEX}.",
        "code": "Its short name, unique for the need.",
        "title": "Its title.",
        "lots": "Its lots (JSON list of {code, title}).",
        "criteria": "Its award criteria (JSON list of {code, title, weight in %, kind}).",
        "scale": "The top of the score scale (scores run from 0 to it).",
        "deadline": "When bids close (ISO 8601 with offset).",
        "estimated_value": "The estimated value (decimal text).",
        "currency": "ISO 4217 code.",
        "published_on": "The date it was published (UTC, YYYY-MM-DD).",
        "opened": "1 once the bids were opened after the deadline, else 0.",
        "bid_count": "How many bids were opened (empty until then).",
    },
    "panel": {
        "tender_id": f"The tender {_HEX}.",
        "member_id": f"A panel member, pseudonymous {_HEX}; no name.",
        "role": "resident or officer (coprod.domain.commissioning_terms.PanelRole).",
        "declared": "1 once the member declared their conflicts of interest, else 0.",
        "conflicts": "How many bidders the member declared an interest in.",
    },
    "bids": {
        "tender_id": f"The tender {_HEX}.",
        "bid_id": f"A bid {_HEX}.",
        "bidder_id": f"The bidding organisation {_HEX}.",
        "lot_code": "The lot it bids for.",
        "price": "The price (decimal text).",
        "documents": "Links to its documents (JSON list).",
    },
    "scores": {
        "tender_id": f"The tender {_HEX}.",
        "bid_id": f"The bid {_HEX}.",
        "criterion_code": "The quality criterion.",
        "member_id": f"The scoring member {_HEX}, or {MODERATED} for the agreed score.",
        "score": "The score on the tender's scale (decimal text).",
        "reason": "The note of a score, or the reason of a moderated one.",
    },
    "awards": {
        "tender_id": f"The tender {_HEX}.",
        "lot_code": "The lot awarded.",
        "award_id": f"The award {_HEX}.",
        "bid_id": f"The winning bid {_HEX}.",
        "decided_on": "The date of the award decision (YYYY-MM-DD).",
        "standstill_ends": "The first day a contract may be signed (YYYY-MM-DD).",
        "ranking": "The computed ranking (JSON list of {place, bid_id, bidder_id, total of 100}).",
        "followed_ranking": "1 when the award went to the bid ranked first, else 0.",
        "departure_reason": "Why the award departs from the ranking (empty when it follows it).",
        "legal_basis": "The legal basis (JSON list of texts).",
        "main_considerations": "The main considerations (JSON list of texts).",
        "complaints_body": "Where to complain (empty: see no_appeal_statement).",
        "complaints_deadline_days": "Within how many days.",
    },
    "contracts": {
        "tender_id": f"The tender {_HEX}.",
        "lot_code": "The lot.",
        "contract_id": f"The contract {_HEX}.",
        "bid_id": f"The awarded bid {_HEX}.",
        "project_id": f"The project that delivers it {_HEX}.",
        "value": "The contract value (decimal text).",
        "currency": "ISO 4217 code.",
        "starts_on": "Delivery starts (YYYY-MM-DD).",
        "ends_on": "Delivery ends (YYYY-MM-DD).",
        "signed_on": "Signed (YYYY-MM-DD).",
    },
    "processes": {
        "process_id": f"A process {_HEX}.",
        "k": "Its disclosure threshold: published counts of people below k are hidden.",
    },
    "bidders": {
        "organisation_id": f"An organisation that may bid {_HEX}.",
        "display_name": "The name it is shown by.",
    },
}

_COLUMNS: dict[str, str] = {
    "needs": "need_id TEXT PRIMARY KEY, process_id TEXT NOT NULL, council_id TEXT NOT NULL, "
    "code TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, defined_on TEXT NOT NULL",
    "participation": "need_id TEXT NOT NULL, session_code TEXT NOT NULL, held_on TEXT NOT NULL, "
    "participant_group TEXT NOT NULL, people INTEGER NOT NULL, outputs TEXT NOT NULL, "
    "PRIMARY KEY (need_id, session_code, participant_group)",
    "tenders": "tender_id TEXT PRIMARY KEY, need_id TEXT NOT NULL, process_id TEXT NOT NULL, "
    "council_id TEXT NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL, lots TEXT NOT NULL, "
    "criteria TEXT NOT NULL, scale INTEGER NOT NULL, deadline TEXT NOT NULL, "
    "estimated_value TEXT NOT NULL, currency TEXT NOT NULL, published_on TEXT NOT NULL, "
    "opened INTEGER NOT NULL, bid_count INTEGER",
    "panel": "tender_id TEXT NOT NULL, member_id TEXT NOT NULL, role TEXT NOT NULL, "
    "declared INTEGER NOT NULL, conflicts INTEGER NOT NULL, PRIMARY KEY (tender_id, member_id)",
    "bids": "tender_id TEXT NOT NULL, bid_id TEXT NOT NULL, bidder_id TEXT NOT NULL, "
    "lot_code TEXT NOT NULL, price TEXT NOT NULL, documents TEXT NOT NULL, "
    "PRIMARY KEY (tender_id, bid_id)",
    "scores": "tender_id TEXT NOT NULL, bid_id TEXT NOT NULL, criterion_code TEXT NOT NULL, "
    "member_id TEXT NOT NULL, score TEXT NOT NULL, reason TEXT, "
    "PRIMARY KEY (tender_id, bid_id, criterion_code, member_id)",
    "awards": "tender_id TEXT NOT NULL, lot_code TEXT NOT NULL, award_id TEXT NOT NULL, "
    "bid_id TEXT NOT NULL, decided_on TEXT NOT NULL, standstill_ends TEXT NOT NULL, "
    "ranking TEXT NOT NULL, followed_ranking INTEGER NOT NULL, departure_reason TEXT, "
    "legal_basis TEXT NOT NULL, main_considerations TEXT NOT NULL, complaints_body TEXT, "
    "complaints_deadline_days INTEGER, PRIMARY KEY (tender_id, lot_code)",
    "contracts": "tender_id TEXT NOT NULL, lot_code TEXT NOT NULL, contract_id TEXT NOT NULL, "
    "bid_id TEXT NOT NULL, project_id TEXT NOT NULL, value TEXT NOT NULL, "
    "currency TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, "
    "signed_on TEXT NOT NULL, PRIMARY KEY (tender_id, lot_code)",
    "bidders": "organisation_id TEXT PRIMARY KEY, display_name TEXT NOT NULL",
    "processes": "process_id TEXT PRIMARY KEY, k INTEGER NOT NULL",
}


def create_statements(prefix: str) -> list[str]:
    """The tables, and the indexes a process's tenders and a need's tenders are read by."""
    tables = [
        f"CREATE TABLE IF NOT EXISTS {prefix}_{suffix} ({_COLUMNS[suffix]})" for suffix in SUFFIXES
    ]
    return [
        *tables,
        f"CREATE INDEX IF NOT EXISTS {prefix}_tenders_by_process ON {prefix}_tenders (process_id)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_needs_by_process ON {prefix}_needs (process_id)",
    ]
