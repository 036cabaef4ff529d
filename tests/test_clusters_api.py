"""The clusters' API: who may do what (organiser, member, outsider), each refusal's status, the
year end to end, and the scores table as .xlsx."""

import io

import pytest
from openpyxl import load_workbook

from models.access import system_actor
from models.db import session_scope
from models.tokens import issue_token
from tests.test_clusters import make_block


@pytest.fixture
def block(app_db, prov, api):
    """The test province's block of six boards, with a client for each board's head."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    with session_scope(app_db) as session:
        made = make_block(session, prov)
        ids = {"cluster": made.cluster.id, "boards": [b.id for b in made.boards]}
        tokens = [issue_token(session, system_actor(), h.person_id, "test") for h in made.heads]
    heads = [TestClient(create_app(), headers={"Authorization": f"Bearer {t}"}) for t in tokens]
    yield ids, heads, api
    for client in heads:
        client.close()


def test_a_clusters_year_through_the_api(block):
    ids, heads, api = block
    organiser, cluster, boards = api["province_secretariat"], ids["cluster"], ids["boards"]
    assert [c["id"] for c in organiser.get("/api/v1/clusters").json()] == [cluster]
    term = organiser.post(f"/api/v1/clusters/{cluster}/terms", json={"year": 2025, "chosen_on": "2024-12-20"})
    assert term.status_code == 201 and term.json()["leader_unit_id"] == boards[0]
    again = organiser.post(
        f"/api/v1/clusters/{cluster}/terms", json={"year": 2025, "chosen_on": "2024-12-20"}
    )
    assert again.status_code == 409
    criteria = [
        {"name": "Nhiệm vụ chuyên môn", "max_score": 60},
        {"name": "Sáng kiến", "max_score": 40, "bonus": True},
    ]
    assert (
        heads[3]
        .post(f"/api/v1/clusters/{cluster}/covenants", json={"year": 2025, "criteria": criteria})
        .status_code
        == 403
    )
    made = organiser.post(f"/api/v1/clusters/{cluster}/covenants", json={"year": 2025, "criteria": criteria})
    assert made.status_code == 201, made.text
    covenant = made.json()["id"]
    c1, c2 = (c["id"] for c in made.json()["criteria"])
    for head in heads:
        assert (
            head.post(
                f"/api/v1/covenants/{covenant}/signatures", json={"signed_on": "2025-02-20"}
            ).status_code
            == 201
        )
    assert organiser.post(f"/api/v1/covenants/{covenant}/scoring").json()["phase"] == "scoring"
    for i, head in enumerate(heads):
        own = head.post(
            f"/api/v1/covenants/{covenant}/scores",
            json={"unit_id": boards[i], "points": {str(c1): 60 - i, str(c2): 30}},
        )
        assert own.status_code == 201, own.text
    twice = heads[0].post(
        f"/api/v1/covenants/{covenant}/scores",
        json={"unit_id": boards[0], "points": {str(c1): 1, str(c2): 1}},
    )
    assert twice.status_code == 409
    over = heads[0].post(
        f"/api/v1/covenants/{covenant}/scores",
        json={"unit_id": boards[1], "points": {str(c1): 61, str(c2): 1}},
    )
    assert over.status_code == 422
    outsider = api["director"].post(
        f"/api/v1/covenants/{covenant}/scores",
        json={"unit_id": boards[1], "points": {str(c1): 1, str(c2): 1}},
    )
    assert outsider.status_code == 403
    verified = organiser.post(
        f"/api/v1/covenants/{covenant}/verifications",
        json={
            "unit_id": boards[0],
            "criterion_id": c1,
            "points": 50,
            "note": "Chỉ tiêu thu hút đầu tư chưa đạt",
        },
    )
    assert verified.status_code == 200 and verified.json()["standings"][0]["unit_id"] == boards[1]
    opened = organiser.post(
        f"/api/v1/covenants/{covenant}/vote", json={"review_on": "2025-12-18", "present": boards}
    )
    assert opened.json()["phase"] == "voting"
    for head in heads:
        assert (
            head.post(f"/api/v1/covenants/{covenant}/ballots", json={"choices": [boards[1]]}).status_code
            == 204
        )
    assert (
        heads[0].post(f"/api/v1/covenants/{covenant}/ballots", json={"choices": [boards[1]]}).status_code
        == 409
    )
    closed = organiser.post(f"/api/v1/covenants/{covenant}/close").json()
    assert closed["leaders"] == [boards[1]] and closed["ballots"] == 6
    assert closed["proposals"] == [["CO_TD_TINH", boards[1]], ["BK_TINH", boards[2]], ["BK_TINH", boards[3]]]
    table = organiser.get(f"/api/v1/covenants/{covenant}", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(table.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Hạng", "Đơn vị", "1. Nhiệm vụ chuyên môn")
    assert rows[1][0] == 1 and rows[1][-1] == 6  # the leader: first, six votes


def test_a_cluster_outside_ones_sight_is_not_found(block):
    ids, _heads, api = block
    assert api["ministry_officer"].get(f"/api/v1/clusters/{ids['cluster']}").status_code == 404
    assert api["anonymous"].get(f"/api/v1/clusters/{ids['cluster']}").status_code == 401
