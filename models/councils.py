"""Emulation and commendation councils (Hội đồng Thi đua - Khen thưởng), sessions and ballots.

For a secret ballot, *that* a member voted (BallotCast) and *what* was voted (BallotEntry) live in
separate tables with nothing to join them: entries carry a random id, no member and no time.
"""

from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.db import enum_type, utcnow


class Position(StrEnum):
    CHAIR = "chair"  # Chủ tịch Hội đồng
    VICE_CHAIR = "vice_chair"  # Phó Chủ tịch
    STANDING = "standing"  # Ủy viên thường trực
    MEMBER = "member"  # Ủy viên


class Council(SQLModel, table=True):
    """The council that advises a unit's head on awards (Law 06/2022 Art. 90(4))."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", unique=True)
    name: str = Field(max_length=300)


def council_name(unit_name: str) -> str:
    """'Hội đồng Thi đua - Khen thưởng Sở Tài chính'; a province's council bears the province's
    name, not its People's Committee's: 'Hội đồng Thi đua - Khen thưởng tỉnh …'."""
    return f"Hội đồng Thi đua - Khen thưởng {unit_name.removeprefix('Ủy ban nhân dân ')}"


class CouncilMember(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("council_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    position: Position = Field(default=Position.MEMBER, sa_type=enum_type(Position))
    active: bool = True


class SessionState(StrEnum):
    OPEN = "open"  # members vote
    CLOSED = "closed"  # voting ended, waiting for the tally
    TALLIED = "tallied"  # results recorded, nominations moved on


class CouncilSession(SQLModel, table=True):
    """One meeting of a council (phiên họp), with its agenda, attendance and ballots."""

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    held_at: datetime
    place: str = Field(default="", max_length=300)
    chair_id: int | None = Field(default=None, foreign_key="person.id")
    secretary_id: int | None = Field(default=None, foreign_key="person.id")
    state: SessionState = Field(default=SessionState.OPEN, sa_type=enum_type(SessionState))
    closed_at: datetime | None = None
    number: int | None = None  # the minutes' number in the council's own series, once closed
    symbol: str = Field(default="", max_length=40)  # "BB-HĐTĐKT"


class SessionItem(SQLModel, table=True):
    """A nomination on a session's agenda."""

    session_id: int = Field(foreign_key="councilsession.id", primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", primary_key=True, index=True)


class Attendance(SQLModel, table=True):
    """Whether a member attended; absent members may send a written opinion (ý kiến bằng văn bản)."""

    session_id: int = Field(foreign_key="councilsession.id", primary_key=True)
    member_id: int = Field(foreign_key="councilmember.id", primary_key=True)
    present: bool
    written_opinion: bool = False


class BallotCast(SQLModel, table=True):
    """That a member returned a ballot paper for a session (in person or in writing)."""

    __table_args__ = (UniqueConstraint("session_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="councilsession.id", index=True)
    member_id: int = Field(foreign_key="councilmember.id")
    written: bool = False
    cast_at: datetime = Field(default_factory=utcnow)


class Choice(StrEnum):
    YES = "yes"  # đồng ý
    NO = "no"  # không đồng ý
    INVALID = "invalid"  # phiếu không hợp lệ


class BallotEntry(SQLModel, table=True):
    """What one ballot said about one nominee. `member_id` is set only for open ballots."""

    id: str = Field(default_factory=lambda: uuid4().hex, primary_key=True, max_length=32)
    session_id: int = Field(foreign_key="councilsession.id", index=True)
    nomination_id: int = Field(foreign_key="nomination.id")
    choice: Choice = Field(sa_type=enum_type(Choice))
    member_id: int | None = Field(default=None, foreign_key="councilmember.id")


class TallyResult(SQLModel, table=True):
    """The counted result for one nominee, as the minutes (Biên bản) report it."""

    session_id: int = Field(foreign_key="councilsession.id", primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", primary_key=True)
    members_total: int
    present: int
    ballots_issued: int  # handed out at the meeting: one to each member present
    written: int = 0  # absent members' written opinions, counted apart from the ballots issued
    valid: int
    yes: int
    no: int
    base: int  # the denominator the rule names: all members, or those present
    threshold: str = Field(max_length=10)  # e.g. "9/10"
    quorum_met: bool
    passed: bool
