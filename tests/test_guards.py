"""Guards beyond eligibility: the tenant's quota, and units that no longer exist."""

from datetime import date

import pytest

from models.errors import GuardFailed
from models.history import Rating
from models.nominations import State
from models.workflow import nominate, submit
from tests.factories import NOW, YEAR, grassroots_fighters_capped, person
from tests.test_workflow import report


def nominate_new(session, province, award: str, count: int, rating: str = "HTXS"):
    """`count` new people of Phòng Ngân sách, rated for the year, nominated for `award`."""
    nominations = []
    for i in range(count):
        p = person(session, f"Cán bộ {award} {i + 1}", province.units["ns"])
        session.add(Rating(person_id=p.id, year=YEAR, level=rating))
        session.flush()
        n = nominate(
            session,
            province.actors["officer"],
            province.campaign,
            award,
            unit_id=province.units["stc"].id,
            person_id=p.id,
            now=NOW,
        )
        report(session, province, n)
        nominations.append(n)
    return nominations


def test_a_tenants_cap_on_grassroots_fighters_counts_its_advanced_workers(session, province):
    with grassroots_fighters_capped("15/100"):
        submit(session, province.actors["officer"], nominate_new(session, province, "LDTT", 5), now=NOW)
        # pool: 5 nominated + 2 who already hold LĐTT for the year (fighter, veteran) = 7 → 15% = 1
        first, second = nominate_new(session, province, "CSTDCS", 2)
        submit(session, province.actors["officer"], [first], now=NOW)
        with pytest.raises(GuardFailed, match="tối đa 1") as refusal:
            submit(session, province.actors["officer"], [second], now=NOW)
    assert refusal.value.code == "quota_exceeded"
    assert refusal.value.details == {"limit": 1, "taken": 1}


def test_the_demo_province_sets_no_cap_on_grassroots_fighters(session, province):
    """Law 06/2022 Art. 23 delegates no cap; Decree 91/2017's 15 % is repealed."""
    submit(session, province.actors["officer"], nominate_new(session, province, "LDTT", 5), now=NOW)
    fighters = nominate_new(session, province, "CSTDCS", 2)
    submit(session, province.actors["officer"], fighters, now=NOW)
    assert {n.state for n in fighters} == {State.SUBMITTED}


def test_a_dissolved_unit_can_no_longer_be_routed_to(session, province):
    province.units["province"].valid_to = date(2025, 6, 30)  # merged on 1 July 2025
    session.add(province.units["province"])
    session.flush()
    with pytest.raises(GuardFailed, match="không còn hoạt động") as refusal:
        nominate_new(session, province, "BK_TINH", 1)
    assert refusal.value.code == "unit_dissolved"
