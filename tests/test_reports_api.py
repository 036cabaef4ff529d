"""The statistics, forms and conferences over HTTP: role-scoped, every refusal a 4xx. The test
province's awards of 2024, counted by hand (tests/factories.py and the `prov` fixture), are all
in Phòng Ngân sách of Sở Tài chính: An LDTT, Bình LDTT, Cường LDTT and CSTDCS, Mai LDTT."""

import io

import docx
from openpyxl import load_workbook

STATS = "/api/v1/statistics"


def test_the_province_secretariat_sees_the_provinces_statistics(api, prov):
    got = api["province_secretariat"].get(STATS, params={"unit_id": prov.units["province"].id, "year": 2024})
    assert got.status_code == 200, got.text
    awards = got.json()["awards"]
    assert awards["total"] == 5
    assert awards["by_gender"] == {"nam": 3, "nữ": 2}
    assert {a["code"]: a["count"] for a in awards["by_award"]} == {"LDTT": 4, "CSTDCS": 1}


def test_a_unit_secretariat_sees_its_subtree_and_not_the_province(api, prov):
    clerk, stc = api["unit_secretariat"], prov.units["stc"].id
    assert clerk.get(STATS, params={"unit_id": stc, "year": 2024}).json()["awards"]["total"] == 5
    alone = clerk.get(STATS, params={"unit_id": stc, "year": 2024, "subtree": False})
    assert alone.json()["awards"]["total"] == 0
    assert clerk.get(STATS, params={"unit_id": prov.units["province"].id, "year": 2024}).status_code == 404


def test_statistics_refusals(api, prov):
    stc = prov.units["stc"].id
    assert api["officer"].get(STATS, params={"unit_id": stc, "year": 2024}).status_code == 403
    assert api["anonymous"].get(STATS, params={"unit_id": stc, "year": 2024}).status_code == 401
    clerk = api["unit_secretariat"]
    assert clerk.get(STATS, params={"unit_id": stc, "year": 2024, "last_year": 2023}).status_code == 422
    assert (
        clerk.get(STATS, params={"unit_id": stc, "year": 2024, "from_day": "2024-01-01"}).status_code == 422
    )
    assert clerk.get(STATS, params={"unit_id": stc, "year": 1800}).status_code == 422
    assert clerk.get(STATS, params={"unit_id": 2**31 - 1, "year": 2024}).status_code == 404


def test_the_forms_download_as_a_workbook_of_the_regime_of_the_date(api, prov):
    clerk, province = api["province_secretariat"], prov.units["province"].id
    got = clerk.get(f"{STATS}/forms", params={"unit_id": province, "year": 2024, "on": "2024-12-15"})
    assert got.status_code == 200, got.text
    book = load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["0601", "0602", "0603"]
    assert "02/2023/TT-BNV" in book["0603"]["A2"].value
    one = clerk.get(f"{STATS}/forms", params={"unit_id": province, "year": 2024, "form": "0603"})
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["0603"]
    before = clerk.get(f"{STATS}/forms", params={"unit_id": province, "year": 2020, "on": "2020-12-15"})
    assert before.status_code == 422
    assert (
        clerk.get(f"{STATS}/forms", params={"unit_id": province, "year": 2024, "form": "0701"}).status_code
        == 422
    )


# a conference of advanced examples, as the API and the page take it (its organiser apart)
CONFERENCE = {
    "kind": "advanced_examples",
    "name": "Hội nghị điển hình tiên tiến giai đoạn 2021–2025",
    "first_year": 2021,
    "last_year": 2025,
    "held_on": "2025-11-20",
    "place": "Quảng Ngãi",
}


def conference(api, prov, **extra):
    body = CONFERENCE | {"organiser_unit_id": prov.units["province"].id} | extra
    return api["province_secretariat"].post("/api/v1/conferences", json=body)


def test_a_conference_its_honoured_list_and_its_report(api, prov):
    made = conference(api, prov)
    assert made.status_code == 201, made.text
    url = f"/api/v1/conferences/{made.json()['id']}"
    clerk = api["province_secretariat"]
    added = clerk.post(f"{url}/honourees", json={"person_id": prov.people["fighter"].id})
    assert added.status_code == 201, added.text
    assert len(added.json()["awards"]) == 6
    assert clerk.post(f"{url}/honourees", json={"person_id": prov.people["fighter"].id}).status_code == 409
    assert clerk.get(f"{url}/report").status_code == 404  # not asked for yet
    asked = clerk.post(f"{url}/report")
    assert asked.status_code == 202 and asked.json()["follow_up"]["started"], asked.text
    assert clerk.get(url).json()["report"] is True
    report = clerk.get(f"{url}/report")
    assert report.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert "Tổng số 19 lượt" in text
    sheet = load_workbook(io.BytesIO(clerk.get(f"{url}/honourees.xlsx").content)).active
    assert [c.value for c in sheet[2]][:4] == [
        1,
        "Hoàng Văn Cường",
        "Phó Trưởng phòng, Phòng Ngân sách",
        "Điển hình tiên tiến",
    ]
    assert [c["id"] for c in clerk.get("/api/v1/conferences").json()] == [made.json()["id"]]


def test_conference_refusals(api, prov):
    made = conference(api, prov)
    url = f"/api/v1/conferences/{made.json()['id']}"
    assert conference(api, prov).status_code == 409
    assert conference(api, prov, kind="final_review", first_year=2026).status_code == 422
    assert conference(api, prov, kind="other").status_code == 422
    assert api["unit_secretariat"].get(url).status_code == 404
    assert api["unit_secretariat"].get("/api/v1/conferences").json() == []
    assert api["officer"].get("/api/v1/conferences").status_code == 403
    clerk = api["province_secretariat"]
    assert clerk.post(f"{url}/honourees", json={}).status_code == 422
    assert clerk.post(f"{url}/honourees", json={"person_id": prov.people["merchant"].id}).status_code == 422
    assert clerk.get("/api/v1/conferences/99999").status_code == 404
