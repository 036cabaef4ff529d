"""Nominee lists from Excel (issue 12 §6): a unit officer's list becomes the unit's draft
nominations, as POST /nominations makes them (the same checks, the same audit event), each with
its eligibility verdict; a list with any wrong row makes none, and says what is wrong, where."""

import io
import unicodedata

from openpyxl import load_workbook
from sqlmodel import Session, func, select

from models.audit import Event
from models.nominations import Nomination
from models.uploads import XLSX
from tests.test_excel import book

HEADERS = ["Họ và tên", "Ngày sinh", "Đơn vị", "Danh hiệu, hình thức", "Diện đề nghị", "Tóm tắt thành tích"]
SHEET = "Danh sách đề nghị"


def send(client, campaign_id: int, content: bytes):
    files = {"file": ("danh_sach.xlsx", content, XLSX)}
    return client.post(f"/api/v1/campaigns/{campaign_id}/nominee-list", files=files)


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_list_makes_the_units_drafts_with_their_verdicts_and_audit_events(api, app_db, prov):
    content = book(
        {
            SHEET: [
                ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025"],  # a title row above the headers
                HEADERS,
                # an NFD name (as some keyboards type it) names the same person
                [
                    unicodedata.normalize("NFD", "Nguyễn Văn An"),
                    "17/05/1980",
                    "QNG-STC-NS",
                    "LDTT",
                    "",
                    "Hoàn thành tốt",
                ],
                ["Hoàng Văn Cường", "17/05/1980", "Phòng Ngân sách", "Chiến sĩ thi đua cơ sở", "", ""],
                [None, None, "QNG-STC-NS", "TTLDTT", "", "Tập thể hoàn thành xuất sắc"],  # a collective
            ]
        }
    )
    answer = send(api["officer"], prov.campaign.id, content)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert [m["row"] for m in made] == [3, 4, 5]
    assert [m["nomination"]["award_code"] for m in made] == ["LDTT", "CSTDCS", "TTLDTT"]
    assert made[2]["nomination"]["collective_id"] == prov.units["ns"].id
    assert made[0]["nomination"]["person_id"] == prov.people["good"].id
    assert made[0]["nomination"]["achievement"] == "Hoàn thành tốt"
    assert {m["nomination"]["state"] for m in made} == {"draft"}
    assert made[0]["verdict"]["award"] and made[0]["verdict"]["status"] in {
        "eligible",
        "needs_judgement",
        "ineligible",
    }
    ids = [m["nomination"]["id"] for m in made]
    assert count(app_db, Event, Event.action == "nominate", Event.entity_id.in_(ids)) == 3
    listed = api["officer"].get("/api/v1/nominations", params={"per_page": 200}).json()["items"]
    assert set(ids) <= {i["id"] for i in listed}


def test_a_list_with_any_wrong_row_makes_nothing_and_reports_each_row(api, app_db, prov):
    before = count(app_db, Nomination)
    content = book(
        {
            SHEET: [
                HEADERS,
                ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", "LDTT", "", ""],  # good, but not made
                ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", "LDTT", "", ""],  # the same again
                ["Người Không Có", "01/01/1990", "QNG-STC-NS", "LDTT", "", ""],
                ["Hoàng Văn Cường", "31/02/1980", "QNG-STC-NS", "LDTT", "", ""],
                ["Hoàng Văn Cường", "17/05/1980", "QNG-STC-NS", "KHONG_CO", "", ""],
                ["Lý Quốc Khánh", "17/05/1980", "QNG-CT", "LDTT", "", ""],  # a unit not the officer's
            ]
        }
    )
    answer = send(api["officer"], prov.campaign.id, content)
    assert answer.status_code == 422, answer.text
    problems = [(p["row"], p["column"], p["problem"]) for p in answer.json()["details"]["problems"]]
    assert (3, "Danh hiệu, hình thức", "trùng với dòng 2") in problems
    assert (4, "Họ và tên", "không có người này (họ tên, ngày sinh, đơn vị)") in problems
    assert any(r == 5 and c == "Ngày sinh" and "không có ngày 31/02/1980" in p for r, c, p in problems)
    assert any(r == 6 and c == "Danh hiệu, hình thức" and "KHONG_CO" in p for r, c, p in problems)
    assert any(r == 7 and c == "Đơn vị" for r, c, _ in problems)
    assert "không lập hồ sơ nào" in answer.json()["message"]
    assert count(app_db, Nomination) == before


def test_the_template_downloads_and_others_than_unit_officers_are_refused(api, prov):
    template = api["officer"].get("/api/v1/nominee-lists/template")
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(template.content))[SHEET]
    assert [c.value for c in sheet[1]] == HEADERS
    assert send(api["province_secretariat"], prov.campaign.id, book({SHEET: [HEADERS]})).status_code == 403
    assert send(api["officer"], 999_999, book({SHEET: [HEADERS]})).status_code == 404
    bad = send(api["officer"], prov.campaign.id, b"not a workbook")
    assert bad.status_code in (400, 415, 422) and bad.json()["message"]


def test_the_units_page_uploads_a_list_and_shows_the_drafts_or_the_problems(browse, prov):
    officer = browse("officer")
    unit = prov.units["stc"].id
    page = officer.get(f"/don-vi/{unit}")
    assert page.status_code == 200 and "Nhập danh sách đề nghị từ Excel" in page.text
    good = book({SHEET: [HEADERS, ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", "LDTT", "", ""]]})
    wrong = book({SHEET: [HEADERS, ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", "KHONG_CO", "", ""]]})
    for content, status, shown in [
        (wrong, 422, "không có danh hiệu, hình thức khen thưởng mã hoặc tên «KHONG_CO»"),
        (good, 200, "Đã lập 1 hồ sơ dự thảo"),
    ]:
        answer = officer.post(
            f"/don-vi/{unit}/danh-sach-excel",
            data={"csrf_token": officer.csrf, "campaign_id": prov.campaign.id},
            files={"file": ("danh_sach.xlsx", content, XLSX)},
        )
        assert answer.status_code == status and shown in answer.text, answer.text
