"""Working days: Monday to Friday minus Vietnamese public holidays (Tết and Giỗ Tổ Hùng Vương
included, from the `holidays` library), with the Government's yearly swaps (a Saturday worked to
bridge a holiday), and a tenant's own extra days off or working days on top."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select


class CalendarDay(SQLModel, table=True):
    """A tenant's exception to the national calendar (a local holiday, a make-up working day)."""

    __table_args__ = (UniqueConstraint("tenant", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=40)  # the province's or ministry's unit code
    day: date
    working: bool
    note: str = Field(default="", max_length=200)


@lru_cache(maxsize=256)
def _national(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off on weekdays, Saturdays/Sundays worked) for one year."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    swapped = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return frozenset(vn), swapped


def holiday_name(day: date) -> str | None:
    return holidays.country_holidays("VN", years=day.year, language="vi").get(day)


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        off, swapped = _national(day.year)
        return day in swapped or (day.weekday() < 5 and day not in off)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n is negative); n = 0 is `start`."""
        step = timedelta(days=1 if n >= 0 else -1)
        day, remaining = start, abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


NATIONAL = WorkingCalendar()


def tenant_calendar(session: Session, tenant: str | None) -> WorkingCalendar:
    if not tenant:
        return NATIONAL
    rows = session.exec(select(CalendarDay).where(CalendarDay.tenant == tenant)).all()
    return WorkingCalendar(
        days_off=frozenset(r.day for r in rows if not r.working),
        working_days=frozenset(r.day for r in rows if r.working),
    )
