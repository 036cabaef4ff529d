"""Everyone's pages on a phone (360 px wide) and by keyboard: nothing makes the page scroll
sideways (wide tables scroll inside their own box), the first Tab reaches the skip link, which
leads to the main content, and the focus is visible; every page axe-checked at that width."""

import pytest

from models.db import session_scope
from models.workflow import apply, submit
from tests.factories import NOW
from tests.test_workflow import draft, report

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(chromium, base_url):
    context = chromium.new_context(base_url=base_url, locale="vi-VN", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def returned_once(site) -> int:
    """A nomination with a trail, a file and a reason: submitted, then returned."""
    _, prov, engine = site
    with session_scope(engine) as session:
        n = draft(session, prov, key="good")
        report(session, prov, n)
        submit(session, prov.actors["officer"], [n], now=NOW)
        apply(
            session,
            n,
            "return",
            prov.actors["unit_secretariat"],
            reason="Bổ sung biên bản bình xét của đơn vị",
            now=NOW,
        )
        return n.id


def test_pages_fit_a_phone_and_work_by_keyboard(site, phone, login, axe):
    nomination_id = returned_once(site)
    _, prov, _ = site
    login(phone, "officer")
    for url in (
        "/",
        f"/ho-so/{nomination_id}",
        f"/lich-su/ca-nhan/{prov.people['good'].id}",
        "/doi-mat-khau",
    ):
        assert phone.goto(url).status == 200
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide"
        axe(phone)

    phone.goto(f"/ho-so/{nomination_id}")
    phone.keyboard.press("Tab")
    focused = phone.evaluate(
        "[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["Bỏ qua, đến nội dung chính", "solid"]
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "noi-dung"
    assert "Bổ sung biên bản bình xét của đơn vị" in phone.locator("main").inner_text()
