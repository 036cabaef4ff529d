"""Granting a person a role at a unit, for the dates it holds, or a seat on a council; and what a
person holds. Every grant and its end is in the audit log."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlmodel import Session, col, select

from models import audit
from models.access import Actor, today
from models.councils import Council, CouncilMember
from models.errors import InvalidInput, NotFound
from models.org import Person, Role, RoleGrant, Unit

COUNCIL_MEMBER = "council_member"  # a seat on a council, granted like a role


@dataclass(frozen=True)
class Grant:
    """A role at a unit, or a council seat (`kind` "council": its id is the membership's)."""

    id: int
    kind: Literal["role", "council"]
    person_id: int
    role: str
    unit_id: int
    unit_name: str
    council_id: int | None
    council_name: str | None
    valid_from: date | None
    valid_to: date | None
    in_force: bool


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"Không có người #{person_id}", field="person_id")
    return person


def _dates(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput(
            "Ngày kết thúc phải sau ngày bắt đầu (valid_to before valid_from)", field="valid_to"
        )


def grant_role(
    session: Session,
    actor: Actor,
    person_id: int,
    role: Role,
    unit_id: int,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleGrant:
    _person(session, person_id)
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"Không có đơn vị #{unit_id}", field="unit_id")
    _dates(valid_from, valid_to)
    grant = RoleGrant(
        person_id=person_id, role=role, unit_id=unit_id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(grant)
    session.flush()
    data = {
        "person": person_id,
        "role": role.value,
        "unit": unit_id,
        "from": str(valid_from),
        "to": str(valid_to),
    }
    audit.record(session, actor, "grant_role", "role_grant", grant.id, data=data)
    return grant


def end_grant(session: Session, actor: Actor, grant_id: int, valid_to: date) -> RoleGrant:
    """The role holds through `valid_to` and no longer: yesterday ends it now, the day before it
    begins cancels it."""
    grant = session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(f"Không có quyền #{grant_id}")
    if grant.valid_from and (grant.valid_from - valid_to).days > 1:
        raise InvalidInput(
            f"Quyền bắt đầu từ {grant.valid_from:%d/%m/%Y}: kết thúc sớm nhất ngày hôm trước (huỷ quyền)",
            field="valid_to",
        )
    grant.valid_to = valid_to
    session.add(grant)
    audit.record(session, actor, "end_grant", "role_grant", grant.id, data={"to": str(valid_to)})
    return grant


def join_council(
    session: Session, actor: Actor, person_id: int, council_id: int, valid_from: date | None = None
) -> CouncilMember:
    """A seat on a council, from today: a seat carries no dates of its own, only whether it is held."""
    _person(session, person_id)
    if session.get(Council, council_id) is None:
        raise NotFound(f"Không có Hội đồng #{council_id}", field="council_id")
    if valid_from and valid_from > today():
        raise InvalidInput(
            "Thành viên Hội đồng có hiệu lực ngay: không đặt trước ngày bắt đầu (council seats start now)",
            field="valid_from",
        )
    seat = session.exec(
        select(CouncilMember).where(
            CouncilMember.council_id == council_id, CouncilMember.person_id == person_id
        )
    ).first() or CouncilMember(council_id=council_id, person_id=person_id)
    seat.active = True
    session.add(seat)
    session.flush()
    audit.record(session, actor, "join_council", "council_member", seat.id, data={"council": council_id})
    return seat


def leave_council(session: Session, actor: Actor, member_id: int, valid_to: date) -> CouncilMember:
    seat = session.get(CouncilMember, member_id)
    if seat is None:
        raise NotFound(f"Không có thành viên Hội đồng #{member_id}")
    if valid_to > today():
        raise InvalidInput(
            "Thành viên Hội đồng chỉ kết thúc từ hôm nay trở về trước (a seat ends now, not later)",
            field="valid_to",
        )
    seat.active = False
    session.add(seat)
    audit.record(session, actor, "leave_council", "council_member", seat.id, data={"to": str(valid_to)})
    return seat


def grants_of(session: Session, person_id: int) -> list[Grant]:
    """Every role the person was, is or will be granted, and every council seat they held."""
    day = today()
    roles = session.exec(
        select(RoleGrant, Unit)
        .join(Unit, col(Unit.id) == RoleGrant.unit_id)
        .where(RoleGrant.person_id == person_id)
        .order_by(col(RoleGrant.id))
    )
    seats = session.exec(
        select(CouncilMember, Council, Unit)
        .join(Council, col(Council.id) == CouncilMember.council_id)
        .join(Unit, col(Unit.id) == Council.unit_id)
        .where(CouncilMember.person_id == person_id)
        .order_by(col(CouncilMember.id))
    )
    return [
        Grant(
            g.id,
            "role",
            person_id,
            g.role,
            u.id,
            u.name,
            None,
            None,
            g.valid_from,
            g.valid_to,
            g.active_on(day),
        )
        for g, u in roles
    ] + [
        Grant(m.id, "council", person_id, COUNCIL_MEMBER, u.id, u.name, c.id, c.name, None, None, m.active)
        for m, c, u in seats
    ]
