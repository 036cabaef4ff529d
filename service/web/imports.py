"""Nhập dữ liệu từ Excel (/thu-ky/nhap-excel): the secretariat downloads the template or an
export of its people, uploads a workbook, and follows its import — the rows read while the flow
runs (polled in place with htmx, or reloaded), then what was added or every problem as a table,
and the report as .xlsx. Built on the API's functions (service/api/imports.py); for anyone not
in a secretariat the page is refused (403), and another person's import does not exist (404)."""

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from models import imports
from models.errors import DomainError
from service.api import PathId
from service.api import imports as api_imports
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, go, render, templates
from service.web.unit import received

router = APIRouter(route_class=PageRoute)
HERE = "/thu-ky/nhap-excel"
UPLOAD = rf"{HERE}$"  # BodyLimit (service/app.py) lets it carry a workbook of max_import_bytes
templates.env.globals["JOB_STATES"] = {
    imports.JobState.QUEUED: "Đang chờ",
    imports.JobState.CHECKING: "Đang kiểm tra",
    imports.JobState.WRITING: "Đang ghi dữ liệu",
    imports.JobState.DONE: "Đã nhập",
    imports.JobState.REFUSED: "Có lỗi, không ghi",
    imports.JobState.FAILED: "Không thành công",
}


def index_view(request: Request, session, actor, status: int = 200, error: str = "") -> Response:
    imports.units_in_charge(session, actor)  # 403 for anyone outside a secretariat
    return render(
        request, "imports/index.html", status, jobs=imports.jobs_of(session, actor), error=error, current=HERE
    )


@router.get(HERE, response_class=HTMLResponse)
def index(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """The template and export to download, the upload form, the latest imports."""
    return index_view(request, session, actor)


@router.post(HERE, response_class=HTMLResponse)
def upload(
    request: Request, session: SessionDep, actor: PageActor, file: UploadFile | None = None
) -> Response:
    """POST /api/v1/imports from the form; then to the job's page."""
    try:
        job, follow_up = api_imports.submit(session, actor, received(file))
    except DomainError as error:
        session.rollback()
        return index_view(request, session, actor, error.status, error.message)
    said = "Đang nhập dữ liệu" if follow_up else "Tệp này bạn đã nhập trước đây; đây là kết quả lần ấy"
    return go(request, f"{HERE}/{job.id}", f"{said}: {job.filename}.")


@router.get(HERE + "/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: PathId, session: SessionDep, actor: PageActor) -> Response:
    """An import: its progress while it runs, then what it added or its problems."""
    found = imports.job_of(session, actor, job_id)
    return render(request, "imports/job.html", job=found, poll=f"{HERE}/{job_id}/tien-do", current=HERE)


@router.get(HERE + "/{job_id}/tien-do", response_class=HTMLResponse)
def progress(request: Request, job_id: PathId, session: SessionDep, actor: PageActor) -> Response:
    """The progress block alone, which the page polls with htmx while the import runs."""
    found = imports.job_of(session, actor, job_id)
    return render(request, "imports/_progress.html", job=found, poll=request.url.path)
