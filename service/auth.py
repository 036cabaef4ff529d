"""Who is calling: `Authorization: Bearer <token>` (from `vinhdanh token issue` or POST
/api/v1/me/tokens), or the web pages' session cookie from POST /api/v1/auth/login, resolved to
the person and the roles they hold at each unit. A write through the cookie must carry the
session's CSRF token, so that another site cannot make a logged-in browser write."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from models.access import Actor, load_actor
from models.accounts import needs_touch, session_of, touch
from models.db import READ_ONLY, reads_only, utcnow
from models.errors import Forbidden, Unauthorized
from models.tokens import holder_of
from service.deps import READS, SessionDep

COOKIE = "vinhdanh_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"  # the same token in a form's hidden field, for the web pages' forms
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

bearer = HTTPBearer(
    auto_error=False, description="a token from `vinhdanh token issue` or POST /api/v1/me/tokens"
)
cookie = APIKeyCookie(
    name=COOKIE, auto_error=False, description="the session cookie of POST /api/v1/auth/login"
)


def same_secret(given: str, expected: str) -> bool:
    """Whether a secret the client sent (a header, a cookie, a form field: any text, accents
    included) is the expected one, in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class CookieLogin:
    """The login session a cookie-authenticated request came through (request.state.login)."""

    id: int
    user_id: int
    csrf_token: str


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token a write through the cookie carries: the X-CSRF-Token header or, from a web
    form, its csrf_token field. The form is read only for such a write: a route that takes a
    form or a file has had it read already (FastAPI reads the body first) and Starlette keeps it."""
    token = request.headers.get(CSRF_HEADER)
    if (
        token
        or request.method in READS
        or "authorization" in request.headers
        or COOKIE not in request.cookies
    ):
        return token
    if request.headers.get("content-type", "").startswith(FORMS):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def current_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie_token: Annotated[str | None, Depends(cookie)],
    csrf: Annotated[str | None, Depends(submitted_csrf)],
) -> Actor:
    if credentials is None and cookie_token is None:
        raise Unauthorized("Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>' hoặc đăng nhập")
    now = utcnow()
    # Only reads, in a transaction of its own: a request that writes takes SQLite's write lock in
    # its route, which commits in the same turn of the threadpool, not across the turns between.
    with reads_only(session):
        if credentials is not None:
            holder = holder_of(session, credentials.credentials)
            if holder is None:
                raise Unauthorized("Token không hợp lệ hoặc đã bị thu hồi")
            person_id, active = holder
            if not active:
                raise Unauthorized("Tài khoản đã ngừng hoạt động; hãy liên hệ quản trị hệ thống")
            return load_actor(session, person_id)
        login, user = session_of(session, cookie_token, now)
        found = CookieLogin(login.id, user.id, login.csrf_token)
        stale = needs_touch(login, now)
        actor = load_actor(session, user.person_id)
    if request.method not in READS and not (csrf and same_secret(csrf, found.csrf_token)):
        raise Forbidden(
            f"Thiếu hoặc sai mã chống giả mạo (CSRF): gửi kèm header {CSRF_HEADER} "
            f"hoặc trường {CSRF_FIELD} của phiên đăng nhập"
        )
    if stale:
        _touch(session, found.id, now)
    request.state.login = found
    return actor


def _touch(session: Session, login_id: int, now) -> None:
    """Mark the login session used, at most once a minute, in a write of its own committed at
    once (a GET's session reads only: this one transaction may write)."""
    may_write = (
        {"postgresql_readonly": False}
        if session.get_bind().dialect.name == "postgresql"
        else {READ_ONLY: False}
    )
    session.connection(execution_options=may_write)
    touch(session, login_id, now)
    session.commit()


ActorDep = Annotated[Actor, Depends(current_actor)]
