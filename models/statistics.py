"""Statistics of emulation and commendation (thống kê thi đua, khen thưởng) for a unit — alone or
with every unit below it — over a span of achievement years or of decision dates: the awards
conferred by award, kind (danh hiệu / hình thức), level, subject, gender and way of commendation;
the nominations by state; the campaigns launched. Each count is one GROUP BY in the database; the
catalogue (data, not tables) then labels the few groups it returns.

What the records cannot tell, and the statistics therefore leave out:
- a person's rank (lãnh đạo cấp tỉnh, cấp sở, từ phó phòng trở lên, doanh nhân, người trực tiếp lao
  động) that the statistical forms divide individuals by: `Membership.post` is free text, so no
  rank can be read from it without guessing;
- households (hộ gia đình): an award record's subject is a person or a collective;
- the ways of commendation other than regular, thematic and extraordinary (đối ngoại, cống hiến,
  niên hạn, kháng chiến): no route of the catalogue is one of them; and for records imported from
  history (no nomination behind them) the way is unknown;
- a campaign's length: a campaign has a launch date and a closing date for submissions, not an end.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models import imports
from models.access import Actor
from models.campaigns import Campaign, CampaignKind
from models.catalogue import RuleSet, default_catalogue
from models.errors import InvalidInput, NotFound
from models.history import AwardRecord
from models.nominations import Nomination, State
from models.org import Membership, Person, Unit, UnitKind
from models.routing import Org


class Level(StrEnum):
    """The level an award is conferred at, by who decides it (Law 06/2022 Arts. 77–80)."""

    GRASSROOTS = "grassroots"  # cấp cơ sở: the head of an agency, enterprise or commune (Art. 80)
    PROVINCE = "province"  # cấp bộ, ngành, tỉnh: a minister or a province chairman (Art. 79)
    STATE = "state"  # cấp Nhà nước: the President, the Government, the Prime Minister (Arts. 77–78)

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.GRASSROOTS: "Cấp cơ sở",
    Level.PROVINCE: "Cấp bộ, ngành, tỉnh",
    Level.STATE: "Cấp Nhà nước",
}
LEVEL_OF_DECIDER = {
    "unit_head": Level.GRASSROOTS,
    "province_chairman": Level.PROVINCE,
    "minister": Level.PROVINCE,
    "top_head": Level.PROVINCE,
    "prime_minister": Level.STATE,
    "government": Level.STATE,
    "president": Level.STATE,
}


class Way(StrEnum):
    """How an award came about (phương thức khen thưởng), where a nomination tells it."""

    REGULAR = "regular"  # thường xuyên: the year's review in an annual campaign
    THEMATIC = "thematic"  # chuyên đề: a thematic campaign (Law 06/2022 Art. 16(1))
    EXTRAORDINARY = "extraordinary"  # đột xuất: a route resting on the council's judgement
    UNKNOWN = "unknown"  # a record with no nomination behind it (imported history)


# nominations by where they stand: the state groups the statistics report
STATE_GROUPS: dict[str, frozenset[State]] = {
    "proposed": frozenset(State) - {State.DRAFT, State.DELETED},
    "pending": frozenset(State) - {State.DRAFT, State.DELETED} - {s for s in State if s.final},
    "conferred": frozenset({State.CONFERRED}),
    "rejected": frozenset({State.REJECTED, State.NOT_RECOMMENDED, State.DECLINED}),
    "withdrawn": frozenset({State.WITHDRAWN}),
}
STATE_GROUP_LABELS = {
    "proposed": "Đã đề nghị",
    "pending": "Đang xét",
    "conferred": "Đã khen thưởng",
    "rejected": "Không được khen thưởng",
    "withdrawn": "Đơn vị rút",
    "returned": "Đã từng bị trả lại",
}


@dataclass(frozen=True)
class Period:
    """Achievement years `first`–`last` (năm thành tích), or, given `from_day` and `to_day`,
    the awards whose decision is dated within those days."""

    first: int
    last: int
    from_day: date | None = None
    to_day: date | None = None

    def __post_init__(self):
        if self.first > self.last:
            raise InvalidInput(f"Năm đầu {self.first} sau năm cuối {self.last}", field="year")
        if (self.from_day is None) != (self.to_day is None):
            raise InvalidInput("Cần cả ngày đầu và ngày cuối của khoảng thời gian", field="from_day")
        if self.from_day and self.from_day > self.to_day:
            raise InvalidInput("Ngày đầu sau ngày cuối", field="from_day")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(year, year)

    @classmethod
    def days(cls, from_day: date, to_day: date) -> "Period":
        return cls(from_day.year - 1, to_day.year, from_day, to_day)  # a decision follows its year

    @property
    def label(self) -> str:
        if self.from_day:
            return f"từ {self.from_day:%d/%m/%Y} đến {self.to_day:%d/%m/%Y}"
        return f"năm {self.first}" if self.first == self.last else f"giai đoạn {self.first}–{self.last}"


@dataclass(frozen=True)
class Scope:
    """A unit, with the units below it (`subtree`) or alone, over a period."""

    unit_id: int
    period: Period
    subtree: bool = True

    @classmethod
    def of(
        cls, session: Session, actor: Actor, unit_id: int, period: Period, subtree: bool = True
    ) -> "Scope":
        """The scope, if the unit is in the actor's charge: a secretariat's statistics are those of
        its unit and the units below (the province's, the province's); anyone outside a
        secretariat is refused (403), a unit out of their charge does not exist for them (404)."""
        units = imports.units_in_charge(session, actor)
        if session.get(Unit, unit_id) is None or (units is not None and unit_id not in units):
            raise NotFound(f"Không có đơn vị #{unit_id}")
        return cls(unit_id, period, subtree)

    def units(self, session: Session) -> set[int]:
        return Org.of(session).below({self.unit_id}) if self.subtree else {self.unit_id}


@dataclass(frozen=True)
class Group:
    """One GROUP BY row of the awards: what the forms and the page split counts by."""

    code: str
    subject: str  # individual | collective
    gender: str  # "nam" | "nữ" | "" (a collective, or not recorded)
    enterprise: bool  # the collective is an enterprise (doanh nghiệp)
    way: Way


@dataclass
class Awards:
    """The awards in a scope, counted by `Group`; `count` sums those meeting the filters."""

    groups: Counter = field(default_factory=Counter)
    ruleset: RuleSet | None = None

    def level(self, code: str) -> Level | None:
        award = self.ruleset.awards.get(code)
        return LEVEL_OF_DECIDER[award.decided_by] if award else None

    def kind(self, code: str) -> str | None:
        award = self.ruleset.awards.get(code)
        return award.kind if award else None

    def count(self, codes=None, level=None, kind=None, **where) -> int:
        """How many awards of `codes` (any when None), of a `level` and `kind`, whose group has
        the attributes given (`subject="individual"`, `gender="nữ"`, `way=Way.THEMATIC`)."""
        return sum(
            n
            for g, n in self.groups.items()
            if (codes is None or g.code in codes)
            and (level is None or self.level(g.code) == level)
            and (kind is None or self.kind(g.code) == kind)
            and all(getattr(g, k) == v for k, v in where.items())
        )

    def by(self, attribute: str) -> dict:
        """Totals by one attribute of the groups, or by "level" or "kind" from the catalogue."""
        totals: Counter = Counter()
        for g, n in self.groups.items():
            key = (
                getattr(self, attribute)(g.code) if attribute in ("level", "kind") else getattr(g, attribute)
            )
            totals[key] += n
        return dict(totals)

    @property
    def total(self) -> int:
        return sum(self.groups.values())


def ruleset(session: Session, unit_id: int, day: date) -> RuleSet:
    """The catalogue that names and ranks the awards counted: the one in force on the day, or for
    a day before the first (1/1/2024) the first, as the award codes are the same."""
    catalogue = default_catalogue()
    day = max(day, catalogue.in_force_from)
    return catalogue.for_date(day, Org.of(session).tenant(unit_id, day))


def _in_scope(units: set[int]) -> sa.ColumnElement[bool]:
    """An award of a collective among the units, or of a person who held a post in one of them in
    the award's year (EXISTS: a person with two posts there is counted once)."""
    year = AwardRecord.year
    posted = select(Membership.id).where(
        Membership.person_id == AwardRecord.person_id,
        col(Membership.unit_id).in_(units),
        sa.extract("year", Membership.start_on) <= year,
        col(Membership.end_on).is_(None) | (sa.extract("year", Membership.end_on) >= year),
    )
    return col(AwardRecord.collective_id).in_(units) | posted.exists()


def awards(session: Session, scope: Scope, ruleset: RuleSet) -> Awards:
    """The awards conferred in the scope (revoked ones count for nothing: Law 06/2022 Art. 93)."""
    period = scope.period
    subject = sa.case((col(AwardRecord.person_id).is_(None), "collective"), else_="individual")
    gender = func.coalesce(Person.gender, "")
    enterprise = func.coalesce(Unit.kind == UnitKind.ENTERPRISE, False)
    # the nomination the record came from, if any: its campaign and route tell the way
    came_from = (
        (Nomination.decision_id == AwardRecord.decision_id)
        & (Nomination.award_code == AwardRecord.code)
        & (Nomination.state == State.CONFERRED)
        & (
            (Nomination.person_id == AwardRecord.person_id)
            | (Nomination.collective_id == AwardRecord.collective_id)
        )
    )
    query = (
        select(AwardRecord.code, subject, gender, enterprise, Campaign.kind, Nomination.basis, func.count())
        .select_from(AwardRecord)
        .outerjoin(Person, col(Person.id) == AwardRecord.person_id)
        .outerjoin(Unit, col(Unit.id) == AwardRecord.collective_id)
        .outerjoin(Nomination, came_from)
        .outerjoin(Campaign, col(Campaign.id) == Nomination.campaign_id)
        .where(~col(AwardRecord.revoked), _in_scope(scope.units(session)))
        .group_by(AwardRecord.code, subject, gender, enterprise, Campaign.kind, Nomination.basis)
    )
    if period.from_day:
        query = query.where(col(AwardRecord.decision_date).between(period.from_day, period.to_day))
    else:
        query = query.where(col(AwardRecord.year).between(period.first, period.last))
    found = Awards(ruleset=ruleset)
    for code, who, sex, firm, campaign_kind, basis, n in session.exec(query):
        found.groups[Group(code, who, sex, bool(firm), _way(campaign_kind, basis))] += n
    return found


def _way(campaign_kind: str | None, basis: str | None) -> Way:
    if basis is None:
        return Way.UNKNOWN
    if basis != "periodic":
        return Way.EXTRAORDINARY
    return Way.THEMATIC if campaign_kind == CampaignKind.THEMATIC else Way.REGULAR


def nominations(session: Session, scope: Scope) -> dict[str, int]:
    """The nominations of the period's campaigns made by the units in scope: how many stand in
    each state group, and how many were ever returned for more documents."""
    period = scope.period
    query = (
        select(Nomination.state, func.count(), func.sum(sa.case((col(Nomination.returns) > 0, 1), else_=0)))
        .join(Campaign, col(Campaign.id) == Nomination.campaign_id)
        .where(
            col(Nomination.unit_id).in_(scope.units(session)),
            col(Campaign.year).between(period.first, period.last),
        )
        .group_by(Nomination.state)
    )
    by_state: Counter = Counter()
    returned = 0
    for state, n, ever_returned in session.exec(query):
        by_state[State(state)] += n
        returned += ever_returned or 0
    counts = {name: sum(by_state[s] for s in states) for name, states in STATE_GROUPS.items()}
    return counts | {"returned": returned}


class Organiser(StrEnum):
    """Who launches a campaign, as the form of campaigns divides them (Biểu 0601.N)."""

    CENTRAL = "central"  # Hội đồng Thi đua - Khen thưởng Trung ương
    PROVINCE = "province"  # bộ, ban, ngành, đoàn thể trung ương; tỉnh
    UNIT = "unit"  # cơ quan, tổ chức, đơn vị


ORGANISER_OF_KIND = {UnitKind.CENTRAL: Organiser.CENTRAL, UnitKind.STATE: Organiser.CENTRAL} | {
    kind: Organiser.PROVINCE for kind in (UnitKind.PROVINCE, UnitKind.MINISTRY)
}


def campaigns(session: Session, scope: Scope) -> Counter:
    """The campaigns launched in the period by units in scope, by (organiser, campaign kind)."""
    period = scope.period
    query = (
        select(Unit.kind, Campaign.kind, func.count())
        .join(Unit, col(Unit.id) == Campaign.organiser_unit_id)
        .where(
            col(Campaign.organiser_unit_id).in_(scope.units(session)),
            col(Campaign.year).between(period.first, period.last),
        )
        .group_by(Unit.kind, Campaign.kind)
    )
    found: Counter = Counter()
    for unit_kind, kind, n in session.exec(query):
        found[ORGANISER_OF_KIND.get(UnitKind(unit_kind), Organiser.UNIT), CampaignKind(kind)] += n
    return found


def summary(session: Session, scope: Scope, ruleset: RuleSet) -> dict:
    """Every count of the scope, for the API and the page."""
    found = awards(session, scope, ruleset)
    names = {code: award.name for code, award in ruleset.awards.items()}
    return {
        "unit_id": scope.unit_id,
        "subtree": scope.subtree,
        "period": scope.period.label,
        "awards": {
            "total": found.total,
            "by_award": [
                {"code": code, "name": names.get(code, code), "count": n}
                for code, n in sorted(found.by("code").items(), key=lambda item: (-item[1], item[0]))
            ],
            "by_kind": _named(found.by("kind")),
            "by_level": _named(found.by("level")),
            "by_subject": _named(found.by("subject")),
            "by_gender": _named(found.by("gender")),
            "by_way": _named(found.by("way")),
        },
        "nominations": nominations(session, scope),
        "campaigns": sum(campaigns(session, scope).values()),
    }


def _named(totals: dict) -> dict[str, int]:
    return {str(key) if key else "": n for key, n in totals.items()}
