"""The ASGI application: `service.app:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

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
    app.include_router(eligibility.router)
    app.include_router(calendar.router)
    app.include_router(workflow.router)
    app.include_router(cases.router)

    @app.get("/api/v1/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
