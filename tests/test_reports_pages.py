"""The statistics and conference pages, through the login as a person uses them. The counts are
the hand-counted ones of tests/test_reports_api.py."""

import io

import docx

from tests.test_reports_api import CONFERENCE


def test_the_statistics_page_shows_the_counts_and_links_the_forms(browse, prov):
    clerk = browse("unit_secretariat")
    page = clerk.get("/thu-ky/thong-ke", params={"unit_id": prov.units["stc"].id, "year": 2024})
    assert page.status_code == 200, page.text
    assert "Khen thưởng năm 2024: 5 lượt" in page.text
    assert 'href="/thu-ky/thong-ke" aria-current="page"' in page.text
    assert "Biểu số 0603.N/BNV-TĐKT" in page.text
    alone = clerk.get(
        "/thu-ky/thong-ke", params={"unit_id": prov.units["stc"].id, "year": 2024, "subtree": False}
    )
    assert "Khen thưởng năm 2024: 0 lượt" in alone.text
    assert clerk.get("/thu-ky/thong-ke", params={"unit_id": prov.units["province"].id}).status_code == 404
    assert clerk.get("/thu-ky/thong-ke", params={"year": "abc"}).status_code == 422
    assert browse("officer").get("/thu-ky/thong-ke").status_code == 403


def test_a_conference_is_held_its_list_filled_and_its_report_written_from_the_pages(browse, prov):
    clerk = browse("province_secretariat")
    fields = CONFERENCE | {"csrf_token": clerk.csrf, "organiser_unit_id": prov.units["province"].id}
    made = clerk.post("/thu-ky/hoi-nghi", data=fields)
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    page = clerk.get(url)
    assert "Hoàng Văn Cường (6 lượt khen thưởng)" in page.text  # the most awarded, offered first
    added = clerk.post(
        f"{url}/bieu-duong", data={"csrf_token": clerk.csrf, "subject": f"p:{prov.people['fighter'].id}"}
    )
    assert added.status_code == 303, added.text
    again = clerk.post(
        f"{url}/bieu-duong", data={"csrf_token": clerk.csrf, "subject": f"p:{prov.people['fighter'].id}"}
    )
    assert again.status_code == 409 and "đã có trong danh sách" in again.text
    assert clerk.post(f"{url}/bao-cao", data={"csrf_token": clerk.csrf}).status_code == 303
    page = clerk.get(url)
    assert "Phó Trưởng phòng, Phòng Ngân sách" in page.text and "Tải báo cáo (Word)" in page.text
    report = clerk.get(f"/api/v1/conferences/{url.rsplit('/', 1)[1]}/report")
    assert "Hoàng Văn Cường" in [
        c.text for c in docx.Document(io.BytesIO(report.content)).tables[2].rows[1].cells
    ]
    listed = clerk.get("/thu-ky/hoi-nghi")
    assert "Hội nghị điển hình tiên tiến giai đoạn 2021–2025" in listed.text
    twice = clerk.post("/thu-ky/hoi-nghi", data=fields)
    assert twice.status_code == 409 and "đã có hội nghị này" in twice.text
    wrong = clerk.post("/thu-ky/hoi-nghi", data=fields | {"first_year": 2026})
    assert wrong.status_code == 422
    assert clerk.post(f"{url}/bao-cao").status_code == 403  # no CSRF token
    assert browse("unit_secretariat").get(url).status_code == 404
