"""The statistics against a small province whose records are counted here by hand: every expected
number below was counted from the table in `town`'s docstring, not computed by the code under test."""

from datetime import date

import pytest

from models.campaigns import Campaign, CampaignKind
from models.catalogue import default_catalogue
from models.decisions import Decision, DecisionState
from models.errors import InvalidInput
from models.history import AwardRecord
from models.nominations import Nomination, State
from models.org import Membership, Person, UnitKind
from models.statistics import Level, Organiser, Period, Scope, Way, awards, campaigns, nominations
from tests.factories import unit

RULES = default_catalogue().for_date(date(2025, 1, 1))


@pytest.fixture
def town(session):
    """Units: P (province) > A (agency) > A1 (subunit); P > B (agency); P > E (enterprise).

    people      posts                                  awards (year: codes)
    An, nam     A from 2015                            2023: LDTT · 2024: LDTT, CSTDCS, BK_TINH
    Bình, nữ    A1 from 2015                           2024: LDTT, HCLD3 · 2025: LDTT
    Chi, nữ     B from 2015                            2024: LDTT, BK_TINH (revoked)
    Dũng, nam   E from 2015                            2024: LDTT, BK_TTG
    Em, nữ      A1 2015 – 30/06/2023, B from 1/7/2023  2023: LDTT · 2024: LDTT
    collectives: A 2024: TTLDXS · A1 2024: TTLDTT · E 2024: BK_TINH, CO_TD_TINH

    decision dates: Dũng's BK_TTG 01/06/2025, Bình's HCLD3 02/09/2025, the rest none.
    Dũng's BK_TTG came from a nomination of P's annual 2024 campaign (periodic), E's CO_TD_TINH
    from one of P's thematic 2024 campaign, Bình's HCLD3 from one on a judgement route.
    campaigns: P annual 2024, P thematic 2024, A thematic 2024, B annual 2023.
    nominations: see below, each with its state.
    """
    u = {}
    u["P"] = unit(session, "P", "Tỉnh P", "UBND", UnitKind.PROVINCE)
    u["A"] = unit(session, "A", "Sở A", "SA", UnitKind.AGENCY, u["P"])
    u["A1"] = unit(session, "A1", "Phòng A1", "PA1", UnitKind.SUBUNIT, u["A"])
    u["B"] = unit(session, "B", "Sở B", "SB", UnitKind.AGENCY, u["P"])
    u["E"] = unit(session, "E", "Công ty E", "CTE", UnitKind.ENTERPRISE, u["P"])
    people = {}
    for name, gender, at in (
        ("An", "nam", "A"),
        ("Bình", "nữ", "A1"),
        ("Chi", "nữ", "B"),
        ("Dũng", "nam", "E"),
        ("Em", "nữ", "A1"),
    ):
        people[name] = p = Person(full_name=name, gender=gender)
        session.add(p)
        session.flush()
        end = date(2023, 6, 30) if name == "Em" else None
        session.add(Membership(person_id=p.id, unit_id=u[at].id, start_on=date(2015, 1, 1), end_on=end))
    session.add(Membership(person_id=people["Em"].id, unit_id=u["B"].id, start_on=date(2023, 7, 1)))
    annual = Campaign(organiser_unit_id=u["P"].id, name="Năm 2024", year=2024, launched_on=date(2024, 1, 5))
    thematic = Campaign(
        organiser_unit_id=u["P"].id,
        name="Chuyên đề 2024",
        kind=CampaignKind.THEMATIC,
        year=2024,
        launched_on=date(2024, 3, 1),
    )
    by_a = Campaign(
        organiser_unit_id=u["A"].id,
        name="Thi đua của Sở A",
        kind=CampaignKind.THEMATIC,
        year=2024,
        launched_on=date(2024, 2, 1),
    )
    by_b = Campaign(organiser_unit_id=u["B"].id, name="Sở B 2023", year=2023, launched_on=date(2023, 1, 5))
    session.add_all([annual, thematic, by_a, by_b])
    session.flush()

    def award(code, year, person=None, collective=None, revoked=False, decided=None, decision=None):
        session.add(
            AwardRecord(
                person_id=people[person].id if person else None,
                collective_id=u[collective].id if collective else None,
                year=year,
                code=code,
                revoked=revoked,
                decision_date=decided,
                decision_id=decision.id if decision else None,
            )
        )

    def decision(code, campaign):
        d = Decision(
            issuer_unit_id=u["P"].id, campaign_id=campaign.id, award_code=code, state=DecisionState.ISSUED
        )
        session.add(d)
        session.flush()
        return d

    ttg, flag, order = decision("BK_TTG", annual), decision("CO_TD_TINH", thematic), decision("HCLD3", annual)
    award("LDTT", 2023, "An")
    for code in ("LDTT", "CSTDCS", "BK_TINH"):
        award(code, 2024, "An")
    award("LDTT", 2024, "Bình")
    award("HCLD3", 2024, "Bình", decided=date(2025, 9, 2), decision=order)
    award("LDTT", 2025, "Bình")
    award("LDTT", 2024, "Chi")
    award("BK_TINH", 2024, "Chi", revoked=True)
    award("LDTT", 2024, "Dũng")
    award("BK_TTG", 2024, "Dũng", decided=date(2025, 6, 1), decision=ttg)
    award("LDTT", 2023, "Em")
    award("LDTT", 2024, "Em")
    award("TTLDXS", 2024, collective="A")
    award("TTLDTT", 2024, collective="A1")
    award("BK_TINH", 2024, collective="E")
    award("CO_TD_TINH", 2024, collective="E", decision=flag)

    def nominate(state, at, code="LDTT", person=None, collective=None, returns=0, basis="periodic", **extra):
        session.add(
            Nomination(
                campaign_id=extra.pop("campaign", annual).id,
                award_code=code,
                person_id=people[person].id if person else None,
                collective_id=u[collective].id if collective else None,
                unit_id=u[at].id,
                handling_unit_id=u[at].id,
                state=state,
                returns=returns,
                basis=basis,
                **extra,
            )
        )

    # A's nominations of 2024: a draft, and six sent on
    nominate(State.DRAFT, "A", person="An")
    nominate(State.SUBMITTED, "A", "CSTDCS", person="An")
    nominate(State.RETURNED, "A", "BK_TINH", person="An", returns=1)
    nominate(
        State.CONFERRED,
        "A",
        "HCLD3",
        person="Bình",
        returns=1,
        basis="research_or_ingenuity",
        decision_id=order.id,
    )
    nominate(State.REJECTED, "A", "CSTD_TINH", person="An")
    nominate(State.NOT_RECOMMENDED, "A", "TTLDXS", collective="A")
    nominate(State.WITHDRAWN, "A", "TTLDTT", collective="A1")
    # E's: one conferred from each campaign, one declined
    nominate(State.CONFERRED, "E", "BK_TTG", person="Dũng", decision_id=ttg.id)
    nominate(State.CONFERRED, "E", "CO_TD_TINH", collective="E", decision_id=flag.id, campaign=thematic)
    nominate(State.DECLINED, "E", "BK_TINH", person="Dũng")
    session.flush()
    return u


def count(session, town, unit_code, period, subtree=True):
    return awards(session, Scope(town[unit_code].id, period, subtree), RULES)


def test_a_unit_with_its_subtree_counts_its_people_and_collectives_of_the_year(session, town):
    found = count(session, town, "A", Period.year(2024))
    assert found.total == 7
    assert found.by("kind") == {"title": 5, "form": 2}
    assert found.by("level") == {Level.GRASSROOTS: 4, Level.PROVINCE: 2, Level.STATE: 1}
    assert found.by("subject") == {"individual": 5, "collective": 2}
    assert found.by("gender") == {"nam": 3, "nữ": 2, "": 2}
    assert found.count({"LDTT"}) == 2


def test_a_unit_alone_leaves_out_the_units_below_it(session, town):
    found = count(session, town, "A", Period.year(2024), subtree=False)
    assert found.total == 4
    assert found.by("code") == {"LDTT": 1, "CSTDCS": 1, "BK_TINH": 1, "TTLDXS": 1}


def test_the_province_counts_everything_but_the_revoked_award(session, town):
    found = count(session, town, "P", Period.year(2024))
    assert found.total == 13
    assert found.count({"LDTT"}) == 5
    assert found.count({"BK_TINH"}) == 2  # An's and E's; Chi's was revoked
    assert found.count(subject="collective", enterprise=True) == 2
    assert found.count(level=Level.STATE, subject="individual") == 2  # Bình's HCLD3, Dũng's BK_TTG
    assert found.count(kind="form", gender="nữ") == 1


def test_a_person_who_moved_counts_in_the_year_for_both_units_and_then_only_for_the_new(session, town):
    assert count(session, town, "A", Period.year(2023)).total == 2  # An's and Em's LDTT
    assert count(session, town, "B", Period.year(2023)).total == 1  # Em's, posted at B from July
    assert count(session, town, "B", Period.year(2024)).total == 2  # Chi's LDTT, Em's LDTT


def test_years_are_inclusive_at_both_ends(session, town):
    assert count(session, town, "A", Period(2023, 2025)).total == 10
    assert count(session, town, "A", Period(2024, 2025)).total == 8
    assert count(session, town, "A", Period(2025, 2026)).total == 1
    assert count(session, town, "A", Period.year(2022)).total == 0


def test_a_span_of_decision_dates_counts_the_awards_decided_within_it(session, town):
    found = count(session, town, "P", Period.days(date(2025, 5, 1), date(2025, 12, 31)))
    assert found.by("code") == {"BK_TTG": 1, "HCLD3": 1}
    assert count(session, town, "P", Period.days(date(2025, 6, 2), date(2025, 9, 1))).total == 0
    assert count(session, town, "P", Period.days(date(2025, 6, 1), date(2025, 6, 1))).total == 1


def test_the_way_of_commendation_comes_from_the_nomination_behind_the_award(session, town):
    found = count(session, town, "P", Period.year(2024))
    assert found.count(way=Way.REGULAR) == 1  # Dũng's BK_TTG
    assert found.count(way=Way.THEMATIC) == 1  # E's flag
    assert found.count(way=Way.EXTRAORDINARY) == 1  # Bình's HCLD3
    assert found.count(way=Way.UNKNOWN) == 10


def test_nominations_by_state(session, town):
    a = nominations(session, Scope(town["A"].id, Period.year(2024)))
    assert a == {"proposed": 6, "pending": 2, "conferred": 1, "rejected": 2, "withdrawn": 1, "returned": 2}
    p = nominations(session, Scope(town["P"].id, Period.year(2024)))
    assert p == {"proposed": 9, "pending": 2, "conferred": 3, "rejected": 3, "withdrawn": 1, "returned": 2}
    assert nominations(session, Scope(town["P"].id, Period.year(2023)))["proposed"] == 0


def test_campaigns_by_organiser_and_kind(session, town):
    found = campaigns(session, Scope(town["P"].id, Period.year(2024)))
    assert found == {
        (Organiser.PROVINCE, CampaignKind.ANNUAL): 1,
        (Organiser.PROVINCE, CampaignKind.THEMATIC): 1,
        (Organiser.UNIT, CampaignKind.THEMATIC): 1,
    }
    assert sum(campaigns(session, Scope(town["P"].id, Period(2023, 2024), subtree=False)).values()) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: Period(2025, 2024),
        lambda: Period.days(date(2025, 2, 1), date(2025, 1, 1)),
        lambda: Period(2024, 2024, from_day=date(2024, 1, 1)),
    ],
)
def test_a_period_that_ends_before_it_starts_is_refused(make):
    with pytest.raises(InvalidInput):
        make()
