"""The party-hearing date rules: every impossible date the trust review found is refused by name.

Each refusal is a RuleViolation subclass whose `rule` names it, and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from coprod.application import Coprod
from coprod.application.commands.decisions import Decide, RevokeDecision
from coprod.application.commands.processes import SetMinimumHearingPeriod
from coprod.application.commands.proposals import (
    ExemptFromHearing,
    RecordFact,
    RecordHearingAnswer,
    SendHearing,
)
from coprod.domain.dates import latest_today
from coprod.domain.decision import DecisionOutcome
from coprod.domain.errors import (
    AnswerBeforeHearing,
    DateBeforeCase,
    DateInFuture,
    DateRuleViolation,
    HearingPending,
    HearingPeriodTooShort,
    HearingRequired,
    InvalidInput,
    NotAllowed,
)
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor
from tests.unit.test_decision import at_decision, record
from tests.unit.test_proposal import event_count

Out = DecisionOutcome
TODAY = datetime.now(UTC).date()
FUTURE = latest_today() + timedelta(days=1)


def case(app: Coprod, officer: Actor, member: Actor, council_id: UUID, noted: date) -> tuple:
    """A proposal in the decision phase with one adverse, essential fact unknown to the party."""
    _, (prop,) = at_decision(app, officer, member, council_id)
    fact = uuid.uuid4()
    app.record_fact(
        RecordFact(
            proposal_id=prop,
            fact_id=fact,
            summary="Site survey (doc 14)",
            adverse=True,
            essential=True,
            known_to_party=False,
            noted_on=noted,
        ),
        officer,
    )
    return prop, fact


def test_a_deadline_under_the_minimum_hearing_period_is_refused(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY - timedelta(days=60))
    sent = TODAY - timedelta(days=40)
    before = event_count(app)
    for deadline in (sent - timedelta(days=1), sent, sent + timedelta(days=13)):
        with pytest.raises(HearingPeriodTooShort, match="minimum hearing period of 14 days") as e:
            app.send_hearing(
                SendHearing(
                    proposal_id=prop,
                    hearing_id=uuid.uuid4(),
                    party_id=member.id,
                    fact_ids=(fact,),
                    deadline=deadline,
                    sent_on=sent,
                ),
                officer,
            )
        assert e.value.rule == "hearing-period"
    # the review's case: sent today with a deadline already past
    with pytest.raises(HearingPeriodTooShort):
        app.send_hearing(
            SendHearing(
                proposal_id=prop,
                hearing_id=uuid.uuid4(),
                party_id=member.id,
                fact_ids=(fact,),
                deadline=TODAY - timedelta(1),
            ),
            officer,
        )
    assert event_count(app) == before
    hearing = uuid.uuid4()
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=sent + timedelta(days=14),
            sent_on=sent,
        ),
        officer,
    )
    assert app.get_proposal(prop).hearings[hearing].sent_on == sent


def test_the_minimum_hearing_period_is_a_process_setting(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY)
    pid = app.get_proposal(prop).process_id
    assert app.get_process(pid).min_hearing_days == 14
    app.set_minimum_hearing_period(SetMinimumHearingPeriod(process_id=pid, days=21), officer)
    assert app.get_process(pid).min_hearing_days == 21
    with pytest.raises(HearingPeriodTooShort, match="of 21 days"):
        app.send_hearing(
            SendHearing(
                proposal_id=prop,
                hearing_id=uuid.uuid4(),
                party_id=member.id,
                fact_ids=(fact,),
                deadline=TODAY + timedelta(14),
            ),
            officer,
        )
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=uuid.uuid4(),
            party_id=member.id,
            fact_ids=(fact,),
            deadline=TODAY + timedelta(21),
        ),
        officer,
    )
    for bad in (0, 366, True):
        with pytest.raises(InvalidInput) as e:
            app.set_minimum_hearing_period(
                SetMinimumHearingPeriod(process_id=pid, days=bad), officer
            )  # type: ignore[arg-type]
        assert e.value.field == "days"
    # the period protects the party: only the council's officer may change it
    with pytest.raises(NotAllowed, match="only a council officer"):
        app.set_minimum_hearing_period(SetMinimumHearingPeriod(process_id=pid, days=1), member)
    assert app.get_process(pid).min_hearing_days == 21


def test_an_answer_cannot_predate_its_hearing_nor_lie_in_the_future(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY)
    hearing = uuid.uuid4()
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=TODAY + timedelta(days=14),
        ),
        officer,
    )
    before = event_count(app)
    with pytest.raises(AnswerBeforeHearing, match="before hearing") as e:
        app.record_hearing_answer(
            RecordHearingAnswer(
                proposal_id=prop,
                hearing_id=hearing,
                answered_on=date(2000, 1, 1),
                response_ref="Journal 1",
            ),
            officer,
        )
    assert e.value.rule == "answer-before-hearing"
    with pytest.raises(DateInFuture) as f:
        app.record_hearing_answer(
            RecordHearingAnswer(
                proposal_id=prop, hearing_id=hearing, answered_on=FUTURE, response_ref="Journal 1"
            ),
            officer,
        )
    assert f.value.rule == "date-in-future"
    assert event_count(app) == before
    app.record_hearing_answer(
        RecordHearingAnswer(
            proposal_id=prop, hearing_id=hearing, answered_on=TODAY, response_ref="Journal 1"
        ),
        officer,
    )


def test_a_hearing_cannot_be_sent_before_its_facts_were_on_file(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY - timedelta(days=5))
    with pytest.raises(DateBeforeCase, match="before fact") as e:
        app.send_hearing(
            SendHearing(
                proposal_id=prop,
                hearing_id=uuid.uuid4(),
                party_id=member.id,
                fact_ids=(fact,),
                deadline=TODAY + timedelta(days=30),
                sent_on=TODAY - timedelta(days=6),
            ),
            officer,
        )
    assert e.value.rule == "date-before-case"
    with pytest.raises(DateInFuture):
        app.send_hearing(
            SendHearing(
                proposal_id=prop,
                hearing_id=uuid.uuid4(),
                party_id=member.id,
                fact_ids=(fact,),
                deadline=FUTURE + timedelta(30),
                sent_on=FUTURE,
            ),
            officer,
        )
    with pytest.raises(DateInFuture):
        app.record_fact(
            RecordFact(
                proposal_id=prop,
                fact_id=uuid.uuid4(),
                summary="Later survey",
                adverse=True,
                essential=True,
                known_to_party=False,
                noted_on=FUTURE,
            ),
            officer,
        )


def test_an_adverse_decision_on_an_unanswered_hearing_waits_for_its_deadline(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY - timedelta(days=30))
    hearing, sent = uuid.uuid4(), TODAY - timedelta(days=20)
    deadline = sent + timedelta(days=14)
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=deadline,
            sent_on=sent,
        ),
        officer,
    )
    before = event_count(app)
    for on in (sent, deadline):
        with pytest.raises(HearingPending, match=str(hearing)) as e:
            app.decide(
                Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=on),
                officer,
            )
        assert e.value.rule == "hearing-pending"
        assert isinstance(e.value, HearingRequired)  # still the party-hearing family: 409
    assert event_count(app) == before
    app.decide(
        Decide(
            proposal_id=prop,
            outcome=Out.REJECTED,
            record=record(fact),
            decided_on=deadline + timedelta(days=1),
        ),
        officer,
    )
    assert app.get_proposal(prop).status == "rejected"


def test_a_decision_cannot_predate_its_facts_or_hearings_nor_lie_in_the_future(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    noted = TODAY - timedelta(days=30)
    prop, fact = case(app, officer, member, council_id, noted)
    app.exempt_from_hearing(
        ExemptFromHearing(
            proposal_id=prop, fact_ids=(fact,), justification="Urgency, fvl. §19(2) nr. 2"
        ),
        officer,
    )
    before = event_count(app)
    with pytest.raises(DateBeforeCase, match="before fact") as e:
        app.decide(
            Decide(
                proposal_id=prop,
                outcome=Out.REJECTED,
                record=record(fact),
                decided_on=date(2000, 1, 1),
            ),
            officer,
        )
    assert e.value.rule == "date-before-case"
    with pytest.raises(DateInFuture):
        app.decide(
            Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=FUTURE),
            officer,
        )
    assert event_count(app) == before
    did = app.decide(
        Decide(proposal_id=prop, outcome=Out.REJECTED, record=record(fact), decided_on=noted),
        officer,
    ).aggregate_id
    with pytest.raises(DateInFuture):
        app.revoke_decision(
            RevokeDecision(
                decision_id=did, reason="Wrong committee", record=record(fact), decided_on=FUTURE
            ),
            officer,
        )


def test_a_decision_cannot_rely_on_a_hearing_sent_after_it(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    prop, fact = case(app, officer, member, council_id, TODAY - timedelta(days=60))
    hearing, sent = uuid.uuid4(), TODAY - timedelta(days=30)
    app.send_hearing(
        SendHearing(
            proposal_id=prop,
            hearing_id=hearing,
            party_id=member.id,
            fact_ids=(fact,),
            deadline=sent + timedelta(14),
            sent_on=sent,
        ),
        officer,
    )
    app.record_hearing_answer(
        RecordHearingAnswer(
            proposal_id=prop,
            hearing_id=hearing,
            answered_on=sent + timedelta(days=3),
            response_ref="Journal 4",
        ),
        officer,
    )
    with pytest.raises(DateBeforeCase, match=str(hearing)):
        app.decide(
            Decide(
                proposal_id=prop,
                outcome=Out.REJECTED,
                record=record(fact),
                decided_on=sent - timedelta(days=1),
            ),
            officer,
        )
    app.decide(
        Decide(
            proposal_id=prop,
            outcome=Out.REJECTED,
            record=record(fact),
            decided_on=sent + timedelta(days=3),
        ),
        officer,
    )


def test_every_date_rule_is_a_date_rule_violation() -> None:
    for cls in (HearingPeriodTooShort, AnswerBeforeHearing, DateBeforeCase, DateInFuture):
        assert issubclass(cls, DateRuleViolation)
    names = {c.rule for c in (HearingPeriodTooShort, AnswerBeforeHearing, DateBeforeCase)}
    assert names == {"hearing-period", "answer-before-hearing", "date-before-case"}


def _v1(topic: type, proposal_id: UUID, version: int, fields: dict, officer: Actor) -> StoredEvent:
    state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2019-03-01T23:30:00-02:00"},
        "actor": {
            "_type_": "actor",
            "_data_": {
                "id": {"_type_": "uuid_hex", "_data_": officer.id.hex},
                "role": {"_type_": "role", "_data_": "council_officer"},
                "organisation_id": None,
            },
        },
        **fields,
    }
    return StoredEvent(proposal_id, version, get_topic(topic), json.dumps(state).encode())


def test_version_1_facts_and_hearings_load_with_their_recording_date(
    store_app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    """FactRecorded and HearingSent gained noted_on / sent_on; old rows get the UTC date."""
    _, (prop,) = at_decision(store_app, officer, member, council_id)
    version = store_app.get_proposal(prop).version
    fact, hearing = uuid.uuid4(), uuid.uuid4()
    uid = lambda u: {"_type_": "uuid_hex", "_data_": u.hex}  # noqa: E731
    fact_fields = {
        "fact_id": uid(fact),
        "summary": "Old survey",
        "adverse": True,
        "essential": True,
        "known_to_party": False,
    }
    hearing_fields = {
        "hearing_id": uid(hearing),
        "party_id": uid(member.id),
        "fact_ids": [uid(fact)],
        "deadline": {"_type_": "date_iso", "_data_": "2019-03-20"},
    }
    store_app.recorder.insert_events(
        [
            _v1(Proposal.FactRecorded, prop, version + 1, fact_fields, officer),
            _v1(Proposal.HearingSent, prop, version + 2, hearing_fields, officer),
        ]
    )
    loaded = store_app.get_proposal(prop)
    # 2019-03-01 23:30 at -02:00 is 2019-03-02 01:30 UTC
    assert loaded.facts[fact].noted_on == date(2019, 3, 2)
    assert loaded.hearings[hearing].sent_on == date(2019, 3, 2)
    assert loaded.hearings[hearing].deadline == date(2019, 3, 20)
