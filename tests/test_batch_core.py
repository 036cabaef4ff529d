"""The step core is batch-shaped (issue 13 §1): a step on thirty nominations issues no more SQL
statements than the same step on one — the batch is checked, moved and audited with set-based
queries — and a batch behaves as its items taken one at a time would: all or none, the quota
counting the batch's own nominations as they are admitted."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from models.access import system_actor
from models.audit import Event
from models.dossier import Paper, attach_many
from models.errors import GuardFailed
from models.history import AwardRecord, Rating
from models.nominations import WITHOUT_VERDICT, Nomination, State, by_ids
from models.workflow import Subject, apply_many, forward, nominate_many, propose_upward, submit
from tests.factories import NOW, YEAR, grassroots_fighters_capped, person
from tests.test_case_page import statements
from tests.test_route import DOCX, PAPER
from tests.test_workflow import RULES

BATCH = 30


def staff(session: Session, province, count: int, rating: str = "HTXS") -> list[int]:
    """`count` new people of Phòng Ngân sách, rated for the year."""
    made = []
    for i in range(count):
        p = person(session, f"Cán bộ mới {len(province.people)}-{i}", province.units["ns"])
        session.add(Rating(person_id=p.id, year=YEAR, level=rating))
        made.append(p.id)
    session.flush()
    return made


def drafts(session: Session, province, people: list[int], award: str = "LDTT") -> list[Nomination]:
    """Drafts for these people, each with its achievement report, made and filed as one batch."""
    officer = province.actors["officer"]
    subjects = [Subject(award, person_id=p) for p in people]
    made = nominate_many(session, officer, province.campaign, province.units["stc"].id, subjects, now=NOW)
    papers = [
        Paper("bao_cao_thanh_tich", f"bao_cao_{n.id}.docx", DOCX, PAPER, nomination_id=n.id) for n in made
    ]
    attach_many(session, officer, papers, ruleset=RULES)
    return made


def events(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Event)).one()


def cost(session: Session, step) -> int:
    """The statements a step issues, once what any step reads first (the unit tree, the audit
    chain's head, the calendar) has been read."""
    with statements() as seen:
        step()
    return len(seen)


def test_nominating_thirty_costs_no_more_statements_than_one(session, province):
    officer, unit = province.actors["officer"], province.units["stc"].id
    first, one, many = (
        staff(session, province, 1),
        staff(session, province, 1),
        staff(session, province, BATCH),
    )
    nominate_many(session, officer, province.campaign, unit, [Subject("LDTT", person_id=first[0])], now=NOW)

    def batch(people):
        return lambda: nominate_many(
            session, officer, province.campaign, unit, [Subject("LDTT", person_id=p) for p in people], now=NOW
        )

    assert cost(session, batch(many)) <= cost(session, batch(one))
    made = session.exec(select(Nomination).where(Nomination.person_id.in_(many))).all()
    assert len(made) == BATCH and {n.state for n in made} == {State.DRAFT}


def test_submitting_thirty_costs_no_more_statements_than_one(session, province):
    officer = province.actors["officer"]
    warm, one, many = (drafts(session, province, staff(session, province, k)) for k in (1, 1, BATCH))
    submit(session, officer, warm, now=NOW)
    before = events(session)
    assert cost(session, lambda: submit(session, officer, many, now=NOW)) <= cost(
        session, lambda: submit(session, officer, one, now=NOW)
    )
    assert {n.state for n in many} == {State.SUBMITTED} and len({n.submission_id for n in many}) == 1
    assert events(session) - before == (BATCH + 1) + (1 + 1)  # each batch: its nominations, its Tờ trình


def test_accepting_thirty_costs_no_more_statements_than_one(session, province):
    officer, secretariat = province.actors["officer"], province.actors["unit_secretariat"]
    warm, one, many = (drafts(session, province, staff(session, province, k)) for k in (1, 1, BATCH))
    for batch in (warm, one, many):
        submit(session, officer, batch, now=NOW)
    apply_many(session, warm, "accept", secretariat, now=NOW)
    assert cost(session, lambda: apply_many(session, many, "accept", secretariat, now=NOW)) <= cost(
        session, lambda: apply_many(session, one, "accept", secretariat, now=NOW)
    )
    assert {n.state for n in many} == {State.ACCEPTED}
    trail = session.exec(select(Event.entity_id).where(Event.action == "accept")).all()
    assert set(trail) >= {n.id for n in many}


def test_forwarding_thirty_costs_no_more_statements_than_one(session, province):
    """A signed Tờ trình carries its nominations to the province: loaded with one query, moved in one."""
    head = province.actors["director"]
    batches = [drafts(session, province, staff(session, province, k), "BK_TINH") for k in (1, 1, BATCH)]
    signed = []
    for batch in batches:
        for n in batch:  # recommended by the unit's council: put there directly
            n.state = State.RECOMMENDED
        session.flush()
        signed.append(propose_upward(session, head, batch, signed_on=NOW.date(), now=NOW).id)
    later = NOW + timedelta(hours=1)
    forward(session, system_actor(), signed[0], now=later)
    assert cost(session, lambda: forward(session, system_actor(), signed[2], now=later)) <= cost(
        session, lambda: forward(session, system_actor(), signed[1], now=later)
    )
    assert {(n.state, n.level, n.handling_unit_id) for n in batches[2]} == {
        (State.SUBMITTED, 1, province.units["province"].id)
    }
    assert forward(session, system_actor(), signed[2], now=later) == []  # carried once


def test_a_batch_with_one_refused_nomination_moves_none_and_names_it(session, province):
    officer = province.actors["officer"]
    batch = drafts(session, province, staff(session, province, 3))
    weak = staff(session, province, 1, rating="HT")  # completed its tasks: no Lao động tiên tiến
    batch.insert(1, drafts(session, province, weak)[0])
    before = events(session)
    with pytest.raises(GuardFailed, match="Không đủ điều kiện") as refusal, session.begin_nested():
        submit(session, officer, batch, now=NOW)
    assert refusal.value.code == "ineligible"
    assert {n.state for n in batch} == {State.DRAFT} and events(session) == before


def test_a_batch_counts_its_own_nominations_toward_the_quota_as_they_are_admitted(session, province):
    """As one at a time: the advanced workers ahead of a fighter in the batch are in the pool it
    is a share of (5 nominated + 2 holding LĐTT = 7 → 15 % = 1 fighter); those behind it are not."""
    officer = province.actors["officer"]
    with grassroots_fighters_capped("15/100"):
        workers = drafts(session, province, staff(session, province, 5))
        first, second = drafts(session, province, staff(session, province, 2), "CSTDCS")
        with pytest.raises(GuardFailed, match="tối đa 0"), session.begin_nested():
            submit(session, officer, [first, *workers], now=NOW)
        with pytest.raises(GuardFailed, match="tối đa 1") as refusal, session.begin_nested():
            submit(session, officer, [*workers, first, second], now=NOW)
        assert refusal.value.details == {"limit": 1, "taken": 1}
        submit(session, officer, [*workers, first], now=NOW)
    assert {n.state for n in [*workers, first]} == {State.SUBMITTED} and second.state is State.DRAFT


def test_the_quota_pool_counts_an_award_recorded_earlier_in_the_same_transaction(session, province):
    """The pool's holders are read once per transaction, and again once an award is recorded."""
    officer = province.actors["officer"]

    def advanced_workers(count: int) -> None:  # holding Lao động tiên tiến for the year already
        for person_id in staff(session, province, count):
            session.add(AwardRecord(person_id=person_id, year=YEAR, code="LDTT", decision_number="01/QĐ-X"))

    with grassroots_fighters_capped("15/100"):
        first, second = drafts(session, province, staff(session, province, 2), "CSTDCS")
        advanced_workers(5)  # with the fighter and the veteran: 7 → 15 % = 1
        submit(session, officer, [first], now=NOW)
        advanced_workers(7)  # 14 → 2
        submit(session, officer, [second], now=NOW)
    assert second.state is State.SUBMITTED


def test_nominations_read_by_id_come_in_the_order_asked_in_one_query_a_chunk(session, province):
    made = drafts(session, province, staff(session, province, 3))
    ids = [made[2].id, 10**9, made[0].id, made[1].id]  # one that does not exist
    session.expunge_all()
    with statements() as seen:
        found = by_ids(session, ids)
    assert [n.id for n in found] == [made[2].id, made[0].id, made[1].id]
    assert len(seen) == 1
    assert "verdict" not in sa.inspect(found[0]).unloaded
    session.expunge_all()
    light = by_ids(session, [made[0].id], WITHOUT_VERDICT)[0]
    assert "verdict" in sa.inspect(light).unloaded  # read only when asked for
    assert light.verdict == made[0].verdict
