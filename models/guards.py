"""Where a nomination stands, read once (`Situation`), and the guards of its route: the rules of
the law and the catalogue a step must satisfy (models/route.py names them per step). A guard that
fails raises `GuardFailed` with its code and the article concerned."""

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session, col, func, select

from models import registrations
from models.calendar import WorkingCalendar, tenant_calendar
from models.campaigns import Campaign
from models.catalogue import Award, RuleSet, default_catalogue
from models.db import chunks
from models.dossier import missing_many
from models.eligibility import verdict
from models.eligibility.load import histories_of, holders_among_staff, subject_key
from models.errors import GuardFailed, InvalidInput
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
    """Everything a step needs to know about one nomination, read once. What depends only on its
    unit and award (the tenant, the rule set, the route) is shared through `places` by the
    nominations of a batch (`situations`)."""

    def __init__(
        self,
        session: Session,
        nomination: Nomination,
        now: datetime,
        org: Org | None = None,
        places: dict | None = None,
    ):
        self.session, self.nomination, self.now = session, nomination, now
        self.today = vietnam_today(now)
        self.org = org or Org.of(session)
        places = {} if places is None else places
        key = (nomination.unit_id, nomination.award_code)
        if key not in places:
            places[key] = _place(self.org, *key, self.today)
        self.tenant, self.ruleset, self.award, self.levels, self.units = places[key]
        if nomination.level >= len(self.units):  # its level abolished today (the districts, 1/7/2025)
            raise GuardFailed(
                "route_changed",
                f"Cấp đang xử lý hồ sơ không còn trên tuyến trình ngày {self.today:%d/%m/%Y}; "
                f"hồ sơ được bàn giao cho {self.units[-1].name} trong lượt rà soát hằng ngày",
                unit=self.units[-1].id,
            )
        if ("campaign", nomination.campaign_id) not in places:
            places["campaign", nomination.campaign_id] = session.get(Campaign, nomination.campaign_id)
        self.campaign = places["campaign", nomination.campaign_id]

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


def _place(org: Org, unit_id: int, award_code: str, today: date) -> tuple:
    """The tenant, rule set, award, level names and units of an award's route from a unit."""
    tenant = org.tenant(unit_id, today)
    ruleset: RuleSet = default_catalogue().for_date(today, tenant)
    award: Award = ruleset.award(award_code)
    route = org.route_levels(ruleset, award, unit_id, today)
    return tenant, ruleset, award, [org.level_name(name, unit) for name, unit in route], [u for _, u in route]


def situations(
    session: Session, nominations: list[Nomination], now: datetime, org: Org | None = None
) -> list[Situation]:
    """A batch's situations, its route and rules read once per unit and award."""
    org, places = org or Org.of(session), {}
    return [Situation(session, n, now, org, places) for n in nominations]


# -------------------------------------------------------------------------------- guards
# Each guard takes a batch's situations and refuses the batch at the first nomination that
# fails it: what it reads from the database it reads once for the whole batch.


def guard_dossier(sits: list[Situation]) -> None:
    missing = missing_many(sits[0].session, [(s.nomination, s.award, s.level_name, s.ruleset) for s in sits])
    for sit in sits:
        if found := missing[sit.nomination.id]:
            wording = [sit.ruleset.dossier_kind(k, sit.award) for k in found]
            labels = "; ".join(f"{w['label']} ({w['article']})" for w in wording)
            raise GuardFailed("dossier_incomplete", f"Hồ sơ còn thiếu: {labels}", missing=found)


def guard_eligible(sits: list[Situation]) -> None:
    """The engine's verdict is stored on the nomination; a periodic nomination needs a pass,
    one resting on judgement goes to the council with the verdict beside it — once the route's
    prerequisites hold (Art. 22(1)(b)'s research still needs 22(1)(a)'s three titles)."""
    histories = {}
    for year in {s.campaign.year for s in sits}:
        histories |= histories_of(
            sits[0].session, year, [s.nomination for s in sits if s.campaign.year == year]
        )
    for sit in sits:
        n, year = sit.nomination, sit.campaign.year
        result = verdict(sit.award, histories[subject_key(year, n)], year, sit.ruleset)
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


UNCOUNTED = FAILED | {S.DRAFT}  # states a quota does not count


def guard_quota(sits: list[Situation]) -> None:
    """An award's cap, where the catalogue or the tenant sets one (a share of the unit's pool, or a
    count; the catalogue names its source). What the unit has taken and its pool are read once
    per campaign, unit and award of the batch;
    its own nominations count as they are admitted, in order, as they would one at a time."""
    limited = [s for s in sits if s.award.quota is not None]
    if not limited:
        return
    session = sits[0].session
    taken = _taken(session, [s.nomination for s in limited])
    pools = _quota_pools(session, limited)
    for sit in sits:
        n, quota = sit.nomination, sit.award.quota
        counted = n.state not in UNCOUNTED
        group = (n.campaign_id, n.unit_id, n.award_code)
        if quota is not None:
            pool = len(pools[n.campaign_id, n.unit_id, quota.of]) if quota.of else 0
            limit, already = quota.limit(pool), taken[group] - counted
            if already + 1 > limit:
                raise GuardFailed(
                    "quota_exceeded",
                    f"Vượt tỷ lệ {sit.award.name} của đơn vị: tối đa {limit} "
                    f"(trên {pool} người đạt {quota.of}), đã có {already}",
                    limit=limit,
                    taken=already,
                )
        taken[group] += not counted
        if n.person_id is not None and group in pools:
            pools[group].add(n.person_id)


def _taken(session: Session, nominations: list[Nomination]) -> Counter:
    """How many nominations each (campaign, unit, award) of these has in a counted state."""
    found = Counter()
    query = (
        select(Nomination.campaign_id, Nomination.unit_id, Nomination.award_code, func.count())
        .where(
            col(Nomination.campaign_id).in_({n.campaign_id for n in nominations}),
            col(Nomination.award_code).in_({n.award_code for n in nominations}),
            col(Nomination.state).not_in(UNCOUNTED),
        )
        .group_by(Nomination.campaign_id, Nomination.unit_id, Nomination.award_code)
    )
    for units in chunks(sorted({n.unit_id for n in nominations})):
        for campaign_id, unit_id, code, count in session.exec(
            query.where(col(Nomination.unit_id).in_(units))
        ):
            found[campaign_id, unit_id, code] = count
    return found


def _quota_pools(session: Session, sits: list[Situation]) -> dict[tuple[int, int, str], set[int]]:
    """Per (campaign, unit, code) a quota is a share of: the people of the unit holding the code
    for the year, in the history or nominated now."""
    wanted = {
        (s.nomination.campaign_id, s.nomination.unit_id, s.award.quota.of) for s in sits if s.award.quota.of
    }
    pools = {key: set() for key in wanted}
    if not wanted:
        return pools
    campaigns, units, codes = ({key[i] for key in wanted} for i in range(3))
    nominated = select(
        Nomination.campaign_id, Nomination.unit_id, Nomination.award_code, Nomination.person_id
    ).where(
        col(Nomination.campaign_id).in_(campaigns),
        col(Nomination.award_code).in_(codes),
        col(Nomination.person_id).is_not(None),
        col(Nomination.state).not_in(UNCOUNTED),
    )
    for chunk in chunks(sorted(units)):
        for key in session.exec(nominated.where(col(Nomination.unit_id).in_(chunk))):
            pools.get(tuple(key[:3]), set()).add(key[3])
    years = {s.nomination.campaign_id: s.campaign.year for s in sits}
    for year in set(years.values()):
        mine = {key for key in wanted if years[key[0]] == year}
        held = holders_among_staff(session, {u for _, u, _ in mine}, year, {code for _, _, code in mine})
        for key in mine:
            pools[key] |= held[key[1:]]
    return pools


def each(guard: Callable[[Situation], None]) -> Callable[[list[Situation]], None]:
    """A guard that reads no more than where each nomination stands, over a batch."""

    def over(sits: list[Situation]) -> None:
        for sit in sits:
            guard(sit)

    over.__name__ = guard.__name__
    return over


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


def appraisals_holding(session: Session, nominations: list[Nomination]) -> dict[int, Submission]:
    """The appraisal Tờ trình that holds each of these nominations at the level handling it."""
    handling = {n.id: n.handling_unit_id for n in nominations}
    query = (
        select(SubmissionItem.nomination_id, Submission)
        .join(Submission, col(SubmissionItem.submission_id) == Submission.id)
        .where(Submission.kind == SubmissionKind.APPRAISAL)
        .order_by(col(Submission.id))
    )
    found = {}
    for chunk in chunks(sorted(handling)):
        for nomination_id, submission in session.exec(
            query.where(col(SubmissionItem.nomination_id).in_(chunk))
        ):
            if submission.to_unit_id == handling[nomination_id]:
                found.setdefault(nomination_id, submission)
    return found


def appraisal_holding(session: Session, nomination: Nomination) -> Submission | None:
    """The appraisal Tờ trình that holds a nomination at the level handling it, if any."""
    return appraisals_holding(session, [nomination]).get(nomination.id)


def guard_appraising(sits: list[Situation]) -> None:
    """A level that appraises, the body that appraises for its authority named, and the
    nomination not in an appraisal Tờ trình yet."""
    for sit in sits:
        if sit.appraisal is None:
            raise GuardFailed("no_appraisal", f"Cấp {sit.level_name} không lập Tờ trình thẩm định")
        if sit.appraiser is None:
            handling = sit.org.unit(sit.nomination.handling_unit_id)
            raise GuardFailed(
                "no_appraiser",
                f"Chưa xác định cơ quan thẩm định trình {handling.authority} ({sit.appraisal['article']})",
            )
    holding = appraisals_holding(sits[0].session, [s.nomination for s in sits])
    for sit in sits:
        if (held := holding.get(sit.nomination.id)) is not None:
            raise GuardFailed(  # someone put it there first: a conflict
                "already_appraised",
                f"Hồ sơ #{sit.nomination.id} đã có trong Tờ trình thẩm định #{held.id}",
                status=409,
                submission_id=held.id,
            )


def guard_appraised(sits: list[Situation]) -> None:
    """Where the level appraises, the authority decides on the appraising body's Tờ trình,
    signed and numbered."""
    appraising = [s for s in sits if s.appraisal is not None]
    holding = appraisals_holding(sits[0].session, [s.nomination for s in appraising]) if appraising else {}
    for sit in appraising:
        held = holding.get(sit.nomination.id)
        if held is None or held.number is None:
            body = sit.appraiser.authority if sit.appraiser else "cơ quan thẩm định"
            raise GuardFailed(
                "not_appraised",
                f"Hồ sơ #{sit.nomination.id} chưa có Tờ trình thẩm định của {body} đã ký, vào sổ "
                f"({sit.appraisal['article']})",
            )


def guard_registered(sits: list[Situation]) -> None:
    """An emulation title for someone the unit did not register for it: refused where the tenant
    sets `block`; under `warn` the nomination goes on and shows the warning (models/registrations.py)."""
    for year in {s.campaign.year for s in sits}:
        registrations.check_many(
            sits[0].session, [(s.nomination, s.ruleset) for s in sits if s.campaign.year == year], year
        )


GUARDS = {
    "dossier": guard_dossier,
    "registered": guard_registered,
    "eligible": guard_eligible,
    "quota": guard_quota,
    "council": each(guard_council),
    "reviewed": each(guard_reviewed),
    "deciding": each(guard_deciding),
    "forwarding": each(guard_forwarding),
    "appraising": guard_appraising,
    "appraised": guard_appraised,
}
# Guards that depend only on where the nomination stands on its route: what a person is offered
# is filtered by them; the others (dossier, eligibility, quota) are judged when the step is taken.
WHERE_GUARDS = frozenset({"council", "reviewed", "deciding", "forwarding", "appraising", "appraised"})
