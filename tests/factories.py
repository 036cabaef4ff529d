"""A small, realistic province for tests: the central level, a province with two departments
(one with a sub-unit), a ministry with one unit, councils, officers and people with histories."""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from models.access import Actor, load_actor, system_actor
from models.appraisal import appraise, number_appraisal, sign_appraisal
from models.campaigns import Campaign
from models.config import configured
from models.councils import Council, CouncilMember, Position, council_name
from models.decide import issue, number_submission, sign
from models.history import AwardRecord, Initiative, Rating
from models.nominations import Nomination
from models.org import Membership, Person, Role, RoleGrant, Unit, UnitKind
from models.voting import close_session, tally
from models.workflow import forward, propose_upward

TENANTS = Path(__file__).parents[1] / "demo" / "tenants"
YEAR = 2025
NOW = datetime(2025, 12, 15, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam, a Monday


@contextmanager
def tenant_edited(edit: Callable[[str], str]) -> Iterator[None]:
    """The test province with its tenant file (demo/tenants/QNG.toml) edited for one test."""
    with tempfile.TemporaryDirectory() as folder:
        text = (TENANTS / "QNG.toml").read_text(encoding="utf-8")
        (Path(folder) / "QNG.toml").write_text(edit(text), encoding="utf-8")
        with configured(tenant_dir=folder):
            yield


@contextmanager
def grassroots_fighters_capped(share: str = "15/100") -> Iterator[None]:
    """The test province with a cap on grassroots fighters (a share of its advanced workers), as
    a tenant may configure one; the law in force sets none, so the demo province has none."""
    cap = f'\n[awards.CSTDCS.quota]\nmax_share = "{share}"\nof = "LDTT"\nsource = "a test tenant"\n'
    with tenant_edited(lambda text: text + cap):
        yield


@contextmanager
def registration_checked(mode: str) -> Iterator[None]:
    """The test province refusing (`block`) or flagging (`warn`) nominations nobody registered."""
    with tenant_edited(
        lambda text: text.replace('registration_check = "warn"', f'registration_check = "{mode}"')
    ):
        yield


@dataclass
class Province:
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    members: dict[str, list[CouncilMember]] = field(default_factory=dict)
    campaign: Campaign | None = None


def unit(session: Session, code, name, abbreviation, kind, parent=None, **extra) -> Unit:
    u = Unit(
        code=code,
        name=name,
        abbreviation=abbreviation,
        kind=kind,
        parent_id=parent.id if parent else None,
        **extra,
    )
    session.add(u)
    session.flush()
    return u


def person(session: Session, name: str, at: Unit, post: str = "Chuyên viên", gender: str = "nam") -> Person:
    p = Person(full_name=name, gender=gender, birth_date=date(1980, 5, 17))
    session.add(p)
    session.flush()
    session.add(Membership(person_id=p.id, unit_id=at.id, post=post, start_on=date(2015, 1, 1)))
    return p


def history(
    session: Session, p: Person, ratings: dict[int, str] = (), awards: dict[int, list[str]] = ()
) -> None:
    for year, level in dict(ratings).items():
        session.add(Rating(person_id=p.id, year=year, level=level))
    for year, codes in dict(awards).items():
        for code in codes:
            session.add(
                AwardRecord(person_id=p.id, year=year, code=code, decision_number=f"{year % 100:02d}/QĐ-X")
            )


def grant(session: Session, p: Person, role: Role, at: Unit) -> None:
    session.add(RoleGrant(person_id=p.id, role=role, unit_id=at.id))


def council(session: Session, prov: Province, key: str, at: Unit, size: int) -> None:
    c = Council(unit_id=at.id, name=council_name(at.name))
    session.add(c)
    session.flush()
    prov.councils[key] = c
    prov.members[key] = []
    for i in range(size):
        p = person(session, f"Ủy viên {key.upper()} {i + 1}", at, "Ủy viên Hội đồng")
        m = CouncilMember(
            council_id=c.id, person_id=p.id, position=Position.CHAIR if i == 0 else Position.MEMBER
        )
        session.add(m)
        session.flush()
        prov.members[key].append(m)


def build_province(session: Session) -> Province:
    prov = Province()
    u = prov.units
    u["central"] = unit(session, "TW", "Thủ tướng Chính phủ", "TTg", UnitKind.CENTRAL, place="Hà Nội")
    u["province"] = unit(
        session,
        "QNG",
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "UBND",
        UnitKind.PROVINCE,
        place="Quảng Ngãi",
        head_title="Chủ tịch",
        organisation_basis="Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    )
    u["snv"] = unit(
        session,
        "QNG-SNV",
        "Sở Nội vụ",
        "SNV",
        UnitKind.AGENCY,
        u["province"],
        place="Quảng Ngãi",
        head_title="Giám đốc",
    )
    u["stc"] = unit(
        session,
        "QNG-STC",
        "Sở Tài chính",
        "STC",
        UnitKind.AGENCY,
        u["province"],
        place="Quảng Ngãi",
        head_title="Giám đốc",
    )
    u["ns"] = unit(
        session,
        "QNG-STC-NS",
        "Phòng Ngân sách",
        "NS",
        UnitKind.SUBUNIT,
        u["stc"],
        founded_on=date(2008, 3, 1),
    )
    u["ministry"] = unit(session, "BCT", "Bộ Công Thương", "BCT", UnitKind.MINISTRY, place="Hà Nội")
    u["cuc"] = unit(
        session, "BCT-CTM", "Cục Thương mại điện tử", "TMĐT", UnitKind.AGENCY, u["ministry"], place="Hà Nội"
    )
    # the bodies whose Tờ trình thẩm định the deciding authorities decide on
    u["home_affairs"] = unit(
        session, "BNV", "Bộ Nội vụ", "BNV", UnitKind.MINISTRY, place="Hà Nội", head_title="Bộ trưởng"
    )
    u["ministry_board"] = unit(
        session,
        "BCT-TĐKT",
        "Vụ Thi đua - Khen thưởng",
        "TĐKT",
        UnitKind.SUBUNIT,
        u["ministry"],
        place="Hà Nội",
        head_title="Vụ trưởng",
    )
    for deciding, appraiser in (
        ("province", "snv"),
        ("central", "home_affairs"),
        ("ministry", "ministry_board"),
    ):
        u[deciding].appraiser_id = u[appraiser].id
        session.add(u[deciding])
    staff = {
        "officer": ("Trần Thị Hoa", u["stc"], "Chuyên viên Văn phòng", Role.UNIT_OFFICER, u["stc"]),
        "unit_secretariat": ("Lê Văn Nam", u["stc"], "Chánh Văn phòng", Role.SECRETARIAT, u["stc"]),
        "director": ("Phạm Minh Tuấn", u["stc"], "Giám đốc", Role.AUTHORITY, u["stc"]),
        "province_secretariat": (
            "Võ Thị Lan",
            u["snv"],
            "Trưởng Ban Thi đua - Khen thưởng",
            Role.SECRETARIAT,
            u["province"],
        ),
        "chairman": ("Nguyễn Hoàng Sơn", u["province"], "Chủ tịch", Role.AUTHORITY, u["province"]),
        "central_secretariat": (
            "Đỗ Văn Hùng",
            u["central"],
            "Chuyên viên Ban Thi đua - Khen thưởng Trung ương",
            Role.SECRETARIAT,
            u["central"],
        ),
        "prime_minister": ("Thủ tướng", u["central"], "Thủ tướng Chính phủ", Role.AUTHORITY, u["central"]),
        "snv_director": ("Trương Công Minh", u["snv"], "Giám đốc", Role.AUTHORITY, u["snv"]),
        "home_affairs_minister": (
            "Phạm Thị Thanh",
            u["home_affairs"],
            "Bộ trưởng",
            Role.AUTHORITY,
            u["home_affairs"],
        ),
        "ministry_officer": ("Hà Thu Trang", u["cuc"], "Chuyên viên", Role.UNIT_OFFICER, u["cuc"]),
    }
    for key, (name, at, post, role, scope) in staff.items():
        p = prov.people[key] = person(session, name, at, post)
        grant(session, p, role, scope)
    council(session, prov, "stc", u["stc"], 5)
    council(session, prov, "province", u["province"], 7)
    p = prov.people
    p["good"] = person(session, "Nguyễn Văn An", u["ns"], "Chuyên viên")
    history(
        session, p["good"], {y: "HTT" for y in range(2021, 2026)}, {y: ["LDTT"] for y in range(2021, 2025)}
    )
    p["weak"] = person(session, "Bùi Thị Bình", u["ns"], "Chuyên viên", "nữ")
    history(session, p["weak"], {2024: "HTT", 2025: "HT"}, {2024: ["LDTT"]})
    p["fighter"] = person(session, "Hoàng Văn Cường", u["ns"], "Phó Trưởng phòng")
    history(
        session,
        p["fighter"],
        {y: "HTXS" for y in range(2021, 2026)},
        {2023: ["LDTT", "CSTDCS"], 2024: ["LDTT", "CSTDCS"], 2025: ["LDTT", "CSTDCS"]},
    )
    session.add(
        Initiative(person_id=p["fighter"].id, year=2024, scope="province", title="Số hoá hồ sơ ngân sách xã")
    )
    p["veteran"] = person(session, "Đặng Thị Duyên", u["stc"], "Trưởng phòng", "nữ")
    history(
        session,
        p["veteran"],
        {y: ("HTXS" if y % 2 else "HTT") for y in range(2018, 2026)},
        {2019: ["BK_TINH"], 2021: ["CSTDCS"], 2023: ["CSTDCS"], 2025: ["CSTDCS", "LDTT"]},
    )
    p["merchant"] = person(session, "Lý Quốc Khánh", u["cuc"], "Chuyên viên chính")
    history(
        session,
        p["merchant"],
        {2024: "HTXS", 2025: "HTXS"},
        {2024: ["LDTT", "CSTDCS"], 2025: ["LDTT", "CSTDCS"]},
    )
    prov.campaign = Campaign(
        organiser_unit_id=u["province"].id,
        name=f"Bình xét thi đua, khen thưởng năm {YEAR}",
        year=YEAR,
        launched_on=date(YEAR, 1, 15),
        closes_on=date(YEAR, 12, 31),
    )
    session.add(prov.campaign)
    session.flush()
    for key in staff:
        prov.actors[key] = load_actor(session, p[key].id)
    return prov


@lru_cache
def docx_bytes(text: str = "Báo cáo thành tích") -> bytes:
    """A real (tiny) Word file, as a unit would upload; the same text, the same file (a Word file
    made twice differs in its zip's timestamps when a second ticks between)."""
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def nominations_of(session: Session, prov: Province) -> list[Nomination]:
    from sqlmodel import select

    return list(session.exec(select(Nomination).where(Nomination.campaign_id == prov.campaign.id)))


# What a person does, followed by what the stage flow does after it (flows/stages.py's tasks).


def close_and_tally(session: Session, secretariat: Actor, session_id: int, now: datetime):
    close_session(session, secretariat, session_id, now=now)
    return tally(session, system_actor(), session_id, now=now)


def on(day: date, hour: int = 9) -> datetime:
    """A moment of a day in Vietnam (UTC+7)."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def sign_and_issue(session: Session, authority: Actor, decision_id: int, signed_on: date, now: datetime):
    now = max(now, on(signed_on))  # a signature is recorded on the day it is made, or after
    sign(session, authority, decision_id, signed_on=signed_on, now=now)
    return issue(session, system_actor(), decision_id, now=now)


def propose_and_forward(session: Session, head: Actor, nominations, signed_on: date, now: datetime):
    now = max(now, on(signed_on))
    submission = propose_upward(session, head, nominations, signed_on=signed_on, now=now)
    forward(session, system_actor(), submission.id, now=now)
    return number_submission(session, system_actor(), submission)


def appraise_and_number(session: Session, secretariat: Actor, head: Actor, nominations, signed_on: date, now):
    """The secretariat drafts the appraisal Tờ trình, the appraising body's head signs it, the
    appraisal flow numbers it."""
    now = max(now, on(signed_on))
    appraisal = appraise(session, secretariat, nominations, now=now)
    sign_appraisal(session, head, appraisal.id, signed_on=signed_on, now=now)
    return number_appraisal(session, system_actor(), appraisal.id)


def password_of(username: str) -> str:
    """The test accounts' passwords: long enough for the rules, with Vietnamese letters."""
    return f"{username}: mật khẩu thử"


def accounts(session: Session, prov: Province) -> dict[str, int]:
    """A login for each member of the province's staff and each member of its councils: the
    username is the staff key (`officer`, `province_secretariat`, …) or `stc.0`, `province.2`
    for council seats; the password is `password_of(username)`. Answers username → person id."""
    from models.accounts import create_user

    people = {key: prov.people[key].id for key in prov.actors}
    people |= {f"{key}.{i}": m.person_id for key, seats in prov.members.items() for i, m in enumerate(seats)}
    for username, person_id in people.items():
        create_user(session, system_actor(), username, person_id, password_of(username))
    return people
