"""Notifications: every person's in-app inbox (and e-mail, when SMTP is configured). A
notification carries a key, so whatever sends it twice — a retry, a second run — sends it once."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models.access import today
from models.db import chunks, utcnow
from models.org import Person, Role, RoleGrant
from models.text import nfc

BODY = 4000  # characters of a message's body; a longer one is cut, whole items kept (`clip`)


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    key: str = Field(max_length=200, unique=True)  # what it is about, and for whom
    kind: str = Field(max_length=40)  # intake, council, decision, forward, reminder, escalation, …
    title: str = Field(max_length=300)
    body: str = Field(default="", max_length=BODY)
    entity: str = Field(default="", max_length=40)
    entity_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


@dataclass(frozen=True)
class Notice:
    """One message for some people, for `notify_many`: each gets it once by `key`."""

    people: Iterable[int]
    kind: str
    title: str
    body: str
    about: tuple[str, int]
    key: str


def clip(items: list[str], more: str, limit: int = BODY) -> str:
    """The items joined by "; ", as many as fit in `limit` characters; when some are left out,
    `more`, with their number in place of `{}`, ends the text."""
    text = "; ".join(items)
    if len(text) <= limit:
        return text
    room, kept = limit - len(more.format(len(items))), 0
    for item in items:  # each kept item takes its length and a "; " after it
        room -= len(item) + 2
        if room < 0:
            break
        kept += 1
    return "; ".join([*items[:kept], more.format(len(items) - kept)])


def holders_at(session: Session, role: Role, unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """The people holding a role today at each of these units (their secretariats, officers,
    authorities), in one query for many units."""
    units, found = sorted(set(unit_ids)), defaultdict(set)
    for chunk in chunks(units):
        query = select(RoleGrant.unit_id, RoleGrant.person_id).where(
            RoleGrant.role == role,
            col(RoleGrant.unit_id).in_(chunk),
            RoleGrant.in_force(today()),
        )
        for unit_id, person_id in session.exec(query):
            found[unit_id].add(person_id)
    return {unit_id: sorted(found[unit_id]) for unit_id in units}


def holders(session: Session, role: Role, unit_id: int) -> list[int]:
    """The people holding a role at a unit today."""
    return holders_at(session, role, [unit_id])[unit_id]


def notify_many(session: Session, notices: Iterable[Notice]) -> list[Notification]:
    """Put each notice in its people's inboxes, once per key and person: the keys already sent
    read with one query and the new messages inserted with one statement, a thousand or so at a
    time, however many notices and people."""
    rows: dict[str, dict] = {}
    now = utcnow()
    for notice in notices:
        title, body, (entity, entity_id) = nfc(notice.title), nfc(notice.body), notice.about
        body = body if len(body) <= BODY else body[: BODY - 1] + "…"  # an error's text, say
        for person in sorted(set(notice.people)):
            key = f"{notice.key}:{person}"
            rows.setdefault(
                key,
                {
                    "person_id": person,
                    "key": key,
                    "kind": notice.kind,
                    "title": title,
                    "body": body,
                    "entity": entity,
                    "entity_id": entity_id,
                    "created_at": now,
                },
            )
    for chunk in chunks(list(rows)):
        known = select(Notification.key).where(col(Notification.key).in_(chunk))
        for key in session.exec(known):
            del rows[key]
    if not rows:
        return []
    return list(session.scalars(sa.insert(Notification).returning(Notification), list(rows.values())))


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
    return notify_many(session, [Notice(people, kind, title, body, about, key)])


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
