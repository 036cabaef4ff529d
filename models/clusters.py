"""Emulation clusters and blocks (cụm, khối thi đua; Law 06/2022 Art. 16(2)(c)): their members, the
year's leadership, the covenant (giao ước thi đua), the year-end scoring and the acclamation vote
(suy tôn) whose result is the `ClusterLead` the flag rules read (Arts. 25, 26; models/eligibility).

No statute fixes the scoring or the vote: each cluster's regulation (quy chế hoạt động cụm, khối;
HD 1479/HD-BTĐKT of 25/7/2016, old guidance, verified = false) does, so it is data on `Cluster`."""

from datetime import date, datetime
from enum import StrEnum
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.db import enum_type, utcnow


class ClusterKind(StrEnum):
    CLUSTER = "cluster"  # cụm thi đua: units of one area
    BLOCK = "block"  # khối thi đua: units of similar functions

    @property
    def label(self) -> str:
        return {"cluster": "Cụm", "block": "Khối"}[self.value]


class VoteBase(StrEnum):
    """What the acclamation threshold is a share of."""

    MEMBERS = "members"  # every member unit of the cluster
    PRESENT = "present"  # the member units present at the review meeting


class Aggregate(StrEnum):
    """How a member's score for one criterion is found; the standing body's verified score wins."""

    PEER_MEAN = "peer_mean"  # verified, else the mean of the other members' scores, else the self-score
    SELF = "self"  # verified, else the self-score (peers' scores are advisory)


class Cluster(SQLModel, table=True):
    """An emulation cluster or block and its regulation (quy chế): the vote rule, how many units it
    puts forward, how scores are aggregated. Its level is its organiser's (province, ministry or
    the Central Council's standing body): the flag it leads to follows from it (Arts. 25(2), 26(1))."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    organiser_unit_id: int = Field(foreign_key="unit.id")
    kind: ClusterKind = Field(default=ClusterKind.CLUSTER, sa_type=enum_type(ClusterKind))
    regulation: str = Field(default="", max_length=300)  # the quy chế's number and date
    threshold_pct: int = Field(default=50, ge=1, le=100)  # a leader needs MORE than this share
    vote_base: VoteBase = Field(default=VoteBase.MEMBERS, sa_type=enum_type(VoteBase))
    leaders: int = Field(default=1, ge=1)  # units acclaimed as leading (for the flag)
    certificates: int = Field(default=2, ge=0)  # further units proposed for a Bằng khen
    aggregate: Aggregate = Field(default=Aggregate.PEER_MEAN, sa_type=enum_type(Aggregate))


class ClusterMember(SQLModel, table=True):
    """A member unit, from `joined_on` (through `left_on`), at its place in the leaders' rotation."""

    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    rotation: int = 0  # its turn to lead (luân phiên), in ascending order
    joined_on: date | None = None
    left_on: date | None = None

    def member_on(self, day: date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or day <= self.left_on
        )


class ClusterLead(SQLModel, table=True):
    """The unit acclaimed as leading its cluster for a year (đơn vị dẫn đầu cụm, suy tôn)."""

    __table_args__ = (UniqueConstraint("cluster_id", "year", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id")
    year: int
    unit_id: int = Field(foreign_key="unit.id", index=True)


class Chosen(StrEnum):
    ROTATION = "rotation"  # its turn in the rotation order
    ELECTION = "election"  # elected by the members at the year-end review


class ClusterTerm(SQLModel, table=True):
    """The year's leader and deputy (cụm trưởng, cụm phó), chosen at the previous year's review by
    rotation or by election (HD 1122/BTĐKT-VI, old guidance, verified = false)."""

    __table_args__ = (
        UniqueConstraint("cluster_id", "year"),
        CheckConstraint("leader_unit_id <> deputy_unit_id", name="clusterterm_two_units"),
    )
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    year: int
    leader_unit_id: int = Field(foreign_key="unit.id")
    deputy_unit_id: int = Field(foreign_key="unit.id")
    chosen: Chosen = Field(sa_type=enum_type(Chosen))
    chosen_on: date
    note: str = Field(default="", max_length=500)


class Phase(StrEnum):
    """A cluster's year, in order: the covenant drafted, signed by every member, the scores, the vote."""

    DRAFT = "draft"
    SIGNED = "signed"
    SCORING = "scoring"
    VOTING = "voting"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "draft": "Dự thảo giao ước",
            "signed": "Đã ký giao ước",
            "scoring": "Đang chấm điểm",
            "voting": "Đang bỏ phiếu suy tôn",
            "closed": "Đã tổng kết",
        }[self.value]


class Covenant(SQLModel, table=True):
    """The year's emulation covenant (giao ước thi đua) of a cluster, and the year's phase: its
    scoring round and acclamation vote hang off it (HD 1479/HD-BTĐKT, verified = false)."""

    __table_args__ = (UniqueConstraint("cluster_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    year: int
    phase: Phase = Field(default=Phase.DRAFT, sa_type=enum_type(Phase))
    signed_on: date | None = None  # when the last member signed
    place: str = Field(default="", max_length=200)
    review_on: date | None = None  # the year-end review meeting (hội nghị tổng kết cụm)
    present: list[int] | None = Field(default=None, sa_type=sa.JSON)  # member units at the review
    version: int = 1


class Criterion(SQLModel, table=True):
    """One criterion of a covenant with its maximum score; a bonus criterion (điểm thưởng) counts in
    the total and, on a tie, on its own."""

    __table_args__ = (UniqueConstraint("covenant_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    covenant_id: int = Field(foreign_key="covenant.id", index=True)
    position: int
    section: str = Field(default="", max_length=200)  # the criteria group (nhóm tiêu chí)
    name: str = Field(max_length=500)
    max_score: float = Field(gt=0)
    bonus: bool = False


class Signature(SQLModel, table=True):
    """A member's head signed the covenant."""

    covenant_id: int = Field(foreign_key="covenant.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    signed_on: date


class Score(SQLModel, table=True):
    """A score a member unit gives (`by_unit_id`) another member, or itself, on one criterion."""

    __table_args__ = (UniqueConstraint("criterion_id", "unit_id", "by_unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    by_unit_id: int = Field(foreign_key="unit.id")
    points: float = Field(ge=0)
    at: datetime = Field(default_factory=utcnow)


class Verification(SQLModel, table=True):
    """The standing body's verified score of a member on one criterion (thẩm định), with its note."""

    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    points: float = Field(ge=0)
    note: str = Field(default="", max_length=1000)
    by_person_id: int = Field(foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)


class VoteCast(SQLModel, table=True):
    """That a member unit returned its acclamation ballot: nothing here says what it said."""

    covenant_id: int = Field(foreign_key="covenant.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class VoteEntry(SQLModel, table=True):
    """One name on one secret acclamation ballot, under a random id so that nothing orders or links
    it to the ballot's sender (design.md: who voted and what was voted stored apart)."""

    id: str = Field(default_factory=lambda: uuid4().hex, primary_key=True, max_length=32)
    covenant_id: int = Field(foreign_key="covenant.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
