"""The unit officer's pages (/don-vi) through FastAPI's TestClient: the unit's list by state, a
batch put together (drafts added by name with their verdict, files uploaded, a draft removed) and
sent, a returned nomination fixed and resubmitted (its steps the API's actions); another unit's officer told it
does not exist; bad input and a missing CSRF token refused with a page that says why."""

import re

import pytest
from sqlmodel import Session, select

from models.access import load_actor
from models.config import get_settings
from models.nominations import DossierDocument, Nomination, State
from models.workflow import apply
from tests.factories import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def form(client, url: str, **fields):
    return client.post(url, data={"csrf_token": client.csrf, **fields})


def report(text: str = "Báo cáo thành tích năm 2025") -> dict:
    return {"file": ("Báo cáo thành tích.docx", docx_bytes(text), DOCX)}


@pytest.fixture
def officer(browse):
    return browse("officer")


@pytest.fixture
def unit_id(prov):
    return prov.units["stc"].id


def add(client, unit_id: int, prov, key: str, award: str = "LDTT"):
    """Add a nominee to the batch as the page's form does; answers the new draft's id."""
    fields = {"campaign_id": prov.campaign.id, "award_code": award, "person_id": prov.people[key].id}
    answer = form(client, f"/don-vi/{unit_id}/to-trinh/them", **fields)
    assert answer.status_code == 303, answer.text
    return int(re.search(r"#ho-so-(\d+)$", answer.headers["location"]).group(1))


def batch_url(unit_id: int, prov, award: str = "LDTT") -> str:
    return f"/don-vi/{unit_id}/to-trinh?campaign={prov.campaign.id}&award={award}"


def test_the_officer_goes_straight_to_their_unit_and_nobody_else_does(officer, browse, unit_id):
    answer = officer.get("/don-vi")
    assert answer.status_code == 303 and answer.headers["location"] == f"/don-vi/{unit_id}"
    page = officer.get(f"/don-vi/{unit_id}")
    assert page.status_code == 200 and "Hồ sơ đề nghị của Sở Tài chính" in page.text
    assert "Không có hồ sơ nào" in page.text
    other = browse("ministry_officer")
    refused = other.get(f"/don-vi/{unit_id}")
    assert refused.status_code == 404 and "Không có đơn vị" in refused.text and "<html" in refused.text
    director = browse("director")
    assert "Bạn không là cán bộ thi đua" in director.get("/don-vi").text


def test_a_batch_is_put_together_with_verdicts_and_files_and_sent(officer, app_db, prov, unit_id):
    good = add(officer, unit_id, prov, "good")
    weak = add(officer, unit_id, prov, "weak")
    page = officer.get(batch_url(unit_id, prov))
    assert page.status_code == 200
    drafts = page.text.split('class="draft"')[1:]
    assert "Nguyễn Văn An" in drafts[0] and "Đủ điều kiện" in drafts[0]
    # short of Art. 24(1)(a), only Art. 24(3)'s route for workers and farmers is left, to the council
    assert "Bùi Thị Bình" in drafts[1] and "Cần Hội đồng đánh giá" in drafts[1]
    assert "Law 06/2022 Art. 24(1)(a)" in drafts[1]
    added = officer.get(f"/don-vi/{unit_id}/to-trinh?campaign={prov.campaign.id}&award=LDTT&q=bui thi")
    assert "Bùi Thị Bình" in added.text.split("Dự thảo trong Tờ trình")[0]  # found without accents

    # the weak one leaves the batch; the good one gets its report
    with Session(app_db) as session:
        version = session.get(Nomination, weak).version
    removed = form(officer, f"/don-vi/ho-so/{weak}/xoa", version=version, next=batch_url(unit_id, prov))
    assert removed.status_code == 303 and removed.headers["location"] == batch_url(unit_id, prov)
    uploaded = officer.post(
        f"/don-vi/ho-so/{good}/tai-lieu",
        data={"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich", "next": batch_url(unit_id, prov)},
        files=report(),
    )
    assert uploaded.status_code == 303 and uploaded.headers["location"] == batch_url(unit_id, prov)
    page = officer.get(batch_url(unit_id, prov))
    assert "Bùi Thị Bình" not in page.text and "Đã tải lên Báo cáo thành tích.docx" in page.text
    assert "Báo cáo thành tích.docx</a>" in page.text

    sent = form(
        officer,
        f"/don-vi/{unit_id}/to-trinh/gui",
        campaign_id=prov.campaign.id,
        award_code="LDTT",
        nomination_ids=[good],
    )
    assert sent.status_code == 303, sent.text
    batch = officer.get(sent.headers["location"])
    assert batch.status_code == 200 and "Đã gửi Tờ trình" in batch.text and "Nguyễn Văn An" in batch.text
    listed = officer.get(f"/don-vi/{unit_id}?state=submitted")
    assert "Nguyễn Văn An" in listed.text and "Tiếp nhận, kiểm tra hồ sơ (1)" in listed.text


def sent_batch(officer, prov, unit_id: int, *keys: str) -> list[int]:
    """Drafts for the nominees, each with its report, sent as one batch through the pages."""
    ids = [add(officer, unit_id, prov, key) for key in keys]
    for i in ids:
        data = {"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich"}
        assert officer.post(f"/don-vi/ho-so/{i}/tai-lieu", data=data, files=report()).status_code == 303
    fields = {"campaign_id": prov.campaign.id, "award_code": "LDTT", "nomination_ids": ids}
    assert form(officer, f"/don-vi/{unit_id}/to-trinh/gui", **fields).status_code == 303
    return ids


def return_it(app_db, prov, nomination_id: int, reason: str) -> None:
    """The secretariat's step (its pages are another's): as its API route takes it."""
    with Session(app_db) as session:
        secretariat = load_actor(session, prov.people["unit_secretariat"].id)
        apply(session, session.get(Nomination, nomination_id), "return", secretariat, reason=reason)
        session.commit()


def test_a_returned_nomination_is_fixed_and_resubmitted(officer, app_db, prov, unit_id):
    _, diligent = sent_batch(officer, prov, unit_id, "good", "diligent")
    return_it(app_db, prov, diligent, "Báo cáo thiếu số liệu năm 2025")
    returned = officer.get(f"/don-vi/{unit_id}?state=returned")
    assert (
        "Trương Thị Mai" in returned.text and "Lý do trả lại: Báo cáo thiếu số liệu năm 2025" in returned.text
    )
    assert "Nguyễn Văn An" not in returned.text

    page = officer.get(f"/don-vi/ho-so/{diligent}")
    assert "Báo cáo thiếu số liệu năm 2025" in page.text
    assert "Gửi lại hồ sơ đã bổ sung" in page.text and "Rút đề nghị" in page.text  # its actions
    assert "Xoá dự thảo" not in page.text  # not a draft: no such step
    with Session(app_db) as session:
        version = session.get(Nomination, diligent).version
    edited = form(
        officer, f"/don-vi/ho-so/{diligent}/sua", version=version, achievement="  Thẩm định 120 hồ sơ  "
    )
    assert edited.status_code == 303
    stale = form(officer, f"/don-vi/ho-so/{diligent}/sua", version=version, achievement="Bản cũ")
    assert stale.status_code == 409 and "đã được thay đổi" in stale.text  # the page it showed is out of date
    data = {"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich"}
    again = officer.post(
        f"/don-vi/ho-so/{diligent}/tai-lieu", data=data, files=report("Số liệu năm 2025: 120")
    )
    assert again.status_code == 303
    page = officer.get(f"/don-vi/ho-so/{diligent}")
    assert page.text.count("Báo cáo thành tích.docx</a>") == 2  # the first version is kept
    with Session(app_db) as session:
        n = session.get(Nomination, diligent)
        assert n.achievement == "Thẩm định 120 hồ sơ"
        version = n.version
    assert f'action="/ho-so/{diligent}/buoc/resubmit"' in page.text  # the nomination page's step
    resubmitted = form(officer, f"/ho-so/{diligent}/buoc/resubmit", version=version)
    assert resubmitted.status_code == 303
    with Session(app_db) as session:
        assert session.get(Nomination, diligent).state is State.SUBMITTED
        kept = session.exec(select(DossierDocument).where(DossierDocument.nomination_id == diligent)).all()
        assert sorted(d.version for d in kept) == [1, 2]


def test_another_units_officer_finds_none_of_it(officer, browse, prov, unit_id):
    (good,) = sent_batch(officer, prov, unit_id, "good")
    batch = officer.get(f"/don-vi/{unit_id}").text
    submission = int(re.search(r"/don-vi/to-trinh/(\d+)", batch).group(1))
    other = browse("ministry_officer")
    for url in (f"/don-vi/ho-so/{good}", f"/don-vi/to-trinh/{submission}", f"/don-vi/{unit_id}/to-trinh"):
        answer = other.get(url)
        assert answer.status_code == 404 and "Không có" in answer.text and "<html" in answer.text, url
    edit = form(other, f"/don-vi/ho-so/{good}/sua", version=1, achievement="x")
    upload = other.post(
        f"/don-vi/ho-so/{good}/tai-lieu",
        data={"csrf_token": other.csrf, "kind": "bao_cao_thanh_tich"},
        files=report(),
    )
    assert edit.status_code == upload.status_code == 404


def test_bad_input_is_refused_with_a_page_that_says_why(officer, prov, unit_id):
    good = add(officer, unit_id, prov, "good")
    url = f"/don-vi/ho-so/{good}/tai-lieu"
    lying = {"file": ("Báo cáo.docx", b"%PDF-1.4 not really a Word file", DOCX)}
    answer = officer.post(url, data={"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich"}, files=lying)
    assert answer.status_code == 422 and "<html" in answer.text and "Không tải lên" not in answer.text
    assert "Nguyễn Văn An: hồ sơ" in answer.text  # the nomination's page again, with the reason
    no_file = officer.post(url, data={"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich"})
    assert no_file.status_code == 422 and "Chưa chọn tệp" in no_file.text
    huge = {
        "file": (
            "Báo cáo.pdf",
            b"%PDF-1.4" + bytes(get_settings().max_upload_bytes + 1024 * 1024),
            "application/pdf",
        )
    }
    too_big = officer.post(url, data={"csrf_token": officer.csrf, "kind": "bao_cao_thanh_tich"}, files=huge)
    assert (
        too_big.status_code == 413 and "<html" in too_big.text and "Nội dung yêu cầu vượt quá" in too_big.text
    )
    wrong_kind = officer.post(url, data={"csrf_token": officer.csrf, "kind": "to_trinh"}, files=report())
    assert wrong_kind.status_code == 422 and "không thuộc hồ sơ đề nghị" in wrong_kind.text
    missing = form(
        officer, f"/don-vi/{unit_id}/to-trinh/them", campaign_id=prov.campaign.id, award_code="LDTT"
    )
    assert missing.status_code == 422 and "person_id" in missing.text and "<html" in missing.text
    nobody = form(officer, f"/don-vi/{unit_id}/to-trinh/gui", campaign_id=prov.campaign.id, award_code="LDTT")
    assert nobody.status_code == 422 and "Chưa chọn hồ sơ nào" in nobody.text
    twice = form(
        officer,
        f"/don-vi/{unit_id}/to-trinh/them",
        campaign_id=prov.campaign.id,
        award_code="LDTT",
        person_id=prov.people["good"].id,
    )
    assert twice.status_code == 422 and "đã có đề nghị" in twice.text
    assert officer.get(f"/don-vi/{unit_id}?year=abc").status_code == 422
    assert officer.get(f"/don-vi/{unit_id}?state=unknown").status_code == 422
    assert officer.get(f"/don-vi/{unit_id}?year=&award=&state=").status_code == 200  # blank: no filter


def test_a_form_without_the_csrf_token_is_refused(officer, app_db, prov, unit_id):
    fields = {"campaign_id": prov.campaign.id, "award_code": "LDTT", "person_id": prov.people["good"].id}
    refused = officer.post(f"/don-vi/{unit_id}/to-trinh/them", data=fields)
    assert refused.status_code == 403 and "CSRF" in refused.text and "<html" in refused.text
    with Session(app_db) as session:
        assert session.exec(select(Nomination)).all() == []
