"""A nomination's page in a real browser: issue 10's test (4), a unit officer cannot open another
unit's nomination page (the same 'not found' page as a missing id), while its own officer can;
each page axe-checked."""

from playwright.sync_api import expect

from models.db import session_scope
from tests.test_workflow import draft


def test_a_unit_officer_cannot_open_another_units_nomination_page(site, page, login, axe):
    _, prov, engine = site
    with session_scope(engine) as session:
        nomination_id = draft(session, prov, key="merchant", unit="cuc", officer="ministry_officer").id

    login(page, "officer")  # Sở Tài chính's officer
    hidden = page.goto(f"/ho-so/{nomination_id}")
    assert hidden.status == 404
    expect(page.get_by_role("alert")).to_have_text(f"Không có hồ sơ #{nomination_id}")
    axe(page)
    shown = page.locator("main").inner_text().replace(f"#{nomination_id}", "#N")
    missing = page.goto("/ho-so/999999")
    assert missing.status == 404
    assert page.locator("main").inner_text().replace("#999999", "#N") == shown

    page.get_by_role("button", name="Đăng xuất").click()
    login(page, "ministry_officer")  # the nominating unit's own officer
    assert page.goto(f"/ho-so/{nomination_id}").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ #{nomination_id}: Lý Quốc Khánh")
    expect(page.get_by_role("button", name="Rút đề nghị")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Lý Quốc Khánh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quá trình khen thưởng")
    axe(page)
