"""Logging in and out, who I am, my password and my API tokens; and, for administrators, the
accounts and the roles people hold (others are told these routes do not exist)."""

from datetime import date, datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col, select

from models import accounts, grants
from models.access import Actor
from models.accounts import UserAccount
from models.config import get_settings
from models.councils import Council, CouncilMember
from models.db import reads_only, utcnow
from models.errors import InvalidInput, NotFound
from models.grants import Grant
from models.org import Person, Role
from models.tokens import issue_token
from service.api import MAX_ID, PRINTABLE, PathId, Refusal, RowId, refusals
from service.api.documents import FILE
from service.api.lists import Columns, ListFormat, xlsx
from service.auth import COOKIE, ActorDep, CookieLogin
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=refusals(400, 401, 403, 404, 409, 413, 422))

T = TypeVar("T")


def encodable(text: str) -> str:
    """Text that UTF-8 can encode: JSON may carry a lone surrogate ("\\ud800"), which neither a
    password hash nor the database takes."""
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValueError("không phải văn bản Unicode hợp lệ (not valid Unicode text)") from None
    return text


Name = Annotated[str, Field(min_length=1, max_length=200, pattern=PRINTABLE), AfterValidator(encodable)]
Password = Annotated[str, Field(min_length=1, max_length=accounts.MAX_PASSWORD), AfterValidator(encodable)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(Body):
    username: Name
    password: Password


class PersonOut(BaseModel):
    id: int
    full_name: str


class UserOut(BaseModel):
    id: int
    username: str
    person_id: int
    full_name: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    failed_logins: int
    locked_until: datetime | None


class CouncilOut(BaseModel):
    id: int
    name: str


class Me(BaseModel):
    """Who is calling: their account (none for a person with only an API token), the roles they
    hold and the councils they sit on, and, through the session cookie, the CSRF token that each
    write must carry (header X-CSRF-Token, or a form's csrf_token field)."""

    user: UserOut | None
    person: PersonOut
    grants: list[Grant]
    councils: list[CouncilOut]
    csrf_token: str | None = None


def user_out(session: Session, user: UserAccount) -> UserOut:
    return UserOut(**user.model_dump(), full_name=session.get(Person, user.person_id).full_name)


def who(session: Session, person_id: int, csrf_token: str | None) -> Me:
    user = session.exec(select(UserAccount).where(UserAccount.person_id == person_id)).first()
    councils = session.exec(
        select(Council)
        .join(CouncilMember, col(CouncilMember.council_id) == Council.id)
        .where(CouncilMember.person_id == person_id, CouncilMember.active)
        .order_by(col(Council.id))
    )
    person = session.get(Person, person_id)
    return Me(
        user=user_out(session, user) if user else None,
        person=PersonOut(id=person.id, full_name=person.full_name),
        grants=grants.grants_of(session, person_id),
        councils=[CouncilOut(id=c.id, name=c.name) for c in councils],
        csrf_token=csrf_token,
    )


THROTTLED = {429: {"model": Refusal, "description": "Too many failed logins from this client (Retry-After)"}}


def committed(session: Session, answer: T) -> T:
    """Commit, then answer what was read before: read after, the objects would load again in a
    new transaction, on SQLite one that takes the write lock."""
    session.commit()
    return answer


def _refused(error: accounts.DomainError) -> JSONResponse:
    """A lock or a throttle, with how long to wait (Retry-After, seconds)."""
    wait = error.details["retry_after"]
    return JSONResponse(
        status_code=error.status,
        content={"error": error.code, "message": error.message, "details": error.details},
        headers={"Retry-After": str(wait)},
    )


def client_of(request: Request) -> str:
    """The address failed logins are counted against, per client."""
    return request.client.host if request.client else ""


def open_session(
    session: Session, request: Request, response: Response, credentials: Credentials
) -> accounts.Login:
    """Log in and set the session cookie on the response: the one way in, for the API's
    POST /auth/login and the login page alike (the same lockout, the same cookie)."""
    done = accounts.login(session, credentials.username, credentials.password, client_of(request), utcnow())
    settings = get_settings()
    response.set_cookie(
        COOKIE,
        done.token,
        max_age=settings.session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return done


def close_session(session: Session, request: Request, response: Response) -> None:
    """End the cookie's login session, if the request came through one, and drop the cookie."""
    found: CookieLogin | None = getattr(request.state, "login", None)
    if found is not None:
        accounts.logout(session, session.get(accounts.LoginSession, found.id))
        session.commit()
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=get_settings().cookie_secure
    )


@router.post("/auth/login", response_model=Me, responses=THROTTLED)
def login(body: Credentials, request: Request, response: Response, session: SessionDep) -> Me | JSONResponse:
    """Log in with a username and password: sets the session cookie and answers who you are,
    with the CSRF token for writes. A wrong password and an unknown username get the same 401;
    five failures for a username within 15 minutes lock it for 15 minutes (401 account_locked),
    twenty from one client, 429 with Retry-After (VINHDANH_LOGIN_*)."""
    try:
        done = open_session(session, request, response, body)
    except (accounts.Locked, accounts.TooManyAttempts) as error:
        return _refused(error)
    with reads_only(session):
        return who(session, done.user.person_id, done.session.csrf_token)


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """End this login session (the cookie's); through a bearer token there is none to end."""
    response = Response(status_code=204)
    close_session(session, request, response)
    return response


@router.get("/me", response_model=Me)
def me(request: Request, session: SessionDep, actor: ActorDep) -> Me:
    found: CookieLogin | None = getattr(request.state, "login", None)
    return who(session, actor.person_id, found.csrf_token if found else None)


class PasswordChange(Body):
    current: Password
    new: Password


@router.post("/me/password", status_code=204, response_class=Response)
def change_password(body: PasswordChange, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Change my password; my other login sessions end (this one, if through the cookie, stays).
    A wrong current password counts as a failed login: five lock the account (401 account_locked)."""
    found: CookieLogin | None = getattr(request.state, "login", None)
    accounts.change_own_password(
        session, actor, body.current, body.new, found.id if found else None, client_of(request)
    )
    session.commit()
    return Response(status_code=204)


class TokenRequest(Body):
    label: Annotated[
        str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$"), AfterValidator(encodable)
    ] = ""


class IssuedToken(BaseModel):
    token: str = Field(description="shown only now: keep it; only its digest is stored")
    label: str


@router.post("/me/tokens", status_code=201, response_model=IssuedToken)
def my_token(body: TokenRequest, session: SessionDep, actor: ActorDep) -> IssuedToken:
    """A bearer token for my own programs (Authorization: Bearer …)."""
    token = issue_token(session, actor, actor.person_id, body.label)
    return committed(session, IssuedToken(token=token, label=body.label))


# ------------------------------------------------------------------------------ administration


def administrator(actor: ActorDep) -> Actor:
    """An administrator; anyone else is told the route does not exist, as for a missing record."""
    if not actor.is_admin:
        raise NotFound("Không tìm thấy (not found)")
    return actor


AdminDep = Annotated[Actor, Depends(administrator)]


def account(session: Session, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"Không có tài khoản #{user_id}")
    return user


USER_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Tên đăng nhập", "username", 20),
    ("Họ và tên", "full_name", 30),
    ("Đang dùng", lambda u: "Có" if u.active else "Không", 10),
    ("Ngày tạo", "created_at", 18),
    ("Đổi mật khẩu lúc", "password_changed_at", 18),
    ("Đăng nhập sai", "failed_logins", 10),
    ("Khoá đến", "locked_until", 18),
]


@router.get("/users", response_model=list[UserOut], responses=FILE)
def list_users(
    session: SessionDep,
    _admin: AdminDep,
    q: Annotated[
        str | None, Query(max_length=64, pattern=PRINTABLE, description="part of a username")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    format: ListFormat = "json",
) -> list[UserOut] | Response:
    """The accounts, by username; as .xlsx with `format=xlsx`."""
    query = select(UserAccount).order_by(col(UserAccount.username)).offset(offset).limit(limit)
    if q:
        query = query.where(col(UserAccount.username).contains(accounts.normal_username(q), autoescape=True))
    found = [user_out(session, u) for u in session.exec(query)]
    return xlsx("tai_khoan", USER_COLUMNS, found) if format == "xlsx" else found


class NewUser(Body):
    """An account for a person already known (person_id), or for a new person (full_name and
    unit_id, the unit they work in). Without a password, one is generated and answered once."""

    username: Name
    person_id: RowId | None = None
    full_name: Name | None = None
    unit_id: RowId | None = None
    password: Password | None = None

    @model_validator(mode="after")
    def one_person(self) -> "NewUser":
        if (self.person_id is None) == (self.full_name is None or self.unit_id is None):
            raise ValueError("cần person_id, hoặc full_name và unit_id (person_id, or full_name and unit_id)")
        return self


class UserAnswer(BaseModel):
    user: UserOut
    password: str | None = Field(default=None, description="a generated password, shown only now")


@router.post("/users", status_code=201, response_model=UserAnswer)
def create_user(body: NewUser, session: SessionDep, admin: AdminDep) -> UserAnswer:
    person_id = body.person_id or accounts.new_person(session, admin, body.full_name, body.unit_id).id
    user, generated = accounts.create_user(session, admin, body.username, person_id, body.password)
    return committed(session, UserAnswer(user=user_out(session, user), password=generated))


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: PathId, session: SessionDep, _admin: AdminDep) -> UserOut:
    return user_out(session, account(session, user_id))


class UserChange(Body):
    active: bool | None = None
    unlock: bool = False
    reset_password: bool = Field(
        default=False, description="set a new password: `password`, or one generated"
    )
    password: Password | None = None


@router.patch("/users/{user_id}", response_model=UserAnswer)
def change_user(user_id: PathId, body: UserChange, session: SessionDep, admin: AdminDep) -> UserAnswer:
    """Disable or enable an account (disabling ends its sessions and stops its API tokens),
    unlock it, or reset its password (ending its sessions)."""
    if body.password and not body.reset_password:
        raise InvalidInput("Đặt mật khẩu mới cần reset_password: true", field="reset_password")
    user = account(session, user_id)
    if body.active is not None:
        accounts.set_active(session, admin, user, body.active)
    if body.unlock:
        accounts.unlock(session, admin, user)
    generated = accounts.set_password(session, admin, user, body.password) if body.reset_password else None
    return committed(session, UserAnswer(user=user_out(session, user), password=generated))


@router.get("/grants", response_model=list[Grant])
def list_grants(
    person_id: Annotated[int, Query(ge=1, le=MAX_ID)], session: SessionDep, _admin: AdminDep
) -> list[Grant]:
    """The roles a person was, is or will be granted, and the council seats they held."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"Không có người #{person_id}")
    return grants.grants_of(session, person_id)


ROLES = (*(r.value for r in Role), grants.COUNCIL_MEMBER)


class NewGrant(Body):
    """A role at a unit (unit_id) from valid_from through valid_to, or with role
    "council_member", a seat on a council (council_id), held from now until ended."""

    person_id: RowId
    role: Literal[ROLES]
    unit_id: RowId | None = None
    council_id: RowId | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def scope(self) -> "NewGrant":
        council = self.role == grants.COUNCIL_MEMBER
        if council != (self.council_id is not None) or council == (self.unit_id is not None):
            raise ValueError("council_member cần council_id; các vai trò khác cần unit_id")
        return self


class GrantEnd(Body):
    valid_to: date
    kind: Literal["role", "council"] = "role"


def _grant_out(session: Session, person_id: int, kind: str, grant_id: int) -> Grant:
    return next(g for g in grants.grants_of(session, person_id) if (g.kind, g.id) == (kind, grant_id))


@router.post("/grants", status_code=201, response_model=Grant)
def grant(body: NewGrant, session: SessionDep, admin: AdminDep) -> Grant:
    if body.council_id is not None:
        seat = grants.join_council(session, admin, body.person_id, body.council_id, body.valid_from)
        kind, grant_id = "council", seat.id
    else:
        role = grants.grant_role(
            session, admin, body.person_id, Role(body.role), body.unit_id, body.valid_from, body.valid_to
        )
        kind, grant_id = "role", role.id
    return committed(session, _grant_out(session, body.person_id, kind, grant_id))


@router.post("/grants/{grant_id}/end", response_model=Grant)
def end_grant(grant_id: PathId, body: GrantEnd, session: SessionDep, admin: AdminDep) -> Grant:
    """A role holds through valid_to and no longer; a council seat (kind "council") ends now
    (valid_to today or before)."""
    if body.kind == "council":
        ended = grants.leave_council(session, admin, grant_id, body.valid_to)
    else:
        ended = grants.end_grant(session, admin, grant_id, body.valid_to)
    return committed(session, _grant_out(session, ended.person_id, body.kind, ended.id))
