"""A unit's drafts through HTTP: create, correct (optimistic version), delete only a draft (its
audit trail kept); the live verdict; the nominee's record by year; the pre-filled achievement
report, uploaded back."""

import io

from docx import Document
from sqlmodel import Session

from models import audit
from tests.factories import docx_bytes
from tests.test_uploads import send
from tests.test_workflow_api import ok


def create(client, prov, key="good", award="LDTT", **extra):
    body = {"award_code": award, "campaign_id": prov.campaign.id, "person_id": prov.people[key].id, **extra}
    return client.post("/api/v1/nominations", json=body)


def refused(answer, status: int, error: str) -> dict:
    assert (answer.status_code, answer.json()["error"]) == (status, error), answer.text
    return answer.json()


def test_an_officer_drafts_at_the_nominees_grassroots_unit_and_nobody_else_can(app_db, prov, api):
    draft = ok(create(api["officer"], prov, achievement="Hoàn thành xuất sắc"), 201)
    assert (draft["state"], draft["unit_id"], draft["version"]) == ("draft", prov.units["stc"].id, 1)
    assert draft["achievement"] == "Hoàn thành xuất sắc"
    refused(create(api["officer"], prov), 422, "invalid_input")  # the same nominee and award again
    refused(create(api["ministry_officer"], prov), 404, "not_found")  # not in their unit
    refused(create(api["ministry_officer"], prov, person_id=999999), 404, "not_found")  # nor anywhere
    refused(create(api["unit_secretariat"], prov), 403, "forbidden")  # no officer of any unit
    refused(create(api["officer"], prov, campaign_id=999999), 404, "not_found")
    both = create(api["officer"], prov, collective_id=prov.units["ns"].id)
    assert "đúng một đối tượng" in refused(both, 422, "invalid_input")["message"]
    refused(create(api["officer"], prov, award="KHONG_CO"), 422, "invalid_input")
    collective = ok(
        api["officer"].post(
            "/api/v1/nominations",
            json={
                "award_code": "TTLDTT",
                "campaign_id": prov.campaign.id,
                "collective_id": prov.units["ns"].id,
            },
        ),
        201,
    )
    assert collective["collective_id"] == prov.units["ns"].id and collective["person_id"] is None


def test_a_draft_is_corrected_with_the_version_seen_and_a_returned_one_keeps_its_award(app_db, prov, api):
    officer = api["officer"]
    n = ok(create(officer, prov), 201)
    path = f"/api/v1/nominations/{n['id']}"
    edited = ok(
        officer.patch(path, json={"version": 1, "achievement": "Hoa\u0300n tha\u0300nh", "award_code": "GK"})
    )
    assert (edited["achievement"], edited["award_code"], edited["version"]) == ("Hoàn thành", "GK", 2)
    stale = refused(officer.patch(path, json={"version": 1, "achievement": "Cũ"}), 409, "stale_version")
    assert "phiên bản 2" in stale["message"]
    refused(officer.patch(path, json={"achievement": "x"}), 422, "invalid_input")  # the version is required
    refused(api["unit_secretariat"].patch(path, json={"version": 2, "achievement": "x"}), 403, "forbidden")
    refused(api["ministry_officer"].patch(path, json={"version": 2, "achievement": "x"}), 404, "not_found")
    ok(officer.patch(path, json={"version": 2, "award_code": "LDTT"}))
    ok(
        send(
            officer,
            n["id"],
            "Báo cáo.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        201,
    )
    ok(officer.post("/api/v1/submissions", json={"nomination_ids": [n["id"]]}), 201)
    version = ok(officer.get(path))["version"]
    refused(officer.patch(path, json={"version": version, "achievement": "x"}), 409, "illegal_transition")
    ok(api["unit_secretariat"].post(f"{path}/return", json={"reason": "Ghi rõ thành tích"}))
    version = ok(officer.get(path))["version"]
    assert (
        ok(officer.patch(path, json={"version": version, "achievement": "Đã ghi rõ"}))["state"] == "returned"
    )
    other_award = officer.patch(path, json={"version": version + 1, "award_code": "GK"})
    assert "không đổi được danh hiệu" in refused(other_award, 409, "illegal_transition")["message"]
    with Session(app_db) as session:
        edits = [e for e in audit.trail(session, "nomination", n["id"]) if e.action == "edit"]
    assert edits[0].data == {"changed": {"achievement": ["", "Hoàn thành"], "award_code": ["LDTT", "GK"]}}
    assert len(edits) == 3 and edits[0].actor == "Trần Thị Hoa"


def test_only_a_draft_is_deleted_by_its_officer_and_its_trail_stays(app_db, prov, api):
    officer = api["officer"]
    n = ok(create(officer, prov), 201)["id"]
    path = f"/api/v1/nominations/{n}"
    refused(officer.delete(f"{path}?version=7"), 409, "stale_version")
    refused(api["unit_secretariat"].delete(path), 403, "forbidden")
    refused(api["ministry_officer"].delete(path), 404, "not_found")
    assert officer.delete(f"{path}?version=1").status_code == 204
    refused(officer.get(path), 404, "not_found")  # gone from sight, as if it never was
    refused(officer.delete(path), 404, "not_found")
    with Session(app_db) as session:
        assert [e.action for e in audit.trail(session, "nomination", n)] == ["nominate", "delete"]
    again = ok(create(officer, prov), 201)["id"]  # a deleted draft blocks no new one
    assert again != n
    ok(
        send(
            officer,
            again,
            "Báo cáo.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        201,
    )
    ok(officer.post("/api/v1/submissions", json={"nomination_ids": [again]}), 201)
    submitted = refused(officer.delete(f"/api/v1/nominations/{again}"), 409, "illegal_transition")
    assert "Xoá dự thảo" in submitted["message"]


def test_the_live_verdict_names_the_articles(app_db, prov, api):
    good = ok(create(api["officer"], prov), 201)["id"]
    weak = ok(create(api["officer"], prov, key="weak"), 201)["id"]
    passed = ok(api["officer"].get(f"/api/v1/nominations/{good}/eligibility"))
    assert passed["eligible"] and passed["award"] == "LDTT" and passed["review_year"] == 2025
    failed = ok(api["officer"].get(f"/api/v1/nominations/{weak}/eligibility"))
    # not rated well, the civil servant fails Art. 24(1)(a); only Art. 24(3)'s route for workers and
    # farmers (the province's criteria, 24(6)) is left to the council
    assert (failed["eligible"], failed["status"]) == (False, "needs_judgement")
    assert any(not r["passed"] and r["article"] == "Law 06/2022 Art. 24(1)(a)" for r in failed["reasons"])
    refused(api["ministry_officer"].get(f"/api/v1/nominations/{good}/eligibility"), 404, "not_found")


def test_a_record_by_year_is_read_within_ones_units(app_db, prov, api):
    good = prov.people["good"].id
    record = ok(api["officer"].get(f"/api/v1/people/{good}/history"))
    assert record["subject"] == "Nguyễn Văn An"
    assert [(y["year"], y["rating"]) for y in record["years"]] == [(y, "HTT") for y in range(2025, 2020, -1)]
    assert [a["code"] for a in record["years"][1]["awards"]] == ["LDTT"] and record["years"][0][
        "awards"
    ] == []
    fighter = ok(api["director"].get(f"/api/v1/people/{prov.people['fighter'].id}/history"))
    assert fighter["years"][1]["initiatives"] == [
        {"title": "Số hoá hồ sơ ngân sách xã", "scope": "province", "recognised_by": ""}
    ]
    assert ok(api["good"].get(f"/api/v1/people/{good}/history"))["subject"] == "Nguyễn Văn An"  # one's own
    assert ok(api["chairman"].get(f"/api/v1/people/{good}/history"))  # the province is above
    unit = ok(api["officer"].get(f"/api/v1/units/{prov.units['ns'].id}/history"))
    assert unit == {"subject": "Phòng Ngân sách", "years": []}
    hidden = [
        api["ministry_officer"].get(f"/api/v1/people/{good}/history"),
        api["ministry_officer"].get("/api/v1/people/999999/history"),
        api["weak"].get(f"/api/v1/people/{good}/history"),
        api["ministry_officer"].get(f"/api/v1/units/{prov.units['ns'].id}/history"),
        api["officer"].get("/api/v1/units/999999/history"),
    ]
    assert [(a.status_code, a.json()["error"]) for a in hidden] == [(404, "not_found")] * 5


def test_the_achievement_report_comes_pre_filled_and_goes_back_into_the_dossier(app_db, prov, api):
    n = ok(create(api["officer"], prov), 201)["id"]
    answer = api["officer"].get(f"/api/v1/nominations/{n}/achievement-report")
    assert answer.status_code == 200 and answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A0nh%20t%C3%ADch"
        in answer.headers["content-disposition"]
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "Nguyễn Văn An" in text and "17/05/1980" in text
    back = ok(send(api["officer"], n, "Báo cáo thành tích.docx", answer.content), 201)
    assert (back["kind"], back["content_type"]) == ("bao_cao_thanh_tich", answer.headers["content-type"])
    refused(api["ministry_officer"].get(f"/api/v1/nominations/{n}/achievement-report"), 404, "not_found")
