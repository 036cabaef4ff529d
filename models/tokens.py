"""API tokens: how a person's program or the web front end authenticates to the JSON API. Only
a token's SHA-256 digest is stored; the token itself is shown once, when it is issued."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from models import audit
from models.access import Actor
from models.accounts import UserAccount
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


def holder_of(session: Session, token: str) -> tuple[int, bool] | None:
    """Whose token this is, if it is valid and not revoked, and whether their account is active
    (a person with no account, a program's, is)."""
    query = (
        select(ApiToken.person_id, UserAccount.active)
        .outerjoin(UserAccount, col(UserAccount.person_id) == ApiToken.person_id)
        .where(ApiToken.digest == _digest(token), col(ApiToken.revoked_at).is_(None))
    )
    found = session.exec(query).first()
    return None if found is None else (found[0], found[1] is not False)


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
