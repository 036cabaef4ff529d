"""Logging in and out, and changing one's password: the same login session, lockout and password
rules as the API's (service/api/accounts.py), through forms."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from models.config import get_settings
from models.errors import DomainError
from service.api.accounts import Credentials, PasswordChange, change_password, close_session, open_session
from service.auth import CSRF_FIELD, same_secret
from service.deps import SessionDep
from service.web.pages import LOGIN_URL, PageActor, PageRoute, go, invalid, local, render

router = APIRouter(route_class=PageRoute)
# Before a login there is no session to hold a CSRF token: the form carries one that must match
# this cookie (a double submit), so that another site cannot log a browser into its own account.
LOGIN_CSRF = "vinhdanh_login_csrf"
Field = Annotated[str, Form(max_length=1000)]


FIELDS = {
    "username": "Tên đăng nhập",
    "password": "Mật khẩu",
    "current": "Mật khẩu hiện tại",
    "new": "Mật khẩu mới",
}


def login_form(
    request: Request, target: str, status: int = 200, error: str = "", username: str = ""
) -> Response:
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(32)
    response = render(
        request, "account/login.html", status, next=local(target), error=error, username=username, token=token
    )
    response.set_cookie(LOGIN_CSRF, token, path=LOGIN_URL, httponly=True, samesite="strict")
    return response


@router.get(LOGIN_URL, response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return login_form(request, next)


@router.post(LOGIN_URL, response_class=HTMLResponse)
def log_in(
    request: Request,
    session: SessionDep,
    username: Field = "",
    password: Field = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
    next: Field = "/",
) -> Response:
    """Log in as POST /api/v1/auth/login does (the same session cookie, the same locks), then
    go where the login was asked from, if that is a page of this site."""
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not (expected and same_secret(csrf_token, expected)):
        message = "Biểu mẫu đăng nhập đã hết hạn; hãy đăng nhập lại (the form expired)."
        return login_form(request, next, 403, message, username)
    try:
        credentials = Credentials(username=username, password=password)
    except ValidationError as error:
        return login_form(request, next, 422, invalid(error, FIELDS), username)
    response = RedirectResponse(local(next), status_code=303)
    try:
        open_session(session, request, response, credentials)
    except DomainError as error:
        refused = login_form(request, next, error.status, error.message, username)
        if "retry_after" in error.details:
            refused.headers["Retry-After"] = str(error.details["retry_after"])
        return refused
    response.delete_cookie(LOGIN_CSRF, path=LOGIN_URL, httponly=True, samesite="strict")
    return response


@router.post("/dang-xuat")
def log_out(request: Request, session: SessionDep, _actor: PageActor) -> Response:
    response = RedirectResponse(LOGIN_URL, status_code=303)
    close_session(session, request, response)
    return response


def password_form(request: Request, status: int = 200, error: str = "") -> Response:
    minimum = get_settings().password_min_length
    return render(request, "account/password.html", status, error=error, min_length=minimum)


@router.get("/doi-mat-khau", response_class=HTMLResponse)
def password_page(request: Request, _actor: PageActor) -> Response:
    return password_form(request)


@router.post("/doi-mat-khau", response_class=HTMLResponse)
def change_my_password(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    current: Field = "",
    new: Field = "",
    again: Field = "",
) -> Response:
    """As POST /api/v1/me/password: the other login sessions end, this one stays; a wrong
    current password counts as a failed login."""
    if new != again:
        return password_form(request, 422, "Hai lần nhập mật khẩu mới không khớp.")
    try:
        body = PasswordChange(current=current, new=new)
    except ValidationError as error:
        return password_form(request, 422, invalid(error, FIELDS))
    try:
        change_password(body, request, session, actor)
    except DomainError as error:
        return password_form(request, error.status, error.message)
    return go(request, "/", "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.")
