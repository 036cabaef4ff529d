"""API tokens: how a person's program or the web front end authenticates to the JSON API. Only
a token's SHA-256 digest is stored; the token itself is shown once, when it is issued."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, select

from models import audit
from models.access import Actor
from models.db import utcnow
from models.errors import NotFound
from models.org import Person


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    digest: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, actor: Actor, person_id: int, label: str = "") -> str:
    if session.get(Person, person_id) is None:
        raise NotFound(f"Không có người dùng #{person_id}")
    token = "vd_" + secrets.token_urlsafe(32)
    session.add(ApiToken(person_id=person_id, digest=_digest(token), label=label))
    audit.record(session, actor, "issue_token", "person", person_id, reason=label)
    return token


def person_of(session: Session, token: str) -> int | None:
    """Whose token this is, if it is valid and not revoked."""
    query = select(ApiToken.person_id).where(ApiToken.digest == _digest(token), ApiToken.revoked_at.is_(None))
    return session.exec(query).first()


def revoke_tokens(session: Session, actor: Actor, person_id: int) -> int:
    tokens = session.exec(
        select(ApiToken).where(ApiToken.person_id == person_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
        session.add(token)
    if tokens:
        audit.record(session, actor, "revoke_tokens", "person", person_id, data={"tokens": len(tokens)})
    return len(tokens)
