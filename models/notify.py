"""Notifications: every person's in-app inbox (and e-mail, when SMTP is configured). A
notification carries a key, so whatever sends it twice — a retry, a second run — sends it once."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from models.access import today
from models.db import utcnow
from models.org import Person, Role, RoleGrant


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    key: str = Field(max_length=200, unique=True)  # what it is about, and for whom
    kind: str = Field(max_length=40)  # intake, council, decision, forward, reminder, escalation, …
    title: str = Field(max_length=300)
    body: str = Field(default="", max_length=4000)
    entity: str = Field(default="", max_length=40)
    entity_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


def holders(session: Session, role: Role, unit_id: int) -> list[int]:
    """The people holding a role at a unit today (its secretariat, its officers, its authority)."""
    query = select(RoleGrant.person_id).where(
        RoleGrant.role == role, RoleGrant.unit_id == unit_id, RoleGrant.in_force(today())
    )
    return sorted(set(session.exec(query)))


def notify(
    session: Session,
    people: list[int],
    kind: str,
    title: str,
    body: str,
    *,
    about: tuple[str, int],
    key: str,
) -> list[Notification]:
    """Put a message in each person's inbox, once per key and person."""
    keys = {person: f"{key}:{person}" for person in set(people)}
    known = set(session.exec(select(Notification.key).where(col(Notification.key).in_(keys.values()))))
    made = [
        Notification(
            person_id=person, key=k, kind=kind, title=title, body=body, entity=about[0], entity_id=about[1]
        )
        for person, k in sorted(keys.items())
        if k not in known
    ]
    session.add_all(made)
    return made


def unsent_mail(session: Session, limit: int = 200) -> list[tuple[Notification, str]]:
    """Notifications not yet e-mailed to people who have an address."""
    query = (
        select(Notification, Person.email)
        .join(Person, col(Person.id) == Notification.person_id)
        .where(col(Notification.emailed_at).is_(None), Person.email != "")
        .order_by(col(Notification.id))
        .limit(limit)
    )
    return list(session.exec(query))
