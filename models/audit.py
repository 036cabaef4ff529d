"""The append-only audit log: who did what, when and why.

Each event carries an HMAC-SHA256 of its content and of the MAC of the event before it, under a
key kept outside the database (VINHDANH_AUDIT_KEY or the key file). Someone who can write to the
database but has no key can therefore not alter, insert, reorder or remove an event unseen: the
chain would need MACs they cannot compute. What MACs cannot show is the newest events cut off
with the head row moved back; `checkpoint` writes the head to a file outside the database, so a
cut before the last checkpoint shows too. `verify` checks all of it and says where and why it broke.
"""

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models.access import Actor
from models.config import get_settings
from models.db import insert_rows, transaction_cache, utcnow
from models.text import nfc

GENESIS = "0" * 64
SEALED = ("at", "actor_id", "actor", "action", "entity", "entity_id", "reason", "data", "flow_run_id")
KEY_LENGTH = 32  # characters at least: a key short enough to guess would seal nothing


class Event(SQLModel, table=True):
    """One state change. Rows are only ever inserted; `hash` (the MAC) chains them so tampering shows."""

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


class AuditHead(SQLModel, table=True):
    """The hash of the newest event; its row lock serialises writers of the chain."""

    id: int = Field(default=1, primary_key=True)
    last_hash: str = Field(default=GENESIS, max_length=64)


class AuditSetupError(RuntimeError):
    """What the log is checked with outside the database (the key, the checkpoint file) is
    missing or unusable."""


# ------------------------------------------------------------------------------ sealing


def canonical(event: Mapping[str, Any]) -> bytes:
    """What an event's MAC covers: its content and the MAC of the event before it. (Before the
    key, the chain was the plain SHA-256 of the same bytes: migration 0005 checks it so.)"""
    body = {name: event[name] for name in SEALED}
    body["at"] = event["at"].astimezone(UTC).isoformat()  # as the database gives it back
    body["prev"] = event["prev_hash"]
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(keyed: hmac.HMAC, event: Mapping[str, Any]) -> str:
    mac = keyed.copy()
    mac.update(canonical(event))
    return mac.hexdigest()


def signer(create: bool = False) -> hmac.HMAC:
    """HMAC-SHA256 under the audit key, to copy per event. The key file is created only when
    `create` is set (the log is still empty): a key lost once events are sealed is an error to
    report, not something to replace silently with a new one."""
    settings = get_settings()
    secret = settings.audit_key.get_secret_value() if settings.audit_key else None
    return _keyed(secret, settings.audit_key_path, create)


@lru_cache
def _keyed(secret: str | None, path: Path, create: bool) -> hmac.HMAC:
    if secret is None:
        if not path.exists():
            if not create:
                raise AuditSetupError(
                    f"Không có khoá nhật ký {path} (VINHDANH_AUDIT_KEY, VINHDANH_AUDIT_KEY_FILE) "
                    "mà nhật ký đã có sự kiện: hãy khôi phục khoá từ bản sao lưu"
                )
            _create_key(path)
        secret = path.read_text().strip()
    if len(secret) < KEY_LENGTH:
        raise AuditSetupError(f"Khoá nhật ký phải dài ít nhất {KEY_LENGTH} ký tự")
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def _create_key(path: Path) -> None:
    """A random key in a file only its owner reads. Written aside, then linked into place: a
    process starting at the same moment finds either no key or the whole of one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(aside, path)
    except FileExistsError:
        pass  # another process created it first: use theirs
    finally:
        os.unlink(aside)


@dataclass(frozen=True)
class Change:
    """One state change of a batch, for `record_many`: the actor and the moment are the batch's."""

    action: str
    entity: str
    entity_id: int
    reason: str = ""
    data: dict[str, Any] | None = None


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
) -> None:
    record_many(session, actor, [Change(action, entity, entity_id, reason, data)], at=at)


def record_many(
    session: Session, actor: Actor, changes: Iterable[Change], *, at: datetime | None = None
) -> int:
    """A batch's events, chained in order, inserted in one statement with one write of the head
    (a step on a thousand nominations writes a thousand events, not two thousand rows). Inserted
    at once, not at the next flush: their ids follow the events recorded before them."""
    cache = transaction_cache(session)
    if "audit_head" not in cache:  # locked until the transaction ends: read it, and the key, once
        head = session.exec(select(AuditHead).with_for_update()).one()
        cache["audit_head"], cache["audit_key"] = head, signer(create=head.last_hash == GENESIS)
    head, keyed = cache["audit_head"], cache["audit_key"]
    at, name, rows = at or utcnow(), nfc(actor.name), []  # sealed as the database will store them
    last = head.last_hash
    for change in changes:
        event = {
            "at": at,
            "actor_id": actor.person_id,
            "actor": name,
            "action": change.action,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "reason": nfc(change.reason),
            "data": change.data or {},
            "flow_run_id": actor.flow_run_id,
            "prev_hash": last,
        }
        event["hash"] = last = seal(keyed, event)
        rows.append(event)
    if rows:
        insert_rows(session, Event, rows)
        head.last_hash = last
        session.add(head)
    return len(rows)


# ---------------------------------------------------------------------- checking


class Problem(StrEnum):
    BAD_LINK = "bad_link"
    BAD_MAC = "bad_mac"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    CHECKPOINT_MISSING = "checkpoint_missing"
    HEAD_MISMATCH = "head_mismatch"


EXPLAINED = {
    Problem.BAD_LINK: "sự kiện {id} không nối tiếp sự kiện đứng trước nó: có sự kiện đã bị xoá, "
    "chèn thêm hoặc đổi thứ tự",
    Problem.BAD_MAC: "mã xác thực của sự kiện {id} sai: sự kiện đã bị sửa, được ghi không có khoá, "
    "hoặc khoá dùng để kiểm tra không phải khoá đã ghi nhật ký",
    Problem.CHECKPOINT_MISMATCH: "sự kiện {id} khác với mốc kiểm tra đã ghi ra ngoài cơ sở dữ liệu: "
    "nhật ký đã bị viết lại từ đó",
    Problem.CHECKPOINT_MISSING: "mốc kiểm tra ghi sự kiện {id}, nhưng sự kiện ấy không còn: "
    "phần cuối nhật ký đã bị cắt",
    Problem.HEAD_MISMATCH: "đầu chuỗi (AuditHead) không khớp với sự kiện cuối cùng ({id})",
}


@dataclass(frozen=True)
class Break:
    """Where the log stopped verifying, and why."""

    event_id: int | None
    problem: Problem

    def __str__(self) -> str:
        return f"{EXPLAINED[self.problem].format(id=self.event_id)} ({self.problem.value})"


def verify(session: Session) -> Break | None:
    """The first break in the log, or None when it is intact: each event's link and MAC in
    order, each checkpoint written outside the database, then the head row."""
    expected = _checkpoints(get_settings().audit_checkpoint_path)
    columns = [getattr(Event, name) for name in ("id", *SEALED, "prev_hash", "hash")]
    keyed, previous, last = None, GENESIS, None
    for row in session.exec(select(*columns).order_by(Event.id).execution_options(yield_per=2000)):
        event = row._mapping
        keyed = keyed or signer()  # an empty log needs no key
        if event["prev_hash"] != previous:
            return Break(event["id"], Problem.BAD_LINK)
        if not hmac.compare_digest(seal(keyed, event), event["hash"]):
            return Break(event["id"], Problem.BAD_MAC)
        if expected.pop(event["id"], {event["hash"]}) != {event["hash"]}:
            return Break(event["id"], Problem.CHECKPOINT_MISMATCH)
        previous, last = event["hash"], event["id"]
    if expected:
        return Break(min(expected), Problem.CHECKPOINT_MISSING)
    head = session.get(AuditHead, 1)
    if head is None or head.last_hash != previous:
        return Break(last, Problem.HEAD_MISMATCH)
    return None


def checkpoint(session: Session) -> int | None:
    """Vouch for the newest committed event outside the database: append its id and MAC to the
    checkpoint file, so that cutting the log up to there shows. The id, or None for an empty log.
    The periodic sweep and `vinhdanh db verify-audit --checkpoint` call it, in a transaction that
    has recorded nothing: a checkpoint of events then rolled back would read as a cut."""
    if "audit_head" in transaction_cache(session):
        raise RuntimeError(
            "audit.checkpoint() in a transaction that records events: call it after the commit"
        )
    newest = session.exec(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    if newest is None:
        return None
    append_checkpoint(get_settings().audit_checkpoint_path, newest.id, newest.hash)
    return newest.id


def append_checkpoint(path: Path, event_id: int, mac: str) -> None:
    if mac in _checkpoints(path).get(event_id, ()):
        return  # vouched for already: nothing was recorded since
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:  # one short appended line: whole, even with two writers at once
        file.write(f"{event_id} {mac} {utcnow().isoformat(timespec='seconds')}\n")
        file.flush()
        os.fsync(file.fileno())


def _checkpoints(path: Path) -> dict[int, set[str]]:
    """Event id -> the MACs vouched for it (two differ only if the log was rewritten)."""
    found: dict[int, set[str]] = defaultdict(set)
    if not path.exists():
        return found
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match line.split():
            case [event_id, mac, *_] if event_id.isdigit() and len(mac) == len(GENESIS):
                found[int(event_id)].add(mac)
            case _:
                raise AuditSetupError(f"Tệp mốc kiểm tra {path} hỏng ở dòng {number}: {line[:80]!r}")
    return found


def trail(session: Session, entity: str, entity_id: int) -> list[Event]:
    query = select(Event).where(Event.entity == entity, Event.entity_id == entity_id)
    return list(session.exec(query.order_by(Event.id)))


# What a trail shows of an event: all but its seals.
SHOWN = ("id", "at", "actor_id", "actor", "action", "entity", "entity_id", "reason", "data", "flow_run_id")


def trail_of(session: Session, entities: set[tuple[str, int | None]]) -> list[sa.Row]:
    """The events of several entities, (entity, id) pairs, in the order they happened: one
    indexed lookup per kind of entity, read as rows (a page of a nomination in a batch of
    hundreds reads dozens of events, and ORM objects cost several times as much)."""
    ids: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id in entities:
        if entity_id is not None:
            ids[entity].add(entity_id)
    if not ids:
        return []
    wanted = [sa.and_(Event.entity == e, col(Event.entity_id).in_(sorted(i))) for e, i in ids.items()]
    columns = [getattr(Event, name) for name in SHOWN]
    return list(session.exec(select(*columns).where(sa.or_(*wanted)).order_by(Event.id)))
