"""Council sessions: the agenda, attendance, ballots and the tally by each award's vote rule.

Quorum counts members present in person; absent members may return their ballot as a written
opinion (ý kiến bằng văn bản), which counts as a vote. A rule whose base is "present" divides by
everyone who voted (present + written); "total_members" divides by the whole council.
"""

import random
from datetime import datetime

from sqlmodel import Session, func, select

from models import audit
from models.access import Actor
from models.catalogue import default_catalogue
from models.councils import (
    Attendance,
    BallotCast,
    BallotEntry,
    Choice,
    Council,
    CouncilMember,
    CouncilSession,
    SessionItem,
    SessionState,
    TallyResult,
)
from models.db import utcnow
from models.decide import next_number
from models.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from models.nominations import Nomination
from models.org import Role
from models.routing import Org
from models.workflow import apply, vietnam_today


def _council_of(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"Không có Hội đồng #{council_id}")
    return council


def _open(session: Session, session_id: int) -> CouncilSession:
    meeting = session.get(CouncilSession, session_id)
    if meeting is None:
        raise NotFound(f"Không có phiên họp #{session_id}")
    if meeting.state is not SessionState.OPEN:
        raise IllegalTransition(f"Phiên họp #{session_id} đã kết thúc")
    return meeting


def _require_secretariat(session: Session, actor: Actor, council: Council) -> None:
    if not actor.can(Role.SECRETARIAT, council.unit_id):
        raise Forbidden(f"{actor.name} không phải cơ quan thường trực của {council.name}")


def open_session(
    session: Session,
    actor: Actor,
    council_id: int,
    *,
    held_at: datetime,
    place: str,
    chair_id: int,
    secretary_id: int,
    campaign_id: int | None = None,
) -> CouncilSession:
    council = _council_of(session, council_id)
    _require_secretariat(session, actor, council)
    meeting = CouncilSession(
        council_id=council_id,
        campaign_id=campaign_id,
        held_at=held_at,
        place=place,
        chair_id=chair_id,
        secretary_id=secretary_id,
    )
    session.add(meeting)
    session.flush()
    audit.record(session, actor, "open_session", "council_session", meeting.id, data={"council": council_id})
    return meeting


def add_to_agenda(session: Session, actor: Actor, session_id: int, nominations: list[Nomination]) -> None:
    meeting = _open(session, session_id)
    council = _council_of(session, meeting.council_id)
    org = Org.of(session)
    for n in nominations:
        if n.handling_unit_id != council.unit_id:
            raise InvalidInput(f"Hồ sơ #{n.id} không thuộc cấp của {council.name}")
        apply(session, n, "schedule", actor, org=org)
        session.add(SessionItem(session_id=session_id, nomination_id=n.id))


def record_attendance(
    session: Session,
    actor: Actor,
    session_id: int,
    member_id: int,
    *,
    present: bool,
    written_opinion: bool = False,
) -> None:
    meeting = _open(session, session_id)
    council = _council_of(session, meeting.council_id)
    _require_secretariat(session, actor, council)
    member = session.get(CouncilMember, member_id)
    if member is None or member.council_id != council.id or not member.active:
        raise InvalidInput(f"#{member_id} không phải ủy viên của {council.name}")
    if present and written_opinion:
        raise InvalidInput("Ý kiến bằng văn bản chỉ dành cho ủy viên vắng mặt")
    session.merge(
        Attendance(
            session_id=session_id,
            member_id=member_id,
            present=present,
            written_opinion=written_opinion,
        )
    )
    audit.record(
        session,
        actor,
        "attendance",
        "council_session",
        session_id,
        data={"member": member_id, "present": present, "written": written_opinion},
    )


def _ballot_kind(session: Session, nomination: Nomination, today) -> str:
    org = Org.of(session)
    ruleset = default_catalogue().for_date(today, org.tenant(nomination.unit_id))
    return ruleset.award(nomination.award_code).vote.ballot


def cast_ballot(session: Session, actor: Actor, session_id: int, choices: dict[int, Choice]) -> None:
    """A member's ballot paper: one choice per nominee on the agenda. For a secret ballot only
    *that* the member voted is linked to them; the choices are stored apart, in random order."""
    meeting = _open(session, session_id)
    member = session.exec(
        select(CouncilMember).where(
            CouncilMember.council_id == meeting.council_id,
            CouncilMember.person_id == actor.person_id,
            CouncilMember.active,
        )
    ).first()
    if member is None:
        raise Forbidden(f"{actor.name} không phải ủy viên Hội đồng của phiên họp này")
    attendance = session.get(Attendance, (session_id, member.id))
    if attendance is None or not (attendance.present or attendance.written_opinion):
        raise InvalidInput("Ủy viên chưa được ghi nhận có mặt hoặc gửi ý kiến bằng văn bản")
    if session.exec(
        select(BallotCast).where(BallotCast.session_id == session_id, BallotCast.member_id == member.id)
    ).first():
        raise IllegalTransition(f"{actor.name} đã bỏ phiếu trong phiên họp này")
    agenda = set(session.exec(select(SessionItem.nomination_id).where(SessionItem.session_id == session_id)))
    if set(choices) != agenda:
        raise InvalidInput(
            f"Phiếu phải có ý kiến cho đúng các hồ sơ trong chương trình họp: {sorted(agenda)}"
        )
    session.add(BallotCast(session_id=session_id, member_id=member.id, written=not attendance.present))
    today = vietnam_today(meeting.held_at)
    entries = []
    for nomination_id, choice in choices.items():
        nomination = session.get(Nomination, nomination_id)
        open_ballot = _ballot_kind(session, nomination, today) == "open"
        entries.append(
            BallotEntry(
                session_id=session_id,
                nomination_id=nomination_id,
                choice=Choice(choice),
                member_id=member.id if open_ballot else None,
            )
        )
    random.SystemRandom().shuffle(entries)
    session.add_all(entries)
    audit.record(
        session,
        actor,
        "cast_ballot",
        "council_session",
        session_id,
        data={"written": not attendance.present},
    )


def close_session(
    session: Session, actor: Actor, session_id: int, *, now: datetime | None = None
) -> CouncilSession:
    """The secretariat ends the voting; the tally follows (`tally`, the council_session flow)."""
    meeting = _open(session, session_id)
    council = _council_of(session, meeting.council_id)
    _require_secretariat(session, actor, council)
    meeting.state, meeting.closed_at = SessionState.CLOSED, now or utcnow()
    session.add(meeting)
    ballots = session.exec(select(func.count()).where(BallotCast.session_id == session_id)).one()
    audit.record(
        session, actor, "close_session", "council_session", session_id, data={"ballots": ballots}, at=now
    )
    return meeting


def tally(
    session: Session, actor: Actor, session_id: int, *, now: datetime | None = None
) -> list[TallyResult]:
    """Count every nominee's ballots by the award's vote rule, check the quorum, record the
    results for the minutes and move each nomination on: recommended, or not. A session
    already tallied keeps its results."""
    meeting = session.get(CouncilSession, session_id)
    if meeting is None:
        raise NotFound(f"Không có phiên họp #{session_id}")
    if meeting.state is SessionState.TALLIED:
        return list(session.exec(select(TallyResult).where(TallyResult.session_id == session_id)))
    if meeting.state is not SessionState.CLOSED:
        raise IllegalTransition(f"Phiên họp #{session_id} chưa kết thúc bỏ phiếu")
    council = _council_of(session, meeting.council_id)
    now = now or utcnow()
    members_total = session.exec(
        select(func.count()).where(CouncilMember.council_id == council.id, CouncilMember.active)
    ).one()
    present = session.exec(
        select(func.count()).where(Attendance.session_id == session_id, Attendance.present)
    ).one()
    issued = session.exec(select(func.count()).where(BallotCast.session_id == session_id)).one()
    counts: dict[int, dict[Choice, int]] = {}
    for nomination_id, choice, count in session.exec(
        select(BallotEntry.nomination_id, BallotEntry.choice, func.count())
        .where(BallotEntry.session_id == session_id)
        .group_by(BallotEntry.nomination_id, BallotEntry.choice)
    ):
        counts.setdefault(nomination_id, {})[Choice(choice)] = count
    org = Org.of(session)
    today = vietnam_today(meeting.held_at)
    results = []
    items = session.exec(select(SessionItem.nomination_id).where(SessionItem.session_id == session_id)).all()
    for nomination_id in sorted(items):
        nomination = session.get(Nomination, nomination_id)
        rule = (
            default_catalogue()
            .for_date(today, org.tenant(nomination.unit_id))
            .award(nomination.award_code)
            .vote
        )
        yes, no = (counts.get(nomination_id, {}).get(choice, 0) for choice in (Choice.YES, Choice.NO))
        quorum_met, passed, base = rule.decide(members_total, present, issued, yes)
        result = TallyResult(
            session_id=session_id,
            nomination_id=nomination_id,
            members_total=members_total,
            present=present,
            ballots_issued=issued,
            valid=yes + no,
            yes=yes,
            no=no,
            base=base,
            threshold=rule.threshold_text,
            quorum_met=quorum_met,
            passed=passed,
        )
        session.add(result)
        results.append(result)
        share = f"{yes}/{base} phiếu đồng ý, ngưỡng {rule.threshold_text}"
        if passed:
            apply(session, nomination, "recommend", actor, reason=share, now=now, org=org)
        else:
            why = share if quorum_met else f"Không đủ số thành viên dự họp ({present}/{members_total})"
            apply(session, nomination, "not_recommend", actor, reason=why, now=now, org=org)
    # the council numbers its minutes in its own series (Decree 30/2020 App. I §II.3(a))
    meeting.number = next_number(session, council.unit_id, vietnam_today(meeting.closed_at).year, "BB")
    meeting.symbol, meeting.state = "BB-HĐTĐKT", SessionState.TALLIED
    session.add(meeting)
    facts = {"members": members_total, "present": present, "ballots": issued, "minutes": meeting.number}
    audit.record(session, actor, "tally", "council_session", session_id, data=facts, at=now)
    return results
