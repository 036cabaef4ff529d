"""The council member's pages through FastAPI's TestClient: their sessions, a session's agenda
(files, verdicts, links), the ballot cast once (a second, or two at once: one wins), refused to
a non-member and without the CSRF token, a session of another council as the page of one that
does not exist, and the tally once the session is closed."""

import re
import threading
from collections import Counter

from sqlmodel import Session, func, select

from models.councils import BallotCast, BallotEntry
from models.db import session_scope
from models.voting import record_attendance
from tests.test_workflow import before_unit_council, draft

NOMINEES = ("good", "diligent")


def convened(app_db, prov) -> tuple[int, list[int]]:
    """A session of Sở Tài chính's council with two dossiers on its agenda, every member present."""
    with session_scope(app_db) as session:
        nominations = [draft(session, prov, key=key) for key in NOMINEES]
        meeting = before_unit_council(session, prov, nominations)
        for member in prov.members["stc"]:
            record_attendance(session, prov.actors["unit_secretariat"], meeting.id, member.id, present=True)
        return meeting.id, [n.id for n in nominations]


def paper(client, meeting_id: int, choices: dict[int, str], csrf: str | None = None):
    fields = {f"choice_{nomination_id}": choice for nomination_id, choice in choices.items()}
    return client.post(
        f"/hoi-dong/phien/{meeting_id}/bo-phieu", data=fields | {"csrf_token": csrf or client.csrf}
    )


def ballots(app_db, meeting_id: int) -> tuple[int, int]:
    with Session(app_db) as session:
        cast = session.exec(select(func.count()).where(BallotCast.session_id == meeting_id)).one()
        entries = session.exec(select(func.count()).where(BallotEntry.session_id == meeting_id)).one()
        return cast, entries


def test_a_member_reads_the_agenda_and_votes_once(app_db, prov, browse):
    meeting_id, (good, weak) = convened(app_db, prov)
    member = browse("stc.1")
    sessions = member.get("/hoi-dong")
    assert sessions.status_code == 200
    assert f'<a href="/hoi-dong/phien/{meeting_id}">' in sessions.text and "Chưa bỏ phiếu" in sessions.text
    assert 'href="/hoi-dong"' in member.get("/").text  # the council page in the navigation

    page = member.get(f"/hoi-dong/phien/{meeting_id}")
    assert page.status_code == 200 and "Hội trường" in page.text
    assert "Nguyễn Văn An" in page.text and "Trương Thị Mai" in page.text and "Sở Tài chính" in page.text
    assert "Lao động tiên tiến" in page.text and "Art. 24" in page.text  # the verdict, by article
    assert f'href="/ho-so/{good}"' in page.text and f'href="/ho-so/{weak}"' in page.text
    assert len(re.findall(r'href="/api/v1/documents/\d+/content" download', page.text)) == 2
    assert f'href="/hoi-dong/phien/{meeting_id}/bo-phieu"' in page.text

    form = member.get(f"/hoi-dong/phien/{meeting_id}/bo-phieu")
    assert form.status_code == 200
    assert set(re.findall(r'name="choice_(\d+)" value="(\w+)"', form.text)) == {
        (str(n), c) for n in (good, weak) for c in ("yes", "no", "invalid")
    }
    done = paper(member, meeting_id, {good: "yes", weak: "no"})
    assert done.status_code == 303 and done.headers["location"] == f"/hoi-dong/phien/{meeting_id}"
    after = member.get(f"/hoi-dong/phien/{meeting_id}")
    assert "Đã ghi nhận phiếu của bạn" in after.text and "Đã bỏ phiếu" in after.text
    assert "Không đồng ý" not in after.text and "/bo-phieu" not in after.text  # what was voted: never shown
    assert "Bạn đã bỏ phiếu" in member.get(f"/hoi-dong/phien/{meeting_id}/bo-phieu").text

    again = paper(member, meeting_id, {good: "no", weak: "no"})
    assert again.status_code == 409 and "đã bỏ phiếu" in again.text and 'role="alert"' in again.text
    assert ballots(app_db, meeting_id) == (1, 2)


def test_a_ballot_without_the_csrf_token_or_a_choice_and_bad_addresses_are_refused(app_db, prov, browse):
    meeting_id, (good, weak) = convened(app_db, prov)
    member = browse("stc.2")
    forged = paper(member, meeting_id, {good: "yes", weak: "yes"}, csrf="forged")
    assert forged.status_code == 403 and "CSRF" in forged.text and "<html" in forged.text
    short = paper(member, meeting_id, {good: "yes"})
    assert short.status_code == 422 and "chương trình họp" in short.text and "Gửi phiếu" in short.text
    nonsense = paper(member, meeting_id, {good: "yes", weak: "maybe"})
    assert nonsense.status_code == 422 and "Phiếu" in nonsense.text
    empty = paper(member, meeting_id, {})
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    assert ballots(app_db, meeting_id) == (0, 0)
    for address in ("/hoi-dong?state=bogus", "/hoi-dong?page=0", "/hoi-dong/phien/abc"):
        bad = member.get(address)
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html"), address
    assert (
        browse().get(f"/hoi-dong/phien/{meeting_id}").headers["location"]
        == f"/dang-nhap?next=/hoi-dong/phien/{meeting_id}"
    )


def test_another_councils_member_finds_no_session_and_a_non_member_cannot_vote(app_db, prov, browse):
    meeting_id, (good, weak) = convened(app_db, prov)
    stranger = browse("province.1")  # sits on the province's council, not Sở Tài chính's
    hidden, missing = stranger.get(f"/hoi-dong/phien/{meeting_id}"), stranger.get("/hoi-dong/phien/999999")
    assert hidden.status_code == missing.status_code == 404
    assert re.sub(r"#\d+", "#N", hidden.text) == re.sub(r"#\d+", "#N", missing.text)
    assert stranger.get(f"/hoi-dong/phien/{meeting_id}/bo-phieu").status_code == 404
    assert paper(stranger, meeting_id, {good: "yes", weak: "yes"}).status_code == 404
    assert f"/hoi-dong/phien/{meeting_id}" not in stranger.get("/hoi-dong").text

    secretariat = browse("unit_secretariat")  # serves the council, does not sit on it
    assert f'href="/hoi-dong/phien/{meeting_id}"' in secretariat.get("/hoi-dong").text
    assert "không phải ủy viên" in secretariat.get(f"/hoi-dong/phien/{meeting_id}/bo-phieu").text
    refused = paper(secretariat, meeting_id, {good: "yes", weak: "yes"})
    assert refused.status_code == 403 and "không có quyền" in refused.text
    assert ballots(app_db, meeting_id) == (0, 0)


def test_two_ballots_of_one_member_at_once_one_wins(app_db, prov, browse):
    meeting_id, (good, weak) = convened(app_db, prov)
    tabs = [browse("stc.3") for _ in range(2)]  # the same member in two browser tabs, or two devices
    gate, outcomes = threading.Barrier(len(tabs)), []

    def vote(client):
        gate.wait()
        outcomes.append(paper(client, meeting_id, {good: "yes", weak: "yes"}).status_code)

    threads = [threading.Thread(target=vote, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(outcomes) == {303: 1, 409: 1}
    assert ballots(app_db, meeting_id) == (1, 2)


def test_the_members_see_the_tally_once_the_session_is_closed(app_db, prov, browse):
    meeting_id, (good, weak) = convened(app_db, prov)
    members = [browse(f"stc.{i}") for i in range(len(prov.members["stc"]))]
    for member in members:
        assert paper(member, meeting_id, {good: "yes", weak: "no"}).status_code == 303
    before = members[0].get(f"/hoi-dong/phien/{meeting_id}")
    assert "Kết quả kiểm phiếu" not in before.text

    secretariat = browse("unit_secretariat")
    closed = secretariat.post(
        f"/api/v1/council-sessions/{meeting_id}/close", headers={"X-CSRF-Token": secretariat.csrf}
    )
    assert closed.status_code == 200 and closed.json()["follow_up"]["started"], closed.text

    page = members[2].get(f"/hoi-dong/phien/{meeting_id}")
    assert page.status_code == 200 and "Kết quả kiểm phiếu" in page.text and "Đã kiểm phiếu" in page.text
    rows = dict(
        re.findall(r'<a href="/ho-so/(\d+)">[^<]+</a><small>[^<]*</small></th>(.*?)</tr>', page.text, re.S)
    )
    cells = {int(n): re.findall(r"<td>(?:<[^>]+>)*([^<]+)", row) for n, row in rows.items()}
    assert cells[good][:5] == ["5", "0", "0", "5/5", cells[good][4]] and "Đề nghị khen thưởng" in cells[good]
    assert cells[weak][:4] == ["0", "5", "0", "0/5"] and "Không đề nghị" in cells[weak]
    assert "Đủ (5/5)" in rows[str(good)]
    assert re.search(r'href="/api/v1/files/\d+/content" download>[^<]*\.docx', page.text)  # the minutes
    sessions = members[2].get("/hoi-dong?state=tallied")
    assert f'href="/hoi-dong/phien/{meeting_id}"' in sessions.text and "Đã bỏ phiếu" in sessions.text
    assert f'href="/hoi-dong/phien/{meeting_id}"' not in members[2].get("/hoi-dong?state=open").text
