"""The append-only audit log: who did what, when and why; each event hashes the one before."""

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from models.access import Actor
from models.db import transaction_cache, utcnow

GENESIS = "0" * 64


class Event(SQLModel, table=True):
    """One state change. Rows are only ever inserted; `hash` chains them so tampering shows."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int
    reason: str = Field(default="", max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    flow_run_id: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)

    __table_args__ = (sa.Index("ix_event_entity", "entity", "entity_id"),)

    def digest(self) -> str:
        body = {
            "prev": self.prev_hash,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "reason": self.reason,
            "data": self.data,
            "flow_run_id": self.flow_run_id,
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditHead(SQLModel, table=True):
    """The hash of the newest event; its row lock serialises writers of the chain."""

    id: int = Field(default=1, primary_key=True)
    last_hash: str = Field(default=GENESIS, max_length=64)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    cache = transaction_cache(session)
    if "audit_head" not in cache:  # locked until the transaction ends: read it once
        cache["audit_head"] = session.exec(select(AuditHead).with_for_update()).one()
    head = cache["audit_head"]
    event = Event(
        at=at or utcnow(),
        actor_id=actor.person_id,
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        reason=reason,
        data=data or {},
        flow_run_id=actor.flow_run_id,
        prev_hash=head.last_hash,
    )
    event.hash = event.digest()
    head.last_hash = event.hash
    session.add(event)
    session.add(head)
    return event


def verify(session: Session) -> int | None:
    """The id of the first event whose chain is broken, or None when the log is intact."""
    previous = GENESIS
    for event in session.exec(select(Event).order_by(Event.id)):
        if event.prev_hash != previous or event.digest() != event.hash:
            return event.id
        previous = event.hash
    head = session.get(AuditHead, 1)
    return None if head is None or head.last_hash == previous else -1


def trail(session: Session, entity: str, entity_id: int) -> list[Event]:
    return trail_of(session, {(entity, entity_id)})


def trail_of(session: Session, entities: set[tuple[str, int | None]]) -> list[Event]:
    """The events of several entities, (entity, id) pairs, in the order they happened."""
    wanted = [sa.and_(Event.entity == e, Event.entity_id == i) for e, i in entities if i is not None]
    return list(session.exec(select(Event).where(sa.or_(*wanted)).order_by(Event.id)))
