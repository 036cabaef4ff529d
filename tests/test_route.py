"""The route table (models/route.py) walked the way the eligibility tests walk the catalogue: every
step of every record × every state × every role, a case where the step is taken and one where it
is refused, a refusing case for every guard — and each guard switched off in turn makes its own
case fail, so no guard can be removed with the suite green."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from models import appraisal, decide, route, voting, workflow
from models.access import Actor, load_actor, system_actor
from models.councils import Choice, CouncilSession, SessionItem, SessionState
from models.db import transaction_cache
from models.decisions import Decision, DecisionState
from models.dossier import attach
from models.drafting import edit as edit_nomination
from models.errors import DomainError, Forbidden, GuardFailed, IllegalTransition
from models.guards import GUARDS
from models.history import Rating
from models.nominations import Nomination, State, Submission, SubmissionState
from models.org import Role
from models.route import SYSTEM, TABLES
from tests.factories import NOW, Province, docx_bytes, grassroots_fighters_capped, on, registration_checked
from tests.test_guards import nominate_new
from tests.test_workflow import RULES, draft, meet, report

ALL_GUARDS = {**GUARDS, **voting.GUARDS}
PAPER, DOCX = docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CODES = {  # the code each guard refuses with
    "dossier": "dossier_incomplete",
    "eligible": "ineligible",
    "quota": "quota_exceeded",
    "registered": "not_registered",
    "council": "no_council",
    "reviewed": "not_reviewed",
    "deciding": "not_deciding_level",
    "forwarding": "deciding_level",
    "appraising": "no_appraisal",
    "appraised": "not_appraised",
    "attending": "not_attending",
    "first_ballot": "already_voted",
}
LEVEL_UNITS = ("stc", "province", "central")
ROLES = {  # who holds each role at each level of the test province
    route.UO: ("officer", None, None),
    route.SEC: ("unit_secretariat", "province_secretariat", "central_secretariat"),
    route.AUTH: ("director", "chairman", "prime_minister"),
}


def placed(
    session: Session, prov: Province, state=State.DRAFT, award="LDTT", key="good", level=0
) -> Nomination:
    """A nomination of Phòng Ngân sách's person `key`, with its report (and attestation), standing
    in `state` at `level` of its route — put there directly, for the step under test to start from."""
    n = draft(session, prov, key=key, award=award)
    for kind in ("bao_cao_thanh_tich", "xac_nhan_sang_kien"):
        attach(
            session,
            prov.actors["officer"],
            kind,
            f"{kind}.docx",
            DOCX,
            PAPER,
            ruleset=RULES,
            nomination_id=n.id,
        )
    n.state, n.level = state, level
    n.handling_unit_id = prov.units[LEVEL_UNITS[level]].id
    session.add(n)
    session.flush()
    return n


def actor_for(prov: Province, who: str, level: int = 0) -> Actor:
    return system_actor() if who == SYSTEM else prov.actors[ROLES[who][level]]


# ------------------------------------------------------------------ the nomination's own steps


def test_every_nomination_step_refuses_every_state_it_does_not_leave(session, province):
    admin = Actor(
        province.people["director"].id, "Quản trị", frozenset({(Role.ADMIN, province.units["stc"].id)})
    )
    for step in route.NOMINATION.values():
        if route.NEW in step.source:
            continue
        actor = system_actor() if step.by_system else admin
        for state in State:
            attempt = session.begin_nested()
            n = placed(session, province, state, award="CSTD_TINH", key="fighter")
            taken = _attempt(
                lambda n=n, step=step, actor=actor: workflow.apply(session, n, step.action, actor, reason="x")
            )
            if state in step.source:
                assert not isinstance(taken, IllegalTransition), (step.action, state, taken)
            else:
                assert isinstance(taken, IllegalTransition), (step.action, state, taken)
            attempt.rollback()


@pytest.mark.parametrize(
    "step",
    [s for s in route.NOMINATION.values() if route.NEW not in s.source],
    ids=lambda s: f"{s.record}.{s.action}",
)
@pytest.mark.parametrize("who", [*ROLES, SYSTEM])
def test_every_nomination_step_is_taken_only_by_whom_the_table_says(session, province, step, who):
    state = sorted(step.source)[0]
    n = placed(session, province, state, award="CSTD_TINH", key="fighter")
    scope_level = 0 if step.scope != "handling" else n.level
    if ROLES.get(who, ("x",))[scope_level] is None:
        pytest.skip("no such role at this level")
    taken = _attempt(
        lambda: workflow.apply(session, n, step.action, actor_for(province, who), reason="Lý do")
    )
    assert isinstance(taken, Forbidden) is (who not in step.who), taken


def _attempt(step: Callable[[], object]) -> object:
    try:
        return step()
    except DomainError as refusal:
        return refusal


# ------------------------------------------------------------ one case per step, and per guard


@dataclass
class Case:
    record: str
    action: str
    outcome: str  # "taken", "forbidden", "illegal" or the guard that refuses it
    take: Callable[[Session, Province], object]  # sets up the case, then takes the step
    note: str = ""

    def __str__(self) -> str:
        return f"{self.record}.{self.action}:{self.outcome}{'-' + self.note if self.note else ''}"


def nomination_step(action, who, state, award="LDTT", key="good", level=0, reason="Lý do", before=None):
    def take(session, prov):
        n = placed(session, prov, state, award, key, level)
        if before:
            before(session, prov, n)
        submission = Submission(
            campaign_id=n.campaign_id, from_unit_id=n.unit_id, to_unit_id=n.unit_id, level=0
        )
        session.add(submission)
        session.flush()
        return workflow.apply(
            session, n, action, actor_for(prov, who, level), reason=reason, submission=submission, now=NOW
        )

    return take


def editing(who, state):
    def take(session, prov):
        n = placed(session, prov, state)
        return edit_nomination(
            session, n, actor_for(prov, who), expected_version=n.version, achievement="Sửa", now=NOW
        )

    return take


def submitted_then(action, who, before=None, award="LDTT", key="good"):
    """Submitted by the unit through the real step (so its batch and verdict are real), then `before`."""

    def take(session, prov):
        n = draft(session, prov, key=key, award=award)
        report(session, prov, n)
        workflow.submit(session, prov.actors["officer"], [n], now=NOW)
        if before:
            before(session, prov, n)
        return workflow.apply(session, n, action, actor_for(prov, who), reason="Lý do", now=NOW)

    return take


def unreported(session, prov, n):
    """Carried up to the province without the Tờ trình and minutes its dossier needs there."""
    n.level, n.handling_unit_id = 1, prov.units["province"].id
    session.add(n)
    session.flush()


def rated_down(session, prov, n):
    """Its year's rating corrected after it was submitted: no longer an advanced worker."""
    session.exec(
        update(Rating).where(Rating.person_id == n.person_id, Rating.year == 2025).values(level="HT")
    )
    transaction_cache(session).clear()  # a later request reads the history afresh


def returned_from_province(session, prov):
    n = placed(session, prov, State.SUBMITTED, "CSTD_TINH", "fighter", level=1)
    workflow.apply(
        session, n, "return", prov.actors["province_secretariat"], reason="Thiếu Tờ trình", now=NOW
    )
    return n


def over_quota(action):
    """Two grassroots fighters where a tenant's cap allows one (test_guards: 15 % of 7 advanced
    workers): the second is refused on submission, or — when both got that far — on conferral."""

    @grassroots_fighters_capped()
    def take(session, prov):
        officer = prov.actors["officer"]
        workflow.submit(session, officer, nominate_new(session, prov, "LDTT", 5), now=NOW)
        first, second = nominate_new(session, prov, "CSTDCS", 2)
        if action == "submit":
            workflow.submit(session, officer, [first], now=NOW)
            return workflow.submit(session, officer, [second], now=NOW)
        for n in (first, second):
            n.state = State.RECOMMENDED
            session.add(n)
        session.flush()
        return workflow.apply(session, second, "confer", system_actor(), now=NOW)

    return take


def proposal(who, state=State.RECOMMENDED, award="CSTD_TINH", key="fighter"):
    def take(session, prov):
        n = placed(session, prov, state, award, key)
        return workflow.propose_upward(session, actor_for(prov, who), [n], signed_on=NOW.date(), now=NOW)

    return take


def numbering(who, signed=True):
    def take(session, prov):
        n = placed(session, prov, State.RECOMMENDED, "CSTD_TINH", "fighter")
        head = prov.actors["director"]
        if signed:
            batch = workflow.propose_upward(session, head, [n], signed_on=NOW.date(), now=NOW)
        else:  # a unit's own list to its own level: nothing to number
            batch = Submission(
                campaign_id=n.campaign_id, from_unit_id=n.unit_id, to_unit_id=n.unit_id, level=0
            )
            session.add(batch)
            session.flush()
        return decide.number_submission(session, actor_for(prov, who), batch)

    return take


def meeting(state=SessionState.OPEN, attend=True):
    """A session of Sở Tài chính's council on a nomination, its members recorded as present."""

    def open_one(session, prov):
        n = placed(session, prov, State.ACCEPTED)
        m = meet(session, prov, "stc", [n])
        if attend:
            for member in prov.members["stc"]:
                voting.record_attendance(
                    session, prov.actors["unit_secretariat"], m.id, member.id, present=True
                )
        m.state, m.closed_at = state, None if state is SessionState.OPEN else NOW
        session.add(m)
        session.flush()
        return m, n

    return open_one


def session_step(action, who, state=SessionState.OPEN, attend=True, twice=False):
    def take(session, prov):
        m, n = meeting(state, attend)(session, prov)
        if action == "agenda":
            return voting.add_to_agenda(
                session, actor_for(prov, who), m.id, [placed(session, prov, State.ACCEPTED, key="veteran")]
            )
        if action == "attendance":
            member = prov.members["stc"][0]
            return voting.record_attendance(session, actor_for(prov, who), m.id, member.id, present=True)
        if action == "cast_ballot":
            voter = (
                load_actor(session, prov.members["stc"][1].person_id)
                if who == route.MEMBER
                else actor_for(prov, who)
            )
            for _ in range(2 if twice else 1):
                voting.cast_ballot(session, voter, m.id, {n.id: Choice.YES})
            return None
        if action == "close_session":
            return voting.close_session(session, actor_for(prov, who), m.id, now=NOW)
        return voting.tally(session, actor_for(prov, who), m.id, now=NOW)

    return take


def opening(who):
    def take(session, prov):
        members = prov.members["stc"]
        return voting.open_session(
            session,
            actor_for(prov, who),
            prov.councils["stc"].id,
            held_at=NOW,
            place="Phòng họp",
            chair_id=members[0].person_id,
            secretary_id=members[1].person_id,
            campaign_id=prov.campaign.id,
            now=NOW,
        )

    return take


def drafting(who, state=State.RECOMMENDED, award="LDTT", key="good"):
    def take(session, prov):
        n = placed(session, prov, state, award, key)
        return decide.draft_decision(session, actor_for(prov, who), [n], now=NOW)

    return take


def appraising(who: str, state=State.RECOMMENDED, award="CSTD_TINH", key="fighter", level=1):
    """The secretariat of the level drafting the appraisal Tờ trình (`who` names the person)."""

    def take(session, prov):
        n = placed(session, prov, state, award, key, level)
        return appraisal.appraise(session, prov.actors[who], [n], now=NOW)

    return take


def appraisal_step(action, who: str, state=SubmissionState.DRAFT):
    """A provincial fighter's appraisal Tờ trình brought to `state`, then `who` (a person's key,
    or the engine) takes the step."""

    def take(session, prov):
        n = placed(session, prov, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
        a = appraisal.appraise(session, prov.actors["province_secretariat"], [n], now=NOW)
        if state is not SubmissionState.DRAFT:
            appraisal.sign_appraisal(
                session, prov.actors["snv_director"], a.id, signed_on=NOW.date(), now=NOW
            )
        actor = system_actor() if who == SYSTEM else prov.actors[who]
        if action == "sign_appraisal":
            return appraisal.sign_appraisal(session, actor, a.id, signed_on=NOW.date(), now=NOW)
        return appraisal.number_appraisal(session, actor, a.id)

    return take


def drafting_at_province(appraised: bool):
    """The provincial secretariat drafting the Chairman's decision on a recommended provincial
    fighter: with the Sở Nội vụ's appraisal Tờ trình signed and numbered, or without it."""

    def take(session, prov):
        n = placed(session, prov, State.RECOMMENDED, "CSTD_TINH", "fighter", level=1)
        if appraised:
            a = appraisal.appraise(session, prov.actors["province_secretariat"], [n], now=NOW)
            appraisal.sign_appraisal(
                session, prov.actors["snv_director"], a.id, signed_on=NOW.date(), now=NOW
            )
            appraisal.number_appraisal(session, system_actor(), a.id)
        return decide.draft_decision(session, prov.actors["province_secretariat"], [n], now=NOW)

    return take


def decision_step(action, who, state=DecisionState.DRAFT):
    def take(session, prov):
        n = placed(session, prov, State.RECOMMENDED)
        d = decide.draft_decision(session, prov.actors["unit_secretariat"], [n], now=NOW)
        d.state, d.signed_on = state, date(2025, 12, 15)
        session.add(d)
        session.flush()
        if action == "sign":
            return decide.sign(session, actor_for(prov, who), d.id, signed_on=date(2025, 12, 15), now=NOW)
        return decide.issue(session, actor_for(prov, who), d.id, now=on(date(2025, 12, 16)))

    return take


S, N = State, "nomination"
CASES = [
    # the nomination
    Case(N, "nominate", "taken", lambda s, p: draft(s, p)),
    Case(N, "nominate", "forbidden", lambda s, p: draft(s, p, officer="ministry_officer")),
    Case(N, "edit", "taken", editing(route.UO, S.RETURNED)),
    Case(N, "edit", "forbidden", editing(route.SEC, S.DRAFT)),
    Case(N, "edit", "illegal", editing(route.UO, S.SUBMITTED)),
    Case(N, "delete", "taken", nomination_step("delete", route.UO, S.DRAFT)),
    Case(N, "delete", "forbidden", nomination_step("delete", route.SEC, S.DRAFT)),
    Case(N, "delete", "illegal", nomination_step("delete", route.UO, S.RETURNED)),
    Case(N, "submit", "taken", nomination_step("submit", route.UO, S.DRAFT)),
    Case(N, "submit", "forbidden", nomination_step("submit", route.SEC, S.DRAFT)),
    Case(N, "submit", "illegal", nomination_step("submit", route.UO, S.SUBMITTED)),
    Case(
        N, "submit", "dossier", lambda s, p: workflow.submit(s, p.actors["officer"], [draft(s, p)], now=NOW)
    ),
    Case(N, "submit", "eligible", nomination_step("submit", route.UO, S.DRAFT, key="weak")),
    Case(N, "submit", "quota", over_quota("submit")),
    Case(
        N, "submit", "registered", registration_checked("block")(nomination_step("submit", route.UO, S.DRAFT))
    ),
    Case(N, "return", "taken", nomination_step("return", route.SEC, S.SUBMITTED)),
    Case(N, "return", "forbidden", nomination_step("return", route.UO, S.SUBMITTED)),
    Case(N, "return", "illegal", nomination_step("return", route.SEC, S.DRAFT)),
    Case(N, "resubmit", "taken", nomination_step("resubmit", route.UO, S.RETURNED)),
    Case(N, "resubmit", "forbidden", nomination_step("resubmit", route.AUTH, S.RETURNED)),
    Case(N, "resubmit", "illegal", nomination_step("resubmit", route.UO, S.SUBMITTED)),
    Case(
        N,
        "resubmit",
        "dossier",
        lambda s, p: workflow.apply(
            s, returned_from_province(s, p), "resubmit", p.actors["unit_secretariat"], now=NOW
        ),
    ),
    Case(N, "accept", "taken", submitted_then("accept", route.SEC)),
    Case(N, "accept", "forbidden", submitted_then("accept", route.UO)),
    Case(N, "accept", "illegal", nomination_step("accept", route.SEC, S.DRAFT)),
    Case(
        N,
        "accept",
        "dossier",
        lambda s, p: workflow.apply(
            s,
            placed(s, p, S.SUBMITTED, "CSTD_TINH", "fighter", 1),
            "accept",
            p.actors["province_secretariat"],
            now=NOW,
        ),
    ),
    Case(N, "accept", "eligible", submitted_then("accept", route.SEC, before=rated_down)),
    Case(N, "reject", "taken", nomination_step("reject", route.SEC, S.SUBMITTED)),
    Case(N, "reject", "forbidden", nomination_step("reject", route.UO, S.SUBMITTED)),
    Case(N, "reject", "illegal", nomination_step("reject", route.SEC, S.DRAFT)),
    Case(N, "schedule", "taken", nomination_step("schedule", route.SEC, S.ACCEPTED)),
    Case(N, "schedule", "forbidden", nomination_step("schedule", route.UO, S.ACCEPTED)),
    Case(N, "schedule", "illegal", nomination_step("schedule", route.SEC, S.SUBMITTED)),
    Case(
        N, "schedule", "council", nomination_step("schedule", route.SEC, S.ACCEPTED, "BK_TTG", "veteran", 2)
    ),
    Case(N, "recommend", "taken", nomination_step("recommend", SYSTEM, S.ON_AGENDA)),
    Case(N, "recommend", "forbidden", nomination_step("recommend", route.SEC, S.ON_AGENDA)),
    Case(N, "recommend", "illegal", nomination_step("recommend", SYSTEM, S.ACCEPTED)),
    Case(N, "not_recommend", "taken", nomination_step("not_recommend", SYSTEM, S.ON_AGENDA)),
    Case(N, "not_recommend", "forbidden", nomination_step("not_recommend", route.AUTH, S.ON_AGENDA)),
    Case(N, "not_recommend", "illegal", nomination_step("not_recommend", SYSTEM, S.RECOMMENDED)),
    Case(N, "confer", "taken", nomination_step("confer", SYSTEM, S.RECOMMENDED)),
    Case(
        N,
        "confer",
        "taken",
        nomination_step("confer", SYSTEM, S.ACCEPTED, "BK_TTG", "veteran", 2),
        "no council",
    ),
    Case(N, "confer", "forbidden", nomination_step("confer", route.AUTH, S.RECOMMENDED)),
    Case(N, "confer", "illegal", nomination_step("confer", SYSTEM, S.SUBMITTED)),
    Case(N, "confer", "deciding", nomination_step("confer", SYSTEM, S.RECOMMENDED, "CSTD_TINH", "fighter")),
    Case(N, "confer", "reviewed", nomination_step("confer", SYSTEM, S.ACCEPTED)),
    Case(N, "confer", "quota", over_quota("confer")),
    Case(N, "decline", "taken", nomination_step("decline", route.AUTH, S.RECOMMENDED)),
    Case(N, "decline", "forbidden", nomination_step("decline", route.SEC, S.RECOMMENDED)),
    Case(N, "decline", "illegal", nomination_step("decline", route.AUTH, S.DRAFT)),
    Case(
        N,
        "decline",
        "deciding",
        nomination_step("decline", route.AUTH, S.RECOMMENDED, "CSTD_TINH", "fighter"),
    ),
    Case(N, "decline", "reviewed", nomination_step("decline", route.AUTH, S.ACCEPTED)),
    Case(N, "forward", "taken", nomination_step("forward", SYSTEM, S.RECOMMENDED, "CSTD_TINH", "fighter")),
    Case(
        N,
        "forward",
        "forbidden",
        nomination_step("forward", route.SEC, S.RECOMMENDED, "CSTD_TINH", "fighter"),
    ),
    Case(N, "forward", "illegal", nomination_step("forward", SYSTEM, S.DRAFT, "CSTD_TINH", "fighter")),
    Case(N, "forward", "forwarding", nomination_step("forward", SYSTEM, S.RECOMMENDED)),
    Case(N, "forward", "reviewed", nomination_step("forward", SYSTEM, S.ACCEPTED, "CSTD_TINH", "fighter")),
    Case(N, "withdraw", "taken", nomination_step("withdraw", route.UO, S.RETURNED)),
    Case(N, "withdraw", "forbidden", nomination_step("withdraw", route.SEC, S.DRAFT)),
    Case(N, "withdraw", "illegal", nomination_step("withdraw", route.UO, S.CONFERRED)),
    # the Tờ trình
    Case("submission", "propose", "taken", proposal(route.AUTH)),
    Case("submission", "propose", "forbidden", proposal(route.SEC)),
    Case("submission", "propose", "illegal", proposal(route.AUTH, S.SUBMITTED)),
    Case("submission", "propose", "forwarding", proposal(route.AUTH, award="LDTT", key="good")),
    Case("submission", "propose", "reviewed", proposal(route.AUTH, S.ACCEPTED)),
    Case("submission", "number", "taken", numbering(SYSTEM)),
    Case("submission", "number", "forbidden", numbering(route.AUTH)),
    Case("submission", "number", "illegal", numbering(SYSTEM, signed=False)),
    # the appraisal Tờ trình (Tờ trình thẩm định)
    Case("appraisal", "appraise", "taken", appraising("province_secretariat")),
    Case("appraisal", "appraise", "forbidden", appraising("chairman")),
    Case("appraisal", "appraise", "illegal", appraising("province_secretariat", State.SUBMITTED)),
    Case("appraisal", "appraise", "deciding", appraising("unit_secretariat", level=0)),
    Case("appraisal", "appraise", "reviewed", appraising("province_secretariat", State.ACCEPTED)),
    Case(
        "appraisal",
        "appraise",
        "appraising",
        appraising("unit_secretariat", award="LDTT", key="good", level=0),
    ),
    Case("appraisal", "sign_appraisal", "taken", appraisal_step("sign_appraisal", "snv_director")),
    Case("appraisal", "sign_appraisal", "forbidden", appraisal_step("sign_appraisal", "chairman")),
    Case(
        "appraisal",
        "sign_appraisal",
        "illegal",
        appraisal_step("sign_appraisal", "snv_director", SubmissionState.SIGNED),
    ),
    Case(
        "appraisal",
        "number_appraisal",
        "taken",
        appraisal_step("number_appraisal", SYSTEM, SubmissionState.SIGNED),
    ),
    Case(
        "appraisal",
        "number_appraisal",
        "forbidden",
        appraisal_step("number_appraisal", "snv_director", SubmissionState.SIGNED),
    ),
    Case("appraisal", "number_appraisal", "illegal", appraisal_step("number_appraisal", SYSTEM)),
    # the council session
    Case("council_session", "open_session", "taken", opening(route.SEC)),
    Case("council_session", "open_session", "forbidden", opening(route.UO)),
    Case("council_session", "agenda", "taken", session_step("agenda", route.SEC)),
    Case("council_session", "agenda", "forbidden", session_step("agenda", route.UO)),
    Case("council_session", "agenda", "illegal", session_step("agenda", route.SEC, SessionState.CLOSED)),
    Case("council_session", "attendance", "taken", session_step("attendance", route.SEC)),
    Case("council_session", "attendance", "forbidden", session_step("attendance", route.AUTH)),
    Case(
        "council_session", "attendance", "illegal", session_step("attendance", route.SEC, SessionState.CLOSED)
    ),
    Case("council_session", "cast_ballot", "taken", session_step("cast_ballot", route.MEMBER)),
    Case("council_session", "cast_ballot", "forbidden", session_step("cast_ballot", route.SEC)),
    Case(
        "council_session",
        "cast_ballot",
        "illegal",
        session_step("cast_ballot", route.MEMBER, SessionState.CLOSED),
    ),
    Case(
        "council_session", "cast_ballot", "attending", session_step("cast_ballot", route.MEMBER, attend=False)
    ),
    Case(
        "council_session",
        "cast_ballot",
        "first_ballot",
        session_step("cast_ballot", route.MEMBER, twice=True),
    ),
    Case("council_session", "close_session", "taken", session_step("close_session", route.SEC)),
    Case("council_session", "close_session", "forbidden", session_step("close_session", route.UO)),
    Case(
        "council_session",
        "close_session",
        "illegal",
        session_step("close_session", route.SEC, SessionState.CLOSED),
    ),
    Case("council_session", "tally", "taken", session_step("tally", SYSTEM, SessionState.CLOSED)),
    Case("council_session", "tally", "forbidden", session_step("tally", route.SEC, SessionState.CLOSED)),
    Case("council_session", "tally", "illegal", session_step("tally", SYSTEM, SessionState.OPEN)),
    # the decision
    Case("decision", "draft_decision", "taken", drafting(route.SEC)),
    Case("decision", "draft_decision", "forbidden", drafting(route.UO)),
    Case("decision", "draft_decision", "illegal", drafting(route.SEC, S.SUBMITTED)),
    Case("decision", "draft_decision", "deciding", drafting(route.SEC, award="CSTD_TINH", key="fighter")),
    Case("decision", "draft_decision", "reviewed", drafting(route.SEC, S.ACCEPTED)),
    Case("decision", "draft_decision", "taken", drafting_at_province(appraised=True), "appraised"),
    Case("decision", "draft_decision", "appraised", drafting_at_province(appraised=False)),
    Case("decision", "sign", "taken", decision_step("sign", route.AUTH)),
    Case("decision", "sign", "forbidden", decision_step("sign", route.SEC)),
    Case("decision", "sign", "illegal", decision_step("sign", route.AUTH, DecisionState.SIGNED)),
    Case("decision", "issue", "taken", decision_step("issue", SYSTEM, DecisionState.SIGNED)),
    Case("decision", "issue", "forbidden", decision_step("issue", route.AUTH, DecisionState.SIGNED)),
    Case("decision", "issue", "illegal", decision_step("issue", SYSTEM, DecisionState.DRAFT)),
]


def expect(case: Case, session: Session, prov: Province) -> None:
    if case.outcome == "taken":
        case.take(session, prov)
        return
    refusal = {"forbidden": Forbidden, "illegal": IllegalTransition}.get(case.outcome, GuardFailed)
    with pytest.raises(refusal) as refused:
        case.take(session, prov)
    if refusal is GuardFailed:
        assert refused.value.code == CODES[case.outcome], refused.value.message


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_route_table_case_by_case(session, province, case):
    expect(case, session, province)


def test_every_step_has_a_case_taken_and_refused_and_every_guard_a_refusal():
    covered = {(c.record, c.action, c.outcome) for c in CASES}
    for record, table in TABLES.items():
        for step in table.values():
            needed = {"taken", "forbidden", *step.guards}
            if route.NEW not in step.source:
                needed.add("illegal")
            missing = {o for o in needed if (record, step.action, o) not in covered}
            assert not missing, f"{record}.{step.action} has no case for {sorted(missing)}"
    named = {g for table in TABLES.values() for s in table.values() for g in s.guards}
    assert named == set(ALL_GUARDS) == set(CODES)


@pytest.mark.parametrize("guard", sorted(CODES))
def test_switching_off_a_guard_lets_its_refused_cases_through(session, province, monkeypatch, guard):
    """Each guard's refusing cases fail for that guard alone: with it switched off they pass (or
    are refused for another reason), so removing it could not go unnoticed."""
    registry = GUARDS if guard in GUARDS else voting.GUARDS
    monkeypatch.setitem(registry, guard, lambda *args: None)
    for case in (c for c in CASES if c.outcome == guard):
        attempt = session.begin_nested()
        try:
            case.take(session, province)
        except Exception as refusal:  # refused otherwise, or a later step breaks on what it let in
            assert getattr(refusal, "code", None) != CODES[guard], (str(case), refusal)
        attempt.rollback()


def test_what_a_person_is_offered_follows_the_table(session, province):
    n = placed(session, province, State.RECOMMENDED, "CSTD_TINH", "fighter")
    offered = {
        who: {s.action for s in workflow.available_steps(session, province.actors[who], n)}
        for who in ("officer", "unit_secretariat", "director", "chairman")
    }
    # a provincial title recommended by the unit's council: the director proposes it upward; the
    # unit cannot decide it (Art. 79), and nobody may record the council's result by hand
    assert offered["director"] == {"propose"}
    assert offered["unit_secretariat"] == set() and offered["officer"] == set()
    assert offered["chairman"] == set()  # not yet at the province
    grassroots = placed(session, province, State.RECOMMENDED, "LDTT", "good")
    assert {s.action for s in workflow.available_steps(session, province.actors["director"], grassroots)} == {
        "decline",
        "draft_decision",
    }
    assert {
        s.action for s in workflow.available_steps(session, province.actors["officer"], grassroots)
    } == set()
    draft_one = placed(session, province, State.DRAFT, "LDTT", "veteran")
    assert {s.action for s in workflow.available_steps(session, province.actors["officer"], draft_one)} == {
        "edit",
        "delete",
        "submit",
        "withdraw",
    }


def test_the_meeting_and_decision_steps_wait_for_nobody_else(session, province):
    """A second close of a closed session, a second signature of a signed decision: refused."""
    m, _ = meeting()(session, province)
    voting.close_session(session, province.actors["unit_secretariat"], m.id, now=NOW)
    with pytest.raises(IllegalTransition):
        voting.close_session(session, province.actors["unit_secretariat"], m.id, now=NOW)
    n = placed(session, province, State.RECOMMENDED, key="veteran")
    d = decide.draft_decision(session, province.actors["unit_secretariat"], [n], now=NOW)
    decide.sign(session, province.actors["director"], d.id, signed_on=date(2025, 12, 15), now=NOW)
    with pytest.raises(IllegalTransition):
        decide.sign(session, province.actors["director"], d.id, signed_on=date(2025, 12, 15), now=NOW)
    assert session.exec(select(Decision.state).where(Decision.id == d.id)).one() == DecisionState.SIGNED
    assert session.exec(select(CouncilSession.state).where(CouncilSession.id == m.id)).one() == "closed"
    assert session.exec(select(SessionItem).where(SessionItem.session_id == m.id)).first()
