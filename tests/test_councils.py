"""Council sessions: secret ballots kept apart from voters, written opinions, quorum, thresholds."""

from fractions import Fraction

import pytest
from sqlmodel import select

from models.access import load_actor
from models.catalogue import VoteRule
from models.councils import BallotCast, BallotEntry, Choice
from models.errors import Forbidden, GuardFailed, InvalidInput
from models.voting import cast_ballot, record_attendance
from models.workflow import apply, submit
from tests.factories import NOW, close_and_tally
from tests.test_workflow import draft, meet, report

FIGHTER = VoteRule("fighter", "secret", "total_members", Fraction(9, 10), False, Fraction(2, 3))
MAJORITY = VoteRule("grassroots", "secret", "present", Fraction(1, 2), True, Fraction(2, 3))


@pytest.mark.parametrize(
    ("rule", "members", "present", "voters", "yes", "passed"),
    [
        (FIGHTER, 11, 11, 11, 10, True),  # 10/11 = 90.9% ≥ 90% of all members
        (FIGHTER, 11, 11, 11, 9, False),  # 81.8%
        (FIGHTER, 10, 10, 10, 9, True),  # exactly 90%
        (FIGHTER, 11, 8, 11, 10, True),  # quorum 8/11 ≥ 2/3; absent members wrote in
        (FIGHTER, 11, 7, 7, 7, False),  # quorum 7/11 < 2/3
        (MAJORITY, 7, 6, 6, 3, False),  # half is not more than half
        (MAJORITY, 7, 6, 7, 4, True),  # one written opinion counts as a voter
    ],
)
def test_vote_rule_uses_exact_fractions(rule, members, present, voters, yes, passed):
    assert rule.decide(members, present, voters, yes)[1] is passed


def on_agenda(session, province, key="good"):
    n = draft(session, province, key=key)
    report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    apply(session, n, "accept", province.actors["unit_secretariat"], now=NOW)
    return n, meet(session, province, "stc", [n])


def test_secret_ballot_stores_no_link_between_member_and_choice(session, province):
    n, meeting = on_agenda(session, province)
    member = province.members["stc"][1]
    record_attendance(session, province.actors["unit_secretariat"], meeting.id, member.id, present=True)
    cast_ballot(session, load_actor(session, member.person_id), meeting.id, {n.id: Choice.NO})
    (cast,) = session.exec(select(BallotCast).where(BallotCast.session_id == meeting.id)).all()
    (entry,) = session.exec(select(BallotEntry).where(BallotEntry.session_id == meeting.id)).all()
    assert cast.member_id == member.id and entry.member_id is None
    assert set(BallotEntry.model_fields) == {"id", "session_id", "nomination_id", "choice", "member_id"}
    assert len(entry.id) == 32  # random, not a sequence that would betray the order of voting


def test_a_member_votes_once_and_only_on_the_agenda(session, province):
    n, meeting = on_agenda(session, province)
    member = province.members["stc"][2]
    voter = load_actor(session, member.person_id)
    record_attendance(session, province.actors["unit_secretariat"], meeting.id, member.id, present=True)
    with pytest.raises(InvalidInput, match="chương trình họp"):
        cast_ballot(session, voter, meeting.id, {n.id: Choice.YES, 999: Choice.YES})
    cast_ballot(session, voter, meeting.id, {n.id: Choice.YES})
    with pytest.raises(GuardFailed, match="đã bỏ phiếu") as twice:
        cast_ballot(session, voter, meeting.id, {n.id: Choice.YES})
    assert twice.value.status == 409


def test_only_members_present_or_writing_in_may_vote(session, province):
    n, meeting = on_agenda(session, province)
    member = province.members["stc"][3]
    record_attendance(session, province.actors["unit_secretariat"], meeting.id, member.id, present=False)
    with pytest.raises(GuardFailed, match="có mặt"):
        cast_ballot(session, load_actor(session, member.person_id), meeting.id, {n.id: Choice.YES})
    with pytest.raises(Forbidden):
        cast_ballot(session, province.actors["officer"], meeting.id, {n.id: Choice.YES})


def test_written_opinion_counts_as_a_vote_but_not_for_quorum(session, province):
    n, meeting = on_agenda(session, province)
    members = province.members["stc"]
    for i, m in enumerate(members):  # 4 present, 1 absent with a written opinion
        record_attendance(
            session,
            province.actors["unit_secretariat"],
            meeting.id,
            m.id,
            present=i < 4,
            written_opinion=i == 4,
        )
    for m in members:
        cast_ballot(session, load_actor(session, m.person_id), meeting.id, {n.id: Choice.YES})
    (result,) = close_and_tally(session, province.actors["unit_secretariat"], meeting.id, NOW)
    # ballots are issued to the 4 present; the written opinion is counted apart, and votes
    assert (result.present, result.ballots_issued, result.written) == (4, 4, 1)
    assert (result.yes, result.base, result.passed) == (5, 5, True)
