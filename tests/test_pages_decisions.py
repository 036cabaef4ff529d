"""The secretariat's decision pages and the authority's signing pages through FastAPI's TestClient:
what waits for a decision, drafting one, the preview the authority signs from, signing, the
documents and the progress of the flow writing them, a Tờ trình signed upward; who may not see a
decision is told it does not exist, who may not sign is refused, a form without its CSRF token is
refused."""

import io
import re
from datetime import timedelta

from docx import Document
from sqlmodel import Session, select

from models.db import session_scope, utcnow
from models.decisions import Decision
from models.nominations import Nomination
from models.runs import FlowRun, ended, started
from tests.test_workflow import report
from tests.test_workflow_api import drafts, meet, ok


def recommended(app_db, prov, api) -> dict:
    """Two Giấy khen the unit's council recommended (decided at Sở Tài chính) and a provincial
    fighter it recommended (decided above it), through the API."""
    good, diligent = drafts(app_db, prov, ["good", "diligent"], "GK")
    (fighter,) = drafts(app_db, prov, ["fighter"], "CSTD_TINH")
    with session_scope(app_db) as session:
        report(session, prov, session.get(Nomination, fighter), "xac_nhan_sang_kien")
    ids = [good, diligent, fighter]
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    for i in ids:
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, ids, vote=True)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    return {"good": good, "diligent": diligent, "fighter": fighter}


def group_link(page: str, label: str) -> str:
    """The link of the group whose next step is `label`, on a page listing groups."""
    found = re.search(rf'href="(/thu-ky/quyet-dinh/nhom\?[^"]+)">{label}', page)
    assert found, page
    return found.group(1).replace("&amp;", "&")


def drafted(app_db, prov, api, browse) -> tuple[object, int, dict]:
    ids = recommended(app_db, prov, api)
    secretariat = browse("unit_secretariat")
    group = group_link(secretariat.get("/thu-ky/quyet-dinh").text, "Dự thảo quyết định")
    form = {"csrf_token": secretariat.csrf, "nomination_id": [ids["good"], ids["diligent"]]}
    answer = secretariat.post(group, data=form)
    assert answer.status_code == 303, answer.text
    return secretariat, int(answer.headers["location"].rsplit("/", 1)[1]), ids


def test_the_secretariat_drafts_the_authority_previews_and_signs(app_db, prov, api, browse):
    ids = recommended(app_db, prov, api)
    secretariat = browse("unit_secretariat")
    index = secretariat.get("/thu-ky/quyet-dinh")
    assert index.status_code == 200 and "Giấy khen" in index.text
    assert "chờ người có thẩm quyền" in index.text  # the fighter goes up: the director signs that
    group = group_link(index.text, "Dự thảo quyết định")
    listed = secretariat.get(group)
    assert listed.status_code == 200
    assert "Nguyễn Văn An" in listed.text and "Trương Thị Mai" in listed.text
    assert "Hoàng Văn Cường" not in listed.text and "Ký Tờ trình" not in listed.text
    answer = secretariat.post(group, data={"csrf_token": secretariat.csrf, "nomination_id": [ids["good"]]})
    assert answer.status_code == 303
    decision_id = int(answer.headers["location"].rsplit("/", 1)[1])
    page = secretariat.get(answer.headers["location"])
    assert "Đã dự thảo quyết định" in page.text and "Dự thảo, chờ ký" in page.text
    assert "Nguyễn Văn An" in page.text and "Trương Thị Mai" not in page.text
    assert "Chưa ký" in page.text and "hx-get" not in page.text

    director = browse("director")
    queue = director.get("/ky-duyet")
    assert f'href="/ky-duyet/{decision_id}"' in queue.text and "Hoàng Văn Cường" not in queue.text
    preview = director.get(f"/ky-duyet/{decision_id}")
    assert preview.status_code == 200
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Về việc tặng Giấy khen", "QUYẾT ĐỊNH:", "Điều 1."):
        assert words in preview.text
    assert "Nguyễn Văn An" in preview.text and "Ký quyết định" in preview.text
    # the department's record lacks the decision on its powers: the signer is told, not the line faked
    assert "Thiếu số, ngày ban hành của văn bản quy định chức năng, nhiệm vụ của Sở Tài chính" in preview.text
    assert "Ký quyết định" not in secretariat.get(f"/ky-duyet/{decision_id}").text  # the secretariat may not

    signed = director.post(
        f"/ky-duyet/{decision_id}/ky", data={"csrf_token": director.csrf, "signed_on": "2025-12-20"}
    )
    assert signed.status_code == 303 and signed.headers["location"] == f"/ky-duyet/{decision_id}"
    after = director.get(f"/ky-duyet/{decision_id}").text
    assert "Đã ký quyết định" in after and "Đã ban hành" in after and "Ký quyết định</button>" not in after
    with Session(app_db) as session:
        reference = session.get(Decision, decision_id).reference
    assert f"Số: {reference}" in after  # the preview now carries its number

    page = secretariat.get(f"/thu-ky/quyet-dinh/{decision_id}").text
    word = re.search(
        r'href="(/thu-ky/quyet-dinh/tep/\d+)" download>Quyết định và danh sách kèm theo \(Word\)', page
    )
    assert word and "Tệp in Giấy khen (tất cả)" in page
    download = secretariat.get(word.group(1))
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert reference in text and "Nguyễn Văn An" in text


def test_who_may_not_see_a_decision_is_told_it_does_not_exist(app_db, prov, api, browse):
    _, decision_id, _ = drafted(app_db, prov, api, browse)
    stranger = browse("province_secretariat")  # a secretariat of another unit
    for url in (
        f"/thu-ky/quyet-dinh/{decision_id}",
        f"/ky-duyet/{decision_id}",
        f"/ky-duyet/{decision_id}/tien-do",
    ):
        answer = stranger.get(url)
        assert answer.status_code == 404 and "<html" in answer.text and "Không có quyết định" in answer.text
    assert f"/thu-ky/quyet-dinh/{decision_id}" not in stranger.get("/thu-ky/quyet-dinh").text
    refused = stranger.post(
        f"/ky-duyet/{decision_id}/ky", data={"csrf_token": stranger.csrf, "signed_on": "2025-12-20"}
    )
    assert refused.status_code == 404


def test_a_unit_officer_cannot_sign_and_a_form_needs_its_csrf_token(app_db, prov, api, browse):
    _, decision_id, _ = drafted(app_db, prov, api, browse)
    officer = browse("officer")
    refused = officer.post(
        f"/ky-duyet/{decision_id}/ky", data={"csrf_token": officer.csrf, "signed_on": "2025-12-20"}
    )
    assert refused.status_code == 403 and "Dự thảo, chờ ký" in refused.text  # the page again, with why
    director = browse("director")
    forged = director.post(f"/ky-duyet/{decision_id}/ky", data={"signed_on": "2025-12-20"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    with Session(app_db) as session:
        assert session.get(Decision, decision_id).state == "draft"


def test_a_refused_step_reshows_its_page_with_the_reason(app_db, prov, api, browse):
    secretariat, decision_id, ids = drafted(app_db, prov, api, browse)
    director = browse("director")
    late = director.post(
        f"/ky-duyet/{decision_id}/ky", data={"csrf_token": director.csrf, "signed_on": "2024-01-01"}
    )
    assert late.status_code == 422 and "Ngày ký quyết định phải trong khoảng" in late.text
    bad = director.post(
        f"/ky-duyet/{decision_id}/ky", data={"csrf_token": director.csrf, "signed_on": "hôm qua"}
    )
    assert bad.status_code == 422 and "Ngày ký" in bad.text and "Xem trước văn bản" in bad.text
    fighter_group = group_link(director.get("/ky-duyet").text, "Ký Tờ trình trình cấp trên")
    nothing = secretariat.post(fighter_group, data={"csrf_token": secretariat.csrf})
    assert nothing.status_code == 422 and "chọn ít nhất một hồ sơ" in nothing.text
    not_here = secretariat.post(fighter_group, data={"csrf_token": secretariat.csrf, "ca_nhom": "true"})
    assert not_here.status_code == 422 and "trình lên cấp trên" in not_here.text  # decided above
    stray = secretariat.post(
        fighter_group, data={"csrf_token": secretariat.csrf, "nomination_id": [ids["good"]]}
    )
    assert stray.status_code == 422 and "không thuộc nhóm" in stray.text
    assert secretariat.get("/thu-ky/quyet-dinh/danh-sach?trang_thai=khong-co").status_code == 422


def test_the_director_signs_a_to_trinh_upward_and_sees_its_documents(app_db, prov, api, browse):
    ids = recommended(app_db, prov, api)
    director = browse("director")
    group = group_link(director.get("/ky-duyet").text, "Ký Tờ trình trình cấp trên")
    form = director.get(group).text
    assert "Hoàng Văn Cường" in form and "Ký Tờ trình, trình cấp trên" in form
    answer = director.post(
        group.replace("/nhom?", "/nhom/to-trinh?"),
        data={"csrf_token": director.csrf, "nomination_id": [ids["fighter"]], "signed_on": "2025-12-22"},
    )
    assert answer.status_code == 303 and "/thu-ky/quyet-dinh/to-trinh/" in answer.headers["location"]
    page = director.get(answer.headers["location"]).text
    assert "Đã ký Tờ trình" in page and "Đã chuyển lên cấp trên" in page and "Hoàng Văn Cường" in page
    assert "Tờ trình và danh sách kèm theo (Word)" in page
    assert "Tờ trình số" in director.get("/thu-ky/quyet-dinh/to-trinh").text


def test_long_work_shows_its_progress_without_blocking(app_db, prov, api, browse):
    secretariat, decision_id, _ = drafted(app_db, prov, api, browse)
    ok(api["director"].post(f"/api/v1/decisions/{decision_id}/sign", json={"signed_on": "2025-12-20"}))
    with session_scope(app_db) as session:  # the flow runs again (a retry) and has not ended yet
        run = started(session, "rerun-1", "decision", "decision", decision_id)
        run.started_at = utcnow() + timedelta(seconds=1)
    poll = f"/thu-ky/quyet-dinh/{decision_id}/tien-do"
    page = secretariat.get(f"/thu-ky/quyet-dinh/{decision_id}").text
    assert "Đang vào sổ và tạo văn bản" in page and f'hx-get="{poll}"' in page
    assert f'href="/thu-ky/quyet-dinh/{decision_id}">Tải lại' in page and "htmx.min.js" in page
    fragment = secretariat.get(poll)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "hx-trigger" in fragment.text
    with session_scope(app_db) as session:
        ended(session, "rerun-1")
    done = secretariat.get(poll).text
    assert "hx-get" not in done and "Đã tạo 7 tệp" in done and "Giấy khen của từng người (2 tệp)" in done
    assert "Danh sách chi tiền thưởng (Excel)" in done
    with session_scope(app_db) as session:
        ended(session, "rerun-1", error="RuntimeError: the store is full")
        assert session.exec(select(FlowRun).where(FlowRun.id == "rerun-1")).one().state == "failed"
    failed = secretariat.get(f"/ky-duyet/{decision_id}").text
    assert "Tạo văn bản không thành công" in failed and "the store is full" in failed


def test_nobody_is_sent_to_the_login_page(browse):
    client = browse()
    for url in ("/thu-ky/quyet-dinh", "/ky-duyet", "/thu-ky/quyet-dinh/1"):
        answer = client.get(url)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap?next=")
