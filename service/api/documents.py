"""Dossier files and generated documents: upload a nomination's or a Tờ trình batch's files (checked
by content before anything is stored, models/uploads.py), list every version, download them; list
and download what the engine produced for a decision, a council session or a Tờ trình (the Word
files, the PDF where exported, the certificates' print file). Who may not see the record is told
it does not exist (models/files.py)."""

import re
import unicodedata
from datetime import datetime
from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from document_templates import publish
from models import drafting, files
from models.config import get_settings
from models.decisions import GeneratedDocument
from models.dossier import Store
from models.errors import NotFound
from models.nominations import DossierDocument, Submission
from models.uploads import DOCX
from service.api import PRINTABLE, PathId, refusals
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(
    prefix="/api/v1", tags=["documents"], responses=refusals(400, 401, 403, 404, 409, 413, 422)
)

# The upload routes, which BodyLimit (service/app.py) lets carry a file of max_upload_bytes.
UPLOADS = r"/api/v1/(nominations|submissions)/[0-9]+/documents$"
MULTIPART_OVERHEAD = 64 * 1024  # the form's boundaries, headers and the kind field
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY_EXTENSION = {".docx": DOCX, ".pdf": "application/pdf", ".xlsx": XLSX}
FILE = {200: {"content": {"application/octet-stream": {}}, "description": "the file, as an attachment"}}


class DocumentOut(BaseModel):
    """One version of one kind of an uploaded dossier file."""

    id: int
    kind: str
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: int | None
    uploaded_at: datetime
    url: str


class FileOut(BaseModel):
    """A document the engine produced."""

    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created: datetime
    url: str


def _document(d: DossierDocument) -> DocumentOut:
    fields = {name: getattr(d, name) for name in DocumentOut.model_fields if name != "url"}
    return DocumentOut(**fields, url=f"/api/v1/documents/{d.id}/content")


def _file(d: GeneratedDocument) -> FileOut:
    return FileOut(
        id=d.id,
        kind=d.kind,
        filename=d.filename,
        content_type=content_type_of(d.filename),
        size=d.size,
        sha256=d.sha256,
        created=d.generated_at,
        url=f"/api/v1/files/{d.id}/content",
    )


def content_type_of(filename: str) -> str:
    return BY_EXTENSION.get(PurePosixPath(filename).suffix.lower(), "application/octet-stream")


def disposition(filename: str) -> str:
    """An attachment's name for every browser: an ASCII fallback, and the Vietnamese name itself
    in RFC 5987's filename* (UTF-8, percent-encoded)."""
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = re.sub(r"[^A-Za-z0-9._ -]", "_", plain.encode("ascii", "ignore").decode()) or "tep"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def headers(filename: str) -> dict[str, str]:
    """A download is never rendered by the browser as a page: its type is as stated, never
    sniffed, and it runs nothing."""
    return {
        "Content-Disposition": disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }


def download(sha256: str, filename: str, content_type: str) -> FileResponse:
    path = Store().path(sha256)
    if not path.is_file():
        raise NotFound(f"Tệp {filename} không còn trong kho lưu trữ (missing from the store)")
    return FileResponse(path, media_type=content_type, headers=headers(filename))


Kind = Annotated[str, Form(min_length=1, max_length=40, pattern=PRINTABLE, examples=["bao_cao_thanh_tich"])]
Upload = Annotated[UploadFile, File(description="PDF, DOCX, JPEG or PNG")]


def _read(file: UploadFile) -> bytes:
    """At most one byte more than allowed: enough to tell that it is too large."""
    return file.file.read(get_settings().max_upload_bytes + 1)


def _committed(session: Session, document: DossierDocument) -> DocumentOut:
    session.commit()
    return _document(document)


@router.post("/nominations/{nomination_id}/documents", status_code=201, response_model=DocumentOut)
def upload_to_nomination(
    nomination_id: PathId, kind: Kind, file: Upload, session: SessionDep, actor: ActorDep
) -> DocumentOut:
    """A file of the nomination's dossier, by its unit's officer while it is a draft or returned
    for supplements. A new version of its kind; earlier versions stay."""
    n = files.record(session, actor, "nomination", nomination_id).nominations[0]
    document = drafting.upload(
        session, actor, n, kind, file.filename or "", file.content_type or "", _read(file)
    )
    return _committed(session, document)


@router.post("/submissions/{submission_id}/documents", status_code=201, response_model=DocumentOut)
def upload_to_submission(
    submission_id: PathId, kind: Kind, file: Upload, session: SessionDep, actor: ActorDep
) -> DocumentOut:
    """A document of a Tờ trình batch, by its sending unit, while the level it went to has not
    received all it carries."""
    files.record(session, actor, "submission", submission_id)
    submission = session.get(Submission, submission_id)
    document = drafting.upload_to_batch(
        session, actor, submission, kind, file.filename or "", file.content_type or "", _read(file)
    )
    return _committed(session, document)


@router.get("/nominations/{nomination_id}/documents", response_model=list[DocumentOut])
def nomination_documents(nomination_id: PathId, session: SessionDep, actor: ActorDep) -> list[DocumentOut]:
    """Every version of every kind of the nomination's dossier files."""
    return [
        _document(d)
        for d in files.dossier(session, files.record(session, actor, "nomination", nomination_id))
    ]


@router.get("/submissions/{submission_id}/documents", response_model=list[DocumentOut])
def submission_documents(submission_id: PathId, session: SessionDep, actor: ActorDep) -> list[DocumentOut]:
    """Every version of every kind of the Tờ trình batch's documents."""
    return [
        _document(d)
        for d in files.dossier(session, files.record(session, actor, "submission", submission_id))
    ]


@router.get("/documents/{document_id}/content", response_class=FileResponse, responses=FILE)
def document_content(document_id: PathId, session: SessionDep, actor: ActorDep) -> FileResponse:
    """Download one version of a dossier file."""
    d = files.dossier_document(session, actor, document_id)
    return download(d.sha256, d.filename, d.content_type)


def generated_files(session: Session, actor, entity: str, record_id: int) -> list[FileOut]:
    return [_file(d) for d in files.generated(session, files.record(session, actor, entity, record_id))]


@router.get("/decisions/{decision_id}/files", response_model=list[FileOut])
def decision_files(decision_id: PathId, session: SessionDep, actor: ActorDep) -> list[FileOut]:
    """The Quyết định with its Danh sách (Word; PDF where exported), each nominee's certificate
    and the certificates' print file (in_bang_khen, in_giay_khen) with its text alone for the
    pre-printed phôi (in_phoi), and the list of the reward money (chi_tien_thuong, Word;
    chi_tien_thuong_xlsx)."""
    return generated_files(session, actor, "decision", decision_id)


@router.get("/decisions/{decision_id}/print-on-form", response_class=Response, responses=FILE)
def print_on_form(decision_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The print file for the phôi ("In trên phôi"): the decision's Bằng khen or Giấy khen as their
    variable text alone, one page per nominee, at the places the tenant's layout of the form gives
    now (after a calibration; the in_phoi file among the decision's files was written when it was
    issued)."""
    files.record(session, actor, "decision", decision_id)
    name, content = publish.print_on_form(session, decision_id)
    return attachment(content, name)


@router.get("/decisions/{decision_id}/print-on-form/calibration", response_class=Response, responses=FILE)
def print_on_form_calibration(decision_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The phôi's calibration page ("Trang hiệu chỉnh"): each field's box outlined and labelled with
    its coordinates, rulers every 10 mm, to print on plain paper and lay over a phôi."""
    files.record(session, actor, "decision", decision_id)
    name, content = publish.calibration(session, decision_id)
    return attachment(content, name)


@router.get("/council-sessions/{session_id}/files", response_model=list[FileOut])
def council_session_files(session_id: PathId, session: SessionDep, actor: ActorDep) -> list[FileOut]:
    """The minutes (Biên bản) of the council session."""
    return generated_files(session, actor, "council_session", session_id)


@router.get("/submissions/{submission_id}/files", response_model=list[FileOut])
def submission_files(submission_id: PathId, session: SessionDep, actor: ActorDep) -> list[FileOut]:
    """The Tờ trình with its Danh sách."""
    return generated_files(session, actor, "submission", submission_id)


@router.get("/files/{file_id}/content", response_class=FileResponse, responses=FILE)
def file_content(file_id: PathId, session: SessionDep, actor: ActorDep) -> FileResponse:
    """Download a generated document."""
    d = files.generated_document(session, actor, file_id)
    return download(d.sha256, d.filename, content_type_of(d.filename))


def attachment(content: bytes, filename: str, content_type: str = DOCX) -> Response:
    return Response(content, media_type=content_type, headers=headers(filename))
