"""Sổ vàng (/thu-ky/so-vang): an issuer's golden book for a year — the decisions it issued and
every award they entered, by entry number — read from what GET /api/v1/units/{id}/golden-book
returns, with its Word and .xlsx files. For the secretariats and the authorities of the units that
issue decisions; whom may not see a unit's decisions gets no book of it (404, as the API)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from document_templates.registers import golden_book
from models.access import Actor, today
from models.decisions import Decision, DecisionState
from models.errors import Forbidden
from models.org import Role, Unit
from service.api import MAX_ID
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, held_roles, render

router = APIRouter(route_class=PageRoute)
ISSUING_ROLES = {Role.SECRETARIAT, Role.SECRETARIAT_HEAD, Role.AUTHORITY}


def issuers(session: Session, actor: Actor) -> list[Unit]:
    """The units whose book this person keeps or signs in: where they serve as secretariat or
    authority; an administrator, every unit that has issued a decision."""
    ids = {unit_id for role, unit_id in actor.grants if role in ISSUING_ROLES}
    if actor.is_admin:
        ids |= set(session.exec(select(Decision.issuer_unit_id).distinct()))
    if not ids:
        raise Forbidden(f"{actor.name} không giữ sổ vàng của đơn vị nào (forbidden)")
    return list(session.exec(select(Unit).where(col(Unit.id).in_(ids)).order_by(col(Unit.name))))


def years(session: Session, unit_id: int) -> list[int]:
    """The years the unit issued decisions in, and this one, the latest first."""
    issued = session.exec(
        select(Decision.year)
        .where(Decision.issuer_unit_id == unit_id, Decision.state == DecisionState.ISSUED)
        .distinct()
    )
    return sorted({today().year, *issued}, reverse=True)


@router.get("/thu-ky/so-vang", response_class=HTMLResponse)
def book(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    don_vi: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    nam: Annotated[int | None, Query(ge=1945, le=2100)] = None,
) -> Response:
    """The book of the chosen unit (the first of the caller's) and year (this one)."""
    units = issuers(session, actor)
    unit_id = don_vi or units[0].id
    year = nam or today().year
    return render(
        request,
        "registers/golden_book.html",
        secretariat="secretariat" in held_roles(actor),
        units=units,
        unit_id=unit_id,
        year=year,
        years=years(session, unit_id),
        book=golden_book(session, actor, unit_id, year),
        download=f"/api/v1/units/{unit_id}/golden-book?year={year}&format=",
    )
