"""Working days for deadlines: Monday to Friday, minus Vietnam's public holidays (Labour Code 2019
Art. 112) and the Government's yearly swaps, plus a tenant's own days off and make-up working days.

2026 as decided: Tết Mon 16 – Fri 20 Feb; Giỗ Tổ Hùng Vương falls on Sunday 26 Apr and is taken on
Monday 27 Apr; 30/4 and 1/5 are Thursday and Friday; Quốc khánh is Tue 1 – Wed 2 Sep, and Monday
31 Aug is given off in exchange for working Saturday 22 Aug.
"""

from datetime import date

import pytest

from models.calendar import NATIONAL, WorkingCalendar

DAYS_OFF_2026 = {
    "tet_giao_thua": date(2026, 2, 16),
    "tet_mung_1": date(2026, 2, 17),
    "tet_mung_2": date(2026, 2, 18),
    "tet_mung_3": date(2026, 2, 19),
    "tet_mung_4": date(2026, 2, 20),
    "gio_to_observed_monday": date(2026, 4, 27),
    "victory_day_30_4": date(2026, 4, 30),
    "labour_day_1_5": date(2026, 5, 1),
    "swapped_day_off_31_8": date(2026, 8, 31),
    "national_day_eve_1_9": date(2026, 9, 1),
    "national_day_2_9": date(2026, 9, 2),
}


@pytest.mark.parametrize("day", DAYS_OFF_2026.values(), ids=DAYS_OFF_2026.keys())
def test_weekday_holidays_of_2026_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert not NATIONAL.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2026, 2, 13), True, id="friday_before_tet"),
        pytest.param(date(2026, 2, 23), True, id="monday_after_tet"),
        pytest.param(date(2026, 4, 26), False, id="gio_to_on_a_sunday"),
        pytest.param(date(2026, 4, 28), True, id="tuesday_after_gio_to"),
        pytest.param(date(2026, 8, 22), True, id="swapped_working_saturday_22_8"),
        pytest.param(date(2026, 8, 29), False, id="ordinary_saturday"),
        pytest.param(date(2026, 9, 3), True, id="thursday_after_national_day"),
    ],
)
def test_working_day_status_around_the_2026_holidays(day: date, working: bool) -> None:
    assert NATIONAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2026, 2, 13), 1, date(2026, 2, 23), id="tet_week_is_skipped"),
        pytest.param(date(2026, 2, 12), 2, date(2026, 2, 23), id="two_days_across_tet"),
        pytest.param(date(2026, 2, 9), 10, date(2026, 3, 2), id="ten_days_across_tet"),
        pytest.param(date(2026, 4, 24), 1, date(2026, 4, 28), id="gio_to_observed_on_monday_27_4"),
        pytest.param(date(2026, 4, 29), 1, date(2026, 5, 4), id="across_30_4_and_1_5"),
        pytest.param(date(2026, 4, 24), 3, date(2026, 5, 4), id="week_of_gio_to_30_4_and_1_5"),
        pytest.param(date(2026, 8, 21), 1, date(2026, 8, 22), id="onto_the_swapped_working_saturday"),
        pytest.param(date(2026, 8, 28), 1, date(2026, 9, 3), id="across_31_8_1_9_and_2_9"),
        pytest.param(date(2026, 3, 6), 5, date(2026, 3, 13), id="ordinary_week"),
    ],
)
def test_add_working_days_forward(start: date, n: int, expected: date) -> None:
    assert NATIONAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2026, 2, 23), -1, date(2026, 2, 13), id="back_across_tet"),
        pytest.param(date(2026, 5, 4), -1, date(2026, 4, 29), id="back_across_30_4_and_1_5"),
        pytest.param(date(2026, 5, 4), -3, date(2026, 4, 24), id="back_across_the_gio_to_week"),
        pytest.param(date(2026, 9, 3), -1, date(2026, 8, 28), id="back_across_national_day"),
        pytest.param(date(2026, 8, 24), -1, date(2026, 8, 22), id="back_onto_the_swapped_saturday"),
    ],
)
def test_add_working_days_backward_with_negative_n(start: date, n: int, expected: date) -> None:
    assert NATIONAL.add_working_days(start, n) == expected
    assert NATIONAL.add_working_days(expected, -n) == start


@pytest.mark.parametrize(
    "start",
    [date(2026, 3, 10), date(2026, 2, 17), date(2026, 3, 14)],
    ids=["working_day", "tet_holiday", "saturday"],
)
def test_zero_working_days_is_the_start_itself(start: date) -> None:
    assert NATIONAL.add_working_days(start, 0) == start


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        pytest.param(date(2026, 2, 13), date(2026, 2, 23), 1, id="across_tet"),
        pytest.param(date(2026, 2, 13), date(2026, 2, 20), 0, id="tet_week_only"),
        pytest.param(date(2026, 4, 24), date(2026, 5, 1), 2, id="week_of_gio_to_30_4_and_1_5"),
        pytest.param(date(2026, 8, 21), date(2026, 9, 4), 8, id="swap_weeks_around_national_day"),
        pytest.param(date(2026, 3, 10), date(2026, 3, 10), 0, id="same_day"),
        pytest.param(date(2026, 2, 23), date(2026, 2, 13), -1, id="end_before_start_is_negative"),
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert NATIONAL.working_days_between(start, end) == count


def test_working_days_between_is_the_inverse_of_add_working_days() -> None:
    start = date(2026, 1, 2)
    for n in range(0, 260, 7):
        assert NATIONAL.working_days_between(start, NATIONAL.add_working_days(start, n)) == n


# A tenant (province or ministry) adds its own days off and make-up working days on top.
LOCAL_HOLIDAY = date(2026, 3, 10)  # a Tuesday
MAKE_UP_SATURDAY = date(2026, 3, 14)
TENANT = WorkingCalendar(days_off=frozenset({LOCAL_HOLIDAY}), working_days=frozenset({MAKE_UP_SATURDAY}))


def test_tenant_extra_day_off_is_skipped() -> None:
    assert not TENANT.is_working_day(LOCAL_HOLIDAY)
    assert TENANT.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert TENANT.add_working_days(date(2026, 3, 11), -1) == date(2026, 3, 9)
    assert NATIONAL.add_working_days(date(2026, 3, 9), 1) == LOCAL_HOLIDAY


def test_tenant_extra_working_day_counts() -> None:
    assert TENANT.is_working_day(MAKE_UP_SATURDAY)
    assert TENANT.add_working_days(date(2026, 3, 13), 1) == MAKE_UP_SATURDAY
    assert NATIONAL.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_tenant_overrides_change_the_count_between_two_days() -> None:
    monday, next_monday = date(2026, 3, 9), date(2026, 3, 16)
    assert NATIONAL.working_days_between(monday, next_monday) == 5
    assert TENANT.working_days_between(monday, next_monday) == 5  # one day lost, one gained
    assert WorkingCalendar(days_off=frozenset({LOCAL_HOLIDAY})).working_days_between(monday, next_monday) == 4


def test_tenant_overrides_take_precedence_over_the_national_calendar() -> None:
    works_on_tet = WorkingCalendar(working_days=frozenset({date(2026, 2, 20)}))
    assert works_on_tet.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 20)
    rests_on_swap = WorkingCalendar(days_off=frozenset({date(2026, 8, 22)}))
    assert rests_on_swap.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 24)
    assert NATIONAL.is_working_day(date(2026, 2, 20)) is False
