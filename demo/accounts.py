"""The demo's accounts: one for each role held at each unit (the unit officer, the secretariat,
the authority — at the grassroots units, the departments, the province, the ministry and the
central level), a member of each council, and an administrator. Their passwords follow from the
seed, so each run prints the same ones; the summary lists them."""

import random
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.access import Actor, today
from models.accounts import ALPHABET, create_user
from models.councils import Council, CouncilMember, Position
from models.org import Membership, Person, Role, RoleGrant, Unit, UnitKind

# role → (the username's suffix, the label the summary shows)
ROLES = {
    Role.UNIT_OFFICER: ("canbo", "Cán bộ thi đua"),
    Role.SECRETARIAT: ("thuongtruc", "Thường trực TĐKT"),
    Role.AUTHORITY: ("lanhdao", "Lãnh đạo (ký)"),
    Role.ADMIN: ("quantri", "Quản trị hệ thống"),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    name: str
    role: str
    unit: str


def password_for(username: str, seed: int) -> str:
    rng = random.Random(f"{seed}:{username}")
    return "".join(rng.choice(ALPHABET) for _ in range(12))


def seed_accounts(session: Session, seed: int) -> list[DemoAccount]:
    # the administrator, seeded as the province's people are, creates the accounts
    province = session.exec(select(Unit).where(Unit.kind == UnitKind.PROVINCE)).first()
    admin = Person(full_name="Quản trị hệ thống")
    session.add(admin)
    session.flush()
    session.add(
        Membership(person_id=admin.id, unit_id=province.id, post="Quản trị hệ thống", start_on=today())
    )
    session.add(RoleGrant(person_id=admin.id, role=Role.ADMIN, unit_id=province.id))
    actor = Actor(admin.id, admin.full_name)
    made: list[DemoAccount] = []
    given: dict[int, str] = {}  # person → username

    def account(person: Person, username: str, label: str, unit: Unit) -> None:
        password = password_for(username, seed)
        create_user(session, actor, username, person.id, password)
        made.append(DemoAccount(username, password, person.full_name, label, unit.name))
        given[person.id] = username

    grants = session.exec(
        select(RoleGrant, Person, Unit)
        .join(Person, col(Person.id) == RoleGrant.person_id)
        .join(Unit, col(Unit.id) == RoleGrant.unit_id)
        .order_by(col(Unit.id), col(RoleGrant.id))
    ).all()
    for grant, person, unit in grants:
        suffix, label = ROLES.get(grant.role, (grant.role.value, grant.role.value))
        username = "quantri" if grant.role is Role.ADMIN else f"{unit.code.lower()}.{suffix}"
        if person.id not in given and username not in given.values():
            account(person, username, label, unit)
    councils = session.exec(select(Council, Unit).join(Unit).order_by(col(Council.id))).all()
    for council, unit in councils:
        members = session.exec(
            select(Person)
            .join(CouncilMember, col(CouncilMember.person_id) == Person.id)
            .where(CouncilMember.council_id == council.id, CouncilMember.position == Position.MEMBER)
            .order_by(col(CouncilMember.id))
        ).all()
        free = [p for p in members if p.id not in given]
        if free:
            account(free[0], f"hoidong.{unit.code.lower()}", "Thành viên Hội đồng", unit)
        else:  # every member already has an account: the first one's serves here too
            username = given[members[0].id]
            password = password_for(username, seed)
            made.append(
                DemoAccount(username, password, members[0].full_name, "Thành viên Hội đồng", unit.name)
            )
    return made
