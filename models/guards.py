"""Where a nomination stands, read once (`Situation`), and the guards of its route: the rules of
the law and the catalogue a step must satisfy (models/route.py names them per step). A guard that
fails raises `GuardFailed` with its code and the article concerned."""

from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session, col, func, select

from models import registrations
from models.calendar import WorkingCalendar, tenant_calendar
from models.campaigns import Campaign
from models.catalogue import Award, RuleSet, default_catalogue
from models.dossier import missing_documents
from models.eligibility import verdict
from models.eligibility.load import history_of, staff_of
from models.errors import GuardFailed, InvalidInput
from models.history import AwardRecord
from models.nominations import FINAL_STATES, Nomination, State, Submission, SubmissionItem, SubmissionKind
from models.org import Unit
from models.routing import Org

S = State
VIETNAM = timezone(timedelta(hours=7))
FAILED = frozenset(FINAL_STATES - {State.CONFERRED})


def vietnam_today(now: datetime) -> date:
    return now.astimezone(VIETNAM).date()


def official_date(
    day: date | datetime, now: datetime, earliest: date, what: str, field: str, ahead: int = 0
) -> date:
    """A date on an official record is a fact: not before the campaign it belongs to, and not
    after today (Vietnam time) — or `ahead` days after it, for a meeting being convened. A moment
    must say its time zone; the day it falls on in Vietnam is what is checked, and returned."""
    latest = vietnam_today(now) + timedelta(days=ahead)
    refused = InvalidInput(f"{what} phải trong khoảng {earliest:%d/%m/%Y} – {latest:%d/%m/%Y}", field=field)
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise InvalidInput(f"{what} cần có múi giờ (ví dụ 2026-01-10T14:00:00+07:00)", field=field)
        try:
            day = vietnam_today(day)
        except OverflowError:  # within hours of year 1 or 9999
            raise refused from None
    if not earliest <= day <= latest:
        raise refused
    return day


class Situation:
    """Everything a step needs to know about one nomination, read once."""

    def __init__(self, session: Session, nomination: Nomination, now: datetime, org: Org | None = None):
        self.session, self.nomination, self.now = session, nomination, now
        self.today = vietnam_today(now)
        self.org = org or Org.of(session)
        self.tenant = self.org.tenant(nomination.unit_id, self.today)
        self.ruleset: RuleSet = default_catalogue().for_date(self.today, self.tenant)
        self.award: Award = self.ruleset.award(nomination.award_code)
        route = self.org.route_levels(self.ruleset, self.award, nomination.unit_id, self.today)
        self.levels: list[str] = [self.org.level_name(name, unit) for name, unit in route]
        self.units: list[Unit] = [unit for _, unit in route]
        if nomination.level >= len(route):  # its level abolished today (the districts, 1/7/2025)
            raise GuardFailed(
                "route_changed",
                f"Cấp đang xử lý hồ sơ không còn trên tuyến trình ngày {self.today:%d/%m/%Y}; "
                f"hồ sơ được bàn giao cho {self.units[-1].name} trong lượt rà soát hằng ngày",
                unit=self.units[-1].id,
            )
        self.campaign = session.get(Campaign, nomination.campaign_id)

    def unit_for(self, scope: str) -> int:
        """The unit at which a step's role must be held: the nominating unit, the one handling the
        nomination now, or the one that sent it here (the level below, or the unit itself)."""
        n = self.nomination
        if scope == "nominating":
            return n.unit_id
        if scope == "sender":
            return self.units[n.level - 1].id if n.level > 0 else n.unit_id
        if scope == "appraiser":
            return self.org.unit(n.handling_unit_id).appraiser_id or n.handling_unit_id
        return n.handling_unit_id

    @property
    def level_name(self) -> str:
        return self.levels[self.nomination.level]

    @property
    def has_council(self) -> bool:
        return bool(self.ruleset.levels[self.level_name]["council"])

    @property
    def appraisal(self) -> dict | None:
        """What the level's catalogue says of its appraisal Tờ trình (its article), if it has one."""
        return self.ruleset.levels[self.level_name].get("appraisal")

    @property
    def appraiser(self) -> Unit | None:
        return self.org.unit(self.org.unit(self.nomination.handling_unit_id).appraiser_id)

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
        wording = [sit.ruleset.dossier_kind(k, sit.award) for k in missing]
        labels = "; ".join(f"{w['label']} ({w['article']})" for w in wording)
        raise GuardFailed("dossier_incomplete", f"Hồ sơ còn thiếu: {labels}", missing=missing)


def guard_eligible(sit: Situation) -> None:
    """The engine's verdict is stored on the nomination; a periodic nomination needs a pass,
    one resting on judgement goes to the council with the verdict beside it — once the route's
    prerequisites hold (Art. 22(1)(b)'s research still needs 22(1)(a)'s three titles)."""
    n, year = sit.nomination, sit.campaign.year
    result = verdict(sit.award, history_of(sit.session, year, n), year, sit.ruleset)
    n.verdict = result.to_dict()
    if n.basis == "periodic":
        blocking = [] if result.eligible else [r for r in result.routes if not r.route.judgement]
    else:
        blocking = [r for r in result.routes if r.route.id == n.basis and r.passed is False]
    if blocking:
        failed = [rule for route in blocking for rule in route.rules if not rule.passed]
        raise GuardFailed(
            "ineligible",
            f"Không đủ điều kiện {sit.award.name}: "
            + "; ".join(f"{rule.label} ({rule.article})" for rule in failed),
            articles=[rule.article for rule in failed],
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
    if sit.has_council and sit.nomination.state is not State.RECOMMENDED:
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


def appraisal_holding(session: Session, nomination: Nomination) -> Submission | None:
    """The appraisal Tờ trình that holds a nomination at the level handling it, if any."""
    return session.exec(
        select(Submission)
        .join(SubmissionItem, col(SubmissionItem.submission_id) == Submission.id)
        .where(
            SubmissionItem.nomination_id == nomination.id,
            Submission.kind == SubmissionKind.APPRAISAL,
            Submission.to_unit_id == nomination.handling_unit_id,
        )
    ).first()


def guard_appraising(sit: Situation) -> None:
    """A level that appraises, the body that appraises for its authority named, and the
    nomination not in an appraisal Tờ trình yet."""
    if sit.appraisal is None:
        raise GuardFailed("no_appraisal", f"Cấp {sit.level_name} không lập Tờ trình thẩm định")
    if sit.appraiser is None:
        handling = sit.org.unit(sit.nomination.handling_unit_id)
        raise GuardFailed(
            "no_appraiser",
            f"Chưa xác định cơ quan thẩm định trình {handling.authority} ({sit.appraisal['article']})",
        )
    held = appraisal_holding(sit.session, sit.nomination)
    if held is not None:
        raise GuardFailed(  # someone put it there first: a conflict
            "already_appraised",
            f"Hồ sơ #{sit.nomination.id} đã có trong Tờ trình thẩm định #{held.id}",
            status=409,
            submission_id=held.id,
        )


def guard_appraised(sit: Situation) -> None:
    """Where the level appraises, the authority decides on the appraising body's Tờ trình,
    signed and numbered."""
    if sit.appraisal is None:
        return
    held = appraisal_holding(sit.session, sit.nomination)
    if held is None or held.number is None:
        body = sit.appraiser.authority if sit.appraiser else "cơ quan thẩm định"
        raise GuardFailed(
            "not_appraised",
            f"Hồ sơ #{sit.nomination.id} chưa có Tờ trình thẩm định của {body} đã ký, vào sổ "
            f"({sit.appraisal['article']})",
        )


def guard_registered(sit: Situation) -> None:
    """An emulation title for someone the unit did not register for it: refused where the tenant
    sets `block`; under `warn` the nomination goes on and shows the warning (models/registrations.py)."""
    registrations.check(sit.session, sit.nomination, sit.campaign.year, sit.ruleset)


GUARDS = {
    "dossier": guard_dossier,
    "registered": guard_registered,
    "eligible": guard_eligible,
    "quota": guard_quota,
    "council": guard_council,
    "reviewed": guard_reviewed,
    "deciding": guard_deciding,
    "forwarding": guard_forwarding,
    "appraising": guard_appraising,
    "appraised": guard_appraised,
}
# Guards that depend only on where the nomination stands on its route: what a person is offered
# is filtered by them; the others (dossier, eligibility, quota) are judged when the step is taken.
WHERE_GUARDS = frozenset({"council", "reviewed", "deciding", "forwarding", "appraising", "appraised"})
