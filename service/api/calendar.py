"""Working-day arithmetic over the Vietnamese calendar and a tenant's own days."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from models.calendar import NATIONAL, tenant_calendar
from models.errors import InvalidInput
from service.api import PRINTABLE, refusals
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"], responses=refusals(422))


class DateOut(BaseModel):
    date: date


@router.get("/add-working-days", response_model=DateOut)
def add_working_days(
    session: SessionDep,
    start: date,
    days: Annotated[int, Query(ge=-3650, le=3650, description="working days to add (negative: before)")],
    tenant: Annotated[
        str | None, Query(max_length=40, pattern=PRINTABLE, description="province or ministry code")
    ] = None,
) -> DateOut:
    """The `days`-th working day after `start` (Mon–Fri minus public holidays, Tết included)."""
    calendar = tenant_calendar(session, tenant) if tenant else NATIONAL
    try:
        return DateOut(date=calendar.add_working_days(start, days))
    except OverflowError:  # `days` is bounded, but a start near 0001-01-01 or 9999-12-31 still steps off
        raise InvalidInput(
            f"Cộng {days} ngày làm việc vào {start.isoformat()} ra ngoài phạm vi lịch (năm 1 đến 9999) "
            "(the result falls outside the calendar's range, years 1 to 9999)",
            start=start.isoformat(),
            days=days,
        ) from None
