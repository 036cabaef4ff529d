"""Council sessions: the agenda, attendance, ballots and the tally by each award's vote rule.

Quorum counts members present in person; absent members may return their ballot as a written
opinion (ý kiến bằng văn bản), which counts as a vote. A rule whose base is "present" divides by
everyone who voted (present + written); "total_members" divides by the whole council.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from models import audit, route, sight
from models.access import Actor
from models.campaigns import Campaign
from models.catalogue import VoteRule, default_catalogue
from models.councils import (
    Attendance,
    BallotCast,
    BallotEntry,
    Choice,
    Council,
    CouncilMember,
    CouncilSession,
    SessionItem,
    TallyResult,
)
from models.db import insert_rows, utcnow
from models.decide import next_number
from models.errors import GuardFailed, InvalidInput, NotFound
from models.guards import official_date, vietnam_today
from models.nominations import WITHOUT_VERDICT, Nomination
from models.org import Person, Unit
from models.route import COUNCIL_SESSION, Step
from models.routing import Org
from models.text import nfc
from models.workflow import apply_many

MEETING_AHEAD_DAYS = 90  # a meeting may be convened this far ahead


def _council_of(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"Không có Hội đồng #{council_id}")
    return council


def _meeting(
    session: Session, step: Step, actor: Actor, session_id: int
) -> tuple[CouncilSession, Council, bool]:
    """The session for a step, its row locked until the step commits (of two people closing it at
    once, the second reads what the first wrote), after checking who may and that its state
    allows; and whether the step is still to take (`route.leave`)."""
    meeting = session.get(CouncilSession, session_id, with_for_update=True)
    council = meeting and _council_of(session, meeting.council_id)
    if meeting is None or route.hidden(actor, council.unit_id, council.id):
        raise NotFound(f"Không có phiên họp #{session_id}")
    route.authorise(step, actor, council.unit_id, council.name, council.id)
    return meeting, council, route.leave(step, meeting.state, f"phiên họp #{session_id}", once=step.by_system)


def _member(session: Session, council: Council, person_id: int | None, what: str) -> CouncilMember:
    member = session.exec(
        select(CouncilMember).where(
            CouncilMember.council_id == council.id,
            CouncilMember.person_id == person_id,
            CouncilMember.active,
        )
    ).first()
    if member is None:
        raise InvalidInput(f"{what} phải là ủy viên {council.name}", field=what)
    return member


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
    now: datetime | None = None,
) -> CouncilSession:
    """The secretariat convenes the council; the chair and the secretary of the meeting sit on it."""
    step, now = COUNCIL_SESSION["open_session"], now or utcnow()
    council = _council_of(session, council_id)
    if not route.permits(step, actor, council.unit_id) and not sight.sees_council(session, actor, council_id):
        raise NotFound(f"Không có Hội đồng #{council_id}")  # as for one that does not exist
    route.authorise(step, actor, council.unit_id, council.name)
    place = nfc(place).strip()
    if not place:
        raise InvalidInput("Cần ghi địa điểm họp", field="place")
    _member(session, council, chair_id, "chair_id")
    _member(session, council, secretary_id, "secretary_id")
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign_id is not None and campaign is None:
        raise InvalidInput(f"Không có đợt thi đua #{campaign_id}", field="campaign_id")
    earliest = campaign.launched_on if campaign else default_catalogue().in_force_from
    official_date(held_at, now, earliest, "Ngày họp", "held_at", MEETING_AHEAD_DAYS)
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
    audit.record(session, actor, step.action, step.record, meeting.id, data={"council": council_id}, at=now)
    return meeting


def add_to_agenda(session: Session, actor: Actor, session_id: int, nominations: list[Nomination]) -> None:
    """Put accepted nominations on an open meeting's agenda, all or none: one step for the batch
    and its items inserted together."""
    meeting, council, _ = _meeting(session, COUNCIL_SESSION["agenda"], actor, session_id)
    for n in nominations:
        if n.handling_unit_id != council.unit_id:
            raise InvalidInput(f"Hồ sơ #{n.id} không thuộc cấp của {council.name}")
    apply_many(session, nominations, "schedule", actor)
    session.execute(
        sa.insert(SessionItem), [{"session_id": meeting.id, "nomination_id": n.id} for n in nominations]
    )


@dataclass(frozen=True)
class Presence:
    """A member's attendance at a meeting, as the secretariat records it."""

    member_id: int
    present: bool
    written_opinion: bool = False


def record_attendance(
    session: Session,
    actor: Actor,
    session_id: int,
    member_id: int,
    *,
    present: bool,
    written_opinion: bool = False,
) -> None:
    record_attendances(session, actor, session_id, [Presence(member_id, present, written_opinion)])


def record_attendances(session: Session, actor: Actor, session_id: int, marks: list[Presence]) -> None:
    """The attendance of several members at once (a member recorded again is corrected), all or none."""
    step = COUNCIL_SESSION["attendance"]
    meeting, _, _ = _meeting(session, step, actor, session_id)
    ids = [m.member_id for m in marks]
    members = {m.id: m for m in session.exec(select(CouncilMember).where(col(CouncilMember.id).in_(ids)))}
    for mark in marks:
        member = members.get(mark.member_id)
        if member is None or member.council_id != meeting.council_id:
            raise InvalidInput(
                f"#{mark.member_id} không phải ủy viên của Hội đồng họp phiên này", field="member_id"
            )
        if not member.active:
            raise InvalidInput(f"#{mark.member_id} không còn là ủy viên Hội đồng", field="member_id")
        if mark.present and mark.written_opinion:
            raise InvalidInput("Ý kiến bằng văn bản chỉ dành cho ủy viên vắng mặt", field="written_opinion")
    rows = {
        a.member_id: a
        for a in session.exec(
            select(Attendance).where(Attendance.session_id == session_id, col(Attendance.member_id).in_(ids))
        )
    }
    for mark in marks:  # in order: a member recorded twice keeps the last
        row = rows.get(mark.member_id) or Attendance(session_id=session_id, member_id=mark.member_id)
        row.present, row.written_opinion = mark.present, mark.written_opinion
        rows[mark.member_id] = row
        session.add(row)
    changes = [
        audit.Change(
            step.action,
            step.record,
            session_id,
            data={"member": m.member_id, "present": m.present, "written": m.written_opinion},
        )
        for m in marks
    ]
    audit.record_many(session, actor, changes)


def _on_agenda(session_id: int) -> sa.ColumnElement[bool]:
    items = select(SessionItem.nomination_id).where(SessionItem.session_id == session_id)
    return col(Nomination.id).in_(items)


def _vote_rules(session: Session, meeting: CouncilSession, nominations: Iterable) -> dict[int, VoteRule]:
    """Each nomination's vote rule on the meeting's day, looked up once per tenant and award."""
    org, today = Org.of(session), vietnam_today(meeting.held_at)
    rules: dict[tuple[str | None, str], VoteRule] = {}
    of_nomination = {}
    for n in nominations:
        key = (org.tenant(n.unit_id), n.award_code)
        if key not in rules:
            rules[key] = default_catalogue().for_date(today, key[0]).award(n.award_code).vote
        of_nomination[n.id] = rules[key]
    return of_nomination


def guard_attending(session: Session, meeting: CouncilSession, member: CouncilMember) -> None:
    """A member votes in person, or in writing when absent (ý kiến bằng văn bản)."""
    attendance = session.get(Attendance, (meeting.id, member.id))
    if attendance is None or not (attendance.present or attendance.written_opinion):
        raise GuardFailed("not_attending", "Ủy viên chưa được ghi nhận có mặt hoặc gửi ý kiến bằng văn bản")


def guard_first_ballot(session: Session, meeting: CouncilSession, member: CouncilMember) -> None:
    cast = select(BallotCast.id).where(BallotCast.session_id == meeting.id, BallotCast.member_id == member.id)
    if session.exec(cast).first():
        raise GuardFailed("already_voted", "Ủy viên đã bỏ phiếu trong phiên họp này", status=409)


GUARDS = {"attending": guard_attending, "first_ballot": guard_first_ballot}


def cast_ballot(session: Session, actor: Actor, session_id: int, choices: dict[int, Choice]) -> None:
    """A member's ballot paper: one choice per nominee on the agenda. For a secret ballot only
    *that* the member voted is linked to them; the choices are stored apart, in random order."""
    step = COUNCIL_SESSION["cast_ballot"]
    meeting, council, _ = _meeting(session, step, actor, session_id)
    member = _member(session, council, actor.person_id, "person")
    for name in step.guards:
        GUARDS[name](session, meeting, member)
    attendance = session.get(Attendance, (meeting.id, member.id))
    agenda = select(Nomination.id, Nomination.unit_id, Nomination.award_code).where(_on_agenda(session_id))
    rules = _vote_rules(session, meeting, session.exec(agenda))
    if set(choices) != set(rules):
        raise InvalidInput(
            f"Phiếu phải có ý kiến cho đúng các hồ sơ trong chương trình họp: {sorted(rules)}",
            field="choices",
        )
    written = not (attendance and attendance.present)
    session.add(BallotCast(session_id=session_id, member_id=member.id, written=written))
    entries = [
        {
            "id": uuid4().hex,
            "session_id": session_id,
            "nomination_id": nomination_id,
            "choice": Choice(choice),
            "member_id": member.id if rules[nomination_id].ballot == "open" else None,
        }
        for nomination_id, choice in choices.items()
    ]
    random.SystemRandom().shuffle(entries)
    insert_rows(session, BallotEntry, entries)
    audit.record(session, actor, step.action, step.record, session_id, data={"written": written})


def close_session(
    session: Session, actor: Actor, session_id: int, *, now: datetime | None = None
) -> CouncilSession:
    """The secretariat ends the voting; the tally follows (`tally`, the council_session flow)."""
    step = COUNCIL_SESSION["close_session"]
    meeting, _, _ = _meeting(session, step, actor, session_id)
    meeting.state, meeting.closed_at = step.target, now or utcnow()
    session.add(meeting)
    ballots = session.exec(select(func.count()).where(BallotCast.session_id == session_id)).one()
    audit.record(session, actor, step.action, step.record, session_id, data={"ballots": ballots}, at=now)
    return meeting


def tally(
    session: Session, actor: Actor, session_id: int, *, now: datetime | None = None
) -> list[TallyResult]:
    """Count every nominee's ballots by the award's vote rule, check the quorum, record the
    results for the minutes and move each nomination on: recommended, or not. A session
    already tallied keeps its results."""
    step = COUNCIL_SESSION["tally"]
    meeting, council, to_take = _meeting(session, step, actor, session_id)
    if not to_take:
        return list(session.exec(select(TallyResult).where(TallyResult.session_id == session_id)))
    now = now or utcnow()
    members_total = session.exec(
        select(func.count()).where(CouncilMember.council_id == council.id, CouncilMember.active)
    ).one()
    present = session.exec(
        select(func.count()).where(Attendance.session_id == session_id, Attendance.present)
    ).one()
    # Ballots are handed out to the members present; an absent member's written opinion is
    # counted apart and adds to the voters (the minutes report both).
    cast = dict(
        session.exec(
            select(BallotCast.written, func.count())
            .where(BallotCast.session_id == session_id)
            .group_by(BallotCast.written)
        ).all()
    )
    issued, written = cast.get(False, 0), cast.get(True, 0)
    counts: dict[int, dict[Choice, int]] = {}
    for nomination_id, choice, count in session.exec(
        select(BallotEntry.nomination_id, BallotEntry.choice, func.count())
        .where(BallotEntry.session_id == session_id)
        .group_by(BallotEntry.nomination_id, BallotEntry.choice)
    ):
        counts.setdefault(nomination_id, {})[Choice(choice)] = count
    results, outcomes = [], {}
    agenda = select(Nomination).where(_on_agenda(session_id)).order_by(col(Nomination.id))
    nominations = session.exec(agenda.options(WITHOUT_VERDICT)).all()
    rules = _vote_rules(session, meeting, nominations)
    for nomination in nominations:
        rule = rules[nomination.id]
        yes, no = (counts.get(nomination.id, {}).get(choice, 0) for choice in (Choice.YES, Choice.NO))
        quorum_met, passed, base = rule.decide(members_total, present, issued + written, yes)
        results.append(
            TallyResult(
                session_id=session_id,
                nomination_id=nomination.id,
                members_total=members_total,
                present=present,
                ballots_issued=issued,
                written=written,
                valid=yes + no,
                yes=yes,
                no=no,
                base=base,
                threshold=rule.threshold_text,
                quorum_met=quorum_met,
                passed=passed,
            )
        )
        share = f"{yes}/{base} phiếu đồng ý, ngưỡng {rule.threshold_text}"
        if passed:
            outcome = ("recommend", share)
        else:
            why = share if quorum_met else f"Không đủ số thành viên dự họp ({present}/{members_total})"
            outcome = ("not_recommend", why)
        outcomes.setdefault(outcome, []).append(nomination)
    insert_rows(session, TallyResult, [r.model_dump(exclude={"id"}) for r in results])
    # one step per outcome and its wording: as many as the distinct tallies, not as the agenda
    for (action, reason), group in outcomes.items():
        apply_many(session, group, action, actor, reason=reason, now=now)
    # the council numbers its minutes in its own series (Decree 30/2020 App. I §II.3(a))
    meeting.number = next_number(session, council.unit_id, vietnam_today(meeting.closed_at).year, "BB")
    meeting.symbol, meeting.state = "BB-HĐTĐKT", step.target
    session.add(meeting)
    facts = {
        "members": members_total,
        "present": present,
        "ballots": issued,
        "written": written,
        "minutes": meeting.number,
    }
    audit.record(session, actor, step.action, step.record, session_id, data=facts, at=now)
    return results


def named_results(session: Session, session_id: int) -> list[sa.Row]:
    """A tallied session's results with each nominee's name and nominating unit, in one query
    (for the notices to the units)."""
    collective = aliased(Unit)
    query = (
        select(
            TallyResult.nomination_id,
            TallyResult.passed,
            TallyResult.yes,
            TallyResult.base,
            Nomination.unit_id,
            func.coalesce(Person.full_name, collective.name).label("nominee"),
        )
        .join(Nomination, col(Nomination.id) == TallyResult.nomination_id)
        .outerjoin(Person, col(Person.id) == Nomination.person_id)
        .outerjoin(collective, col(collective.id) == Nomination.collective_id)
        .where(TallyResult.session_id == session_id)
        .order_by(col(TallyResult.nomination_id))
    )
    return list(session.exec(query))
