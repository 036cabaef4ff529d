"""A nomination's steps (the `nomination` table of models/route.py): `apply` takes one in the
caller's transaction — it checks the actor, the version the caller saw, the state and the guards,
moves the nomination, sets the stage's due date in working days and audits it. Making a draft,
sending a unit's batch, and the Tờ trình that carries a batch up are here too."""

from datetime import date, datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from models import audit, route, sight
from models.access import Actor
from models.campaigns import Campaign
from models.catalogue import UnknownAward, default_catalogue
from models.db import utcnow
from models.eligibility import SubjectMismatch
from models.eligibility.load import histories_of, staff_of, subtree
from models.errors import GuardFailed, InvalidInput, NotFound, StaleVersion
from models.guards import FAILED, GUARDS, WHERE_GUARDS, Situation, official_date, vietnam_today
from models.nominations import Nomination, Submission, SubmissionItem
from models.org import Unit
from models.route import NOMINATION, SUBMISSION, Step
from models.routing import Org
from models.text import nfc


def _snapshot(n: Nomination) -> dict:
    return {"state": n.state.value, "level": n.level, "unit": n.handling_unit_id}


def _move(step: Step, sit: Situation, submission: Submission | None, decision_id: int | None) -> None:
    n = sit.nomination
    if step.stays:
        return
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
    if step.action == "decline":  # off any draft decision it was on
        n.decision_id = None
    n.state = step.target
    n.stage_entered_at = sit.now
    stage = sit.ruleset.stages.get(step.target)
    n.due_on = sit.calendar.add_working_days(sit.today, stage["days"]) if stage else None


def enter(
    session: Session,
    n: Nomination,
    step: Step,
    actor: Actor,
    expected_version: int | None,
    now: datetime,
    org: Org | None = None,
) -> Situation:
    """Where the nomination stands, once the actor may take the step (checked before anything
    about the case is told), the version they saw is the current one and its state allows it."""
    sit = Situation(session, n, now, org)
    unit_id = sit.unit_for(step.scope)
    route.authorise(step, actor, unit_id, sit.org.units[unit_id].name)
    if expected_version is not None and n.version != expected_version:
        raise StaleVersion(
            f"Hồ sơ #{n.id} đã được thay đổi (phiên bản {n.version}, bạn đang xem {expected_version})",
            version=n.version,
        )
    route.leave(step, n.state, f"hồ sơ #{n.id}")
    return sit


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
    step = route.step("nomination", action)
    n, nomination_id = nomination, nomination.id  # the id stays readable after a failed flush
    now = now or utcnow()
    sit = enter(session, n, step, actor, expected_version, now, org)
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
        raise StaleVersion(f"Hồ sơ #{nomination_id} vừa được người khác thay đổi; hãy tải lại") from None
    audit.record(
        session,
        actor,
        action,
        "nomination",
        nomination_id,
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
    submission: Submission | None = None,
    decision_id: int | None = None,
    org: Org | None = None,
) -> list[Nomination]:
    """One step for a batch (the secretariat accepting what arrived), all or none; the
    histories the guards read are loaded for the whole batch at once."""
    if not nominations:
        raise InvalidInput("Cần ít nhất một hồ sơ")
    org = org or Org.of(session)
    _read_histories(session, nominations)
    return [
        apply(
            session,
            n,
            action,
            actor,
            reason=reason,
            now=now,
            submission=submission,
            decision_id=decision_id,
            org=org,
        )
        for n in nominations
    ]


def _read_histories(session: Session, nominations: list[Nomination]) -> None:
    for campaign_id in {n.campaign_id for n in nominations}:
        year = session.get(Campaign, campaign_id).year
        histories_of(session, year, [n for n in nominations if n.campaign_id == campaign_id])


def admit(session: Session, step: Step, actor: Actor, nominations: list[Nomination], now: datetime) -> Org:
    """Refuse now what a step making a Tờ trình or a decision from these nominations (one level's)
    would meet later: the actor's role there, each nomination's state and the step's guards."""
    org, handling = Org.of(session), nominations[0].handling_unit_id
    route.authorise(step, actor, handling, org.units[handling].name)
    for n in nominations:
        route.leave(step, n.state, f"hồ sơ #{n.id}")
        situation = Situation(session, n, now, org)
        for name in step.guards:
            GUARDS[name](situation)
    return org


def available_steps(session: Session, actor: Actor, nomination: Nomination) -> list[Step]:
    """What this person may do with the nomination now: the steps its state and their roles
    allow, including those that take it into a Tờ trình or a decision, less those where it
    stands on its route rules out (a level that decides does not forward, …). Whether its
    dossier, eligibility and quota hold is judged when the step is taken, with the reason."""
    sit = Situation(session, nomination, utcnow())
    candidates = [*NOMINATION.values(), *route.OF_NOMINATIONS]
    offered = []
    for step in route.available(actor, candidates, nomination.state, sit.unit_for):
        try:
            for name in WHERE_GUARDS.intersection(step.guards):
                GUARDS[name](sit)
        except GuardFailed:
            continue
        offered.append(step)
    return offered


def admissible(
    session: Session,
    org: Org,
    campaign: Campaign,
    award_code: str,
    basis: str,
    unit_id: int,
    person_id: int | None,
    collective_id: int | None,
    now: datetime,
    other_than: int = 0,
) -> None:
    """Refuse a nomination (a new one, or `other_than` edited) that the catalogue, the unit's staff
    or the award's route rule out, or that repeats one of the campaign's."""
    kind = "individual" if person_id is not None else "collective"
    grassroots = org.units[unit_id]
    ruleset = default_catalogue().for_date(vietnam_today(now), org.tenant(unit_id, vietnam_today(now)))
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
            Nomination.id != other_than,
        )
    ).first()
    if duplicate:
        raise InvalidInput(f"Đối tượng này đã có đề nghị {award.name} (#{duplicate}) trong đợt này")
    org.route_units(ruleset, award, unit_id, vietnam_today(now))  # refused now if it cannot be followed


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
    grassroots = org.grassroots(unit_id)
    if grassroots is None or grassroots.id != unit_id:
        raise InvalidInput("Đề nghị phải do đơn vị cơ sở lập (Law 06/2022 Art. 83(1))", field="unit_id")
    route.authorise(NOMINATION["nominate"], actor, unit_id, grassroots.name)
    admissible(session, org, campaign, award_code, basis, unit_id, person_id, collective_id, now)
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


def _route(session: Session, nominations: list[Nomination], now: datetime) -> list[Unit]:
    """The route of a batch, which must be one campaign's nominations waiting at one level."""
    if not nominations:
        raise InvalidInput("Cần ít nhất một hồ sơ")
    first = nominations[0]
    key = (first.campaign_id, first.handling_unit_id, first.level)
    if any((n.campaign_id, n.handling_unit_id, n.level) != key for n in nominations):
        raise InvalidInput("Một Tờ trình chỉ gồm hồ sơ của cùng một đợt, cùng một cấp")
    org, today = Org.of(session), vietnam_today(now)
    ruleset = default_catalogue().for_date(today, org.tenant(first.unit_id, today))
    return org.route_units(ruleset, ruleset.award(first.award_code), first.unit_id, today)


def new_submission(
    session: Session, actor: Actor, nominations: list[Nomination], to_unit: Unit, level: int, **fields
) -> Submission:
    """A Tờ trình carrying the nominations to `to_unit`, from the unit handling them unless
    `fields` name another (an appraising body), with its items."""
    first = nominations[0]
    fields = {"from_unit_id": first.handling_unit_id} | fields
    submission = Submission(
        campaign_id=first.campaign_id,
        to_unit_id=to_unit.id,
        level=level,
        created_by=actor.person_id,
        **fields,
    )
    session.add(submission)
    session.flush()
    session.add_all(SubmissionItem(submission_id=submission.id, nomination_id=n.id) for n in nominations)
    return submission


def submit(
    session: Session, actor: Actor, nominations: list[Nomination], *, now: datetime | None = None
) -> Submission:
    """The unit sends its nominations to its own level's secretariat, as one batch: all or none."""
    now = now or utcnow()
    units = _route(session, nominations, now)
    submission = new_submission(session, actor, nominations, units[0], 0)
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
    now = now or utcnow()
    units = _route(session, nominations, now)
    step, first = SUBMISSION["propose"], nominations[0]
    admit(session, step, actor, nominations, now)
    campaign = session.get(Campaign, first.campaign_id)
    official_date(signed_on, now, campaign.launched_on, "Ngày ký Tờ trình", "signed_on")
    target = units[first.level + 1]
    submission = new_submission(
        session, actor, nominations, target, first.level + 1, signed_on=signed_on, signer_id=actor.person_id
    )
    audit.record(
        session,
        actor,
        step.action,
        step.record,
        submission.id,
        data={"nominations": [n.id for n in nominations], "signed_on": signed_on.isoformat()},
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
    org = Org.of(session)
    step = SUBMISSION["number"]
    route.authorise(step, actor, submission.from_unit_id, org.units[submission.from_unit_id].name)
    if not route.leave(step, submission.state, f"Tờ trình #{submission_id}", once=True):
        return []  # carried up already
    items = session.exec(
        select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == submission_id)
    )
    nominations = [session.get(Nomination, i) for i in sorted(items)]
    waiting = [
        n
        for n in nominations
        if n.state in route.WAITING
        and n.level == submission.level - 1
        and n.handling_unit_id == submission.from_unit_id
    ]
    for n in waiting:
        apply(session, n, "forward", actor, submission=submission, now=now, org=org)
        if n.handling_unit_id != submission.to_unit_id:
            raise InvalidInput(f"Hồ sơ #{n.id} được trình tới cấp khác; tách thành Tờ trình riêng")
    return waiting


def visible(session: Session, actor: Actor, nominations: list[Nomination]) -> list[Nomination]:
    """The nominations this person follows (models/sight.py says which, as the lists filter them).
    Others do not exist for them — a refusal would tell that they do."""
    condition = sight.nominations(actor)
    if condition is None or not nominations:
        return nominations
    ids = [n.id for n in nominations]
    seen = set(session.exec(select(Nomination.id).where(col(Nomination.id).in_(ids), condition)))
    return [n for n in nominations if n.id in seen]
