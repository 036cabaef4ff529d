"""Issue 10, must-show 3, in a real browser: the secretariat drafts a decision from the nominations
its council recommended, the authority reads the preview and signs, the secretariat downloads the
Word file, which python-docx opens: it carries the decision's number and the nominee's name.
Every page visited is axe-checked."""

import re

from docx import Document
from playwright.sync_api import expect
from sqlmodel import Session

from models.db import session_scope
from models.decisions import Decision
from tests.browser.test_browser_phone import PHONE
from tests.factories import history, person
from tests.test_workflow import draft, through_unit_council

NOMINEES = {"quyet_1": "Tạ Văn Quyết", "quyet_2": "Lưu Thị Định"}


def recommended(engine, prov) -> None:
    """Two good workers of their own (other browser tests nominate the province's people), each
    nominated for a Giấy khen of Sở Tài chính and recommended by its council."""
    with session_scope(engine) as session:
        nominations = []
        for key, name in NOMINEES.items():
            prov.people[key] = person(session, name, prov.units["ns"])
            history(session, prov.people[key], dict.fromkeys(range(2021, 2026), "HTT"), {})
            nominations.append(draft(session, prov, key=key, award="GK"))
        through_unit_council(session, prov, nominations)


def test_the_secretariat_drafts_the_authority_signs_and_the_word_file_is_downloaded(
    chromium, base_url, site, login, axe, tmp_path
):
    _, prov, engine = site
    recommended(engine, prov)

    def tab():
        context = chromium.new_context(base_url=base_url, locale="vi-VN")
        context.set_default_timeout(10_000)
        return context, context.new_page()

    secretariat_context, secretariat = tab()
    login(secretariat, "unit_secretariat")
    secretariat.goto("/thu-ky/quyet-dinh")
    expect(secretariat.get_by_role("heading", level=1)).to_have_text("Quyết định khen thưởng")
    axe(secretariat)
    secretariat.get_by_role("row", name=re.compile("Giấy khen")).get_by_role(
        "link", name="Dự thảo quyết định"
    ).click()
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text("Giấy khen")
    axe(secretariat)
    for box in secretariat.get_by_role("checkbox").all():  # only ours, should others wait beside them
        box.set_checked(any(name in (box.get_attribute("aria-label") or "") for name in NOMINEES.values()))
    secretariat.get_by_role("button", name="Dự thảo quyết định, gửi trình ký").click()
    expect(secretariat.get_by_role("status").first).to_contain_text("Đã dự thảo quyết định")
    decision_id = int(re.search(r"/thu-ky/quyet-dinh/(\d+)$", secretariat.url).group(1))
    expect(secretariat.locator("dl.facts")).to_contain_text("Dự thảo, chờ ký")
    for name in NOMINEES.values():
        expect(secretariat.get_by_role("cell", name=name)).to_be_visible()
    axe(secretariat)

    director_context, director = tab()
    login(director, "director")
    director.get_by_role("navigation", name="Trang theo vai trò").get_by_role("link", name="Ký duyệt").click()
    expect(director.get_by_role("heading", level=1)).to_have_text("Ký duyệt")
    axe(director)
    director.get_by_role("link", name=f"Dự thảo #{decision_id}", exact=True).click()
    preview = director.get_by_role("article", name="Quyết định")
    expect(preview).to_contain_text("Về việc tặng Giấy khen")
    expect(director.get_by_role("article", name="Danh sách kèm theo")).to_contain_text("Tạ Văn Quyết")
    axe(director)
    director.get_by_role("button", name="Ký quyết định").click()
    expect(director.get_by_role("status").first).to_contain_text(f"Đã ký quyết định #{decision_id}")
    expect(director.locator("dl.facts")).to_contain_text("Đã ban hành")
    axe(director)
    director_context.close()

    with Session(engine) as session:
        reference = session.get(Decision, decision_id).reference
    secretariat.goto(f"/thu-ky/quyet-dinh/{decision_id}")
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(f"Quyết định số {reference}")
    axe(secretariat)
    with secretariat.expect_download() as downloading:
        secretariat.get_by_role("link", name="Quyết định và danh sách kèm theo (Word)").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.suffix == ".docx"
    document = Document(saved)
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    text = "\n".join(p.text for p in [*cells, *document.paragraphs])  # the number is in the header's table
    assert f"Số: {reference}" in text and "Tạ Văn Quyết" in text and "Lưu Thị Định" in text
    secretariat.set_viewport_size(PHONE)  # and on a phone: nothing scrolls the page sideways
    for url in ("/thu-ky/quyet-dinh", f"/thu-ky/quyet-dinh/{decision_id}", f"/ky-duyet/{decision_id}"):
        assert secretariat.goto(url).status == 200
        width = secretariat.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide"
        axe(secretariat)
    secretariat_context.close()
