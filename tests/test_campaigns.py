"""Campaigns and registrations (đăng ký thi đua): a campaign's checks, its phases and the awards
a movement unlocks (Law 06/2022 Arts. 26(2), 44(1)(a), 73(4)(d)); a unit's registrations approved
or returned by the level above, one of two approvers winning; a nomination checked against them
(warn or block, per tenant); the rates against a hand count; the Kế hoạch and the sơ kết reopened."""

import io
import unicodedata
from datetime import date

import pytest
from docx import Document
from sqlmodel import Session, select

from document_templates.campaign_docs import publish_plan, publish_review
from models import campaigning, registrations, route, workflow
from models.access import system_actor
from models.campaigns import BatchState, Campaign, CampaignKind, Registration, RegistrationBatch
from models.catalogue import default_catalogue
from models.dossier import Store
from models.errors import Forbidden, GuardFailed, IllegalTransition, InvalidInput, StaleVersion
from models.nominations import State
from models.registrations import Entry
from tests.factories import NOW, YEAR, registration_checked
from tests.test_documents import bang_khen_season
from tests.test_excel import book, importing
from tests.test_route import nomination_step
from tests.test_workflow_api import ok

RULES = default_catalogue().for_date(date(YEAR, 12, 15), "QNG")


def movement(prov, **fields) -> Campaign:
    values = {
        "organiser_unit_id": prov.units["province"].id,
        "name": "Phong trào thi đua Đồng khởi, đổi mới giai đoạn 2021–2025",
        "kind": CampaignKind.MOVEMENT,
        "year": 2021,
        "last_year": 2025,
        "launched_on": date(2021, 3, 1),
    }
    return Campaign(**(values | fields))


def test_a_five_year_movement_unlocks_the_awards_the_law_ties_to_its_length(session, province):
    created = campaigning.create(session, province.actors["province_secretariat"], movement(province))
    assert created.years == 5
    assert campaigning.unlocked(created) == {
        "CO_TD_TINH": "Law 06/2022 Art. 26(2)",
        "CO_TD_BO": "Law 06/2022 Art. 26(2)",
        "BK_TTG": "Law 06/2022 Art. 73(4)(d)",
        "HCLD3": "Law 06/2022 Art. 44(1)(a), 44(4)(c)",
    }
    short = movement(province, last_year=2022, name="Hai năm", awards=["HCLD3"])
    with pytest.raises(InvalidInput, match=r"05 năm trở lên.*Art\. 44"):
        campaigning.create(session, province.actors["province_secretariat"], short)


def test_a_campaign_refuses_an_unknown_award_and_a_phase_outside_its_parent(session, province):
    secretariat = province.actors["province_secretariat"]
    with pytest.raises(InvalidInput, match="'XYZ'"):
        campaigning.create(session, secretariat, movement(province, awards=["XYZ"]))
    parent = campaigning.create(
        session,
        secretariat,
        movement(
            province, kind=CampaignKind.ANNUAL, year=YEAR, last_year=None, launched_on=date(YEAR, 1, 15)
        ),
    )
    phase = dict(
        organiser_unit_id=parent.organiser_unit_id,
        kind=CampaignKind.PHASE,
        year=YEAR,
        launched_on=date(YEAR, 3, 1),
        parent_id=parent.id,
    )
    with pytest.raises(InvalidInput, match="nằm ngoài thời gian"):
        campaigning.create(
            session,
            secretariat,
            Campaign(name="Đợt 3", starts_on=date(YEAR, 12, 1), ends_on=date(YEAR + 1, 1, 31), **phase),
        )
    nfd = unicodedata.normalize("NFD", "Đợt 1: chào mừng 30/4 – 1/5")
    made = campaigning.create(
        session,
        secretariat,
        Campaign(name=nfd, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 5, 1), **phase),
    )
    assert made.name == unicodedata.normalize("NFC", nfd) and made.name != nfd
    assert campaigning.phases(session, parent.id) == [made]
    with pytest.raises(Forbidden):
        campaigning.create(session, province.actors["officer"], movement(province))


def registered(session, prov, entries=None):
    """Sở Tài chính registers four people for LĐTT, its fighter for CSTĐCS, Phòng Ngân sách for
    TTLĐTT."""
    p = prov.people
    entries = entries or [
        *(Entry("LDTT", person_id=p[k].id) for k in ("good", "weak", "fighter", "veteran")),
        Entry("CSTDCS", person_id=p["fighter"].id),
        Entry("TTLDTT", collective_id=prov.units["ns"].id),
    ]
    return registrations.register(
        session, prov.actors["officer"], prov.campaign.id, prov.units["stc"].id, entries
    )


def test_the_level_above_approves_or_returns_and_of_two_approvers_one_wins(session, province):
    batch = registered(session, province)
    with pytest.raises(Forbidden):
        registrations.decide(session, province.actors["officer"], batch.id, True)
    secretariat = province.actors["province_secretariat"]
    with pytest.raises(InvalidInput, match="lý do"):
        registrations.decide(session, secretariat, batch.id, False)
    seen = batch.version
    registrations.decide(session, secretariat, batch.id, False, "Thiếu chữ ký thủ trưởng", seen)
    assert batch.state is BatchState.RETURNED and batch.reason == "Thiếu chữ ký thủ trưởng"
    with pytest.raises(StaleVersion):  # the second approver saw the version before the return
        registrations.decide(session, secretariat, batch.id, True, expected_version=seen)
    again = registered(session, province)  # completed and sent again
    assert again.id == batch.id and again.state is BatchState.SUBMITTED
    assert registrations.queue(session, secretariat) == [again]
    registrations.decide(session, secretariat, batch.id, True, expected_version=again.version)
    with pytest.raises(IllegalTransition):
        registrations.decide(session, secretariat, batch.id, True)
    with pytest.raises(IllegalTransition, match="đã được phê duyệt"):
        registered(session, province)
    with pytest.raises(InvalidInput, match="không công tác"):
        registrations.register(
            session,
            province.actors["officer"],
            province.campaign.id,
            province.units["stc"].id,
            [Entry("LDTT", person_id=province.people["merchant"].id)],
        )


def test_the_rates_match_a_hand_count(session, province):
    registrations.decide(
        session, province.actors["province_secretariat"], registered(session, province).id, True
    )
    rates = registrations.rates(session, province.campaign.id)
    # in scope: Sở Nội vụ and Sở Tài chính (the province's grassroots units); only the second registered
    assert (rates.units_in_scope, rates.units_registered) == (2, 1)
    assert rates.staff == STAFF
    by_code = {t.code: (t.registered, t.reached) for t in rates.titles}
    # LĐTT 2025 in the history: the fighter and the veteran (the good worker's stop at 2024)
    assert by_code == {"LDTT": (4, 2), "CSTDCS": (1, 1), "TTLDTT": (1, 0)}
    assert [t.code for t in rates.titles] == ["LDTT", "CSTDCS", "TTLDTT"]
    assert registrations.percent(rates.units_share) == "50 %"
    assert registrations.percent(rates.people_share(rates.titles[0])) == registrations.percent(4 / STAFF)
    assert registrations.percent(2 / 3) == "66,7 %"


# Sở Tài chính's seven (officer, secretariat, director, and in Phòng Ngân sách the good, the weak,
# the fighter and the veteran), its council's five members, and Sở Nội vụ's two.
STAFF = 7 + 5 + 2


@pytest.mark.parametrize("mode", ["warn", "block"])
def test_an_unregistered_nominee_is_flagged_or_refused_as_the_tenant_says(session, province, mode):
    with registration_checked(mode):
        submit = nomination_step("submit", route.UO, State.DRAFT)  # the good worker for LĐTT
        if mode == "block":
            with pytest.raises(
                GuardFailed, match="Nguyễn Văn An chưa đăng ký danh hiệu Lao động tiên tiến"
            ) as e:
                submit(session, province)
            assert e.value.code == "not_registered"
        else:
            n = submit(session, province)
            assert "không đăng ký thi đua" in registrations.problem(session, n, YEAR, RULES)


def test_registered_for_another_title_or_not_yet_approved_is_named(session, province):
    p = province.people
    batch = registered(
        session, province, [Entry("CSTDCS", person_id=p["good"].id), Entry("LDTT", person_id=p["weak"].id)]
    )
    nominate = lambda key: workflow.nominate(  # noqa: E731
        session,
        province.actors["officer"],
        province.campaign,
        "LDTT",
        unit_id=province.units["stc"].id,
        person_id=p[key].id,
        now=NOW,
    )
    good, weak = nominate("good"), nominate("weak")
    assert "chỉ đăng ký Chiến sĩ thi đua cơ sở" in registrations.problem(session, good, YEAR, RULES)
    assert "chưa được phê duyệt" in registrations.problem(session, weak, YEAR, RULES)
    registrations.decide(session, province.actors["province_secretariat"], batch.id, True)
    assert registrations.problem(session, weak, YEAR, RULES) is None
    with registration_checked("block"):
        assert (
            registrations.check(session, weak, YEAR, default_catalogue().for_date(date(YEAR, 12, 15), "QNG"))
            is None
        )


def opened(store: Store, sha: str) -> Document:
    return Document(io.BytesIO(store.get(sha)))


def test_the_plan_and_the_six_month_review_reopen_with_their_content(session, province, tmp_path):
    store, secretariat = Store(tmp_path), province.actors["province_secretariat"]
    campaign = campaigning.create(
        session,
        secretariat,
        movement(
            province,
            kind=CampaignKind.ANNUAL,
            name="Phong trào thi đua yêu nước năm 2025",
            year=YEAR,
            last_year=None,
            launched_on=date(YEAR, 1, 15),
            theme="Đoàn kết, sáng tạo, hoàn thành xuất sắc nhiệm vụ",
            targets=["100 % đơn vị đăng ký thi đua", "Trên 90 % cá nhân đăng ký Lao động tiên tiến"],
            awards=["LDTT", "CSTDCS"],
            interim_review_on=date(YEAR, 7, 10),
        ),
    )
    campaigning.launch(session, secretariat, campaign.id)
    with pytest.raises(IllegalTransition):
        campaigning.launch(session, secretariat, campaign.id)
    plan = publish_plan(session, system_actor(), campaign.id, store)
    document = opened(store, plan.sha256)
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "KẾ HOẠCH" in text and "Số: 01/KH-UBND" in text
    assert "ban hành Kế hoạch phát động Phong trào thi đua yêu nước năm 2025 như sau:" in text
    assert "- Trên 90 % cá nhân đăng ký Lao động tiên tiến" in text and "Chiến sĩ thi đua cơ sở." in text
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    registrations.decide(
        session,
        secretariat,
        registrations.register(
            session,
            province.actors["officer"],
            campaign.id,
            province.units["stc"].id,
            [Entry("LDTT", person_id=province.people["good"].id)],
        ).id,
        True,
    )
    report = publish_review(session, system_actor(), campaign.id, "so_ket", store)
    paragraphs = [p.text for p in opened(store, report.sha256).paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert "50 % đơn vị đăng ký thi đua (1/2 đơn vị thuộc phạm vi phát động)." in paragraphs
    assert (
        f"{registrations.percent(1 / STAFF)} cá nhân đăng ký danh hiệu Lao động tiên tiến (1/{STAFF} người)."
        in paragraphs
    )


def test_the_api_creates_launches_registers_and_refuses(api, prov):
    secretariat, officer = api["province_secretariat"], api["officer"]
    body = {
        "organiser_unit_id": prov.units["province"].id,
        "name": "Phong trào thi đua năm 2025",
        "year": 2025,
        "launched_on": "2025-01-15",
        "awards": ["LDTT"],
    }
    assert officer.post("/api/v1/campaigns", json=body).status_code == 403
    assert secretariat.post("/api/v1/campaigns", json=body | {"awards": ["NOPE"]}).status_code == 422
    made = ok(secretariat.post("/api/v1/campaigns", json=body), 201)
    launched = ok(secretariat.post(f"/api/v1/campaigns/{made['id']}/launch"))
    assert launched["plan_reference"] == "01/KH-UBND" and launched["follow_up"]["started"]
    assert secretariat.post(f"/api/v1/campaigns/{made['id']}/launch").status_code == 409
    assert [f["kind"] for f in ok(secretariat.get(f"/api/v1/campaigns/{made['id']}/files"))] == ["ke_hoach"]
    entries = {
        "unit_id": prov.units["stc"].id,
        "entries": [{"award_code": "LDTT", "person_id": prov.people["good"].id}],
    }
    assert (
        api["director"]
        .post(
            f"/api/v1/campaigns/{made['id']}/registrations", json=entries | {"unit_id": prov.units["snv"].id}
        )
        .status_code
        == 403
    )
    batch = ok(officer.post(f"/api/v1/campaigns/{made['id']}/registrations", json=entries), 201)
    assert [b["id"] for b in ok(secretariat.get("/api/v1/registration-queue"))] == [batch["id"]]
    decision = {"approve": True, "version": batch["version"]}
    ok(secretariat.post(f"/api/v1/registrations/{batch['id']}/decision", json=decision))
    assert secretariat.post(f"/api/v1/registrations/{batch['id']}/decision", json=decision).status_code == 409
    rates = ok(officer.get(f"/api/v1/campaigns/{made['id']}/rates"))
    assert (rates["units_registered"], rates["units_share"]) == (1, "50 %")
    sheet = secretariat.get(f"/api/v1/campaigns/{made['id']}/registrations?format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    interim = {"review": "so_ket"}
    assert ok(secretariat.post(f"/api/v1/campaigns/{made['id']}/reviews", json=interim), 202)["started"]
    assert len(ok(secretariat.get(f"/api/v1/campaigns/{made['id']}/files"))) == 2
    assert officer.post(f"/api/v1/campaigns/{made['id']}/reviews", json=interim).status_code == 403
    assert (
        secretariat.post(f"/api/v1/campaigns/{made['id']}/reviews", json={"review": "x"}).status_code == 422
    )
    phase = body | {"kind": "phase", "parent_id": made["id"], "name": "Đợt 1", "starts_on": "2025-04-01"}
    assert secretariat.post("/api/v1/campaigns", json=phase | {"ends_on": "2026-05-01"}).status_code == 422
    ok(secretariat.post("/api/v1/campaigns", json=phase | {"ends_on": "2025-05-01"}), 201)
    assert [p["name"] for p in ok(officer.get(f"/api/v1/campaigns/{made['id']}/phases"))] == ["Đợt 1"]
    assert ok(officer.get(f"/api/v1/campaigns/{made['id']}"))["plan_reference"] == "01/KH-UBND"


def test_the_pages_register_approve_and_show_the_rates(api, prov, browse):
    body = {
        "organiser_unit_id": prov.units["province"].id,
        "name": "Phong trào thi đua năm 2025",
        "year": 2025,
        "launched_on": "2025-01-15",
        "targets": ["100 % đơn vị đăng ký thi đua"],
    }
    made = ok(api["province_secretariat"].post("/api/v1/campaigns", json=body), 201)
    secretariat, officer = browse("province_secretariat"), browse("officer")
    detail = f"/phong-trao/{made['id']}"
    assert officer.get("/phong-trao").status_code == 200 and detail in officer.get("/phong-trao").text
    page = officer.get(detail)
    assert "100 % đơn vị đăng ký thi đua" in page.text and "Phát động, lập Kế hoạch" not in page.text
    launched = secretariat.post(f"{detail}/phat-dong", data={"csrf_token": secretariat.csrf})
    assert launched.status_code == 303
    assert "KH_01-KH-UBND.docx" in secretariat.get(detail).text
    form = f"{detail}/dang-ky/{prov.units['stc'].id}"
    assert f'href="{form}"' in page.text
    good = f"LDTT:p:{prov.people['good'].id}"
    assert f'value="{good}"' in officer.get(form).text
    assert (
        officer.post(form, data={"csrf_token": officer.csrf, "chon": [good, "LDTT:x:1"]}).status_code == 422
    )
    assert officer.post(form, data={"csrf_token": officer.csrf, "chon": [good]}).status_code == 303
    assert "checked" in officer.get(form).text and "Chờ phê duyệt" in officer.get(form).text
    assert secretariat.get(f"/phong-trao/{made['id']}/dang-ky/{prov.units['stc'].id}").status_code == 404
    queue = secretariat.get("/phong-trao/cho-duyet")
    assert "Sở Tài chính" in queue.text
    (batch,) = ok(api["province_secretariat"].get("/api/v1/registration-queue"))
    decision = {"csrf_token": secretariat.csrf, "approve": "true", "version": batch["version"]}
    assert secretariat.post(f"/phong-trao/dang-ky/{batch['id']}/quyet-dinh", data=decision).status_code == 303
    assert secretariat.post(f"/phong-trao/dang-ky/{batch['id']}/quyet-dinh", data=decision).status_code == 409
    assert "Không có đăng ký nào chờ phê duyệt" in secretariat.get("/phong-trao/cho-duyet").text
    assert "1/2 (50 %)" in officer.get(detail).text


def test_the_secretariat_sees_the_warning_on_an_unregistered_nomination(api, prov, browse):
    draft = {
        "award_code": "LDTT",
        "campaign_id": prov.campaign.id,
        "person_id": prov.people["diligent"].id,
        "unit_id": prov.units["stc"].id,
    }
    n = ok(api["officer"].post("/api/v1/nominations", json=draft), 201)
    case = ok(api["officer"].get(f"/api/v1/nominations/{n['id']}"))
    assert case["registration_warning"].startswith(
        "Trương Thị Mai chưa đăng ký danh hiệu Lao động tiên tiến năm 2025"
    )
    assert "Đăng ký thi đua: Trương Thị Mai chưa đăng ký" in browse("officer").get(f"/ho-so/{n['id']}").text
    fighter = {**draft, "award_code": "GK"}  # a form of reward is not registered for
    gk = ok(api["officer"].post("/api/v1/nominations", json=fighter), 201)
    assert ok(api["officer"].get(f"/api/v1/nominations/{gk['id']}"))["registration_warning"] is None


def test_the_year_end_review_counts_the_awards_decided_and_who_reached_what_they_registered(
    session, province, tmp_path
):
    store = Store(tmp_path)
    bang_khen_season(session, province, store, date(YEAR + 1, 1, 5))  # three Bằng khen, signed in January
    batch = registered(session, province)
    registrations.decide(session, province.actors["province_secretariat"], batch.id, True)
    province.campaign.final_review_on = date(YEAR + 1, 1, 20)
    session.add(province.campaign)
    report = publish_review(session, system_actor(), province.campaign.id, "tong_ket", store)
    paragraphs = [p.text for p in opened(store, report.sha256).paragraphs]
    assert "Từ 01/01/2025 đến 20/01/2026 đã quyết định khen thưởng:" in paragraphs
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 3 trường hợp." in paragraphs
    assert "2/4 cá nhân đăng ký đạt danh hiệu Lao động tiên tiến (50 %)." in paragraphs
    assert "0/1 tập thể đăng ký đạt danh hiệu Tập thể lao động tiên tiến (0 %)." in paragraphs
    assert any(p.startswith("Tổng kết Bình xét thi đua") for p in paragraphs)


REGISTERING = ["Họ và tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu đăng ký"]


def test_registrations_import_from_a_workbook_all_or_nothing(app_db, prov):
    secretariat = prov.people["unit_secretariat"].id  # Sở Tài chính's, importing for its units
    good = ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", 2025, "LDTT"]
    fighter = ["Hoàng Văn Cường", "17/05/1980", "QNG-STC-NS", 2025, "Chiến sĩ thi đua cơ sở"]
    wrong = [
        ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", 2025, "GK"],  # a form of reward
        ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", 2019, "LDTT"],  # no campaign that year
    ]
    refused = importing(
        app_db, secretariat, book({"Đăng ký thi đua": [REGISTERING, good, *wrong]}), "sai.xlsx"
    )
    assert refused.state == "refused"
    assert [(p[1], p[3]) for p in refused.problems] == [  # the form of reward, the year without a campaign
        (3, "Giấy khen không phải danh hiệu thi đua để đăng ký (Law 06/2022 Art. 7(1), 17(1)-(2))"),
        (4, "chưa có phong trào thi đua năm 2019 của Sở Tài chính hay cấp trên"),
    ]
    with Session(app_db) as session:
        assert session.exec(select(RegistrationBatch)).all() == []
    done = importing(app_db, secretariat, book({"Đăng ký thi đua": [REGISTERING, good, fighter]}))
    assert done.state == "done" and done.counts["registrations"] == {"added": 2, "unchanged": 0}
    with Session(app_db) as session:
        (batch,) = session.exec(select(RegistrationBatch)).all()
        rows = session.exec(select(Registration).where(Registration.batch_id == batch.id)).all()
        assert (batch.unit_id, batch.campaign_id, batch.state) == (
            prov.units["stc"].id,
            prov.campaign.id,
            "submitted",
        )
        assert sorted(r.award_code for r in rows) == ["CSTDCS", "LDTT"]
