"""Everyone's pages through FastAPI's TestClient: the home page's notifications and queues, a
nomination's page (its verdict with articles, files, trail and only the caller's buttons), its
steps taken through the page (refused: the page again with the reason), and the history pages;
whoever may not see a record gets the page of one that does not exist."""

import re

from models.db import session_scope
from models.notify import notify
from tests.test_workflow import draft, report


def one_draft(app_db, prov, key="good", **kw) -> int:
    with session_scope(app_db) as session:
        n = draft(session, prov, key=key, **kw)
        report(session, prov, n)
        return n.id


def submitted(app_db, prov, browse) -> int:
    """A nomination the officer of Sở Tài chính submitted (through the API, its intake run)."""
    nomination_id = one_draft(app_db, prov)
    officer = browse("officer")
    sent = officer.post(
        "/api/v1/submissions",
        json={"nomination_ids": [nomination_id]},
        headers={"X-CSRF-Token": officer.csrf},
    )
    assert sent.status_code == 201, sent.text
    return nomination_id


def forms(page: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="([^"]+)"', page))


def test_a_draft_shows_its_verdict_files_and_only_its_officers_steps(app_db, prov, browse):
    nomination_id = one_draft(app_db, prov)
    page = browse("officer").get(f"/ho-so/{nomination_id}")
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.text and "Dự thảo" in page.text and "Lao động tiên tiến" in page.text
    assert "Đủ điều kiện" in page.text and "Art. 24" in page.text  # each rule with its article
    assert re.search(r'href="/api/v1/documents/\d+/content" download>Báo cáo thành tích.docx', page.text)
    assert forms(page.text) - {"/dang-xuat"} == {
        f"/ho-so/{nomination_id}/buoc/delete",
        f"/ho-so/{nomination_id}/buoc/withdraw",
    }
    assert 'href="/don-vi">Gửi đề nghị' in page.text  # submitting is the unit page's
    assert f'href="/lich-su/ca-nhan/{prov.people["good"].id}"' in page.text


def test_the_secretariat_returns_a_dossier_with_its_reason_through_the_page(app_db, prov, browse):
    nomination_id = submitted(app_db, prov, browse)
    secretariat = browse("unit_secretariat")
    home = secretariat.get("/")
    assert re.search(r'href="/thu-ky">Hồ sơ chờ tiếp nhận, kiểm tra: <strong>1</strong>', home.text)
    page = secretariat.get(f"/ho-so/{nomination_id}")
    assert forms(page.text) - {"/dang-xuat"} == {
        f"/ho-so/{nomination_id}/buoc/{a}" for a in ("accept", "return", "reject")
    }
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    step = f"/ho-so/{nomination_id}/buoc/return"
    fields = {"csrf_token": secretariat.csrf, "version": version}

    forged = secretariat.post(step, data={**fields, "csrf_token": "forged", "reason": "Thiếu biên bản"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    no_reason = secretariat.post(step, data=fields)
    assert no_reason.status_code == 422 and 'role="alert"' in no_reason.text
    assert "Tiếp nhận, kiểm tra hồ sơ" in no_reason.text  # the page again, the state unchanged

    done = secretariat.post(step, data={**fields, "reason": "Thiếu bie\u0302n bản họp"})  # decomposed ê
    assert done.status_code == 303 and done.headers["location"] == f"/ho-so/{nomination_id}"
    after = secretariat.get(f"/ho-so/{nomination_id}")
    assert "Đã thực hiện: Trả lại để bổ sung hồ sơ" in after.text
    assert "Thiếu biên bản họp" in after.text  # stored NFC, shown in the trail
    stale = secretariat.post(step, data={**fields, "reason": "lần nữa"})
    assert stale.status_code == 409 and 'role="alert"' in stale.text

    officer_home = browse("officer").get("/")
    assert re.search(r'href="/don-vi">Hồ sơ bị trả lại, cần bổ sung: <strong>1</strong>', officer_home.text)


def test_the_home_page_lists_unread_notifications_with_links_until_read(app_db, prov, browse):
    nomination_id = submitted(app_db, prov, browse)  # the secretariat is told of the batch
    with session_scope(app_db) as session:
        people = [prov.people["unit_secretariat"].id]
        (about,) = notify(
            session,
            people,
            "test",
            "Hồ sơ sắp quá hạn",
            "Còn 1 ngày",
            about=("nomination", nomination_id),
            key="t",
        )
        session.flush()
        message_id = about.id
    secretariat = browse("unit_secretariat")
    home = secretariat.get("/")
    assert f'<a href="/ho-so/{nomination_id}">Hồ sơ sắp quá hạn</a>' in home.text
    assert '<a href="/thu-ky">Hồ sơ đề nghị khen thưởng từ Sở Tài chính</a>' in home.text
    read = secretariat.post(f"/thong-bao/{message_id}/da-doc", data={"csrf_token": secretariat.csrf})
    assert read.status_code == 303
    assert "Hồ sơ sắp quá hạn" not in secretariat.get("/").text
    officer = browse("officer")  # another's notification is not found
    assert (
        officer.post(f"/thong-bao/{message_id}/da-doc", data={"csrf_token": officer.csrf}).status_code == 404
    )


def test_another_units_nomination_is_the_page_of_one_that_does_not_exist(app_db, prov, browse):
    nomination_id = one_draft(app_db, prov)
    stranger = browse("ministry_officer")
    hidden, missing = stranger.get(f"/ho-so/{nomination_id}"), stranger.get("/ho-so/999999")
    assert hidden.status_code == missing.status_code == 404
    assert f"Không có hồ sơ #{nomination_id}" in hidden.text
    assert hidden.text.replace(f"#{nomination_id}", "#N") == missing.text.replace("#999999", "#N")
    refused = stranger.post(
        f"/ho-so/{nomination_id}/buoc/withdraw", data={"csrf_token": stranger.csrf, "reason": "x"}
    )
    assert refused.status_code == 404 and "<html" in refused.text


def test_bad_addresses_and_steps_are_refused_as_pages(app_db, prov, browse):
    nomination_id = one_draft(app_db, prov)
    officer = browse("officer")
    assert officer.get("/ho-so/abc").status_code == 422
    engine_only = officer.post(f"/ho-so/{nomination_id}/buoc/confer", data={"csrf_token": officer.csrf})
    assert engine_only.status_code == 422 and engine_only.headers["content-type"].startswith("text/html")
    assert (
        browse().get(f"/ho-so/{nomination_id}").headers["location"]
        == f"/dang-nhap?next=/ho-so/{nomination_id}"
    )


def test_the_history_pages(prov, browse):
    officer = browse("officer")
    person = officer.get(f"/lich-su/ca-nhan/{prov.people['fighter'].id}")
    assert person.status_code == 200 and "Hoàng Văn Cường" in person.text
    assert "Chiến sĩ thi đua cơ sở" in person.text and "Hoàn thành xuất sắc nhiệm vụ" in person.text
    assert "Số hoá hồ sơ ngân sách xã" in person.text  # the initiative
    collective = officer.get(f"/lich-su/tap-the/{prov.units['ns'].id}")
    assert collective.status_code == 200 and "Phòng Ngân sách" in collective.text
    stranger = browse("ministry_officer")
    assert stranger.get(f"/lich-su/ca-nhan/{prov.people['fighter'].id}").status_code == 404
    assert stranger.get(f"/lich-su/tap-the/{prov.units['ns'].id}").status_code == 404
