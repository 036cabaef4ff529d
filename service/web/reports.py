"""Thống kê and Hội nghị (/thu-ky/thong-ke, /thu-ky/hoi-nghi): a secretariat's statistics of the
units in its charge with the statistical forms to download, and its conferences — the honoured
list, the report. Built on the API's functions (service/api/reports.py); for anyone outside a
secretariat the pages are refused (403), a unit or conference out of their charge is 404."""

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import conferences, imports, statforms, statistics
from models.access import Actor, today
from models.conferences import Conference
from models.errors import DomainError
from models.excel import FIRST_YEAR, LAST_YEAR
from models.org import Unit
from models.routing import Org
from service.api import MAX_ID, PathId
from service.api import reports as api
from service.deps import SessionDep
from service.web.pages import PageRoute, go, render
from service.web.secretariat import Secretariat, refused

router = APIRouter(route_class=PageRoute)
STATS, CONFERENCES = "/thu-ky/thong-ke", "/thu-ky/hoi-nghi"
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
Text = Annotated[str, Form(max_length=1000)]


def units_in_charge(session: Session, actor: Actor) -> list[Unit]:
    """The units the secretariat may count, the highest first (an administrator: every unit)."""
    ids = imports.units_in_charge(session, actor)
    query = select(Unit).order_by(col(Unit.parent_id).is_not(None), col(Unit.parent_id), Unit.name)
    if ids is not None:
        query = query.where(col(Unit.id).in_(ids))
    return list(session.exec(query))


@router.get(STATS, response_class=HTMLResponse)
def statistics_page(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    year: Year = None,
    subtree: bool = True,
) -> Response:
    """The counts of a unit (with the units below it, or alone) for a year, and its forms."""
    units = units_in_charge(session, actor)
    year = year or today().year - 1  # the year last reviewed
    unit_id = unit_id or units[0].id
    found = api.statistics_of(session, actor, unit_id, year, subtree=subtree)
    return render(
        request,
        "reports/statistics.html",
        units=units,
        unit_id=unit_id,
        year=year,
        subtree=subtree,
        found=found,
        levels=statistics.LEVEL_LABELS,
        state_labels=statistics.STATE_GROUP_LABELS,
        regime=statforms.regime_on(today()),
        forms={
            "0601": "Số phong trào thi đua",
            "0602": "Khen thưởng cấp Nhà nước",
            "0603": "Khen thưởng cấp bộ, tỉnh",
        },
        current=STATS,
    )


def conferences_page(
    request: Request, session: Session, actor: Actor, status: int = 200, **context
) -> Response:
    return render(
        request,
        "reports/conferences.html",
        status,
        conferences=conferences.listing(session, actor),
        units=units_in_charge(session, actor),
        kinds=conferences.KIND_LABELS,
        form=context.pop("form", {}),
        current=CONFERENCES,
        **context,
    )


@router.get(CONFERENCES, response_class=HTMLResponse)
def conference_list(request: Request, session: SessionDep, actor: Secretariat) -> Response:
    """The conferences of the units in the secretariat's charge, and the form to hold one."""
    return conferences_page(request, session, actor)


@router.post(CONFERENCES, response_class=HTMLResponse)
def conference_create(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    organiser_unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    kind: Annotated[str, Form(max_length=40)],
    name: Text,
    first_year: Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)],
    last_year: Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)],
    held_on: Annotated[date, Form()],
    place: Text = "",
) -> Response:
    """As POST /api/v1/conferences."""
    fields = {
        "organiser_unit_id": organiser_unit_id,
        "kind": kind,
        "name": name,
        "first_year": first_year,
        "last_year": last_year,
        "held_on": held_on,
        "place": place,
    }
    try:
        made = api.conference_create(api.ConferenceIn(**fields), session, actor)
    except (ValidationError, DomainError) as error:
        return refused(session, error, partial(conferences_page, request, session, actor, form=fields))
    return go(request, f"{CONFERENCES}/{made.id}", f"Đã tạo hội nghị: {made.name}.")


def conference_page(
    request: Request, session: Session, actor: Actor, conference_id: int, status: int = 200, **context
) -> Response:
    found = api.conference_detail(conference_id, session, actor)
    conference = session.get(Conference, conference_id)
    below = Org.of(session).below({conference.organiser_unit_id})  # in the secretariat's charge
    collectives = session.exec(select(Unit).where(col(Unit.id).in_(below)).order_by(Unit.name))
    return render(
        request,
        "reports/conference.html",
        status,
        conference=found,
        people=conferences.candidates(session, conference),
        collectives=collectives,
        current=CONFERENCES,
        **context,
    )


@router.get(CONFERENCES + "/{conference_id}", response_class=HTMLResponse)
def conference(request: Request, session: SessionDep, actor: Secretariat, conference_id: PathId) -> Response:
    """A conference: its honoured list, the form to add to it, its report."""
    return conference_page(request, session, actor, conference_id)


@router.post(CONFERENCES + "/{conference_id}/bieu-duong", response_class=HTMLResponse)
def honour(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    conference_id: PathId,
    subject: Annotated[str, Form(pattern=r"^[pc]:\d{1,10}$")],
    recognition: Annotated[str, Form(max_length=200)] = conferences.ADVANCED_EXAMPLE,
    achievement: Text = "",
) -> Response:
    """As POST /api/v1/conferences/{id}/honourees; `subject` is 'p:<person>' or 'c:<unit>'."""
    kind, _, key = subject.partition(":")
    who = {"person_id" if kind == "p" else "collective_id": int(key)}
    try:
        body = api.HonoureeIn(**who, recognition=recognition, achievement=achievement)
        added = api.honour(conference_id, body, session, actor)
    except (ValidationError, DomainError) as error:
        return refused(session, error, partial(conference_page, request, session, actor, conference_id))
    return go(request, f"{CONFERENCES}/{conference_id}", f"Đã thêm {added.name} vào danh sách biểu dương.")


@router.post(CONFERENCES + "/{conference_id}/bao-cao", response_class=HTMLResponse)
def ask_report(request: Request, session: SessionDep, actor: Secretariat, conference_id: PathId) -> Response:
    """As POST /api/v1/conferences/{id}/report."""
    try:
        asked = api.ask_report(conference_id, session, actor)
    except DomainError as error:
        return refused(session, error, partial(conference_page, request, session, actor, conference_id))
    said = (
        "Đã lập báo cáo hội nghị."
        if asked.follow_up.started
        else "Đang lập báo cáo hội nghị; hãy tải lại sau ít phút."
    )
    return go(request, f"{CONFERENCES}/{conference_id}", said)
