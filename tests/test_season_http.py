"""A whole season driven only through HTTP, as people would through the pages: the province, its
people and councils exist (tests/factories.py); from the first draft to the Tờ trình carried to
the province, nothing is written to the database but by the API."""

import io

from docx import Document
from sqlmodel import Session, func, select

from models.audit import Event
from tests.test_workflow_api import ok


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def filled(report: bytes, words: str) -> bytes:
    """The pre-filled Báo cáo thành tích, completed as a unit would in Word."""
    document = Document(io.BytesIO(report))
    document.add_paragraph(words)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_whole_season_through_http_alone(app_db, prov, api):
    officer, secretariat, director = api["officer"], api["unit_secretariat"], api["director"]
    with Session(app_db) as session:
        events_before = session.exec(select(func.count()).select_from(Event)).one()

    # The officer finds the campaign and the nominees, then drafts three nominations.
    (campaign,) = ok(officer.get("/api/v1/campaigns"))["items"]
    found = ok(officer.get("/api/v1/people", params={"q": "nguyen van an"}))["items"]
    assert [p["full_name"] for p in found] == ["Nguyễn Văn An"]
    people = {
        key: ok(officer.get("/api/v1/people", params={"q": q}))["items"][0]["id"]
        for key, q in {
            "good": "Nguyễn Văn An",
            "diligent": "TRUONG THI MAI",
            "fighter": "hoang van cuong",
        }.items()
    }
    awards = {"good": "LDTT", "diligent": "LDTT", "fighter": "CSTD_TINH"}
    ids = {}
    for key, award in awards.items():
        body = {"award_code": award, "campaign_id": campaign["id"], "person_id": people[key]}
        ids[key] = ok(officer.post("/api/v1/nominations", json=body), 201)["id"]
        verdict = ok(officer.get(f"/api/v1/nominations/{ids[key]}/eligibility"))
        assert verdict["eligible"], verdict

    # Each dossier: the pre-filled report downloaded, completed and uploaded back.
    def upload(key: str, kind: str, content: bytes, name: str = "Báo cáo thành tích.docx") -> dict:
        files = {
            "file": (name, content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        return ok(
            officer.post(f"/api/v1/nominations/{ids[key]}/documents", data={"kind": kind}, files=files), 201
        )

    for key in ids:
        report = officer.get(f"/api/v1/nominations/{ids[key]}/achievement-report")
        assert report.status_code == 200 and "Báo cáo thành tích".upper() in docx_text(report.content).upper()
        upload(key, "bao_cao_thanh_tich", filled(report.content, "Hoàn thành xuất sắc nhiệm vụ năm 2025."))
    upload(
        "fighter",
        "xac_nhan_sang_kien",
        filled(report.content, "Sáng kiến: Số hoá hồ sơ ngân sách xã."),
        "Xác nhận sáng kiến.docx",
    )

    ok(officer.post("/api/v1/submissions", json={"nomination_ids": list(ids.values())}), 201)

    # The secretariat's intake queue, with due dates; one dossier goes back for a better report.
    queue = ok(secretariat.get("/api/v1/queues/intake"))
    assert {n["id"] for n in queue["items"]} == set(ids.values()) and all(n["due_on"] for n in queue["items"])
    ok(
        secretariat.post(
            f"/api/v1/nominations/{ids['diligent']}/return", json={"reason": "Báo cáo thiếu số liệu năm 2025"}
        )
    )
    (returned,) = ok(officer.get("/api/v1/queues/returned"))["items"]
    assert (returned["id"], returned["return_reason"]) == (ids["diligent"], "Báo cáo thiếu số liệu năm 2025")
    second = upload(
        "diligent", "bao_cao_thanh_tich", filled(report.content, "Số liệu năm 2025: 120 hồ sơ thẩm định.")
    )
    assert second["version"] == 2
    versions = ok(officer.get(f"/api/v1/nominations/{ids['diligent']}/documents"))
    assert sorted(d["version"] for d in versions) == [1, 2]  # the first is kept
    ok(officer.post(f"/api/v1/nominations/{ids['diligent']}/resubmit", json={}))
    accepted = ok(
        secretariat.post("/api/v1/nominations/actions/accept", json={"nomination_ids": list(ids.values())})
    )
    assert len(accepted) == 3

    # The council: convened from what the directory says, each member votes from their agenda.
    (council,) = [
        c for c in ok(secretariat.get("/api/v1/councils"))["items"] if c["unit"]["name"] == "Sở Tài chính"
    ]
    members = ok(secretariat.get(f"/api/v1/councils/{council['id']}"))["seats"]
    meeting = {
        "council_id": council["id"],
        "held_at": "2025-12-18T08:00:00+07:00",
        "place": "Phòng họp Sở Tài chính",
        "chair_id": members[0]["person"]["id"],
        "secretary_id": members[-1]["person"]["id"],
        "nomination_ids": list(ids.values()),
    }
    session_id = ok(secretariat.post("/api/v1/council-sessions", json=meeting), 201)["id"]
    for m in members:
        ok(
            secretariat.post(
                f"/api/v1/council-sessions/{session_id}/attendance",
                json={"member_id": m["id"], "present": True},
            )
        )
    clients = {m.person_id: api[f"stc:{i}"] for i, m in enumerate(prov.members["stc"])}  # their logins
    for m in members:
        client = clients[m["person"]["id"]]
        agenda = ok(client.get("/api/v1/queues/agenda"))["items"]
        assert {n["id"] for n in agenda} == set(ids.values())
        ok(
            client.post(
                f"/api/v1/council-sessions/{session_id}/ballots",
                json={"choices": {str(i): "yes" for i in ids.values()}},
            )
        )
        assert ok(client.get("/api/v1/queues/agenda"))["items"] == []  # voted: nothing left
    ok(secretariat.post(f"/api/v1/council-sessions/{session_id}/close"))
    assert ok(secretariat.get(f"/api/v1/council-sessions/{session_id}"))["state"] == "tallied"
    (minutes,) = ok(secretariat.get(f"/api/v1/council-sessions/{session_id}/files"))
    assert "BIÊN BẢN" in docx_text(secretariat.get(minutes["url"]).content)

    # The decision for the two LĐTT, signed by the director from their queue, and its Word file.
    decision = ok(
        secretariat.post("/api/v1/decisions", json={"nomination_ids": [ids["good"], ids["diligent"]]}), 201
    )["id"]
    (waiting,) = ok(director.get("/api/v1/queues/signature"))["items"]
    assert waiting["id"] == decision
    ok(director.post(f"/api/v1/decisions/{decision}/sign", json={"signed_on": "2025-12-20"}))
    assert ok(director.get(f"/api/v1/decisions/{decision}"))["state"] == "issued"
    files = {f["kind"]: f for f in ok(officer.get(f"/api/v1/decisions/{decision}/files"))}
    quyet_dinh = docx_text(officer.get(files["quyet_dinh"]["url"]).content)
    assert "QUYẾT ĐỊNH" in quyet_dinh and "Nguyễn Văn An" in quyet_dinh and "Trương Thị Mai" in quyet_dinh
    conferred = ok(officer.get("/api/v1/nominations", params={"state": "conferred"}))
    assert {n["id"] for n in conferred["items"]} == {ids["good"], ids["diligent"]}

    # The fighter's Chiến sĩ thi đua cấp tỉnh goes up: the director signs the Tờ trình to the
    # province, whose secretariat finds it in their own intake queue.
    batch = ok(
        director.post(
            "/api/v1/proposals", json={"nomination_ids": [ids["fighter"]], "signed_on": "2025-12-22"}
        ),
        201,
    )["id"]
    (to_trinh,) = ok(director.get(f"/api/v1/submissions/{batch}/files"))
    assert "Hoàng Văn Cường" in docx_text(director.get(to_trinh["url"]).content)
    upstairs = ok(api["province_secretariat"].get("/api/v1/queues/intake"))["items"]
    assert [(n["id"], n["handling_unit"]["name"]) for n in upstairs] == [
        (ids["fighter"], "Ủy ban nhân dân tỉnh Quảng Ngãi")
    ]
    case = ok(api["province_secretariat"].get(f"/api/v1/nominations/{ids['fighter']}"))
    assert [a["action"] for a in case["actions"]] == ["return", "accept", "reject"]

    # Every change of the season is in the audit log, each by a person or a flow run.
    with Session(app_db) as session:
        assert session.exec(select(func.count()).select_from(Event)).one() > events_before + 30
