"""Stateless eligibility: send a subject's history, get the verdict with its articles."""

from collections import Counter
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.catalogue import NoRuleSet, UnknownAward, default_catalogue
from models.eligibility import SubjectMismatch, check, history_from_data
from models.errors import InvalidInput
from models.history import DisciplineLevel, RatingLevel, Scope
from models.text import NFCStr
from service.api import refusals

router = APIRouter(prefix="/api/v1/eligibility", tags=["eligibility"], responses=refusals(400, 413, 422))

FIRST_YEAR, LAST_YEAR = 1945, 2100
Year = Field(ge=FIRST_YEAR, le=LAST_YEAR)

# This route is public and stateless, so every list is bounded: what a caller sends must cost
# milliseconds, not seconds. A record names a year in FIRST_YEAR..LAST_YEAR (156 years, longer
# than any career, < 80 years, and than most units' lives): one rating a year, and a few awards,
# initiatives, measures or cluster leads a year at the very most: RECORDS allows about two a year
# to a unit founded in 1945 and more than three a year over a whole career. MEMBERS covers the
# staff of the largest units judged on their members' records (a hospital, a university), whose
# members need only send their review year.
RECORDS = 300
MEMBERS = 5000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AwardIn(Strict):
    year: int = Year
    code: str = Field(min_length=1, max_length=20)
    revoked: bool = False


class RatingIn(Strict):
    year: int = Year
    level: RatingLevel


class InitiativeIn(Strict):
    year: int = Year
    scope: Scope
    title: NFCStr = ""


class DisciplineIn(Strict):
    year: int = Year
    level: DisciplineLevel


class ClusterLeadIn(Strict):
    year: int = Year
    organiser: Literal["province", "ministry", "central"]


class HistoryIn(Strict):
    id: str | int | None = None
    name: NFCStr = ""
    awards: list[AwardIn] = Field(default=[], max_length=RECORDS)
    ratings: list[RatingIn] = Field(default=[], max_length=LAST_YEAR - FIRST_YEAR + 1)
    initiatives: list[InitiativeIn] = Field(default=[], max_length=RECORDS)

    @model_validator(mode="after")
    def one_rating_per_year(self):
        duplicated = sorted(y for y, n in Counter(r.year for r in self.ratings).items() if n > 1)
        if duplicated:
            raise ValueError(f"one rating per year: {duplicated} appear more than once")
        return self


class MemberIn(HistoryIn):
    discipline: list[DisciplineIn] = Field(default=[], max_length=RECORDS)


class SubjectIn(MemberIn):
    kind: Literal["individual", "collective"]
    members: list[MemberIn] = Field(default=[], max_length=MEMBERS)
    clusters: list[ClusterLeadIn] = Field(default=[], max_length=RECORDS)
    flag_eligible: bool = True
    founded: date | None = None

    @model_validator(mode="after")
    def members_only_for_collectives(self):
        if self.kind == "individual" and (self.members or self.clusters or self.founded):
            raise ValueError("members, clusters and founded describe a collective, not an individual")
        return self


class CheckIn(Strict):
    award: str = Field(min_length=1, max_length=20, examples=["CSTD_TINH"])
    as_of: date = Field(examples=["2026-01-10"])
    subject: SubjectIn
    review_year: int | None = Field(default=None, ge=FIRST_YEAR, le=LAST_YEAR)
    tenant: str | None = Field(default=None, max_length=40, description="province or ministry code")


class ReasonOut(BaseModel):
    rule: str
    article: str
    passed: bool
    evidence: list[dict[str, Any]]
    label: str
    route: str
    verified: bool = True
    needs_judgement: bool = False


class VerdictOut(BaseModel):
    eligible: bool
    status: Literal["eligible", "needs_judgement", "ineligible"]
    award: str
    subject: str
    review_year: int
    ruleset: str
    route: str | None
    reasons: list[ReasonOut]
    attestations: list[str]


@router.post("/check", response_model=VerdictOut)
def check_eligibility(body: CheckIn) -> dict[str, Any]:
    """Judge the periodic (service-chain) route of the award and the collective composition
    rules from the history given; routes resting on judgement come back as needing the council."""
    catalogue = default_catalogue()
    try:
        ruleset = catalogue.for_date(body.as_of, body.tenant)
        ruleset.award(body.award)
        known = set(ruleset.awards)
        unknown = sorted({a.code for m in (body.subject, *body.subject.members) for a in m.awards} - known)
        if unknown:
            raise InvalidInput(f"unknown award codes in the history: {unknown}; known: {sorted(known)}")
        history = history_from_data(body.subject.kind, body.subject.model_dump())
        verdict = check(history, body.award, body.as_of, year=body.review_year, tenant=body.tenant)
    except (UnknownAward, SubjectMismatch, NoRuleSet) as error:
        raise InvalidInput(str(error).strip("'\"")) from None
    return verdict.to_dict()
