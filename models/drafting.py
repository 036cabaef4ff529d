"""What a unit does to a nomination while it is in its hands (the `edit` step of models/route.py:
a draft, or one returned for supplements): correct its text, change its award while it is still a
draft, upload its dossier files; and the documents a Tờ trình batch carries, from whoever sends it
up. Deleting a draft is the route's `delete` step (models.workflow.apply)."""

from datetime import date, datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from models import audit, route
from models.access import Actor
from models.campaigns import Campaign
from models.catalogue import NoRuleSet, RuleSet, UnknownAward, default_catalogue
from models.db import utcnow
from models.dossier import Store, attach
from models.eligibility import verdict
from models.eligibility.load import history_of
from models.errors import Forbidden, IllegalTransition, InvalidInput, NotFound, StaleVersion
from models.guards import vietnam_today
from models.nominations import DossierDocument, Nomination, State, Submission, SubmissionItem
from models.org import Membership, Role
from models.route import NOMINATION
from models.routing import Org
from models.text import nfc
from models.workflow import admissible, enter

EDIT = NOMINATION["edit"]


def edit(
    session: Session,
    nomination: Nomination,
    actor: Actor,
    *,
    expected_version: int,
    award_code: str | None = None,
    basis: str | None = None,
    achievement: str | None = None,
    now: datetime | None = None,
) -> Nomination:
    """Change what the unit wrote. The award may change only while it is a draft: a returned
    nomination has travelled the award's route, and another award has another route."""
    n, now = nomination, now or utcnow()
    sit = enter(session, n, EDIT, actor, expected_version, now)
    wanted = {"award_code": award_code, "basis": basis, "achievement": achievement}
    changes = {k: nfc(v).strip() for k, v in wanted.items() if v is not None}
    changes = {k: v for k, v in changes.items() if v != getattr(n, k)}
    if "award_code" in changes and n.state is not State.DRAFT:
        raise IllegalTransition(
            f"Hồ sơ #{n.id} đã gửi đi: không đổi được danh hiệu, hình thức khen thưởng; "
            "hãy rút đề nghị và lập đề nghị mới",
            state=n.state.value,
        )
    if changes.keys() & {"award_code", "basis"}:
        admissible(
            session,
            sit.org,
            session.get(Campaign, n.campaign_id),
            changes.get("award_code", n.award_code),
            changes.get("basis", n.basis),
            n.unit_id,
            n.person_id,
            n.collective_id,
            now,
            other_than=n.id,
        )
    changed = {k: [getattr(n, k), v] for k, v in changes.items()}
    for key, value in changes.items():
        setattr(n, key, value)
    try:
        session.add(n)
        session.flush()
    except StaleDataError:
        raise StaleVersion(f"Hồ sơ #{n.id} vừa được người khác thay đổi; hãy tải lại") from None
    if changed:
        audit.record(session, actor, EDIT.action, "nomination", n.id, data={"changed": changed}, at=now)
    return n


def _attach(
    session: Session,
    actor: Actor,
    ruleset: RuleSet,
    kind: str,
    file: tuple[str, str, bytes],
    store: Store | None,
    **owner: int,
) -> DossierDocument:
    """A new version of one of the owner's dossier kinds (the catalogue says whose each is)."""
    scope = "nomination" if "nomination_id" in owner else "submission"
    kinds = sorted(k for k, spec in ruleset.dossier_kinds.items() if spec["scope"] == scope)
    if kind not in kinds:
        owner_label = "hồ sơ đề nghị" if scope == "nomination" else "Tờ trình"
        raise InvalidInput(
            f"Loại tài liệu '{kind}' không thuộc {owner_label}; các loại: {', '.join(kinds)}", field="kind"
        )
    return attach(session, actor, kind, *file, ruleset=ruleset, store=store, **owner)


def upload(
    session: Session,
    actor: Actor,
    nomination: Nomination,
    kind: str,
    filename: str,
    content_type: str,
    content: bytes,
    *,
    store: Store | None = None,
    now: datetime | None = None,
) -> DossierDocument:
    """A file of the nomination's own dossier (Law 06/2022 Art. 84: the achievement report, the
    attestations), from its unit's officer while the nomination is with the unit. Each upload of
    a kind is a new version; none is ever removed, so what a level returned stays readable."""
    sit = enter(session, nomination, EDIT, actor, None, now or utcnow())
    file = (filename, content_type, content)
    return _attach(session, actor, sit.ruleset, kind, file, store, nomination_id=nomination.id)


def upload_to_batch(
    session: Session,
    actor: Actor,
    submission: Submission,
    kind: str,
    filename: str,
    content_type: str,
    content: bytes,
    *,
    store: Store | None = None,
    now: datetime | None = None,
) -> DossierDocument:
    """A document of a Tờ trình batch (the Tờ trình, the council's minutes, the opinions of the
    agencies concerned: Art. 84). It is the sending unit's: those who resubmit its returned
    nominations (the route's `resubmit` step, held at the sending unit) supplement it, while the
    level it went to has not yet received all it carries (some still submitted or returned)."""
    now = now or utcnow()
    org = Org.of(session)
    sender = submission.from_unit_id
    route.authorise(NOMINATION["resubmit"], actor, sender, org.unit(sender).name)
    waiting = session.exec(
        select(Nomination.id)
        .join(SubmissionItem, col(SubmissionItem.nomination_id) == Nomination.id)
        .where(
            SubmissionItem.submission_id == submission.id,
            Nomination.level == submission.level,
            Nomination.handling_unit_id == submission.to_unit_id,
            col(Nomination.state).in_([State.SUBMITTED, State.RETURNED]),
        )
    ).first()
    if waiting is None:
        raise IllegalTransition(
            f"Tờ trình #{submission.id}: cấp trên đã tiếp nhận hoặc xử lý mọi hồ sơ; không bổ sung được nữa"
        )
    ruleset = default_catalogue().for_date(vietnam_today(now), org.tenant(sender))
    file = (filename, content_type, content)
    return _attach(session, actor, ruleset, kind, file, store, submission_id=submission.id)


def nominating_unit(
    session: Session, actor: Actor, year: int, person_id: int | None, collective_id: int | None
) -> int:
    """The grassroots unit (Law 06/2022 Art. 83(1)) where the caller is the officer and the nominee
    belongs: posted there during the year, or a part of it. A nominee in none of the caller's
    units is, to them, not found."""
    if (person_id is None) == (collective_id is None):
        raise InvalidInput("Cần đúng một đối tượng: cá nhân (person_id) hoặc tập thể (collective_id)")
    org = Org.of(session)
    if person_id is not None:
        units = set(members_in_year(session, person_id, year))
    else:
        units = {collective_id} & set(org.units)
    grassroots = {g.id for u in units if (g := org.grassroots(u)) is not None}
    mine = sorted(g for g in grassroots if actor.can(Role.UNIT_OFFICER, g))
    if not mine:
        if not any(role is Role.UNIT_OFFICER for role, _ in actor.grants):
            raise Forbidden(f"{actor.name} không có quyền '{NOMINATION['nominate'].label}'")
        who = f"người #{person_id}" if person_id is not None else f"tập thể #{collective_id}"
        raise NotFound(f"Không có {who} trong đơn vị của bạn")
    if len(mine) > 1:
        raise InvalidInput(f"Đối tượng thuộc nhiều đơn vị của bạn: chọn unit_id ({mine})", field="unit_id")
    return mine[0]


def members_in_year(session: Session, person_id: int, year: int) -> list[int]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return list(
        session.exec(
            select(Membership.unit_id).where(
                Membership.person_id == person_id,
                Membership.start_on <= last,
                col(Membership.end_on).is_(None) | (col(Membership.end_on) >= first),
            )
        )
    )


def in_scope(
    session: Session, actor: Actor, *, person_id: int | None = None, unit_id: int | None = None
) -> bool:
    """Whether a person's or a unit's record is the caller's to read: the units where they hold a
    role and those under them (a person by where they work now); one's own; everything, for an
    administrator."""
    if actor.is_admin or actor.system or (person_id is not None and person_id == actor.person_id):
        return True
    org = Org.of(session)
    scope = org.below({u for _, u in actor.grants})
    if unit_id is not None:
        return unit_id in scope
    today = vietnam_today(utcnow())
    return bool(set(members_in_year(session, person_id, today.year)) & scope)


def live_verdict(session: Session, nomination: Nomination, now: datetime | None = None) -> dict:
    """The engine's verdict on the nomination as its subject's history stands now, each rule with
    its article: what `submit` will judge."""
    org = Org.of(session)
    try:
        ruleset = default_catalogue().for_date(vietnam_today(now or utcnow()), org.tenant(nomination.unit_id))
        award = ruleset.award(nomination.award_code)
    except (UnknownAward, NoRuleSet) as error:  # the rules in force changed since it was drafted
        raise InvalidInput(str(error).strip("'\""), field="award_code") from None
    year = session.get(Campaign, nomination.campaign_id).year
    return verdict(award, history_of(session, year, nomination), year, ruleset).to_dict()
