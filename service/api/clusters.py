"""Emulation clusters and blocks: the year's leadership, the covenant and its signatures, the
scoring round, the standing body's verification, the acclamation vote and its result. The
organiser's secretariat (or the year's leading unit) organises; member units sign, score and vote
(models/cluster_year.py says who may do what; its refusals come back as 403/404/409/422)."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from flows.triggers import trigger
from models import cluster_vote as vote
from models import cluster_year as cy
from models import excel
from models.access import today
from models.clusters import Cluster, ClusterMember, ClusterTerm, Covenant, Signature
from models.errors import InvalidInput
from models.org import Unit
from models.route import Flow
from models.text import NFCStr
from service.api import MAX_ID, PathId, RowId, refusals
from service.api.documents import FILE, XLSX, FileOut, attachment, generated_files
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["clusters"], responses=refusals(400, 401, 403, 404, 409, 413, 422))

Year = Annotated[int, Field(ge=2000, le=2100)]
Points = Annotated[float, Field(ge=0, le=1000)]
MemberId = Annotated[
    RowId | None, Field(description="the member unit you act for, if you hold a role at more than one")
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TermIn(Body):
    year: Year
    chosen_on: date
    leader_unit_id: RowId | None = Field(default=None, description="elected; none: by rotation")
    deputy_unit_id: RowId | None = None
    note: Annotated[NFCStr, Field(max_length=500)] = ""


class CriterionBody(Body):
    name: Annotated[NFCStr, Field(min_length=1, max_length=500)]
    max_score: Annotated[float, Field(gt=0, le=1000)]
    section: Annotated[NFCStr, Field(max_length=200)] = ""
    bonus: bool = False


class CovenantIn(Body):
    year: Year
    place: Annotated[NFCStr, Field(max_length=200)] = ""
    criteria: Annotated[list[CriterionBody], Field(min_length=1, max_length=100)]


class SignIn(Body):
    signed_on: date
    unit_id: MemberId = None


class ScoreIn(Body):
    unit_id: RowId = Field(description="the member scored (your own unit: your self-score)")
    points: Annotated[dict[str, Points], Field(description="criterion id → points", max_length=100)]
    by_unit_id: MemberId = None


class VerifyIn(Body):
    unit_id: RowId
    criterion_id: RowId
    points: Points
    note: Annotated[NFCStr, Field(max_length=1000)] = ""


class VoteOpenIn(Body):
    review_on: date
    present: Annotated[list[RowId], Field(min_length=1, max_length=500)]


class BallotIn(Body):
    choices: Annotated[list[RowId], Field(max_length=50)]
    unit_id: MemberId = None


class MemberOut(BaseModel):
    unit_id: int
    name: str
    rotation: int
    joined_on: date | None
    left_on: date | None


class TermOut(BaseModel):
    year: int
    leader_unit_id: int
    deputy_unit_id: int
    chosen: str
    chosen_on: date


class ClusterOut(BaseModel):
    id: int
    name: str
    kind: str
    organiser_unit_id: int
    regulation: str
    threshold_pct: int
    vote_base: str
    leaders: int
    certificates: int
    aggregate: str


class ClusterDetail(ClusterOut):
    members: list[MemberOut]
    terms: list[TermOut]
    covenants: dict[int, int] = Field(description="year → covenant id")


class CriterionOut(BaseModel):
    id: int
    position: int
    section: str
    name: str
    max_score: float
    bonus: bool


class StandingOut(BaseModel):
    unit_id: int
    name: str
    scores: list[float]
    total: float
    at_max: int
    bonus: float
    votes: int
    rank: int
    separated_by: str


class CovenantOut(BaseModel):
    id: int
    cluster_id: int
    year: int
    phase: str
    version: int
    signed_on: date | None
    review_on: date | None
    present: list[int]
    signed: list[int]
    criteria: list[CriterionOut]
    standings: list[StandingOut]
    ballots: int
    base: int
    leaders: list[int]
    certificates: list[int]
    proposals: list[tuple[str, int]]


def _cluster_out(c: Cluster) -> dict[str, Any]:
    return ClusterOut.model_validate(c, from_attributes=True).model_dump()


@router.get("/clusters", response_model=list[ClusterOut])
def list_clusters(session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The clusters and blocks whose organiser the caller sees."""
    clusters = session.exec(select(Cluster).order_by(col(Cluster.id))).all()
    return [_cluster_out(c) for c in clusters if cy.visible(session, actor, c)]


@router.get("/clusters/{cluster_id}", response_model=ClusterDetail)
def cluster_detail(cluster_id: PathId, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    return detail(session, cy.get_cluster(session, actor, cluster_id))


def detail(session, cluster: Cluster) -> dict[str, Any]:
    """A cluster with its members (all, with their dates), its leadership by year, its covenants."""
    rows = session.exec(
        select(ClusterMember, Unit)
        .join(Unit, col(Unit.id) == ClusterMember.unit_id)
        .where(ClusterMember.cluster_id == cluster.id)
        .order_by(col(ClusterMember.rotation))
    ).all()
    terms = session.exec(
        select(ClusterTerm).where(ClusterTerm.cluster_id == cluster.id).order_by(col(ClusterTerm.year))
    ).all()
    covenants = session.exec(
        select(Covenant.year, Covenant.id).where(Covenant.cluster_id == cluster.id)
    ).all()
    return _cluster_out(cluster) | {
        "members": [
            {
                "unit_id": m.unit_id,
                "name": u.name,
                "rotation": m.rotation,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m, u in rows
        ],
        "terms": [TermOut.model_validate(t, from_attributes=True).model_dump() for t in terms],
        "covenants": dict(covenants),
    }


@router.post("/clusters/{cluster_id}/terms", status_code=201, response_model=TermOut)
def choose_leadership(cluster_id: PathId, body: TermIn, session: SessionDep, actor: ActorDep) -> ClusterTerm:
    """The year's leader and deputy: by rotation, or as elected (both units named)."""
    term = cy.choose_leadership(
        session,
        actor,
        cluster_id,
        body.year,
        on=body.chosen_on,
        leader_unit_id=body.leader_unit_id,
        deputy_unit_id=body.deputy_unit_id,
        note=body.note,
    )
    session.commit()
    return term


@router.post("/clusters/{cluster_id}/covenants", status_code=201, response_model=CovenantOut)
def draft_covenant(cluster_id: PathId, body: CovenantIn, session: SessionDep, actor: ActorDep) -> dict:
    criteria = [cy.CriterionIn(**c.model_dump()) for c in body.criteria]
    covenant = cy.draft_covenant(session, actor, cluster_id, body.year, criteria, place=body.place)
    session.commit()
    return covenant_view(session, actor, covenant.id)


def covenant_view(session, actor, covenant_id: int) -> dict[str, Any]:
    """The year as the page and the documents show it."""
    covenant, cluster = cy.covenant_of(session, actor, covenant_id)
    year = vote.standings(session, covenant, cluster)
    names = dict(
        session.exec(
            select(Unit.id, Unit.name).where(col(Unit.id).in_([s.unit_id for s in year.standings]))
        ).all()
    )
    signed = session.exec(select(Signature.unit_id).where(Signature.covenant_id == covenant_id)).all()
    return {
        "id": covenant.id,
        "cluster_id": cluster.id,
        "year": covenant.year,
        "phase": covenant.phase.value,
        "version": covenant.version,
        "signed_on": covenant.signed_on,
        "review_on": covenant.review_on,
        "present": covenant.present or [],
        "signed": sorted(signed),
        "criteria": [
            CriterionOut.model_validate(c, from_attributes=True).model_dump() for c in year.criteria
        ],
        "standings": [s.__dict__ | {"name": names[s.unit_id]} for s in year.standings],
        "ballots": year.ballots,
        "base": year.base,
        "leaders": year.result.leaders,
        "certificates": year.result.certificates,
        "proposals": vote.proposals(session, year),
    }


Format = Annotated[Literal["json", "xlsx"], Query(description="json, or xlsx: the scores table")]


@router.get("/covenants/{covenant_id}", response_model=CovenantOut, responses=FILE)
def covenant(covenant_id: PathId, session: SessionDep, actor: ActorDep, format: Format = "json"):
    """The year: criteria, signatures, each member's scores per criterion, the ranking and, once
    the vote is closed, its result. As .xlsx with `format=xlsx`: the scores table."""
    view = covenant_view(session, actor, covenant_id)
    if format == "json":
        return view
    headers = [("Hạng", "", 7), ("Đơn vị", "", 40)]
    headers += [(f"{c['position']}. {c['name']}", f"tối đa {c['max_score']:g}", 16) for c in view["criteria"]]
    headers += [("Tổng điểm", "", 11), ("Phiếu suy tôn", "", 11)]
    rows = [[s["rank"], s["name"], *s["scores"], s["total"], s["votes"]] for s in view["standings"]]
    return attachment(
        excel.table("Bảng điểm", headers, rows), f"bang_diem_cum_{view['year']}_{today():%Y%m%d}.xlsx", XLSX
    )


@router.get("/covenants/{covenant_id}/files", response_model=list[FileOut])
def covenant_files(covenant_id: PathId, session: SessionDep, actor: ActorDep) -> list[FileOut]:
    """The covenant (giao_uoc) once signed; the review's minutes (bien_ban_cum) and the cluster's
    Tờ trình (to_trinh_cum) once the vote is counted."""
    return generated_files(session, actor, "covenant", covenant_id)


@router.post("/covenants/{covenant_id}/signatures", status_code=201, response_model=CovenantOut)
def sign(covenant_id: PathId, body: SignIn, session: SessionDep, actor: ActorDep) -> dict:
    """A member's head signs the covenant; it is in force once every member has."""
    signature = cy.sign_covenant(session, actor, covenant_id, on=body.signed_on, unit_id=body.unit_id)
    in_force = session.get(Covenant, signature.covenant_id).signed_on is not None
    session.commit()
    if in_force:  # the last signature: the covenant is written
        trigger(Flow.CLUSTER, covenant_id=covenant_id)
    return covenant_view(session, actor, covenant_id)


@router.post("/covenants/{covenant_id}/scoring", response_model=CovenantOut)
def open_scoring(covenant_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    cy.open_scoring(session, actor, covenant_id)
    session.commit()
    return covenant_view(session, actor, covenant_id)


def _criterion_ids(points: dict[str, float]) -> dict[int, float]:
    try:
        found = {int(k): v for k, v in points.items()}
    except ValueError:
        raise InvalidInput("Khóa của `points` là số hiệu tiêu chí", field="points") from None
    if any(not 1 <= k <= MAX_ID for k in found):
        raise InvalidInput("Không có tiêu chí này", field="points")
    return found


@router.post("/covenants/{covenant_id}/scores", status_code=201, response_model=CovenantOut)
def score(covenant_id: PathId, body: ScoreIn, session: SessionDep, actor: ActorDep) -> dict:
    """A member's scores of one member (itself: its self-score) on every criterion, once (409 after)."""
    cy.score(session, actor, covenant_id, body.unit_id, _criterion_ids(body.points), unit_id=body.by_unit_id)
    session.commit()
    return covenant_view(session, actor, covenant_id)


@router.post("/covenants/{covenant_id}/verifications", response_model=CovenantOut)
def verify(covenant_id: PathId, body: VerifyIn, session: SessionDep, actor: ActorDep) -> dict:
    """The standing body's verified score of one member on one criterion, with its note."""
    cy.verify(session, actor, covenant_id, body.unit_id, body.criterion_id, body.points, note=body.note)
    session.commit()
    return covenant_view(session, actor, covenant_id)


@router.post("/covenants/{covenant_id}/vote", response_model=CovenantOut)
def open_vote(covenant_id: PathId, body: VoteOpenIn, session: SessionDep, actor: ActorDep) -> dict:
    """The year-end review: the members present, and the secret ballot opened."""
    vote.open_vote(session, actor, covenant_id, review_on=body.review_on, present=body.present)
    session.commit()
    return covenant_view(session, actor, covenant_id)


@router.post("/covenants/{covenant_id}/ballots", status_code=204, response_class=Response)
def cast(covenant_id: PathId, body: BallotIn, session: SessionDep, actor: ActorDep) -> Response:
    """A present member's secret ballot (409 the second time)."""
    vote.cast_vote(session, actor, covenant_id, body.choices, unit_id=body.unit_id)
    session.commit()
    return Response(status_code=204)


@router.post("/covenants/{covenant_id}/close", response_model=CovenantOut)
def close(covenant_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    """The count: the acclaimed leader(s), recorded for the flag's rule, and the Bằng khen proposals."""
    vote.close_vote(session, actor, covenant_id)
    session.commit()
    trigger(Flow.CLUSTER, covenant_id=covenant_id)  # the minutes and the Tờ trình
    return covenant_view(session, actor, covenant_id)
