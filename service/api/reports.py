"""Statistics, the statistical forms, and conferences (models/statistics.py, models/statforms.py,
models/conferences.py), for the secretariats: each sees the units in its charge — its own unit and
those below (the province's, the whole province) — and a unit or conference out of its charge
answers 404; anyone outside a secretariat, 403."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from models import conferences, statforms, statistics
from models.access import today
from models.conferences import Conference, ConferenceKind
from models.decisions import GeneratedDocument
from models.dossier import Store
from models.errors import NotFound
from models.excel import FIRST_YEAR, LAST_YEAR
from models.route import Flow
from models.text import NFCStr
from models.uploads import XLSX
from service.api import MAX_ID, PathId, RowId, refusals
from service.api.documents import DOCX, FILE, attachment
from service.api.workflow import FollowUp, start
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["reports"], responses=refusals(401, 403, 404, 422))
Year = Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
UnitId = Annotated[int, Query(ge=1, le=MAX_ID, description="the unit whose statistics")]


def period(year: int, last_year: int | None, from_day: date | None, to_day: date | None) -> statistics.Period:
    if from_day or to_day:
        if from_day is None or to_day is None:
            return statistics.Period(year, year, from_day, to_day)  # refused, naming what is missing
        return statistics.Period.days(from_day, to_day)
    return statistics.Period(year, last_year or year)


@router.get("/statistics")
def statistics_of(
    session: SessionDep,
    actor: ActorDep,
    unit_id: UnitId,
    year: Year,
    last_year: Annotated[
        int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="a span year–last_year")
    ] = None,
    from_day: Annotated[date | None, Query(description="with to_day: awards decided in these days")] = None,
    to_day: date | None = None,
    subtree: Annotated[bool, Query(description="with the units below it")] = True,
) -> dict:
    """The unit's counts: awards by award, kind, level, subject, gender and way of commendation;
    nominations by state; campaigns launched."""
    scope = statistics.Scope.of(session, actor, unit_id, period(year, last_year, from_day, to_day), subtree)
    return statistics.summary(session, scope, statistics.ruleset(session, unit_id, today()))


@router.get("/statistics/forms", responses=FILE)
def forms(
    session: SessionDep,
    actor: ActorDep,
    unit_id: UnitId,
    year: Year,
    on: Annotated[
        date | None, Query(description="the report's date, which chooses the regime; today")
    ] = None,
    form: Annotated[
        Literal["0601", "0602", "0603"] | None, Query(description="one form (Biểu số …N/BNV-TĐKT); all")
    ] = None,
    subtree: bool = True,
) -> Response:
    """The statistical forms of the home-affairs reporting regime in force on the report's date,
    one sheet each, counted over the unit (and those below it) for the year."""
    on = on or today()
    scope = statistics.Scope.of(session, actor, unit_id, statistics.Period.year(year), subtree)
    content = statforms.workbook(
        session, scope, on, statistics.ruleset(session, unit_id, on), (form,) if form else None
    )
    return attachment(content, f"bieu_thong_ke_tdkt_{year}{'_' + form if form else ''}.xlsx", XLSX)


# ------------------------------------------------------------------------------ conferences


class ConferenceIn(BaseModel):
    organiser_unit_id: RowId
    kind: ConferenceKind
    name: NFCStr = Field(min_length=1, max_length=300)
    first_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    last_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    held_on: date
    place: NFCStr = Field(default="", max_length=200)


class ConferenceOut(BaseModel):
    id: int
    organiser_unit_id: int
    kind: ConferenceKind
    kind_label: str
    name: str
    first_year: int
    last_year: int
    held_on: date
    place: str
    report_version: int
    version: int


class HonoureeIn(BaseModel):
    person_id: RowId | None = None
    collective_id: RowId | None = None
    recognition: NFCStr = Field(default=conferences.ADVANCED_EXAMPLE, min_length=1, max_length=200)
    achievement: NFCStr = Field(default="", max_length=1000)


class AwardOut(BaseModel):
    year: int
    code: str
    name: str
    decision: str


class HonoureeOut(BaseModel):
    id: int
    person_id: int | None
    collective_id: int | None
    name: str
    detail: str
    recognition: str
    achievement: str
    awards: list[AwardOut]


class ConferenceDetail(ConferenceOut):
    honoured: list[HonoureeOut]
    report: bool  # the report asked for last is ready


class ReportAsked(BaseModel):
    id: int
    report_version: int
    follow_up: FollowUp


def out(c: Conference) -> ConferenceOut:
    return ConferenceOut(**c.model_dump(), kind_label=c.kind.label)


def award_names(session: Session, c: Conference) -> dict[str, str]:
    return {
        code: a.name for code, a in statistics.ruleset(session, c.organiser_unit_id, c.held_on).awards.items()
    }


def latest_report(session: Session, c: Conference) -> GeneratedDocument | None:
    return session.exec(
        select(GeneratedDocument).where(
            GeneratedDocument.owner == c.owner, GeneratedDocument.kind == c.report_kind
        )
    ).first()


def detail(session: Session, c: Conference) -> ConferenceDetail:
    honoured = conferences.honoured(session, c, award_names(session, c))
    return ConferenceDetail(
        **out(c).model_dump(),
        honoured=honoured,
        report=latest_report(session, c) is not None,
    )


@router.get("/conferences", response_model=list[ConferenceOut])
def conference_list(session: SessionDep, actor: ActorDep) -> list[ConferenceOut]:
    """The conferences organised by the units in the caller's charge, the latest first."""
    return [out(c) for c in conferences.listing(session, actor)]


@router.post("/conferences", status_code=201, response_model=ConferenceOut, responses=refusals(400, 409, 413))
def conference_create(body: ConferenceIn, session: SessionDep, actor: ActorDep) -> ConferenceOut:
    """A conference of advanced examples or a review conference of a unit in the caller's charge;
    409 when the unit has it already for the period."""
    made = conferences.create(session, actor, **body.model_dump())
    session.commit()
    session.refresh(made)
    return out(made)


@router.get("/conferences/{conference_id}", response_model=ConferenceDetail)
def conference_detail(conference_id: PathId, session: SessionDep, actor: ActorDep) -> ConferenceDetail:
    """The conference, its honoured list with each subject's awards of the period, and whether
    its report is ready."""
    return detail(session, conferences.visible(session, actor, conference_id))


@router.post(
    "/conferences/{conference_id}/honourees",
    status_code=201,
    response_model=HonoureeOut,
    responses=refusals(400, 409, 413),
)
def honour(conference_id: PathId, body: HonoureeIn, session: SessionDep, actor: ActorDep) -> HonoureeOut:
    """Add a person or collective of the organiser's units to the honoured list; 409 when it is
    on it already."""
    entry = conferences.honour(session, actor, conference_id, **body.model_dump())
    session.commit()
    c = session.get(Conference, conference_id)
    return HonoureeOut(
        **next(h for h in conferences.honoured(session, c, award_names(session, c)) if h["id"] == entry.id)
    )


@router.get("/conferences/{conference_id}/honourees.xlsx", responses=FILE)
def honoured_xlsx(conference_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The honoured list as .xlsx."""
    c = conferences.visible(session, actor, conference_id)
    content = conferences.honoured_workbook(session, c, award_names(session, c))
    return attachment(content, f"danh_sach_bieu_duong_{c.id}.xlsx", XLSX)


@router.post(
    "/conferences/{conference_id}/report",
    status_code=202,
    response_model=ReportAsked,
    responses=refusals(400, 409, 413),
)
def ask_report(conference_id: PathId, session: SessionDep, actor: ActorDep) -> ReportAsked:
    """Write the conference's report afresh (the conference_report flow): the period's statistics
    and the honoured list as they stand now."""
    c = conferences.request_report(session, actor, conference_id)
    version = c.report_version
    session.commit()
    return ReportAsked(
        id=conference_id, report_version=version, follow_up=start(Flow.CONFERENCE_REPORT, conference_id)
    )


@router.get("/conferences/{conference_id}/report", responses=FILE)
def report(conference_id: PathId, session: SessionDep, actor: ActorDep) -> Response:
    """The report asked for last, in Word; 404 until its flow has written it."""
    c = conferences.visible(session, actor, conference_id)
    found = latest_report(session, c)
    if found is None:
        raise NotFound(f"Báo cáo của hội nghị #{conference_id} chưa được lập")
    return attachment(Store().get(found.sha256), found.filename, DOCX)
