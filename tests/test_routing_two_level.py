"""The two-level local government of 1 July 2025: no district, the commune chairman confers what
the district chairman did (Decree 129/2025/NĐ-CP; Law 06/2022 Art. 80(2)-(3) before), and 34
provinces for 63 (Resolution 202/2025/QH15: Kon Tum merged into Quảng Ngãi). Units and routes
are effective-dated: a nomination routed on 30 June and on 1 July goes to the authority of that
day, and a collective's record survives its merger."""

import dataclasses
from datetime import date

import pytest
from sqlmodel import Session, select

from models import sight
from models.access import load_actor, system_actor
from models.audit import Event
from models.catalogue import HERE, Catalogue, CatalogueError, default_catalogue
from models.db import session_scope
from models.deadlines import sweep
from models.eligibility import verdict
from models.eligibility.load import load_collectives, load_people, staff_of
from models.errors import GuardFailed
from models.guards import Situation
from models.history import AwardRecord, Rating
from models.nominations import Nomination, State
from models.org import Membership, Role, Unit, UnitKind
from models.routing import Org
from models.workflow import nominate
from tests.factories import grant, on, person, unit
from tests.test_workflow_api import ok

EVE, REFORM = date(2025, 6, 30), date(2025, 7, 1)  # Kon Tum's and the districts' last day; the first without


# key → code, name, kind, parent, first day, last day, merged into (each after what it names)
REORGANISED = {
    "district": ("H-ST", "Ủy ban nhân dân huyện Sơn Tịnh", UnitKind.DISTRICT, "province", None, EVE, None),
    "new_commune": ("X-TH2", "Ủy ban nhân dân xã Tịnh Hà", UnitKind.COMMUNE, "province", REFORM, None, None),
    "old_commune": (
        "X-TH1",
        "Ủy ban nhân dân xã Tịnh Hà (huyện Sơn Tịnh)",
        UnitKind.COMMUNE,
        "district",
        None,
        EVE,
        "new_commune",
    ),
    "board": ("QNG-BQL", "Ban Quản lý Khu kinh tế Dung Quất", UnitKind.AGENCY, "province", None, None, None),
    "kon_tum": ("KTM", "Ủy ban nhân dân tỉnh Kon Tum", UnitKind.PROVINCE, None, None, EVE, "province"),
    "kt_board": (
        "KTM-BQL",
        "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
        UnitKind.AGENCY,
        "kon_tum",
        None,
        EVE,
        "board",
    ),
    "kt_department": ("KTM-STC", "Sở Tài chính tỉnh Kon Tum", UnitKind.AGENCY, "kon_tum", None, None, None),
    "project_board": ("QNG-DA", "Ban Quản lý dự án", UnitKind.AGENCY, "province", None, EVE, None),
}


def reorganised(session: Session, province) -> dict[str, Unit]:
    """Beside the test province (Quảng Ngãi): a district with a commune until 30/6/2025 and the
    commune that replaced it; Kon Tum and its economic-zone board, merged into Quảng Ngãi and its
    board; a project board dissolved with no successor."""
    u = dict(province.units)
    for key, (code, name, kind, parent, first, last, successor) in REORGANISED.items():
        u[key] = unit(
            session,
            code,
            name,
            "UBND",
            kind,
            u.get(parent),
            valid_from=first,
            valid_to=last,
            successor_id=u[successor].id if successor else None,
        )
    return u


@pytest.fixture
def units(session, province):
    return reorganised(session, province)


def route_on(session: Session, unit: Unit, award: str, day: date) -> list[tuple[str, str]]:
    org = Org.of(session)
    ruleset = default_catalogue().for_date(day, org.tenant(unit.id, day))
    return [(level, u.code) for level, u in org.route_levels(ruleset, ruleset.award(award), unit.id, day)]


# (nominating unit, award, day) → each level of the route and the unit handling it
ROUTES = [
    # Law 06/2022 Art. 80(2)-(3): the commune chairman confers LĐTT and Giấy khen, the district
    # chairman the commune's other grassroots titles — until the districts go
    ("old_commune", "CSTDCS", EVE, [("unit", "X-TH1"), ("district", "H-ST")]),
    ("old_commune", "TTLDTT", EVE, [("unit", "X-TH1"), ("district", "H-ST")]),
    ("old_commune", "LDTT", EVE, [("unit", "X-TH1")]),
    ("old_commune", "GK", EVE, [("unit", "X-TH1")]),
    # Decree 129/2025/NĐ-CP: from 1 July the commune chairman confers them; the old commune's
    # nomination goes to the commune that replaced it
    ("old_commune", "CSTDCS", REFORM, [("unit", "X-TH2")]),
    ("new_commune", "CSTDCS", REFORM, [("unit", "X-TH2")]),
    ("new_commune", "TTLDTT", REFORM, [("unit", "X-TH2")]),
    # above the grassroots level the commune proposes to the province, either side of the reform
    ("old_commune", "BK_TINH", EVE, [("unit", "X-TH1"), ("province", "QNG")]),
    ("new_commune", "BK_TINH", REFORM, [("unit", "X-TH2"), ("province", "QNG")]),
    # a department's head confers its grassroots titles both days (Art. 80(1))
    ("stc", "CSTDCS", EVE, [("unit", "QNG-STC")]),
    ("stc", "CSTDCS", REFORM, [("unit", "QNG-STC")]),
    # Resolution 202/2025/QH15: Kon Tum's board went to Kon Tum's chairman until 30 June, to the
    # merged board and Quảng Ngãi's chairman since
    ("kt_board", "BK_TINH", EVE, [("unit", "KTM-BQL"), ("province", "KTM")]),
    ("kt_board", "BK_TINH", REFORM, [("unit", "QNG-BQL"), ("province", "QNG")]),
    ("kt_board", "TTLDXS", REFORM, [("unit", "QNG-BQL"), ("top", "QNG")]),
    ("kt_board", "BK_TTG", REFORM, [("unit", "QNG-BQL"), ("top", "QNG"), ("central", "TW")]),
    # a unit not merged itself, in a merged province: its own level, the merged province above
    ("kt_department", "BK_TINH", EVE, [("unit", "KTM-STC"), ("province", "KTM")]),
    ("kt_department", "BK_TINH", REFORM, [("unit", "KTM-STC"), ("province", "QNG")]),
]


@pytest.mark.parametrize(
    ("at", "award", "day", "expected"), ROUTES, ids=[f"{a}-{w}-{d:%m%d}" for a, w, d, _ in ROUTES]
)
def test_a_nomination_goes_to_the_authority_of_the_day_it_is_routed(session, units, at, award, day, expected):
    assert route_on(session, units[at], award, day) == expected


def test_the_district_decides_on_its_last_day_and_is_nowhere_on_the_first_without(session, units):
    """Art. 80(2) gave the district chairman the commune's CSTĐCS; after 30/6/2025 no route
    names a district, and the commune's is one level shorter."""
    before = route_on(session, units["old_commune"], "CSTDCS", EVE)
    after = route_on(session, units["old_commune"], "CSTDCS", REFORM)
    assert before[-1] == ("district", "H-ST") and len(after) == len(before) - 1
    assert all(level != "district" for level, _ in after)


def test_a_unit_dissolved_without_successor_is_still_refused(session, units):
    assert route_on(session, units["project_board"], "BK_TINH", EVE)[0] == ("unit", "QNG-DA")
    with pytest.raises(GuardFailed, match="không còn hoạt động vào ngày 01/07/2025") as refusal:
        route_on(session, units["project_board"], "BK_TINH", REFORM)
    assert refusal.value.code == "unit_dissolved" and refusal.value.details == {
        "unit": units["project_board"].id
    }


def test_a_unit_not_yet_founded_is_refused_too(session, units):
    with pytest.raises(GuardFailed, match="hoạt động từ ngày 01/07/2025") as refusal:
        route_on(session, units["new_commune"], "LDTT", EVE)
    assert refusal.value.code == "unit_not_founded"


def test_a_nomination_of_a_merged_unit_goes_its_successors_way_after_the_merger(session, province, units):
    """Made by Kon Tum's board in June, it stands on the merged board's route in July: its
    situation (what every step reads) names Quảng Ngãi's board and chairman."""
    officer = person(session, "Y Thịnh", units["kt_board"], "Chuyên viên")
    grant(session, officer, Role.UNIT_OFFICER, units["kt_board"])
    session.add(Rating(collective_id=units["kt_board"].id, year=2025, level="HTXS"))
    session.flush()
    n = nominate(
        session,
        load_actor(session, officer.id, date(2025, 6, 20)),
        province.campaign,
        "BK_TINH",
        unit_id=units["kt_board"].id,
        collective_id=units["kt_board"].id,
        basis="extraordinary_collective",
        now=on(date(2025, 6, 20)),
    )
    by_day = {day: [u.code for u in Situation(session, n, on(day)).units] for day in (EVE, REFORM)}
    assert by_day == {EVE: ["KTM-BQL", "KTM"], REFORM: ["QNG-BQL", "QNG"]}


def test_org_lists_a_units_predecessors_at_any_remove(session, units):
    org = Org.of(session)
    assert {u.code for u in org.predecessors(units["province"].id)} == {"KTM"}
    assert {u.code for u in org.predecessors(units["board"].id)} == {"KTM-BQL"}
    assert org.predecessors(units["stc"].id) == []
    assert [u.code for u in org.ancestors_on(units["kt_board"].id, REFORM)] == ["QNG-BQL", "QNG"]
    assert [u.code for u in org.ancestors_on(units["kt_board"].id, EVE)] == ["KTM-BQL", "KTM"]


# ------------------------------------------------------------------ the record survives a merger


def rated(session: Session, unit: Unit, years: dict[int, str], titles: dict[int, str] = ()) -> None:
    session.add_all(Rating(collective_id=unit.id, year=y, level=level) for y, level in years.items())
    session.add_all(AwardRecord(collective_id=unit.id, year=y, code=code) for y, code in dict(titles).items())
    session.flush()


# Bằng khen tỉnh for a collective: two consecutive years excellent or TTLĐXS (Law 06/2022 Art.
# 74(3)(d)). The merged board was rated excellent in 2025; Kon Tum's board's years before count.
STREAKS = [
    ("predecessor_excellent_2024", {2024: "HTXS"}, {}, True),
    ("predecessor_ttldxs_2024", {2024: "HTT"}, {2024: "TTLDXS"}, True),
    ("predecessor_good_2024", {2024: "HTT"}, {}, False),
    ("predecessor_excellent_2023_only", {2023: "HTXS", 2024: "HT"}, {}, False),
]


def board_earns_collective_certificate(session: Session, units, year: int = 2025, ruleset=None) -> bool:
    """Whether the merged board's record, as loaded for `year`, earns it a Bằng khen tỉnh."""
    history = load_collectives(session, year, [units["board"].id])[units["board"].id]
    ruleset = ruleset or default_catalogue().for_date(date(year, 12, 15), "QNG")
    return verdict(ruleset.award("BK_TINH"), history, year, ruleset).eligible


@pytest.mark.parametrize(("case", "ratings", "titles", "eligible"), STREAKS, ids=[c[0] for c in STREAKS])
def test_a_merged_collectives_streak_counts_its_predecessors_years(
    session, units, case, ratings, titles, eligible
):
    rated(session, units["board"], {2025: "HTXS"})
    rated(session, units["kt_board"], ratings, titles)
    assert board_earns_collective_certificate(session, units) is eligible


def test_without_the_merger_the_same_years_do_not_count(session, units):
    units["kt_board"].successor_id = None
    rated(session, units["board"], {2025: "HTXS"})
    rated(session, units["kt_board"], {2024: "HTXS"})
    assert not board_earns_collective_certificate(session, units)


def test_a_rule_set_that_does_not_inherit_judges_the_successor_alone(session, units):
    """No text read settles it ([merger] verified = false): the rule set decides."""
    rated(session, units["board"], {2025: "HTXS"})
    rated(session, units["kt_board"], {2024: "HTXS"})
    ruleset = default_catalogue().for_date(date(2025, 12, 15), "QNG")
    assert ruleset.inherits_on_merger and ruleset.merger["verified"] is False
    alone = dataclasses.replace(ruleset, merger={"inherit_record": False})
    assert board_earns_collective_certificate(session, units, ruleset=ruleset)
    assert not board_earns_collective_certificate(session, units, ruleset=alone)


def test_a_merger_after_the_review_year_lends_nothing_to_it(session, units):
    """Kon Tum's board merged in 2025: the board's 2024 review stands on its own record."""
    rated(session, units["board"], {2024: "HTXS"})
    rated(session, units["kt_board"], {2023: "HTXS"})
    assert not board_earns_collective_certificate(session, units, 2024)


def test_a_title_both_held_in_one_year_counts_once(session, units):
    rated(session, units["board"], {2024: "HTXS"}, {2024: "TTLDXS"})
    rated(session, units["kt_board"], {2024: "HTXS"}, {2024: "TTLDXS"})
    loaded = load_collectives(session, 2025, [units["board"].id], explain=True)
    history = loaded[units["board"].id].inheriting()
    assert history.count({"TTLDXS"}, ~0) == 1
    assert len(history.records[("TTLDXS", 2024)]) == 2  # both decisions on the record


def test_a_person_keeps_their_own_record_in_the_unit_they_move_to(session, units):
    """Memberships are dated: Kon Tum's board until the merger, the merged board since; the
    titles are the person's, whoever conferred them."""
    p = person(session, "Đinh Văn Thắng", units["kt_board"])
    moved = session.exec(select(Membership).where(Membership.person_id == p.id)).one()
    moved.end_on = EVE
    session.add(Membership(person_id=p.id, unit_id=units["board"].id, post="Chuyên viên", start_on=REFORM))
    session.add(
        AwardRecord(
            person_id=p.id, year=2024, code="CSTDCS", issuer="Trưởng ban Ban Quản lý Khu kinh tế tỉnh Kon Tum"
        )
    )
    session.flush()
    assert p.id in staff_of(session, units["board"].id, 2025) and p.id not in staff_of(
        session, units["board"].id, 2024
    )
    assert load_people(session, 2025, [p.id])[p.id].held({"CSTDCS"})


# ----------------------------------------------------------------------------- who sees what


def test_the_successors_secretariat_sees_its_predecessors_nominations(session, province, units):
    kt = Nomination(
        campaign_id=province.campaign.id,
        award_code="BK_TINH",
        collective_id=units["kt_board"].id,
        unit_id=units["kt_board"].id,
        handling_unit_id=units["kon_tum"].id,
        level=1,
        stage_entered_at=on(date(2025, 6, 20)),
    )
    session.add(kt)
    session.flush()

    def seen(key: str) -> bool:
        query = select(Nomination.id).where(Nomination.id == kt.id, sight.nominations(province.actors[key]))
        return session.exec(query).first() is not None

    assert seen("province_secretariat") and seen("chairman")  # Quảng Ngãi's, for Kon Tum's
    assert not seen("unit_secretariat") and not seen("officer")  # a department of its own
    units["kon_tum"].successor_id = None  # had Kon Tum not been merged, not theirs
    session.flush()
    assert not seen("province_secretariat")


# ------------------------------------------------------------------------- the catalogue data


def test_each_rule_set_names_who_decides_a_communes_grassroots_titles(session):
    """Every title a commune's route decides at the grassroots level is the commune chairman's
    or goes to a level the rule set defines: the data, not code, says who."""
    catalogue = default_catalogue()
    for rid in catalogue.ruleset_ids:
        ruleset = catalogue.ruleset(rid)
        for award in ruleset.awards.values():
            if list(award.route) == ["unit"]:
                assert all(level in ruleset.levels for level in ruleset.decided_above("commune", award.code))
    old, new = (catalogue.ruleset(r) for r in ("law06-2022+nd98-2023", "law06-2022+nd152-2025"))
    assert (
        old.decided_above("commune", "CSTDCS") == ["district"]
        and new.decided_above("commune", "CSTDCS") == []
    )
    assert old.decided_above("agency", "CSTDCS") == [] == new.decided_above("commune", "LDTT")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("by_kind.commune]", "by_kind.province]"), "not a grassroots unit kind"),
        (('otherwise = "district"', 'otherwise = "canton"'), "`otherwise` names the level"),
        (('decides = ["LDTT", "GK"]', 'decides = ["LDTT", "GKX"]'), "neither an award code nor a group"),
    ],
)
def test_a_rule_set_naming_who_decides_wrongly_fails_at_load(tmp_path, edit, message):
    """The shipped files with one edit: a typo fails at start-up, not mid-season."""
    for file in (HERE / "rulesets").glob("*.toml"):
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        Catalogue(tmp_path)


# ---------------------------------------------------------------------------- through HTTP


def test_the_unit_json_says_what_merged_into_it_and_where_it_went(prov, api, app_db):
    with session_scope(app_db) as session:
        units = reorganised(session, prov)
        board, kt_board = units["board"].id, units["kt_board"].id
        person(session, "Y Thịnh", units["kt_board"])  # Kon Tum's board's staff, in sight too
    found = ok(api["province_secretariat"].get("/api/v1/people?q=y thinh"))["items"]
    assert [p["full_name"] for p in found] == ["Y Thịnh"]
    assert ok(api["officer"].get("/api/v1/people?q=y thinh"))["items"] == []
    merged = ok(api["province_secretariat"].get(f"/api/v1/units/{board}"))
    assert [u["name"] for u in merged["merged_from"]] == ["Ban Quản lý Khu kinh tế tỉnh Kon Tum"]
    assert merged["merged_into"] is None
    gone = ok(api["province_secretariat"].get(f"/api/v1/units/{kt_board}"))  # in sight through the merger
    assert (
        gone["merged_into"]["name"] == "Ban Quản lý Khu kinh tế Dung Quất"
        and gone["valid_to"] == "2025-06-30"
    )
    assert gone["successor_id"] == board


# ------------------------------------------------------------------- handed over on the day


def waiting_at(
    session: Session, province, nominating: Unit, award: str, level: int, handling: Unit
) -> Nomination:
    n = Nomination(
        campaign_id=province.campaign.id,
        award_code=award,
        collective_id=nominating.id,
        unit_id=nominating.id,
        handling_unit_id=handling.id,
        level=level,
        state=State.SUBMITTED,
        stage_entered_at=on(date(2025, 6, 25)),
    )
    session.add(n)
    session.flush()
    return n


def test_the_sweep_hands_what_a_gone_unit_handled_to_the_unit_of_the_day(session, province, units):
    """On 1 July the district's CSTĐCS goes back to the commune that replaced the old one (its
    chairman decides it now), Kon Tum's Bằng khen to Quảng Ngãi at the same level; a unit
    dissolved with no successor keeps its own; each move is in the audit log."""
    u = units
    at_district = waiting_at(session, province, u["old_commune"], "TTLDTT", 1, u["district"])
    at_kon_tum = waiting_at(session, province, u["kt_board"], "BK_TINH", 1, u["kon_tum"])
    at_board = waiting_at(session, province, u["kt_board"], "BK_TINH", 0, u["kt_board"])
    stranded = waiting_at(session, province, u["project_board"], "BK_TINH", 0, u["project_board"])
    assert sweep(session, system_actor(), now=on(EVE)) == {}  # nothing gone yet on 30 June
    assert sweep(session, system_actor(), now=on(REFORM))["hand_over"] == 3
    where = {
        n.id: (n.level, session.get(Unit, n.handling_unit_id).code)
        for n in (at_district, at_kon_tum, at_board, stranded)
    }
    assert where == {
        at_district.id: (0, "X-TH2"),
        at_kon_tum.id: (1, "QNG"),
        at_board.id: (0, "QNG-BQL"),
        stranded.id: (0, "QNG-DA"),
    }
    moves = session.exec(
        select(Event).where(Event.action == "hand_over", Event.entity_id == at_district.id)
    ).one()
    assert moves.data == {
        "from": {"state": "submitted", "level": 1, "unit": u["district"].id},
        "to": {"state": "submitted", "level": 0, "unit": u["new_commune"].id},
    }
    assert "hand_over" not in sweep(session, system_actor(), now=on(REFORM))  # once


def test_a_step_on_a_level_abolished_today_is_refused_until_handed_over(session, province, units):
    at_district = waiting_at(session, province, units["old_commune"], "TTLDTT", 1, units["district"])
    assert Situation(session, at_district, on(EVE)).units[1].code == "H-ST"
    with pytest.raises(GuardFailed, match="bàn giao cho Ủy ban nhân dân xã Tịnh Hà") as refusal:
        Situation(session, at_district, on(REFORM))
    assert refusal.value.code == "route_changed"


def test_the_unit_page_says_what_merged_into_it_and_where_it_went(prov, browse, app_db):
    with session_scope(app_db) as session:
        units = reorganised(session, prov)
        for key in ("board", "kt_board"):  # the officer serves both, for the test
            grant(session, prov.people["officer"], Role.UNIT_OFFICER, units[key])
        board, kt_board = units["board"].id, units["kt_board"].id
    officer = browse("officer")
    page = officer.get(f"/don-vi/{board}")
    assert page.status_code == 200
    assert "Sáp nhập từ: Ban Quản lý Khu kinh tế tỉnh Kon Tum (hoạt động đến ngày 30/06/2025)." in page.text
    gone = officer.get(f"/don-vi/{kt_board}").text
    assert "Đã sáp nhập vào Ban Quản lý Khu kinh tế Dung Quất (hoạt động đến ngày 30/06/2025)." in gone
    assert "Sáp nhập" not in officer.get(f"/don-vi/{prov.units['stc'].id}").text
