"""A cluster's year, step by step: the leadership (rotation or election), the covenant drafted and
signed by every member's head, the scoring round (self, peers, the standing body's verification);
the acclamation vote and its result are models/cluster_vote.py (Law 06/2022 Art. 16(2)(c);
HD 1479/HD-BTĐKT, old guidance, verified = false).

Who does what: the cluster is organised by its organiser's secretariat (Ban Thi đua - Khen thưởng)
or by the year's leading unit (cụm trưởng: its head or its secretariat); a member unit acts through
its head, its secretariat or its emulation officer, and its head alone signs the covenant.
Every step is audit-logged; a second score or ballot for the same thing is refused with 409."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models import audit, sight
from models.access import Actor
from models.clusters import (
    Chosen,
    Cluster,
    ClusterMember,
    ClusterTerm,
    Covenant,
    Criterion,
    Phase,
    Score,
    Signature,
    Verification,
)
from models.db import utcnow
from models.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from models.guards import official_date
from models.org import Role
from models.text import nfc

MEMBER_ROLES = frozenset({Role.AUTHORITY, Role.SECRETARIAT, Role.UNIT_OFFICER})
ORGANISER_ROLES = frozenset({Role.AUTHORITY, Role.SECRETARIAT})

# ------------------------------------------------------------------------------ who and where


def members(session: Session, cluster_id: int, day: date) -> list[ClusterMember]:
    """The member units on `day`, in rotation order."""
    rows = session.exec(
        select(ClusterMember)
        .where(ClusterMember.cluster_id == cluster_id)
        .order_by(col(ClusterMember.rotation), col(ClusterMember.unit_id))
    )
    return [m for m in rows if m.member_on(day)]


def term(session: Session, cluster_id: int, year: int) -> ClusterTerm | None:
    return session.exec(
        select(ClusterTerm).where(ClusterTerm.cluster_id == cluster_id, ClusterTerm.year == year)
    ).first()


def visible(session: Session, actor: Actor, cluster: Cluster) -> bool:
    """A cluster is seen by whoever sees its organiser (its people and the units under it); it acts
    only through its organiser and its members (`organises`, `acting_for`)."""
    seen = sight.units(session, actor)
    return seen is None or cluster.organiser_unit_id in seen


def get_cluster(session: Session, actor: Actor, cluster_id: int) -> Cluster:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or not visible(session, actor, cluster):
        raise NotFound(f"Không có cụm, khối thi đua #{cluster_id}")
    return cluster


def organises(session: Session, actor: Actor, cluster: Cluster, year: int) -> bool:
    """The organiser's secretariat, or the year's leading unit (its head or secretariat)."""
    if actor.is_admin or actor.can(Role.SECRETARIAT, cluster.organiser_unit_id):
        return True
    leading = term(session, cluster.id, year)
    return leading is not None and any(actor.can(r, leading.leader_unit_id) for r in ORGANISER_ROLES)


def require_organiser(session: Session, actor: Actor, cluster: Cluster, year: int) -> None:
    if not organises(session, actor, cluster, year):
        raise Forbidden(f"Chỉ cơ quan tổ chức hoặc đơn vị trưởng {cluster.name} năm {year} làm việc này")


def acting_for(
    session: Session, actor: Actor, cluster: Cluster, day: date, unit_id: int | None, roles=MEMBER_ROLES
) -> int:
    """The member unit the actor acts for: `unit_id`, or the only member where they hold a role."""
    units = {m.unit_id for m in members(session, cluster.id, day)}
    held = {u for u in units if any(actor.can(r, u) for r in roles)}
    if unit_id is not None and unit_id not in units:
        raise InvalidInput(f"Đơn vị #{unit_id} không phải thành viên {cluster.name}", field="unit_id")
    if unit_id is not None and unit_id in held:
        return unit_id
    if unit_id is None and len(held) == 1:
        return held.pop()
    if unit_id is None and len(held) > 1:
        raise InvalidInput("Cần chọn đơn vị thành viên (unit_id)", field="unit_id")
    raise Forbidden(f"Chỉ đơn vị thành viên {cluster.name} làm việc này")


# ------------------------------------------------------------------------------- leadership


def rotation_next(session: Session, cluster_id: int, year: int) -> tuple[int, int]:
    """The year's leader and deputy by rotation: the member after last year's leader (the first,
    with no last year), and the one after it; members as on 1 January of the year."""
    order = [m.unit_id for m in members(session, cluster_id, date(year, 1, 1))]
    if len(order) < 2:
        raise InvalidInput("Cụm, khối cần ít nhất hai thành viên để luân phiên")
    before = term(session, cluster_id, year - 1)
    start = (
        (order.index(before.leader_unit_id) + 1) % len(order)
        if before and before.leader_unit_id in order
        else 0
    )
    return order[start], order[(start + 1) % len(order)]


def choose_leadership(
    session: Session,
    actor: Actor,
    cluster_id: int,
    year: int,
    *,
    on: date,
    leader_unit_id: int | None = None,
    deputy_unit_id: int | None = None,
    note: str = "",
) -> ClusterTerm:
    """The year's leader and deputy, chosen at the previous year's review: by rotation when none
    is named, else as elected by the members (bầu luân phiên; HD 1122/BTĐKT-VI, verified = false)."""
    cluster = get_cluster(session, actor, cluster_id)
    require_organiser(session, actor, cluster, year - 1)
    on = official_date(on, utcnow(), date(year - 1, 1, 1), "Ngày chọn đơn vị trưởng", "chosen_on")
    if term(session, cluster_id, year) is not None:
        raise IllegalTransition(f"{cluster.name} đã có đơn vị trưởng, phó năm {year}")
    if (leader_unit_id is None) != (deputy_unit_id is None):
        raise InvalidInput("Bầu thì cần cả đơn vị trưởng và đơn vị phó", field="deputy_unit_id")
    if leader_unit_id is None:
        leader_unit_id, deputy_unit_id = rotation_next(session, cluster_id, year)
        chosen = Chosen.ROTATION
    else:
        units = {m.unit_id for m in members(session, cluster_id, date(year, 1, 1))}
        if leader_unit_id not in units or deputy_unit_id not in units or leader_unit_id == deputy_unit_id:
            raise InvalidInput("Đơn vị trưởng và phó phải là hai thành viên khác nhau của cụm, khối")
        chosen = Chosen.ELECTION
    chosen_term = ClusterTerm(
        cluster_id=cluster_id,
        year=year,
        leader_unit_id=leader_unit_id,
        deputy_unit_id=deputy_unit_id,
        chosen=chosen,
        chosen_on=on,
        note=nfc(note).strip(),
    )
    session.add(chosen_term)
    session.flush()
    audit.record(session, actor, f"leadership_{chosen}", "cluster", cluster_id, data={"year": year})
    return chosen_term


# --------------------------------------------------------------------------------- covenant


@dataclass(frozen=True)
class CriterionIn:
    name: str
    max_score: float
    section: str = ""
    bonus: bool = False


def covenant_of(
    session: Session, actor: Actor, covenant_id: int, *, lock: bool = False
) -> tuple[Covenant, Cluster]:
    covenant = session.get(Covenant, covenant_id, with_for_update=lock)
    cluster = covenant and session.get(Cluster, covenant.cluster_id)
    if covenant is None or not visible(session, actor, cluster):
        raise NotFound(f"Không có giao ước thi đua #{covenant_id}")
    return covenant, cluster


def move(session: Session, actor: Actor, covenant: Covenant, source: Phase, target: Phase, **data) -> None:
    """One step of the year; two people taking it at once: the second finds the phase moved (409)."""
    if covenant.phase is not source:
        raise IllegalTransition(
            f"Giao ước năm {covenant.year} đang ở bước “{covenant.phase.label}”, "
            f"không thể chuyển sang “{target.label}”"
        )
    covenant.phase, covenant.version = target, covenant.version + 1
    session.add(covenant)
    audit.record(session, actor, f"covenant_{target}", "covenant", covenant.id, data=data)


def draft_covenant(
    session: Session,
    actor: Actor,
    cluster_id: int,
    year: int,
    criteria: list[CriterionIn],
    *,
    place: str = "",
) -> Covenant:
    """The organiser drafts the year's covenant: its criteria with their maximum scores."""
    cluster = get_cluster(session, actor, cluster_id)
    require_organiser(session, actor, cluster, year)
    if not criteria:
        raise InvalidInput("Giao ước cần ít nhất một tiêu chí", field="criteria")
    if session.exec(
        select(Covenant.id).where(Covenant.cluster_id == cluster_id, Covenant.year == year)
    ).first():
        raise IllegalTransition(f"{cluster.name} đã có giao ước thi đua năm {year}")
    covenant = Covenant(cluster_id=cluster_id, year=year, place=nfc(place).strip())
    session.add(covenant)
    session.flush()
    for i, c in enumerate(criteria, start=1):
        if not nfc(c.name).strip() or c.max_score <= 0:
            raise InvalidInput(f"Tiêu chí {i}: cần tên và điểm tối đa lớn hơn 0", field="criteria")
        session.add(
            Criterion(
                covenant_id=covenant.id,
                position=i,
                section=nfc(c.section).strip(),
                name=nfc(c.name).strip(),
                max_score=c.max_score,
                bonus=c.bonus,
            )
        )
    audit.record(session, actor, "covenant_draft", "covenant", covenant.id, data={"criteria": len(criteria)})
    return covenant


def criteria_of(session: Session, covenant_id: int) -> list[Criterion]:
    return list(
        session.exec(
            select(Criterion).where(Criterion.covenant_id == covenant_id).order_by(col(Criterion.position))
        )
    )


def sign_covenant(
    session: Session, actor: Actor, covenant_id: int, *, on: date, unit_id: int | None = None
) -> Signature:
    """A member's head signs; the covenant is in force once every member has signed."""
    covenant, cluster = covenant_of(session, actor, covenant_id, lock=True)
    if covenant.phase is not Phase.DRAFT:
        raise IllegalTransition(f"Giao ước năm {covenant.year} đã ký xong")
    day = date(covenant.year, 1, 1)
    on = official_date(on, utcnow(), date(covenant.year - 1, 1, 1), "Ngày ký giao ước", "signed_on")
    unit_id = acting_for(session, actor, cluster, day, unit_id, roles={Role.AUTHORITY})
    if session.get(Signature, (covenant_id, unit_id)) is not None:
        raise IllegalTransition("Đơn vị đã ký giao ước này")
    signature = Signature(covenant_id=covenant_id, unit_id=unit_id, person_id=actor.person_id, signed_on=on)
    session.add(signature)
    session.flush()
    audit.record(session, actor, "covenant_sign", "covenant", covenant_id, data={"unit": unit_id})
    signed = set(session.exec(select(Signature.unit_id).where(Signature.covenant_id == covenant_id)))
    if signed >= {m.unit_id for m in members(session, cluster.id, day)}:
        covenant.signed_on = on
        move(session, actor, covenant, Phase.DRAFT, Phase.SIGNED, signed_on=on.isoformat())
    return signature


# ---------------------------------------------------------------------------------- scoring


def open_scoring(session: Session, actor: Actor, covenant_id: int) -> Covenant:
    covenant, cluster = covenant_of(session, actor, covenant_id, lock=True)
    require_organiser(session, actor, cluster, covenant.year)
    move(session, actor, covenant, Phase.SIGNED, Phase.SCORING)
    return covenant


def year_end(covenant: Covenant) -> date:
    return date(covenant.year, 12, 31)


def _criteria_points(session: Session, covenant: Covenant, points: dict[int, float]) -> list[Criterion]:
    criteria = {c.id: c for c in criteria_of(session, covenant.id)}
    if set(points) != set(criteria):
        raise InvalidInput(f"Cần chấm đúng các tiêu chí của giao ước: {sorted(criteria)}", field="points")
    for cid, value in points.items():
        if not 0 <= value <= criteria[cid].max_score:
            raise InvalidInput(
                f"Tiêu chí “{criteria[cid].name}”: điểm phải từ 0 đến {criteria[cid].max_score:g}",
                field="points",
            )
    return list(criteria.values())


def score(
    session: Session,
    actor: Actor,
    covenant_id: int,
    scored_unit_id: int,
    points: dict[int, float],
    *,
    unit_id: int | None = None,
) -> list[Score]:
    """A member scores a member (itself: its self-score) on every criterion, once."""
    covenant, cluster = covenant_of(session, actor, covenant_id)
    if covenant.phase is not Phase.SCORING:
        raise IllegalTransition("Chưa mở hoặc đã kết thúc chấm điểm")
    by = acting_for(session, actor, cluster, year_end(covenant), unit_id)
    if scored_unit_id not in {m.unit_id for m in members(session, cluster.id, year_end(covenant))}:
        raise InvalidInput(f"Đơn vị #{scored_unit_id} không phải thành viên {cluster.name}", field="unit_id")
    criteria = _criteria_points(session, covenant, points)
    ids = [c.id for c in criteria]
    done = session.exec(
        select(Score.id).where(
            col(Score.criterion_id).in_(ids), Score.unit_id == scored_unit_id, Score.by_unit_id == by
        )
    ).first()
    if done is not None:
        raise IllegalTransition("Đơn vị đã chấm điểm thành viên này")
    rows = [Score(criterion_id=c, unit_id=scored_unit_id, by_unit_id=by, points=points[c]) for c in ids]
    session.add_all(rows)
    session.flush()
    kind = "self" if by == scored_unit_id else "peer"
    audit.record(
        session, actor, f"score_{kind}", "covenant", covenant_id, data={"by": by, "of": scored_unit_id}
    )
    return rows


def verify(
    session: Session,
    actor: Actor,
    covenant_id: int,
    scored_unit_id: int,
    criterion_id: int,
    points: float,
    *,
    note: str = "",
) -> Verification:
    """The standing body sets the score that counts for one member on one criterion, with why;
    a later verification replaces it while scoring is open (the log keeps both)."""
    covenant, cluster = covenant_of(session, actor, covenant_id)
    require_organiser(session, actor, cluster, covenant.year)
    if covenant.phase is not Phase.SCORING:
        raise IllegalTransition("Chỉ thẩm định điểm khi đang chấm điểm")
    criterion = session.get(Criterion, criterion_id)
    if criterion is None or criterion.covenant_id != covenant_id:
        raise InvalidInput(f"Không có tiêu chí #{criterion_id} trong giao ước", field="criterion_id")
    if scored_unit_id not in {m.unit_id for m in members(session, cluster.id, year_end(covenant))}:
        raise InvalidInput(f"Đơn vị #{scored_unit_id} không phải thành viên {cluster.name}", field="unit_id")
    if not 0 <= points <= criterion.max_score:
        raise InvalidInput(f"Điểm phải từ 0 đến {criterion.max_score:g}", field="points")
    row = session.get(Verification, (criterion_id, scored_unit_id)) or Verification(
        criterion_id=criterion_id, unit_id=scored_unit_id, points=points, by_person_id=actor.person_id
    )
    row.points, row.note, row.by_person_id, row.at = points, nfc(note).strip(), actor.person_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "score_verify",
        "covenant",
        covenant_id,
        reason=row.note,
        data={"unit": scored_unit_id, "criterion": criterion_id, "points": points},
    )
    return row
