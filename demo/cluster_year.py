"""The demo's emulation block: the province's six management boards (khối thi đua các Ban Quản lý)
through their year. The rotation gives the year's leader and deputy; the heads sign the covenant in
February; at the year-end review each board scores itself and the others, the Ban Thi đua - Khen
thưởng verifies, the boards acclaim the leader by secret ballot; the leader's flag (CO_TD_TINH) and
the next two boards' Bằng khen (BK_TINH) then enter the province's normal route, where the engine's
own rules decide them (models/cluster_year.py, Law 06/2022 Arts. 26(1), 74(3)).

The five light boards are the demo's own: small staffs and a few years of ratings. Their scores
follow each board's strength with a little chance, so the same seed gives the same year."""

from datetime import date

from sqlmodel import select

from models.cluster_vote import cast_vote, close_vote, open_vote, proposals, standings
from models.cluster_year import (
    CriterionIn,
    choose_leadership,
    criteria_of,
    draft_covenant,
    open_scoring,
    score,
    sign_covenant,
    term,
    verify,
)
from models.clusters import Cluster, ClusterKind, ClusterMember, Covenant, Phase
from models.history import Rating, RatingLevel
from models.org import Role, Unit, UnitKind

LEADING_BOARD = "BQLKKT"  # the existing economic-zone board (demo/province.py)
# code → (name, abbreviation, founded, strength: how its year goes, 0..1)
LIGHT_BOARDS = {
    "BQLDA-GT": (
        "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh Quảng Ngãi",
        "BQLDAGT",
        date(2008, 3, 1),
        0.8,
    ),
    "BQLDA-DD": (
        "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh Quảng Ngãi",
        "BQLDADD",
        date(2017, 1, 1),
        0.75,
    ),
    "BQLDA-NN": (
        "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và PTNT tỉnh Quảng Ngãi",
        "BQLDANN",
        date(2017, 1, 1),
        0.5,
    ),
    "BQLRPH": ("Ban Quản lý rừng phòng hộ tỉnh Quảng Ngãi", "BQLRPH", date(2016, 6, 1), 0.4),
    "BQLDL": ("Ban Quản lý Khu du lịch Sa Huỳnh", "BQLDL", date(2019, 9, 1), 0.3),
}
# a light board's staff, the first three holding the roles (its council: all four)
POSTS = ("Giám đốc", "Chánh Văn phòng", "Chuyên viên phụ trách thi đua, khen thưởng", "Phó Giám đốc")
ROLES = {"authority": Role.AUTHORITY, "secretariat": Role.SECRETARIAT, "officer": Role.UNIT_OFFICER}
STRENGTH = {LEADING_BOARD: 0.95} | {code: spec[3] for code, spec in LIGHT_BOARDS.items()}
BLOCK = [LEADING_BOARD, *LIGHT_BOARDS]  # the rotation order
CRITERIA = [
    CriterionIn(
        "Hoàn thành các chỉ tiêu, nhiệm vụ chuyên môn được giao trong năm", 40, "I. Thực hiện nhiệm vụ"
    ),
    CriterionIn("Cải cách hành chính, chuyển đổi số, thực hành tiết kiệm", 20, "I. Thực hiện nhiệm vụ"),
    CriterionIn("Tổ chức phong trào thi đua, công tác khen thưởng", 15, "II. Công tác thi đua, khen thưởng"),
    CriterionIn("Xây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh", 15, "III. Xây dựng tổ chức"),
    CriterionIn("Mô hình mới, cách làm hay được nhân rộng", 10, "IV. Điểm thưởng", bonus=True),
]


def build_block(b, province, first: int, last: int) -> Cluster:
    """The five light boards (four people: the head, the secretariat, the officer, a deputy; their
    council; their past ratings) and the block with its regulation; `b` is the province's builder
    (demo/province.py)."""
    d = b.demo
    for code, (name, abbreviation, founded, strength) in LIGHT_BOARDS.items():
        board = b.unit(
            code, name, abbreviation, UnitKind.AGENCY, province, place="Quảng Ngãi", head_title="Giám đốc"
        )
        board.founded_on = founded
        people = [b.person(board, post, code) for post in POSTS]
        for p, (key, role) in zip(people, ROLES.items(), strict=False):
            b.grant(p, role, board, f"{code}:{key}")
        b.council(board, people, len(people))
        for y in range(max(first, founded.year + 1), last + 1):  # the strong ones: excellent of late
            excellent = b.rng.random() < strength or (strength >= 0.7 and y == last)
            b.session.add(
                Rating(
                    collective_id=board.id, year=y, level=RatingLevel.HTXS if excellent else RatingLevel.HTT
                )
            )
    cluster = Cluster(
        name="Khối thi đua các Ban Quản lý tỉnh Quảng Ngãi",
        organiser_unit_id=province.id,
        kind=ClusterKind.BLOCK,
        regulation="Quy chế số 01/QC-KTĐBQL ngày 20 tháng 01 năm 2021",  # the demo's own
    )
    b.session.add(cluster)
    b.session.flush()
    for i, code in enumerate(BLOCK, start=1):
        b.session.add(
            ClusterMember(
                cluster_id=cluster.id, unit_id=d.units[code].id, rotation=i, joined_on=date(2021, 1, 1)
            )
        )
    return cluster


class BlockYear:
    """The block's year, acted out by its people within the season (demo/season.py)."""

    def __init__(self, season, cluster_id: int):
        self.season, self.cluster_id = season, cluster_id
        self.covenant_id: int | None = None

    def units(self) -> dict[str, int]:
        return {code: self.season.demo.units[code].id for code in BLOCK}

    def head(self, session, code: str):
        return self.season.actor(session, f"{code}:authority")

    def start(self, session, tenant: str) -> None:
        """The rotation's leaders since the block began, and the year's covenant signed in February."""
        year, organiser = self.season.year, self.season.actor(session, f"{tenant}:secretariat")
        for y in range(2021, year + 1):
            choose_leadership(session, organiser, self.cluster_id, y, on=date(y - 1, 12, 20))
        covenant = draft_covenant(
            session, organiser, self.cluster_id, year, CRITERIA, place="Khu kinh tế Dung Quất"
        )
        for code in BLOCK:
            sign_covenant(session, self.head(session, code), covenant.id, on=date(year, 2, 25))
        self.covenant_id = covenant.id

    def rate(self, session) -> None:
        """The light boards' own year: the strong ones excellent (BQLKKT's is season.evaluate's)."""
        for code in LIGHT_BOARDS:
            level = RatingLevel.HTXS if STRENGTH[code] >= 0.7 else RatingLevel.HTT
            session.add(
                Rating(collective_id=self.season.demo.units[code].id, year=self.season.year, level=level)
            )

    def review(self, session, tenant: str, day: date):
        """Scoring, the standing body's verification, the secret ballot and its count."""
        rng, units = self.season.rng, self.units()
        organiser = self.season.actor(session, f"{tenant}:secretariat")
        covenant = session.get(Covenant, self.covenant_id)
        open_scoring(session, organiser, covenant.id)
        criteria = criteria_of(session, covenant.id)
        for by in BLOCK:
            head = self.head(session, by)
            for code in BLOCK:
                lean = 0.05 if by == code else 0.0  # a board is kind to itself
                marks = {
                    c.id: round(
                        min(
                            c.max_score,
                            c.max_score * (0.6 + 0.35 * STRENGTH[code] + lean) + rng.uniform(-1, 1),
                        ),
                        1,
                    )
                    for c in criteria
                }
                score(session, head, covenant.id, units[code], marks)
        weakest = min(LIGHT_BOARDS, key=STRENGTH.get)
        verify(
            session,
            organiser,
            covenant.id,
            units[weakest],
            criteria[-1].id,
            0,
            note="Mô hình chưa được cấp có thẩm quyền công nhận, chưa được nhân rộng",
        )
        open_vote(session, organiser, covenant.id, review_on=day, present=list(units.values()))
        favourite = max(BLOCK, key=STRENGTH.get)
        for code in BLOCK:  # one board votes for the runner-up
            choice = favourite if code != favourite else sorted(BLOCK, key=STRENGTH.get)[-2]
            cast_vote(session, self.head(session, code), covenant.id, [units[choice]])
        return close_vote(session, organiser, covenant.id)

    def proposals(self, session, year) -> list[tuple[str, str]]:
        """What the block proposes, as (award, board code)."""
        codes = {uid: code for code, uid in self.units().items()}
        return [(award, codes[uid]) for award, uid in proposals(session, year)]


def cluster_lines(session) -> list[str]:
    """The summary's lines on each cluster's last year: its leader, the ranking, the votes, the result."""
    lines = []
    for covenant in session.exec(select(Covenant).where(Covenant.phase == Phase.CLOSED)):
        cluster = session.get(Cluster, covenant.cluster_id)
        year, name = standings(session, covenant, cluster), lambda unit_id: session.get(Unit, unit_id).name
        leader = name(term(session, cluster.id, covenant.year).leader_unit_id)
        lines += ["", f"{cluster.name} năm {covenant.year} ({cluster.kind.label.lower()} trưởng: {leader}):"]
        outcome = {u: "dẫn đầu, đề nghị Cờ thi đua" for u in year.result.leaders}
        outcome |= {u: "đề nghị Bằng khen" for u in year.result.certificates}
        for s in year.standings:
            said = f" — {outcome[s.unit_id]}" if s.unit_id in outcome else ""
            total = f"{s.total:g}".replace(".", ",")
            lines.append(f"  {s.rank}. {name(s.unit_id)}: {total} điểm, {s.votes}/{year.base} phiếu{said}")
    return lines
