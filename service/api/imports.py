"""Excel import and export of people, ratings and award history (models/imports.py), for the
secretariats of the units concerned: the template, an upload that becomes an import job (202)
run by the import flow, the job's progress and report, and the export in the same form."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from models import excel, imports, nominee_lists
from models.access import Actor, today
from models.config import get_settings
from models.imports import ImportJob
from models.route import Flow
from models.uploads import XLSX
from service.api import PathId, refusals
from service.api.documents import FILE, MULTIPART_OVERHEAD, attachment
from service.api.eligibility import VerdictOut
from service.api.lists import Columns, ListFormat, xlsx
from service.api.nominations import NominationOut
from service.api.workflow import FollowUp, start
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["excel"], responses=refusals(400, 401, 403, 404, 413, 422))
# BodyLimit (service/app.py) lets these carry a workbook of max_import_bytes
UPLOAD = r"/api/v1/(imports|campaigns/\d+/nominee-list)$"


def upload_limit() -> int:
    return get_settings().max_import_bytes + MULTIPART_OVERHEAD


class Problem(BaseModel):
    sheet: str
    row: int | None
    column: str
    problem: str


class JobOut(BaseModel):
    id: int
    filename: str
    size: int
    sha256: str
    state: str  # queued | checking | writing | done | refused | failed
    rows_read: int
    rows_written: int
    counts: dict  # {"people": {"added": n, "unchanged": m}, "ratings": …, "awards": …}
    problems: list[Problem]  # the first 1,000
    problems_total: int
    error: str
    created_at: datetime
    ended_at: datetime | None
    follow_up: FollowUp | None = None


def job_out(job: ImportJob, follow_up: FollowUp | None = None) -> JobOut:
    problems = [Problem(sheet=s, row=r, column=c, problem=p) for s, r, c, p in job.problems]
    return JobOut(**job.model_dump(exclude={"problems"}), problems=problems, follow_up=follow_up)


def submit(session: Session, actor: Actor, file: UploadFile) -> tuple[ImportJob, FollowUp | None]:
    """The import job of the uploaded workbook, committed, with its flow started; or the import
    of the same file the caller made already (no follow-up)."""
    content = file.file.read(get_settings().max_import_bytes + 1)
    job, new = imports.submit(session, actor, file.filename or "", file.content_type or "", content)
    job_id = job.id
    session.commit()  # read nothing more in it before the flow: on SQLite a new transaction would lock
    return job, start(Flow.IMPORT, job_id) if new else None


@router.post(
    "/imports",
    status_code=202,
    response_model=JobOut,
    responses={200: {"model": JobOut, "description": "the caller imported this very file already"}},
)
def upload(
    file: Annotated[UploadFile, File(description="an .xlsx workbook in the template's form")],
    session: SessionDep,
    actor: ActorDep,
) -> JobOut | JSONResponse:
    """Import people (sheet «Cá nhân»), ratings («Xếp loại») and awards («Khen thưởng») into the
    units in the caller's charge: all rows or, when any is wrong, none. 202 with the job, whose
    progress and report GET /imports/{id} gives; 200 with the earlier job for a file the caller
    imported already."""
    job, follow_up = submit(session, actor, file)
    if follow_up is None:
        return JSONResponse(job_out(job).model_dump(mode="json"), status_code=200)
    session.refresh(job)
    return job_out(job, follow_up)


JOB_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Tệp", "filename", 36),
    ("Trạng thái", "state", 12),
    ("Số dòng đã đọc", "rows_read", 12),
    ("Số dòng đã ghi", "rows_written", 12),
    ("Số lỗi", "problems_total", 8),
    ("Lúc tải lên", "created_at", 18),
    ("Lúc xong", "ended_at", 18),
]


@router.get("/imports", response_model=list[JobOut], responses=FILE)
def my_imports(session: SessionDep, actor: ActorDep, format: ListFormat = "json") -> list[JobOut] | Response:
    """The caller's latest imports, the newest first; as .xlsx with `format=xlsx`."""
    jobs = [job_out(job) for job in imports.jobs_of(session, actor)]
    return xlsx("nhap_du_lieu", JOB_COLUMNS, jobs) if format == "xlsx" else jobs


@router.get("/imports/template", responses=FILE)
def template(actor: ActorDep) -> Response:
    """The empty workbook to fill in: each sheet's headers, each with a note saying what it takes."""
    return attachment(excel.workbook({}), "mau_nhap_du_lieu.xlsx", XLSX)


@router.get("/imports/{job_id}", response_model=JobOut)
def job(job_id: PathId, session: SessionDep, actor: ActorDep) -> JobOut:
    """An import's state, the rows read and written, what it added and every problem found."""
    return job_out(imports.job_of(session, actor, job_id))


@router.get("/imports/{job_id}/report", responses=FILE)
def report(job_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The problems of an import as .xlsx: sheet, row, column, problem."""
    found = imports.job_of(session, actor, job_id)
    return attachment(excel.report_workbook(found.problems), f"loi_nhap_du_lieu_{job_id}.xlsx", XLSX)


@router.get("/exports/people", responses=FILE)
def export(session: SessionDep, actor: ActorDep) -> Response:
    """The people of the units in the caller's charge, with their ratings and awards, in the
    template's form: importing it back changes nothing."""
    content = imports.export_workbook(session, actor)
    return attachment(content, f"ca_nhan_khen_thuong_{today():%Y%m%d}.xlsx", XLSX)


# ------------------------------------------------------------------------------ nominee lists


class NomineeOut(BaseModel):
    row: int  # the list's row that made it
    nomination: NominationOut
    verdict: VerdictOut  # the engine's verdict on it now, as GET /nominations/{id}/eligibility


@router.get("/nominee-lists/template", responses=FILE)
def nominee_template(actor: ActorDep) -> Response:
    """The empty nominee list to fill in (sheet «Danh sách đề nghị»), each header with a note."""
    return attachment(nominee_lists.template(), "mau_danh_sach_de_nghi.xlsx", XLSX)


@router.post("/campaigns/{campaign_id}/nominee-list", status_code=201, response_model=list[NomineeOut])
def nominee_list(
    campaign_id: PathId,
    file: Annotated[UploadFile, File(description="an .xlsx nominee list in the template's form")],
    session: SessionDep,
    actor: ActorDep,
) -> list[NomineeOut]:
    """A unit officer's list of nominees for the campaign: a draft nomination for each row, made
    as POST /nominations makes one, with its eligibility verdict. When any row is wrong, none is
    made: 422 with every problem in `details.problems` (sheet, row, column, problem)."""
    content = file.file.read(get_settings().max_import_bytes + 1)
    made = nominee_lists.import_list(
        session, actor, campaign_id, file.filename or "", file.content_type or "", content
    )
    answer = [
        NomineeOut(row=row, nomination=NominationOut.model_validate(n, from_attributes=True), verdict=verdict)
        for row, n, verdict in made
    ]
    session.commit()
    return answer
