"""The appraisal Tờ trình (Tờ trình thẩm định): at a level that appraises, the authority decides on
the Tờ trình of the body appraising for it — the Sở Nội vụ for the provincial Chairman, the Bộ Nội
vụ for the Prime Minister (Law 06/2022 Art. 84(4), 89(2)(đ)) — numbered in that body's register
(Decree 30/2020 Art. 15), written as a document and cited by the decision."""

import io
from datetime import date

import pytest
from docx import Document

from document_templates.publish import publish_appraisal, publish_decision
from models import appraisal, decide, workflow
from models.access import system_actor
from models.db import session_scope
from models.decisions import DecisionState, GeneratedDocument
from models.dossier import Store
from models.errors import GuardFailed, NotFound
from models.nominations import State, SubmissionState
from tests.factories import NOW, appraise_and_number, sign_and_issue
from tests.test_documents import bang_khen_season
from tests.test_flows import snapshot
from tests.test_pages_decisions import group_link
from tests.test_route import placed
from tests.test_workflow_api import ok


def texts_of(store: Store, document: GeneratedDocument) -> tuple[list[str], list[list[str]]]:
    """The paragraphs and the table rows of a generated .docx, reopened."""
    opened = Document(io.BytesIO(store.get(document.sha256)))
    rows = [[c.text for c in row.cells] for table in opened.tables for row in table.rows]
    return [p.text for p in opened.paragraphs if p.text], rows


@pytest.fixture
def provincial(session, province, tmp_path):
    return bang_khen_season(session, province, Store(tmp_path), date(2026, 1, 5))


def test_the_provincial_decision_cites_the_home_affairs_departments_appraisal(provincial):
    texts, _ = texts_of(provincial["store"], next(d for d in provincial["made"] if d.kind == "quyet_dinh"))
    cited = [t for t in texts if t.startswith("Xét đề nghị")]
    assert cited == [
        "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 01/TTr-SNV ngày 29 tháng 12 năm 2025."
    ]


def test_the_appraisal_to_trinh_is_numbered_addressed_and_gives_each_nominees_votes(provincial):
    store, document = provincial["store"], provincial["appraisal"]
    assert (document.kind, document.filename) == ("to_trinh_tham_dinh", "TTr_01-TTr-SNV_tham_dinh.docx")
    texts, rows = texts_of(store, document)
    assert "TỜ TRÌNH" in texts
    assert {"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ", "Số: 01/TTr-SNV"} <= set(
        cell_line for row in rows for cell in row for cell_line in cell.splitlines()
    )
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi." in texts
    received = next(t for t in texts if t.startswith("Sở Nội vụ nhận được"))
    assert (
        "Tờ trình số 01/TTr-STC ngày 22 tháng 12 năm 2025 của Giám đốc Sở Tài chính (03 trường hợp)"
        in received
    )
    assert any("Hội đồng Thi đua - Khen thưởng tỉnh Quảng Ngãi đã họp xét" in t for t in texts)
    votes = [row for row in rows if row[0].isdigit()]
    assert len(votes) == 3  # one row per nominee: the province's council of 7, every member for
    assert {row[3] for row in votes} == {"01/TTr-STC ngày 22/12/2025"}
    assert {row[4] for row in votes} == {"7/7 thành viên (100,0%)"} and {row[5] for row in votes} == {
        "Đủ điều kiện"
    }
    assert "Qua thẩm định, 03 trường hợp đủ điều kiện" in next(
        t for t in texts if t.startswith("Qua thẩm định")
    )
    assert "Kính trình Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi xem xét, quyết định./." in texts
    assert "(Kèm theo Tờ trình số 01/TTr-SNV ngày 29 tháng 12 năm 2025 của Sở Nội vụ)" in texts
    signed = [line for row in rows for cell in row[1:] for line in cell.splitlines() if line]
    assert signed[-2:] == ["GIÁM ĐỐC", "Trương Công Minh"]


def test_writing_the_appraisal_again_finds_the_same_document(session, provincial):
    document = provincial["appraisal"]
    again = publish_appraisal(
        session, system_actor(), int(document.owner.removeprefix("submission:")), provincial["store"]
    )
    assert (again.id, again.sha256) == (document.id, document.sha256)


def test_the_prime_ministers_decision_cites_the_home_affairs_ministers_appraisal(session, province, tmp_path):
    store = Store(tmp_path)
    n = placed(session, province, State.ACCEPTED, "BK_TTG", "veteran", level=2)  # no council at the centre
    with pytest.raises(GuardFailed) as refused:
        decide.draft_decision(session, province.actors["central_secretariat"], [n], now=NOW)
    assert refused.value.code == "not_appraised" and "Bộ trưởng Bộ Nội vụ" in refused.value.message
    appraised = appraise_and_number(
        session,
        province.actors["central_secretariat"],
        province.actors["home_affairs_minister"],
        [n],
        date(2026, 3, 2),
        NOW,
    )
    texts, rows = texts_of(store, publish_appraisal(session, system_actor(), appraised.id, store))
    assert "Kính gửi: Thủ tướng Chính phủ." in texts
    assert "Số: 01/TTr-BNV" in [line for row in rows for cell in row for line in cell.splitlines()]
    nominee = next(row for row in rows if row[0] == "1")
    assert nominee[4] == "—"  # the central level holds no council vote
    decision = decide.draft_decision(session, province.actors["central_secretariat"], [n], now=NOW)
    sign_and_issue(session, province.actors["prime_minister"], decision.id, date(2026, 3, 10), NOW)
    made = publish_decision(session, province.actors["prime_minister"], decision.id, store)
    texts, _ = texts_of(store, made[0])
    assert "Xét đề nghị của Bộ trưởng Bộ Nội vụ tại Tờ trình số 01/TTr-BNV ngày 02 tháng 3 năm 2026." in texts


def test_appraisal_numbers_run_from_01_in_the_appraising_bodys_register_and_are_given_once(session, province):
    """Decree 30/2020 Art. 15: one series per issuer, year and kind; numbering again keeps it."""
    secretariat, head = province.actors["province_secretariat"], province.actors["snv_director"]
    first, second = (
        placed(session, province, State.RECOMMENDED, "CSTD_TINH", key, level=1)
        for key in ("fighter", "veteran")
    )
    one = appraise_and_number(session, secretariat, head, [first], date(2025, 12, 15), NOW)
    two = appraise_and_number(session, secretariat, head, [second], date(2025, 12, 15), NOW)
    assert (one.reference, two.reference) == ("01/TTr-SNV", "02/TTr-SNV")
    assert appraisal.number_appraisal(session, system_actor(), one.id).reference == "01/TTr-SNV"
    assert two.state is SubmissionState.ISSUED


def test_a_nomination_goes_into_one_appraisal(session, province):
    n = placed(session, province, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
    appraisal.appraise(session, province.actors["province_secretariat"], [n], now=NOW)
    with pytest.raises(GuardFailed) as refused:
        appraisal.appraise(session, province.actors["province_secretariat"], [n], now=NOW)
    assert refused.value.code == "already_appraised"


def test_a_deciding_unit_without_its_appraising_body_named_is_told_so(session, province):
    chairman_unit = province.units["province"]
    chairman_unit.appraiser_id = None
    session.add(chairman_unit)
    session.flush()
    n = placed(session, province, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
    with pytest.raises(GuardFailed) as refused:
        appraisal.appraise(session, province.actors["province_secretariat"], [n], now=NOW)
    assert refused.value.code == "no_appraiser" and "Law 06/2022 Art. 89(2)(đ)" in refused.value.message
    with pytest.raises(GuardFailed) as refused:
        decide.draft_decision(session, province.actors["province_secretariat"], [n], now=NOW)
    assert refused.value.code == "not_appraised"


def test_an_appraisal_out_of_sight_does_not_exist(session, province):
    n = placed(session, province, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
    drafted = appraisal.appraise(session, province.actors["province_secretariat"], [n], now=NOW)
    with pytest.raises(NotFound):
        appraisal.sign_appraisal(
            session, province.actors["ministry_officer"], drafted.id, signed_on=NOW.date()
        )


def test_what_the_provincial_secretariat_is_offered_before_and_after_the_appraisal(session, province):
    n = placed(session, province, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
    secretariat = province.actors["province_secretariat"]

    def offered() -> set[str]:
        return {s.action for s in workflow.available_steps(session, secretariat, n)}

    assert offered() == {"appraise"}
    drafted = appraisal.appraise(session, secretariat, [n], now=NOW)
    assert offered() == set()  # the Sở Nội vụ's head has yet to sign
    appraisal.sign_appraisal(
        session, province.actors["snv_director"], drafted.id, signed_on=NOW.date(), now=NOW
    )
    appraisal.number_appraisal(session, system_actor(), drafted.id)
    assert offered() == {"draft_decision"}


def test_the_units_own_level_decides_without_an_appraisal(session, province):
    """A grassroots title: the unit's level has no appraisal in the catalogue."""
    n = placed(session, province, State.RECOMMENDED)
    decision = decide.draft_decision(session, province.actors["unit_secretariat"], [n], now=NOW)
    assert decision.state is DecisionState.DRAFT


# ------------------------------------------------------------------------------ API and pages


def at_province(app_db, prov) -> int:
    """A provincial fighter the province's council recommended, waiting for the Chairman."""
    with session_scope(app_db) as session:
        return placed(session, prov, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1).id


def test_the_appraisal_through_the_api_and_its_refusals(app_db, prov, api):
    fighter = at_province(app_db, prov)
    batch = {"nomination_ids": [fighter]}
    early = api["province_secretariat"].post("/api/v1/decisions", json=batch)
    assert (early.status_code, early.json()["error"]) == (422, "not_appraised")
    before = snapshot(app_db)
    for who, status in (("chairman", 403), ("snv_director", 404), ("ministry_officer", 404)):
        refused = api[who].post("/api/v1/appraisals", json=batch)
        assert refused.status_code == status, (who, refused.text)
    assert snapshot(app_db) == before
    drafted = ok(api["province_secretariat"].post("/api/v1/appraisals", json=batch), 201)
    assert drafted["follow_up"] is None  # nothing follows a draft but its head's signature
    again = api["province_secretariat"].post("/api/v1/appraisals", json=batch)
    assert (again.status_code, again.json()["error"]) == (409, "already_appraised")
    queue = ok(api["snv_director"].get("/api/v1/queues/appraisal-signature"))
    assert [(s["id"], s["kind"], s["state"]) for s in queue["items"]] == [
        (drafted["id"], "appraisal", "draft")
    ]
    sign = f"/api/v1/appraisals/{drafted['id']}/sign"
    for who, body, status in (
        ("chairman", {"signed_on": "2025-12-15"}, 403),  # not the Sở Nội vụ's head
        ("ministry_officer", {"signed_on": "2025-12-15"}, 404),
        ("snv_director", {"signed_on": "2031-01-01"}, 422),  # a date to come
        ("snv_director", {}, 422),
    ):
        refused = api[who].post(sign, json=body)
        assert refused.status_code == status, (who, body, refused.text)
    signed = ok(api["snv_director"].post(sign, json={"signed_on": "2025-12-15"}))
    assert signed["follow_up"] == {"flow": "appraisal", "started": True, "error": ""}
    twice = api["snv_director"].post(sign, json={"signed_on": "2025-12-15"})
    assert (twice.status_code, twice.json()["error"]) == (409, "illegal_transition")
    read = ok(api["province_secretariat"].get(f"/api/v1/submissions/{drafted['id']}"))
    assert (read["state"], read["number"], read["symbol"]) == ("issued", 1, "TTr-SNV")
    (document,) = ok(api["province_secretariat"].get(f"/api/v1/submissions/{drafted['id']}/files"))
    assert (document["kind"], document["filename"]) == ("to_trinh_tham_dinh", "TTr_01-TTr-SNV_tham_dinh.docx")
    content = api["snv_director"].get(f"/api/v1/files/{document['id']}/content")
    assert content.status_code == 200 and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi." in [
        p.text for p in Document(io.BytesIO(content.content)).paragraphs
    ]
    (told,) = ok(api["province_secretariat"].get("/api/v1/inbox"))
    assert told["title"] == "Tờ trình thẩm định số 01/TTr-SNV của Sở Nội vụ"
    assert ok(api["snv_director"].get("/api/v1/queues/appraisal-signature"))["items"] == []
    ok(api["province_secretariat"].post("/api/v1/decisions", json=batch), 201)


def test_the_secretariat_drafts_it_from_a_group_and_the_head_signs_on_its_page(app_db, prov, api, browse):
    fighter = at_province(app_db, prov)
    secretariat = browse("province_secretariat")
    group = group_link(secretariat.get("/thu-ky/quyet-dinh").text, "Dự thảo Tờ trình thẩm định")
    assert "Dự thảo quyết định, gửi trình ký" not in secretariat.get(group).text
    appraise = group.replace("/nhom?", "/nhom/tham-dinh?")
    answer = secretariat.post(appraise, data={"csrf_token": secretariat.csrf, "nomination_id": [fighter]})
    assert answer.status_code == 303, answer.text
    page = answer.headers["location"]
    assert "Ký Tờ trình thẩm định" not in secretariat.get(page).text  # not the secretariat's to sign
    head = browse("snv_director")
    assert page in head.get("/ky-duyet").text
    refused = head.post(f"{page}/ky", data={"csrf_token": head.csrf, "signed_on": "2031-01-01"})
    assert refused.status_code == 422 and "Ngày ký Tờ trình thẩm định" in refused.text
    signed = head.post(f"{page}/ky", data={"csrf_token": head.csrf, "signed_on": "2025-12-15"})
    assert signed.status_code == 303, signed.text
    shown = head.get(page).text
    assert "Tờ trình thẩm định số 01/TTr-SNV" in shown and "TTr_01-TTr-SNV_tham_dinh.docx" in shown
    no_token = head.post(f"{page}/ky", data={"signed_on": "2025-12-15"})
    assert no_token.status_code == 403
    again = secretariat.get("/thu-ky/quyet-dinh").text
    assert group_link(again, "Dự thảo quyết định")
