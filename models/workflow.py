"""A nomination's steps (the `nomination` table of models/route.py): `apply_many` takes a batch
in the caller's transaction (`apply` is its one-item case) — it checks the actor, the version the
caller saw, the state and the guards, each guard over the whole batch; moves the nominations,
sets the stage's due date in working days and audits them, with set-based queries whatever the
batch's size. Making drafts, sending a unit's batch, and the Tờ trình that carries a batch up
are here too."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from models import audit, route, sight
from models.access import Actor
from models.campaigns import Campaign
from models.catalogue import UnknownAward, default_catalogue
from models.db import chunks, utcnow
from models.eligibility import SubjectMismatch
from models.eligibility.load import staff_of
from models.errors import GuardFailed, InvalidInput, NotFound, StaleVersion
from models.guards import FAILED, GUARDS, WHERE_GUARDS, Situation, official_date, situations, vietnam_today
from models.nominations import Nomination, Submission, SubmissionItem, inserted, write_changes
from models.org import Unit
from models.route import NOMINATION, SUBMISSION, Step
from models.routing import Org
from models.text import nfc


def _snapshot(n: Nomination) -> dict:
    return {"state": n.state.value, "level": n.level, "unit": n.handling_unit_id}


def _move(step: Step, sits: list[Situation], submission: Submission | None, decision_id: int | None) -> None:
    if step.stays:
        return
    if step.action in {"submit", "forward"} and submission is None:
        raise InvalidInput(f"Bước '{step.label}' cần một Tờ trình (submission)")
    due: dict[tuple[str | None, int], date] = {}  # the batch's stage ends the same day per calendar
    for sit in sits:
        n = sit.nomination
        if step.action in {"submit", "forward"}:
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
        if stage is None:
            n.due_on = None
            continue
        if (sit.tenant, stage["days"]) not in due:
            due[sit.tenant, stage["days"]] = sit.calendar.add_working_days(sit.today, stage["days"])
        n.due_on = due[sit.tenant, stage["days"]]


def enter(
    session: Session,
    n: Nomination,
    step: Step,
    actor: Actor,
    expected_version: int | None,
    now: datetime,
    org: Org | None = None,
) -> Situation:
    """Where the nomination stands, once the actor may take the step (`enter_many`)."""
    seen = None if expected_version is None else {n.id: expected_version}
    return enter_many(session, [n], step, actor, now, org, seen)[0]


def enter_many(
    session: Session,
    nominations: list[Nomination],
    step: Step,
    actor: Actor,
    now: datetime,
    org: Org | None = None,
    seen: dict[int, int] | None = None,
) -> list[Situation]:
    """Where each nomination stands, once the actor may take the step there (checked before
    anything about the case is told), the version they saw (`seen`, by id) is the current one
    and its state allows it."""
    sits = situations(session, nominations, now, org)
    for sit in sits:
        n, unit_id = sit.nomination, sit.unit_for(step.scope)
        route.authorise(step, actor, unit_id, sit.org.unit(unit_id).name)
        expected = (seen or {}).get(n.id)
        if expected is not None and n.version != expected:
            raise StaleVersion(
                f"Hồ sơ #{n.id} đã được thay đổi (phiên bản {n.version}, bạn đang xem {expected})",
                version=n.version,
            )
        route.leave(step, n.state, f"hồ sơ #{n.id}")
    return sits


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
    """One nomination's step: `apply_many` with one item."""
    seen = None if expected_version is None else {nomination.id: expected_version}
    batch = apply_many(
        session,
        [nomination],
        action,
        actor,
        reason=reason,
        submission=submission,
        decision_id=decision_id,
        now=now,
        org=org,
        seen=seen,
    )
    return batch[0]


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
    seen: dict[int, int] | None = None,
) -> list[Nomination]:
    """The step of the route for a batch (one nomination is a batch of one), all or none, in the
    caller's transaction: the actor, the version they saw (`seen`, by id), the state and the
    guards are checked, each guard over the whole batch; the nominations move, the stage's due
    date set in working days, written in one flush; one audit write for the batch."""
    if not nominations:
        raise InvalidInput("Cần ít nhất một hồ sơ")
    ids = [n.id for n in nominations]  # readable after a failed flush
    if len(set(ids)) < len(ids):
        raise InvalidInput("Một hồ sơ được nêu hai lần trong cùng một bước")
    step, now = route.step("nomination", action), now or utcnow()
    sits = enter_many(session, nominations, step, actor, now, org, seen)
    reason = nfc(reason).strip()
    if step.needs_reason and not reason:
        raise InvalidInput(f"Bước '{step.label}' cần nêu lý do", field="reason")
    before = [_snapshot(n) for n in nominations]
    try:  # a stale row surfaces when written: the caller's pending changes first, then the batch's
        session.flush()
        with session.no_autoflush:
            for name in step.guards:
                GUARDS[name](sits)
            _move(step, sits, submission, decision_id)
        write_changes(session, nominations)
    except StaleDataError:
        which = f"Hồ sơ #{ids[0]}" if len(ids) == 1 else f"Một trong {len(ids)} hồ sơ (#{ids[0]}, …)"
        raise StaleVersion(f"{which} vừa được người khác thay đổi; hãy tải lại") from None
    changes = [
        audit.Change(
            action,
            "nomination",
            n.id,
            reason,
            {"from": was, "to": _snapshot(n), "due_on": n.due_on.isoformat() if n.due_on else None},
        )
        for n, was in zip(nominations, before, strict=True)
    ]
    audit.record_many(session, actor, changes, at=now)
    return nominations


def admit(session: Session, step: Step, actor: Actor, nominations: list[Nomination], now: datetime) -> Org:
    """Refuse now what a step making a Tờ trình or a decision from these nominations (one level's)
    would meet later: the actor's role there, each nomination's state and the step's guards."""
    org, handling = Org.of(session), nominations[0].handling_unit_id
    route.authorise(step, actor, handling, org.unit(handling).name)
    for n in nominations:
        route.leave(step, n.state, f"hồ sơ #{n.id}")
    sits = situations(session, nominations, now, org)
    for name in step.guards:
        GUARDS[name](sits)
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
                GUARDS[name]([sit])
        except GuardFailed:
            continue
        offered.append(step)
    return offered


@dataclass(frozen=True)
class Subject:
    """One draft of `nominate_many`: a person or a collective of the unit, the award, the award
    route it rests on, and what the unit wrote of the achievement."""

    award_code: str
    person_id: int | None = None
    collective_id: int | None = None
    basis: str = "periodic"
    achievement: str = ""


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
    """Refuse a nomination (a new one, or `other_than` edited): `admissible_many` with one."""
    subject = Subject(award_code, person_id, collective_id, basis)
    admissible_many(session, org, campaign, unit_id, [subject], now, other_than)


def admissible_many(
    session: Session,
    org: Org,
    campaign: Campaign,
    unit_id: int,
    subjects: list[Subject],
    now: datetime,
    other_than: int = 0,
) -> None:
    """Refuse nominations by one unit that the catalogue, the unit's staff or the award's route
    rule out, or that repeat one of the campaign's (or each other): the staff, the unit's tree
    and the campaign's nominations of these subjects read once for all."""
    today, grassroots = vietnam_today(now), org.unit(unit_id)
    ruleset = default_catalogue().for_date(today, org.tenant(unit_id, today))
    people = any(s.person_id is not None for s in subjects)
    awards, staff, tree = (
        {},
        staff_of(session, unit_id, campaign.year) if people else set(),
        org.below({unit_id}),
    )
    for subject in subjects:
        if (subject.person_id is None) == (subject.collective_id is None):
            raise InvalidInput("Cần đúng một đối tượng: cá nhân (person_id) hoặc tập thể (collective_id)")
        awards[subject.award_code] = _admissible_award(ruleset, subject)
        if subject.person_id is not None and subject.person_id not in staff:
            raise InvalidInput(
                f"Người #{subject.person_id} không công tác tại {grassroots.name} năm {campaign.year}",
                field="person_id",
            )
        if subject.collective_id is not None and subject.collective_id not in tree:
            raise InvalidInput(
                f"Tập thể #{subject.collective_id} không thuộc {grassroots.name}", field="collective_id"
            )
    held, seen = _nominated(session, campaign, subjects, other_than), set()
    for subject in subjects:
        key, name = _key(subject), awards[subject.award_code].name
        if key in held:
            raise InvalidInput(f"Đối tượng này đã có đề nghị {name} (#{held[key]}) trong đợt này")
        if key in seen:
            raise InvalidInput(f"Một đối tượng được đề nghị {name} hai lần trong cùng danh sách")
        seen.add(key)
    for award in awards.values():
        org.route_units(ruleset, award, unit_id, today)  # refused now if it cannot be followed


def _admissible_award(ruleset, subject: Subject):
    """The subject's award, if the catalogue has it for this kind of subject on this basis."""
    kind = "individual" if subject.person_id is not None else "collective"
    try:
        award = ruleset.award(subject.award_code)
    except UnknownAward as error:
        raise InvalidInput(str(error), field="award_code") from None
    if kind not in award.subjects:
        raise InvalidInput(str(SubjectMismatch(award, kind)), field="award_code")
    judgement_routes = {r.id for r in award.routes_for(kind) if r.judgement}
    if subject.basis != "periodic" and subject.basis not in judgement_routes:
        raise InvalidInput(
            f"Căn cứ đề nghị phải là 'periodic' hoặc một trong {sorted(judgement_routes)}",
            field="basis",
        )
    if subject.basis == "periodic" and not any(not r.judgement for r in award.routes_for(kind)):
        raise InvalidInput(
            f"{award.name} chỉ xét theo thành tích; chọn một trong {sorted(judgement_routes)}",
            field="basis",
        )
    return award


def _nominated(
    session: Session, campaign: Campaign, subjects: list[Subject], other_than: int
) -> dict[tuple, int]:
    """The campaign's live nominations of these subjects, by (award, person, collective): read by
    subject alone, each subject's few nominations of any year, so the subject's index serves
    (with the campaign in the query the planner reads the campaign's whole award instead)."""
    found = {}
    codes = {s.award_code for s in subjects}
    for column in (Nomination.person_id, Nomination.collective_id):
        ids = sorted({getattr(s, column.key) for s in subjects} - {None})
        query = select(
            Nomination.award_code,
            Nomination.person_id,
            Nomination.collective_id,
            Nomination.id,
            Nomination.campaign_id,
            Nomination.state,
        )
        for chunk in chunks(ids):
            for *key, nomination_id, campaign_id, state in session.exec(query.where(col(column).in_(chunk))):
                live = campaign_id == campaign.id and state not in FAILED and nomination_id != other_than
                if live and key[0] in codes:
                    found[tuple(key)] = nomination_id
    return found


def _key(subject: Subject | Nomination) -> tuple:
    return subject.award_code, subject.person_id, subject.collective_id


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
    subject = Subject(award_code, person_id, collective_id, basis, achievement)
    return nominate_many(session, actor, campaign, unit_id, [subject], now=now, org=org)[0]


def nominate_many(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    unit_id: int,
    subjects: list[Subject],
    *,
    now: datetime | None = None,
    org: Org | None = None,
) -> list[Nomination]:
    """Draft nominations of many subjects by their grassroots unit, all or none: checked together
    (`admissible_many`), inserted together, audited with one write."""
    if not subjects:
        raise InvalidInput("Cần ít nhất một đối tượng")
    now, org = now or utcnow(), org or Org.of(session)
    grassroots = org.grassroots(unit_id)
    if grassroots is None or grassroots.id != unit_id:
        raise InvalidInput("Đề nghị phải do đơn vị cơ sở lập (Law 06/2022 Art. 83(1))", field="unit_id")
    route.authorise(NOMINATION["nominate"], actor, unit_id, grassroots.name)
    admissible_many(session, org, campaign, unit_id, subjects, now)
    drafts = [
        Nomination(
            campaign_id=campaign.id,
            award_code=s.award_code,
            person_id=s.person_id,
            collective_id=s.collective_id,
            unit_id=unit_id,
            basis=s.basis,
            achievement=nfc(s.achievement).strip(),
            handling_unit_id=unit_id,
            created_by=actor.person_id,
            stage_entered_at=now,
        )
        for s in subjects
    ]
    made = {_key(n): n for n in inserted(session, Nomination, drafts)}
    drafts = [made[_key(s)] for s in subjects]
    changes = [audit.Change("nominate", "nomination", n.id, data=_snapshot(n)) for n in drafts]
    audit.record_many(session, actor, changes, at=now)
    return drafts


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
    apply_many(session, nominations, "submit", actor, submission=submission, now=now)
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
    route.authorise(step, actor, submission.from_unit_id, org.unit(submission.from_unit_id).name)
    if not route.leave(step, submission.state, f"Tờ trình #{submission_id}", once=True):
        return []  # carried up already
    carried = (
        select(Nomination)
        .join(SubmissionItem, col(SubmissionItem.nomination_id) == Nomination.id)
        .where(SubmissionItem.submission_id == submission_id)
        .order_by(col(Nomination.id))
    )
    nominations = session.exec(carried).all()
    waiting = [
        n
        for n in nominations
        if n.state in route.WAITING
        and n.level == submission.level - 1
        and n.handling_unit_id == submission.from_unit_id
    ]
    if waiting:
        apply_many(session, waiting, "forward", actor, submission=submission, now=now, org=org)
    for n in waiting:
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
