"""The ASGI application: `service.app:app`."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.config import get_settings
from models.errors import DomainError
from service.api import calendar, cases, eligibility, workflow


def _where(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [f"{_where(e['loc'])}: {e['msg']}" for e in error.errors()]
    return JSONResponse(
        status_code=422,
        content={"error": "invalid_input", "message": "; ".join(problems), "problems": problems},
    )


async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
    return JSONResponse(
        status_code=error.status,
        content={"error": error.code, "message": error.message, "details": error.details},
    )


class PayloadTooLarge(HTTPException):
    """Raised while the app reads a body that outgrows its limit. An HTTPException, because
    FastAPI turns any other error met while reading a body into a 400."""

    def __init__(self, limit: int):
        super().__init__(413)
        self.limit = limit


def too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        status_code=413,
        content={
            "error": "payload_too_large",
            "message": f"Nội dung yêu cầu vượt quá {limit} byte (request body larger than {limit} bytes)",
        },
    )


async def payload_too_large(_request: Request, error: PayloadTooLarge) -> JSONResponse:
    return too_large(error.limit)


class BodyLimit:
    """Refuses a request body over `limit` bytes with 413 before the app parses it: at once when
    Content-Length says so, else by counting what arrives (a chunked body declares no length).
    `larger` lets routes under a path prefix accept more (uploads); the longest prefix wins."""

    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None):
        self.app, self.limit = app, limit
        self.larger = sorted((larger or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.larger if path.startswith(prefix)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await too_large(limit)(scope, receive, send)
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
    """In the embedded mode the app runs its own flows, and the deadline sweep, in a background
    thread; in the server mode `vinhdanh worker` processes do."""
    if get_settings().prefect_mode != "embedded":
        yield
        return
    from flows.triggers import Background

    background = Background.get()
    yield
    background.stop()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Vinh Danh",
        summary="Quy trình đề nghị, xét duyệt thi đua, khen thưởng — award nomination workflow engine",
        version="0.1.0",
    )
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(PayloadTooLarge, payload_too_large)
    app.add_middleware(BodyLimit, limit=get_settings().max_request_bytes)
    app.include_router(eligibility.router)
    app.include_router(calendar.router)
    app.include_router(workflow.router)
    app.include_router(cases.router)

    @app.get("/api/v1/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
