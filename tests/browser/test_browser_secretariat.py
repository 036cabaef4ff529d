"""The secretariat's intake and council session in a real browser: a bulk acceptance with one
dossier refused changes nothing and says why; that one is returned with a reason, the others
accepted; a session is convened and its attendance recorded. Every page visited is axe-checked."""

import re

from playwright.sync_api import expect
from sqlmodel import Session, select

from models.councils import Attendance
from models.db import session_scope
from models.history import Rating
from models.nominations import Nomination, State
from models.workflow import submit
from tests.factories import NOW, YEAR, history, person
from tests.test_workflow import draft, report

NAMES = ("Phan Thị Thu", "Lâm Văn Đức", "Kiều Thị Ngân")


def seed(engine, prov) -> list[int]:
    """Three good workers of their own (the browser tests share one database), nominated for Lao
    động tiên tiến and sent to the department; then the second's rating is revised down."""
    with session_scope(engine) as session:
        ids = []
        for i, name in enumerate(NAMES):
            prov.people[f"intake{i}"] = p = person(session, name, prov.units["ns"])
            history(session, p, dict.fromkeys(range(YEAR - 2, YEAR + 1), "HTT"))
            n = draft(session, prov, key=f"intake{i}")
            report(session, prov, n)
            ids.append(n.id)
        submit(session, prov.actors["officer"], [session.get(Nomination, i) for i in ids], now=NOW)
    with session_scope(engine) as session:
        rating = session.exec(
            select(Rating).where(Rating.person_id == prov.people["intake1"].id, Rating.year == YEAR)
        ).one()
        rating.level = "HT"
    return ids


def states(engine, ids) -> list[State]:
    with Session(engine) as session:
        return [session.get(Nomination, i).state for i in ids]


def tick(page, ids) -> None:
    for i, name in zip(ids, NAMES, strict=False):
        page.get_by_label(f"Chọn hồ sơ #{i}, {name}").check()


def test_the_secretariat_accepts_in_bulk_returns_one_and_convenes_the_council(site, page, login, axe):
    _, prov, engine = site
    ids = seed(engine, prov)
    login(page, "unit_secretariat")
    page.get_by_role("link", name="Thường trực Hội đồng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ chờ tiếp nhận")
    axe(page)

    tick(page, ids)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("alert")).to_contain_text("1/3 hồ sơ bị từ chối")
    expect(page.get_by_role("region", name="Hồ sơ bị từ chối")).to_contain_text(
        f"Hồ sơ #{ids[1]}: Không đủ điều kiện Lao động tiên tiến"
    )
    assert states(engine, ids) == [State.SUBMITTED] * 3
    axe(page)

    page.get_by_role("link", name=f"Xử lý hồ sơ #{ids[1]}, {NAMES[1]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ #{ids[1]}: {NAMES[1]}")
    axe(page)
    page.get_by_label("Lý do: trả lại để bổ sung hồ sơ").fill("Đánh giá năm 2025 đã được điều chỉnh")
    page.get_by_role("button", name="Trả lại để bổ sung hồ sơ").click()
    expect(page.get_by_role("status")).to_have_text(f"Trả lại để bổ sung hồ sơ: hồ sơ #{ids[1]}.")
    tick(page, [ids[0]])
    page.get_by_label(f"Chọn hồ sơ #{ids[2]}, {NAMES[2]}").check()
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("status")).to_have_text("Tiếp nhận hồ sơ: 2 hồ sơ.")
    assert states(engine, ids) == [State.ACCEPTED, State.RETURNED, State.ACCEPTED]
    axe(page)

    page.get_by_role("link", name="Phiên họp Hội đồng").click()
    axe(page)
    page.get_by_role("link", name="Triệu tập phiên họp mới").click()
    if page.locator("select#council_id").count():  # more than one council in sight: choose first
        page.get_by_label("Hội đồng", exact=True).select_option(
            label="Hội đồng Thi đua - Khen thưởng Sở Tài chính"
        )
        page.get_by_role("button", name="Tiếp tục").click()
    axe(page)
    page.get_by_label("Thời gian họp (giờ Việt Nam)").fill("2025-12-18T08:00")
    page.get_by_label("Địa điểm").fill("Phòng họp Sở Tài chính")
    page.get_by_label("Thư ký phiên họp").select_option(label="Ủy viên STC 5")
    for box in page.locator("input[name=nomination_ids]").all():  # only this test's dossiers
        box.set_checked(int(box.get_attribute("value")) in (ids[0], ids[2]))
    page.get_by_role("button", name="Triệu tập phiên họp").click()
    expect(page.get_by_role("status")).to_contain_text("Đã triệu tập phiên họp")
    expect(page.get_by_role("table", name="Chương trình họp (2 hồ sơ)")).to_contain_text(NAMES[2])
    axe(page)
    session_id = int(re.search(r"/thu-ky/phien-hop/(\d+)$", page.url).group(1))

    page.get_by_label("Dự họp: Ủy viên STC 1", exact=True).select_option(label="Có mặt")
    page.get_by_role("button", name="Ghi nhận dự họp: Ủy viên STC 1").click()
    expect(page.get_by_role("status")).to_contain_text("có mặt")
    page.get_by_label("Dự họp: Ủy viên STC 2", exact=True).select_option(
        label="Vắng mặt, có ý kiến bằng văn bản"
    )
    page.get_by_role("button", name="Ghi nhận dự họp: Ủy viên STC 2").click()
    expect(page.get_by_role("row", name=re.compile("Ủy viên STC 2"))).to_contain_text(
        "Vắng mặt, có ý kiến bằng văn bản"
    )
    axe(page)
    with Session(engine) as session:
        rows = session.exec(select(Attendance).where(Attendance.session_id == session_id)).all()
        assert sorted((a.present, a.written_opinion) for a in rows) == [(False, True), (True, False)]
    assert states(engine, ids) == [State.ON_AGENDA, State.RETURNED, State.ON_AGENDA]

    page.get_by_role("link", name="Tổng quan mùa thi đua").click()
    expect(page.get_by_role("img", name=re.compile("Số hồ sơ theo giai đoạn"))).to_be_visible()
    axe(page)
