"""A cluster's year-end vote and its result: the review meets and opens the secret ballot, each
present member votes once, the count ranks the members and acclaims the leader(s) over the
regulation's threshold, recorded as the year's `ClusterLead` the flag rules read (Law 06/2022 Arts.
25, 26); what the result proposes, by the organiser's level (HD 1479/HD-BTĐKT, verified = false)."""

import random
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from models import audit
from models.access import Actor
from models.cluster_scores import Mark, Result, Standing, rank, result, standing
from models.cluster_year import (
    ORGANISER_ROLES,
    acting_for,
    covenant_of,
    criteria_of,
    members,
    move,
    require_organiser,
    year_end,
)
from models.clusters import (
    Cluster,
    ClusterLead,
    Covenant,
    Criterion,
    Phase,
    Score,
    Verification,
    VoteBase,
    VoteCast,
    VoteEntry,
)
from models.db import utcnow
from models.errors import Forbidden, IllegalTransition, InvalidInput
from models.guards import official_date
from models.org import Unit, UnitKind

# What a cluster's results are proposed for, by its organiser's level: the leader's flag and the
# others' Bằng khen. A central cluster's leader gets the Government's flag (Art. 25(2)) and its
# outstanding members the Prime Minister's Bằng khen (Art. 73(4)(c)).
OUTPUTS = {
    UnitKind.PROVINCE: ("CO_TD_TINH", "BK_TINH"),  # Law 06/2022 Art. 26(1), Art. 74(3)(a)
    UnitKind.MINISTRY: ("CO_TD_BO", "BK_BO"),  # Art. 26(1), Art. 74(3)(a)
    UnitKind.CENTRAL: ("CO_TD_CP", "BK_TTG"),  # Art. 25(2), Art. 73(4)(c)
}


# ------------------------------------------------------------------------------------- vote


def open_vote(
    session: Session, actor: Actor, covenant_id: int, *, review_on: date, present: list[int]
) -> Covenant:
    """The year-end review meets: who is present is recorded and the secret ballot opens."""
    covenant, cluster = covenant_of(session, actor, covenant_id, lock=True)
    require_organiser(session, actor, cluster, covenant.year)
    earliest = covenant.signed_on or date(covenant.year, 1, 1)
    review_on = official_date(review_on, utcnow(), earliest, "Ngày hội nghị tổng kết", "review_on")
    units = {m.unit_id for m in members(session, cluster.id, year_end(covenant))}
    if not present or not set(present) <= units:
        raise InvalidInput("Danh sách đơn vị có mặt phải gồm các thành viên của cụm, khối", field="present")
    covenant.review_on, covenant.present = review_on, sorted(set(present))
    move(session, actor, covenant, Phase.SCORING, Phase.VOTING, present=covenant.present)
    return covenant


def cast_vote(
    session: Session, actor: Actor, covenant_id: int, choices: list[int], *, unit_id: int | None = None
) -> None:
    """A present member's secret ballot: up to the regulation's number of leading units. That it
    voted is stored against it; its choices apart, under random ids, in random order."""
    covenant, cluster = covenant_of(session, actor, covenant_id)
    if covenant.phase is not Phase.VOTING:
        raise IllegalTransition("Chưa mở hoặc đã kết thúc bỏ phiếu suy tôn")
    by = acting_for(session, actor, cluster, year_end(covenant), unit_id, roles=ORGANISER_ROLES)
    if by not in (covenant.present or []):
        raise Forbidden("Chỉ đơn vị có mặt tại hội nghị tổng kết được bỏ phiếu")
    units = {m.unit_id for m in members(session, cluster.id, year_end(covenant))}
    if len(set(choices)) != len(choices) or not set(choices) <= units or len(choices) > cluster.leaders:
        raise InvalidInput(
            f"Phiếu chọn tối đa {cluster.leaders} đơn vị khác nhau trong số thành viên", field="choices"
        )
    if session.get(VoteCast, (covenant_id, by)) is not None:
        raise IllegalTransition("Đơn vị đã bỏ phiếu")
    session.add(VoteCast(covenant_id=covenant_id, unit_id=by))
    entries = [VoteEntry(covenant_id=covenant_id, unit_id=u) for u in choices]
    random.SystemRandom().shuffle(entries)
    session.add_all(entries)
    session.flush()
    audit.record(session, actor, "cluster_vote", "covenant", covenant_id)


def vote_base(cluster: Cluster, covenant: Covenant, session: Session) -> int:
    if cluster.vote_base is VoteBase.PRESENT:
        return len(covenant.present or [])
    return len(members(session, cluster.id, year_end(covenant)))


@dataclass
class Year:
    """Everything the cluster page, the minutes and the Tờ trình show of a year."""

    cluster: Cluster
    covenant: Covenant
    criteria: list[Criterion]
    standings: list[Standing]  # ranked
    ballots: int
    base: int
    result: Result


def standings(session: Session, covenant: Covenant, cluster: Cluster) -> Year:
    """The aggregate of every member, ranked; the votes, counted once the vote is closed."""
    criteria = criteria_of(session, covenant.id)
    ids = [c.id for c in criteria]
    scores = session.exec(select(Score).where(col(Score.criterion_id).in_(ids))).all()
    verified = {
        (v.criterion_id, v.unit_id): v.points
        for v in session.exec(select(Verification).where(col(Verification.criterion_id).in_(ids)))
    }
    counted = covenant.phase is Phase.CLOSED
    votes = (
        dict(
            session.exec(
                select(VoteEntry.unit_id, func.count())
                .where(VoteEntry.covenant_id == covenant.id)
                .group_by(col(VoteEntry.unit_id))
            ).all()
        )
        if counted
        else {}
    )
    rows = []
    for m in members(session, cluster.id, year_end(covenant)):
        marks = [
            Mark(
                c.max_score,
                c.bonus,
                own=next(
                    (
                        s.points
                        for s in scores
                        if (s.criterion_id, s.unit_id, s.by_unit_id) == (c.id, m.unit_id, m.unit_id)
                    ),
                    None,
                ),
                peers=tuple(
                    s.points
                    for s in scores
                    if s.criterion_id == c.id and s.unit_id == m.unit_id != s.by_unit_id
                ),
                verified=verified.get((c.id, m.unit_id)),
            )
            for c in criteria
        ]
        rows.append(standing(m.unit_id, marks, cluster.aggregate, votes.get(m.unit_id, 0)))
    ranked = rank(rows, counting_votes=counted)
    base = vote_base(cluster, covenant, session)
    ballots = session.exec(select(func.count()).where(VoteCast.covenant_id == covenant.id)).one()
    found = (
        result(ranked, base, cluster.threshold_pct, cluster.leaders, cluster.certificates)
        if counted
        else Result()
    )
    return Year(cluster, covenant, criteria, ranked, ballots, base, found)


def close_vote(session: Session, actor: Actor, covenant_id: int) -> Year:
    """The organiser closes the ballot: the count, and the acclaimed units recorded as the year's
    leaders of the cluster, which the flag's rule reads (Law 06/2022 Arts. 25, 26)."""
    covenant, cluster = covenant_of(session, actor, covenant_id, lock=True)
    require_organiser(session, actor, cluster, covenant.year)
    move(session, actor, covenant, Phase.VOTING, Phase.CLOSED)
    year = standings(session, covenant, cluster)
    for unit_id in year.result.leaders:
        session.add(ClusterLead(cluster_id=cluster.id, year=covenant.year, unit_id=unit_id))
    session.flush()
    audit.record(
        session,
        actor,
        "cluster_result",
        "covenant",
        covenant_id,
        data={
            "leaders": year.result.leaders,
            "certificates": year.result.certificates,
            "ballots": year.ballots,
        },
    )
    return year


def proposals(session: Session, year: Year) -> list[tuple[str, int]]:
    """What the result proposes, as (award code, unit): the flag for the leaders, the Bằng khen
    for the next ones, by the organiser's level (`OUTPUTS`)."""
    organiser = session.get(Unit, year.cluster.organiser_unit_id)
    if organiser.kind not in OUTPUTS:
        return []
    flag, certificate = OUTPUTS[organiser.kind]
    return [(flag, u) for u in year.result.leaders] + [(certificate, u) for u in year.result.certificates]
