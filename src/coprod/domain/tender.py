"""A tender for a co-commissioned service: sealed bids, a mixed panel, a reasoned award.

Its life (DOMAIN.md §3): published with lots, weighted criteria and a deadline → bids, sealed
until the deadline → a panel of residents and officers, each declaring conflicts of interest
before seeing the bids → bids opened → members score the quality criteria (never a bidder
they are conflicted with) → moderation → the award, a decision with the record of DOMAIN.md
§5, a standstill and the computed ranking (departing from it needs reasons) → the contract,
after the standstill; delivery is a :class:`~coprod.domain.project.Project`. Panel members
are pseudonymous person ids. Bids are recorded as they arrive; the read side keeps them
sealed, and the aggregate refuses to open them early.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.commissioning_terms import Criterion, CriterionKind, Lot, PanelRole, RankedBid
from coprod.domain.decision import DecisionRecord, require_complete_record
from coprod.domain.errors import (
    AlreadyExists,
    DateBeforeCase,
    InvalidInput,
    NotFound,
    PhaseError,
    RuleViolation,
)
from coprod.domain.tender_checks import (
    Award,
    AwardTerms,
    Bid,
    BidTerms,
    ConflictOfInterest,
    Contract,
    ContractTerms,
    TenderTerms,
    check_award,
    check_bid,
    check_contract,
    check_score,
    check_tender,
)
from coprod.domain.tender_ranking import BidToRank, rank_bids
from coprod.domain.values import Actor, Money, require_text

__all__ = ["Tender"]


class Tender(CoprodAggregate):
    """One tender for a service need; public attributes are read by read models and tests."""

    class TenderPublished(CoprodAggregate.Created):
        """A tender was published: its lots, weighted criteria, score scale, deadline and value."""

        need_id: UUID
        process_id: UUID
        council_id: UUID
        code: str
        title: str
        lots: tuple[Lot, ...]
        criteria: tuple[Criterion, ...]
        scale: int
        deadline: datetime
        estimated_value: Money

    class PanelMemberAppointed(CoprodAggregate.Event):
        """A resident or an officer (a pseudonymous person id) joined the evaluation panel."""

        member_id: UUID
        role: PanelRole

    class ConflictsDeclared(CoprodAggregate.Event):
        """A panel member declared the bidders they have an interest in (none is a declaration)."""

        member_id: UUID
        conflicted_bidders: tuple[UUID, ...]

    class BidSubmitted(CoprodAggregate.Event):
        """A bid arrived before the deadline; a later bid of the same bidder for a lot replaces it."""

        bid_id: UUID
        bidder_id: UUID
        lot_code: str
        price: Money
        documents: tuple[str, ...]

    class BidsOpened(CoprodAggregate.Event):
        """The deadline passed and the bids were opened for the panel; no bid can arrive now."""

        bid_count: int

    class BidScored(CoprodAggregate.Event):
        """A panel member scored a bid on a quality criterion (a later score replaces theirs)."""

        member_id: UUID
        bid_id: UUID
        criterion_code: str
        score: Decimal
        note: str | None

    class ScoreModerated(CoprodAggregate.Event):
        """The panel agreed one score for a bid on a criterion; it replaces the members' mean."""

        bid_id: UUID
        criterion_code: str
        score: Decimal
        reason: str

    class TenderAwarded(CoprodAggregate.Event):
        """A lot was awarded: the decision record, the computed ranking and the standstill."""

        award_id: UUID
        lot_code: str
        bid_id: UUID
        ranking: tuple[RankedBid, ...]
        record: DecisionRecord
        decided_on: date
        standstill_days: int
        departure_reason: str | None

    class ContractSigned(CoprodAggregate.Event):
        """The contract for a lot was signed with the awarded bidder, after the standstill."""

        contract_id: UUID
        lot_code: str
        bid_id: UUID
        value: Money
        starts_on: date
        ends_on: date
        signed_on: date

    @staticmethod
    def create_id(need_id: UUID, code: str) -> UUID:
        return natural_id("tender", need_id, code)

    @event(TenderPublished)
    def __init__(  # noqa: PLR0913 - the published terms, as stored
        self,
        actor: Actor,
        need_id: UUID,
        process_id: UUID,
        council_id: UUID,
        code: str,
        title: str,
        lots: tuple[Lot, ...],
        criteria: tuple[Criterion, ...],
        scale: int,
        deadline: datetime,
        estimated_value: Money,
    ) -> None:
        self.need_id, self.process_id, self.council_id = need_id, process_id, council_id
        self.code, self.title = code, title
        self.lots = {lot.code: lot for lot in lots}
        self.criteria = criteria
        self.scale = scale
        self.deadline = deadline
        self.estimated_value = estimated_value
        self.panel: dict[UUID, PanelRole] = {}
        self.declarations: dict[UUID, frozenset[UUID]] = {}
        self.bids: dict[UUID, Bid] = {}
        self.opened = False
        self.scores: dict[tuple[UUID, str, UUID], Decimal] = {}
        self.moderated: dict[tuple[UUID, str], Decimal] = {}
        self.awards: dict[str, Award] = {}
        self.contracts: dict[str, Contract] = {}

    @classmethod
    def publish(
        cls,
        actor: Actor,
        need_id: UUID,
        owner: tuple[UUID, UUID],
        terms: TenderTerms,
        now: datetime,
    ) -> Tender:
        """Publish a tender for a need; ``owner`` is the need's (process id, council id)."""
        check_tender(terms, now)
        return cls(
            actor=actor,
            need_id=need_id,
            process_id=owner[0],
            council_id=owner[1],
            code=terms.code,
            title=terms.title,
            lots=terms.lots,
            criteria=terms.criteria,
            scale=terms.scale,
            deadline=terms.deadline,
            estimated_value=terms.estimated_value,
        )

    @staticmethod
    def bid_id_for(tender_id: UUID, bidder_id: UUID, lot_code: str) -> UUID:
        """One bid per bidder and lot: resubmitting before the deadline replaces the bid."""
        return natural_id("bid", tender_id, bidder_id, lot_code)

    # -- the panel -----------------------------------------------------------------------------

    def appoint(self, actor: Actor, member_id: UUID, role: PanelRole) -> None:
        """Add a member to the panel, until the first award."""
        if self.awards:
            raise PhaseError(f"tender {self.code} has an award; the panel is closed")
        if member_id in self.panel:
            raise AlreadyExists("panel member", member_id)
        if not isinstance(role, PanelRole):
            raise InvalidInput("role", f"{role!r} is not a panel role")
        self._appoint(actor=actor, member_id=member_id, role=role)

    @event(PanelMemberAppointed)
    def _appoint(self, actor: Actor, member_id: UUID, role: PanelRole) -> None:
        self.panel[member_id] = role

    def declare_conflicts(self, actor: Actor, member_id: UUID, bidders: tuple[UUID, ...]) -> None:
        """A member names the bidders they have an interest in, before scoring anything."""
        self._member(member_id)
        if any(key[2] == member_id for key in self.scores):
            raise ConflictOfInterest(
                "conflicts are declared before scoring; this member has scored already"
            )
        if len(set(bidders)) != len(bidders):
            raise InvalidInput("conflicted_bidders", "names a bidder more than once")
        self._declare(actor=actor, member_id=member_id, conflicted_bidders=bidders)

    @event(ConflictsDeclared)
    def _declare(self, actor: Actor, member_id: UUID, conflicted_bidders: tuple[UUID, ...]) -> None:
        self.declarations[member_id] = frozenset(conflicted_bidders)

    def may_see_bids(self, member_id: UUID) -> bool:
        """A member sees the bids once they are opened and the member has declared."""
        return self.opened and member_id in self.declarations

    # -- bids ----------------------------------------------------------------------------------

    def submit_bid(self, actor: Actor, terms: BidTerms, now: datetime) -> UUID:
        """Record a bid before the deadline; returns its id (the same for a resubmission)."""
        if now >= self.deadline or self.opened:
            raise PhaseError(
                f"the deadline of tender {self.code} ({self.deadline.isoformat()}) has passed; "
                "no bid can be received now",
                rule="tender-deadline",
            )
        self._lot(terms.lot_code)
        check_bid(terms, self.estimated_value.currency)
        bid_id = self.bid_id_for(self.id, terms.bidder_id, terms.lot_code)
        self._submit_bid(
            actor=actor,
            bid_id=bid_id,
            bidder_id=terms.bidder_id,
            lot_code=terms.lot_code,
            price=terms.price,
            documents=terms.documents,
        )
        return bid_id

    @event(BidSubmitted)
    def _submit_bid(  # noqa: PLR0913 - the stored fields
        self,
        actor: Actor,
        bid_id: UUID,
        bidder_id: UUID,
        lot_code: str,
        price: Money,
        documents: tuple[str, ...],
    ) -> None:
        self.bids[bid_id] = Bid(bid_id, bidder_id, lot_code, price)

    def open_bids(self, actor: Actor, now: datetime) -> None:
        """Open the sealed bids once the deadline has passed and the panel is mixed."""
        if self.opened:
            raise PhaseError(f"the bids of tender {self.code} are open already")
        if now < self.deadline:
            raise PhaseError(
                f"bids are sealed until {self.deadline.isoformat()}", rule="tender-sealed"
            )
        roles = set(self.panel.values())
        if roles != {PanelRole.RESIDENT, PanelRole.OFFICER}:
            raise RuleViolation(
                "the evaluation panel needs at least one resident and one officer before the "
                "bids are opened",
                rule="panel-composition",
            )
        self._open(actor=actor, bid_count=len(self.bids))

    @event(BidsOpened)
    def _open(self, actor: Actor, bid_count: int) -> None:
        self.opened = True

    # -- scoring -------------------------------------------------------------------------------

    def score(  # noqa: PLR0913 - who scores what, how, and why
        self,
        actor: Actor,
        member_id: UUID,
        bid_id: UUID,
        criterion_code: str,
        score: Decimal,
        note: str | None = None,
    ) -> None:
        """A member's score for a bid on a quality criterion, on the tender's scale."""
        bid = self._scorable(bid_id, criterion_code, score)
        self._member(member_id)
        if member_id not in self.declarations:
            raise ConflictOfInterest("declare conflicts of interest before seeing or scoring bids")
        if bid.bidder_id in self.declarations[member_id]:
            raise ConflictOfInterest(
                f"this member declared an interest in bidder {bid.bidder_id} and cannot score "
                "its bid"
            )
        if note is not None:
            note = require_text("note", note, max_length=2_000)
        self._score(
            actor=actor,
            member_id=member_id,
            bid_id=bid_id,
            criterion_code=criterion_code,
            score=score,
            note=note,
        )

    @event(BidScored)
    def _score(  # noqa: PLR0913 - the stored fields
        self,
        actor: Actor,
        member_id: UUID,
        bid_id: UUID,
        criterion_code: str,
        score: Decimal,
        note: str | None,
    ) -> None:
        self.scores[(bid_id, criterion_code, member_id)] = score

    def moderate(
        self, actor: Actor, bid_id: UUID, criterion_code: str, score: Decimal, reason: str
    ) -> None:
        """Record the score the panel agreed in moderation, with the reason."""
        self._scorable(bid_id, criterion_code, score)
        reason = require_text("reason", reason, max_length=5_000)
        self._moderate(
            actor=actor, bid_id=bid_id, criterion_code=criterion_code, score=score, reason=reason
        )

    @event(ScoreModerated)
    def _moderate(
        self, actor: Actor, bid_id: UUID, criterion_code: str, score: Decimal, reason: str
    ) -> None:
        self.moderated[(bid_id, criterion_code)] = score

    def ranking(self, lot_code: str) -> tuple[RankedBid, ...]:
        """The ranking the published weights give for a lot, from the scores so far."""
        self._lot(lot_code)
        bids = [b for b in self.bids.values() if b.lot_code == lot_code]
        scores: dict[tuple[UUID, str], list[Decimal]] = {}
        for (bid_id, code, _member), value in self.scores.items():
            scores.setdefault((bid_id, code), []).append(value)
        return rank_bids(
            self.criteria,
            self.scale,
            (BidToRank(b.bid_id, b.bidder_id, b.price.amount) for b in bids),
            scores,
            self.moderated,
        )

    # -- award and contract --------------------------------------------------------------------

    def award(self, actor: Actor, terms: AwardTerms) -> UUID:
        """Award a lot to a bid with a full decision record; returns the award's id."""
        check_award(terms)
        if not self.opened:
            raise PhaseError(f"the bids of tender {self.code} are not opened yet")
        if terms.lot_code in self.awards:
            raise AlreadyExists("award", f"{self.code}/{terms.lot_code}")
        bid = self._bid(terms.bid_id)
        if bid.lot_code != terms.lot_code:
            raise InvalidInput("bid_id", f"bid {bid.bid_id} is for lot {bid.lot_code!r}")
        if terms.decided_on < self.deadline.date():
            raise DateBeforeCase(
                f"decided_on {terms.decided_on.isoformat()} is before the bid deadline"
            )
        require_complete_record("an award (adverse to every other bidder)", terms.record)
        ranking = self.ranking(terms.lot_code)
        if ranking[0].bid_id != bid.bid_id and not terms.departure_reason:
            raise RuleViolation(
                f"the published weights rank bid {ranking[0].bid_id} first; an award to another "
                "bid must give its reasons (departure_reason)",
                rule="award-follows-weights",
            )
        award_id = natural_id("award", self.id, terms.lot_code)
        self._award(
            actor=actor,
            award_id=award_id,
            lot_code=terms.lot_code,
            bid_id=bid.bid_id,
            ranking=ranking,
            record=terms.record,
            decided_on=terms.decided_on,
            standstill_days=terms.standstill_days,
            departure_reason=terms.departure_reason,
        )
        return award_id

    @event(TenderAwarded)
    def _award(  # noqa: PLR0913 - the stored fields
        self,
        actor: Actor,
        award_id: UUID,
        lot_code: str,
        bid_id: UUID,
        ranking: tuple[RankedBid, ...],
        record: DecisionRecord,
        decided_on: date,
        standstill_days: int,
        departure_reason: str | None,
    ) -> None:
        ends = decided_on + timedelta(days=standstill_days)
        terms = AwardTerms(lot_code, bid_id, record, decided_on, standstill_days, departure_reason)
        self.awards[lot_code] = Award(award_id, bid_id, ranking, ends, terms)

    def sign_contract(self, actor: Actor, terms: ContractTerms) -> UUID:
        """Record the contract for an awarded lot, once its standstill period is over."""
        check_contract(terms, self.estimated_value.currency)
        award = self.award_of(terms.lot_code)
        if terms.lot_code in self.contracts:
            raise AlreadyExists("contract", f"{self.code}/{terms.lot_code}")
        if terms.signed_on < award.standstill_ends:
            raise RuleViolation(
                f"the standstill period runs until {award.standstill_ends.isoformat()}; "
                "the contract cannot be signed before",
                rule="standstill",
            )
        contract_id = natural_id("contract", self.id, terms.lot_code)
        self._sign(
            actor=actor,
            contract_id=contract_id,
            lot_code=terms.lot_code,
            bid_id=award.bid_id,
            value=terms.value,
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            signed_on=terms.signed_on,
        )
        return contract_id

    @event(ContractSigned)
    def _sign(  # noqa: PLR0913 - the stored fields
        self,
        actor: Actor,
        contract_id: UUID,
        lot_code: str,
        bid_id: UUID,
        value: Money,
        starts_on: date,
        ends_on: date,
        signed_on: date,
    ) -> None:
        terms = ContractTerms(lot_code, value, starts_on, ends_on, signed_on)
        self.contracts[lot_code] = Contract(contract_id, bid_id, terms)

    # -- lookups -------------------------------------------------------------------------------

    def award_of(self, lot_code: str) -> Award:
        """The award of a lot, refused while the lot is not awarded."""
        if lot_code not in self.awards:
            raise PhaseError(f"lot {lot_code!r} of tender {self.code} is not awarded")
        return self.awards[lot_code]

    def _lot(self, lot_code: str) -> Lot:
        if lot_code not in self.lots:
            raise InvalidInput("lot_code", f"tender {self.code} has no lot {lot_code!r}")
        return self.lots[lot_code]

    def _bid(self, bid_id: UUID) -> Bid:
        if bid_id not in self.bids:
            raise NotFound("bid", bid_id)
        return self.bids[bid_id]

    def _member(self, member_id: UUID) -> PanelRole:
        if member_id not in self.panel:
            raise ConflictOfInterest(f"{member_id} is not on the evaluation panel")
        return self.panel[member_id]

    def _scorable(self, bid_id: UUID, criterion_code: str, score: Decimal) -> Bid:
        if not self.opened:
            raise PhaseError("bids are scored once they are opened", rule="tender-sealed")
        bid = self._bid(bid_id)
        if bid.lot_code in self.awards:
            raise PhaseError(f"lot {bid.lot_code!r} is awarded; its scores are final")
        criterion = next((c for c in self.criteria if c.code == criterion_code), None)
        if criterion is None or criterion.kind is not CriterionKind.QUALITY:
            raise InvalidInput(
                "criterion_code", f"{criterion_code!r} is not a quality criterion of this tender"
            )
        check_score(score, self.scale)
        return bid


keep_stored_topics("coprod.tender", Tender)
