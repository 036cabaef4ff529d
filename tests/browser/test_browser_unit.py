"""Issue 10's test (1) in a real browser: a unit officer puts a Tờ trình batch together (nominees
found by name without accents, each verdict shown as it is added, an ineligible one removed, the
dossier files uploaded), sends it;
the secretariat returns one nominee (through the domain: its pages are another's); the officer
finds it returned with the reason, uploads a new version of the report and resubmits it. Every
page visited is axe-checked."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from models.access import load_actor
from models.db import session_scope
from models.nominations import Nomination, State
from models.workflow import apply
from tests.factories import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(text: str) -> dict:
    return {"name": "Báo cáo thành tích.docx", "mimeType": DOCX, "buffer": docx_bytes(text)}


def add(page, name: str, query: str) -> None:
    """Find a person by name and add them to the batch; the page comes back with their verdict."""
    page.get_by_label("Tìm theo họ tên").fill(query)
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("button", name=f"Thêm {name}").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm dự thảo")


def test_an_officer_sends_a_batch_gets_one_back_fixes_and_resubmits_it(site, page, login, axe):
    _, prov, engine = site
    login(page, "officer")
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ đề nghị của Sở Tài chính")
    axe(page)

    page.get_by_role("link", name="Lập Tờ trình đề nghị").click()
    axe(page)
    page.get_by_label("Đợt thi đua").select_option(label=prov.campaign.name)
    page.get_by_label("Danh hiệu, hình thức khen thưởng").select_option("CSTD_TINH")
    page.get_by_role("button", name="Chọn").click()
    add(page, "Đặng Thị Duyên", "dang thi duyen")
    duyen = page.locator("section.draft", has_text="Đặng Thị Duyên")
    expect(duyen).to_contain_text("Chưa đủ điều kiện")
    expect(duyen).to_contain_text("Law 06/2022 Art.")  # each rule with its article
    axe(page)
    duyen.get_by_role("button", name="Xoá dự thảo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xoá dự thảo")
    expect(duyen).to_have_count(0)

    add(page, "Hoàng Văn Cường", "hoang van cuong")
    cuong = page.locator("section.draft", has_text="Hoàng Văn Cường")
    expect(cuong).to_contain_text("Đủ điều kiện")
    for kind, text in (
        ("Báo cáo thành tích", "Báo cáo năm 2025"),
        ("Xác nhận sáng kiến, đề tài khoa học", "Sáng kiến số hoá"),
    ):
        cuong.get_by_label("Loại tài liệu").select_option(label=kind)
        cuong.get_by_label("Tệp tải lên").set_input_files(word_file(text))
        cuong.get_by_role("button", name="Tải lên", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Đã tải lên Báo cáo thành tích.docx")
    expect(cuong.get_by_role("link", name="Báo cáo thành tích.docx")).to_have_count(2)
    axe(page)

    page.get_by_role("button", name="Gửi Tờ trình").click()
    expect(page.get_by_role("status")).to_contain_text("gồm 1 hồ sơ")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tờ trình #")
    axe(page)

    # The secretariat returns one of them with its reason.
    with session_scope(engine) as session:
        query = select(Nomination).where(Nomination.person_id == prov.people["fighter"].id)
        nomination = session.exec(query).one()
        secretariat = load_actor(session, prov.people["unit_secretariat"].id)
        apply(session, nomination, "return", secretariat, reason="Báo cáo thiếu số liệu năm 2025")
        returned_id = nomination.id

    page.goto("/don-vi")
    page.get_by_role("link", name=re.compile(r"^Bổ sung hồ sơ \(\d+\)")).click()
    row = page.get_by_role("row", name=re.compile("Hoàng Văn Cường"))
    expect(row).to_contain_text("Lý do trả lại: Báo cáo thiếu số liệu năm 2025")
    axe(page)

    row.get_by_role("link", name="Hoàng Văn Cường").click()
    expect(page.get_by_role("heading", name="Lý do trả lại")).to_be_visible()
    expect(page.get_by_text("Báo cáo thiếu số liệu năm 2025")).to_be_visible()
    axe(page)
    page.get_by_label("Loại tài liệu").select_option(label="Báo cáo thành tích")
    page.get_by_label("Tệp tải lên").set_input_files(word_file("Số liệu năm 2025: 120 hồ sơ thẩm định"))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("(lần 2)")
    expect(page.get_by_role("link", name="Báo cáo thành tích.docx")).to_have_count(
        3
    )  # both versions, and the other kind
    axe(page)
    page.get_by_role("button", name="Gửi lại hồ sơ đã bổ sung").click()
    expect(page.get_by_role("status")).to_contain_text("Gửi lại hồ sơ đã bổ sung")
    axe(page)
    with session_scope(engine) as session:
        assert session.get(Nomination, returned_id).state is State.SUBMITTED
