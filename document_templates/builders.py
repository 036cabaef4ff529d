"""Document contexts from the database: what a decision, a Tờ trình, the minutes of a council
session, a certificate or an achievement report says is read from the records the workflow
already keeps — nothing is typed twice."""

import re
from datetime import date, timedelta, timezone

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from document_templates.contexts import (
    AppraisalDoc,
    AppraisedCase,
    Article,
    CertificateDoc,
    DecisionDoc,
    Header,
    HistoryRow,
    ListDoc,
    MinutesDoc,
    ReportDoc,
    ReportSigner,
    Section,
    SubmissionDoc,
    Tally,
    date_text,
    number_text,
)
from document_templates.wording import (
    award_name,
    conferring,
    count_text,
    header,
    load,
    named,
    person_entries,
    post_at,
    posting,
    sentence_list,
    signing_block,
    unit_path,
    with_parents,
)
from models.campaigns import Campaign
from models.catalogue import Award, RuleSet, default_catalogue
from models.councils import (
    Attendance,
    Council,
    CouncilMember,
    CouncilSession,
    SessionItem,
    TallyResult,
    council_name,
)
from models.decisions import Decision
from models.errors import GuardFailed
from models.history import AwardRecord, Initiative, Rating, RatingLevel
from models.nominations import (
    WITHOUT_VERDICT,
    Nomination,
    Submission,
    SubmissionItem,
    SubmissionKind,
    by_ids,
    of_decision,
)
from models.org import Membership, Person, Unit, UnitKind
from models.routing import Org

VIETNAM = timezone(timedelta(hours=7))
ROMAN = ("I", "II")


def _rules(session: Session, unit: Unit, day: date | None) -> RuleSet:
    return default_catalogue().for_date(day or date.today(), Org.of(session).tenant(unit.id))


def _decree(rules: RuleSet) -> str:
    """'Nghị định số 152/2025/NĐ-CP', the number part of the decree in force."""
    return rules.basis["decree"].split(" ngày ")[0]


DATED = re.compile(r"ngày \d{1,2} tháng \d{1,2} năm \d{4}")
NUMBERED = re.compile(r"\bsố \S+/\S+")


def cited(line: str) -> bool:
    """A căn cứ names its instrument with the date, and all but a law with the number too
    ('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022'; 'Căn cứ Nghị định số
    152/2025/NĐ-CP ngày …'): Decree 30/2020 App. I §II.5."""
    instrument = line.removeprefix("Căn cứ ")
    law = instrument.startswith(("Luật", "Bộ luật", "Hiến pháp"))
    return bool(DATED.search(instrument)) and (law or bool(NUMBERED.search(instrument)))


def legal_bases(
    session: Session, unit: Unit, rules: RuleSet, own_powers: bool = True
) -> tuple[list[str], list[str]]:
    """(the căn cứ lines, what is missing): the unit's own powers, the law, the decree in force,
    the tenant's regulation — each from data; one without its number or date is left out and
    named in the second list, for the secretariat to complete the record."""
    candidates = [(f"văn bản quy định chức năng, nhiệm vụ của {unit.name}", unit.organisation_basis)]
    candidates = candidates if own_powers else []
    candidates += [("Luật Thi đua, khen thưởng", f"Căn cứ {rules.basis['law']}")]
    candidates += [("nghị định quy định chi tiết", f"Căn cứ {rules.basis['decree']}")]
    tenant = rules.tenant
    if tenant.get("code") and Org.of(session).tenant(unit.id) == tenant["code"]:
        regulation = tenant.get("regulation")
        candidates.append(
            (f"quy chế thi đua, khen thưởng của {tenant.get('name', tenant['code'])}", regulation)
        )
    lines, gaps = [], []
    for what, line in candidates:
        line = f"Căn cứ {line.removeprefix('Căn cứ ')}" if line else ""
        if line and cited(line):
            lines.append(line)
        else:
            gaps.append(f"Thiếu số, ngày ban hành của {what}: dòng căn cứ bị bỏ")
    return lines, gaps


def decider(session: Session, nomination: Nomination, award: Award, day: date) -> Unit | None:
    """The unit whose head gives the award to this nominee: the last level of its route on `day`."""
    rules = _rules(session, session.get(Unit, nomination.unit_id), day)
    try:
        return Org.of(session).route_units(rules, award, nomination.unit_id, day)[-1]
    except GuardFailed:
        return None


def _deciders(
    session: Session, nominations: list[Nomination], rules: RuleSet, day: date
) -> dict[int, Unit | None]:
    """Each nomination's decider on `day`, worked out once per unit and award."""
    found: dict[tuple[int, str], Unit | None] = {}
    for n in nominations:
        if (n.unit_id, n.award_code) not in found:
            found[n.unit_id, n.award_code] = decider(session, n, rules.award(n.award_code), day)
    return {n.id: found[n.unit_id, n.award_code] for n in nominations}


def nominees(session: Session, nominations: list[Nomination], year: int) -> dict[int, tuple[str, str]]:
    """Each nominee as lists print it, the name and then the post and unit: ('Bà Nguyễn Thị Thu
    Hà', 'Trưởng phòng Ngân sách, Sở Tài chính'), ('Phòng Ngân sách', 'Sở Tài chính'). The people,
    their posts and the units are read once for the whole list, not per nominee."""
    people = load(session, Person, [n.person_id for n in nominations])
    entries = person_entries(session, list(people.values()), year)
    units = with_parents(session, [n.collective_id for n in nominations])
    return {
        n.id: entries[n.person_id] if n.person_id else _halves(unit_path(session, units[n.collective_id]))
        for n in nominations
    }


def _halves(path: str) -> tuple[str, str]:
    name, _, detail = path.partition(", ")
    return name, detail


def _joined(entry: tuple[str, str]) -> str:
    """'Bà Nguyễn Thị Thu Hà, Trưởng phòng Ngân sách, Sở Tài chính': a nominee with his or her unit."""
    return ", ".join(part for part in entry if part)


def _split(
    names: dict[int, tuple[str, str]], nominations: list[Nomination], notes: dict[int, str] | None = None
) -> tuple[list[str], list[str]]:
    """The list's two sections: collectives, then individuals, each entry as lists print it,
    followed by its note (the council's votes) when there is one."""
    notes = notes or {}
    entries = {
        n.id: _joined(names[n.id]) + (f" ({notes[n.id]})" if n.id in notes else "") for n in nominations
    }
    collectives = [entries[n.id] for n in nominations if n.collective_id]
    people = [entries[n.id] for n in nominations if n.person_id]
    return collectives, people


def _sections(collectives: list[str], people: list[str]) -> list[Section]:
    groups = [("TẬP THỂ", collectives), ("CÁ NHÂN", people)]
    present = [(label, entries) for label, entries in groups if entries]
    return [
        Section(heading=f"{ROMAN[i]}. {label}", entries=sentence_list(entries))
        for i, (label, entries) in enumerate(present)
    ]


def _who(collectives: list, people: list) -> str:
    return " VÀ ".join(label for label, entries in (("TẬP THỂ", collectives), ("CÁ NHÂN", people)) if entries)


def attached_to(document: str, number: int | None, symbol: str, day, issuer: str) -> str:
    """'(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 01 năm 2026 của …)' (App. I §III.1)."""
    return f"(Kèm theo {document} số {number_text(number)}/{symbol} {date_text(day)} của {issuer})"


def _local(moment) -> tuple[str, str]:
    """('14 giờ 00 phút', 'ngày 17 tháng 12 năm 2025') in Vietnam time."""
    local = moment.astimezone(VIETNAM)
    return f"{local.hour:02d} giờ {local.minute:02d} phút", date_text(local.date())


# ---------------------------------------------------------------------------- decisions


def decision_docs(session: Session, decision: Decision) -> tuple[DecisionDoc, ListDoc]:
    """Quyết định (Mẫu 1.2) and its Danh sách kèm theo."""
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    nominations = of_decision(session, decision.id)
    rules = _rules(session, issuer, decision.signed_on)
    award = rules.award(decision.award_code)
    verb, what = conferring(award, campaign.year, issuer)
    collectives, people = _split(nominees(session, nominations, campaign.year), nominations)
    bases, gaps = legal_bases(session, issuer, rules)
    meeting = reviewing_session(session, nominations, issuer)
    if meeting is not None:
        council = session.get(Council, meeting.council_id)
        bases.append(f"Căn cứ kết quả họp {council.name} {_local(meeting.held_at)[1]}")
    bases += proposed_by(session, issuer, nominations)
    # For an award of the President, the Government or the Prime Minister, the ministry or province
    # that proposed it pays (Law 06/2022 Art. 11(4)).
    sent = submissions_to(session, issuer, nominations, SubmissionKind.PROPOSAL)
    senders = load(session, Unit, [s.from_unit_id for s in sent])
    proposers = list(dict.fromkeys(senders[s.from_unit_id].name for s in sent))
    payer = (
        ", ".join(proposers)
        if issuer.kind in {UnitKind.CENTRAL, UnitKind.STATE} and proposers
        else issuer.name
    )
    articles = [
        Article(
            number=1,
            text=f"{verb} {what} cho {count_text(len(collectives), len(people))} (có danh sách kèm theo) "
            f"đã có thành tích xuất sắc trong phong trào thi đua năm {campaign.year}.",
        ),
        Article(
            number=2,
            text=f"Tiền thưởng kèm theo thực hiện theo quy định tại {_decree(rules)}; kinh phí do {payer} "
            "chi trả (Luật Thi đua, khen thưởng, Điều 11 khoản 4).",
        ),
        Article(
            number=3,
            text="Thủ trưởng cơ quan thường trực Hội đồng Thi đua - Khen thưởng, thủ trưởng các cơ quan, "
            "đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
            "Quyết định này./.",
        ),
    ]
    document = DecisionDoc(
        header=header(session, issuer, decision.number, decision.symbol, decision.signed_on),
        summary=f"Về việc {verb[0].lower()}{verb[1:]} {what}",
        authority=issuer.authority.upper(),
        bases=sentence_list(bases),
        articles=articles,
        recipients=sentence_list(["Như Điều 3", "Lưu: VT, TĐKT"]),
        signature=signing_block(session, issuer, decision.signer_id, campaign.year),
        gaps=gaps,
    )
    attached = ListDoc(
        subtitle=f"{_who(collectives, people)} ĐƯỢC {verb.upper()} {what.upper()}",
        reference=attached_to(
            "Quyết định", decision.number, decision.symbol, decision.signed_on, issuer.authority
        ),
        sections=_sections(collectives, people),
    )
    return document, attached


def submissions_to(
    session: Session, unit: Unit, nominations: list[Nomination], kind: SubmissionKind
) -> list[Submission]:
    """The numbered Tờ trình of a kind that carried these nominations to `unit`: the units' own
    proposals to the level, or the appraising body's Tờ trình thẩm định to its authority."""
    return list(
        session.exec(
            select(Submission)
            .join(SubmissionItem, col(SubmissionItem.submission_id) == Submission.id)
            .where(
                Submission.to_unit_id == unit.id,
                Submission.kind == kind,
                Submission.level > 0,
                col(Submission.number).is_not(None),
                col(SubmissionItem.nomination_id).in_([n.id for n in nominations]),
            )
            .distinct()
            .order_by(col(Submission.id))
        ).all()
    )


def proposed_by(session: Session, issuer: Unit, nominations: list[Nomination]) -> list[str]:
    """A decision's 'Xét đề nghị' lines: where the level appraises, the appraising body's head's
    Tờ trình thẩm định ('Giám đốc Sở Nội vụ', 'Bộ trưởng Bộ Nội vụ'); else the units' Tờ trình."""
    sent = submissions_to(session, issuer, nominations, SubmissionKind.APPRAISAL) or submissions_to(
        session, issuer, nominations, SubmissionKind.PROPOSAL
    )
    if not sent:
        return [f"Theo đề nghị của Thường trực {council_name(issuer.name)}"]
    senders = load(session, Unit, [s.from_unit_id for s in sent])
    return [
        f"Xét đề nghị của {senders[s.from_unit_id].authority} tại Tờ trình số "
        f"{number_text(s.number)}/{s.symbol} {date_text(s.signed_on)}"
        for s in sent
    ]


def reviewing_session(session: Session, nominations: list[Nomination], unit: Unit) -> CouncilSession | None:
    """The latest closed session of `unit`'s council that voted on these nominations."""
    return session.exec(
        select(CouncilSession)
        .join(Council, col(Council.id) == CouncilSession.council_id)
        .join(SessionItem, col(SessionItem.session_id) == CouncilSession.id)
        .where(Council.unit_id == unit.id, col(SessionItem.nomination_id).in_([n.id for n in nominations]))
        .order_by(col(CouncilSession.held_at).desc())
    ).first()


def certificate_docs(session: Session, decision: Decision) -> list[tuple[Nomination, CertificateDoc]]:
    """One certificate per nominee: the print fields of the Bằng khen or Giấy khen."""
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    heading = "GIẤY KHEN" if decision.award_code == "GK" else "BẰNG KHEN"
    records = {
        (r.person_id, r.collective_id): r
        for r in session.exec(select(AwardRecord).where(AwardRecord.decision_id == decision.id))
    }
    block = signing_block(session, issuer, decision.signer_id, campaign.year)
    place = header(session, issuer, None, "", decision.signed_on).place_date
    certificates = []
    nominations = of_decision(session, decision.id)
    names = nominees(session, nominations, campaign.year)
    for n in nominations:
        recipient, detail = names[n.id]
        record = records.get((n.person_id, n.collective_id))
        book = record.golden_book if record else ""
        achievement = (
            n.achievement or f"đã có thành tích xuất sắc trong phong trào thi đua năm {campaign.year}"
        )
        certificates.append(
            (
                n,
                CertificateDoc(
                    issuer_title=issuer.authority.upper(),
                    heading=heading,
                    recipient=recipient,
                    recipient_detail=detail,
                    achievement=achievement[0].upper() + achievement[1:],
                    decision_line=f"Quyết định số {decision.reference} ngày {decision.signed_on:%d/%m/%Y}",
                    golden_book=f"Số sổ vàng: {book}",
                    decision_number=decision.reference,
                    decision_date=f"{decision.signed_on:%d/%m/%Y}",
                    golden_book_number=book,
                    place_date=place,
                    signature=block,
                ),
            )
        )
    return certificates


# ------------------------------------------------------------------------ Tờ trình, minutes


def carried(session: Session, submission: Submission) -> list[Nomination]:
    """The nominations a Tờ trình carried, wherever they are now."""
    query = (
        select(Nomination)
        .join(SubmissionItem, col(SubmissionItem.nomination_id) == Nomination.id)
        .where(SubmissionItem.submission_id == submission.id)
        .order_by(col(Nomination.id))
        .options(WITHOUT_VERDICT)
    )
    return list(session.exec(query))


def _votes(row: TallyResult) -> str:
    """'11/11 phiếu đồng ý, đạt 100% tổng số thành viên Hội đồng': a nominee's tally as the
    vote rule counts it (its base: all members, or those who voted)."""
    share = f"{100 * row.yes / row.base:.1f}".replace(".", ",").removesuffix(",0") if row.base else "0"
    of = (
        "tổng số thành viên Hội đồng"
        if row.base == row.members_total
        else "số thành viên tham gia biểu quyết"
    )
    return f"{row.yes}/{row.base} phiếu đồng ý, đạt {share}% {of}"


def _bases_paragraph(bases: list[str]) -> list[str]:
    """A Tờ trình's căn cứ in one opening paragraph: 'Căn cứ …; căn cứ …;' (none, none)."""
    return ["; ".join(bases[:1] + [f"c{line[1:]}" for line in bases[1:]]) + ";"] if bases else []


def _wanted(session: Session, rules: RuleSet, nominations: list[Nomination], year: int, day: date) -> str:
    """'tặng Bằng khen của Chủ tịch …; công nhận …': what a Tờ trình asks for its nominations,
    each award named with whom its route leads to on `day`."""
    first: dict[str, Nomination] = {}
    for n in nominations:
        first.setdefault(n.award_code, n)
    phrases = [
        conferring(rules.award(code), year, decider(session, n, rules.award(code), day))
        for code, n in sorted(first.items())
    ]
    return "; ".join(f"{verb[0].lower()}{verb[1:]} {what}" for verb, what in phrases)


def submission_docs(session: Session, submission: Submission) -> tuple[SubmissionDoc, ListDoc]:
    """The Tờ trình a unit sends up (Mẫu 1.4, 'Kính gửi'), with its Danh sách; both give each
    nominee's votes in the council that reviewed them (Law 06/2022 Art. 84(1)(c))."""
    sender, receiver = session.get(Unit, submission.from_unit_id), session.get(Unit, submission.to_unit_id)
    campaign = session.get(Campaign, submission.campaign_id)
    nominations = carried(session, submission)
    day = submission.signed_on or date.today()
    rules = _rules(session, sender, submission.signed_on)
    wanted = _wanted(session, rules, nominations, campaign.year, day)
    addressee = receiver.authority
    bases, gaps = legal_bases(session, sender, rules, own_powers=False)
    paragraphs = _bases_paragraph(bases)
    meeting = reviewing_session(session, nominations, sender)
    names = nominees(session, nominations, campaign.year)
    votes: dict[int, str] = {}
    if meeting is not None:
        rows = session.exec(
            select(TallyResult).where(
                TallyResult.session_id == meeting.id,
                col(TallyResult.nomination_id).in_([n.id for n in nominations]),
            )
        ).all()
        votes = {row.nomination_id: _votes(row) for row in rows}
        attendance = f", {rows[0].present}/{rows[0].members_total} thành viên dự họp" if rows else ""
        council = session.get(Council, meeting.council_id)
        results = "; ".join(f"{names[n.id][0]} {votes[n.id]}" for n in nominations if n.id in votes)
        paragraphs.append(
            f"{_local(meeting.held_at)[1].capitalize()}, {council.name} đã họp xét{attendance}; "
            f"kết quả bỏ phiếu kín: {results} "
            f"(Biên bản số {number_text(meeting.number)}/{meeting.symbol})."
        )
    collectives, people = _split(names, nominations, votes)
    paragraphs.append(
        f"{sender.name} kính đề nghị {addressee} xem xét, {wanted} "
        f"cho {count_text(len(collectives), len(people))} "
        f"(có danh sách kèm theo) đã có thành tích xuất sắc trong phong trào thi đua năm {campaign.year}."
    )
    paragraphs.append(f"Kính trình {addressee} xem xét, quyết định./.")
    document = SubmissionDoc(
        header=header(
            session,
            sender,
            submission.number,
            submission.symbol or f"TTr-{sender.abbreviation}",
            submission.signed_on,
        ),
        summary=f"Về việc đề nghị {wanted}",
        addressees=[addressee],
        paragraphs=paragraphs,
        attachments=sentence_list(
            [
                "Danh sách đề nghị khen thưởng",
                "Biên bản họp Hội đồng Thi đua - Khen thưởng",
                f"Báo cáo thành tích ({len(nominations):02d} bộ)",
            ]
        ),
        recipients=sentence_list(["Như trên", "Lưu: VT, TĐKT"]),
        signature=signing_block(session, sender, submission.signer_id, campaign.year, on_behalf=True),
        gaps=gaps,
    )
    attached = ListDoc(
        subtitle=f"{_who(collectives, people)} ĐỀ NGHỊ {wanted.upper()}",
        reference=attached_to(
            "Tờ trình", submission.number, document.header.symbol, submission.signed_on, sender.name
        ),
        sections=_sections(collectives, people),
    )
    return document, attached


def _items(session: Session, submissions: list[Submission], among: set[int]) -> dict[int, list[int]]:
    """The nominations each Tờ trình carried, of those `among`: one query for all of them."""
    held: dict[int, list[int]] = {s.id: [] for s in submissions}
    query = select(SubmissionItem.submission_id, SubmissionItem.nomination_id).where(
        col(SubmissionItem.submission_id).in_(list(held))
    )
    for submission_id, nomination_id in session.exec(query):
        if nomination_id in among:
            held[submission_id].append(nomination_id)
    return held


def appraisal_docs(session: Session, submission: Submission) -> tuple[AppraisalDoc, ListDoc]:
    """The appraising body's Tờ trình thẩm định to the deciding authority (Mẫu 1.4, 'Kính gửi'):
    the units' Tờ trình it appraised, the council's meeting and each nominee's votes, the
    conclusion and the request; with its Danh sách."""
    appraiser, deciding = session.get(Unit, submission.from_unit_id), session.get(Unit, submission.to_unit_id)
    campaign = session.get(Campaign, submission.campaign_id)
    nominations = carried(session, submission)
    rules = _rules(session, appraiser, submission.signed_on)
    wanted = _wanted(session, rules, nominations, campaign.year, submission.signed_on or date.today())
    names = nominees(session, nominations, campaign.year)
    collectives, people = _split(names, nominations)
    addressee = deciding.authority
    proposals = submissions_to(session, deciding, nominations, SubmissionKind.PROPOSAL)
    senders = load(session, Unit, [sent.from_unit_id for sent in proposals])
    held = _items(session, proposals, {n.id for n in nominations})
    proposal_of, received = {}, []
    for sent in proposals:
        proposal_of |= {i: f"{sent.reference} ngày {sent.signed_on:%d/%m/%Y}" for i in held[sent.id]}
        received.append(
            f"Tờ trình số {sent.reference} {date_text(sent.signed_on)} của "
            f"{senders[sent.from_unit_id].authority} ({len(held[sent.id]):02d} trường hợp)"
        )
    paragraphs = _bases_paragraph(legal_bases(session, appraiser, rules, own_powers=False)[0])
    if received:
        paragraphs.append(f"{appraiser.name} nhận được: {'; '.join(received)}.")
    meeting = reviewing_session(session, nominations, deciding)
    tallies = {}
    if meeting is not None:
        tallies = {
            r.nomination_id: r
            for r in session.exec(select(TallyResult).where(TallyResult.session_id == meeting.id))
        }
        paragraphs.append(
            f"{_local(meeting.held_at)[1].capitalize()}, {session.get(Council, meeting.council_id).name} "
            f"đã họp xét (Biên bản số {number_text(meeting.number)}/{meeting.symbol}). "
            "Kết quả thẩm định hồ sơ và bỏ phiếu kín của Hội đồng như sau:"
        )
    else:
        paragraphs.append("Kết quả thẩm định hồ sơ như sau:")
    cases = []
    for order, n in enumerate(nominations, 1):
        tally = tallies.get(n.id)
        votes = "—"
        if tally is not None:
            share = f"{100 * tally.yes / tally.members_total:.1f}%".replace(".", ",")
            votes = f"{tally.yes}/{tally.members_total} thành viên ({share})"
        cases.append(
            AppraisedCase(
                order=order,
                nominee=names[n.id][0],
                award=rules.award(n.award_code).name,
                proposal=proposal_of.get(n.id, "—"),
                votes=votes,
                outcome="Đủ điều kiện",
            )
        )
    conclusions = [
        f"Qua thẩm định, {len(nominations):02d} trường hợp đủ điều kiện, tiêu chuẩn và hồ sơ theo quy định "
        f"của Luật Thi đua, khen thưởng và {_decree(rules)}.",
        f"{appraiser.name} kính trình {addressee} xem xét, {wanted} cho "
        f"{count_text(len(collectives), len(people))} (có danh sách kèm theo) đã có thành tích xuất sắc "
        f"trong phong trào thi đua năm {campaign.year}.",
        f"Kính trình {addressee} xem xét, quyết định./.",
    ]
    symbol = submission.symbol or f"TTr-{appraiser.abbreviation}"
    document = AppraisalDoc(
        header=header(session, appraiser, submission.number, symbol, submission.signed_on),
        summary=f"Về việc đề nghị {wanted}",
        addressees=[addressee],
        paragraphs=paragraphs,
        cases=cases,
        conclusions=conclusions,
        attachments=sentence_list(
            [
                "Danh sách đề nghị khen thưởng",
                "Tờ trình của các cơ quan, đơn vị"
                + (" và Biên bản họp Hội đồng Thi đua - Khen thưởng" if meeting else ""),
                f"Hồ sơ đề nghị khen thưởng ({len(nominations):02d} bộ)",
            ]
        ),
        recipients=sentence_list(["Như trên", "Lưu: VT, TĐKT"]),
        signature=signing_block(session, appraiser, submission.signer_id, campaign.year),
    )
    attached = ListDoc(
        subtitle=f"{_who(collectives, people)} ĐỀ NGHỊ {wanted.upper()}",
        reference=attached_to("Tờ trình", submission.number, symbol, submission.signed_on, appraiser.name),
        sections=_sections(collectives, people),
    )
    return document, attached


def minutes_doc(session: Session, meeting: CouncilSession) -> MinutesDoc:
    """Biên bản (Mẫu 1.9) from the recorded session: attendance, ballots, the tally per nominee.
    Ballots issued are those handed out to the members present; absent members' written
    opinions are counted apart and added to the votes (models.voting.tally)."""
    council = session.get(Council, meeting.council_id)
    unit = session.get(Unit, council.unit_id)
    campaign = session.get(Campaign, meeting.campaign_id) if meeting.campaign_id else None
    year = campaign.year if campaign else meeting.held_at.year
    members = session.exec(
        select(CouncilMember, Person)
        .join(Person, col(Person.id) == CouncilMember.person_id)
        .where(CouncilMember.council_id == council.id, CouncilMember.active)
    ).all()
    attendance = {
        a.member_id: a for a in session.exec(select(Attendance).where(Attendance.session_id == meeting.id))
    }
    present = [p.full_name for m, p in members if attendance.get(m.id) and attendance[m.id].present]
    absent = [p.full_name for m, p in members if not (attendance.get(m.id) and attendance[m.id].present)]
    written = [p.full_name for m, p in members if attendance.get(m.id) and attendance[m.id].written_opinion]
    quorum = f"Số thành viên dự họp {len(present)}/{len(members)}"
    lines = [f"Tổng số thành viên Hội đồng: {len(members):02d}", f"Có mặt: {len(present):02d} thành viên"]
    lines.append(f"Vắng mặt: {len(absent):02d} thành viên" + (f" ({', '.join(absent)})" if absent else ""))
    if written:
        lines.append(f"Thành viên vắng mặt gửi ý kiến bằng văn bản: {', '.join(written)}")
    rows = session.exec(
        select(TallyResult)
        .where(TallyResult.session_id == meeting.id)
        .order_by(col(TallyResult.nomination_id))
    ).all()
    rules = _rules(session, unit, meeting.held_at.date())
    voted = {n.id: n for n in by_ids(session, [row.nomination_id for row in rows], WITHOUT_VERDICT)}
    names = nominees(session, list(voted.values()), year)
    deciders = _deciders(session, list(voted.values()), rules, meeting.held_at.date())
    tallies, recommended, rejected = [], {}, []
    for order, row in enumerate(rows, 1):
        n = voted[row.nomination_id]
        award = rules.award(n.award_code)
        by = deciders[n.id]
        named = award_name(award, by.authority, by.name) if by else award.name
        share = f"{100 * row.yes / row.base:.1f}%".replace(".", ",") if row.base else "—"
        tallies.append(
            Tally(
                order=order,
                nominee=_joined(names[n.id]),
                award=named,
                issued=row.ballots_issued,
                written=row.written,
                valid=row.valid,
                yes=row.yes,
                share=share,
                outcome="Đạt" if row.passed else "Không đạt",
            )
        )
        name = names[n.id][0]
        (recommended.setdefault(named, []).append(name) if row.passed else rejected.append(name))
    conclusions = [
        f"Hội đồng thống nhất đề nghị {award}: {', '.join(names)}." for award, names in recommended.items()
    ]
    if rejected:
        conclusions.append(
            f"Không đề nghị (không đạt tỷ lệ phiếu đồng ý theo quy định): {', '.join(rejected)}."
        )
    votes = {rules.award(voted[r.nomination_id].award_code).vote for r in rows}
    rule_text = "; ".join(
        f"ngưỡng {'trên' if v.strict else 'từ'} {float(v.threshold) * 100:g}% "
        + (
            "tổng số thành viên Hội đồng"
            if v.base == "total_members"
            else "số thành viên tham gia biểu quyết"
        )
        for v in sorted(votes, key=lambda v: v.name)
    )
    issued = rows[0].ballots_issued if rows else 0
    ballots = (
        "Hội đồng thảo luận, thống nhất bỏ phiếu kín; "
        f"phát ra {issued:02d} phiếu cho {len(present):02d} thành viên có mặt"
    )
    if written:
        ballots += (
            f"; {len(written):02d} ý kiến bằng văn bản của thành viên vắng mặt "
            "được kiểm riêng và tính vào kết quả"
        )
    ballots += "."
    chair = session.get(Person, meeting.chair_id) if meeting.chair_id else None
    secretary = session.get(Person, meeting.secretary_id) if meeting.secretary_id else None
    officers = person_entries(session, [p for p in (chair, secretary) if p], year)
    opened_time, opened_day = _local(meeting.held_at)
    closed_time, closed_day = _local(meeting.closed_at or meeting.held_at)
    return MinutesDoc(
        header=Header(
            parent_body=unit.name.upper(),
            issuer="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
            number=meeting.number,
            symbol=meeting.symbol or "BB-HĐTĐKT",
            place=header(session, unit, None, "", None).place,
            day=meeting.held_at.astimezone(VIETNAM).date(),
        ),
        summary=f"Họp {council.name} xét đề nghị khen thưởng năm {year}",
        opened=f"Thời gian bắt đầu: {opened_time}, {opened_day}.",
        place=meeting.place,
        chair=f"{_joined(officers[chair.id])}, Chủ tịch Hội đồng" if chair else "",
        secretary=_joined(officers[secretary.id]) if secretary else "",
        attendance=sentence_list(
            [
                *lines,
                f"{quorum}, {'bảo đảm' if rows and rows[0].quorum_met else 'không bảo đảm'} "
                "từ hai phần ba tổng số thành viên trở lên",
            ]
        ),
        proceedings=[
            f"Thường trực Hội đồng báo cáo tổng hợp {len(rows):02d} hồ sơ đề nghị khen thưởng "
            "đã được kiểm tra, đủ thủ tục theo quy định.",
            ballots,
            "Kết quả kiểm phiếu như sau:",
        ],
        tallies=tallies,
        rule=f"Tỷ lệ phiếu đồng ý: {rule_text}.",
        conclusions=conclusions,
        closed=f"Cuộc họp kết thúc vào {closed_time}, {closed_day}./.",
        secretary_name=secretary.full_name if secretary else "",
        chair_name=chair.full_name if chair else "",
    )


# ------------------------------------------------------------------------------ reports


def report_doc(session: Session, nomination: Nomination) -> ReportDoc:
    """The achievement report form (báo cáo thành tích) pre-filled with everything the engine
    knows — the CV, the ratings and initiatives of the last five years, the award history — for
    the unit to complete, with one signing block per role: an individual's report is signed by
    the nominee and confirmed by the unit's head; a collective's by its head and confirmed by
    the level above (the forms of Decree 98/2023 App. I as the old Decree 91/2017 Mẫu 01/02
    laid them out: verified = false, domain.md §5)."""
    campaign = session.get(Campaign, nomination.campaign_id)
    unit = session.get(Unit, nomination.unit_id)
    rules = _rules(session, unit, None)
    award = rules.award(nomination.award_code)
    by = decider(session, nomination, award, date.today())
    proposed = award_name(award, by.authority, by.name) if by else award.name
    years = range(campaign.year - 4, campaign.year + 1)
    known = [f"Thành tích đề nghị khen thưởng: {nomination.achievement}"] if nomination.achievement else []
    if nomination.person_id:
        person = session.get(Person, nomination.person_id)
        post, posted = posting(session, person.id, campaign.year)
        since = (
            session.exec(
                select(Membership.start_on)
                .where(Membership.person_id == person.id, Membership.unit_id == posted.id)
                .order_by(col(Membership.start_on))
            ).first()
            if posted
            else None
        )
        subject = _joined(named(session, person, post, posted))
        facts = [
            f"Họ và tên: {person.full_name}",
            f"Giới tính: {person.gender.capitalize()}",
            f"Ngày, tháng, năm sinh: {person.birth_date:%d/%m/%Y}"
            if person.birth_date
            else "Ngày, tháng, năm sinh:",
            f"Quê quán: {person.hometown}",
            f"Đơn vị công tác: {unit_path(session, posted)}" + (f" (từ năm {since.year})" if since else ""),
            f"Chức vụ: {post_at(post, unit_path(session, posted))}",
        ]
        owner = AwardRecord.person_id == person.id
        rated = Rating.person_id == person.id
        known += [
            f"Sáng kiến “{i.title}” (năm {i.year}, hiệu quả trong phạm vi {i.scope.label}"
            + (f"; {i.recognised_by} công nhận" if i.recognised_by else "")
            + ")"
            for i in session.exec(
                select(Initiative)
                .where(Initiative.person_id == person.id, col(Initiative.year).in_(years))
                .order_by(col(Initiative.year), col(Initiative.id))
            )
        ]
        confirmer = ReportSigner(lines=["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ"], note="(Ký, đóng dấu)")
        reporter = ReportSigner(
            lines=["NGƯỜI BÁO CÁO THÀNH TÍCH"], note="(Ký, ghi rõ họ và tên)", name=person.full_name
        )
    else:
        collective = session.get(Unit, nomination.collective_id)
        subject = unit_path(session, collective)
        staff = session.exec(
            select(func.count(func.distinct(Membership.person_id))).where(
                Membership.unit_id == collective.id,
                Membership.start_on <= date(campaign.year, 12, 31),
                or_(col(Membership.end_on).is_(None), col(Membership.end_on) >= date(campaign.year, 1, 1)),
            )
        ).one()
        facts = [
            f"Tên tập thể: {subject.partition(', ')[0]}",
            f"Năm thành lập: {collective.founded_on.year}" if collective.founded_on else "Năm thành lập:",
            f"Cơ quan cấp trên trực tiếp: {unit_path(session, session.get(Unit, collective.parent_id))}",
            f"Tổng số cán bộ, công chức, viên chức, người lao động năm {campaign.year}: {staff:02d} người",
        ]
        owner = AwardRecord.collective_id == collective.id
        rated = Rating.collective_id == collective.id
        confirmer = ReportSigner(
            lines=["THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN TRỰC TIẾP", "XÁC NHẬN, ĐỀ NGHỊ"], note="(Ký, đóng dấu)"
        )
        reporter = ReportSigner(lines=["THỦ TRƯỞNG ĐƠN VỊ"], note="(Ký, đóng dấu, ghi rõ họ và tên)")
    ratings = session.exec(
        select(Rating).where(rated, col(Rating.year).in_(years)).order_by(col(Rating.year))
    )
    known += [f"Kết quả đánh giá, xếp loại năm {r.year}: {RatingLevel(r.level).label}" for r in ratings]
    history = session.exec(
        select(AwardRecord)
        .where(owner, AwardRecord.revoked.is_(False))
        .order_by(col(AwardRecord.year), col(AwardRecord.id))
    ).all()

    def row(record: AwardRecord) -> HistoryRow:
        named = rules.awards.get(record.code)
        day = f" ngày {record.decision_date:%d/%m/%Y}" if record.decision_date else ""
        return HistoryRow(
            year=record.year,
            award=award_name(named, record.issuer) if named else record.code,
            decision=f"Số {record.decision_number}{day} của {record.issuer}".strip(),
        )

    titles = [row(r) for r in history if r.code in rules.awards and rules.awards[r.code].kind == "title"]
    forms = [row(r) for r in history if r.code not in rules.awards or rules.awards[r.code].kind == "form"]
    # A unit without a place of its own writes under the nearest one above it; with none known the
    # date line starts with the date, for the unit to write the place before it.
    place = next((u.place for u in Org.of(session).ancestors(unit.id) if u.place), "")
    return ReportDoc(
        place_date=f"{place}, {date_text(None)}" if place else date_text(None).capitalize(),
        proposed_award=proposed.upper(),
        individual=nomination.person_id is not None,
        subject=subject,
        facts=facts,
        known=known,
        titles=titles,
        forms=forms,
        confirmer=confirmer,
        reporter=reporter,
    )
