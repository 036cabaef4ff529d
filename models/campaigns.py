"""Emulation campaigns and title registrations (the clusters are models/clusters.py)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.db import enum_type, utcnow
from models.history import ONE_SUBJECT


class CampaignKind(StrEnum):
    ANNUAL = "annual"  # thi đua thường xuyên: the year-end review season
    THEMATIC = "thematic"  # thi đua theo chuyên đề (Law 06/2022 Art. 16(1))


class Campaign(SQLModel, table=True):
    """A movement or review season (phong trào thi đua / đợt xét khen thưởng) of one organiser."""

    id: int | None = Field(default=None, primary_key=True)
    organiser_unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=300)
    kind: CampaignKind = Field(default=CampaignKind.ANNUAL, sa_type=enum_type(CampaignKind))
    year: int  # the achievement year under review (năm thành tích)
    launched_on: date
    closes_on: date | None = None  # last day for units to submit


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
    registered_by: int | None = Field(default=None, foreign_key="person.id")
    registered_at: datetime = Field(default_factory=utcnow)
