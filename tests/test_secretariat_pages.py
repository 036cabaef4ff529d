"""The secretariat's pages through FastAPI's TestClient: the intake queue (filters, overdue rows),
accepting, returning and rejecting one by one and in bulk — all or none, the refused ones named
with the reason —, the council's sessions (open, agenda, attendance, close), the season's
dashboard; who may not open them, forms without their CSRF token, bad input."""

import pytest
from sqlmodel import Session, col, select

from models.audit import Event
from models.councils import Attendance, CouncilSession, SessionState
from models.db import session_scope
from models.history import Rating
from models.nominations import Nomination, State
from models.workflow import apply, submit
from tests.factories import NOW
from tests.test_workflow_api import drafts


def submitted(engine, prov, keys=("good", "diligent")) -> list[int]:
    """Drafts of Lao động tiên tiến with their reports, sent to the department's secretariat."""
    ids = drafts(engine, prov, keys)
    with session_scope(engine) as session:
        submit(session, prov.actors["officer"], [session.get(Nomination, i) for i in ids], now=NOW)
    return ids


def demote(engine, prov, key: str) -> None:
    """The nominee's 2025 rating revised down after the dossier was sent: no longer eligible."""
    with session_scope(engine) as session:
        rating = session.exec(
            select(Rating).where(Rating.person_id == prov.people[key].id, Rating.year == 2025)
        ).one()
        rating.level = "HT"


def states(engine, ids) -> list[State]:
    with Session(engine) as session:
        return [session.get(Nomination, i).state for i in ids]


def steps_taken(engine, action: str) -> int:
    with Session(engine) as session:
        return len(
            session.exec(select(Event.id).where(Event.entity == "nomination", Event.action == action)).all()
        )


def accept(engine, prov, ids) -> None:
    with session_scope(engine) as session:
        for i in ids:
            apply(session, session.get(Nomination, i), "accept", prov.actors["unit_secretariat"], now=NOW)


@pytest.fixture
def secretariat(browse):
    return browse("unit_secretariat")


def test_the_intake_queue_lists_what_was_submitted_with_overdue_rows_and_filters(app_db, prov, secretariat):
    good, diligent = submitted(app_db, prov)
    page = secretariat.get("/thu-ky")
    assert page.status_code == 200 and "Hồ sơ chờ tiếp nhận" in page.text
    assert "Nguyễn Văn An" in page.text and "Trương Thị Mai" in page.text
    assert f'href="/ho-so/{good}"' in page.text and f'href="/thu-ky/tiep-nhan/{diligent}"' in page.text
    # due ten working days after 15/12/2025: long past today
    assert page.text.count('<tr class="overdue">') == 2 and "29/12/2025" in page.text
    only = secretariat.get("/thu-ky", params={"q": "an", "han": "qua-han"})
    assert "Nguyễn Văn An" in only.text and "Trương Thị Mai" not in only.text
    assert "Không có hồ sơ nào" in secretariat.get("/thu-ky", params={"han": "con-han"}).text
    assert "Không có hồ sơ nào" in secretariat.get("/thu-ky", params={"award": "CSTDCS"}).text
    paged = secretariat.get("/thu-ky", params={"per_page": 1, "q": "", "award": "LDTT"})
    assert 'href="/thu-ky?award=LDTT&amp;page=2"' in paged.text


@pytest.mark.parametrize(
    "url", ["/thu-ky", "/thu-ky/phien-hop", "/thu-ky/phien-hop/moi", "/thu-ky/tong-quan"]
)
def test_a_unit_officer_gets_the_forbidden_page(browse, url):
    page = browse("officer").get(url)
    assert page.status_code == 403 and "<html" in page.text and "không phải cơ quan thường trực" in page.text


def test_an_officer_posting_the_secretariat_form_is_refused_and_nothing_changes(app_db, prov, browse):
    ids = submitted(app_db, prov)
    officer = browse("officer")
    answer = officer.post(
        "/thu-ky/tiep-nhan", data={"csrf_token": officer.csrf, "action": "accept", "nomination_ids": ids}
    )
    assert answer.status_code == 403 and states(app_db, ids) == [State.SUBMITTED] * 2


def test_bulk_accept_is_all_or_none_and_names_the_refused(app_db, prov, secretariat):
    good, diligent = submitted(app_db, prov)
    demote(app_db, prov, "diligent")
    form = {"csrf_token": secretariat.csrf, "action": "accept", "nomination_ids": [good, diligent]}
    refused = secretariat.post("/thu-ky/tiep-nhan", data=form)
    assert refused.status_code == 422 and "1/2 hồ sơ bị từ chối" in refused.text
    assert f"Hồ sơ #{diligent}</a>: Không đủ điều kiện" in refused.text
    assert f"Hồ sơ #{good}</a>" not in refused.text
    assert refused.text.count("checked") == 2  # the choice stays for the next try
    assert states(app_db, [good, diligent]) == [State.SUBMITTED] * 2 and steps_taken(app_db, "accept") == 0
    done = secretariat.post("/thu-ky/tiep-nhan", data=form | {"nomination_ids": [good]})
    assert done.status_code == 303 and done.headers["location"] == "/thu-ky"
    assert "Tiếp nhận hồ sơ: 1 hồ sơ." in secretariat.get("/thu-ky").text
    assert states(app_db, [good, diligent]) == [State.ACCEPTED, State.SUBMITTED]


def test_every_refused_one_is_named_not_only_the_first(app_db, prov, secretariat):
    ids = submitted(app_db, prov)
    form = {"csrf_token": secretariat.csrf, "action": "return", "nomination_ids": ids}
    refused = secretariat.post("/thu-ky/tiep-nhan", data=form)
    assert refused.status_code == 422 and "2/2 hồ sơ bị từ chối" in refused.text
    assert refused.text.count("cần nêu lý do") >= 2
    returned = secretariat.post("/thu-ky/tiep-nhan", data=form | {"reason": "Thiếu xác nhận của đơn vị"})
    assert returned.status_code == 303 and states(app_db, ids) == [State.RETURNED] * 2


def test_one_by_one_with_the_version_the_page_showed(app_db, prov, secretariat):
    good, diligent = submitted(app_db, prov)
    page = secretariat.get(f"/thu-ky/tiep-nhan/{good}")
    assert page.status_code == 200 and "Nguyễn Văn An" in page.text
    assert [a in page.text for a in ("/accept", "/return", "/reject")] == [True] * 3
    version = {"csrf_token": secretariat.csrf, "version": 1}
    stale = secretariat.post(f"/thu-ky/tiep-nhan/{good}/accept", data=version)
    assert stale.status_code == 409 and "đã được thay đổi" in stale.text
    with Session(app_db) as session:
        current = session.get(Nomination, good).version
    no_reason = secretariat.post(f"/thu-ky/tiep-nhan/{good}/return", data=version | {"version": current})
    assert no_reason.status_code == 422 and "cần nêu lý do" in no_reason.text
    back = secretariat.post(
        f"/thu-ky/tiep-nhan/{good}/return", data=version | {"version": current, "reason": "Thiếu biên bản"}
    )
    assert back.status_code == 303 and states(app_db, [good]) == [State.RETURNED]
    refused = secretariat.post(f"/thu-ky/tiep-nhan/{good}/accept", data={"csrf_token": secretariat.csrf})
    assert refused.status_code == 409 and states(app_db, [good]) == [State.RETURNED]
    rejected = secretariat.post(
        f"/thu-ky/tiep-nhan/{diligent}/reject", data={"csrf_token": secretariat.csrf, "reason": "Không đủ"}
    )
    assert rejected.status_code == 303 and states(app_db, [diligent]) == [State.REJECTED]


def test_a_form_without_its_csrf_token_changes_nothing(app_db, prov, secretariat):
    ids = submitted(app_db, prov)
    bulk = secretariat.post("/thu-ky/tiep-nhan", data={"action": "accept", "nomination_ids": ids})
    one = secretariat.post(f"/thu-ky/tiep-nhan/{ids[0]}/accept", data={"csrf_token": "forged"})
    assert (bulk.status_code, one.status_code) == (403, 403) and "CSRF" in bulk.text
    assert states(app_db, ids) == [State.SUBMITTED] * 2


@pytest.mark.parametrize(
    ("url", "form", "status"),
    [
        ("/thu-ky/tiep-nhan", {"action": "accept", "nomination_ids": "abc"}, 422),
        ("/thu-ky/tiep-nhan", {"action": "confer", "nomination_ids": 1}, 422),
        ("/thu-ky/tiep-nhan", {"action": "accept"}, 422),  # none ticked
        ("/thu-ky/tiep-nhan", {"action": "accept", "nomination_ids": 2**31}, 422),
        ("/thu-ky/tiep-nhan", {"action": "accept", "nomination_ids": 999_999}, 404),
        ("/thu-ky/tiep-nhan?page=0", {"action": "accept", "nomination_ids": 1}, 422),
        ("/thu-ky/tiep-nhan/999999/accept", {}, 404),
        ("/thu-ky/tiep-nhan/1/confer", {}, 422),
        ("/thu-ky/phien-hop", {"council_id": "x"}, 422),
        ("/thu-ky/phien-hop/999999/du-hop", {"member_id": 1, "presence": "present"}, 404),
        ("/thu-ky/phien-hop/1/du-hop", {"member_id": 1, "presence": "maybe"}, 422),
        ("/thu-ky/phien-hop/999999/ket-thuc", {}, 404),
        ("/thu-ky/tong-quan/chay-lai/khong-co", {}, 404),
    ],
)
def test_bad_input_answers_a_page_with_a_4xx(app_db, prov, secretariat, url, form, status):
    ids = submitted(app_db, prov)
    answer = secretariat.post(url, data={"csrf_token": secretariat.csrf} | form)
    assert answer.status_code == status and answer.headers["content-type"].startswith("text/html")
    assert states(app_db, ids) == [State.SUBMITTED] * 2


def meeting_form(secretariat, prov, ids, **changes) -> dict:
    seats = prov.members["stc"]
    return {
        "csrf_token": secretariat.csrf,
        "council_id": prov.councils["stc"].id,
        "held_at": "2025-12-18T08:00",
        "place": "Phòng họp Sở Tài chính",
        "chair_id": seats[0].person_id,
        "secretary_id": seats[-1].person_id,
        "campaign_id": prov.campaign.id,
        "nomination_ids": ids,
    } | changes


def test_a_council_session_opened_attended_added_to_and_closed(app_db, prov, secretariat):
    good, diligent = submitted(app_db, prov)
    accept(app_db, prov, [good, diligent])
    new = secretariat.get("/thu-ky/phien-hop/moi")
    assert new.status_code == 200 and "Ủy viên STC 1" in new.text and "Nguyễn Văn An" in new.text
    outsider = prov.members["province"][0].person_id
    bad = secretariat.post(
        "/thu-ky/phien-hop", data=meeting_form(secretariat, prov, [good], chair_id=outsider)
    )
    assert (
        bad.status_code == 422
        and "phải là ủy viên" in bad.text
        and 'value="Phòng họp Sở Tài chính"' in bad.text
    )
    garbled = secretariat.post(
        "/thu-ky/phien-hop", data=meeting_form(secretariat, prov, [good], held_at="mai")
    )
    assert garbled.status_code == 422 and "Thời gian họp" in garbled.text
    opened = secretariat.post("/thu-ky/phien-hop", data=meeting_form(secretariat, prov, [good]))
    assert opened.status_code == 303
    url = opened.headers["location"]
    session_id = int(url.rsplit("/", 1)[1])
    page = secretariat.get(url)
    assert "Đã triệu tập phiên họp" in page.text and "18/12/2025" in page.text
    assert f'id="them-{diligent}"' in page.text  # still to add
    added = secretariat.post(
        f"{url}/chuong-trinh", data={"csrf_token": secretariat.csrf, "nomination_ids": diligent}
    )
    assert added.status_code == 303 and states(app_db, [good, diligent]) == [State.ON_AGENDA] * 2
    seats = prov.members["stc"]
    for seat, presence in zip(seats, ["present", "present", "present", "written", "absent"], strict=True):
        form = {"csrf_token": secretariat.csrf, "member_id": seat.id, "presence": presence}
        assert secretariat.post(f"{url}/du-hop", data=form).status_code == 303
    with Session(app_db) as session:
        rows = session.exec(select(Attendance).where(Attendance.session_id == session_id)).all()
        assert sorted((a.present, a.written_opinion) for a in rows) == sorted(
            [(True, False)] * 3 + [(False, True), (False, False)]
        )
    page = secretariat.get(url)
    assert page.text.count("Có mặt</td>") == 3 and "Vắng mặt, có ý kiến bằng văn bản</td>" in page.text
    stranger = prov.members["province"][0].id
    refused = secretariat.post(
        f"{url}/du-hop", data={"csrf_token": secretariat.csrf, "member_id": stranger, "presence": "present"}
    )
    assert refused.status_code == 422 and "không phải ủy viên" in refused.text
    closed = secretariat.post(f"{url}/ket-thuc", data={"csrf_token": secretariat.csrf})
    assert closed.status_code == 303
    with Session(app_db) as session:
        assert session.get(CouncilSession, session_id).state is SessionState.TALLIED
    after = secretariat.get(url)
    assert "Kết quả" in after.text and "Kết thúc bỏ phiếu và kiểm phiếu" not in after.text
    # the council's own table of the tally: nobody voted, so neither passed
    assert "Kết quả biểu quyết từng hồ sơ" in after.text and after.text.count("Không đề nghị</strong>") == 2
    assert "Hội đồng có 5 thành viên; 3 có mặt; 0 phiếu" in after.text  # 3 of 5 is short of the quorum
    assert "<strong>Không đủ số thành viên dự họp.</strong>" in after.text
    again = secretariat.post(f"{url}/ket-thuc", data={"csrf_token": secretariat.csrf})
    assert again.status_code == 409
    listed = secretariat.get("/thu-ky/phien-hop")
    assert f'href="{url}"' in listed.text and "Đã kiểm phiếu" in listed.text


def test_the_season_dashboard_counts_charts_and_restarts_a_failed_run(app_db, prov, secretariat, monkeypatch):
    from models import voting

    good, _ = submitted(app_db, prov)
    accept(app_db, prov, [good])
    board = secretariat.get("/thu-ky/tong-quan")
    assert board.status_code == 200 and "Tổng quan mùa thi đua năm 2025" in board.text
    assert "2 hồ sơ đề nghị của năm 2025" in board.text and "<svg" in board.text
    assert (
        "Tiếp nhận, kiểm tra hồ sơ 1; Bổ sung hồ sơ 0; Chờ họp Hội đồng 1;" in board.text
    )  # the chart's title
    assert "Không có luồng nào bị lỗi" in board.text

    def unreadable(*args, **kwargs):
        raise ValueError("phiếu bầu không đọc được")

    monkeypatch.setattr(voting, "tally", unreadable)
    opened = secretariat.post("/thu-ky/phien-hop", data=meeting_form(secretariat, prov, [good]))
    url = opened.headers["location"]
    secretariat.post(f"{url}/ket-thuc", data={"csrf_token": secretariat.csrf})
    assert "chưa kiểm phiếu được" in secretariat.get(url).text
    board = secretariat.get("/thu-ky/tong-quan")
    assert "phiếu bầu không đọc được" in board.text and "/thu-ky/tong-quan/chay-lai/" in board.text
    run_id = board.text.split("/thu-ky/tong-quan/chay-lai/", 1)[1].split('"', 1)[0]
    monkeypatch.undo()
    again = secretariat.post(f"/thu-ky/tong-quan/chay-lai/{run_id}", data={"csrf_token": secretariat.csrf})
    assert again.status_code == 303
    assert "Không có luồng nào bị lỗi" in secretariat.get("/thu-ky/tong-quan").text
    with Session(app_db) as session:
        assert (
            session.exec(select(Nomination.state).where(col(Nomination.id) == good)).one()
            is not State.ON_AGENDA
        )
