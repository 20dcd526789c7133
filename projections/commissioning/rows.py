"""Building one tender's view from the commissioning tables (see :mod:`.queries`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections.commissioning.tables import DEFINITION, MODERATED
from projections.commissioning.views import (
    AwardView,
    BidView,
    ContractView,
    NeedView,
    TenderView,
)
from projections.disclosure import DisclosurePolicy, protect_counts
from projections.store import Connection

__all__ = ["read_tender"]

_TENDER = (
    "SELECT tender_id, process_id, council_id, code, title, lots, criteria, scale, deadline, "
    "estimated_value, currency, published_on, opened, bid_count, need_id "
    "FROM {p}_tenders WHERE tender_id = ?"
)


def _rows(conn: Connection, prefix: str, sql: str, params: Sequence[Any]) -> list[Any]:
    return list(conn.execute(sql.replace("{p}", prefix), list(params)))


def read_tender(conn: Connection, prefix: str, tender: str, *, full: bool) -> TenderView | None:
    """The tender `tender` (hex id), its need, panel counts, and what has been opened."""
    found = _rows(conn, prefix, _TENDER, [tender])
    if not found:
        return None
    t = found[0]
    opened = bool(t[12])
    policy = _policy(conn, prefix, t[1])
    names = _bidder_names(conn, prefix, tender) if opened else {}
    view = TenderView(
        id=UUID(hex=t[0]),
        process_id=UUID(hex=t[1]),
        council_id=UUID(hex=t[2]),
        code=t[3],
        title=t[4],
        need=_need(conn, prefix, t[14], None if full else policy),
        lots=json.loads(t[5]),
        criteria=json.loads(t[6]),
        scale=int(t[7]),
        deadline=datetime.fromisoformat(t[8]),
        estimated_value=Decimal(t[9]),
        currency=t[10],
        published_on=date.fromisoformat(t[11]),
        opened=opened,
        bid_count=None if t[13] is None else int(t[13]),
        panel=_protected(_panel(conn, prefix, tender), None if full else policy),
        panel_declared=_declared(conn, prefix, tender),
        k=policy.k,
    )
    if opened:
        view.bids.extend(_bids(conn, prefix, tender, names))
        view.awards.extend(_awards(conn, prefix, tender, names))
        view.contracts.extend(_contracts(conn, prefix, tender))
        if full:
            view.scores.extend(_scores(conn, prefix, tender))
    return view


def _policy(conn: Connection, prefix: str, process: str) -> DisclosurePolicy:
    rows = _rows(conn, prefix, "SELECT k FROM {p}_processes WHERE process_id = ?", [process])
    return DisclosurePolicy(int(rows[0][0])) if rows else DisclosurePolicy()


def _protected(counts: dict[str, int], policy: DisclosurePolicy | None) -> dict[str, int | None]:
    """Counts of people as published: each below k hidden (no total is published)."""
    if policy is None:
        return dict(counts)
    cells = protect_counts(counts, policy)
    return {key: None if cell.value is None else int(cell.value) for key, cell in cells.items()}


def _need(conn: Connection, prefix: str, need: str, policy: DisclosurePolicy | None) -> NeedView:
    n = _rows(
        conn,
        prefix,
        "SELECT need_id, code, title, description, defined_on FROM {p}_needs WHERE need_id = ?",
        [need],
    )[0]
    sessions: dict[str, tuple[str, date, dict[str, int], list[str]]] = {}
    for code, held_on, group, people, outputs in _rows(
        conn,
        prefix,
        "SELECT session_code, held_on, participant_group, people, outputs "
        "FROM {p}_participation WHERE need_id = ? ORDER BY held_on, session_code",
        [need],
    ):
        label = "" if code == DEFINITION else code
        entry = sessions.setdefault(
            code, (label, date.fromisoformat(held_on), {}, json.loads(outputs))
        )
        entry[2][group] = int(people)
    shown = [(c, d, _protected(groups, policy), out) for c, d, groups, out in sessions.values()]
    return NeedView(UUID(hex=n[0]), n[1], n[2], n[3], date.fromisoformat(n[4]), shown)


def _panel(conn: Connection, prefix: str, tender: str) -> dict[str, int]:
    rows = _rows(
        conn,
        prefix,
        "SELECT role, COUNT(*) FROM {p}_panel WHERE tender_id = ? GROUP BY role ORDER BY role",
        [tender],
    )
    return {role: int(count) for role, count in rows}


def _declared(conn: Connection, prefix: str, tender: str) -> int:
    rows = _rows(
        conn,
        prefix,
        "SELECT COUNT(*) FROM {p}_panel WHERE tender_id = ? AND declared = 1",
        [tender],
    )
    return int(rows[0][0])


def _bidder_names(conn: Connection, prefix: str, tender: str) -> dict[str, str]:
    rows = _rows(
        conn,
        prefix,
        "SELECT b.bidder_id, o.display_name FROM {p}_bids b "
        "LEFT JOIN {p}_bidders o ON o.organisation_id = b.bidder_id WHERE b.tender_id = ?",
        [tender],
    )
    return {bidder: name or bidder for bidder, name in rows}


def _bids(conn: Connection, prefix: str, tender: str, names: dict[str, str]) -> list[BidView]:
    rows = _rows(
        conn,
        prefix,
        "SELECT bid_id, bidder_id, lot_code, price, documents FROM {p}_bids "
        "WHERE tender_id = ? ORDER BY lot_code, bid_id",
        [tender],
    )
    return [
        BidView(UUID(hex=r[0]), UUID(hex=r[1]), names[r[1]], r[2], Decimal(r[3]), json.loads(r[4]))
        for r in rows
    ]


def _awards(conn: Connection, prefix: str, tender: str, names: dict[str, str]) -> list[AwardView]:
    rows = _rows(
        conn,
        prefix,
        "SELECT a.lot_code, a.award_id, a.bid_id, b.bidder_id, a.decided_on, a.standstill_ends, "
        "a.followed_ranking, a.departure_reason, a.legal_basis, a.main_considerations, a.ranking "
        "FROM {p}_awards a JOIN {p}_bids b ON b.tender_id = a.tender_id AND b.bid_id = a.bid_id "
        "WHERE a.tender_id = ? ORDER BY a.lot_code",
        [tender],
    )
    return [
        AwardView(
            lot_code=r[0],
            award_id=UUID(hex=r[1]),
            bid_id=UUID(hex=r[2]),
            bidder=names.get(r[3], r[3]),
            decided_on=date.fromisoformat(r[4]),
            standstill_ends=date.fromisoformat(r[5]),
            followed_ranking=bool(r[6]),
            departure_reason=r[7],
            legal_basis=json.loads(r[8]),
            main_considerations=json.loads(r[9]),
            ranking=[
                (int(x["place"]), names.get(x["bidder_id"], x["bidder_id"]), Decimal(x["total"]))
                for x in json.loads(r[10])
            ],
        )
        for r in rows
    ]


def _contracts(conn: Connection, prefix: str, tender: str) -> list[ContractView]:
    rows = _rows(
        conn,
        prefix,
        "SELECT lot_code, contract_id, project_id, value, starts_on, ends_on, signed_on "
        "FROM {p}_contracts WHERE tender_id = ? ORDER BY lot_code",
        [tender],
    )
    return [
        ContractView(
            r[0],
            UUID(hex=r[1]),
            UUID(hex=r[2]),
            Decimal(r[3]),
            date.fromisoformat(r[4]),
            date.fromisoformat(r[5]),
            date.fromisoformat(r[6]),
        )
        for r in rows
    ]


def _scores(
    conn: Connection, prefix: str, tender: str
) -> list[tuple[UUID, str, UUID | None, Decimal]]:
    rows = _rows(
        conn,
        prefix,
        "SELECT bid_id, criterion_code, member_id, score FROM {p}_scores WHERE tender_id = ? "
        "ORDER BY bid_id, criterion_code, member_id",
        [tender],
    )
    return [
        (UUID(hex=r[0]), r[1], None if r[2] == MODERATED else UUID(hex=r[2]), Decimal(r[3]))
        for r in rows
    ]
