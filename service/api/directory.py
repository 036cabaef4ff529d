"""The directory: units (the tree, with effective dates), people and their posts, councils and
their members, the award catalogue, campaigns. Each scoped (models/sight.py): what is out of the
caller's sight is left out of a list, and its page answers 404, as for an id that does not exist."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models import campaigning, search, sight
from models.access import Actor, today
from models.campaigns import Campaign, CampaignKind
from models.catalogue import Award, RuleSet, UnknownAward, default_catalogue
from models.councils import Council, CouncilMember, Position
from models.errors import NotFound
from models.lists import Paging
from models.org import Membership, Person, RoleGrant, Unit, UnitKind
from models.routing import Org
from service.api import PRINTABLE, PathId, refusals
from service.api.documents import FILE
from service.api.lists import Columns, Id, ListFormat, Page, PagingDep, Ref, listed, one, paged
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["directory"], responses=refusals(401, 404, 422))
NameQuery = Annotated[
    str | None, Query(max_length=100, pattern=PRINTABLE, description="words of the name, accents optional")
]


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    abbreviation: str
    kind: UnitKind
    parent_id: int | None
    founded_on: date | None
    valid_from: date | None
    valid_to: date | None
    successor_id: int | None  # merged into it the day after valid_to


class UnitDetail(UnitOut):
    parents: list[UnitOut]  # nearest first
    children: list[UnitOut]
    merged_from: list[UnitOut]  # the units merged into it, at any remove ("Sáp nhập từ …")
    merged_into: UnitOut | None  # "Đã sáp nhập vào …": where its nominations go now


def _in(column, ids: set[int] | None):
    return None if ids is None else col(column).in_(ids)


def _matching(session: Session, column, entity: str, q: str | None):
    if q is None:
        return None
    found = search.matching(session, entity, q)
    return col(column).in_(found) if found is not None else col(column).is_(None)  # no word: nothing


UNIT_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Mã", "code", 14),
    ("Tên đơn vị", "name", 40),
    ("Viết tắt", "abbreviation", 12),
    ("Loại", "kind", 14),
    ("Đơn vị cấp trên (số)", "parent_id", 10),
    ("Thành lập", "founded_on", 12),
    ("Hiệu lực từ", "valid_from", 12),
    ("Hiệu lực đến", "valid_to", 12),
]


@router.get("/units", response_model=Page[UnitOut], responses=FILE)
def units(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    root: Id = None,
    on: date | None = None,
    q: NameQuery = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The units in the caller's sight: those below their roles and the tree above them. `root`:
    a unit and those under it; `on`: those in existence that day; `q`: by name or abbreviation."""
    where = [
        _in(Unit.id, sight.units(session, actor)),
        _in(Unit.id, Org.of(session).below({root}) if root else None),
        sight.in_force(on) if on else None,
        _matching(session, Unit.id, "unit", q),
    ]
    return listed(
        format, paging, lambda p: paged(session, Unit, where, p, col(Unit.id)), "don_vi", UNIT_COLUMNS
    )


def _visible_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    seen = sight.units(session, actor)
    unit = Org.of(session).units.get(unit_id)
    if unit is None or (seen is not None and unit_id not in seen):
        raise NotFound(f"Không có đơn vị #{unit_id}")
    return unit


@router.get("/units/{unit_id}", response_model=UnitDetail)
def unit(unit_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    found, org = _visible_unit(session, actor, unit_id), Org.of(session)
    seen = sight.units(session, actor)
    children = [u for u in org.units.values() if u.parent_id == unit_id and (seen is None or u.id in seen)]
    return found.model_dump() | {
        "parents": org.ancestors(unit_id)[1:],
        "children": sorted(children, key=lambda u: u.id),
        "merged_from": org.predecessors(unit_id),
        "merged_into": org.unit(found.successor_id),
    }


class Post(BaseModel):
    unit: Ref
    post: str
    start_on: date
    end_on: date | None


class PersonOut(BaseModel):
    id: int
    full_name: str
    gender: str
    posts: list[Post]  # current posts (all, on a person's own page)


class Grant(BaseModel):
    role: str
    unit: Ref
    valid_from: date | None = None
    valid_to: date | None = None


class Seat(BaseModel):
    council: Ref
    position: Position
    active: bool


class PersonDetail(PersonOut):
    birth_date: date | None
    roles: list[Grant]
    councils: list[Seat]


def _current():
    return col(Membership.end_on).is_(None) | (col(Membership.end_on) >= today())


def _posts(session: Session, people: list[Person], current: bool) -> dict[int, list[Post]]:
    query = select(Membership, Unit.name).join(Unit, col(Unit.id) == Membership.unit_id)
    query = query.where(col(Membership.person_id).in_([p.id for p in people]))
    if current:
        query = query.where(_current())
    posts: dict[int, list[Post]] = {p.id: [] for p in people}
    for m, name in session.exec(query.order_by(col(Membership.start_on))):
        posts[m.person_id].append(Post(unit=Ref(id=m.unit_id, name=name), **m.model_dump()))
    return posts


PEOPLE_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Họ và tên", "full_name", 30),
    ("Giới tính", "gender", 9),
    ("Chức vụ, đơn vị", lambda p: "; ".join(f"{post.post}, {post.unit.name}" for post in p["posts"]), 60),
]


@router.get("/people", response_model=Page[PersonOut], responses=FILE)
def people(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    q: NameQuery = None,
    unit_id: Id = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The people the caller may see, found by name with or without accents; `unit_id`: those
    working there now."""
    working = select(Membership.person_id).where(Membership.unit_id == unit_id, _current())
    where = [sight.people(session, actor), _matching(session, Person.id, "person", q)]
    where += [col(Person.id).in_(working)] if unit_id else []

    def fetch(paging: Paging) -> tuple[list[dict], int]:
        found, total = paged(session, Person, where, paging, col(Person.full_name), col(Person.id))
        posts = _posts(session, found, current=True)
        return [p.model_dump() | {"posts": posts[p.id]} for p in found], total

    return listed(format, paging, fetch, "ca_nhan", PEOPLE_COLUMNS)


@router.get("/people/{person_id}", response_model=PersonDetail)
def person(person_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    """A person: their posts over time, the roles they hold, the councils they sit on."""
    found = one(session, Person, person_id, sight.people(session, actor), "người")
    units = Org.of(session).units
    grants = session.exec(
        select(RoleGrant).where(RoleGrant.person_id == person_id).order_by(col(RoleGrant.id))
    )
    seats = session.exec(
        select(CouncilMember, Council.name)
        .join(Council, col(Council.id) == CouncilMember.council_id)
        .where(CouncilMember.person_id == person_id)
    )
    return found.model_dump() | {
        "posts": _posts(session, [found], current=False)[person_id],
        # effective dates, where the grants carry them
        "roles": [
            Grant(
                role=g.role,
                unit=Ref(id=g.unit_id, name=units[g.unit_id].name),
                valid_from=getattr(g, "valid_from", None),
                valid_to=getattr(g, "valid_to", None),
            )
            for g in grants
        ],
        "councils": [
            Seat(council=Ref(id=m.council_id, name=name), position=m.position, active=m.active)
            for m, name in seats
        ],
    }


class CouncilOut(BaseModel):
    id: int
    name: str
    unit: Ref
    members: int


class Member(BaseModel):
    id: int  # the seat: what attendance names
    person: Ref
    position: Position
    active: bool


class CouncilDetail(CouncilOut):
    seats: list[Member]


def _councils(session: Session, councils: list[Council]) -> list[dict]:
    units = Org.of(session).units
    counts = dict(
        session.exec(
            select(CouncilMember.council_id, func.count())
            .where(col(CouncilMember.council_id).in_([c.id for c in councils]), CouncilMember.active)
            .group_by(CouncilMember.council_id)
        ).all()
    )
    return [
        c.model_dump()
        | {"unit": Ref(id=c.unit_id, name=units[c.unit_id].name), "members": counts.get(c.id, 0)}
        for c in councils
    ]


COUNCIL_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Hội đồng", "name", 40),
    ("Đơn vị", "unit.name", 36),
    ("Số thành viên", "members", 10),
]


@router.get("/councils", response_model=Page[CouncilOut], responses=FILE)
def councils(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """The councils the caller sits on, and those of the units in their charge."""
    where = [sight.councils(session, actor)]

    def fetch(paging: Paging) -> tuple[list[dict], int]:
        found, total = paged(session, Council, where, paging, col(Council.id))
        return _councils(session, found), total

    return listed(format, paging, fetch, "hoi_dong", COUNCIL_COLUMNS)


@router.get("/councils/{council_id}", response_model=CouncilDetail)
def council(council_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    """A council with its members, their positions and whether they still sit."""
    found = one(session, Council, council_id, sight.councils(session, actor), "Hội đồng")
    seats = session.exec(
        select(CouncilMember, Person.full_name)
        .join(Person, col(Person.id) == CouncilMember.person_id)
        .where(CouncilMember.council_id == council_id)
        .order_by(col(CouncilMember.id))
    )
    return _councils(session, [found])[0] | {
        "seats": [
            Member(id=m.id, person=Ref(id=m.person_id, name=name), position=m.position, active=m.active)
            for m, name in seats
        ]
    }


# --------------------------------------------------------------------------------- the catalogue


class RuleOut(BaseModel):
    id: str
    label: str
    article: str


class RouteOut(BaseModel):
    id: str
    subject: str
    label: str
    article: str
    judgement: bool
    rules: list[RuleOut]


class DossierItemOut(BaseModel):
    kind: str
    label: str
    when: str | None  # only then is it required: "initiative", "judgement", a level


class AwardOut(BaseModel):
    code: str
    name: str
    kind: str  # "title" (danh hiệu) | "form" (hình thức)
    subjects: list[str]
    level: str  # where it is decided: the last level of its route
    route: list[str]
    route_article: str
    decided_by: str
    decider: str
    decided_by_article: str
    ruleset: str


class AwardDetail(AwardOut):
    routes: list[RouteOut]
    dossier: list[DossierItemOut]


class DossierKindOut(BaseModel):
    kind: str
    label: str
    scope: str  # "nomination" (each nominee's) | "submission" (the batch's)
    article: str


def ruleset_of(session: Session, actor: Actor) -> RuleSet:
    """The rule set in force today for the caller's tenant: the province or ministry above the
    units where they hold a role or work (the national one if none)."""
    org = Org.of(session)
    near = sorted(sight.role_units(actor) | sight.own_units(session, actor))
    tenant = next((t for t in map(org.tenant, near) if t), None)
    return default_catalogue().for_date(today(), tenant)


def _award(award: Award, ruleset: RuleSet, detail: bool = False) -> dict[str, Any]:
    out = {
        "code": award.code,
        "name": award.name,
        "kind": award.kind,
        "subjects": sorted(award.subjects),
        "level": award.route[-1],
        "route": list(award.route),
        "route_article": award.route_article,
        "decided_by": award.decided_by,
        "decider": award.decider_label,
        "decided_by_article": award.decided_by_article,
        "ruleset": ruleset.id,
    }
    if detail:
        out["routes"] = [
            {**r.__dict__, "rules": [{"id": x.id, "label": x.label, "article": x.article} for x in r.rules]}
            for r in award.routes
        ]
        out["dossier"] = [
            {"kind": d.kind, "label": ruleset.dossier_kind(d.kind, award)["label"], "when": d.when}
            for d in award.dossier
        ]
    return out


@router.get("/catalogue/awards", response_model=list[AwardOut])
def awards(session: SessionDep, actor: ActorDep) -> list[dict]:
    """The titles and forms of the caller's rule set, with who decides them and along which route."""
    ruleset = ruleset_of(session, actor)
    return [_award(a, ruleset) for a in ruleset.awards.values()]


@router.get("/catalogue/awards/{code}", response_model=AwardDetail)
def award(
    code: Annotated[str, Path(max_length=20, pattern=PRINTABLE)],
    session: SessionDep,
    actor: ActorDep,
) -> dict:
    """An award with the routes to it, each rule citing its article, and its dossier."""
    ruleset = ruleset_of(session, actor)
    try:
        return _award(ruleset.award(code), ruleset, detail=True)
    except UnknownAward:
        raise NotFound(f"Không có danh hiệu, hình thức khen thưởng {code}") from None


@router.get("/catalogue/dossier-kinds", response_model=list[DossierKindOut])
def dossier_kinds(session: SessionDep, actor: ActorDep) -> list[dict]:
    ruleset = ruleset_of(session, actor)
    return [
        {"kind": kind, "label": spec["label"], "scope": spec["scope"], "article": spec["article"]}
        for kind, spec in ruleset.dossier_kinds.items()
    ]


# --------------------------------------------------------------------------------- campaigns


class CampaignOut(BaseModel):
    id: int
    name: str
    kind: CampaignKind
    year: int
    organiser: Ref
    launched_on: date
    closes_on: date | None
    # what it sets out (service/api/campaigns.py creates and launches it)
    parent_id: int | None = None  # a phase's campaign
    theme: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    last_year: int | None = None
    targets: list[str] = []
    awards: list[str] = []
    interim_review_on: date | None = None
    final_review_on: date | None = None
    plan_reference: str = ""  # its Kế hoạch phát động, once launched
    unlocks: dict[str, str] = {}  # award → the article tying it to the campaign's length


def _campaigns(session: Session, found: list[Campaign]) -> list[dict]:
    units = Org.of(session).units
    return [
        c.model_dump()
        | {
            "organiser": Ref(id=c.organiser_unit_id, name=units[c.organiser_unit_id].name),
            "plan_reference": c.plan_reference,
            "unlocks": campaigning.unlocked(c),
        }
        for c in found
    ]


CAMPAIGN_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Đợt thi đua", "name", 40),
    ("Loại", "kind", 14),
    ("Năm", "year", 7),
    ("Đơn vị phát động", "organiser.name", 36),
    ("Ngày phát động", "launched_on", 12),
    ("Ngày kết thúc", "closes_on", 12),
]


@router.get("/campaigns", response_model=Page[CampaignOut], responses=FILE)
def campaigns(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The campaigns organised in or above the caller's units (and below those in their charge)."""
    where = [_in(Campaign.organiser_unit_id, sight.units(session, actor))]
    where += [col(Campaign.year) == year] if year else []

    def fetch(paging: Paging) -> tuple[list[dict], int]:
        found, total = paged(session, Campaign, where, paging, col(Campaign.year).desc(), col(Campaign.id))
        return _campaigns(session, found), total

    return listed(format, paging, fetch, "dot_thi_dua", CAMPAIGN_COLUMNS)


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
def campaign(campaign_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    return _campaigns(session, [sight.campaign(session, actor, campaign_id)])[0]
