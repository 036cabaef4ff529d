"""A unit's drafts: create one, correct it, delete it while it is a draft; its live eligibility
verdict; the nominee's record year by year; the pre-filled achievement report to complete and
upload back (as the dossier kind `bao_cao_thanh_tich`)."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from document_templates import render
from document_templates.builders import report_doc
from models import drafting, files, workflow
from models.campaigns import Campaign
from models.errors import NotFound
from models.history import by_year
from models.nominations import Nomination
from models.org import Person, Unit
from models.routing import Org
from models.text import NFCStr
from service.api import MAX_ID, PRINTABLE, PathId, RowId, refusals
from service.api.documents import FILE, attachment
from service.api.eligibility import VerdictOut
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(
    prefix="/api/v1", tags=["nominations"], responses=refusals(400, 401, 403, 404, 409, 413, 422)
)

Code = Annotated[str, Field(min_length=1, max_length=20, pattern=PRINTABLE, examples=["LDTT"])]
Basis = Annotated[str, Field(min_length=1, max_length=40, pattern=PRINTABLE, examples=["periodic"])]
Achievement = Annotated[NFCStr, Field(max_length=1000)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the version you saw; 409 if it changed")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftIn(Body):
    award_code: Code
    campaign_id: RowId
    person_id: RowId | None = None
    collective_id: RowId | None = None
    unit_id: RowId | None = Field(
        default=None, description="the nominating unit, if the nominee is in more than one of yours"
    )
    basis: Basis = "periodic"
    achievement: Achievement = ""


class DraftEdit(Body):
    version: Version
    award_code: Code | None = Field(default=None, description="only while a draft")
    basis: Basis | None = None
    achievement: Achievement | None = None


class NominationOut(BaseModel):
    id: int
    campaign_id: int
    award_code: str
    person_id: int | None
    collective_id: int | None
    unit_id: int
    basis: str
    achievement: str
    state: str
    level: int
    version: int


class AwardOut(BaseModel):
    code: str
    decision_number: str
    decision_date: date | None
    issuer: str
    decision_id: int | None
    golden_book: str
    revoked: bool
    revoked_reason: str


class InitiativeOut(BaseModel):
    title: str
    scope: str
    recognised_by: str


class DisciplineOut(BaseModel):
    level: str
    decided_on: date | None


class YearOut(BaseModel):
    year: int
    rating: str | None
    awards: list[AwardOut]
    initiatives: list[InitiativeOut]
    discipline: list[DisciplineOut]


class HistoryOut(BaseModel):
    subject: str
    years: list[YearOut]


def _out(n: Nomination) -> NominationOut:
    return NominationOut.model_validate(n, from_attributes=True)


def _visible(session, actor, nomination_id: int) -> Nomination:
    return files.record(session, actor, "nomination", nomination_id).nominations[0]


@router.post("/nominations", status_code=201, response_model=NominationOut)
def create_draft(body: DraftIn, session: SessionDep, actor: ActorDep) -> NominationOut:
    """A draft nomination at the nominee's grassroots unit, by its officer."""
    campaign = session.get(Campaign, body.campaign_id)
    if campaign is None:
        raise NotFound(f"Không có đợt thi đua #{body.campaign_id}")
    unit_id = body.unit_id or drafting.nominating_unit(
        session, actor, campaign.year, body.person_id, body.collective_id
    )
    fields = body.model_dump(include={"person_id", "collective_id", "basis", "achievement"})
    n = workflow.nominate(session, actor, campaign, body.award_code, unit_id=unit_id, **fields)
    session.commit()
    return _out(n)


@router.patch("/nominations/{nomination_id}", response_model=NominationOut)
def edit_draft(nomination_id: PathId, body: DraftEdit, session: SessionDep, actor: ActorDep) -> NominationOut:
    """Correct a draft, or a nomination returned for supplements (its award only while a draft)."""
    n = _visible(session, actor, nomination_id)
    changes = body.model_dump(exclude={"version"})
    drafting.edit(session, n, actor, expected_version=body.version, **changes)
    session.commit()
    return _out(n)


@router.delete("/nominations/{nomination_id}", status_code=204, response_class=Response)
def delete_draft(
    nomination_id: PathId,
    session: SessionDep,
    actor: ActorDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_ID, description="the version you saw")] = None,
) -> Response:
    """Delete a draft: it leaves every list and page; its audit trail stays."""
    n = _visible(session, actor, nomination_id)
    workflow.apply(session, n, "delete", actor, expected_version=version)
    session.commit()
    return Response(status_code=204)


@router.get("/nominations/{nomination_id}/eligibility", response_model=VerdictOut)
def eligibility(nomination_id: PathId, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """The engine's verdict on the nomination as its subject's history stands now, article by article."""
    return drafting.live_verdict(session, _visible(session, actor, nomination_id))


@router.get("/nominations/{nomination_id}/achievement-report", response_class=Response, responses=FILE)
def achievement_report(nomination_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The Báo cáo thành tích form (Word), pre-filled with the nominee's details and record, to
    complete and upload back as the dossier kind `bao_cao_thanh_tich`."""
    n = _visible(session, actor, nomination_id)
    content = render("bao_cao_thanh_tich", report_doc(session, n), Org.of(session).tenant(n.unit_id))
    return attachment(content, f"Báo cáo thành tích - hồ sơ {n.id}.docx")


@router.get("/people/{person_id}/history", response_model=HistoryOut)
def person_history(person_id: PathId, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A person's ratings, awards, initiatives and disciplinary measures by year, newest first."""
    person = session.get(Person, person_id)
    if person is None or not drafting.in_scope(session, actor, person_id=person_id):
        raise NotFound(f"Không có người #{person_id}")
    return {"subject": person.full_name, "years": by_year(session, person_id=person_id)}


@router.get("/units/{unit_id}/history", response_model=HistoryOut)
def unit_history(unit_id: PathId, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A collective's ratings and awards by year, newest first."""
    unit = session.get(Unit, unit_id)
    if unit is None or not drafting.in_scope(session, actor, unit_id=unit_id):
        raise NotFound(f"Không có đơn vị #{unit_id}")
    return {"subject": unit.name, "years": by_year(session, collective_id=unit_id)}
