"""Registrations (đăng ký thi đua): at the start of the year each unit registers its people and
collectives for the emulation titles they aim at; the level above approves or returns the unit's
registrations as a whole. At year end a nomination for a title is checked against them — a
warning for the secretariat and the council, or a refusal, as the tenant sets — and the rates
the review reports quote are counted here.

The law bases a title on the campaign it was won in (Law 06/2022 Art. 7(1)) and asks a campaign
to fix its targets and who takes part before it is launched (Art. 17(1)–(2)); the registration
form itself comes from the implementing texts and the tenants' regulations — not verified
against their text (verified = false)."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import audit, sight
from models.access import Actor
from models.campaigns import BatchState, Campaign, CampaignKind, Registration, RegistrationBatch, rules_of
from models.catalogue import RuleSet, UnknownAward
from models.db import chunks, utcnow
from models.eligibility.load import staff_of
from models.errors import Forbidden, GuardFailed, IllegalTransition, InvalidInput, NotFound, StaleVersion
from models.history import AwardRecord
from models.nominations import Nomination
from models.org import GRASSROOTS_KINDS, Person, Role, Unit
from models.routing import Org

ARTICLE = "Law 06/2022 Art. 7(1), 17(1)-(2)"
VERIFIED = False  # the registration requirement's own text (decree, tenant regulation) is not in reference/
MODES = ("warn", "block")  # the tenant's `registration_check` ([tenant] of its catalogue file)


def needs_registration(rules: RuleSet, code: str) -> bool:
    """The emulation titles (danh hiệu thi đua, Law 06/2022 Art. 6, 19–28) are registered for;
    the forms of reward (Art. 9) are not."""
    return rules.award(code).kind == "title"


def mode(rules: RuleSet) -> str:
    found = rules.tenant.get("registration_check", "warn")
    if found not in MODES:
        raise InvalidInput(f"registration_check phải là {' hoặc '.join(MODES)}, không phải '{found}'")
    return found


# ------------------------------------------------------------------------------ registering


@dataclass(frozen=True)
class Entry:
    """One line of a unit's registration: a person or a collective, and the title."""

    award_code: str
    person_id: int | None = None
    collective_id: int | None = None


def may_register(actor: Actor, unit_id: int) -> bool:
    return actor.can(Role.UNIT_OFFICER, unit_id) or actor.can(Role.SECRETARIAT, unit_id)


def approver_units(session: Session, batch: RegistrationBatch) -> set[int]:
    """Who approves a unit's registrations: the level above it (its parent) or the organiser of
    the campaign, by their secretariat."""
    unit = session.get(Unit, batch.unit_id)
    return {u for u in (unit.parent_id, session.get(Campaign, batch.campaign_id).organiser_unit_id) if u}


def may_approve(session: Session, actor: Actor, batch: RegistrationBatch) -> bool:
    return any(actor.can(Role.SECRETARIAT, u) for u in approver_units(session, batch))


def _check_entries(session: Session, rules: RuleSet, unit_id: int, year: int, entries: list[Entry]) -> None:
    staff = staff_of(session, unit_id, year)
    parts = Org.of(session).below({unit_id})
    for e in entries:
        try:
            award = rules.award(e.award_code)
        except UnknownAward as unknown:
            raise InvalidInput(f"Không có danh hiệu '{e.award_code}'", field="entries") from unknown
        if not needs_registration(rules, e.award_code):
            raise InvalidInput(
                f"{award.name} không phải danh hiệu thi đua để đăng ký ({ARTICLE})", field="entries"
            )
        if (e.person_id is None) == (e.collective_id is None):
            raise InvalidInput("Mỗi dòng đăng ký là một cá nhân hoặc một tập thể", field="entries")
        subject = "individual" if e.person_id else "collective"
        if subject not in award.subjects:
            raise InvalidInput(
                f"{award.name} không xét cho {'cá nhân' if e.person_id else 'tập thể'}", field="entries"
            )
        if e.person_id is not None and e.person_id not in staff:
            person = session.get(Person, e.person_id)
            who = person.full_name if person else f"#{e.person_id}"
            raise InvalidInput(f"{who} không công tác tại đơn vị năm {year}", field="entries")
        if e.collective_id is not None and e.collective_id not in parts:
            raise InvalidInput(f"Tập thể #{e.collective_id} không thuộc đơn vị", field="entries")


def register(
    session: Session, actor: Actor, campaign_id: int, unit_id: int, entries: list[Entry]
) -> RegistrationBatch:
    """The unit's registrations for the campaign, in bulk: they replace what it sent before while
    the level above has not approved them (a returned batch is completed and sent again)."""
    campaign = session.get(Campaign, campaign_id)
    unit = session.get(Unit, unit_id)
    if campaign is None or unit is None:
        raise NotFound(f"Không có phong trào #{campaign_id} hoặc đơn vị #{unit_id}")
    if not may_register(actor, unit_id):
        raise Forbidden(f"{actor.name} không có quyền đăng ký thi đua cho {unit.name}")
    return _store(session, actor, campaign, unit, entries)


def _store(
    session: Session, actor: Actor, campaign: Campaign, unit: Unit, entries: list[Entry]
) -> RegistrationBatch:
    campaign_id, unit_id = campaign.id, unit.id
    if not entries:
        raise InvalidInput("Chưa có cá nhân, tập thể nào đăng ký", field="entries")
    rules = rules_of(campaign, Org.of(session).tenant(unit_id))
    entries = list(dict.fromkeys(entries))
    _check_entries(session, rules, unit_id, campaign.year, entries)
    batch = session.exec(
        select(RegistrationBatch)
        .where(RegistrationBatch.campaign_id == campaign_id, RegistrationBatch.unit_id == unit_id)
        .with_for_update()
    ).first()
    if batch is not None and batch.state is BatchState.APPROVED:
        raise IllegalTransition(f"Đăng ký thi đua của {unit.name} đã được phê duyệt, không sửa được")
    if batch is None:
        batch = RegistrationBatch(campaign_id=campaign_id, unit_id=unit_id)
    batch.state, batch.reason = BatchState.SUBMITTED, ""
    batch.submitted_by, batch.submitted_at = actor.person_id, utcnow()
    session.add(batch)
    session.flush()
    session.exec(sa.delete(Registration).where(col(Registration.batch_id) == batch.id))
    session.add_all(
        Registration(
            campaign_id=campaign_id,
            unit_id=unit_id,
            batch_id=batch.id,
            registered_by=actor.person_id,
            **vars(e),
        )
        for e in entries
    )
    session.flush()
    audit.record(session, actor, "register", "registration_batch", batch.id, data={"entries": len(entries)})
    return batch


def decide(
    session: Session,
    actor: Actor,
    batch_id: int,
    approve: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> RegistrationBatch:
    """Approve a unit's registrations, or return them with the reason. Of two approvers acting on
    the same batch one wins; the other is told it changed (409)."""
    batch = session.get(RegistrationBatch, batch_id, with_for_update=True)
    seen = sight.units(session, actor)
    if batch is None or (seen is not None and batch.unit_id not in seen):
        raise NotFound(f"Không có bản đăng ký #{batch_id}")
    if not may_approve(session, actor, batch):
        raise Forbidden(f"{actor.name} không có quyền phê duyệt đăng ký thi đua này")
    if expected_version is not None and batch.version != expected_version:
        raise StaleVersion(
            f"Bản đăng ký #{batch_id} đã được thay đổi "
            f"(phiên bản {batch.version}, bạn đang xem {expected_version})",
            version=batch.version,
        )
    if batch.state is not BatchState.SUBMITTED:
        raise IllegalTransition(
            f"Bản đăng ký #{batch_id} đang ở trạng thái {batch.state}", state=str(batch.state)
        )
    reason = reason.strip()
    if not approve and not reason:
        raise InvalidInput("Trả lại cần nêu lý do", field="reason")
    batch.state = BatchState.APPROVED if approve else BatchState.RETURNED
    batch.reason, batch.decided_by, batch.decided_at = reason, actor.person_id, utcnow()
    session.add(batch)
    session.flush()
    action = "approve_registrations" if approve else "return_registrations"
    audit.record(session, actor, action, "registration_batch", batch.id, reason=reason)
    return batch


def queue(session: Session, actor: Actor, campaign_id: int | None = None) -> list[RegistrationBatch]:
    """The batches waiting for this person's approval."""
    query = select(RegistrationBatch).where(RegistrationBatch.state == BatchState.SUBMITTED)
    if campaign_id is not None:
        query = query.where(RegistrationBatch.campaign_id == campaign_id)
    return [
        b for b in session.exec(query.order_by(col(RegistrationBatch.id))) if may_approve(session, actor, b)
    ]


# ------------------------------------------------------------------- from a workbook


def campaign_for(session: Session, unit_id: int, year: int) -> Campaign | None:
    """The annual campaign of the year organised by the unit or the nearest unit above it."""
    chain = [u.id for u in Org.of(session).ancestors(unit_id)]
    found = session.exec(
        select(Campaign).where(
            Campaign.kind == CampaignKind.ANNUAL,
            Campaign.year == year,
            col(Campaign.organiser_unit_id).in_(chain),
        )
    ).all()
    by_unit = {c.organiser_unit_id: c for c in found}
    return next((by_unit[u] for u in chain if u in by_unit), None)


def _imported_target(session: Session, values: dict) -> tuple[Unit | None, Campaign | None]:
    """A row's registering unit (the grassroots unit of the person's unit) and its campaign."""
    unit = Org.of(session).grassroots(values["unit_id"])
    return unit, campaign_for(session, unit.id, values["year"]) if unit else None


def import_problem(session: Session, values: dict) -> str | None:
    """What stops a row of the workbook's registrations sheet (models/excel.py), in Vietnamese."""
    unit, campaign = _imported_target(session, values)
    if unit is None:
        return "đơn vị không thuộc cơ quan, đơn vị cơ sở nào để đăng ký thi đua"
    if campaign is None:
        return f"chưa có phong trào thi đua năm {values['year']} của {unit.name} hay cấp trên"
    rules = rules_of(campaign)
    if not needs_registration(rules, values["code"]):
        return f"{rules.award(values['code']).name} không phải danh hiệu thi đua để đăng ký ({ARTICLE})"
    batch = session.exec(
        select(RegistrationBatch).where(
            RegistrationBatch.campaign_id == campaign.id, RegistrationBatch.unit_id == unit.id
        )
    ).first()
    if batch is not None and batch.state is BatchState.APPROVED:
        return f"đăng ký thi đua năm {values['year']} của {unit.name} đã được phê duyệt"
    return None


def write_imported(session: Session, actor: Actor, rows: list[tuple[int, dict]]) -> int:
    """The workbook's registrations (checked by `import_problem`) added to each unit's batch,
    sent again for approval; how many were new."""
    grouped: dict[tuple[int, int], set[Entry]] = {}
    for person_id, values in rows:
        unit, campaign = _imported_target(session, values)
        grouped.setdefault((campaign.id, unit.id), set()).add(Entry(values["code"], person_id=person_id))
    added = 0
    for (campaign_id, unit_id), entries in sorted(grouped.items()):
        held = {
            Entry(r.award_code, r.person_id, r.collective_id)
            for r in session.exec(
                select(Registration).where(
                    Registration.campaign_id == campaign_id, Registration.unit_id == unit_id
                )
            )
        }
        added += len(entries - held)
        # the importer's units in charge (models/imports.py) bound what the file may name
        merged = sorted(held | entries, key=str)
        _store(session, actor, session.get(Campaign, campaign_id), session.get(Unit, unit_id), merged)
    return added


# ---------------------------------------------------------------- checking a nomination


def problem(session: Session, nomination: Nomination, year: int, rules: RuleSet) -> str | None:
    """Why the nominee's registration does not cover this title, in Vietnamese, or None: no
    approved registration for the title in a campaign of the year (another title registered is
    named, so the secretariat sees what was promised)."""
    if not needs_registration(rules, nomination.award_code):
        return None
    subject = (
        Registration.person_id == nomination.person_id
        if nomination.person_id
        else Registration.collective_id == nomination.collective_id
    )
    rows = session.exec(
        select(Registration.award_code, RegistrationBatch.state)
        .join(Campaign, col(Campaign.id) == Registration.campaign_id)
        .join(RegistrationBatch, col(RegistrationBatch.id) == Registration.batch_id)
        .where(subject, Campaign.year == year)
    ).all()
    if any(code == nomination.award_code and state is BatchState.APPROVED for code, state in rows):
        return None
    name = (
        session.get(Person, nomination.person_id).full_name
        if nomination.person_id
        else session.get(Unit, nomination.collective_id).name
    )
    title = rules.award(nomination.award_code).name
    pending = [code for code, state in rows if code == nomination.award_code]
    others = sorted({rules.award(code).name for code, state in rows if code != nomination.award_code})
    if pending:
        why = "bản đăng ký chưa được phê duyệt"
    elif others:
        why = f"chỉ đăng ký {', '.join(others)}"
    else:
        why = "không đăng ký thi đua"
    return f"{name} chưa đăng ký danh hiệu {title} năm {year} ({why}; {ARTICLE})"


def warning(session: Session, nomination: Nomination) -> str | None:
    """What the secretariat and the council see on a nomination its nominee did not register for."""
    campaign = session.get(Campaign, nomination.campaign_id)
    return problem(
        session, nomination, campaign.year, rules_of(campaign, Org.of(session).tenant(nomination.unit_id))
    )


def check(session: Session, nomination: Nomination, year: int, rules: RuleSet) -> str | None:
    """At submission: under `block` an unregistered nominee is refused; under `warn` the warning
    is returned for the secretariat and the council to see."""
    if check_many(session, [(nomination, rules)], year):
        return problem(session, nomination, year, rules)
    return None


def check_many(session: Session, batch: list[tuple[Nomination, RuleSet]], year: int) -> list[Nomination]:
    """`check` for a batch of the year's nominations, each with its rule set: the approved
    registrations of all their nominees read at once. Under `block` the first nominee not
    registered is refused, with `problem`'s wording; under `warn` those not registered are
    returned (the pages word their warning when they show it)."""
    titles = [(n, rules) for n, rules in batch if needs_registration(rules, n.award_code)]
    approved = set()
    for column, kind in ((Registration.person_id, "p"), (Registration.collective_id, "c")):
        subjects = sorted({n.person_id if kind == "p" else n.collective_id for n, _ in titles} - {None})
        query = (
            select(column, Registration.award_code)
            .join(Campaign, col(Campaign.id) == Registration.campaign_id)
            .join(RegistrationBatch, col(RegistrationBatch.id) == Registration.batch_id)
            .where(Campaign.year == year, RegistrationBatch.state == BatchState.APPROVED)
        )
        for chunk in chunks(subjects):
            approved.update((kind, *row) for row in session.exec(query.where(col(column).in_(chunk))))
    unregistered = []
    for n, rules in titles:
        subject = ("p", n.person_id) if n.person_id else ("c", n.collective_id)
        if (*subject, n.award_code) in approved:
            continue
        if mode(rules) == "block":
            raise GuardFailed("not_registered", problem(session, n, year, rules), article=ARTICLE)
        unregistered.append(n)
    return unregistered


# --------------------------------------------------------------------------------- rates


@dataclass
class TitleRate:
    code: str
    name: str
    collective: bool  # a title for collectives: its share is not of the staff
    registered: int = 0  # people (or collectives) registered and approved
    reached: int = 0  # of them, those holding the title for the year (award records)

    @property
    def reached_share(self) -> float | None:
        return self.reached / self.registered if self.registered else None


@dataclass
class Rates:
    """What a review report quotes: units registered of those in scope, people registered per
    title against the staff, and how many of the registered reached the title."""

    year: int
    units_in_scope: int = 0
    units_registered: int = 0
    staff: int = 0
    titles: list[TitleRate] = field(default_factory=list)

    @property
    def units_share(self) -> float | None:
        return self.units_registered / self.units_in_scope if self.units_in_scope else None

    def people_share(self, title: TitleRate) -> float | None:
        return title.registered / self.staff if self.staff and not title.collective else None


def units_in_scope(session: Session, campaign: Campaign) -> list[Unit]:
    """The grassroots units under the organiser (Law 06/2022 Art. 80) in force in the year, or
    the organiser itself when it is one."""
    org = Org.of(session)
    day = date(campaign.year, 12, 31)
    start = date(campaign.year, 1, 1)
    found = [
        org.unit(u)
        for u in org.below({campaign.organiser_unit_id})
        if org.unit(u).kind in GRASSROOTS_KINDS
        and (org.unit(u).active_on(start) or org.unit(u).active_on(day))
    ]
    return sorted(found, key=lambda u: u.id)


def rates(session: Session, campaign_id: int) -> Rates:
    """The campaign's registration rates, from its approved registrations and the year's awards."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Không có phong trào thi đua #{campaign_id}")
    units = units_in_scope(session, campaign)
    ids = [u.id for u in units]
    result = Rates(year=campaign.year, units_in_scope=len(units))
    result.staff = len(set().union(*(staff_of(session, u, campaign.year) for u in ids))) if ids else 0
    approved = session.exec(
        select(Registration)
        .join(RegistrationBatch, col(RegistrationBatch.id) == Registration.batch_id)
        .where(
            Registration.campaign_id == campaign_id,
            RegistrationBatch.state == BatchState.APPROVED,
            col(Registration.unit_id).in_(ids),
        )
    ).all()
    result.units_registered = len({r.unit_id for r in approved})
    held = {
        (a.code, a.person_id, a.collective_id)
        for a in session.exec(
            select(AwardRecord).where(AwardRecord.year == campaign.year, col(AwardRecord.revoked).is_(False))
        )
    }
    rules = rules_of(campaign, Org.of(session).tenant(campaign.organiser_unit_id))
    for code in sorted({r.award_code for r in approved}, key=lambda c: list(rules.awards).index(c)):
        title = TitleRate(code, rules.award(code).name, "individual" not in rules.award(code).subjects)
        mine = {(r.person_id, r.collective_id) for r in approved if r.award_code == code}
        title.registered = len(mine)
        title.reached = sum((code, p, c) in held for p, c in mine)
        result.titles.append(title)
    return result


def percent(share: float | None) -> str:
    """'100 %', '92,5 %': Vietnamese writes a decimal comma."""
    if share is None:
        return "—"
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %"
