"""Registers: an issuer's Sổ vàng (golden book) for a year — the decisions it issued and every
award they entered, by entry number — as JSON, Word or .xlsx. Seen by whom sees the unit's
decisions; to anyone else it does not exist (404)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from document_templates.contexts import GoldenBookDoc
from document_templates.registers import golden_book, golden_book_file
from models.access import today
from service.api import PathId, refusals
from service.api.documents import FILE, attachment, content_type_of
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["registers"], responses=refusals(401, 404, 422))
Year = Annotated[int | None, Query(ge=1945, le=2100, description="the year of signing; this year if omitted")]
Format = Annotated[Literal["json", "docx", "xlsx"], Query(description="json, or a file: docx (Word), xlsx")]


@router.get(
    "/units/{unit_id}/golden-book",
    response_model=GoldenBookDoc,
    responses={200: {"content": FILE[200]["content"] | {"application/json": {}}}},
)
def unit_golden_book(
    unit_id: PathId, session: SessionDep, actor: ActorDep, year: Year = None, format: Format = "json"
) -> GoldenBookDoc | Response:
    """Sổ vàng of the unit's decisions signed in `year`, by entry number."""
    document = golden_book(session, actor, unit_id, year or today().year)
    if format == "json":
        return document
    content, filename = golden_book_file(session, document, unit_id, format)
    return attachment(content, filename, content_type_of(filename))
