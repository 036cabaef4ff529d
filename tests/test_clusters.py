"""Emulation clusters and blocks: rotation, the covenant, scoring and its aggregate, the ranking's
tie-breaks, the acclamation threshold, the vote and what it proposes (Law 06/2022 Arts. 16(2)(c),
25, 26, 73(4)(c), 74(3)(a); the cluster's own regulation for the rest)."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from document_templates.publish import publish_cluster_year
from models.access import Actor, load_actor
from models.cluster_scores import Mark, Standing, acclaimed, points, rank, result, standing
from models.cluster_vote import cast_vote, close_vote, open_vote, proposals, standings
from models.cluster_year import (
    CriterionIn,
    choose_leadership,
    criteria_of,
    draft_covenant,
    open_scoring,
    rotation_next,
    score,
    sign_covenant,
    verify,
)
from models.clusters import (
    Aggregate,
    Chosen,
    Cluster,
    ClusterKind,
    ClusterLead,
    ClusterMember,
    Phase,
    VoteBase,
    VoteEntry,
)
from models.dossier import Store
from models.eligibility import check
from models.eligibility.load import load_collectives
from models.errors import Forbidden, IllegalTransition, InvalidInput
from models.history import Rating
from models.org import Role, Unit, UnitKind
from tests.factories import grant, person, unit

YEAR = 2025
CRITERIA_OF_THE_YEAR = [CriterionIn("Nhiệm vụ chuyên môn", 10), CriterionIn("Công tác thi đua", 10)]
BOARDS = [
    "Khu kinh tế",
    "Khu công nghệ cao",
    "Khu công nghiệp",
    "Dự án đầu tư",
    "Đường sắt đô thị",
    "Khu du lịch",
]


@dataclass
class Block:
    cluster: Cluster
    boards: list[Unit]
    heads: list[Actor]
    organiser: Actor


@pytest.fixture
def block(session, province) -> Block:
    return make_block(session, province)


def make_block(session, province) -> Block:
    """A block of six management boards of the test province, in rotation order."""
    cluster = Cluster(
        name="Khối thi đua các Ban Quản lý",
        organiser_unit_id=province.units["province"].id,
        kind=ClusterKind.BLOCK,
        regulation="Quy chế số 01/QC-KBQL ngày 15/01/2025",
    )
    session.add(cluster)
    session.flush()
    boards, heads = [], []
    for i, name in enumerate(BOARDS):
        board = unit(
            session, f"BQL{i}", f"Ban Quản lý {name}", f"BQL{i}", UnitKind.AGENCY, province.units["province"]
        )
        head = person(session, f"Trưởng ban {i}", board, "Trưởng ban")
        grant(session, head, Role.AUTHORITY, board)
        session.add(
            ClusterMember(cluster_id=cluster.id, unit_id=board.id, rotation=i + 1, joined_on=date(2020, 1, 1))
        )
        boards.append(board)
        session.flush()
        heads.append(load_actor(session, head.id))
    return Block(cluster, boards, heads, province.actors["province_secretariat"])


def signed_covenant(session, block: Block, criteria=None):
    criteria = criteria or [
        CriterionIn("Hoàn thành chỉ tiêu thu hút đầu tư", 40, "I. Nhiệm vụ chuyên môn"),
        CriterionIn("Cải cách hành chính", 30, "I. Nhiệm vụ chuyên môn"),
        CriterionIn("Công tác thi đua, khen thưởng", 20, "II. Công tác khác"),
        CriterionIn("Sáng kiến, mô hình mới", 10, "III. Điểm thưởng", bonus=True),
    ]
    covenant = draft_covenant(session, block.organiser, block.cluster.id, YEAR, criteria, place="Quảng Ngãi")
    for head in block.heads:
        sign_covenant(session, head, covenant.id, on=date(YEAR, 2, 20))
    return covenant


def scoring(session, block: Block, table: dict[int, list[float]]):
    """A covenant in its scoring round, each board having scored itself as `table` says."""
    covenant = signed_covenant(session, block, [CriterionIn(f"Tiêu chí {i + 1}", 10) for i in range(3)])
    open_scoring(session, block.organiser, covenant.id)
    ids = [c.id for c in criteria_of(session, covenant.id)]
    for i, own in table.items():
        score(session, block.heads[i], covenant.id, block.boards[i].id, dict(zip(ids, own, strict=True)))
    return covenant, ids


# ------------------------------------------------------------------------------- aggregation


@pytest.mark.parametrize(
    ("mark", "rule", "expected"),
    [
        (Mark(10, False, own=9, peers=(7, 8), verified=6.5), Aggregate.PEER_MEAN, 6.5),  # verified wins
        (Mark(10, False, own=9, peers=(7, 8)), Aggregate.PEER_MEAN, 7.5),  # the peers' mean
        (Mark(10, False, own=9, peers=(7, 8, 8)), Aggregate.PEER_MEAN, 7.67),  # rounded to 2 places
        (Mark(10, False, own=9), Aggregate.PEER_MEAN, 9),  # no peer scored: its own
        (Mark(10, False, own=9, peers=(7, 8)), Aggregate.SELF, 9),  # the regulation reads its own
        (Mark(10, False, own=9, peers=(7,), verified=8), Aggregate.SELF, 8),
        (Mark(10, False), Aggregate.PEER_MEAN, 0),  # nobody scored it
    ],
)
def test_the_score_that_counts_is_the_verified_one_else_the_regulations_aggregate(mark, rule, expected):
    assert points(mark, rule) == expected


def test_a_standing_adds_the_criteria_counts_those_at_maximum_and_the_bonus():
    s = standing(
        7, [Mark(40, False, own=40), Mark(30, False, own=25), Mark(10, True, own=10)], Aggregate.SELF
    )
    assert (s.total, s.at_max, s.bonus, s.scores) == (75, 2, 10, [40, 25, 10])


# ---------------------------------------------------------------------------------- ranking


def row(unit_id, total, at_max=0, bonus=0.0, votes=0):
    return Standing(unit_id, [], total, at_max, bonus, votes)


@pytest.mark.parametrize(
    ("rows", "counting_votes", "order", "ranks", "separated_by"),
    [
        ([row(1, 80), row(2, 90)], False, [2, 1], [1, 2], ["", "total"]),
        ([row(1, 90, 1), row(2, 90, 2)], False, [2, 1], [1, 2], ["", "at_max"]),
        ([row(1, 90, 2, 5), row(2, 90, 2, 8)], False, [2, 1], [1, 2], ["", "bonus"]),
        ([row(1, 90, 2, 8, 2), row(2, 90, 2, 8, 4)], True, [2, 1], [1, 2], ["", "votes"]),
        # before the count the votes do not rank: still tied, the rank shared
        ([row(1, 90, 2, 8, 2), row(2, 90, 2, 8, 4)], False, [1, 2], [1, 1], ["", ""]),
        ([row(1, 90), row(2, 90), row(3, 70)], True, [1, 2, 3], [1, 1, 3], ["", "", "total"]),
    ],
)
def test_ranking_breaks_ties_by_maxima_then_bonus_then_votes(
    rows, counting_votes, order, ranks, separated_by
):
    ranked = rank(rows, counting_votes)
    assert [s.unit_id for s in ranked] == order
    assert [s.rank for s in ranked] == ranks
    assert [s.separated_by for s in ranked] == separated_by


# -------------------------------------------------------------------------------- threshold


@pytest.mark.parametrize(
    ("votes", "base", "pct", "passes"),
    [
        (2, 6, 50, False),
        (3, 6, 50, False),
        (4, 6, 50, True),
        (3, 5, 50, True),
        (4, 6, 66, True),
        (4, 6, 67, False),
    ],
)
def test_acclamation_needs_more_than_the_regulations_share(votes, base, pct, passes):
    assert acclaimed(votes, base, pct) is passes


def test_the_result_takes_the_most_voted_over_the_threshold_then_the_next_ranked_for_bang_khen():
    ranked = [row(1, 95, votes=2), row(2, 90, votes=4), row(3, 85), row(4, 80)]
    found = result(ranked, base=6, threshold_pct=50, leaders=1, certificates=2)
    assert (found.leaders, found.certificates) == ([2], [1, 3])
    nobody = result(ranked, base=6, threshold_pct=70, leaders=1, certificates=2)
    assert (nobody.leaders, nobody.certificates) == ([], [1, 2])


# --------------------------------------------------------------------------------- rotation


def test_rotation_gives_the_first_turn_then_passes_to_the_next_member_and_wraps(session, block):
    ids = [b.id for b in block.boards]
    first = choose_leadership(session, block.organiser, block.cluster.id, 2024, on=date(2023, 12, 20))
    assert (first.leader_unit_id, first.deputy_unit_id, first.chosen) == (ids[0], ids[1], Chosen.ROTATION)
    # last year's leader organises the review that chooses the next one
    second = choose_leadership(session, block.heads[0], block.cluster.id, 2025, on=date(2024, 12, 20))
    assert (second.leader_unit_id, second.deputy_unit_id) == (ids[1], ids[2])
    elected = choose_leadership(
        session,
        block.heads[1],
        block.cluster.id,
        2026,
        on=date(2025, 12, 20),
        leader_unit_id=ids[5],
        deputy_unit_id=ids[0],
        note="Hội nghị bầu",
    )
    assert (elected.chosen, elected.leader_unit_id) == (Chosen.ELECTION, ids[5])
    assert rotation_next(session, block.cluster.id, 2027) == (ids[0], ids[1])  # after the last: the first


def test_rotation_skips_a_member_that_has_left(session, block):
    ids = [b.id for b in block.boards]
    member = session.get(ClusterMember, (block.cluster.id, ids[1]))
    member.left_on = date(2024, 6, 30)
    session.add(member)
    choose_leadership(session, block.organiser, block.cluster.id, 2024, on=date(2023, 12, 20))
    assert rotation_next(session, block.cluster.id, 2025) == (ids[2], ids[3])


def test_a_years_leadership_is_chosen_once_by_the_organiser_among_members(session, block):
    with pytest.raises(Forbidden):
        choose_leadership(session, block.heads[3], block.cluster.id, 2025, on=date(2024, 12, 20))
    choose_leadership(session, block.organiser, block.cluster.id, 2025, on=date(2024, 12, 20))
    with pytest.raises(IllegalTransition):
        choose_leadership(session, block.organiser, block.cluster.id, 2025, on=date(2024, 12, 20))
    with pytest.raises(InvalidInput):
        choose_leadership(
            session,
            block.organiser,
            block.cluster.id,
            2026,
            on=date(2025, 12, 20),
            leader_unit_id=block.boards[0].id,
            deputy_unit_id=block.boards[0].id,
        )


# --------------------------------------------------------------------------------- covenant


def test_the_covenant_is_in_force_once_every_members_head_has_signed(session, block):
    covenant = draft_covenant(session, block.organiser, block.cluster.id, YEAR, [CriterionIn("Tiêu chí", 10)])
    for head in block.heads[:-1]:
        sign_covenant(session, head, covenant.id, on=date(YEAR, 2, 20))
    assert covenant.phase is Phase.DRAFT
    with pytest.raises(IllegalTransition):
        sign_covenant(session, block.heads[0], covenant.id, on=date(YEAR, 2, 20))
    sign_covenant(session, block.heads[-1], covenant.id, on=date(YEAR, 2, 21))
    assert (covenant.phase, covenant.signed_on) == (Phase.SIGNED, date(YEAR, 2, 21))


def test_only_a_members_head_signs_and_only_the_organiser_drafts(session, block, province):
    with pytest.raises(Forbidden):
        draft_covenant(session, block.heads[2], block.cluster.id, YEAR, [CriterionIn("Tiêu chí", 10)])
    covenant = draft_covenant(session, block.organiser, block.cluster.id, YEAR, [CriterionIn("Tiêu chí", 10)])
    with pytest.raises(Forbidden):  # the director of a department outside the block
        sign_covenant(session, province.actors["director"], covenant.id, on=date(YEAR, 2, 20))


# ---------------------------------------------------------------------------------- scoring


def test_a_member_scores_each_member_once_within_each_maximum(session, block, province):
    covenant, ids = scoring(session, block, {0: [9, 9, 9]})
    with pytest.raises(IllegalTransition):  # twice: 409
        score(session, block.heads[0], covenant.id, block.boards[0].id, dict.fromkeys(ids, 8))
    with pytest.raises(InvalidInput):  # over the maximum
        score(
            session, block.heads[1], covenant.id, block.boards[0].id, dict(zip(ids, [11, 5, 5], strict=True))
        )
    with pytest.raises(InvalidInput):  # a criterion left out
        score(session, block.heads[1], covenant.id, block.boards[0].id, {ids[0]: 5})
    with pytest.raises(Forbidden):  # not a member
        score(session, province.actors["director"], covenant.id, block.boards[0].id, dict.fromkeys(ids, 5))
    with pytest.raises(InvalidInput):  # scoring a unit outside the block
        score(session, block.heads[1], covenant.id, province.units["stc"].id, dict.fromkeys(ids, 5))


def test_the_aggregate_reads_verified_scores_then_peer_means(session, block):
    covenant, ids = scoring(session, block, {0: [10, 10, 10], 1: [9, 9, 9]})
    for peer in (2, 3):
        score(
            session,
            block.heads[peer],
            covenant.id,
            block.boards[0].id,
            dict(zip(ids, [8, 10, 9], strict=True)),
        )
    verify(session, block.organiser, covenant.id, block.boards[0].id, ids[2], 7, note="Thiếu minh chứng")
    year = standings(session, covenant, block.cluster)
    first = next(s for s in year.standings if s.unit_id == block.boards[0].id)
    assert first.scores == [8, 10, 7]  # peers' mean, peers' mean, verified
    assert year.standings[0].unit_id == block.boards[1].id  # its own 27 against 25
    with pytest.raises(Forbidden):  # a member does not verify
        verify(session, block.heads[2], covenant.id, block.boards[0].id, ids[0], 5)
    with pytest.raises(InvalidInput):
        verify(session, block.organiser, covenant.id, block.boards[0].id, ids[0], 12)


# ------------------------------------------------------------------------------------- vote


def voting(session, block, base=VoteBase.MEMBERS, present=6):
    block.cluster.vote_base = base
    session.add(block.cluster)
    covenant, _ = scoring(session, block, {i: [10 - i, 10 - i, 10 - i] for i in range(6)})
    open_vote(
        session,
        block.organiser,
        covenant.id,
        review_on=date(YEAR, 12, 20),
        present=[b.id for b in block.boards[:present]],
    )
    return covenant


@pytest.mark.parametrize(
    ("base", "present", "votes", "leads"),
    [
        (VoteBase.MEMBERS, 6, 3, False),  # half of the six members: not more than half
        (VoteBase.MEMBERS, 6, 4, True),
        (VoteBase.MEMBERS, 5, 3, False),  # of all six members, though five came
        (VoteBase.PRESENT, 5, 3, True),  # of the five present
        (VoteBase.PRESENT, 5, 2, False),
    ],
)
def test_the_vote_acclaims_a_leader_over_the_threshold_of_its_base(
    session, block, base, present, votes, leads
):
    covenant = voting(session, block, base, present)
    winner = block.boards[2].id  # ranked third on scores
    for i in range(present):
        cast_vote(session, block.heads[i], covenant.id, [winner] if i < votes else [block.boards[0].id])
    year = close_vote(session, block.organiser, covenant.id)
    recorded = session.exec(
        select(ClusterLead.unit_id).where(ClusterLead.cluster_id == block.cluster.id)
    ).all()
    assert (winner in year.result.leaders) is leads
    assert (winner in recorded) is leads
    assert year.ballots == present


def test_a_ballot_is_cast_once_by_a_present_member_and_says_nothing_of_its_sender(session, block, province):
    covenant = voting(session, block, present=5)
    cast_vote(session, block.heads[0], covenant.id, [block.boards[0].id])
    with pytest.raises(IllegalTransition):  # twice: 409
        cast_vote(session, block.heads[0], covenant.id, [block.boards[1].id])
    with pytest.raises(Forbidden):  # absent from the review
        cast_vote(session, block.heads[5], covenant.id, [block.boards[1].id])
    with pytest.raises(Forbidden):  # not a member
        cast_vote(session, province.actors["director"], covenant.id, [block.boards[1].id])
    with pytest.raises(InvalidInput):  # more names than the regulation's leaders
        cast_vote(session, block.heads[1], covenant.id, [block.boards[1].id, block.boards[2].id])
    assert set(VoteEntry.model_fields) == {"id", "covenant_id", "unit_id"}  # no sender, no time
    assert session.exec(select(VoteEntry.unit_id)).all() == [block.boards[0].id]


def test_the_votes_break_a_tie_in_the_final_ranking(session, block):
    covenant = voting(session, block)
    a, b = block.boards[4].id, block.boards[5].id
    covenant.phase = Phase.SCORING  # the standing body verifies boards 4 and 5 alike
    for criterion in criteria_of(session, covenant.id):
        for u in (a, b):
            verify(session, block.organiser, covenant.id, u, criterion.id, 5)
    covenant.phase = Phase.VOTING
    before = [s.unit_id for s in standings(session, covenant, block.cluster).standings]
    assert before[-2:] == [a, b]  # tied, in id order, sharing a rank
    for i in range(6):
        cast_vote(session, block.heads[i], covenant.id, [block.boards[0].id if i < 4 else b])
    year = close_vote(session, block.organiser, covenant.id)
    assert [s.unit_id for s in year.standings][-2:] == [b, a]
    assert year.standings[-1].separated_by == "votes"
    assert year.result.leaders == [block.boards[0].id]


# ---------------------------------------------------------------------------- what it feeds


def test_the_acclaimed_board_passes_the_provincial_flags_cluster_rule(session, block):
    covenant = voting(session, block)
    winner = block.boards[0]
    for i in range(6):
        cast_vote(session, block.heads[i], covenant.id, [winner.id])
    year = close_vote(session, block.organiser, covenant.id)
    assert proposals(session, year) == [
        ("CO_TD_TINH", winner.id),
        ("BK_TINH", block.boards[1].id),
        ("BK_TINH", block.boards[2].id),
    ]
    session.add(Rating(collective_id=winner.id, year=YEAR, level="HTXS"))
    session.flush()
    histories = load_collectives(session, YEAR, [winner.id, block.boards[1].id])
    assert check(histories[winner.id], "CO_TD_TINH", date(YEAR, 12, 22), year=YEAR, tenant="QNG").eligible
    assert not check(
        histories[block.boards[1].id], "CO_TD_TINH", date(YEAR, 12, 22), year=YEAR, tenant="QNG"
    ).eligible


# -------------------------------------------------------------------------------- documents


def test_the_years_papers_are_written_once_and_read_back_in_word(session, block):
    """The covenant with every member's head, the review's minutes with the ranking and the
    ballot, the Tờ trình asking the province's council for the flag and two Bằng khen."""
    covenant = voting(session, block)
    for i in range(6):
        cast_vote(session, block.heads[i], covenant.id, [block.boards[0].id])
    close_vote(session, block.organiser, covenant.id)
    made = publish_cluster_year(session, block.organiser, covenant.id)
    assert [d.kind for d in made] == ["giao_uoc", "bien_ban_cum", "to_trinh_cum"]
    assert [d.id for d in publish_cluster_year(session, block.organiser, covenant.id)] == [d.id for d in made]
    texts = {}
    for d in made:
        document = Document(io.BytesIO(Store().get(d.sha256)))
        body = [p.text for p in document.paragraphs]
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        texts[d.kind] = "\n".join(body + cells)
        fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
        assert fonts <= {"Times New Roman", None}, (d.kind, fonts)
        assert "{{" not in texts[d.kind] and "{%" not in texts[d.kind]
    assert "GIAO ƯỚC THI ĐUA" in texts["giao_uoc"] and "KHỐI THI ĐUA CÁC BAN QUẢN LÝ" in texts["giao_uoc"]
    assert all(f"Trưởng ban {i}" in texts["giao_uoc"] for i in range(6))
    assert "Ban Quản lý Khu kinh tế" in texts["bien_ban_cum"] and "100,0%" in texts["bien_ban_cum"]
    assert "Dẫn đầu, đề nghị tặng Cờ thi đua" in texts["bien_ban_cum"]
    assert "trên 50% tổng số đơn vị thành viên (06)" in texts["bien_ban_cum"]
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh" in texts["to_trinh_cum"]
    assert texts["to_trinh_cum"].count("Bằng khen của Chủ tịch") == 2
    assert "TM. KHỐI THI ĐUA" in texts["to_trinh_cum"]


def test_an_unsigned_covenant_has_no_papers(session, block):
    covenant = draft_covenant(session, block.organiser, block.cluster.id, YEAR, [CriterionIn("Tiêu chí", 10)])
    with pytest.raises(IllegalTransition):
        publish_cluster_year(session, block.organiser, covenant.id)


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2099, 1, 1)])
def test_a_signature_dated_outside_the_covenants_time_is_refused(session, block, day):
    covenant = draft_covenant(session, block.organiser, block.cluster.id, YEAR, [CriterionIn("Tiêu chí", 10)])
    with pytest.raises(InvalidInput):
        sign_covenant(session, block.heads[0], covenant.id, on=day)


@pytest.mark.parametrize(
    ("organiser", "flag", "certificate"),
    [
        ("province", "CO_TD_TINH", "BK_TINH"),  # Law 06/2022 Art. 26(1), 74(3)(a)
        ("ministry", "CO_TD_BO", "BK_BO"),  # Art. 26(1), 74(3)(a)
        ("central", "CO_TD_CP", "BK_TTG"),  # Art. 25(2), 73(4)(c)
    ],
)
def test_what_the_result_proposes_follows_the_organisers_level(
    session, block, province, organiser, flag, certificate
):
    covenant = voting(session, block)
    for i in range(6):
        cast_vote(session, block.heads[i], covenant.id, [block.boards[3].id])
    year = close_vote(session, block.organiser, covenant.id)
    block.cluster.organiser_unit_id = province.units[organiser].id
    assert proposals(session, year) == [
        (flag, block.boards[3].id),
        (certificate, block.boards[0].id),
        (certificate, block.boards[1].id),
    ]
