"""Excel import and export through the API and the page (issue 12 §6-7): 202 and the job, its
progress and report, the template and the export, and 4xx with a Vietnamese message for a bad
file or a caller who may not import."""

import io

from openpyxl import load_workbook

from models import excel
from models.config import configured
from models.uploads import XLSX
from tests.test_excel import PEOPLE, book

GOOD = book({"Cá nhân": [PEOPLE, ["Âu Văn Khải", "09/09/1989", "QNG-STC-NS", "Nam", "Chuyên viên"]]})
WRONG = book({"Cá nhân": [PEOPLE, ["Âu Văn Khải", "09/09/1989", "QNG-SNV", "Nam", ""]]})


def upload(client, content: bytes, name: str = "du_lieu.xlsx", content_type: str = XLSX):
    return client.post("/api/v1/imports", files={"file": (name, content, content_type)})


def test_an_upload_is_an_import_job_whose_progress_and_report_the_api_gives(api):
    secretariat = api["unit_secretariat"]
    answer = upload(secretariat, GOOD)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["follow_up"] == {"flow": "excel_import", "started": True, "error": ""}
    done = secretariat.get(f"/api/v1/imports/{job['id']}").json()
    assert done["state"] == "done" and done["counts"]["people"] == {"added": 1, "unchanged": 0}
    again = upload(secretariat, GOOD, "lan_nua.xlsx")
    assert again.status_code == 200 and again.json()["id"] == job["id"]

    refused = upload(secretariat, WRONG).json()
    report = secretariat.get(f"/api/v1/imports/{refused['id']}").json()
    assert report["state"] == "refused" and report["problems"] == [
        {
            "sheet": "Cá nhân",
            "row": 2,
            "column": "Đơn vị",
            "problem": "đơn vị «QNG-SNV» không thuộc các đơn vị bạn quản lý",
        }
    ]
    sheet = secretariat.get(f"/api/v1/imports/{refused['id']}/report")
    assert sheet.headers["content-type"] == XLSX
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows == [
        ("Trang", "Dòng", "Cột", "Lỗi"),
        ("Cá nhân", 2, "Đơn vị", report["problems"][0]["problem"]),
    ]
    assert [j["id"] for j in secretariat.get("/api/v1/imports").json()] == [refused["id"], job["id"]]
    assert api["province_secretariat"].get(f"/api/v1/imports/{job['id']}").status_code == 404


def test_the_export_imports_back_unchanged_and_the_template_downloads(api):
    secretariat = api["province_secretariat"]
    exported = secretariat.get("/api/v1/exports/people")
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    job = upload(secretariat, exported.content, "xuat.xlsx").json()
    done = secretariat.get(f"/api/v1/imports/{job['id']}").json()
    assert (
        done["state"] == "done" and done["rows_written"] == 0 and done["counts"]["people"]["unchanged"] > 10
    )
    template = load_workbook(io.BytesIO(secretariat.get("/api/v1/imports/template").content))
    assert template.sheetnames == [k.sheet for k in excel.KINDS]


def test_a_bad_file_or_a_caller_outside_the_secretariats_gets_a_4xx_in_vietnamese(api):
    secretariat = api["unit_secretariat"]
    cases = {
        "not a workbook": (upload(secretariat, b"%PDF-1.7 ...", "a.pdf", "application/pdf"), 422),
        "declared otherwise": (upload(secretariat, GOOD, "a.xlsx", "application/pdf"), 422),
        "no known sheet": (upload(secretariat, book({"Sheet1": [["x"]]})), 422),
        "empty": (upload(secretariat, b""), 422),
        "no file": (secretariat.post("/api/v1/imports"), 422),
        "a unit officer": (upload(api["officer"], GOOD), 403),
        "a unit officer's export": (api["officer"].get("/api/v1/exports/people"), 403),
        "nobody": (upload(api["anonymous"], GOOD), 401),
    }
    with configured(max_import_bytes=2000):
        cases["too large"] = (upload(secretariat, GOOD), 413)
    for case, (answer, status) in cases.items():
        assert answer.status_code == status, (case, answer.text)
        assert answer.json().get("message") or answer.json().get("problems") or answer.json().get("detail")
    assert "chỉ nhận bảng tính Excel (.xlsx)" in cases["not a workbook"][0].json()["message"]


def test_the_page_uploads_and_shows_the_problems_as_a_table(browse):
    secretariat = browse("unit_secretariat")
    page = secretariat.get("/thu-ky/nhap-excel")
    assert page.status_code == 200 and "Tệp mẫu (Excel)" in page.text
    assert 'href="/thu-ky/nhap-excel" aria-current="page"' in page.text
    sent = secretariat.post(
        "/thu-ky/nhap-excel", data={"csrf_token": secretariat.csrf}, files={"file": ("loi.xlsx", WRONG, XLSX)}
    )
    assert sent.status_code == 303, sent.text
    shown = secretariat.get(sent.headers["location"])
    assert "Tệp có 1 lỗi: không ghi dòng nào" in shown.text
    assert "đơn vị «QNG-SNV» không thuộc các đơn vị bạn quản lý" in shown.text
    assert secretariat.get(sent.headers["location"] + "/tien-do").status_code == 200
    bad = secretariat.post(
        "/thu-ky/nhap-excel",
        data={"csrf_token": secretariat.csrf},
        files={"file": ("a.txt", b"abc", "text/plain")},
    )
    assert bad.status_code == 422 and "Tệp Excel (.xlsx)" in bad.text
    assert browse("officer").get("/thu-ky/nhap-excel").status_code == 403


def test_the_nominations_list_and_the_intake_queue_download_as_xlsx_scoped_as_the_json(api, app_db, prov):
    from models.db import session_scope
    from models.workflow import submit
    from tests.factories import NOW
    from tests.test_workflow import draft, report

    with session_scope(app_db) as session:
        sent, kept = draft(session, prov, key="good"), draft(session, prov, key="fighter", award="CSTDCS")
        report(session, prov, sent)
        submit(session, prov.actors["officer"], [sent], now=NOW)

    def rows(client, url: str) -> list[tuple]:
        answer = client.get(url)
        assert answer.status_code == 200 and answer.headers["content-type"] == XLSX, answer.text
        return list(load_workbook(io.BytesIO(answer.content)).active.values)

    listed = rows(api["officer"], "/api/v1/nominations?format=xlsx&sort=id")
    assert listed[0][:3] == ("Số hồ sơ", "Tập thể, cá nhân", "Danh hiệu, hình thức")
    assert [(r[0], r[1], r[2]) for r in listed[1:]] == [
        (sent.id, "Nguyễn Văn An", "Lao động tiên tiến"),
        (kept.id, "Hoàng Văn Cường", "Chiến sĩ thi đua cơ sở"),
    ]
    assert rows(api["ministry_officer"], "/api/v1/nominations?format=xlsx")[1:] == []
    queue = rows(api["unit_secretariat"], "/api/v1/queues/intake?format=xlsx")
    assert [r[0] for r in queue[1:]] == [sent.id]
    assert api["officer"].get("/api/v1/nominations?format=pdf").status_code == 422


# Every list of the API that downloads as .xlsx (service/api/lists.py `xlsx`), as whom, and the
# JSON field its first column holds.
LISTS = [
    ("officer", "/api/v1/nominations", "id"),
    ("unit_secretariat", "/api/v1/queues/intake", "id"),
    ("officer", "/api/v1/queues/returned", "id"),
    ("stc:0", "/api/v1/queues/agenda", "id"),
    ("officer", "/api/v1/submissions", "id"),
    ("province_secretariat", "/api/v1/council-sessions", "id"),
    ("province_secretariat", "/api/v1/decisions", "id"),
    ("director", "/api/v1/queues/appraisal-signature", "id"),
    ("chairman", "/api/v1/queues/signature", "id"),
    ("province_secretariat", "/api/v1/units", "id"),
    ("province_secretariat", "/api/v1/people", "id"),
    ("province_secretariat", "/api/v1/councils", "id"),
    ("officer", "/api/v1/campaigns", "id"),
    ("officer", "/api/v1/inbox", "id"),
    ("unit_secretariat", "/api/v1/imports", "id"),
]


def test_every_list_downloads_as_xlsx_with_the_rows_of_its_json(api, app_db, prov):
    """Each list's .xlsx opens with openpyxl and has, in Times New Roman under a bold header row,
    one row for each item its JSON lists, in the same order; dates are dates."""
    from models.db import session_scope
    from models.workflow import submit
    from tests.factories import NOW
    from tests.test_workflow import draft, report

    with session_scope(app_db) as session:
        sent = draft(session, prov, key="good")
        report(session, prov, sent)
        submit(session, prov.actors["officer"], [sent], now=NOW)
    assert upload(api["unit_secretariat"], WRONG).status_code == 202
    seen_rows = 0
    for who, url, key in LISTS:
        answer = api[who].get(
            url, params={"per_page": 200} if "inbox" not in url and "imports" not in url else {}
        )
        assert answer.status_code == 200, (url, answer.text)
        items = answer.json()
        items = items["items"] if isinstance(items, dict) else items
        download = api[who].get(url, params={"format": "xlsx"})
        assert download.status_code == 200 and download.headers["content-type"] == XLSX, (url, download.text)
        sheet = load_workbook(io.BytesIO(download.content)).active
        rows = list(sheet.values)
        assert [r[0] for r in rows[1:]] == [i[key] for i in items], url
        header = sheet["A1"]
        assert header.font.b and header.font.name == "Times New Roman", url
        seen_rows += len(items)
        for row in sheet.iter_rows(min_row=2):
            assert all(c.font.name == "Times New Roman" for c in row)
    assert seen_rows > 20  # the province's units, people, councils, the nomination, the import
    people = load_workbook(io.BytesIO(api["officer"].get("/api/v1/submissions?format=xlsx").content)).active
    assert people.max_row >= 2 and people["I2"].is_date  # "Ngày lập": a date, not text


def test_the_pages_of_lists_link_their_xlsx_download_which_the_browser_session_opens(browse):
    import html
    import re

    for who, page in [
        ("unit_secretariat", "/thu-ky"),
        ("unit_secretariat", "/thu-ky/nhap-excel"),
        ("province_secretariat", "/thu-ky/phien-hop"),
        ("chairman", "/ky-duyet"),
        ("officer", "/"),
    ]:
        client = browse(who)
        shown = client.get(page)
        assert shown.status_code == 200, (page, shown.text)
        links = re.findall(r'<a href="([^"]+format=xlsx)" download>Tải Excel</a>', shown.text)
        assert links, page
        download = client.get(html.unescape(links[0]))
        assert download.status_code == 200 and download.headers["content-type"] == XLSX, (page, links)
        load_workbook(io.BytesIO(download.content))
