"""Emulation campaigns and title registrations (the clusters are models/clusters.py)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.catalogue import RuleSet, default_catalogue
from models.db import enum_type, utcnow
from models.history import ONE_SUBJECT


class CampaignKind(StrEnum):
    ANNUAL = "annual"  # thi đua thường xuyên: the year-end review season (Law 06/2022 Art. 16(1)(a))
    THEMATIC = "thematic"  # thi đua theo chuyên đề (Law 06/2022 Art. 16(1)(b))
    PHASE = "phase"  # đợt thi đua: a dated stretch (đợt 1 for 30/4–1/5), often of a parent campaign
    MOVEMENT = "movement"  # a multi-year movement (2020–2025), reviewed at its end (tổng kết)


class Campaign(SQLModel, table=True):
    """A movement or review season (phong trào thi đua / đợt xét khen thưởng) of one organiser:
    what the law asks a campaign to fix before it is launched — targets, scope, time, the plan
    (Law 06/2022 Art. 17(1)) — and its sơ kết / tổng kết (Art. 17(5))."""

    id: int | None = Field(default=None, primary_key=True)
    organiser_unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=300)
    kind: CampaignKind = Field(default=CampaignKind.ANNUAL, sa_type=enum_type(CampaignKind))
    year: int  # the achievement year under review (năm thành tích); a movement's first year
    launched_on: date
    closes_on: date | None = None  # last day for units to submit
    parent_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)  # a phase's campaign
    theme: str = Field(default="", max_length=500)  # chủ đề, khẩu hiệu thi đua
    starts_on: date | None = None  # a phase's or a movement's span
    ends_on: date | None = None
    last_year: int | None = None  # a movement's last year (2020–2025: year 2020, last_year 2025)
    targets: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))  # chỉ tiêu thi đua
    awards: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))  # catalogue codes
    interim_review_on: date | None = None  # sơ kết
    final_review_on: date | None = None  # tổng kết
    plan_number: int | None = None  # the Kế hoạch phát động's number in the organiser's KH register
    plan_symbol: str = Field(default="", max_length=40)  # "KH-UBND"

    @property
    def plan_reference(self) -> str:
        """'03/KH-UBND' (Decree 30/2020 App. I §II.3: numbers below 10 take a leading zero)."""
        return f"{self.plan_number:02d}/{self.plan_symbol}" if self.plan_number else ""

    @property
    def years(self) -> int:
        """How many years the campaign runs: the spans the law ties awards to (Arts. 25(3), 26(2))."""
        return (self.last_year or self.year) - self.year + 1


def rules_of(campaign: Campaign, tenant: str | None = None) -> RuleSet:
    """The rule set a campaign's awards are read in: the one in force at its launch, or the first
    there is for a movement launched before the catalogue begins (Law 06/2022 from 1/1/2024)."""
    catalogue = default_catalogue()
    return catalogue.for_date(max(campaign.launched_on, catalogue.in_force_from), tenant)


class BatchState(StrEnum):
    SUBMITTED = "submitted"  # the unit sent its registrations to the level above
    APPROVED = "approved"  # the level above accepted them
    RETURNED = "returned"  # sent back with a reason, for the unit to complete and send again


_batch_version = sa.Column("version", sa.Integer, nullable=False, default=1)


class RegistrationBatch(SQLModel, table=True):
    """One unit's registrations for one campaign (bản đăng ký thi đua của đơn vị): the level
    above approves or returns them as a whole, as the registration form is signed as a whole."""

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    __mapper_args__ = {"version_id_col": _batch_version}
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)  # the registering grassroots unit
    state: BatchState = Field(default=BatchState.SUBMITTED, sa_type=enum_type(BatchState))
    reason: str = Field(default="", max_length=1000)  # why it was returned
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    submitted_at: datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    version: int = Field(default=1, sa_column=_batch_version)


class Registration(SQLModel, table=True):
    """A subject's registration for an emulation title at the start of the year (đăng ký)."""

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="registration_one_subject"),
        UniqueConstraint("campaign_id", "person_id", "collective_id", "award_code"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    collective_id: int | None = Field(default=None, foreign_key="unit.id")
    award_code: str = Field(max_length=20)
    unit_id: int = Field(foreign_key="unit.id")  # the registering grassroots unit
    batch_id: int | None = Field(default=None, foreign_key="registrationbatch.id", index=True)
    registered_by: int | None = Field(default=None, foreign_key="person.id")
    registered_at: datetime = Field(default_factory=utcnow)
