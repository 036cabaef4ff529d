"""A council's steps are batch-shaped: putting an agenda on, casting a ballot over it and tallying
it issue as many statements for thirty nominations as for one (issue 13 §1). Moving the
nominations is `workflow.apply_many`'s work, measured by its own tests: here it is called once
for the whole batch (once per outcome in the tally), and its statements are not counted."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models import audit, voting
from models.access import load_actor
from models.councils import Attendance, BallotCast, BallotEntry, Choice, SessionItem, TallyResult
from models.errors import InvalidInput
from models.nominations import Nomination, State
from models.org import Role
from models.workflow import apply_many, submit
from tests.factories import NOW, close_and_tally, grant, history, person
from tests.test_workflow import draft, meet, report


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    batches: list[tuple[str, int]] = field(default_factory=list)  # (action, size) per apply_many


@contextmanager
def counted(monkeypatch) -> Iterator[Counted]:
    """The statements a council step issues itself, and the batches it hands to the step function."""
    seen, inside = Counted(), []

    def record(_conn, _cursor, statement, *_args):
        if not inside:
            seen.statements.append(" ".join(statement.split()))

    def step_function(session, nominations, action, actor, **options):
        seen.batches.append((action, len(nominations)))
        inside.append(action)
        try:
            return apply_many(session, nominations, action, actor, **options)
        finally:
            inside.pop()

    monkeypatch.setattr(voting, "apply_many", step_function)
    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def accepted(session, prov, count: int, tag: str):
    """`count` workers of the same record, nominated for Lao động tiên tiến, submitted and accepted."""
    nominations = []
    for i in range(count):
        key = f"{tag}:{i}"
        prov.people[key] = person(session, f"Chuyên viên {tag} {i + 1}", prov.units["ns"])
        years = range(2021, 2026)
        history(session, prov.people[key], dict.fromkeys(years, "HTT"), {y: ["LDTT"] for y in years[:-1]})
        nominations.append(draft(session, prov, key=key))
    for n in nominations:
        report(session, prov, n)
    submit(session, prov.actors["officer"], nominations, now=NOW)
    apply_many(session, nominations, "accept", prov.actors["unit_secretariat"], now=NOW)
    return nominations


def council_round(session, prov, monkeypatch, size: int, tag: str):
    """One meeting of the unit council over `size` nominations, each step counted: every member
    present and for, but the last member, against the first nominee."""
    nominations = accepted(session, prov, size, tag)
    secretariat = prov.actors["unit_secretariat"]
    with counted(monkeypatch) as agenda:
        meeting = meet(session, prov, "stc", nominations)
    members = prov.members["stc"]
    voting.record_attendances(
        session, secretariat, meeting.id, [voting.Presence(m.id, True) for m in members]
    )
    for m in members:
        choices = {n.id: Choice.YES for n in nominations}
        if m is members[-1]:
            choices[nominations[0].id] = Choice.NO
        voter = load_actor(session, m.person_id)
        session.expunge_all()  # each ballot, and the tally, read what they need afresh, as a request or a flow
        with counted(monkeypatch) as ballot:
            voting.cast_ballot(session, voter, meeting.id, choices)
    session.expunge_all()
    with counted(monkeypatch) as tally:
        close_and_tally(session, secretariat, meeting.id, NOW)
    return {"agenda": agenda, "ballot": ballot, "tally": tally}, meeting, nominations


def test_a_council_meeting_costs_as_many_statements_for_thirty_nominations_as_for_one(
    session, province, monkeypatch
):
    one, _, _ = council_round(session, province, monkeypatch, 1, "one")
    thirty, _, _ = council_round(session, province, monkeypatch, 30, "thirty")
    for step in ("agenda", "ballot", "tally"):
        assert len(thirty[step].statements) == len(one[step].statements), step
    assert one["agenda"].batches == [("schedule", 1)] and thirty["agenda"].batches == [("schedule", 30)]
    assert one["ballot"].batches == thirty["ballot"].batches == []
    # 4 of 5 for the first nominee, 5 of 5 for the others: one batch for each wording
    assert one["tally"].batches == [("recommend", 1)]
    assert sorted(thirty["tally"].batches) == [("recommend", 1), ("recommend", 29)]


def test_each_nominee_moves_with_its_own_count_and_the_ballots_stay_secret(session, province, monkeypatch):
    _, meeting, nominations = council_round(session, province, monkeypatch, 2, "two")
    first, second = (session.get(Nomination, n.id) for n in nominations)
    assert first.state is second.state is State.RECOMMENDED
    assert "4/5 phiếu đồng ý" in audit.trail(session, "nomination", first.id)[-1].reason
    assert "5/5 phiếu đồng ý" in audit.trail(session, "nomination", second.id)[-1].reason
    results = session.exec(select(TallyResult).where(TallyResult.session_id == meeting.id)).all()
    assert sorted((r.nomination_id, r.yes, r.no) for r in results) == [(first.id, 4, 1), (second.id, 5, 0)]
    entries = session.exec(select(BallotEntry).where(BallotEntry.session_id == meeting.id)).all()
    assert len(entries) == 10 and {e.member_id for e in entries} == {None}  # LĐTT: a secret ballot
    assert len(session.exec(select(BallotCast).where(BallotCast.session_id == meeting.id)).all()) == 5
    assert audit.verify(session) is None


def test_an_agenda_with_one_nomination_of_another_level_is_refused_whole(session, province):
    here = accepted(session, province, 2, "here")
    home_affairs = province.units["snv"]
    province.people["away"] = person(session, "Chuyên viên ở Sở Nội vụ", home_affairs)
    grant(session, province.people["officer"], Role.UNIT_OFFICER, home_affairs)
    session.flush()
    province.actors["officer"] = load_actor(session, province.people["officer"].id)
    elsewhere = draft(session, province, key="away", unit="snv")
    with pytest.raises(InvalidInput, match=f"#{elsewhere.id} không thuộc cấp"):
        meet(session, province, "stc", [*here, elsewhere])
    assert {n.state for n in here} == {State.ACCEPTED}
    assert session.exec(select(SessionItem)).all() == []


def test_attendance_of_many_members_is_recorded_at_once_and_refused_whole(session, province):
    (n,) = accepted(session, province, 1, "att")
    meeting = meet(session, province, "stc", [n])
    secretariat, members = province.actors["unit_secretariat"], province.members["stc"]
    stranger = province.members["province"][0]
    marks = [voting.Presence(m.id, True) for m in members]
    with pytest.raises(InvalidInput, match=f"#{stranger.id} không phải ủy viên"):
        voting.record_attendances(
            session, secretariat, meeting.id, [*marks, voting.Presence(stranger.id, True)]
        )
    assert session.exec(select(Attendance)).all() == []
    voting.record_attendances(session, secretariat, meeting.id, marks)
    voting.record_attendances(session, secretariat, meeting.id, [voting.Presence(members[0].id, False, True)])
    rows = {a.member_id: (a.present, a.written_opinion) for a in session.exec(select(Attendance))}
    assert rows == {m.id: (True, False) for m in members[1:]} | {members[0].id: (False, True)}
    events = [e for e in audit.trail(session, "council_session", meeting.id) if e.action == "attendance"]
    assert len(events) == len(members) + 1
