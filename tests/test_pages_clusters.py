"""The clusters' pages: the organiser opens the year's steps, a member's head signs, scores every
member through its form and votes; the result, the ranking and the papers show on the year's page;
a refusal shows on the page with the API's status."""

import re

import pytest

from models.access import system_actor
from models.accounts import create_user
from models.db import session_scope
from tests.factories import password_of
from tests.test_clusters import CRITERIA_OF_THE_YEAR, YEAR, make_block


@pytest.fixture
def block(app_db, prov, browse):
    """The block of six boards with its covenant drafted; a login for each board's head."""
    from models.cluster_year import draft_covenant

    with session_scope(app_db) as session:
        made = make_block(session, prov)
        for i, head in enumerate(made.heads):
            create_user(
                session, system_actor(), f"truongban{i}", head.person_id, password_of(f"truongban{i}")
            )
        covenant = draft_covenant(session, made.organiser, made.cluster.id, YEAR, CRITERIA_OF_THE_YEAR)
        ids = {"cluster": made.cluster.id, "covenant": covenant.id, "boards": [b.id for b in made.boards]}
    return ids


def post(client, url: str, **fields):
    return client.post(url, data={"csrf_token": client.csrf, **fields})


def test_a_blocks_year_through_its_pages(block, browse):
    organiser = browse("province_secretariat")
    heads = [browse(f"truongban{i}") for i in range(6)]
    year = f"/cum-thi-dua/nam/{block['covenant']}"
    assert "Khối thi đua các Ban Quản lý" in organiser.get("/cum-thi-dua").text
    page = organiser.get(f"/cum-thi-dua/{block['cluster']}")
    assert page.status_code == 200 and "Thứ tự luân phiên" in page.text
    for head in heads:
        assert post(head, f"{year}/ky", signed_on="2025-02-20").status_code == 303
    assert "Đã ký: 6/6 đơn vị" in organiser.get(year).text
    assert post(organiser, f"{year}/buoc", action="scoring").status_code == 303
    form = heads[0].get(f"{year}/cham-diem")
    assert form.status_code == 200 and "(tự chấm)" in form.text
    criteria = sorted({int(i) for i in re.findall(r'name="criterion_id" value="(\d+)"', form.text)})
    for i, head in enumerate(heads):
        answer = post(
            head, f"{year}/cham-diem", unit_id=block["boards"][i], criterion_id=criteria, points=[9 - i, 9]
        )
        assert answer.status_code == 303, answer.text
    over = post(
        heads[0], f"{year}/cham-diem", unit_id=block["boards"][1], criterion_id=criteria, points=[11, 1]
    )
    assert over.status_code == 422 and "điểm phải từ 0 đến 10" in over.text
    twice = post(
        heads[0], f"{year}/cham-diem", unit_id=block["boards"][0], criterion_id=criteria, points=[1, 1]
    )
    assert twice.status_code == 409
    assert (
        post(
            heads[0], f"{year}/tham-dinh", unit_id=block["boards"][0], criterion_id=criteria[0], points=1
        ).status_code
        == 403
    )
    present = {"review_on": "2025-12-18", "present": block["boards"], "action": "vote"}
    assert post(organiser, f"{year}/buoc", **present).status_code == 303
    for head in heads:
        assert post(head, f"{year}/bo-phieu", choices=[block["boards"][0]]).status_code == 303
    assert post(organiser, f"{year}/buoc", action="close").status_code == 303
    result = organiser.get(year).text
    assert "Dẫn đầu, đề nghị tặng Cờ thi đua: Ban Quản lý Khu kinh tế" in result
    assert "giao_uoc_block" in result and "bien_ban_block" in result and "to_trinh_block" in result
