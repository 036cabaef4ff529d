"""A generated province for bench/season.py, written with bulk inserts (models/db.py `bulk_insert`)
in seconds: about 1,000 units — the central level and the Bộ Nội vụ that appraises for it, a
province whose Sở Nội vụ appraises for its chairman, 40 departments and communes (the grassroots
units whose heads confer the grassroots titles, Law 06/2022 Art. 80) with 24 sub-units each —
`people` individuals with ten years of ratings, initiatives and awards, each unit's officer,
secretariat, head and council, the province's council, and the year's campaign.

Histories are lawful under the catalogue's own rules: a year's "Lao động tiên tiến" needs that
year's rating of HTT or better (Art. 24(1)), a "Chiến sĩ thi đua cơ sở" also HTXS or an
initiative (Art. 23) — both checked here by hand, as they are cheap; the rarer higher awards
(Bằng khen and Chiến sĩ thi đua of the province, Bằng khen of the Prime Minister) are given only
where the engine's own verdict (`models.eligibility.verdict`) says the person was eligible."""

import random
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from demo.province import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M
from models.campaigns import Campaign
from models.catalogue import default_catalogue
from models.councils import Council, CouncilMember, Position, council_name
from models.db import bulk_insert, session_scope
from models.eligibility import History, verdict
from models.history import AwardRecord, Initiative, Rating, RatingLevel, Scope
from models.org import Membership, Person, Role, RoleGrant, Unit, UnitKind

YEAR = 2025  # the season's year under review: histories run over the ten years before it
HISTORY_YEARS = 10
GRASSROOTS, SUBUNITS, COUNCIL = 40, 24, 7
PROVINCE = "TINH"  # the province's code, which is also its tenant code (no overrides: the catalogue's own)
LEVELS = [RatingLevel.HTXS, RatingLevel.HTT, RatingLevel.HT, RatingLevel.KHT]
# Past awards the engine judges, with the odds a unit proposed an eligible person for them.
HIGHER = {"BK_TINH": 0.35, "CSTD_TINH": 0.5, "BK_TTG": 0.4}
DEPARTMENTS = (
    "Sở Nội vụ",  # the first: the province's appraising body (its Ban Thi đua - Khen thưởng)
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Tư pháp",
    "Sở Văn hóa, Thể thao và Du lịch",
)
TEAMS = ("Văn phòng", "Thanh tra", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ")


@dataclass(eq=False)  # a key of the season's stages: one per unit
class Grassroots:
    """A grassroots unit and the people who act for it in the season."""

    id: int
    code: str
    officer: int
    secretariat: int
    authority: int
    staff: list[int] = field(default_factory=list)  # everyone who may be nominated


@dataclass
class Province:
    """What the season needs of the generated province: who acts where, and how big it is."""

    people: int
    units: int
    year: int
    campaign: int
    province: int
    central: int
    grassroots: list[Grassroots]
    roles: dict[str, int]  # "province:authority", "SNV:authority", "TW:secretariat", … → person
    councils: dict[int, int]  # unit → its council
    initiatives: set[int]  # people with any initiative: their dossiers attest them
    rows: int = 0  # rows written


class Builder:
    """The rows, in memory until written: ids are assigned here, so tables go in parents first."""

    def __init__(self, people: int, seed: int, units: int):
        self.people, self.units, self.rng = people, units, random.Random(seed)
        self.rows: dict[type[SQLModel], list[tuple]] = {}
        self.ids: dict[type[SQLModel], int] = {}
        self.ruleset = default_catalogue().ruleset("law06-2022+nd98-2023")
        self.initiatives: set[int] = set()
        self.appraisers: dict[int, int] = {}  # deciding unit → the body appraising for it

    def add(self, model: type[SQLModel], *values) -> int:
        self.ids[model] = self.ids.get(model, 0) + 1
        self.rows.setdefault(model, []).append((self.ids[model], *values))
        return self.ids[model]

    def unit(self, code, name, abbreviation, kind, parent=None, head_title="") -> int:
        return self.add(Unit, code, name, abbreviation, kind.value, parent, "An Phú", head_title)

    def person(self, unit: int, post: str) -> int:
        female = self.rng.random() < 0.5
        name = " ".join(
            (
                self.rng.choice(FAMILY),
                self.rng.choice(MIDDLE_F if female else MIDDLE_M),
                self.rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        born = date(self.rng.randint(1965, 2000), self.rng.randint(1, 12), self.rng.randint(1, 28))
        person = self.add(Person, name, "nữ" if female else "nam", born)
        self.add(Membership, person, unit, post, date(2010, 1, 1))
        return person

    def grant(self, person: int, role: Role, unit: int) -> int:
        self.add(RoleGrant, person, role.value, unit)
        return person

    def council(self, unit: int, name: str, people: list[int]) -> int:
        council = self.add(Council, unit, council_name(name))
        for i, person in enumerate(people):
            position = Position.CHAIR if i == 0 else Position.VICE_CHAIR if i == 1 else Position.MEMBER
            self.add(CouncilMember, council, person, position.value)
        return council

    # -- history

    def live(self, person: int, strength: float) -> None:
        """Ten past seasons and this year's rating, under the catalogue's rules."""
        h = History("individual")
        for year in range(YEAR - HISTORY_YEARS, YEAR + 1):
            weights = (0.15 + 0.5 * strength, 0.65, 0.15 * (1 - strength), 0.04 * (1 - strength))
            level = self.rng.choices(LEVELS, weights)[0]
            h.add_rating(year, level)
            self.add(Rating, person, year, level.value)
            initiative = self.rng.random() < 0.05 + 0.15 * strength
            if initiative:
                scope = Scope.PROVINCE if self.rng.random() < 0.2 else Scope.UNIT
                h.add_initiative(year, scope)
                self.add(Initiative, person, year, scope.value, f"Sáng kiến cải tiến quy trình ({year})")
                self.initiatives.add(person)
            if year == YEAR:  # the year under review: its awards are the season's
                break
            if level in (RatingLevel.HTXS, RatingLevel.HTT):  # Law 06/2022 Art. 24(1)(a)
                self.award(person, h, year, "LDTT")
                # Art. 23(2): excellent, or an initiative recognised this year; about half are proposed
                if (level is RatingLevel.HTXS or initiative) and self.rng.random() < 0.55:
                    self.award(person, h, year, "CSTDCS")
            # the engine judges the rarer ones, in half the years of a fighter (a verdict costs; an
            # award not given is always lawful)
            if h.held(["CSTDCS"]) and self.rng.random() < 0.5:
                for code, odds in HIGHER.items():
                    award = self.ruleset.award(code)
                    eligible = verdict(award, h, year, self.ruleset, explain=False).eligible
                    if eligible and self.rng.random() < odds:
                        self.award(person, h, year, code)

    def award(self, person: int, h: History, year: int, code: str) -> None:
        h.add_award(code, year)
        self.add(AwardRecord, person, year, code, f"{year % 100:02d}/QĐ-{code}", date(year + 1, 1, 15))

    # -- the province

    def build(self) -> Province:
        central = self.unit("TW", "Thủ tướng Chính phủ", "TTg", UnitKind.CENTRAL, head_title="Thủ tướng")
        home_affairs = self.unit("BNV", "Bộ Nội vụ", "BNV", UnitKind.MINISTRY, head_title="Bộ trưởng")
        province = self.unit(
            PROVINCE, "Ủy ban nhân dân tỉnh An Phú", "UBND", UnitKind.PROVINCE, None, "Chủ tịch"
        )
        roles = {
            "TW:authority": self.grant(self.person(central, "Thủ tướng"), Role.AUTHORITY, central),
            "TW:secretariat": self.grant(
                self.person(home_affairs, "Vụ trưởng, Ban Thi đua - Khen thưởng Trung ương"),
                Role.SECRETARIAT,
                central,
            ),
            "BNV:authority": self.grant(self.person(home_affairs, "Bộ trưởng"), Role.AUTHORITY, home_affairs),
            "province:authority": self.grant(self.person(province, "Chủ tịch"), Role.AUTHORITY, province),
        }
        units = [self.grassroots(i, province) for i in range(self.units)]
        snv = units[0]
        roles["SNV:authority"] = snv.authority  # signs the province's appraisal Tờ trình
        roles["province:secretariat"] = self.grant(
            self.person(snv.id + 1, "Trưởng Ban Thi đua - Khen thưởng"), Role.SECRETARIAT, province
        )
        self.appraisers = {central: home_affairs, province: snv.id}  # set once both units are written
        share = [self.rng.uniform(0.3, 3) for _ in units]  # units' sizes differ
        for g in self.rng.choices(units, share, k=self.people):
            person = self.person(g.id + 1 + self.rng.randrange(SUBUNITS), "Chuyên viên")
            g.staff.append(person)
            self.live(person, self.rng.random())
        councils = {}
        for g in units:  # the head chairs; the unit's first staff sit with them
            members = [g.authority, g.secretariat, *g.staff[: COUNCIL - 2]]
            councils[g.id] = self.council(g.id, self.name_of(g.id), members)
        members = [
            roles["province:authority"],
            roles["province:secretariat"],
            *(g.authority for g in units[:9]),
        ]
        councils[province] = self.council(province, "Ủy ban nhân dân tỉnh An Phú", members)
        return Province(
            people=self.people,
            units=self.ids[Unit],
            year=YEAR,
            campaign=0,
            province=province,
            central=central,
            grassroots=units,
            roles=roles,
            councils=councils,
            initiatives=self.initiatives,
        )

    def grassroots(self, i: int, province: int) -> Grassroots:
        """A department (Sở) or a commune, its sub-units, officer, secretariat and head."""
        commune = i >= len(DEPARTMENTS)
        if commune:
            kind, name, abbreviation, head = (
                UnitKind.COMMUNE,
                f"Ủy ban nhân dân xã An {i:02d}",
                "UBND",
                "Chủ tịch",
            )
        else:
            kind, name, abbreviation, head = UnitKind.AGENCY, DEPARTMENTS[i], f"S{i:02d}", "Giám đốc"
        code = f"{PROVINCE}-{i:02d}"
        unit = self.unit(code, name, abbreviation, kind, province, head)
        teams = ("Ban Thi đua - Khen thưởng", *TEAMS[1:]) if i == 0 else TEAMS  # the Sở Nội vụ's
        for j in range(SUBUNITS):
            team = teams[j] if j < len(teams) else f"Phòng Nghiệp vụ {j - len(teams) + 1}"
            self.unit(f"{code}-{j:02d}", team, "", UnitKind.SUBUNIT, unit, "")
        return Grassroots(
            id=unit,
            code=code,
            officer=self.grant(
                self.person(unit + 1, "Chuyên viên thi đua, khen thưởng"), Role.UNIT_OFFICER, unit
            ),
            secretariat=self.grant(self.person(unit + 1, "Chánh Văn phòng"), Role.SECRETARIAT, unit),
            authority=self.grant(self.person(unit, head), Role.AUTHORITY, unit),
        )

    def name_of(self, unit: int) -> str:
        return self.rows[Unit][unit - 1][2]


COLUMNS = {
    Unit: ("id", "code", "name", "abbreviation", "kind", "parent_id", "place", "head_title"),
    Person: ("id", "full_name", "gender", "birth_date"),
    Membership: ("id", "person_id", "unit_id", "post", "start_on"),
    RoleGrant: ("id", "person_id", "role", "unit_id"),
    Council: ("id", "unit_id", "name"),
    CouncilMember: ("id", "council_id", "person_id", "position"),
    Rating: ("id", "person_id", "year", "level"),
    Initiative: ("id", "person_id", "year", "scope", "title"),
    AwardRecord: ("id", "person_id", "year", "code", "decision_number", "decision_date"),
}


def build(engine: sa.Engine, people: int, seed: int = 2025, units: int = GRASSROOTS) -> Province:
    """Write the province, with this many grassroots units, into the migrated, empty database;
    the year's campaign with it."""
    builder = Builder(people, seed, units)
    province = builder.build()
    with engine.begin() as connection:
        for model, names in COLUMNS.items():  # parents first
            bulk_insert(connection, model.__table__, names, builder.rows[model])
        for deciding, appraiser in builder.appraisers.items():
            connection.execute(sa.update(Unit).where(Unit.id == deciding).values(appraiser_id=appraiser))
        if engine.dialect.name == "postgresql":  # the ids were given: the sequences follow them
            for model in COLUMNS:
                name = model.__tablename__
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
    with session_scope(engine) as session:
        province.campaign = launch(session, province)
    province.rows = sum(len(rows) for rows in builder.rows.values())
    return province


def launch(session: Session, province: Province) -> int:
    campaign = Campaign(
        organiser_unit_id=province.province,
        name=f"Phong trào thi đua năm {province.year}",
        year=province.year,
        launched_on=date(province.year, 1, 10),
        awards=["LDTT", "CSTDCS", *HIGHER],
    )
    session.add(campaign)
    session.flush()
    return campaign.id
