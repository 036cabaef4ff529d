"""Issue 10, must-show 2, in a real browser: council members, each with their own login, open
their sessions, read the agenda and vote; the secretariat closes the session (through the API:
its pages are another area's); a member then reads the tally. Every page visited is axe-checked."""

import re

from playwright.sync_api import expect

from models.db import session_scope
from models.voting import record_attendance
from tests.factories import history, person
from tests.test_workflow import before_unit_council, draft

# Each voter's choices for the two dossiers: the first is recommended (2 of 3), the second not.
VOTES = {"stc.0": ("yes", "no"), "stc.1": ("yes", "no"), "stc.2": ("no", "yes")}
LABELS = {"yes": "Đồng ý", "no": "Không đồng ý"}


def convened(engine, prov) -> int:
    """Two good workers of their own (other browser tests nominate the province's people) on the
    agenda of Sở Tài chính's council, every member present."""
    with session_scope(engine) as session:
        nominees = []
        for key, name in (("hoi_1", "Mai Văn Hội"), ("hoi_2", "Đinh Thị Nghị")):
            prov.people[key] = person(session, name, prov.units["ns"])
            history(session, prov.people[key], dict.fromkeys(range(2021, 2026), "HTT"), {})
            nominees.append(draft(session, prov, key=key))
        meeting = before_unit_council(session, prov, nominees)
        for member in prov.members["stc"]:
            record_attendance(session, prov.actors["unit_secretariat"], meeting.id, member.id, present=True)
        return meeting.id


def vote(page, login, axe, username: str, meeting_id: int) -> None:
    login(page, username)
    page.get_by_role("navigation", name="Trang theo vai trò").get_by_role("link", name="Hội đồng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiên họp Hội đồng")
    axe(page)
    page.get_by_role("link", name=f"Phiên họp #{meeting_id}", exact=True).click()
    expect(page.get_by_role("heading", name="Chương trình họp: các hồ sơ")).to_be_visible()
    expect(page.get_by_role("link", name="Mai Văn Hội")).to_be_visible()
    expect(page.get_by_text("Đủ điều kiện").first).to_be_visible()  # each dossier's verdict
    expect(page.get_by_role("link", name="Báo cáo thành tích.docx").first).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Bỏ phiếu").click()
    axe(page)
    for name, choice in zip(("Mai Văn Hội", "Đinh Thị Nghị"), VOTES[username], strict=True):
        page.get_by_role("group", name=re.compile(name)).get_by_label(LABELS[choice], exact=True).check()
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận phiếu của bạn")
    expect(page.locator("dl.facts").first).to_contain_text("Đã bỏ phiếu")
    expect(page.get_by_role("link", name="Bỏ phiếu")).to_have_count(0)
    axe(page)


def test_members_vote_and_read_the_tally_once_the_session_is_closed(chromium, base_url, site, login, axe):
    _, prov, engine = site
    meeting_id = convened(engine, prov)

    def tab():
        context = chromium.new_context(base_url=base_url, locale="vi-VN")
        context.set_default_timeout(10_000)
        return context, context.new_page()

    for username in VOTES:
        context, page = tab()
        vote(page, login, axe, username, meeting_id)
        context.close()

    context, secretariat = tab()
    login(secretariat, "unit_secretariat")
    token = secretariat.request.get("/api/v1/me").json()["csrf_token"]
    closed = secretariat.request.post(
        f"/api/v1/council-sessions/{meeting_id}/close", headers={"X-CSRF-Token": token}
    )
    assert closed.ok and closed.json()["follow_up"]["started"], closed.text()
    context.close()

    context, page = tab()
    login(page, "stc.4")  # present, did not vote
    page.goto(f"/hoi-dong/phien/{meeting_id}")
    tally = page.get_by_role("table", name="Kết quả biểu quyết từng hồ sơ")
    expect(tally).to_be_visible()
    first = tally.get_by_role("row").filter(has_text="Mai Văn Hội")
    second = tally.get_by_role("row").filter(has_text="Đinh Thị Nghị")
    expect(first.get_by_role("cell")).to_have_text(
        ["2", "1", "0", "2/3", ">1/2", "Đủ (5/5)", "Đề nghị khen thưởng"]
    )
    expect(second.get_by_role("cell")).to_have_text(
        ["1", "2", "0", "1/3", ">1/2", "Đủ (5/5)", "Không đề nghị"]
    )
    expect(page.get_by_role("link", name=re.compile(r"\.docx$")).first).to_be_visible()  # the minutes
    axe(page)
    context.close()
