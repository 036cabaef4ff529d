"""What the engine produced, listed and downloaded through HTTP after a season: the Quyết định, the
Giấy khen and their print file, the council's minutes, the Tờ trình carried up with its dossier;
each seen only by the units and councils it concerns."""

import hashlib
import io

from docx import Document
from sqlmodel import Session

from models.db import session_scope
from models.nominations import Nomination
from tests.test_uploads import PDF, stored
from tests.test_workflow import report
from tests.test_workflow_api import drafts, meet, ok

NOT_FOUND = (404, "not_found")


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def season(app_db, prov, api) -> dict:
    """A Giấy khen decided at Sở Tài chính and a provincial fighter proposed upward, through HTTP."""
    (good,) = drafts(app_db, prov, ["good"], "GK")
    (fighter,) = drafts(app_db, prov, ["fighter"], "CSTD_TINH")
    with session_scope(app_db) as session:
        report(session, prov, session.get(Nomination, fighter), "xac_nhan_sang_kien")
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good, fighter]}), 201)
    for i in (good, fighter):
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, [good, fighter], vote=True)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    decision = ok(api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good]}), 201)[
        "id"
    ]
    ok(api["director"].post(f"/api/v1/decisions/{decision}/sign", json={"signed_on": "2025-12-20"}))
    proposal = {"nomination_ids": [fighter], "signed_on": "2025-12-22"}
    batch = ok(api["director"].post("/api/v1/proposals", json=proposal), 201)["id"]
    return {"decision": decision, "meeting": meeting, "batch": batch, "good": good, "fighter": fighter}


def test_a_seasons_documents_are_listed_and_downloaded_by_whom_they_concern(app_db, prov, api):
    s = season(app_db, prov, api)
    files = ok(api["officer"].get(f"/api/v1/decisions/{s['decision']}/files"))
    assert [f["kind"] for f in files] == [
        "quyet_dinh",
        "giay_khen",
        "in_giay_khen",
        "in_phoi",
        "chi_tien_thuong",
        "chi_tien_thuong_xlsx",
    ]
    for f in files:
        answer = api["officer"].get(f["url"])
        assert answer.status_code == 200 and hashlib.sha256(answer.content).hexdigest() == f["sha256"]
        assert (
            answer.headers["x-content-type-options"] == "nosniff"
            and f["content_type"] == answer.headers["content-type"]
        )
    decision_text = text_of(api["officer"].get(files[0]["url"]).content)
    assert "QUYẾT ĐỊNH" in decision_text and "Nguyễn Văn An" in decision_text
    assert "Nguyễn Văn An" in text_of(
        api["good"].get(files[2]["url"]).content
    )  # the print file, by the nominee
    (minutes,) = ok(api["stc:1"].get(f"/api/v1/council-sessions/{s['meeting']}/files"))  # a member
    assert minutes["kind"] == "bien_ban" and api["stc:1"].get(minutes["url"]).status_code == 200
    (proposal,) = ok(api["province_secretariat"].get(f"/api/v1/submissions/{s['batch']}/files"))
    assert proposal["kind"] == "to_trinh" and "Hoàng Văn Cường" in text_of(
        api["chairman"].get(proposal["url"]).content
    )
    dossier = ok(api["province_secretariat"].get(f"/api/v1/submissions/{s['batch']}/documents"))
    assert sorted(d["kind"] for d in dossier) == [
        "bien_ban",
        "to_trinh",
    ]  # carried up for the province's intake

    stranger = api["ministry_officer"]
    hidden = [
        stranger.get(f"/api/v1/decisions/{s['decision']}/files"),
        stranger.get(f"/api/v1/council-sessions/{s['meeting']}/files"),
        stranger.get(f"/api/v1/submissions/{s['batch']}/files"),
        stranger.get(f"/api/v1/submissions/{s['batch']}/documents"),
        stranger.get(files[0]["url"]),
        stranger.get(dossier[0]["url"]),
        api["officer"].get("/api/v1/decisions/999999/files"),
        api["officer"].get("/api/v1/files/999999/content"),
    ]
    assert [(a.status_code, a.json()["error"]) for a in hidden] == [NOT_FOUND] * len(hidden)
    # Bùi Thị Bình, of the same unit but in no case of this season, sees none of it
    assert (api["weak"].get(files[0]["url"]).status_code, api["weak"].get(minutes["url"]).status_code) == (
        404,
        404,
    )


def test_a_batch_is_supplemented_by_its_sender_while_the_level_above_has_not_received_it(app_db, prov, api):
    s = season(app_db, prov, api)
    path = f"/api/v1/submissions/{s['batch']}/documents"

    def upload(client, kind="y_kien"):
        return client.post(
            path, data={"kind": kind}, files={"file": ("Ý kiến Sở Nội vụ.pdf", PDF, "application/pdf")}
        )

    before = stored(app_db)
    assert upload(api["ministry_officer"]).status_code == 404
    assert (
        (upload(api["province_secretariat"]).json()["error"]) == "forbidden"
    )  # the receiver, not the sender
    assert "không thuộc Tờ trình" in upload(api["unit_secretariat"], "bao_cao_thanh_tich").json()["message"]
    assert stored(app_db) == before
    added = ok(upload(api["unit_secretariat"]), 201)
    assert (added["kind"], added["version"], added["filename"]) == ("y_kien", 1, "Ý kiến Sở Nội vụ.pdf")
    assert api["province_secretariat"].get(added["url"]).content == PDF
    ok(api["province_secretariat"].post(f"/api/v1/nominations/{s['fighter']}/accept", json={}))
    closed = upload(api["unit_secretariat"])
    assert (closed.status_code, closed.json()["error"]) == (409, "illegal_transition")
    with Session(app_db) as session:
        assert session.get(Nomination, s["fighter"]).state == "accepted"
