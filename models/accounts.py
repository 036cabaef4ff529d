"""Accounts: a username and password for a person (argon2id), the login sessions behind the web
pages' cookie, and the brakes on guessing: a username locked after repeated failures, a client
refused for a while after many. What they count is in the database, so every worker of the app
sees the same counts; old rows are pruned as new ones are written."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Field, Session, SQLModel, col, delete, select

from models import audit
from models.access import Actor, today
from models.config import get_settings
from models.db import reads_only, utcnow
from models.errors import DomainError, InvalidInput, NotFound, Unauthorized
from models.org import Membership, Person, Unit
from models.text import nfc

USERNAME = re.compile(r"^[\w.@-]{3,64}$")
MAX_PASSWORD = 1024  # characters: hashing is costly enough without megabytes of input
# a generated password: no characters that read alike (0/O, 1/l/I)
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng (wrong username or password)"


class UserAccount(SQLModel, table=True):
    """A person's way in: a username (stored NFC and case-folded) and an argon2id hash."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)
    failed_logins: int = 0  # in a row, since the last login
    locked_until: datetime | None = None  # the last lock's end, for the administrator to see


class LoginSession(SQLModel, table=True):
    """One login through the web pages: the cookie holds a token whose SHA-256 is `digest`; a
    write through it must also carry `csrf_token`."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="useraccount.id", index=True)
    digest: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    client: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """A wrong password (or unknown username) given from a client; counted per username and per
    client over a short window, then pruned."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client: str = Field(max_length=100, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class AlreadyExists(DomainError):
    code, status = "already_exists", 409


class Locked(DomainError):
    code, status = "account_locked", 401


class TooManyAttempts(DomainError):
    code, status = "too_many_attempts", 429


# ------------------------------------------------------------------------------ passwords


@lru_cache
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's own parameters (RFC 9106's low-memory profile)."""
    return PasswordHasher()


@lru_cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown username, so that its answer takes as long."""
    return hasher().hash(secrets.token_urlsafe(16))


def verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normal_username(username: str) -> str:
    """The username as stored and compared: NFC, trimmed, case-folded ('Ánh' = 'ánh' = 'A\u0301nh')."""
    return nfc(nfc(username).strip().casefold())


def valid_username(username: str) -> str:
    name = normal_username(username)
    if not USERNAME.match(name):
        raise InvalidInput(
            "Tên đăng nhập dài 3–64 ký tự, gồm chữ, số và . _ - @ (username: 3–64 letters, digits, . _ - @)",
            field="username",
        )
    return name


def check_password(password: str, username: str) -> None:
    minimum = get_settings().password_min_length
    if len(password) < minimum:
        raise InvalidInput(f"Mật khẩu phải dài ít nhất {minimum} ký tự", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"Mật khẩu dài quá {MAX_PASSWORD} ký tự", field="password")
    if normal_username(password) == normal_username(username):
        raise InvalidInput("Mật khẩu không được trùng tên đăng nhập", field="password")


def generated_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(14))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_actor(session: Session, user: UserAccount) -> Actor:
    return Actor(user.person_id, session.get(Person, user.person_id).full_name)


# ------------------------------------------------------------------------------ accounts


def user_by_name(session: Session, username: str) -> UserAccount:
    user = session.exec(select(UserAccount).where(UserAccount.username == normal_username(username))).first()
    if user is None:
        raise NotFound(f"Không có tài khoản {username}")
    return user


def new_person(session: Session, actor: Actor, full_name: str, unit_id: int) -> Person:
    """A person not yet known, working in a unit from today, to give an account to."""
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"Không có đơn vị #{unit_id}", field="unit_id")
    person = Person(full_name=nfc(full_name).strip())
    session.add(person)
    session.flush()
    session.add(Membership(person_id=person.id, unit_id=unit_id, start_on=today()))
    audit.record(session, actor, "create_person", "person", person.id, data={"unit": unit_id})
    return person


def create_user(
    session: Session, actor: Actor, username: str, person_id: int, password: str | None = None
) -> tuple[UserAccount, str | None]:
    """A new account for a person; without a password, one is generated and returned to be
    handed over once."""
    name = valid_username(username)
    if session.get(Person, person_id) is None:
        raise NotFound(f"Không có người #{person_id}", field="person_id")
    taken = select(UserAccount.username, UserAccount.person_id).where(
        (UserAccount.username == name) | (UserAccount.person_id == person_id)
    )
    for other_name, other_person in session.exec(taken):
        if other_name == name:
            raise AlreadyExists(f"Tên đăng nhập {name} đã có người dùng", field="username")
        raise AlreadyExists(f"Người #{other_person} đã có tài khoản {other_name}", field="person_id")
    generated = None if password else generated_password()
    check_password(password or generated, name)
    user = UserAccount(username=name, person_id=person_id, password_hash=hasher().hash(password or generated))
    session.add(user)
    session.flush()
    audit.record(session, actor, "create_user", "user", user.id, data={"username": name, "person": person_id})
    return user, generated


def set_password(
    session: Session, actor: Actor, user: UserAccount, password: str | None, keep: int | None = None
) -> str | None:
    """A new password (generated when none is given, and returned); every login session of the
    user ends but `keep` (the one that changed it)."""
    generated = None if password else generated_password()
    check_password(password or generated, user.username)
    _store_password(session, actor, user, hasher().hash(password or generated), keep)
    return generated


def _store_password(
    session: Session, actor: Actor, user: UserAccount, password_hash: str, keep: int | None
) -> None:
    user.password_hash, user.password_changed_at = password_hash, utcnow()
    session.add(user)
    ended = end_sessions(session, user.id, keep)
    audit.record(session, actor, "set_password", "user", user.id, data={"sessions_ended": ended})


def change_own_password(
    session: Session, actor: Actor, current: str, new: str, keep: int | None, client: str
) -> None:
    """The caller changes their own password, knowing the current one: a wrong one counts as a
    failed login (committed), so that a stolen session cannot guess it without limit. Both
    hashes are computed in no transaction: on SQLite a write transaction holds the database's lock."""
    now = utcnow()
    with reads_only(session):
        found = session.exec(
            select(UserAccount.id, UserAccount.username, UserAccount.password_hash).where(
                UserAccount.person_id == actor.person_id
            )
        ).first()
        if found and (wait := lock_wait(session, found.username, now)):
            raise _locked(wait)
    if found is None:
        raise NotFound("Bạn chưa có tài khoản đăng nhập; hãy nhờ quản trị hệ thống tạo")
    user_id, username, stored = found
    if not verify(stored, current):
        _failed(session, session.get(UserAccount, user_id), username, client, now)
        session.commit()
        raise InvalidInput("Mật khẩu hiện tại không đúng", field="current")
    check_password(new, username)
    _store_password(session, actor, session.get(UserAccount, user_id), hasher().hash(new), keep)


def set_active(session: Session, actor: Actor, user: UserAccount, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    session.add(user)
    ended = 0 if active else end_sessions(session, user.id)
    action = "enable_user" if active else "disable_user"
    audit.record(session, actor, action, "user", user.id, data={"sessions_ended": ended})


def unlock(session: Session, actor: Actor, user: UserAccount) -> None:
    session.exec(delete(LoginFailure).where(LoginFailure.username == user.username))
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    audit.record(session, actor, "unlock_user", "user", user.id)


def end_sessions(session: Session, user_id: int, keep: int | None = None) -> int:
    """Revoke the user's open login sessions (but `keep`); how many."""
    query = select(LoginSession).where(
        LoginSession.user_id == user_id, col(LoginSession.revoked_at).is_(None), LoginSession.id != keep
    )
    rows = session.exec(query).all()
    for row in rows:
        row.revoked_at = utcnow()
        session.add(row)
    return len(rows)


# ------------------------------------------------------------------------------ logging in


@dataclass
class Login:
    """A login that succeeded: the account, the cookie's token (shown only now) and its session."""

    user: UserAccount
    token: str
    session: LoginSession


def client_wait(session: Session, client: str, now: datetime) -> int:
    """Seconds before this client may try again: it gave `login_client_failures` wrong passwords
    within the window."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    recent = session.exec(
        select(LoginFailure.at)
        .where(LoginFailure.client == client)
        .order_by(col(LoginFailure.at).desc())
        .limit(settings.login_client_failures)
    ).all()
    if len(recent) < settings.login_client_failures:
        return 0
    return max(0, _seconds(recent[-1] + window - now))


def lock_wait(session: Session, username: str, now: datetime) -> int:
    """Seconds this username stays locked: its last `login_account_failures` failures fell within
    the window, and the lock since the last of them has not run out. Unknown usernames lock
    alike, so that a lock says nothing about whether an account exists."""
    settings = get_settings()
    recent = session.exec(
        select(LoginFailure.at)
        .where(LoginFailure.username == username)
        .order_by(col(LoginFailure.at).desc())
        .limit(settings.login_account_failures)
    ).all()
    if len(recent) < settings.login_account_failures:
        return 0
    if recent[0] - recent[-1] > timedelta(minutes=settings.login_window_minutes):
        return 0
    return max(0, _seconds(recent[0] + timedelta(minutes=settings.login_lock_minutes) - now))


def _seconds(delta: timedelta) -> int:
    return -int(-delta.total_seconds() // 1)  # rounded up: "try again in 0 s" would be a lie


def _login(session: Session, username: str, password: str, client: str, now: datetime) -> Login | None:
    """Check a username and password: the login, or None for a wrong one. The reads and the hash
    run outside any write transaction; what is written (the session, or the failure and perhaps
    a lock) is left to `login` to commit."""
    name = normal_username(username)[:64]
    with reads_only(session):
        if wait := client_wait(session, client, now):
            raise TooManyAttempts(
                f"Đăng nhập sai quá nhiều lần từ máy này; thử lại sau {-(-wait // 60)} phút",
                retry_after=wait,
            )
        if wait := lock_wait(session, name, now):
            raise _locked(wait)
        found = session.exec(
            select(UserAccount.id, UserAccount.password_hash).where(UserAccount.username == name)
        ).first()
    # The hashes are computed before the write transaction begins (with the first query below),
    # which on SQLite holds the database's write lock.
    user_id, stored = found or (None, _dummy_hash())
    right = verify(stored, password) and user_id is not None
    rehashed = hasher().hash(password) if right and hasher().check_needs_rehash(stored) else None
    user = session.get(UserAccount, user_id) if user_id else None
    if not right:
        _failed(session, user, name, client, now)
        return None
    if not user.active:
        audit.record(session, as_actor(session, user), "login_refused", "user", user.id, reason="inactive")
        raise Unauthorized("Tài khoản đã ngừng hoạt động; hãy liên hệ quản trị hệ thống")
    user.password_hash = rehashed or user.password_hash
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    token = "vds_" + secrets.token_urlsafe(32)
    settings = get_settings()
    opened = LoginSession(
        user_id=user.id,
        digest=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        client=client[:100],
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    session.add(opened)
    _prune_sessions(session, now)
    session.flush()
    audit.record(session, as_actor(session, user), "login", "user", user.id, data={"client": client})
    return Login(user, token, opened)


def _locked(wait: int) -> Locked:
    return Locked(
        f"Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau {-(-wait // 60)} phút "
        "(temporarily locked after repeated failures)",
        retry_after=wait,
    )


def _failed(session: Session, user: UserAccount | None, name: str, client: str, now: datetime) -> None:
    settings = get_settings()
    session.add(LoginFailure(username=name, client=client[:100], at=now))
    oldest = now - timedelta(minutes=settings.login_window_minutes + settings.login_lock_minutes)
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < oldest))
    session.flush()
    actor = as_actor(session, user) if user else Actor(None, "Khách (chưa đăng nhập)")
    data = {"username": name, "client": client}
    audit.record(session, actor, "login_failed", "user", user.id if user else 0, data=data)
    if user:
        user.failed_logins += 1
        session.add(user)
    if wait := lock_wait(session, name, now):
        if user:
            user.locked_until = now + timedelta(seconds=wait)
        audit.record(session, actor, "lock_user", "user", user.id if user else 0, data=data)


def login(session: Session, username: str, password: str, client: str, now: datetime) -> Login:
    """Log in, committed: a failure is written (and audited) before it is refused. A wrong
    password and an unknown username get the same answer, after the same work (a hash checked)."""
    try:
        done = _login(session, username, password, client, now)
    except Unauthorized:
        session.commit()  # the audit of the refusal
        raise
    session.commit()
    if done is None:
        raise Unauthorized(WRONG)
    return done


def _prune_sessions(session: Session, now: datetime) -> None:
    idle = now - timedelta(minutes=get_settings().session_idle_minutes)
    session.exec(
        delete(LoginSession).where(
            (col(LoginSession.expires_at) < now)
            | col(LoginSession.revoked_at).is_not(None)
            | (col(LoginSession.last_seen_at) < idle)
        )
    )


def logout(session: Session, login_session: LoginSession) -> None:
    login_session.revoked_at = utcnow()
    session.add(login_session)
    user = session.get(UserAccount, login_session.user_id)
    audit.record(session, as_actor(session, user), "logout", "user", user.id)


# ------------------------------------------------------------------------------ the cookie


TOUCH_EVERY = timedelta(minutes=1)  # how stale `last_seen_at` may get: one write a minute, at most


def session_of(session: Session, token: str, now: datetime) -> tuple[LoginSession, UserAccount]:
    """The login session behind a cookie's token, if it is open, not idle too long, not past its
    lifetime, and its account is active."""
    found = session.exec(
        select(LoginSession, UserAccount)
        .join(UserAccount, col(UserAccount.id) == LoginSession.user_id)
        .where(LoginSession.digest == _digest(token), col(LoginSession.revoked_at).is_(None))
    ).first()
    if found is None:
        raise Unauthorized("Phiên đăng nhập không hợp lệ hoặc đã kết thúc; hãy đăng nhập lại")
    login_session, user = found
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if now >= login_session.expires_at or now - login_session.last_seen_at > idle:
        raise Unauthorized("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại")
    if not user.active:
        raise Unauthorized("Tài khoản đã ngừng hoạt động; hãy liên hệ quản trị hệ thống")
    return login_session, user


def needs_touch(login_session: LoginSession, now: datetime) -> bool:
    return now - login_session.last_seen_at > TOUCH_EVERY


def touch(session: Session, login_id: int, now: datetime) -> None:
    session.exec(sa.update(LoginSession).where(col(LoginSession.id) == login_id).values(last_seen_at=now))
