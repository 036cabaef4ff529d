"""The nomination's route through the transition table: guards, roles, audit, locking."""

from datetime import date

import pytest
from sqlmodel import Session, select

from models import audit
from models.access import system_actor
from models.catalogue import default_catalogue
from models.councils import Choice
from models.decide import draft_decision
from models.decisions import Decision
from models.dossier import attach
from models.errors import Forbidden, GuardFailed, IllegalTransition, InvalidInput, StaleVersion
from models.history import AwardRecord, Initiative
from models.nominations import Nomination, State
from models.org import Role
from models.route import NOMINATION, SYSTEM
from models.voting import add_to_agenda, cast_ballot, open_session, record_attendance
from models.workflow import apply, nominate, submit
from tests.factories import (
    NOW,
    Province,
    appraise_and_number,
    close_and_tally,
    docx_bytes,
    history,
    person,
    propose_and_forward,
    sign_and_issue,
)

RULES = default_catalogue().for_date(date(2025, 12, 15), "QNG")


def report(session: Session, prov: Province, n: Nomination, kind: str = "bao_cao_thanh_tich", text: str = ""):
    return attach(
        session,
        prov.actors["officer"],
        kind,
        "Báo cáo thành tích.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx_bytes(text or f"Báo cáo thành tích #{n.id}"),
        ruleset=RULES,
        nomination_id=n.id,
    )


def draft(session, prov, key="good", award="LDTT", unit="stc", officer="officer", **kw) -> Nomination:
    return nominate(
        session,
        prov.actors[officer],
        prov.campaign,
        award,
        unit_id=prov.units[unit].id,
        person_id=prov.people[key].id,
        now=NOW,
        **kw,
    )


def vote(session, prov, meeting, key, choices_for, present=None, close=True):
    """Everyone present votes; `choices_for(i)` gives member i's choice for every item; then
    the voting ends and the tally follows, unless `close` is false."""
    members = prov.members[key]
    present = len(members) if present is None else present
    secretariat = prov.actors["unit_secretariat" if key == "stc" else "province_secretariat"]
    for i, m in enumerate(members):
        record_attendance(session, secretariat, meeting.id, m.id, present=i < present)
    from models.access import load_actor
    from models.councils import SessionItem

    agenda = session.exec(select(SessionItem.nomination_id).where(SessionItem.session_id == meeting.id)).all()
    for i, m in enumerate(members[:present]):
        cast_ballot(
            session, load_actor(session, m.person_id), meeting.id, {nid: choices_for(i) for nid in agenda}
        )
    return close_and_tally(session, secretariat, meeting.id, NOW) if close else None


def meet(session, prov, key, nominations):
    secretariat = prov.actors["unit_secretariat" if key == "stc" else "province_secretariat"]
    members = prov.members[key]
    meeting = open_session(
        session,
        secretariat,
        prov.councils[key].id,
        held_at=NOW,
        place="Hội trường",
        chair_id=members[0].person_id,
        secretary_id=members[-1].person_id,
        campaign_id=prov.campaign.id,
    )
    add_to_agenda(session, secretariat, meeting.id, nominations)
    return meeting


def before_unit_council(session, prov, nominations):
    """Reported, submitted, accepted and on the agenda of a unit council session."""
    for n in nominations:
        report(session, prov, n)
    submit(session, prov.actors["officer"], nominations, now=NOW)
    for n in nominations:
        apply(session, n, "accept", prov.actors["unit_secretariat"], now=NOW)
    return meet(session, prov, "stc", nominations)


def through_unit_council(session, prov, nominations, choice=Choice.YES):
    meeting = before_unit_council(session, prov, nominations)
    return vote(session, prov, meeting, "stc", lambda i: choice)


def test_advanced_worker_is_conferred_by_the_unit_head_and_enters_history(session, province):
    n = draft(session, province)
    through_unit_council(session, province, [n])
    assert n.state is State.RECOMMENDED
    decision = draft_decision(session, province.actors["unit_secretariat"], [n])
    sign_and_issue(session, province.actors["director"], decision.id, date(2025, 12, 20), NOW)
    assert n.state is State.CONFERRED
    assert decision.reference == "01/QĐ-STC"
    record = session.exec(select(AwardRecord).where(AwardRecord.decision_id == decision.id)).one()
    assert (record.person_id, record.year, record.code) == (province.people["good"].id, 2025, "LDTT")
    actions = [e.action for e in audit.trail(session, "nomination", n.id)]
    assert actions == ["nominate", "attach", "submit", "accept", "schedule", "recommend", "confer"]
    assert audit.verify(session) is None


def test_every_step_is_audited_with_actor_time_and_reason(session, province):
    n = draft(session, province)
    report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    apply(
        session, n, "return", province.actors["unit_secretariat"], reason="Thiếu chữ ký thủ trưởng", now=NOW
    )
    event = audit.trail(session, "nomination", n.id)[-1]
    assert (event.action, event.actor, event.reason) == ("return", "Lê Văn Nam", "Thiếu chữ ký thủ trưởng")
    assert event.data["from"]["state"] == "submitted" and event.data["to"]["state"] == "returned"
    assert event.at == NOW


def test_returned_dossier_is_resubmitted_with_history_kept(session, province):
    n = draft(session, province)
    first = report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    apply(
        session, n, "return", province.actors["unit_secretariat"], reason="Báo cáo chưa có số liệu", now=NOW
    )
    second = report(session, province, n, text="Báo cáo đã bổ sung số liệu")
    apply(session, n, "resubmit", province.actors["officer"], now=NOW)
    apply(session, n, "return", province.actors["unit_secretariat"], reason="Còn thiếu xác nhận", now=NOW)
    apply(session, n, "resubmit", province.actors["officer"], now=NOW)
    assert n.state is State.SUBMITTED and n.returns == 2
    assert (first.version, second.version) == (1, 2)  # the returned version is still there
    reasons = [e.reason for e in audit.trail(session, "nomination", n.id) if e.action == "return"]
    assert reasons == ["Báo cáo chưa có số liệu", "Còn thiếu xác nhận"]


def test_return_requires_a_reason(session, province):
    n = draft(session, province)
    report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    with pytest.raises(InvalidInput, match="lý do"):
        apply(session, n, "return", province.actors["unit_secretariat"], reason="  ", now=NOW)


def test_submit_without_achievement_report_is_refused_citing_article_84(session, province):
    n = draft(session, province)
    with pytest.raises(GuardFailed, match=r"Báo cáo thành tích \(Law 06/2022 Art. 84") as error:
        submit(session, province.actors["officer"], [n], now=NOW)
    assert error.value.code == "dossier_incomplete"


def test_ineligible_nominee_is_blocked_with_the_cited_article(session, province):
    n = draft(session, province, key="weak")
    report(session, province, n)
    with pytest.raises(GuardFailed, match=r"Art\. 24\(1\)\(a\)") as error:
        submit(session, province.actors["officer"], [n], now=NOW)
    assert error.value.details["articles"] == ["Law 06/2022 Art. 24(1)(a)"]


def test_judgement_route_goes_to_the_council_but_needs_the_certification(session, province):
    n = draft(
        session,
        province,
        key="weak",
        award="BK_TINH",
        basis="extraordinary",
        achievement="Cứu người trong lũ",
    )
    report(session, province, n)
    with pytest.raises(GuardFailed, match="Xác nhận thành tích"):
        submit(session, province.actors["officer"], [n], now=NOW)
    report(session, province, n, "xac_nhan_thanh_tich")
    submit(session, province.actors["officer"], [n], now=NOW)
    assert n.state is State.SUBMITTED
    assert n.verdict["status"] == "needs_judgement"


def test_a_route_of_judgement_whose_prerequisite_fails_is_refused_on_submission(session, province):
    """Art. 22(1)(b)'s accepted research is the council's to assess, after 22(1)(a)'s three
    consecutive grassroots titles: without them the unit is stopped, with the article."""
    n = draft(session, province, key="good", award="CSTD_TINH", basis="research_or_ingenuity")
    report(session, province, n)
    report(session, province, n, "xac_nhan_sang_kien")
    with pytest.raises(GuardFailed, match="03 lần liên tục") as refusal:
        submit(session, province.actors["officer"], [n], now=NOW)
    assert refusal.value.code == "ineligible"
    assert refusal.value.details["articles"] == ["Law 06/2022 Art. 22(1)(a)"]


def test_illegal_transition_raises_a_clear_domain_error(session, province):
    n = draft(session, province)
    with pytest.raises(IllegalTransition, match="draft"):
        apply(session, n, "accept", province.actors["unit_secretariat"], now=NOW)


def test_officer_of_another_unit_may_not_nominate_or_submit(session, province):
    with pytest.raises(Forbidden):
        draft(session, province, officer="ministry_officer")
    n = draft(session, province)
    report(session, province, n)
    with pytest.raises(Forbidden):
        submit(session, province.actors["ministry_officer"], [n], now=NOW)


def test_only_the_system_records_a_council_result(session, province):
    n = draft(session, province)
    meeting = before_unit_council(session, province, [n])
    assert n.state is State.ON_AGENDA  # where a council result is recorded
    admin = province.actors["unit_secretariat"].__class__(
        province.people["director"].id, "Quản trị", frozenset({(Role.ADMIN, province.units["stc"].id)})
    )
    for key in ("unit_secretariat", "director", "officer"):
        for action in ("recommend", "not_recommend"):
            with pytest.raises(Forbidden, match="do hệ thống thực hiện"):
                apply(session, n, action, province.actors[key], reason="Biểu quyết tay", now=NOW)
    with pytest.raises(Forbidden, match="do hệ thống thực hiện"):
        apply(session, n, "recommend", admin, now=NOW)
    assert n.state is State.ON_AGENDA and meeting.state == "open"
    assert NOMINATION["recommend"].who == {SYSTEM} == NOMINATION["not_recommend"].who


def test_stale_version_is_refused(session, province):
    n = draft(session, province)
    with pytest.raises(StaleVersion):
        apply(
            session, n, "withdraw", province.actors["officer"], reason="Nhầm", expected_version=n.version + 1
        )


def test_concurrent_change_is_detected_by_optimistic_lock(engine, province, session):
    from sqlalchemy import update

    n = draft(session, province)
    # another writer bumps the row's version behind this session's back
    bump = update(Nomination).where(Nomination.id == n.id).values(version=Nomination.version + 1)
    session.exec(bump.execution_options(synchronize_session=False))
    with pytest.raises(StaleVersion):
        apply(session, n, "withdraw", province.actors["officer"], reason="Nhầm", now=NOW)


def test_vote_below_threshold_is_not_recommended(session, province):
    n = draft(session, province)
    results = through_unit_council(session, province, [n], choice=Choice.NO)
    assert n.state is State.NOT_RECOMMENDED
    assert (results[0].yes, results[0].base, results[0].passed) == (0, 5, False)


def test_no_quorum_means_no_recommendation(session, province):
    n = draft(session, province)
    report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    apply(session, n, "accept", province.actors["unit_secretariat"], now=NOW)
    meeting = meet(session, province, "stc", [n])
    (result,) = vote(session, province, meeting, "stc", lambda i: Choice.YES, present=3)  # 3/5 < 2/3
    assert not result.quorum_met and n.state is State.NOT_RECOMMENDED
    reason = audit.trail(session, "nomination", n.id)[-1].reason
    assert "Không đủ số thành viên dự họp (3/5)" in reason


def test_provincial_fighter_travels_two_levels_and_is_decided_by_the_chairman(session, province):
    n = draft(session, province, key="fighter", award="CSTD_TINH")
    report(session, province, n, "xac_nhan_sang_kien")
    through_unit_council(session, province, [n])
    with pytest.raises(GuardFailed, match="Chủ tịch Ủy ban nhân dân tỉnh"):
        draft_and_sign(session, province, n, "unit_secretariat", "director")
    submission = propose_and_forward(session, province.actors["director"], [n], date(2025, 12, 22), NOW)
    assert (n.level, n.handling_unit_id, n.state) == (1, province.units["province"].id, State.SUBMITTED)
    with pytest.raises(GuardFailed, match="Tờ trình"):
        apply(session, n, "accept", province.actors["province_secretariat"], now=NOW)
    for kind in ("to_trinh", "bien_ban"):
        attach(
            session,
            province.actors["unit_secretariat"],
            kind,
            f"{kind}.pdf",
            "application/pdf",
            b"%PDF-1.4 x",
            ruleset=RULES,
            submission_id=submission.id,
        )
    apply(session, n, "accept", province.actors["province_secretariat"], now=NOW)
    meeting = meet(session, province, "province", [n])
    vote(session, province, meeting, "province", lambda i: Choice.YES)
    with pytest.raises(GuardFailed, match="Tờ trình thẩm định của Giám đốc Sở Nội vụ") as refused:
        draft_and_sign(session, province, n, "province_secretariat", "chairman")
    assert refused.value.code == "not_appraised"
    appraised = appraise_and_number(
        session,
        province.actors["province_secretariat"],
        province.actors["snv_director"],
        [n],
        date(2026, 1, 2),
        NOW,
    )
    assert appraised.reference == "01/TTr-SNV"
    decision = draft_and_sign(session, province, n, "province_secretariat", "chairman")
    assert n.state is State.CONFERRED and decision.reference == "01/QĐ-UBND"


def draft_and_sign(session, prov, n, drafter, signer) -> Decision:
    decision = draft_decision(session, prov.actors[drafter], [n])
    return sign_and_issue(session, prov.actors[signer], decision.id, date(2026, 1, 5), NOW)


def test_due_date_counts_working_days_from_the_stage_entry(session, province):
    n = draft(session, province)
    report(session, province, n)
    submit(session, province.actors["officer"], [n], now=NOW)
    # Mon 15 Dec 2025 + 10 working days = Mon 29 Dec 2025
    assert n.due_on == date(2025, 12, 29)


def test_system_actor_is_named_in_the_audit(session, province):
    n = draft(session, province)
    through_unit_council(session, province, [n])
    event = audit.trail(session, "nomination", n.id)[-1]
    assert event.action == "recommend" and event.actor == system_actor().name
    assert "5/5 phiếu đồng ý" in event.reason


def test_an_initiative_route_needs_its_attestation_when_submitted_not_only_at_intake(session, province):
    """The dossier depends on the route the verdict found (Art. 84(2)(d)): the verdict is judged
    first, so a unit is stopped when it submits, not surprised when the secretariat accepts."""
    p = person(session, "Lương Thị Thu", province.units["ns"], gender="nữ")
    history(session, p, {2024: "HTXS", 2025: "HTXS"}, {2024: ["LDTT"], 2025: ["LDTT"]})
    for year, title in ((2024, "Số hóa sổ quỹ"), (2025, "Đối chiếu ngân sách tự động")):
        session.add(Initiative(person_id=p.id, year=year, scope="unit", title=title))
    session.flush()
    province.people["inventor"] = p
    n = draft(session, province, key="inventor", award="BK_TINH")
    report(session, province, n)
    with pytest.raises(GuardFailed, match="Xác nhận sáng kiến") as refusal:
        submit(session, province.actors["officer"], [n], now=NOW)
    assert refusal.value.code == "dossier_incomplete"
    report(session, province, n, "xac_nhan_sang_kien")
    submit(session, province.actors["officer"], [n], now=NOW)
    assert n.state is State.SUBMITTED and n.verdict["route"] == "excellent_with_initiatives"
