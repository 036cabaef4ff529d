"""The organisation: units in a tree, people, their posts and their roles."""

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Field, SQLModel, col

from models.db import enum_type


class UnitKind(StrEnum):
    CENTRAL = "central"  # Ban Thi đua - Khen thưởng Trung ương: appraises for the Government/PM
    STATE = "state"  # Văn phòng Chủ tịch nước: the President decides orders (Art. 77)
    MINISTRY = "ministry"  # Bộ, ban, ngành
    PROVINCE = "province"  # Ủy ban nhân dân tỉnh
    DISTRICT = "district"  # Ủy ban nhân dân huyện (Art. 80(2)); none from 1/7/2025 (two-level government)
    AGENCY = "agency"  # sở, ban; unit with legal personality under a ministry (Art. 80(1))
    ENTERPRISE = "enterprise"  # doanh nghiệp, hợp tác xã (Art. 80(4))
    COMMUNE = "commune"  # Ủy ban nhân dân xã, phường (Art. 80(3))
    SUBUNIT = "subunit"  # phòng, trung tâm, tổ: part of a grassroots unit


# Units whose head decides the grassroots titles and Giấy khen (Law 06/2022 Art. 80).
GRASSROOTS_KINDS = frozenset({UnitKind.AGENCY, UnitKind.ENTERPRISE, UnitKind.COMMUNE})


class Unit(SQLModel, table=True):
    """An agency or collective (cơ quan, đơn vị, tập thể); reorganisations are effective dates."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=300)
    abbreviation: str = Field(max_length=30)  # used in document symbols: QĐ-UBND, TTr-SNV
    kind: UnitKind = Field(sa_type=enum_type(UnitKind))
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    place: str = Field(default="", max_length=100)  # địa danh on documents
    head_title: str = Field(default="", max_length=100)  # e.g. "Giám đốc", "Chủ tịch"
    organisation_basis: str = Field(default="", max_length=500)  # the căn cứ on its own powers
    # The body whose head proposes this unit's decisions in a Tờ trình thẩm định, where its level
    # appraises (the catalogue's [levels.*] appraisal): a province's Sở Nội vụ, a ministry's Vụ
    # Thi đua - Khen thưởng, the Bộ Nội vụ for the Prime Minister (Law 06/2022 Art. 84(4), 89(2)(đ)).
    appraiser_id: int | None = Field(default=None, foreign_key="unit.id")
    flag_eligible: bool = True  # belongs to an emulation cluster, so can be given flags
    founded_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None  # dissolved or merged after this day
    # merged into (sáp nhập, hợp nhất) the day after `valid_to`: the successor takes over its
    # nominations and, where the rule set says so, its collective record
    successor_id: int | None = Field(default=None, foreign_key="unit.id", index=True)

    @property
    def authority(self) -> str:
        """Who decides in its name: 'Chủ tịch Ủy ban nhân dân tỉnh …', 'Giám đốc Sở Tài chính';
        a unit named after its head ('Thủ tướng Chính phủ') is its own authority."""
        if not self.head_title or self.name.lower().startswith(self.head_title.lower()):
            return self.name
        return f"{self.head_title} {self.name}"

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def ended_before(self, day: date) -> bool:
        return self.valid_to is not None and self.valid_to < day


class Person(SQLModel, table=True):
    """An individual; one identity across years and units."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200, index=True)
    gender: str = Field(default="", max_length=10)  # "nam" | "nữ": the list says Ông / Bà
    birth_date: date | None = None
    hometown: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)  # for notifications by e-mail, when given


class Membership(SQLModel, table=True):
    """A person's post in a unit over a period (chức vụ, đơn vị công tác)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    post: str = Field(default="", max_length=200)
    start_on: date
    end_on: date | None = None


class Role(StrEnum):
    UNIT_OFFICER = "unit_officer"  # cán bộ làm công tác thi đua của đơn vị
    SECRETARIAT = "secretariat"  # cơ quan thường trực Hội đồng TĐKT (Ban TĐKT, phòng TCCB)
    SECRETARIAT_HEAD = "secretariat_head"
    AUTHORITY = "authority"  # người có thẩm quyền quyết định khen thưởng (signs)
    ADMIN = "admin"


class RoleGrant(SQLModel, table=True):
    """A role held by a person in the scope of one unit, from `valid_from` through `valid_to`
    (either open): a grant ended or not yet begun gives no power."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: Role = Field(sa_type=enum_type(Role))
    unit_id: int = Field(foreign_key="unit.id", index=True)
    valid_from: date | None = None
    valid_to: date | None = None

    @classmethod
    def in_force(cls, day: date) -> ColumnElement[bool]:
        """The condition, in a query, of a grant in force on `day`."""
        return and_(
            or_(col(cls.valid_from).is_(None), col(cls.valid_from) <= day),
            or_(col(cls.valid_to).is_(None), col(cls.valid_to) >= day),
        )

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
