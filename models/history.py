"""Award history, annual ratings, initiatives and discipline: what every prerequisite reads.

A subject is either a person (cá nhân) or a collective (tập thể, a unit): exactly one of
`person_id` and `collective_id` is set.
"""

from collections import defaultdict
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.db import enum_type

ONE_SUBJECT = "(person_id IS NULL) <> (collective_id IS NULL)"


class RatingLevel(StrEnum):
    """Task-completion level from the annual evaluation (đánh giá, xếp loại chất lượng)."""

    HTXS = "HTXS"  # hoàn thành xuất sắc nhiệm vụ
    HTT = "HTT"  # hoàn thành tốt nhiệm vụ
    HT = "HT"  # hoàn thành nhiệm vụ
    KHT = "KHT"  # không hoàn thành nhiệm vụ

    @property
    def rank(self) -> int:
        return RATING_RANK[self]


RATING_RANK = {RatingLevel.KHT: 0, RatingLevel.HT: 1, RatingLevel.HTT: 2, RatingLevel.HTXS: 3}
RATING_LABELS = {
    RatingLevel.HTXS: "Hoàn thành xuất sắc nhiệm vụ",
    RatingLevel.HTT: "Hoàn thành tốt nhiệm vụ",
    RatingLevel.HT: "Hoàn thành nhiệm vụ",
    RatingLevel.KHT: "Không hoàn thành nhiệm vụ",
}


class Scope(StrEnum):
    """How far an initiative's effect reaches, as recognised by the competent head."""

    UNIT = "unit"  # cơ sở
    MINISTRY = "ministry"  # Bộ, ban, ngành
    PROVINCE = "province"  # tỉnh
    NATIONAL = "national"  # toàn quốc

    @property
    def rank(self) -> int:
        return {"unit": 1, "ministry": 2, "province": 2, "national": 3}[self.value]


class DisciplineLevel(StrEnum):
    KHIEN_TRACH = "KHIEN_TRACH"  # khiển trách
    CANH_CAO = "CANH_CAO"  # cảnh cáo
    HA_BAC_LUONG = "HA_BAC_LUONG"  # hạ bậc lương
    GIANG_CHUC = "GIANG_CHUC"  # giáng chức
    CACH_CHUC = "CACH_CHUC"  # cách chức
    BUOC_THOI_VIEC = "BUOC_THOI_VIEC"  # buộc thôi việc

    @property
    def rank(self) -> int:
        return list(DisciplineLevel).index(self)


class AwardRecord(SQLModel, table=True):
    """A title or form a subject received for the achievements of `year` (năm thành tích)."""

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="award_one_subject"),
        Index("ix_award_person", "person_id", "code", "year", "revoked"),
        Index("ix_award_collective", "collective_id", "code", "year", "revoked"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    collective_id: int | None = Field(default=None, foreign_key="unit.id")
    year: int
    code: str = Field(max_length=20)
    decision_number: str = Field(default="", max_length=60)  # "15/QĐ-UBND"
    decision_date: date | None = None
    issuer: str = Field(default="", max_length=200)
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    golden_book: str = Field(default="", max_length=20)  # số sổ vàng, "0007/2026"
    revoked: bool = False  # Law 06/2022 Art. 93: a revoked award counts for nothing
    revoked_reason: str = Field(default="", max_length=500)


class Rating(SQLModel, table=True):
    """A subject's task-completion level for one year."""

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="rating_one_subject"),
        UniqueConstraint("person_id", "year", name="uq_rating_person_year"),
        UniqueConstraint("collective_id", "year", name="uq_rating_collective_year"),
        Index("ix_rating_person", "person_id", "level", "year"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    collective_id: int | None = Field(default=None, foreign_key="unit.id")
    year: int
    level: RatingLevel = Field(sa_type=enum_type(RatingLevel))
    source: str = Field(default="", max_length=200)  # the evaluation decision


class Initiative(SQLModel, table=True):
    """A recognised initiative or accepted scientific work (sáng kiến, đề tài) and its scope."""

    __table_args__ = (Index("ix_initiative_person", "person_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    year: int
    title: str = Field(default="", max_length=500)
    scope: Scope = Field(sa_type=enum_type(Scope))
    recognised_by: str = Field(default="", max_length=200)


class Discipline(SQLModel, table=True):
    """A disciplinary measure (kỷ luật) taken against a person in a year."""

    __table_args__ = (Index("ix_discipline_person", "person_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    year: int
    level: DisciplineLevel = Field(sa_type=enum_type(DisciplineLevel))
    decided_on: date | None = None


def by_year(
    session: Session, *, person_id: int | None = None, collective_id: int | None = None
) -> list[dict]:
    """A subject's record year by year, newest first: the rating, the awards (revoked ones
    marked), and for a person the initiatives and disciplinary measures."""
    years: dict[int, dict] = defaultdict(lambda: {"rating": None, **{k: [] for k in PER_YEAR}})
    key, value = ("person_id", person_id) if person_id is not None else ("collective_id", collective_id)
    for rating in session.exec(select(Rating).where(getattr(Rating, key) == value)):
        years[rating.year]["rating"] = rating.level
    tables = PER_YEAR if person_id is not None else {"awards": AwardRecord}
    for name, table in tables.items():
        rows = session.exec(select(table).where(getattr(table, key) == value).order_by(table.id))
        for row in rows:
            years[row.year][name].append(row.model_dump(exclude={"id", "person_id", "collective_id", "year"}))
    return [{"year": y, **years[y]} for y in sorted(years, reverse=True)]


PER_YEAR = {"awards": AwardRecord, "initiatives": Initiative, "discipline": Discipline}
