"""The web pages' foundation, shared by every area module (service/web/*.py): the templates, who
is logged in (`PageActor`), `render` a page, `go` somewhere after a form with a one-time message,
the CSRF field of forms, Vietnamese labels for the codes pages show, and the error page.

Pages are built on the API's own functions (service/api/*.py take a session and an actor): a page
handler reads with them, and a form posts to a page route that calls the same function as the
JSON route, then redirects (303) with a flash message. Whatever goes wrong in a page route — a
refusal of the domain, a record out of sight, invalid input, a lost race — answers as an HTML page
with the message and the API's status, never JSON and never a 500 (`PageRoute`)."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from sqlmodel import Session
from starlette.exceptions import HTTPException

from models.access import Actor, today
from models.catalogue import default_catalogue
from models.councils import SessionState
from models.decisions import DecisionState
from models.errors import DomainError, Unauthorized
from models.guards import VIETNAM
from models.history import RATING_LABELS
from models.nominations import State, SubmissionState
from models.org import Role
from models.route import LABELS
from service.api import documents as api_documents
from service.api import nominations as api_nominations
from service.api.workflow import Done
from service.auth import CSRF_FIELD, CookieLogin, cookie, current_actor, same_secret, submitted_csrf
from service.deps import SessionDep

LOGIN_URL = "/dang-nhap"
FLASH = "vinhdanh_flash"
templates = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")

# ------------------------------------------------------------------------------ labels

ROLE_LABELS = {
    Role.UNIT_OFFICER: "Cán bộ thi đua, khen thưởng của đơn vị",
    Role.SECRETARIAT: "Cơ quan thường trực Hội đồng Thi đua - Khen thưởng",
    Role.SECRETARIAT_HEAD: "Lãnh đạo cơ quan thường trực",
    Role.AUTHORITY: "Người có thẩm quyền khen thưởng",
    Role.ADMIN: "Quản trị hệ thống",
}
RECORD_STATE_LABELS = {
    "submission": {
        SubmissionState.SENT: "Đã gửi",
        SubmissionState.DRAFT: "Dự thảo, chờ ký",
        SubmissionState.SIGNED: "Đã ký, chờ vào sổ",
        SubmissionState.FORWARDED: "Đã chuyển lên cấp trên",
        SubmissionState.ISSUED: "Đã vào sổ, trình người có thẩm quyền",
    },
    "council_session": {
        SessionState.OPEN: "Đang bỏ phiếu",
        SessionState.CLOSED: "Đã kết thúc bỏ phiếu, chờ kiểm phiếu",
        SessionState.TALLIED: "Đã kiểm phiếu",
    },
    "decision": {
        DecisionState.DRAFT: "Dự thảo, chờ ký",
        DecisionState.SIGNED: "Đã ký, chờ vào sổ",
        DecisionState.ISSUED: "Đã ban hành",
    },
}
RECORD_LABELS = {
    "nomination": "Hồ sơ",
    "submission": "Tờ trình",
    "appraisal": "Tờ trình thẩm định",
    "council_session": "Phiên họp Hội đồng",
    "decision": "Quyết định",
}
# Each role's own pages (service/web/<area>.py): the navigation and the home page's queues link here.
ROLE_PAGES = {
    "unit": ("/don-vi", "Đơn vị"),
    "council": ("/hoi-dong", "Hội đồng"),
    "secretariat": ("/thu-ky", "Thường trực Hội đồng"),
    "authority": ("/ky-duyet", "Ký duyệt"),
    "admin": ("/quan-tri", "Quản trị"),
}


def state_label(state: str) -> str:
    """A nomination's state as people name it (models.nominations.State.label)."""
    return State(state).label if state in State._value2member_map_ else str(state)


def step_label(action: str) -> str:
    """A step as the route table labels it (models/route.py), or the audit log's own word."""
    return LABELS.get(action, action)


def record_state_label(record: str, state: str) -> str:
    return RECORD_STATE_LABELS.get(record, {}).get(state, str(state))


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def moment(value: datetime | None) -> str:
    """A moment in Vietnam's time: what an officer's clock showed."""
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if value else ""


def held_roles(actor: Actor) -> list[str]:
    """The role pages (ROLE_PAGES' keys) this person works in: where they hold a role, or sit on a
    council; an administrator, all."""
    roles = {role for role, _ in actor.grants}
    held = {
        "unit": Role.UNIT_OFFICER in roles,
        "council": bool(actor.councils),
        "secretariat": Role.SECRETARIAT in roles or Role.SECRETARIAT_HEAD in roles,
        "authority": Role.AUTHORITY in roles,
        "admin": False,  # an administrator's, as every page
    }
    return [key for key, holds in held.items() if holds or actor.is_admin]


def role_pages(actor: Actor | None) -> list[tuple[str, str]]:
    return [ROLE_PAGES[key] for key in held_roles(actor)] if actor else []


def award_name(code: str) -> str:
    """An award's name in the catalogue in force today, or its code if it is no longer in it."""
    awards = default_catalogue().for_date(today()).awards
    return awards[code].name if code in awards else code


templates.env.filters.update(
    state=state_label,
    step=step_label,
    record_state=record_state_label,
    day=day,
    moment=moment,
    award=award_name,
    rating=lambda level: RATING_LABELS.get(level, level or "—"),
)
templates.env.globals.update(ROLE_LABELS=ROLE_LABELS, RECORD_LABELS=RECORD_LABELS)

# ------------------------------------------------------------------------------ who is logged in


class LoginNeeded(Exception):
    """Nobody logged in (or the login session ended): the page sends them to the login page."""


def page_actor(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(cookie)],
    csrf: Annotated[str | None, Depends(submitted_csrf)],
) -> Actor:
    """The person behind the session cookie, checked as the API checks it (a form's write must
    carry the session's CSRF token); nobody, and the page leads to the login page."""
    try:
        actor = current_actor(request, session, None, token, csrf)
    except Unauthorized:
        raise LoginNeeded from None
    request.state.actor = actor
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


def local(target: str | None, default: str = "/") -> str:
    """A path on this site to go to after logging in; anything else (another site, `//host`,
    a backslash some browsers read as a slash, control characters) goes home."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or c == "\\" for c in target):
        return default
    return target


def to_login(request: Request) -> RedirectResponse:
    """The login page, then back here: the page asked for, or for a form, the page it was on."""
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        here = local(urlsplit(request.headers.get("referer", "")).path)
    target = LOGIN_URL if here == "/" else f"{LOGIN_URL}?next={quote(here, safe='/')}"
    return RedirectResponse(target, status_code=303)


# ------------------------------------------------------------------------------ flash messages


def _seal(key: str, payload: str) -> str:
    return hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()[:32]


def _login_of(request: Request) -> CookieLogin | None:
    return getattr(request.state, "login", None)


def go(request: Request, url: str, message: str = "") -> RedirectResponse:
    """After a form: to `url` (303, so the browser GETs it), with a message the next page shows
    once. The message is sealed with the login session's CSRF token, so that nothing but this
    app, for this login, can make a page say something."""
    response = RedirectResponse(url, status_code=303)
    login = _login_of(request)
    if message and login is not None:
        payload = base64.urlsafe_b64encode(message.encode()).decode()
        response.set_cookie(
            FLASH, f"{payload}.{_seal(login.csrf_token, payload)}", path="/", httponly=True, samesite="lax"
        )
    return response


def _flash(request: Request) -> str:
    sealed, login = request.cookies.get(FLASH, ""), _login_of(request)
    payload, _, seal = sealed.partition(".")
    if not sealed or login is None or not same_secret(seal, _seal(login.csrf_token, payload)):
        return ""
    try:
        return base64.urlsafe_b64decode(payload).decode()
    except ValueError:
        return ""


# ------------------------------------------------------------------------------ pages


def csrf_field(request: Request) -> Markup:
    """The hidden field that carries the login session's CSRF token in a form (service/auth.py
    checks it on every write through the cookie)."""
    login = _login_of(request)
    token = login.csrf_token if login else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


NOT_STARTED = " Bước tự động tiếp theo chưa chạy được; cơ quan thường trực sẽ cho chạy lại."


def done_message(done: Done, message: str, not_started: str = NOT_STARTED) -> str:
    """The flash after a step: what was done, and whether the flow that follows it failed to
    start (the dashboard runs it again)."""
    return message + (not_started if done.follow_up and not done.follow_up.started else "")


def dossier(session: Session, actor: Actor, item: dict[str, Any]) -> dict[str, Any]:
    """A nomination of a list (an `id` at least) with the engine's live verdict and its files,
    every version; a verdict the engine cannot give now (the rules in force changed since the
    nomination was drafted) is its reason instead."""
    try:
        verdict, refused = api_nominations.eligibility(item["id"], session, actor), ""
    except DomainError as error:
        verdict, refused = None, error.message
    documents = api_documents.nomination_documents(item["id"], session, actor)
    return item | {"verdict": verdict, "verdict_error": refused, "documents": documents}


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with who is logged in, their role pages and the flash message
    left for it; the message is then spent."""
    actor = getattr(request.state, "actor", None)
    context |= {
        "status": status,
        "actor": actor,
        "role_pages": role_pages(actor),
        "flash": _flash(request),
        "csrf": lambda: csrf_field(request),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if FLASH in request.cookies:
        response.delete_cookie(FLASH, path="/", httponly=True, samesite="lax")
    return response


def invalid(error: ValidationError, labels: dict[str, str]) -> str:
    """A form's invalid fields, each by the label the form shows it under."""
    return "; ".join(
        f"{labels.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'Biểu mẫu'}: {e['msg']}"
        for e in error.errors()
    )


# ------------------------------------------------------------------------------ the error page

HTTP_MESSAGES = {
    404: "Không tìm thấy trang này (not found).",
    405: "Trang này không nhận yêu cầu kiểu này (method not allowed).",
}


async def _api_answer(request: Request, error: Exception) -> tuple[int, str, dict[str, str]] | None:
    """What the app's own handler (service/app.py) answers to the error — its status, message
    and Retry-After — so that pages and the API refuse alike; None if it has none."""
    handlers = request.app.exception_handlers
    handler = next((handlers[k] for k in type(error).__mro__ if k in handlers), None)
    if handler is None:
        return None
    answer = await handler(request, error)
    body = json.loads(answer.body)
    retry = {"Retry-After": answer.headers["retry-after"]} if "retry-after" in answer.headers else {}
    return answer.status_code, body.get("message") or body.get("detail") or "", retry


def error_page(request: Request, status: int, message: str, headers: dict | None = None) -> HTMLResponse:
    response = render(request, "error.html", status=status, message=message)
    response.headers.update(headers or {})
    return response


async def page_error(request: Request, error: Exception) -> Response:
    """The page for an error in a page route: the login page for nobody logged in, else the
    message with the status the API would answer."""
    if isinstance(error, LoginNeeded):
        return to_login(request)
    if isinstance(error, HTTPException):
        return error_page(request, error.status_code, HTTP_MESSAGES.get(error.status_code, str(error.detail)))
    answer = await _api_answer(request, error)
    if answer is None:
        raise error  # not a refusal but a fault: a 500 with its traceback in the log
    status, message, headers = answer
    return error_page(request, status, message, headers)


class PageRoute(APIRoute):
    """A page's route: its errors, and those of its dependencies (the login, the form's fields),
    answer as pages (`page_error`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:  # a fault the app has no handler for is raised again
                return await page_error(request, error)

        return page


async def not_found_page(request: Request, error: HTTPException) -> Response:
    """The app's answer to a URL no route serves (or a method it does not take): a page, but
    under /api/, where a program gets FastAPI's JSON as before."""
    if request.url.path.startswith("/api/"):
        return await http_exception_handler(request, error)
    return error_page(request, error.status_code, HTTP_MESSAGES.get(error.status_code, str(error.detail)))
