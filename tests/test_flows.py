"""The stage flows as real Prefect flow runs (one test harness for the session): what each does,
that a second run changes nothing, the deadline sweep's alerts once each, retries of transient
faults, and a failure that leaves the case as it was with the error shown to the secretariat."""

import socket
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, select

from flows.stages import (
    council_session_flow,
    deadline_sweeper_flow,
    decision_flow,
    forward_flow,
    intake_flow,
)
from models import audit, decide
from models.config import get_settings
from models.councils import Choice, CouncilSession, SessionState
from models.db import session_scope
from models.deadlines import StageAlert
from models.decide import draft_decision, sign
from models.decisions import Decision, DecisionState, GeneratedDocument
from models.history import AwardRecord
from models.nominations import Nomination, State, Submission
from models.notify import BODY, Notification, clip, notify
from models.runs import FlowRun
from models.voting import close_session
from models.workflow import apply, propose_upward, submit
from tests.factories import NOW, on, propose_and_forward
from tests.test_workflow import before_unit_council, draft, report, through_unit_council, vote

pytestmark = pytest.mark.usefixtures("prefect")


def signed_by_the_director(session, prov, decision_id: int) -> None:
    day = date(2025, 12, 20)
    sign(session, prov.actors["director"], decision_id, signed_on=day, now=on(day))


def snapshot(engine) -> dict:
    """Every row of every table but the flow runs' own records."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select())), key=repr)
            for table in SQLModel.metadata.sorted_tables
            if table.name != "flowrun"
        }


def twice(engine, flow, *args):
    """Run a flow, then again: the second run must find nothing left to do."""
    first = flow(*args)
    before = snapshot(engine)
    flow(*args)
    assert snapshot(engine) == before
    return first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def inbox(engine, person_id: int) -> list[Notification]:
    with Session(engine) as session:
        query = select(Notification).where(Notification.person_id == person_id).order_by(Notification.id)
        return list(session.exec(query))


def on_unit_agenda(engine, prov, keys=("good", "diligent")) -> int:
    """Nominations submitted, accepted, on the unit council's agenda, ballots cast, voting ended."""
    with session_scope(engine) as session:
        meeting = before_unit_council(session, prov, [draft(session, prov, key=k) for k in keys])
        vote(session, prov, meeting, "stc", lambda i: Choice.NO if i < 2 else Choice.YES, close=False)
        close_session(session, prov.actors["unit_secretariat"], meeting.id, now=NOW)
        return meeting.id


def test_intake_checks_every_dossier_of_the_batch_and_tells_who_must_act(app_db, prov):
    with session_scope(app_db) as session:
        n = draft(session, prov, key="fighter", award="CSTD_TINH")
        report(session, prov, n, "xac_nhan_sang_kien")
        through_unit_council(session, prov, [n])
        # forwarded by hand, its Tờ trình and minutes not yet in the batch's dossier
        submission = propose_and_forward(session, prov.actors["director"], [n], date(2025, 12, 22), NOW)
    summary = twice(app_db, intake_flow, submission.id)
    assert summary == {"checked": [n.id], "incomplete": [n.id], "ineligible": []}
    with Session(app_db) as session:
        checked = session.get(Nomination, n.id)
        assert (
            checked.intake["missing"] == ["to_trinh", "bien_ban"] and checked.intake["status"] == "eligible"
        )
        run = session.get(FlowRun, checked.intake["run"])
        assert (run.flow, run.entity, run.entity_id, run.state) == (
            "intake",
            "submission",
            submission.id,
            "completed",
        )
    (to_secretariat,) = inbox(app_db, prov.people["province_secretariat"].id)
    assert to_secretariat.title == "Hồ sơ đề nghị khen thưởng từ Sở Tài chính"
    assert "1 hồ sơ thiếu tài liệu" in to_secretariat.body
    (to_officer,) = inbox(app_db, prov.people["officer"].id)
    assert to_officer.title == "Hồ sơ của Hoàng Văn Cường còn thiếu tài liệu"
    assert to_officer.body == "Cần bổ sung: to_trinh, bien_ban."


def test_council_session_tallies_writes_the_minutes_and_tells_the_unit(app_db, prov):
    meeting_id = on_unit_agenda(app_db, prov)
    passed = twice(app_db, council_session_flow, meeting_id)
    with Session(app_db) as session:
        assert session.get(CouncilSession, meeting_id).state is SessionState.TALLIED
        states = {n.person_id: n.state for n in session.exec(select(Nomination))}
        assert states == {
            prov.people["good"].id: State.RECOMMENDED,
            prov.people["diligent"].id: State.RECOMMENDED,
        }
        assert len(passed) == 2
        (minutes,) = session.exec(select(GeneratedDocument).where(GeneratedDocument.kind == "bien_ban")).all()
        assert minutes.owner == f"council_session:{meeting_id}"
    (to_officer,) = inbox(app_db, prov.people["officer"].id)
    assert to_officer.title.startswith("Kết quả họp Hội đồng Thi đua - Khen thưởng")
    assert to_officer.title.endswith(": 2/2 hồ sơ đạt")
    assert "Nguyễn Văn An: đạt (3/5)" in to_officer.body
    (to_director,) = inbox(app_db, prov.people["director"].id)
    assert to_director.body == "2/2 hồ sơ đạt tỷ lệ phiếu."


def test_a_long_message_is_cut_to_whole_names_and_says_how_many_are_left(app_db, prov):
    """A council of 250 nominees from one unit: the officer's message keeps what fits (PostgreSQL
    refuses a body over its column's length; SQLite would have kept it)."""
    lines = [f"Nguyễn Văn Thành {i}: đạt (7/7)" for i in range(250)]
    text = clip(lines, "… và {} trường hợp khác (xem biên bản họp)")
    kept = text.split("; ")[:-1]
    assert len(text) <= BODY and kept == lines[: len(kept)]
    assert text.endswith(f"… và {250 - len(kept)} trường hợp khác (xem biên bản họp)")
    assert clip(lines[:3], "… và {} trường hợp khác") == "; ".join(lines[:3])
    with session_scope(app_db) as session:  # any other long text, an error's say, is cut
        (sent,) = notify(
            session, [prov.people["officer"].id], "failure", "Lỗi", "x" * 5000, about=("x", 1), key="k"
        )
        assert len(sent.body) == BODY and sent.body.endswith("x…")


def test_decision_numbers_confers_writes_the_documents_and_congratulates(app_db, prov):
    with session_scope(app_db) as session:
        nominations = [draft(session, prov, key=k, award="GK") for k in ("good", "diligent")]
        through_unit_council(session, prov, nominations)
        decision = draft_decision(session, prov.actors["unit_secretariat"], nominations)
        signed_by_the_director(session, prov, decision.id)
    assert twice(app_db, decision_flow, decision.id) == "01/QĐ-STC"
    with Session(app_db) as session:
        issued = session.get(Decision, decision.id)
        assert issued.state is DecisionState.ISSUED and issued.number == 1
        assert {n.state for n in session.exec(select(Nomination))} == {State.CONFERRED}
        records = session.exec(select(AwardRecord).where(AwardRecord.decision_id == decision.id)).all()
        assert sorted(r.golden_book for r in records) == ["0001/2025", "0002/2025"]
        kinds = sorted(d.kind for d in session.exec(select(GeneratedDocument)))
        assert kinds == [
            "chi_tien_thuong",
            "chi_tien_thuong_xlsx",
            "giay_khen",
            "giay_khen",
            "in_giay_khen",
            "in_phoi",
            "quyet_dinh",
        ]
    (congratulation,) = inbox(app_db, prov.people["good"].id)
    assert congratulation.title == "Quyết định số 01/QĐ-STC của Giám đốc Sở Tài chính"
    (to_officer,) = inbox(app_db, prov.people["officer"].id)
    assert to_officer.body == "Được khen thưởng: Nguyễn Văn An, Trương Thị Mai."


def test_forward_carries_the_batch_up_with_its_documents_and_checks_it_on_arrival(app_db, prov):
    with session_scope(app_db) as session:
        n = draft(session, prov, key="fighter", award="CSTD_TINH")
        report(session, prov, n, "xac_nhan_sang_kien")
        through_unit_council(session, prov, [n])
        submission = propose_upward(
            session, prov.actors["director"], [n], signed_on=date(2025, 12, 22), now=on(date(2025, 12, 22))
        )
        assert n.state is State.RECOMMENDED  # signing the Tờ trình moves nothing yet
    assert twice(app_db, forward_flow, submission.id) == [n.id]
    with Session(app_db) as session:
        moved = session.get(Nomination, n.id)
        assert (moved.state, moved.level, moved.handling_unit_id) == (
            State.SUBMITTED,
            1,
            prov.units["province"].id,
        )
        assert session.get(Submission, submission.id).number == 1
        assert moved.intake["missing"] == []  # the Tờ trình and the minutes came with it
        flows = {r.flow for r in session.exec(select(FlowRun))}
        assert flows == {"forward", "intake"}


def test_sweep_reminds_before_and_after_escalates_and_withdraws_each_once(app_db, prov):
    with session_scope(app_db) as session:
        waiting, returned = draft(session, prov, key="good"), draft(session, prov, key="diligent")
        for n in (waiting, returned):
            report(session, prov, n)
        submit(session, prov.actors["officer"], [waiting, returned], now=NOW)  # Mon 15 Dec 2025
        apply(session, returned, "return", prov.actors["unit_secretariat"], reason="Thiếu xác nhận", now=NOW)
        assert waiting.due_on == returned.due_on == date(2025, 12, 29)

    def sweep(day: date) -> dict:
        return deadline_sweeper_flow(datetime(day.year, day.month, day.day, 2, tzinfo=UTC))

    # three working days left: too early; the batch's intake never ran (submitted here, not
    # through the API): the first sweep runs it
    assert sweep(date(2025, 12, 24)) == {"restart_intake": 1}
    assert sweep(date(2025, 12, 25)) == {"remind_before": 2}  # two left (submitted: 2, returned: 2)
    assert sweep(date(2025, 12, 26)) == {}
    assert sweep(date(2025, 12, 30)) == {"remind_after": 2}
    assert sweep(date(2026, 1, 5)) == {"escalate": 1}  # submitted escalates after 3 working days
    assert sweep(date(2026, 1, 7)) == {"escalate": 1, "timeout": 1}  # returned: 5, then withdrawn
    before = snapshot(app_db)
    assert sweep(date(2026, 1, 7)) == {} and sweep(date(2026, 2, 2)) == {}
    assert snapshot(app_db) == before
    with Session(app_db) as session:
        assert session.get(Nomination, returned.id).state is State.WITHDRAWN
        alerts = session.exec(select(StageAlert.kind).where(StageAlert.nomination_id == waiting.id)).all()
        assert sorted(alerts) == ["escalate", "remind_after", "remind_before"]
        (withdrawal,) = [e for e in audit.trail(session, "nomination", returned.id) if e.action == "withdraw"]
        assert withdrawal.reason == "Quá hạn bổ sung hồ sơ (hạn 29/12/2025) theo quy định của giai đoạn"
        assert session.get(FlowRun, withdrawal.flow_run_id).flow == "deadline_sweeper"
        # each sweep vouches for the audit log's newest event outside the database
        newest = session.exec(select(audit.Event).order_by(audit.Event.id.desc())).first()
        vouched = get_settings().audit_checkpoint_path.read_text().split()
        assert vouched[-3:-1] == [str(newest.id), newest.hash] and audit.verify(session) is None
    titles = [m.title for m in inbox(app_db, prov.people["director"].id)]
    # no head of secretariat named at this unit: its head is told
    assert titles == ["Hồ sơ quá hạn cần chỉ đạo: Nguyễn Văn An", "Hồ sơ quá hạn cần chỉ đạo: Trương Thị Mai"]
    officer = [m.title for m in inbox(app_db, prov.people["officer"].id)]
    assert officer == [
        "Sắp đến hạn bổ sung hồ sơ: Trương Thị Mai",
        "Quá hạn bổ sung hồ sơ: Trương Thị Mai",
        "Hồ sơ bị rút do quá hạn: Trương Thị Mai",
    ]


def test_a_transient_database_fault_is_retried_and_numbers_once(app_db, prov, monkeypatch):
    with session_scope(app_db) as session:
        (n,) = [draft(session, prov)]
        through_unit_council(session, prov, [n])
        decision = draft_decision(session, prov.actors["unit_secretariat"], [n])
        signed_by_the_director(session, prov, decision.id)
    real, faults = decide.next_number, []

    def flaky(*args, **kwargs):
        if not faults:
            faults.append("locked")
            raise OperationalError("UPDATE register", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(decide, "next_number", flaky)
    assert decision_flow(decision.id) == "01/QĐ-STC"
    with Session(app_db) as session:
        assert faults == ["locked"] and session.get(Decision, decision.id).number == 1
        (run,) = session.exec(select(FlowRun)).all()
        assert run.state == "completed"


def test_a_failed_flow_leaves_every_nomination_where_it_was_and_tells_the_secretariat(
    app_db, prov, monkeypatch
):
    meeting_id = on_unit_agenda(app_db, prov)
    before = snapshot(app_db)
    from models import voting

    real, moved = voting.apply_many, []

    def breaks_once_they_moved(*args, **kwargs):
        moved.extend(real(*args, **kwargs))
        raise ValueError("phiếu bầu không đọc được")

    monkeypatch.setattr(voting, "apply_many", breaks_once_they_moved)
    with pytest.raises(ValueError, match="phiếu bầu không đọc được"):
        council_session_flow(meeting_id)
    assert moved  # the nominations had moved inside the transaction the failure rolled back
    with Session(app_db) as session:
        assert {n.state for n in session.exec(select(Nomination))} == {State.ON_AGENDA}
        assert session.get(CouncilSession, meeting_id).state is SessionState.CLOSED
        (run,) = session.exec(select(FlowRun)).all()
        assert run.state == "failed" and run.error == "ValueError: phiếu bầu không đọc được"
    (alarm,) = inbox(app_db, prov.people["unit_secretariat"].id)
    assert alarm.kind == "failure" and "Hồ sơ giữ nguyên trạng thái trước đó" in alarm.body
    changed = {name for name, rows in snapshot(app_db).items() if rows != before[name]}
    assert changed == {"notification"}
    monkeypatch.undo()
    assert len(council_session_flow(meeting_id)) == 2  # fixed, run again: done


def test_notifications_are_mailed_once_over_smtp(app_db, prov):
    from aiosmtpd.controller import Controller

    from models.config import configured
    from models.org import Person

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            return "250 OK"

    with session_scope(app_db) as session:
        session.get(Person, prov.people["good"].id).email = "an.nv@stc.quangngai.gov.vn"
        (n,) = [draft(session, prov, award="GK")]
        through_unit_council(session, prov, [n])
        decision = draft_decision(session, prov.actors["unit_secretariat"], [n])
        signed_by_the_director(session, prov, decision.id)
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with configured(smtp_host="127.0.0.1", smtp_port=port):
            decision_flow(decision.id)
            decision_flow(decision.id)
    finally:
        controller.stop()
    (mail,) = sink.messages  # the officer has no address; the nominee is told once
    assert mail["To"] == "an.nv@stc.quangngai.gov.vn"
    assert mail["Subject"] == "Quyết định số 01/QĐ-STC của Giám đốc Sở Tài chính"
    assert "Chúc mừng" in mail.get_content()
    with Session(app_db) as session:
        mailed = session.exec(select(Notification).where(Notification.emailed_at.is_not(None))).all()
        assert [m.person_id for m in mailed] == [prov.people["good"].id]
