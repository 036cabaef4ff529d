"""Who is acting: a person with roles scoped to units, or the system on a flow's behalf."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from models.councils import CouncilMember
from models.db import utcnow
from models.org import Person, Role, RoleGrant


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    name: str
    grants: frozenset[tuple[Role, int]] = field(default_factory=frozenset)
    councils: frozenset[int] = field(default_factory=frozenset)  # councils they sit on
    system: bool = False
    flow_run_id: str | None = None

    def can(self, role: Role, unit_id: int) -> bool:
        return (role, unit_id) in self.grants or self.is_admin

    @property
    def is_admin(self) -> bool:
        return any(role is Role.ADMIN for role, _ in self.grants)


def system_actor(flow_run_id: str | None = None) -> Actor:
    return Actor(None, "Hệ thống Vinh Danh", system=True, flow_run_id=flow_run_id)


def today() -> date:
    """Today in Vietnam, the day grants are in force on."""
    from models.guards import vietnam_today  # guards' imports need this module first

    return vietnam_today(utcnow())


def load_actor(session: Session, person_id: int, day: date | None = None) -> Actor:
    """The person with the grants in force on `day` (today in Vietnam) and the councils they sit
    on, in one query: every request of the API starts here."""
    no_id = sa.cast(sa.null(), sa.Integer)
    held = (
        select(Person.full_name, RoleGrant.role, RoleGrant.unit_id, no_id)
        .outerjoin(RoleGrant, (RoleGrant.person_id == Person.id) & RoleGrant.in_force(day or today()))
        .where(Person.id == person_id)
    )
    seats = select(sa.null(), sa.null(), no_id, CouncilMember.council_id).where(
        CouncilMember.person_id == person_id, CouncilMember.active
    )
    rows = session.exec(sa.union_all(held, seats)).all()
    name = next((name for name, *_ in rows if name is not None), None)  # the first query's rows
    if name is None:
        raise LookupError(f"person {person_id} does not exist")
    return Actor(
        person_id,
        name,
        frozenset((Role(role), unit_id) for _, role, unit_id, _ in rows if role is not None),
        frozenset(council for *_, council in rows if council is not None),
    )
