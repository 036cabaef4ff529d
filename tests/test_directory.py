"""The directory through HTTP: units, people, councils, catalogue and campaigns, each role seeing
its part of the tree; what it may not see answers 404 as an id that does not exist."""

from tests.test_lists import client_for
from tests.test_workflow_api import ok


def names(answer, key="name") -> set[str]:
    return {i[key] for i in ok(answer)["items"]}


def same_404(client, path_of, hidden_id):
    missing, hidden = client.get(path_of(999999)), client.get(path_of(hidden_id))
    assert missing.status_code == hidden.status_code == 404, hidden.text
    assert hidden.json()["message"] == missing.json()["message"].replace("999999", str(hidden_id))


def test_units_and_people_in_each_roles_sight(prov, api):
    u, p = prov.units, prov.people
    assert names(api["officer"].get("/api/v1/units")) == {
        "Ủy ban nhân dân tỉnh Quảng Ngãi",  # above, for the tree
        "Sở Tài chính",
        "Phòng Ngân sách",
    }
    assert len(ok(api["province_secretariat"].get("/api/v1/units"))["items"]) == 4  # the province's tree
    assert names(api["province_secretariat"].get(f"/api/v1/units?root={u['stc'].id}")) == {
        "Sở Tài chính",
        "Phòng Ngân sách",
    }
    assert names(api["province_secretariat"].get("/api/v1/units?q=so tai chinh")) == {"Sở Tài chính"}
    assert names(api["province_secretariat"].get("/api/v1/units?on=2025-06-01&per_page=1")) == {
        "Ủy ban nhân dân tỉnh Quảng Ngãi"
    }
    detail = ok(api["officer"].get(f"/api/v1/units/{u['stc'].id}"))
    assert [x["name"] for x in detail["parents"]] == ["Ủy ban nhân dân tỉnh Quảng Ngãi"]
    assert [x["name"] for x in detail["children"]] == ["Phòng Ngân sách"]
    same_404(api["officer"], lambda i: f"/api/v1/units/{i}", u["cuc"].id)

    found = ok(api["officer"].get("/api/v1/people?q=nguyen van an"))["items"]
    assert [(x["full_name"], x["posts"][0]["unit"]["name"]) for x in found] == [
        ("Nguyễn Văn An", "Phòng Ngân sách")
    ]
    assert names(api["officer"].get("/api/v1/people?q=ly quoc khanh"), "full_name") == set()
    assert names(api["ministry_officer"].get("/api/v1/people?q=ly quoc khanh"), "full_name") == {
        "Lý Quốc Khánh"
    }
    assert names(api["good"].get("/api/v1/people"), "full_name") == {"Nguyễn Văn An"}  # no role: themselves
    at_ns = names(api["officer"].get(f"/api/v1/people?unit_id={u['ns'].id}"), "full_name")
    assert "Hoàng Văn Cường" in at_ns and "Trần Thị Hoa" not in at_ns
    same_404(api["officer"], lambda i: f"/api/v1/people/{i}", p["merchant"].id)
    me = ok(api["officer"].get(f"/api/v1/people/{p['officer'].id}"))
    assert [(g["role"], g["unit"]["name"]) for g in me["roles"]] == [("unit_officer", "Sở Tài chính")]
    assert api["anonymous"].get("/api/v1/people").status_code == 401


def test_councils_catalogue_and_campaigns(app_db, prov, api):
    stc, province = prov.councils["stc"], prov.councils["province"]
    assert names(api["unit_secretariat"].get("/api/v1/councils")) == {stc.name}
    assert names(api["stc:1"].get("/api/v1/councils")) == {stc.name}  # a seat, no role
    assert len(ok(api["province_secretariat"].get("/api/v1/councils"))["items"]) == 2
    seats = ok(api["stc:1"].get(f"/api/v1/councils/{stc.id}"))["seats"]
    assert len(seats) == 5 and seats[0]["position"] == "chair" and all(s["active"] for s in seats)
    same_404(api["unit_secretariat"], lambda i: f"/api/v1/councils/{i}", province.id)
    outsider = client_for(app_db, api, prov.members["province"][0].person_id)
    assert outsider("get", f"/api/v1/councils/{stc.id}").status_code == 404

    awards = {a["code"]: a for a in ok(api["officer"].get("/api/v1/catalogue/awards"))}
    assert awards["CSTD_TINH"]["level"] == "province" and awards["CSTD_TINH"]["decider"]
    detail = ok(api["officer"].get("/api/v1/catalogue/awards/CSTD_TINH"))
    articles = {r["article"] for route in detail["routes"] for r in route["rules"]}
    assert any(a.startswith("Law 06/2022 Art. 22") for a in articles)
    assert {d["kind"] for d in detail["dossier"]} >= {"bao_cao_thanh_tich", "to_trinh"}
    assert api["officer"].get("/api/v1/catalogue/awards/NOPE").status_code == 404
    kinds = {k["kind"]: k for k in ok(api["officer"].get("/api/v1/catalogue/dossier-kinds"))}
    assert kinds["to_trinh"]["scope"] == "submission" and kinds["to_trinh"]["article"]

    campaign = prov.campaign.id
    assert [c["id"] for c in ok(api["officer"].get("/api/v1/campaigns"))["items"]] == [campaign]
    assert ok(api["officer"].get(f"/api/v1/campaigns/{campaign}"))["organiser"]["name"].startswith("Ủy ban")
    assert ok(api["ministry_officer"].get("/api/v1/campaigns"))["items"] == []
    same_404(api["ministry_officer"], lambda i: f"/api/v1/campaigns/{i}", campaign)
