"""A realistic demo province: the central level, a ministry, and Quảng Ngãi with its Department
of Home Affairs (Ban Thi đua - Khen thưởng), three departments and boards (one the Dung Quất
Economic Zone Authority with its sub-units), councils, officers, and people whose past five years
of ratings and awards are simulated under the catalogue's own rules, so every history is lawful."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session

from demo.cluster_year import build_block
from models.catalogue import RuleSet
from models.councils import Council, CouncilMember, Position, council_name
from models.eligibility import History, verdict
from models.history import AwardRecord, Initiative, Rating, RatingLevel, Scope
from models.org import Membership, Person, Role, RoleGrant, Unit, UnitKind

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Đinh".split()
MIDDLE_M = "Văn Hữu Minh Quang Đức Thanh Công Ngọc Xuân Hoàng".split()
MIDDLE_F = "Thị Ngọc Thu Thanh Minh Hồng Kim Bích Thùy Mỹ".split()
GIVEN_M = (
    "An Bình Cường Dũng Đạt Hải Hùng Huy Khánh Long Minh Nam Phong Phúc Quân Sơn Tâm Thắng Tuấn Việt".split()
)
GIVEN_F = (
    "Anh Chi Dung Hà Hạnh Hoa Hương Lan Linh Mai Nga Ngân Nhung Phương Quyên Thảo Thủy Trang Vân Yến".split()
)

# The province's unit code, which is also its tenant code: the catalogue's overrides for it
# (the criteria its regulation details) are demo/tenants/QNG.toml.
TENANT = "QNG"
TENANTS = Path(__file__).parent / "tenants"  # its regulation's overrides (VINHDANH_TENANT_DIR)
# unit code → (name, abbreviation, sub-units, staff size)
DEPARTMENTS = {
    "STC": ("Sở Tài chính", "STC", ["Văn phòng Sở", "Phòng Ngân sách", "Phòng Tài chính đầu tư"], 42),
    "SGDDT": (
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        ["Văn phòng Sở", "Phòng Giáo dục phổ thông", "Phòng Tổ chức cán bộ"],
        44,
    ),
    "BQLKKT": (
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi",
        "BQL",
        ["Văn phòng Ban", "Phòng Quản lý đầu tư", "Phòng Quản lý môi trường", "Trung tâm Dịch vụ tổng hợp"],
        40,
    ),
}
# Resolution 202/2025/QH15 merged Kon Tum into Quảng Ngãi; the merged province's government
# took office on 1 July 2025, Kon Tum's serving until then. Its economic-zone board merged into
# Quảng Ngãi's (demo data: the boards' own merger decision is not cited here).
LAST_DAY_OF_KON_TUM = date(2025, 6, 30)
LEVELS = [RatingLevel.HTXS, RatingLevel.HTT, RatingLevel.HT, RatingLevel.KHT]
# How likely an eligible person was to receive each award in past seasons.
PAST_ODDS = {"LDTT": 1.0, "CSTDCS": 0.55, "BK_TINH": 0.45, "CSTD_TINH": 0.5, "BK_TTG": 0.6}


# The instrument each issuer's decisions cite for its own powers, with its number and date
# (Decree 30/2020 App. I §II.5). The Government's, the province's and the ministry's are the real
# ones; the departments' and the ministry's agency's are the demo's own, like its tenant's
# regulation (demo/tenants/QNG.toml): replace them with the unit's own decision.
POWERS = {
    "TW": "Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025",
    TENANT: "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    "BCT": "Nghị định số 40/2025/NĐ-CP ngày 26 tháng 02 năm 2025 của Chính phủ",
    "BCT-XTTM": "Quyết định số 1187/QĐ-BCT ngày 28 tháng 02 năm 2025 của Bộ trưởng Bộ Công Thương",
    "SNV": "Quyết định số 21/2025/QĐ-UBND ngày 04 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Ngãi",
    "STC": "Quyết định số 22/2025/QĐ-UBND ngày 04 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Ngãi",
    "SGDDT": "Quyết định số 23/2025/QĐ-UBND ngày 04 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Ngãi",
    "BQLKKT": "Quyết định số 24/2025/QĐ-UBND ngày 04 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Ngãi",
}
# The head of a sub-unit, by the word its name opens with.
SUBUNIT_HEADS = {"Văn phòng": "Chánh Văn phòng", "Phòng": "Trưởng phòng", "Trung tâm": "Giám đốc"}


def organisation_basis(code: str, name: str, kind: UnitKind) -> str:
    """The căn cứ on an issuer's own powers that opens its decisions: a law by its date, a
    decree or decision by its number and date, and what it provides."""
    if code not in POWERS:
        return ""
    if kind in {UnitKind.CENTRAL, UnitKind.PROVINCE}:
        return f"Căn cứ {POWERS[code]}"
    return f"Căn cứ {POWERS[code]} quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {name}"


def subunit_head(name: str) -> str:
    return next((head for word, head in SUBUNIT_HEADS.items() if name.startswith(f"{word} ")), "")


@dataclass
class Demo:
    units: dict[str, Unit] = field(default_factory=dict)
    staff: dict[str, list[Person]] = field(default_factory=dict)  # grassroots code → people
    roles: dict[str, Person] = field(default_factory=dict)  # "<code>:<role>" → person
    councils: dict[str, Council] = field(default_factory=dict)
    posts: dict[int, str] = field(default_factory=dict)
    story: dict[str, Person] = field(default_factory=dict)  # people the season's plot follows
    block_id: int | None = None  # the block of management boards (demo/cluster_year.py)

    @property
    def units_by_id(self) -> dict[int, Unit]:
        return {u.id: u for u in self.units.values()}


class Builder:
    def __init__(self, session: Session, ruleset: RuleSet, year: int, seed: int):
        self.session, self.ruleset, self.year = session, ruleset, year
        self.rng = random.Random(seed)
        self.demo = Demo()
        self.names: set[str] = set()
        self.decisions: dict[tuple[str, int], int] = {}
        self.home: dict[int, Unit] = {}  # person → grassroots unit

    # -- organisation

    def unit(self, code, name, abbreviation, kind, parent=None, **extra) -> Unit:
        extra.setdefault("organisation_basis", organisation_basis(code, name, kind))
        u = Unit(
            code=code,
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            parent_id=parent.id if parent else None,
            **extra,
        )
        self.session.add(u)
        self.session.flush()
        self.demo.units[code] = u
        return u

    def name(self) -> tuple[str, str]:
        """A name not yet given, while the 7,200 combinations last; then namesakes, as in life."""
        for _ in range(50):
            female = self.rng.random() < 0.5
            middle = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
            given = self.rng.choice(GIVEN_F if female else GIVEN_M)
            full = f"{self.rng.choice(FAMILY)} {middle} {given}"
            if full not in self.names:
                break
        self.names.add(full)
        return full, "nữ" if female else "nam"

    def person(
        self, at: Unit, post: str, grassroots: str, name: str | None = None, gender: str | None = None
    ) -> Person:
        if name is None:
            name, gender = self.name()
        p = Person(
            full_name=name,
            gender=gender or "nam",
            birth_date=date(self.rng.randint(1968, 1998), self.rng.randint(1, 12), self.rng.randint(1, 28)),
            hometown="Quảng Ngãi",
        )
        self.session.add(p)
        self.session.flush()
        self.session.add(Membership(person_id=p.id, unit_id=at.id, post=post, start_on=date(2012, 1, 1)))
        self.demo.staff.setdefault(grassroots, []).append(p)
        if grassroots in self.demo.units:
            self.home[p.id] = self.demo.units[grassroots]
        self.demo.posts[p.id] = post
        return p

    def grant(self, p: Person, role: Role, at: Unit, key: str) -> None:
        self.session.add(RoleGrant(person_id=p.id, role=role, unit_id=at.id))
        self.demo.roles[key] = p

    def council(self, at: Unit, candidates: list[Person], size: int) -> Council:
        c = Council(unit_id=at.id, name=council_name(at.name))
        self.session.add(c)
        self.session.flush()
        members = list({p.id: p for p in candidates}.values())[:size]  # each person once, in order
        for i, p in enumerate(members):
            position = Position.CHAIR if i == 0 else Position.VICE_CHAIR if i == 1 else Position.MEMBER
            self.session.add(CouncilMember(council_id=c.id, person_id=p.id, position=position))
        self.demo.councils[at.code] = c
        return c

    # -- history

    def simulate(self, p: Person, strength: float, first: int, last: int) -> History:
        """Past seasons lived under the catalogue's rules: a rating each year, then each award
        the person was eligible for, with the odds a real unit would give it."""
        h = History("individual")
        for y in range(first, last + 1):
            weights = [0.15 + 0.5 * strength, 0.65, 0.15 * (1 - strength), 0.04 * (1 - strength)]
            level = self.rng.choices(LEVELS, weights)[0]
            self.rate(p, h, y, level)
            if self.rng.random() < 0.05 + 0.15 * strength:
                self.initiative(p, h, y, Scope.PROVINCE if self.rng.random() < 0.2 else Scope.UNIT)
            for code, odds in PAST_ODDS.items():
                award = self.ruleset.award(code)
                if verdict(award, h, y, self.ruleset, explain=False).eligible and self.rng.random() < odds:
                    self.award(p, h, y, code)
        return h

    def rate(self, p: Person, h: History, year: int, level: RatingLevel) -> None:
        h.add_rating(year, level)
        self.session.add(
            Rating(person_id=p.id, year=year, level=level, source=f"Đánh giá, xếp loại năm {year}")
        )

    def initiative(self, p: Person, h: History, year: int, scope: Scope) -> None:
        h.add_initiative(year, scope)
        title = self.rng.choice(
            ["Số hoá quy trình", "Cải tiến biểu mẫu", "Ứng dụng phần mềm", "Rút ngắn thời gian giải quyết"]
        )
        self.session.add(
            Initiative(
                person_id=p.id,
                year=year,
                scope=scope,
                title=f"{title} ({year})",
                recognised_by=f"Hội đồng sáng kiến cấp {scope.label}",
            )
        )

    def award(
        self,
        p: Person | None,
        h: History,
        year: int,
        code: str,
        collective: Unit | None = None,
        issuer: Unit | None = None,
    ) -> None:
        """A past award, numbered in its issuer's series: the unit's head for grassroots titles,
        the province (or ministry) or the Prime Minister for the higher ones."""
        h.add_award(code, year)
        if issuer is None:
            home = self.home[p.id] if p else self.demo.units_by_id[collective.parent_id]
            level = self.ruleset.award(code).route[-1]
            issuer = {"unit": home, "central": self.demo.units["TW"]}.get(level) or self.demo.units_by_id[
                home.parent_id
            ]
        key = (issuer.code, year)
        self.decisions[key] = self.decisions.get(key, 0) + 1
        self.session.add(
            AwardRecord(
                person_id=p.id if p else None,
                collective_id=collective.id if collective else None,
                year=year,
                code=code,
                decision_number=f"{self.decisions[key]:02d}/QĐ-{issuer.abbreviation}",
                decision_date=date(year + 1, 1, 10),
                issuer=issuer.authority,
            )
        )


def build(session: Session, ruleset: RuleSet, year: int, seed: int, scale: int = 1) -> Demo:
    """The province, its people and their past; `scale` multiplies every unit's staff."""
    b = Builder(session, ruleset, year, seed)
    d = b.demo
    first, last = year - 6, year - 1  # six past seasons
    central = b.unit(
        "TW", "Thủ tướng Chính phủ", "TTg", UnitKind.CENTRAL, place="Hà Nội", head_title="Thủ tướng"
    )
    ministry = b.unit(
        "BCT", "Bộ Công Thương", "BCT", UnitKind.MINISTRY, place="Hà Nội", head_title="Bộ trưởng"
    )
    cuc = b.unit(
        "BCT-XTTM",
        "Cục Xúc tiến thương mại",
        "XTTM",
        UnitKind.AGENCY,
        ministry,
        place="Hà Nội",
        head_title="Cục trưởng",
    )
    province = b.unit(
        TENANT,
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "UBND",
        UnitKind.PROVINCE,
        place="Quảng Ngãi",
        head_title="Chủ tịch",
    )
    snv = b.unit(
        "SNV", "Sở Nội vụ", "SNV", UnitKind.AGENCY, province, place="Quảng Ngãi", head_title="Giám đốc"
    )
    ban = b.unit("SNV-BTDKT", "Ban Thi đua - Khen thưởng", "BTĐKT", UnitKind.SUBUNIT, snv)

    # The people who run the process at each level.
    b.grant(
        b.person(central, "Thủ tướng Chính phủ", "TW", "Lê Minh Khải", "nam"),
        Role.AUTHORITY,
        central,
        "TW:authority",
    )
    b.grant(
        b.person(
            central, "Vụ trưởng, Ban Thi đua - Khen thưởng Trung ương", "TW", "Phạm Thị Thanh Trà", "nữ"
        ),
        Role.SECRETARIAT,
        central,
        "TW:secretariat",
    )
    b.grant(
        b.person(ministry, "Bộ trưởng", "BCT", "Nguyễn Hồng Diên", "nam"),
        Role.AUTHORITY,
        ministry,
        "BCT:authority",
    )
    b.grant(
        b.person(ministry, "Vụ trưởng Vụ Thi đua - Khen thưởng", "BCT"),
        Role.SECRETARIAT,
        ministry,
        "BCT:secretariat",
    )
    b.grant(
        b.person(province, "Chủ tịch Ủy ban nhân dân tỉnh", TENANT, "Nguyễn Hoàng Giang", "nam"),
        Role.AUTHORITY,
        province,
        f"{TENANT}:authority",
    )
    b.grant(
        b.person(ban, "Trưởng Ban Thi đua - Khen thưởng", "SNV"),
        Role.SECRETARIAT,
        province,
        f"{TENANT}:secretariat",
    )

    grassroots = {"SNV": (snv, [ban], 12), "BCT-XTTM": (cuc, [], 14)}
    for code, (name, abbreviation, subunits, size) in DEPARTMENTS.items():
        unit = b.unit(
            code,
            name,
            abbreviation,
            UnitKind.AGENCY,
            province,
            place="Quảng Ngãi",
            head_title="Trưởng ban" if code == "BQLKKT" else "Giám đốc",
        )
        subs = [
            b.unit(
                f"{code}-{i + 1}",
                sub,
                "",
                UnitKind.SUBUNIT,
                unit,
                founded_on=date(2004 + i, 7, 1),
                head_title=subunit_head(sub),
            )
            for i, sub in enumerate(subunits)
        ]
        grassroots[code] = (unit, subs, size)
    for code, (unit, subs, size) in grassroots.items():
        head = b.person(unit, unit.head_title or "Thủ trưởng", code)
        b.grant(head, Role.AUTHORITY, unit, f"{code}:authority")
        b.grant(
            b.person(subs[0] if subs else unit, "Chánh Văn phòng", code),
            Role.SECRETARIAT,
            unit,
            f"{code}:secretariat",
        )
        b.grant(
            b.person(subs[0] if subs else unit, "Chuyên viên phụ trách thi đua, khen thưởng", code),
            Role.UNIT_OFFICER,
            unit,
            f"{code}:officer",
        )
        for i in range(size * scale):
            at = subs[i % len(subs)] if subs else unit
            # the office's head is the secretariat's Chánh Văn phòng above: it gets two deputies
            leads = at.head_title if i < len(subs) and at is not subs[0] else f"Phó {at.head_title}"
            post = leads if subs and i < 2 * len(subs) else "Chuyên viên"
            b.simulate(b.person(at, post, code), b.rng.random(), first, last)
        staff = d.staff[code]
        b.council(unit, [head, *staff], 7)
        for sub in subs:  # collectives' own ratings and titles
            h = History("collective")
            for y in range(first, last + 1):
                level = b.rng.choices(LEVELS[:2], [0.4, 0.6])[0]
                h.add_rating(y, level)
                session.add(Rating(collective_id=sub.id, year=y, level=level))
                b.award(None, h, y, "TTLDXS" if level is RatingLevel.HTXS else "TTLDTT", collective=sub)

    provincial = [
        d.roles[f"{TENANT}:authority"],
        d.roles[f"{TENANT}:secretariat"],
        *(d.staff[c][0] for c in ("SNV", *DEPARTMENTS)),
    ]
    provincial += [d.staff[c][i] for c in DEPARTMENTS for i in (1, 2, 3)]
    b.council(province, provincial, 11)
    b.council(ministry, [d.roles["BCT:authority"], d.roles["BCT:secretariat"], *d.staff["BCT-XTTM"]], 9)

    _kon_tum(b, first, last)
    _storyline(b, first, last)
    _appraisers(b, central, ministry, province, snv)
    d.block_id = build_block(b, province, first, last).id  # made last, as the appraisers
    session.flush()
    return d


def _kon_tum(b: Builder, first: int, last: int) -> None:
    """Kon Tum's province and economic-zone board, merged into Quảng Ngãi's on 1 July 2025, with
    the board's past seasons: its two excellent last years are the merged board's record now.
    One of its officials moved to the merged board and keeps his own record."""
    d, merged = b.demo, {"valid_to": LAST_DAY_OF_KON_TUM}
    kon_tum = b.unit(
        "KTM",
        "Ủy ban nhân dân tỉnh Kon Tum",
        "UBND",
        UnitKind.PROVINCE,
        place="Kon Tum",
        head_title="Chủ tịch",
        successor_id=d.units[TENANT].id,
        **merged,
    )
    board = b.unit(
        "KTM-BQLKKT",
        "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
        "BQLKKT",
        UnitKind.AGENCY,
        kon_tum,
        place="Kon Tum",
        head_title="Trưởng ban",
        founded_on=date(2015, 1, 1),
        successor_id=d.units["BQLKKT"].id,
        **merged,
    )
    record = History("collective")
    for y in range(first, last + 1):
        level = RatingLevel.HTXS if y >= last - 1 else RatingLevel.HTT
        b.session.add(Rating(collective_id=board.id, year=y, level=level))
        if level is RatingLevel.HTXS:  # Law 06/2022 Art. 79(4): the province's chairman
            b.award(None, record, y, "TTLDXS", collective=board, issuer=kon_tum)
        else:  # Art. 80(1): the board's head
            b.award(None, record, y, "TTLDTT", collective=board, issuer=board)
    # his posts are dated: Kon Tum's board until the merger, the merged board's division since
    p = Person(full_name="Đinh Văn Thắng", gender="nam", birth_date=date(1984, 5, 12), hometown="Kon Tum")
    b.session.add(p)
    b.session.flush()
    post = "Phó Trưởng phòng Quản lý đầu tư"
    b.session.add(
        Membership(
            person_id=p.id, unit_id=board.id, post=post, start_on=date(2012, 1, 1), end_on=LAST_DAY_OF_KON_TUM
        )
    )
    after = LAST_DAY_OF_KON_TUM + timedelta(days=1)
    b.session.add(Membership(person_id=p.id, unit_id=d.units["BQLKKT-2"].id, post=post, start_on=after))
    b.home[p.id], d.posts[p.id] = board, post  # his past titles are Kon Tum's board's decisions
    d.staff["BQLKKT"].append(p)
    h = History("individual")
    for y in range(first, last + 1):
        b.rate(p, h, y, RatingLevel.HTT)
        b.award(p, h, y, "LDTT")


def _appraisers(b: Builder, central: Unit, ministry: Unit, province: Unit, snv: Unit) -> None:
    """The bodies whose Tờ trình thẩm định the deciding authorities decide on (unit.appraiser_id):
    the Bộ Nội vụ (its Ban Thi đua - Khen thưởng Trung ương) for the Prime Minister, the ministry's
    Vụ Thi đua - Khen thưởng (its head, the ministry's secretariat, signs) for the Minister, the Sở
    Nội vụ for the Chairman. Made last: the units and people made before them, and the season
    drawn from them, stay what a seed made before there were appraisals."""
    home_affairs = b.unit(
        "BNV", "Bộ Nội vụ", "BNV", UnitKind.MINISTRY, place="Hà Nội", head_title="Bộ trưởng"
    )
    minister = b.person(home_affairs, "Bộ trưởng Bộ Nội vụ", "BNV", "Đỗ Thanh Bình", "nam")
    b.grant(minister, Role.AUTHORITY, home_affairs, "BNV:authority")
    vu = b.unit(
        "BCT-TDKT",
        "Vụ Thi đua - Khen thưởng",
        "TĐKT",
        UnitKind.SUBUNIT,
        ministry,
        place="Hà Nội",
        head_title="Vụ trưởng",
    )
    b.grant(b.demo.roles["BCT:secretariat"], Role.AUTHORITY, vu, "BCT-TDKT:authority")
    for deciding, appraiser in ((central, home_affairs), (ministry, vu), (province, snv)):
        deciding.appraiser_id = appraiser.id
        b.session.add(deciding)


def _storyline(b: Builder, first: int, last: int) -> None:
    """People whose histories the season's plot needs, written out rather than left to chance."""
    d, year = b.demo, b.year

    def person(code: str, at: str, post: str, name: str, gender: str) -> tuple[Person, History]:
        return b.person(d.units[at], post, code, name, gender), History("individual")

    # A long-serving head of division: Bằng khen tỉnh, then five good years with three
    # grassroots fighter titles (the third comes in this season) — Bằng khen Thủ tướng.
    p, h = person("STC", "STC-2", "Trưởng phòng Ngân sách", "Nguyễn Thị Thu Hà", "nữ")
    for y in range(first, last + 1):
        b.rate(p, h, y, RatingLevel.HTXS if y % 2 else RatingLevel.HTT)
        b.award(p, h, y, "LDTT")
    b.award(p, h, first, "BK_TINH")
    for y in (last - 3, last - 1):
        b.award(p, h, y, "CSTDCS")
    b.initiative(p, h, year, Scope.UNIT)
    d.story["pm_certificate"] = p

    # Two grassroots fighters in a row and a provincial initiative: Chiến sĩ thi đua cấp tỉnh.
    for key, code, at, name, gender in (
        ("provincial_fighter", "SGDDT", "SGDDT-2", "Trần Văn Hiếu", "nam"),
        ("contested_fighter", "BQLKKT", "BQLKKT-2", "Phan Thị Mỹ Linh", "nữ"),
    ):
        p, h = person(code, at, "Phó Trưởng phòng", name, gender)
        for y in range(first, last + 1):
            b.rate(p, h, y, RatingLevel.HTXS)
            b.award(p, h, y, "LDTT")
        for y in (last - 1, last):
            b.award(p, h, y, "CSTDCS")
        b.initiative(p, h, year, Scope.PROVINCE)
        d.story[key] = p

    # Grassroots fighter in two years out of the last three: not three in a row.
    p, h = person("STC", "STC-3", "Chuyên viên chính", "Võ Đình Khoa", "nam")
    for y in range(first, last + 1):
        b.rate(p, h, y, RatingLevel.HTXS)
        b.award(p, h, y, "LDTT")
    b.award(p, h, last - 2, "CSTDCS")
    b.award(p, h, last, "CSTDCS")
    b.initiative(p, h, year, Scope.PROVINCE)
    d.story["broken_chain"] = p

    # A trade-promotion expert of the ministry: two grassroots fighters in a row.
    p, h = person("BCT-XTTM", "BCT-XTTM", "Chuyên viên chính", "Hà Quang Vinh", "nam")
    for y in range(first, last + 1):
        b.rate(p, h, y, RatingLevel.HTXS)
        b.award(p, h, y, "LDTT")
    b.award(p, h, last, "CSTDCS")
    d.story["ministry_certificate"] = p
