"""The contexts of a cluster's three documents, from its recorded year (models/cluster_year.py):
the covenant its members' heads sign, the minutes of its year-end review (scores, ranking, the
secret ballot, the result) and its Tờ trình to the organiser's council proposing the flag and the
Bằng khen (Law 06/2022 Arts. 25, 26, 73(4)(c), 74(3)(a); HD 1479/HD-BTĐKT, verified = false)."""

from datetime import date

from sqlmodel import Session, select

from document_templates.contexts import (
    ClusterMinutesDoc,
    CovenantDoc,
    CriterionRow,
    Header,
    Signatory,
    Signature,
    StandingRow,
    SubmissionDoc,
    date_text,
)
from document_templates.wording import award_name, sentence_list
from models.catalogue import default_catalogue
from models.cluster_scores import TIE_BREAKS, TIE_LABELS
from models.cluster_vote import Year, proposals
from models.cluster_year import term
from models.clusters import Aggregate, VoteBase
from models.councils import Council, council_name
from models.notify import holders
from models.org import Person, Role, Unit
from models.routing import Org

AGGREGATE_TEXT = {
    Aggregate.PEER_MEAN: "điểm thẩm định của cơ quan thường trực; nếu không, bình quân điểm các đơn vị "
    "khác chấm",
    Aggregate.SELF: "điểm thẩm định của cơ quan thường trực; nếu không, điểm đơn vị tự chấm",
}
BASE_TEXT = {VoteBase.MEMBERS: "tổng số đơn vị thành viên", VoteBase.PRESENT: "số đơn vị thành viên có mặt"}


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _head(session: Session, unit_id: int) -> tuple[str, str]:
    """(post, name) of the unit's head, who signs for it."""
    unit = session.get(Unit, unit_id)
    people = holders(session, Role.AUTHORITY, unit_id)
    person = session.get(Person, people[0]) if people else None
    return (unit.head_title or "Thủ trưởng đơn vị").upper(), person.full_name if person else ""


def _header(session: Session, year: Year, day: date | None) -> Header:
    """The cluster issues its own papers, under its organiser's name (cơ quan chủ quản)."""
    organiser = session.get(Unit, year.cluster.organiser_unit_id)
    return Header(
        parent_body=organiser.name.upper(), issuer=year.cluster.name.upper(), place=organiser.place, day=day
    )


def _names(session: Session, unit_ids: list[int]) -> dict[int, str]:
    return {u: session.get(Unit, u).name for u in unit_ids}


def _regulation(year: Year) -> str:
    return f"Căn cứ {year.cluster.regulation}" if year.cluster.regulation else ""


def covenant_doc(session: Session, year: Year) -> CovenantDoc:
    c, covenant = year.cluster, year.covenant
    units = [s.unit_id for s in sorted(year.standings, key=lambda s: s.unit_id)]
    law = default_catalogue().for_date(date(covenant.year, 1, 1)).basis["law"]
    bases = [f"Căn cứ {law}", _regulation(year)]
    paragraphs = [
        *sentence_list([b for b in bases if b]),
        f"Các đơn vị thành viên {c.name} ký kết Giao ước thi đua năm {covenant.year}"
        + (f" tại {covenant.place}" if covenant.place else "")
        + ", cùng thi đua thực hiện thắng lợi nhiệm vụ được giao theo các tiêu chí và thang điểm sau:",
    ]
    criteria = [
        CriterionRow(order=k.position, section=k.section, name=k.name, max_score=_points(k.max_score))
        for k in year.criteria
    ]
    commitments = [
        "Cuối năm, các đơn vị tự chấm điểm, chấm điểm chéo lẫn nhau; cơ quan thường trực thẩm định; "
        f"điểm được tính: {AGGREGATE_TEXT[c.aggregate]}.",
        f"Bình xét, bỏ phiếu kín suy tôn {c.leaders:02d} đơn vị dẫn đầu khi được trên {c.threshold_pct}% "
        f"{BASE_TEXT[c.vote_base]} đồng ý; đề nghị tặng Bằng khen cho {c.certificates:02d} đơn vị tiếp theo.",
        "Giao ước có hiệu lực kể từ ngày các đơn vị thành viên ký.",
    ]
    signatories = [
        Signatory(unit=name, post=post, name=head)
        for name, (post, head) in ((session.get(Unit, u).name, _head(session, u)) for u in units)
    ]
    return CovenantDoc(
        header=_header(session, year, covenant.signed_on),
        summary=f"Năm {covenant.year}",
        paragraphs=paragraphs,
        criteria=criteria,
        total=_points(sum(k.max_score for k in year.criteria)),
        commitments=commitments,
        signatories=signatories,
    )


def _leader(session: Session, year: Year) -> int:
    """The year's leading unit, which chairs the review and signs for the cluster."""
    leading = term(session, year.cluster.id, year.covenant.year)
    return leading.leader_unit_id if leading else year.cluster.organiser_unit_id


def _share(votes: int, base: int) -> str:
    return f"{100 * votes / base:.1f}%".replace(".", ",") if base else "—"


def minutes_doc(session: Session, year: Year) -> ClusterMinutesDoc:
    c, covenant = year.cluster, year.covenant
    names = _names(session, [s.unit_id for s in year.standings])
    present = covenant.present or []
    leader = _leader(session, year)
    chair_post, chair = _head(session, leader)
    secretaries = holders(session, Role.SECRETARIAT, leader) or holders(
        session, Role.SECRETARIAT, c.organiser_unit_id
    )
    secretary = session.get(Person, secretaries[0]).full_name if secretaries else ""
    outcome = {u: "Dẫn đầu, đề nghị tặng Cờ thi đua" for u in year.result.leaders}
    outcome |= {u: "Đề nghị tặng Bằng khen" for u in year.result.certificates}
    standings = [
        StandingRow(
            rank=s.rank,
            unit=names[s.unit_id],
            total=_points(s.total),
            at_max=s.at_max,
            bonus=_points(s.bonus),
            votes=s.votes,
            share=_share(s.votes, year.base),
            outcome=outcome.get(s.unit_id, ""),
        )
        for s in year.standings
    ]
    absent = [names[u] for u in names if u not in present]
    attendance = [
        f"Tổng số đơn vị thành viên: {len(names):02d}; có mặt: {len(present):02d}"
        + (f"; vắng mặt: {', '.join(absent)}" if absent else ""),
        *(f"{names[u]}" for u in present),
    ]
    proceedings = [
        f"Tổng kết thực hiện Giao ước thi đua năm {covenant.year} ký ngày {covenant.signed_on:%d/%m/%Y}.",
        f"Các đơn vị tự chấm điểm, chấm điểm chéo theo {len(year.criteria)} tiêu chí (tổng điểm tối đa "
        f"{_points(sum(k.max_score for k in year.criteria))}); cơ quan thường trực thẩm định. "
        f"Điểm được tính: {AGGREGATE_TEXT[c.aggregate]}.",
        f"Bỏ phiếu kín suy tôn đơn vị dẫn đầu: số phiếu phát ra {len(present):02d}, số phiếu thu về "
        f"{year.ballots:02d}. Kết quả chấm điểm, xếp hạng và bỏ phiếu như sau:",
    ]
    ties = ", ".join(TIE_LABELS[k] for k in TIE_BREAKS[1:])
    rule = (
        f"Theo {c.regulation or 'quy chế hoạt động của ' + c.name}: đơn vị dẫn đầu phải được trên "
        f"{c.threshold_pct}% {BASE_TEXT[c.vote_base]} ({year.base:02d}) đồng ý; "
        f"bằng điểm thì xếp trên đơn vị {ties}."
    )
    conclusions = [
        *(f"Suy tôn {names[u]} là đơn vị dẫn đầu {c.name} năm {covenant.year}." for u in year.result.leaders),
        *(f"Đề nghị tặng Bằng khen cho {names[u]}." for u in year.result.certificates),
    ] or [f"Không đơn vị nào đạt tỷ lệ phiếu suy tôn theo quy chế; {c.name} tổ chức bỏ phiếu lại."]
    return ClusterMinutesDoc(
        header=_header(session, year, covenant.review_on),
        summary=f"Hội nghị tổng kết, bình xét thi đua năm {covenant.year}",
        opened=f"Thời gian: {date_text(covenant.review_on)}.",
        place=covenant.place or session.get(Unit, leader).name,
        chair=f"{chair}, {chair_post.capitalize()} {session.get(Unit, leader).name}"
        + (f", {c.kind.label.lower()} trưởng" if leader in names else ""),
        secretary=secretary,
        attendance=attendance,
        proceedings=proceedings,
        standings=standings,
        rule=rule,
        conclusions=conclusions,
        closed=f"Hội nghị kết thúc {date_text(covenant.review_on)}; biên bản được thông qua tại hội nghị./.",
        secretary_name=secretary,
        chair_name=chair,
    )


def submission_doc(session: Session, year: Year) -> SubmissionDoc:
    """The cluster's Tờ trình to the organiser's council: the flag for the leader, Bằng khen for
    the next units, the award named after who decides it."""
    c, covenant = year.cluster, year.covenant
    organiser = session.get(Unit, c.organiser_unit_id)
    council = session.exec(select(Council).where(Council.unit_id == organiser.id)).first()
    tenant = Org.of(session).tenant(organiser.id)
    rules = default_catalogue().for_date(covenant.review_on or date(covenant.year, 12, 31), tenant)
    asked = [
        award_name(rules.award(code), organiser.authority, organiser.name)
        + f" cho {session.get(Unit, u).name}"
        for code, u in proposals(session, year)
    ]
    leader = _leader(session, year)
    _, head = _head(session, leader)
    paragraphs = [
        *sentence_list([b for b in (f"Căn cứ {rules.basis['law']}", _regulation(year)) if b]),
        f"Ngày {covenant.review_on:%d/%m/%Y}, {c.name} tổ chức hội nghị tổng kết, bình xét thi đua năm "
        f"{covenant.year}; các đơn vị đã chấm điểm theo Giao ước thi đua, được cơ quan thường trực "
        f"thẩm định, và bỏ phiếu kín suy tôn đơn vị dẫn đầu ({year.ballots:02d} phiếu hợp lệ).",
        (f"{c.name} kính đề nghị xem xét, trình tặng: " + "; ".join(asked) + ".")
        if asked
        else f"Năm {covenant.year}, {c.name} không có đơn vị đạt tỷ lệ phiếu suy tôn.",
    ]
    return SubmissionDoc(
        header=_header(session, year, covenant.review_on),
        summary=f"Về việc đề nghị khen thưởng các đơn vị dẫn đầu {c.name} năm {covenant.year}",
        addressees=[council.name if council else council_name(organiser.name)],
        paragraphs=paragraphs,
        attachments=[
            f"Biên bản hội nghị tổng kết {c.name} năm {covenant.year}",
            "Bảng tổng hợp điểm, xếp hạng",
        ],
        recipients=["Như trên", "Các đơn vị thành viên", "Lưu: VT"],
        signature=Signature(
            lines=[f"TM. {c.kind.label.upper()} THI ĐUA", f"{c.kind.label.upper()} TRƯỞNG"], name=head
        ),
    )
