"""A cluster's year-end arithmetic, pure: each member's score per criterion, the ranking with its
tie-breaks, the acclamation threshold and the result. No statute fixes any of it (domain.md §7,
[U]); the cluster's regulation chooses the aggregate and the threshold (models/clusters.py), the
tie-break order below is the engine's documented default:

1. the higher total (bonus criteria included);
2. more criteria at their maximum score;
3. more bonus points (điểm thưởng);
4. more acclamation votes (once the vote is counted);
units still equal share the rank (1, 1, 3)."""

from dataclasses import dataclass, field
from statistics import mean

from models.clusters import Aggregate

TIE_BREAKS = ("total", "at_max", "bonus", "votes")
TIE_LABELS = {
    "total": "tổng điểm cao hơn",
    "at_max": "nhiều tiêu chí đạt điểm tối đa hơn",
    "bonus": "điểm thưởng cao hơn",
    "votes": "nhiều phiếu suy tôn hơn",
}


@dataclass(frozen=True)
class Mark:
    """Every score a member got on one criterion."""

    max_score: float
    bonus: bool
    own: float | None = None  # its self-score
    peers: tuple[float, ...] = ()
    verified: float | None = None


def points(mark: Mark, rule: Aggregate) -> float:
    """The score that counts: the standing body's verified score; else, by the regulation, the mean
    of the peers' scores (or the self-score when no peer scored), or the self-score; else 0."""
    if mark.verified is not None:
        found = mark.verified
    elif rule is Aggregate.PEER_MEAN and mark.peers:
        found = mean(mark.peers)
    else:
        found = mark.own or 0.0
    return round(min(found, mark.max_score), 2)


@dataclass
class Standing:
    unit_id: int
    scores: list[float]  # per criterion, in the covenant's order
    total: float
    at_max: int
    bonus: float
    votes: int = 0
    rank: int = 0
    separated_by: str = ""  # the tie-break that put it below the unit above ("" if the totals did)

    def key(self, counting_votes: bool) -> tuple:
        return (-self.total, -self.at_max, -self.bonus, -self.votes if counting_votes else 0)


def standing(unit_id: int, marks: list[Mark], rule: Aggregate, votes: int = 0) -> Standing:
    scores = [points(m, rule) for m in marks]
    return Standing(
        unit_id,
        scores,
        total=round(sum(scores), 2),
        at_max=sum(s >= m.max_score for s, m in zip(scores, marks, strict=True)),
        bonus=round(sum(s for s, m in zip(scores, marks, strict=True) if m.bonus), 2),
        votes=votes,
    )


def rank(standings: list[Standing], counting_votes: bool) -> list[Standing]:
    """Ordered by the tie-break keys; each given its rank and the key that separated it."""
    ordered = sorted(standings, key=lambda s: (s.key(counting_votes), s.unit_id))
    for i, s in enumerate(ordered):
        above = ordered[i - 1] if i else None
        if above is None:
            s.rank, s.separated_by = 1, ""
        elif s.key(counting_votes) == above.key(counting_votes):
            s.rank, s.separated_by = above.rank, ""
        else:
            s.rank = i + 1
            s.separated_by = next(
                name for name, a, b in zip(TIE_BREAKS, above.key(True), s.key(True), strict=True) if a != b
            )
    return ordered


def acclaimed(votes: int, base: int, threshold_pct: int) -> bool:
    """More than `threshold_pct` % of the base (members, or members present): the usual
    regulation's "trên 50 %" (domain.md §7; no statutory figure, verified = false)."""
    return base > 0 and votes * 100 > threshold_pct * base


@dataclass
class Result:
    leaders: list[int] = field(default_factory=list)  # acclaimed, for the flag
    certificates: list[int] = field(default_factory=list)  # proposed for a Bằng khen


def result(ranked: list[Standing], base: int, threshold_pct: int, leaders: int, certificates: int) -> Result:
    """The leading units: those over the threshold, most votes first (then rank), at most
    `leaders`; the next `certificates` units by rank are proposed for a Bằng khen."""
    order = {s.unit_id: i for i, s in enumerate(ranked)}
    over = [s for s in ranked if acclaimed(s.votes, base, threshold_pct)]
    chosen = [s.unit_id for s in sorted(over, key=lambda s: (-s.votes, order[s.unit_id]))][:leaders]
    rest = [s.unit_id for s in ranked if s.unit_id not in chosen][:certificates]
    return Result(chosen, rest)
