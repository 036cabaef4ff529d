"""The administrator's pages (/quan-tri): accounts — finding, creating, disabling, unlocking,
resetting a password — and the roles and council seats a person holds, through the functions of
the API's administration routes (service/api/accounts.py), so that both check and audit alike. To
anyone but an administrator these pages do not exist (404), as those routes. A generated password
is shown once, on the page the form answers with, never carried in a redirect's message."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from models import grants
from models.access import Actor, today
from models.councils import Council
from models.errors import DomainError, InvalidInput
from models.org import Unit
from service.api import MAX_ID, PathId
from service.api import accounts as api
from service.deps import SessionDep
from service.web.pages import ROLE_LABELS, PageActor, PageRoute, go, invalid, render

router = APIRouter(prefix="/quan-tri", route_class=PageRoute)
HOME = "/quan-tri"
PER_PAGE = 50
FIELDS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "unit_id": "Đơn vị",
    "person_id": "Mã người",
    "password": "Mật khẩu",
    "role": "Vai trò",
    "council_id": "Hội đồng",
    "valid_from": "Từ ngày",
    "valid_to": "Đến ngày",
}
COUNCIL_SEAT = "Ủy viên Hội đồng Thi đua - Khen thưởng"
Text = Annotated[str, Form(max_length=200)]
Day = Annotated[date | None, Form()]


def admin(actor: PageActor) -> Actor:
    return api.administrator(actor)


Admin = Annotated[Actor, Depends(admin)]


def unit_by_code(session: Session, code: str) -> int | None:
    """The unit a form names by its code, in any case ('qng-stc'), or None when the field is left empty."""
    if not code.strip():
        return None
    found = session.exec(select(Unit.id).where(func.upper(Unit.code) == code.strip().upper())).first()
    if found is None:
        raise InvalidInput(f"Không có đơn vị mã '{code.strip()}'", field="unit_id")
    return found


def accounts_page(
    request: Request, session: Session, q: str, page: int, status: int = 200, **context
) -> Response:
    users = api.list_users(session, None, q or None, PER_PAGE + 1, (page - 1) * PER_PAGE)
    return render(
        request,
        "admin/index.html",
        status,
        users=users[:PER_PAGE],
        more=len(users) > PER_PAGE,
        q=q,
        page=page,
        **context,
    )


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    session: SessionDep,
    _admin: Admin,
    q: Annotated[str, Query(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Accounts by username (part of it), fifty a page, and the form creating one."""
    return accounts_page(request, session, q, page)


def account_page(request: Request, session: Session, user_id: int, status: int = 200, **context) -> Response:
    user = api.get_user(user_id, session, None)
    return render(
        request,
        "admin/account.html",
        status,
        user=user,
        held=grants.grants_of(session, user.person_id),
        roles={**{r.value: label for r, label in ROLE_LABELS.items()}, grants.COUNCIL_MEMBER: COUNCIL_SEAT},
        councils=session.exec(select(Council).order_by(col(Council.name))).all(),
        today=today(),
        **context,
    )


def refused(session: Session, error: Exception, show) -> Response:
    if isinstance(error, ValidationError):
        return show(422, error=invalid(error, FIELDS))
    session.rollback()
    return show(error.status, error=error.message)


@router.post("/tai-khoan", response_class=HTMLResponse)
def create(
    request: Request,
    session: SessionDep,
    admin: Admin,
    username: Text,
    full_name: Text = "",
    unit_code: Text = "",
    person_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """As POST /api/v1/users: an account for a person already known (their id), or for a new
    person working in a unit (name and the unit's code); the password given, or one generated
    and shown here once."""
    try:
        body = api.NewUser(
            username=username,
            person_id=person_id,
            full_name=full_name or None,
            unit_id=unit_by_code(session, unit_code),
            password=password or None,
        )
        done = api.create_user(body, session, admin)
    except (ValidationError, DomainError) as error:
        form = {"username": username, "full_name": full_name, "unit_code": unit_code, "person_id": person_id}
        return refused(
            session, error, lambda status, **c: accounts_page(request, session, "", 1, status, form=form, **c)
        )
    return account_page(request, session, done.user.id, 201, created=True, password=done.password)


@router.get("/tai-khoan/{user_id}", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, _admin: Admin, user_id: PathId) -> Response:
    """An account: its state, and the roles and seats its person holds, with the forms changing them."""
    return account_page(request, session, user_id)


CHANGES = {
    "disable": (
        api.UserChange(active=False),
        "Đã khoá tài khoản; các phiên đăng nhập và mã API của tài khoản đã dừng.",
    ),
    "enable": (api.UserChange(active=True), "Đã mở lại tài khoản."),
    "unlock": (api.UserChange(unlock=True), "Đã gỡ khoá đăng nhập sai."),
    "reset": (api.UserChange(reset_password=True), ""),
}


@router.post("/tai-khoan/{user_id}", response_class=HTMLResponse)
def change(
    request: Request,
    session: SessionDep,
    admin: Admin,
    user_id: PathId,
    action: Annotated[Literal[tuple(CHANGES)], Form()],
) -> Response:
    """As PATCH /api/v1/users/{id}: disable, enable, unlock, or reset the password (a new one,
    generated and shown here once; the account's sessions end)."""
    body, message = CHANGES[action]
    try:
        done = api.change_user(user_id, body, session, admin)
    except DomainError as error:
        return refused(
            session, error, lambda status, **c: account_page(request, session, user_id, status, **c)
        )
    if done.password:
        return account_page(request, session, user_id, password=done.password)
    return go(request, f"{HOME}/tai-khoan/{user_id}", message)


@router.post("/tai-khoan/{user_id}/vai-tro", response_class=HTMLResponse)
def grant(
    request: Request,
    session: SessionDep,
    admin: Admin,
    user_id: PathId,
    role: Annotated[str, Form(max_length=40)],
    unit_code: Text = "",
    council_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    valid_from: Day = None,
    valid_to: Day = None,
) -> Response:
    """As POST /api/v1/grants: a role at a unit (by its code) between two dates, or a seat on a council."""
    person_id = api.get_user(user_id, session, None).person_id
    try:
        body = api.NewGrant(
            person_id=person_id,
            role=role,
            unit_id=unit_by_code(session, unit_code),
            council_id=council_id,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        given = api.grant(body, session, admin)
    except (ValidationError, DomainError) as error:
        return refused(
            session, error, lambda status, **c: account_page(request, session, user_id, status, **c)
        )
    what = COUNCIL_SEAT if given.kind == "council" else ROLE_LABELS[given.role]
    return go(
        request, f"{HOME}/tai-khoan/{user_id}", f"Đã giao: {what} — {given.council_name or given.unit_name}."
    )


@router.post("/tai-khoan/{user_id}/vai-tro/{grant_id}/ket-thuc", response_class=HTMLResponse)
def end(
    request: Request,
    session: SessionDep,
    admin: Admin,
    user_id: PathId,
    grant_id: PathId,
    valid_to: Annotated[date, Form()],
    kind: Annotated[Literal["role", "council"], Form()] = "role",
) -> Response:
    """As POST /api/v1/grants/{id}/end: a role holds through `valid_to`; a council seat ends now."""
    person_id = api.get_user(user_id, session, None).person_id
    try:
        if (
            next(
                (g for g in grants.grants_of(session, person_id) if (g.kind, g.id) == (kind, grant_id)), None
            )
            is None
        ):
            raise InvalidInput(f"Vai trò #{grant_id} không thuộc tài khoản này", field="grant_id")
        api.end_grant(grant_id, api.GrantEnd(valid_to=valid_to, kind=kind), session, admin)
    except (ValidationError, DomainError) as error:
        return refused(
            session, error, lambda status, **c: account_page(request, session, user_id, status, **c)
        )
    return go(
        request,
        f"{HOME}/tai-khoan/{user_id}",
        f"Đã kết thúc vai trò #{grant_id} từ sau ngày {valid_to:%d/%m/%Y}.",
    )
