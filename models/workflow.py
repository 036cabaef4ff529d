"""The route of a nomination in one table: every step from draft to conferred, who may take it
and what must hold. `apply` runs one step in the caller's transaction: it checks the actor and
the guards, moves the nomination, sets the stage's due date in working days and audits it."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from models import audit
from models.access import Actor
from models.calendar import WorkingCalendar, tenant_calendar
from models.campaigns import Campaign
from models.catalogue import Award, RuleSet, UnknownAward, default_catalogue
from models.db import utcnow
from models.dossier import missing_documents
from models.eligibility import SubjectMismatch, verdict
from models.eligibility.load import histories_of, history_of, staff_of, subtree
from models.errors import Forbidden, GuardFailed, IllegalTransition, InvalidInput, NotFound, StaleVersion
from models.history import AwardRecord
from models.nominations import FINAL_STATES, Nomination, State, Submission, SubmissionItem
from models.org import Role, Unit
from models.routing import Org
from models.text import nfc

S = State
SYSTEM = "system"  # steps only the engine takes (the tally of a council session)
VIETNAM = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Step:
    action: str
    source: frozenset[State]
    target: State
    roles: frozenset[str]
    scope: str  # whose unit the role must be held in: nominating | handling | sender
    guards: tuple[str, ...]
    label: str

    @property
    def needs_reason(self) -> bool:
        return self.action in NEEDS_REASON


UO, SEC, AUTH = Role.UNIT_OFFICER, Role.SECRETARIAT, Role.AUTHORITY
WAITING = {S.ACCEPTED, S.RECOMMENDED}  # reviewed at this level, waiting for a decision or to go up
OPEN = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED}  # the unit may still withdraw

# fmt: off
TABLE = (
    # action          from           to                 who        whose unit    guards
    ("submit",        {S.DRAFT},     S.SUBMITTED,       {UO},      "nominating", "dossier eligible quota"),
    ("return",        {S.SUBMITTED}, S.RETURNED,        {SEC},     "handling",   ""),
    ("resubmit",      {S.RETURNED},  S.SUBMITTED,       {UO, SEC}, "sender",     "dossier"),
    ("accept",        {S.SUBMITTED}, S.ACCEPTED,        {SEC},     "handling",   "dossier eligible"),
    ("reject",        {S.SUBMITTED}, S.REJECTED,        {SEC},     "handling",   ""),
    ("schedule",      {S.ACCEPTED},  S.ON_AGENDA,       {SEC},     "handling",   "council"),
    ("recommend",     {S.ON_AGENDA}, S.RECOMMENDED,     {SYSTEM},  "handling",   ""),
    ("not_recommend", {S.ON_AGENDA}, S.NOT_RECOMMENDED, {SYSTEM},  "handling",   ""),
    ("confer",        WAITING,       S.CONFERRED,       {AUTH},    "handling",   "deciding reviewed quota"),
    ("decline",       WAITING,       S.DECLINED,        {AUTH},    "handling",   "deciding reviewed"),
    ("forward",       WAITING,       S.SUBMITTED,       {SEC},     "handling",   "forwarding reviewed"),
    ("withdraw",      OPEN,          S.WITHDRAWN,       {UO},      "nominating", ""),
)
# fmt: on
NEEDS_REASON = {"return", "reject", "not_recommend", "decline", "withdraw"}
LABELS = {
    "submit": "Gửi đề nghị",
    "return": "Trả lại để bổ sung hồ sơ",
    "resubmit": "Gửi lại hồ sơ đã bổ sung",
    "accept": "Tiếp nhận hồ sơ",
    "reject": "Không đủ điều kiện",
    "schedule": "Đưa ra họp Hội đồng",
    "recommend": "Hội đồng đề nghị",
    "not_recommend": "Không đạt tỷ lệ phiếu",
    "confer": "Quyết định khen thưởng",
    "decline": "Không khen thưởng",
    "forward": "Trình cấp trên",
    "withdraw": "Rút đề nghị",
}
STEPS = {
    action: Step(action, frozenset(src), dst, frozenset(who), scope, tuple(guards.split()), LABELS[action])
    for action, src, dst, who, scope, guards in TABLE
}
FAILED = frozenset(FINAL_STATES - {S.CONFERRED})


def vietnam_today(now: datetime) -> date:
    return now.astimezone(VIETNAM).date()


class Situation:
    """Everything a step needs to know about one nomination, read once."""

    def __init__(self, session: Session, nomination: Nomination, now: datetime, org: Org | None = None):
        self.session, self.nomination, self.now = session, nomination, now
        self.today = vietnam_today(now)
        self.org = org or Org.of(session)
        self.tenant = self.org.tenant(nomination.unit_id)
        self.ruleset: RuleSet = default_catalogue().for_date(self.today, self.tenant)
        self.award: Award = self.ruleset.award(nomination.award_code)
        self.units: list[Unit] = self.org.route_units(self.award, nomination.unit_id, self.today)
        self.campaign = session.get(Campaign, nomination.campaign_id)

    @property
    def level_name(self) -> str:
        return self.org.level_name(self.award, self.nomination.level, self.units[self.nomination.level])

    @property
    def has_council(self) -> bool:
        return bool(self.ruleset.levels[self.level_name]["council"])

    @property
    def deciding(self) -> bool:
        return self.nomination.level == len(self.units) - 1

    @property
    def calendar(self) -> WorkingCalendar:
        calendars = self.session.info.setdefault("calendars", {})
        if self.tenant not in calendars:
            calendars[self.tenant] = tenant_calendar(self.session, self.tenant)
        return calendars[self.tenant]


# -------------------------------------------------------------------------------- guards


def guard_dossier(sit: Situation) -> None:
    missing = missing_documents(sit.session, sit.award, sit.nomination, sit.level_name, sit.ruleset)
    if missing:
        labels = "; ".join(
            f"{sit.ruleset.dossier_kinds[k]['label']} ({sit.ruleset.dossier_kinds[k]['article']})"
            for k in missing
        )
        raise GuardFailed("dossier_incomplete", f"Hồ sơ còn thiếu: {labels}", missing=missing)


def guard_eligible(sit: Situation) -> None:
    """The engine's verdict is stored on the nomination; a periodic nomination needs a pass,
    one resting on judgement goes to the council with the verdict beside it."""
    n, year = sit.nomination, sit.campaign.year
    result = verdict(sit.award, history_of(sit.session, year, n), year, sit.ruleset)
    n.verdict = result.to_dict()
    if n.basis == "periodic" and not result.eligible:
        failed = "; ".join(
            f"{r['label']} ({r['article']})"
            for r in result.reasons()
            if r["passed"] is False and not r.get("needs_judgement")
        )
        raise GuardFailed(
            "ineligible",
            f"Không đủ điều kiện {sit.award.name}: {failed}",
            articles=[article for _, article in result.failed_rules],
        )


def guard_quota(sit: Situation) -> None:
    quota = sit.award.quota
    if quota is None:
        return
    n = sit.nomination
    same = select(func.count()).where(
        Nomination.campaign_id == n.campaign_id,
        Nomination.unit_id == n.unit_id,
        Nomination.award_code == n.award_code,
        Nomination.id != n.id,
        col(Nomination.state).not_in(FAILED | {S.DRAFT}),
    )
    taken = sit.session.exec(same).one()
    pool = _quota_pool(sit, quota.of) if quota.of else 0
    limit = quota.limit(pool)
    if taken + 1 > limit:
        raise GuardFailed(
            "quota_exceeded",
            f"Vượt tỷ lệ {sit.award.name} của đơn vị: tối đa {limit} "
            f"(trên {pool} người đạt {quota.of}), đã có {taken}",
            limit=limit,
            taken=taken,
        )


def _quota_pool(sit: Situation, code: str) -> int:
    """People of the unit holding `code` for the year: in the history or nominated now."""
    n, year = sit.nomination, sit.campaign.year
    nominated = set(
        sit.session.exec(
            select(Nomination.person_id).where(
                Nomination.campaign_id == n.campaign_id,
                Nomination.unit_id == n.unit_id,
                Nomination.award_code == code,
                col(Nomination.state).not_in(FAILED | {S.DRAFT}),
            )
        )
    )
    staff = staff_of(sit.session, n.unit_id, year)
    held = set(
        sit.session.exec(
            select(AwardRecord.person_id).where(
                AwardRecord.code == code, AwardRecord.year == year, AwardRecord.revoked.is_(False)
            )
        )
    )
    return len((nominated | held & staff) - {None})


def guard_council(sit: Situation) -> None:
    if not sit.has_council:
        raise GuardFailed("no_council", f"Cấp {sit.level_name} không họp Hội đồng cho {sit.award.name}")


def guard_reviewed(sit: Situation) -> None:
    """Where the level has a council, only what it recommended goes on (Art. 90(4))."""
    if sit.has_council and sit.nomination.state is not S.RECOMMENDED:
        raise GuardFailed("not_reviewed", "Hồ sơ chưa được Hội đồng Thi đua - Khen thưởng xét")


def guard_deciding(sit: Situation) -> None:
    if not sit.deciding:
        raise GuardFailed(
            "not_deciding_level",
            f"{sit.award.name} do {sit.award.decider_label} quyết định ({sit.award.decided_by_article}); "
            f"cấp này trình lên cấp trên",
        )


def guard_forwarding(sit: Situation) -> None:
    if sit.deciding:
        raise GuardFailed("deciding_level", f"Cấp này quyết định {sit.award.name}, không trình lên")


GUARDS = {
    "dossier": guard_dossier,
    "eligible": guard_eligible,
    "quota": guard_quota,
    "council": guard_council,
    "reviewed": guard_reviewed,
    "deciding": guard_deciding,
    "forwarding": guard_forwarding,
}


# ------------------------------------------------------------------------------ applying


def _authorise(step: Step, sit: Situation, actor: Actor) -> None:
    if SYSTEM in step.roles:
        if actor.system:
            return
        raise Forbidden(f"Bước '{step.label}' do hệ thống thực hiện sau khi kiểm phiếu")
    n = sit.nomination
    if step.scope == "nominating":
        unit_id = n.unit_id
    elif step.scope == "sender" and n.level > 0:
        unit_id = sit.units[n.level - 1].id
    elif step.scope == "sender":
        unit_id = n.unit_id
    else:
        unit_id = n.handling_unit_id
    if not any(actor.can(Role(role), unit_id) for role in step.roles):
        unit = sit.org.units[unit_id].name
        raise Forbidden(f"{actor.name} không có quyền '{step.label}' tại {unit}")


def _snapshot(n: Nomination) -> dict:
    return {"state": n.state.value, "level": n.level, "unit": n.handling_unit_id}


def _move(step: Step, sit: Situation, submission: Submission | None, decision_id: int | None) -> None:
    n = sit.nomination
    if step.action in {"submit", "forward"}:
        if submission is None:
            raise InvalidInput(f"Bước '{step.label}' cần một Tờ trình (submission)")
        n.submission_id = submission.id
    if step.action == "forward":
        n.level += 1
        n.handling_unit_id = sit.units[n.level].id
    if step.action == "return":
        n.returns += 1
    if decision_id is not None:
        n.decision_id = decision_id
    n.state = step.target
    n.stage_entered_at = sit.now
    stage = sit.ruleset.stages.get(step.target.value)
    n.due_on = sit.calendar.add_working_days(sit.today, stage["days"]) if stage else None


def apply(
    session: Session,
    nomination: Nomination,
    action: str,
    actor: Actor,
    *,
    reason: str = "",
    expected_version: int | None = None,
    submission: Submission | None = None,
    decision_id: int | None = None,
    now: datetime | None = None,
    org: Org | None = None,
) -> Nomination:
    step = STEPS.get(action)
    if step is None:
        raise InvalidInput(f"Không có bước '{action}'; các bước: {', '.join(STEPS)}")
    n = nomination
    if expected_version is not None and n.version != expected_version:
        raise StaleVersion(
            f"Hồ sơ #{n.id} đã được thay đổi (phiên bản {n.version}, bạn đang xem {expected_version})"
        )
    now = now or utcnow()
    sit = Situation(session, n, now, org)
    _authorise(step, sit, actor)  # before anything about the case is told
    if n.state not in step.source:
        raise IllegalTransition(
            f"Không thể '{step.label}' hồ sơ #{n.id} đang ở trạng thái {n.state.value}",
            state=n.state.value,
            action=action,
        )
    reason = nfc(reason).strip()
    if step.needs_reason and not reason:
        raise InvalidInput(f"Bước '{step.label}' cần nêu lý do", field="reason")
    before = _snapshot(n)
    try:  # guards read the database, so a stale row can surface at any autoflush from here
        for name in step.guards:
            GUARDS[name](sit)
        _move(step, sit, submission, decision_id)
        session.add(n)
        session.flush()
    except StaleDataError:
        raise StaleVersion(f"Hồ sơ #{n.id} vừa được người khác thay đổi; hãy tải lại") from None
    audit.record(
        session,
        actor,
        action,
        "nomination",
        n.id,
        reason=reason,
        data={"from": before, "to": _snapshot(n), "due_on": n.due_on.isoformat() if n.due_on else None},
        at=now,
    )
    return n


def apply_many(
    session: Session,
    nominations: list[Nomination],
    action: str,
    actor: Actor,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> list[Nomination]:
    """One step for a batch (the secretariat accepting what arrived), all or none; the
    histories the guards read are loaded for the whole batch at once."""
    if not nominations:
        raise InvalidInput("Cần ít nhất một hồ sơ")
    org = Org.of(session)
    _read_histories(session, nominations)
    return [apply(session, n, action, actor, reason=reason, now=now, org=org) for n in nominations]


def _read_histories(session: Session, nominations: list[Nomination]) -> None:
    for campaign_id in {n.campaign_id for n in nominations}:
        year = session.get(Campaign, campaign_id).year
        histories_of(session, year, [n for n in nominations if n.campaign_id == campaign_id])


# ------------------------------------------------------------------------- nominating


def nominate(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    award_code: str,
    *,
    unit_id: int,
    person_id: int | None = None,
    collective_id: int | None = None,
    basis: str = "periodic",
    achievement: str = "",
    now: datetime | None = None,
    org: Org | None = None,
) -> Nomination:
    """A draft nomination of one subject for one award by its grassroots unit."""
    if (person_id is None) == (collective_id is None):
        raise InvalidInput("Cần đúng một đối tượng: cá nhân (person_id) hoặc tập thể (collective_id)")
    now, org = now or utcnow(), org or Org.of(session)
    kind = "individual" if person_id is not None else "collective"
    grassroots = org.grassroots(unit_id)
    if grassroots is None or grassroots.id != unit_id:
        raise InvalidInput("Đề nghị phải do đơn vị cơ sở lập (Law 06/2022 Art. 83(1))", field="unit_id")
    if not actor.can(Role.UNIT_OFFICER, unit_id):
        raise Forbidden(f"{actor.name} không phụ trách thi đua, khen thưởng của {grassroots.name}")
    ruleset = default_catalogue().for_date(vietnam_today(now), org.tenant(unit_id))
    try:
        award = ruleset.award(award_code)
    except UnknownAward as error:
        raise InvalidInput(str(error), field="award_code") from None
    if kind not in award.subjects:
        raise InvalidInput(str(SubjectMismatch(award, kind)), field="award_code")
    judgement_routes = {r.id for r in award.routes_for(kind) if r.judgement}
    if basis != "periodic" and basis not in judgement_routes:
        raise InvalidInput(
            f"Căn cứ đề nghị phải là 'periodic' hoặc một trong {sorted(judgement_routes)}",
            field="basis",
        )
    if basis == "periodic" and not any(not r.judgement for r in award.routes_for(kind)):
        raise InvalidInput(
            f"{award.name} chỉ xét theo thành tích; chọn một trong {sorted(judgement_routes)}",
            field="basis",
        )
    if person_id is not None and person_id not in staff_of(session, unit_id, campaign.year):
        raise InvalidInput(
            f"Người #{person_id} không công tác tại {grassroots.name} năm {campaign.year}",
            field="person_id",
        )
    if collective_id is not None and collective_id not in subtree(session, unit_id):
        raise InvalidInput(f"Tập thể #{collective_id} không thuộc {grassroots.name}", field="collective_id")
    duplicate = session.exec(
        select(Nomination.id).where(
            Nomination.campaign_id == campaign.id,
            Nomination.award_code == award_code,
            Nomination.person_id == person_id,
            Nomination.collective_id == collective_id,
            col(Nomination.state).not_in(FAILED),
        )
    ).first()
    if duplicate:
        raise InvalidInput(f"Đối tượng này đã có đề nghị {award.name} (#{duplicate}) trong đợt này")
    org.route_units(award, unit_id, vietnam_today(now))  # refuses now if the route cannot be followed
    nomination = Nomination(
        campaign_id=campaign.id,
        award_code=award_code,
        person_id=person_id,
        collective_id=collective_id,
        unit_id=unit_id,
        basis=basis,
        achievement=nfc(achievement).strip(),
        handling_unit_id=unit_id,
        created_by=actor.person_id,
        stage_entered_at=now,
    )
    session.add(nomination)
    session.flush()
    audit.record(session, actor, "nominate", "nomination", nomination.id, data=_snapshot(nomination), at=now)
    return nomination


def _route(session: Session, nominations: list[Nomination]) -> list[Unit]:
    """The route of a batch, which must be one campaign's nominations waiting at one level."""
    if not nominations:
        raise InvalidInput("Cần ít nhất một hồ sơ")
    first = nominations[0]
    key = (first.campaign_id, first.handling_unit_id, first.level)
    if any((n.campaign_id, n.handling_unit_id, n.level) != key for n in nominations):
        raise InvalidInput("Một Tờ trình chỉ gồm hồ sơ của cùng một đợt, cùng một cấp")
    org, today = Org.of(session), vietnam_today(utcnow())
    award = default_catalogue().for_date(today, org.tenant(first.unit_id)).award(first.award_code)
    return org.route_units(award, first.unit_id, today)


def _new_submission(
    session: Session, actor: Actor, nominations: list[Nomination], to_unit: Unit, level: int, **signed
) -> Submission:
    first = nominations[0]
    submission = Submission(
        campaign_id=first.campaign_id,
        from_unit_id=first.handling_unit_id,
        to_unit_id=to_unit.id,
        level=level,
        created_by=actor.person_id,
        **signed,
    )
    session.add(submission)
    session.flush()
    session.add_all(SubmissionItem(submission_id=submission.id, nomination_id=n.id) for n in nominations)
    return submission


def submit(
    session: Session, actor: Actor, nominations: list[Nomination], *, now: datetime | None = None
) -> Submission:
    """The unit sends its nominations to its own level's secretariat, as one batch: all or none."""
    units = _route(session, nominations)
    submission = _new_submission(session, actor, nominations, units[0], 0)
    org = Org.of(session)
    _read_histories(session, nominations)
    for n in nominations:
        apply(session, n, "submit", actor, submission=submission, now=now, org=org)
    audit.record(
        session,
        actor,
        "submit",
        "submission",
        submission.id,
        data={"nominations": [n.id for n in nominations]},
    )
    return submission


def propose_upward(
    session: Session,
    actor: Actor,
    nominations: list[Nomination],
    *,
    signed_on: date,
    now: datetime | None = None,
) -> Submission:
    """The head of a level signs a Tờ trình proposing these nominations to the level above.
    Nothing moves yet: `forward` (the forward flow) numbers it and carries them up."""
    units = _route(session, nominations)
    first = nominations[0]
    if first.level + 1 >= len(units):
        raise GuardFailed("deciding_level", "Cấp này quyết định khen thưởng, không trình lên")
    if not (
        actor.can(Role.AUTHORITY, first.handling_unit_id)
        or actor.can(Role.SECRETARIAT, first.handling_unit_id)
    ):
        raise Forbidden(
            f"{actor.name} không ký Tờ trình của {Org.of(session).units[first.handling_unit_id].name}"
        )
    for n in nominations:  # refuse now what forwarding would refuse
        if n.state not in WAITING:
            raise IllegalTransition(f"Hồ sơ #{n.id} không ở trạng thái chờ trình cấp trên ({n.state.value})")
        situation = Situation(session, n, now or utcnow())
        guard_forwarding(situation)
        guard_reviewed(situation)
    target = units[first.level + 1]
    submission = _new_submission(
        session, actor, nominations, target, first.level + 1, signed_on=signed_on, signer_id=actor.person_id
    )
    audit.record(
        session,
        actor,
        "propose",
        "submission",
        submission.id,
        data={"nominations": [n.id for n in nominations]},
        at=now,
    )
    return submission


def forward(
    session: Session, actor: Actor, submission_id: int, *, now: datetime | None = None
) -> list[Nomination]:
    """Carry a signed Tờ trình's nominations up to its level; those already carried, or no
    longer waiting, are left as they are (running it twice moves nothing twice)."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(f"Không có Tờ trình #{submission_id}")
    items = session.exec(
        select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == submission_id)
    )
    nominations = [session.get(Nomination, i) for i in sorted(items)]
    waiting = [
        n
        for n in nominations
        if n.state in WAITING
        and n.level == submission.level - 1
        and n.handling_unit_id == submission.from_unit_id
    ]
    org = Org.of(session)
    for n in waiting:
        apply(session, n, "forward", actor, submission=submission, now=now, org=org)
        if n.handling_unit_id != submission.to_unit_id:
            raise InvalidInput(f"Hồ sơ #{n.id} được trình tới cấp khác; tách thành Tờ trình riêng")
    return waiting
