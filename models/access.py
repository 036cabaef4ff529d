"""Who is acting: a person with roles scoped to units, or the system on a flow's behalf."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models.councils import Council, CouncilMember
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
    """The person with the grants in force on `day` (today in Vietnam) and the councils they sit on."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"person {person_id} does not exist")
    grants = session.exec(
        select(RoleGrant.role, RoleGrant.unit_id).where(
            RoleGrant.person_id == person_id, RoleGrant.in_force(day or today())
        )
    )
    councils = session.exec(
        select(Council.id)
        .join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.person_id == person_id, CouncilMember.active)
    )
    return Actor(
        person_id,
        person.full_name,
        frozenset((Role(role), unit_id) for role, unit_id in grants),
        frozenset(councils),
    )
