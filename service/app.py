"""The ASGI application: `service.app:app`."""

import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from document_templates.print_forms import print_forms
from models.config import get_settings
from models.errors import DomainError
from service import web
from service.api import (
    accounts,
    calendar,
    campaigns,
    cases,
    clusters,
    directory,
    documents,
    eligibility,
    imports,
    lists,
    nominations,
    registers,
    reports,
    workflow,
)
from service.deps import Busy
from service.web.pages import error_page, not_found_page

log = logging.getLogger("vinhdanh.api")
STATIC = Path(__file__).parent / "static"
RETRY_AFTER = "1"  # seconds: a lock or a connection frees in milliseconds to a few seconds


def _where(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def _problem(status: int, code: str, message: str, details: dict | None = None) -> JSONResponse:
    headers = {"Retry-After": RETRY_AFTER} if status == 503 else None
    return JSONResponse(
        status_code=status,
        content={"error": code, "message": message, "details": details or {}},
        headers=headers,
    )


async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [f"{_where(e['loc'])}: {e['msg']}" for e in error.errors()]
    return JSONResponse(
        status_code=422,
        content={"error": "invalid_input", "message": "; ".join(problems), "problems": problems},
    )


async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
    return _problem(error.status, error.code, error.message, error.details)


# The safety net under the domain's own checks: a write that loses a race to another request (two
# ballots of one member at once) is refused by the database, and that is the client's 409 or 422,
# or a 503 to retry, never a 500.

UNIQUE = {"23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}  # PostgreSQL, SQLite
MISSING_REFERENCE = {"23503", "SQLITE_CONSTRAINT_FOREIGNKEY"}
# PostgreSQL: lock not available, deadlock, serialization failure, statement or lock timeout
TRANSIENT = {"55P03", "40P01", "40001", "57014"}


def _code(error: sa_exc.DBAPIError) -> str:
    """The driver's code for the error: PostgreSQL's SQLSTATE (psycopg), SQLite's extended name."""
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "sqlite_errorname", "")


async def integrity_error(_request: Request, error: sa_exc.IntegrityError) -> JSONResponse:
    code = _code(error)
    log.info("refused by the database (%s): %s", code, error.orig)
    if code in UNIQUE:
        return _problem(
            409,
            "already_exists",
            "Đã có bản ghi này (already exists): một yêu cầu khác vừa ghi trước. Hãy tải lại để xem.",
        )
    if code in MISSING_REFERENCE:
        return _problem(
            422, "missing_reference", "Dữ liệu tham chiếu tới một bản ghi không có hoặc vừa bị xoá."
        )
    return _problem(422, "constraint_violated", "Dữ liệu không thỏa ràng buộc của cơ sở dữ liệu.")


async def data_error(_request: Request, error: sa_exc.DataError) -> JSONResponse:
    """A value the database cannot hold (a NUL in text, a number out of range) that got past the
    checks at the edge: the client's 422, never a 500."""
    log.warning("value refused by the database: %s", error.orig)
    return _problem(422, "invalid_input", "Giá trị không hợp lệ (a value the database cannot store).")


async def operational_error(request: Request, error: sa_exc.OperationalError) -> JSONResponse:
    locked = "database is locked" in str(error.orig) or _code(error) in TRANSIENT
    if not (locked or error.connection_invalidated):
        raise error  # not passing (a missing table, a bad query): a 500 with its traceback
    return await busy(request, error)


async def busy(_request: Request, error: Exception) -> JSONResponse:
    log.warning("database busy: %s", error)
    return _problem(503, "busy", "Cơ sở dữ liệu đang bận, vui lòng thử lại sau ít giây.")


async def conflict(_request: Request, error: Exception) -> JSONResponse:
    log.info("lost a race: %s", error)
    return _problem(
        409,
        "conflict",
        "Dữ liệu vừa được một yêu cầu khác thay đổi; hãy tải lại rồi thử lại.",
    )


def too_large_message(limit: int) -> str:
    return f"Nội dung yêu cầu vượt quá {limit} byte (request body larger than {limit} bytes)"


class PayloadTooLarge(HTTPException):
    """Raised while the app reads a body that outgrows its limit. An HTTPException, because
    FastAPI turns any other error met while reading a body into a 400; its detail is what a page
    route's error page says (service/web/pages.page_error)."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))
        self.limit = limit


def too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        status_code=413, content={"error": "payload_too_large", "message": too_large_message(limit)}
    )


async def payload_too_large(_request: Request, error: PayloadTooLarge) -> JSONResponse:
    return too_large(error.limit)


class BodyLimit:
    """Refuses a request body over `limit` bytes with 413 before the app parses it: at once when
    Content-Length says so, else by counting what arrives (a chunked body declares no length).
    `larger` lets routes whose path starts with a prefix (a regular expression: "/uploads",
    r"/items/[0-9]+/files$") accept more (uploads); the longest pattern wins."""

    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None):
        self.app, self.limit = app, limit
        patterns = sorted((larger or {}).items(), key=lambda item: -len(item[0]))
        self.larger = [(re.compile(pattern), limit) for pattern, limit in patterns]

    def limit_for(self, path: str) -> int:
        return next((limit for pattern, limit in self.larger if pattern.match(path)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            api = scope["path"].startswith("/api/")
            refusal = too_large(limit) if api else error_page(Request(scope), 413, too_large_message(limit))
            await refusal(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(limit)
            return message

        await self.app(scope, counted, send)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """The threadpool as large as the settings say (Settings.request_sessions says why it
    matters). In the embedded mode the app runs its own flows, and the deadline sweep, in a
    background thread, stopped with the app together with the temporary Prefect server it
    started; in the server mode `vinhdanh worker` processes run them. The tenants' print-form
    layouts are checked first: a mistake stops the start, naming the tenant, form and field."""
    print_forms()
    settings = get_settings()
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
    if settings.prefect_mode != "embedded":
        yield
        return
    from flows.triggers import Background

    background = Background.get()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(background.stop)


def offline_docs(app: FastAPI) -> None:
    """/docs and /redoc with their scripts and styles served by the app (`make assets` pins and
    copies them from the npm registry into service/static/vendor), never from a CDN: on an
    offline government network FastAPI's defaults are a blank page."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    vendor, icon = "/static/vendor", "/static/favicon.svg"
    page = {"openapi_url": app.openapi_url, "title": f"{app.title} — API"}

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            **page,
            swagger_js_url=f"{vendor}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=icon,
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_ui_parameters={"validatorUrl": None},  # its default asks validator.swagger.io
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            **page,
            redoc_js_url=f"{vendor}/redoc/redoc.standalone.js",
            redoc_favicon_url=icon,
            with_google_fonts=False,
        )


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        title="Vinh Danh",
        summary="Quy trình đề nghị, xét duyệt thi đua, khen thưởng — award nomination workflow engine",
        version="0.1.0",
    )
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(PayloadTooLarge, payload_too_large)
    settings = get_settings()
    uploads = dict.fromkeys(
        (documents.UPLOADS, web.unit.UPLOADS), settings.max_upload_bytes + documents.MULTIPART_OVERHEAD
    ) | dict.fromkeys((imports.UPLOAD, web.imports.UPLOAD), imports.upload_limit())
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes, larger=uploads)
    app.add_exception_handler(sa_exc.IntegrityError, integrity_error)
    app.add_exception_handler(sa_exc.DataError, data_error)
    app.add_exception_handler(sa_exc.OperationalError, operational_error)
    app.add_exception_handler(sa_exc.TimeoutError, busy)  # no connection came free in the pool
    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(sa_exc.PendingRollbackError, conflict)
    app.add_exception_handler(StaleDataError, conflict)
    app.add_exception_handler(HTTPException, not_found_page)  # a page, but under /api/
    offline_docs(app)
    app.include_router(eligibility.router)
    app.include_router(calendar.router)
    # before workflow's POST /nominations/{id}/{action}, which would answer 422 for "documents"
    app.include_router(nominations.router)
    app.include_router(documents.router)
    app.include_router(workflow.router)
    app.include_router(cases.router)
    app.include_router(lists.router)
    app.include_router(registers.router)
    app.include_router(imports.router)
    app.include_router(reports.router)
    app.include_router(clusters.router)
    app.include_router(campaigns.router)
    app.include_router(directory.router)
    app.include_router(accounts.router)
    app.include_router(web.router)  # the web pages; `/` is the home page (Việc cần làm)

    @app.get("/api/v1/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
