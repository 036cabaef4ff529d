"""Document contexts from the database: what a decision, a Tờ trình, the minutes of a council
session, a certificate or an achievement report says is read from the records the workflow
already keeps — nothing is typed twice."""

from datetime import date, timedelta, timezone

from sqlmodel import Session, col, select

from document_templates.contexts import (
    Article,
    CertificateDoc,
    DecisionDoc,
    Header,
    HistoryRow,
    ListDoc,
    MinutesDoc,
    ReportDoc,
    Section,
    SubmissionDoc,
    Tally,
    date_text,
    number_text,
)
from document_templates.wording import (
    collective_entry,
    conferring,
    count_text,
    header,
    person_entry,
    posting,
    salutation,
    sentence_list,
    signing_block,
    unit_path,
)
from models.campaigns import Campaign
from models.catalogue import RuleSet, default_catalogue
from models.councils import Attendance, Council, CouncilMember, CouncilSession, SessionItem, TallyResult
from models.decisions import Decision
from models.history import AwardRecord
from models.nominations import Nomination, Submission, SubmissionItem
from models.org import Person, Unit, UnitKind
from models.routing import Org

VIETNAM = timezone(timedelta(hours=7))
ROMAN = ("I", "II")


def _rules(session: Session, unit: Unit, day: date | None) -> RuleSet:
    return default_catalogue().for_date(day or date.today(), Org.of(session).tenant(unit.id))


def _decree(rules: RuleSet) -> str:
    """'Nghị định số 152/2025/NĐ-CP', the number part of the decree in force."""
    return rules.basis["decree"].split(" ngày ")[0]


def _split(session: Session, nominations: list[Nomination], year: int) -> tuple[list[str], list[str]]:
    """The list's two sections: collectives, then individuals, each entry as lists print it."""
    collectives = [
        collective_entry(session, session.get(Unit, n.collective_id)) for n in nominations if n.collective_id
    ]
    people = []
    for n in nominations:
        if n.person_id:
            name, detail = person_entry(session, session.get(Person, n.person_id), year)
            people.append(f"{name}, {detail}" if detail else name)
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


def decision_nominations(session: Session, decision: Decision) -> list[Nomination]:
    return list(
        session.exec(
            select(Nomination).where(Nomination.decision_id == decision.id).order_by(col(Nomination.id))
        )
    )


def decision_docs(session: Session, decision: Decision) -> tuple[DecisionDoc, ListDoc]:
    """Quyết định (Mẫu 1.2) and its Danh sách kèm theo."""
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    nominations = decision_nominations(session, decision)
    rules = _rules(session, issuer, decision.signed_on)
    award = rules.award(decision.award_code)
    verb, what = conferring(award, campaign.year)
    collectives, people = _split(session, nominations, campaign.year)
    org = Org.of(session)
    bases = [issuer.organisation_basis] if issuer.organisation_basis else []
    bases += [f"Căn cứ {rules.basis['law']}", f"Căn cứ {rules.basis['decree']}"]
    tenant = rules.tenant
    if tenant.get("regulation") and org.tenant(issuer.id) == tenant.get("code"):
        bases.append(f"Căn cứ {tenant['regulation']}")
    meeting = reviewing_session(session, nominations, issuer)
    if meeting is not None:
        bases.append(
            f"Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng {issuer.name} {_local(meeting.held_at)[1]}"
        )
    senders = session.exec(
        select(Submission)
        .join(SubmissionItem, col(SubmissionItem.submission_id) == Submission.id)
        .where(
            Submission.to_unit_id == issuer.id,
            Submission.level > 0,
            col(SubmissionItem.nomination_id).in_([n.id for n in nominations]),
        )
        .distinct()
        .order_by(col(Submission.id))
    ).all()
    for sent in senders:
        sender = session.get(Unit, sent.from_unit_id)
        bases.append(
            f"Xét đề nghị của {sender.authority} tại Tờ trình số "
            f"{number_text(sent.number)}/{sent.symbol} {date_text(sent.signed_on)}"
        )
    if not senders:
        bases.append(f"Theo đề nghị của Thường trực Hội đồng Thi đua - Khen thưởng {issuer.name}")
    payer = (
        "Bộ, ban, ngành, tỉnh trình khen thưởng"
        if issuer.kind in {UnitKind.CENTRAL, UnitKind.STATE}
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
    )
    attached = ListDoc(
        subtitle=f"{_who(collectives, people)} ĐƯỢC {verb.upper()} {what.upper()}",
        reference=attached_to(
            "Quyết định", decision.number, decision.symbol, decision.signed_on, issuer.authority
        ),
        sections=_sections(collectives, people),
    )
    return document, attached


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
    for n in decision_nominations(session, decision):
        if n.person_id:
            recipient, detail = person_entry(session, session.get(Person, n.person_id), campaign.year)
        else:
            unit = session.get(Unit, n.collective_id)
            recipient, detail = unit.name, unit_path(session, session.get(Unit, unit.parent_id))
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
    )
    return list(session.exec(query))


def submission_docs(session: Session, submission: Submission) -> tuple[SubmissionDoc, ListDoc]:
    """The Tờ trình a unit sends up (Mẫu 1.4, 'Kính gửi'), with its Danh sách."""
    sender, receiver = session.get(Unit, submission.from_unit_id), session.get(Unit, submission.to_unit_id)
    campaign = session.get(Campaign, submission.campaign_id)
    nominations = carried(session, submission)
    rules = _rules(session, sender, submission.signed_on)
    awards = sorted({n.award_code for n in nominations})
    phrases = [conferring(rules.award(code), campaign.year) for code in awards]
    wanted = "; ".join(f"{verb[0].lower()}{verb[1:]} {what}" for verb, what in phrases)
    collectives, people = _split(session, nominations, campaign.year)
    addressee = receiver.authority
    paragraphs = [f"Căn cứ {rules.basis['law']}; căn cứ {rules.basis['decree']};"]
    meeting = reviewing_session(session, nominations, sender)
    if meeting is not None:
        passed = session.exec(
            select(TallyResult).where(TallyResult.session_id == meeting.id, TallyResult.passed)
        ).all()
        first = passed[0] if passed else None
        attendance = f", {first.present}/{first.members_total} thành viên dự họp" if first else ""
        paragraphs.append(
            f"{_local(meeting.held_at)[1].capitalize()}, Hội đồng Thi đua - Khen thưởng {sender.name} "
            f"đã họp xét{attendance}; "
            f"kết quả bỏ phiếu kín có {len(passed):02d} trường hợp đạt tỷ lệ phiếu đồng ý theo quy định "
            f"(Biên bản số {number_text(meeting.number)}/{meeting.symbol})."
        )
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
        signature=signing_block(session, sender, submission.signer_id, campaign.year),
    )
    attached = ListDoc(
        subtitle=f"{_who(collectives, people)} ĐỀ NGHỊ {wanted.upper()}",
        reference=attached_to(
            "Tờ trình", submission.number, document.header.symbol, submission.signed_on, sender.name
        ),
        sections=_sections(collectives, people),
    )
    return document, attached


def minutes_doc(session: Session, meeting: CouncilSession) -> MinutesDoc:
    """Biên bản (Mẫu 1.9) from the recorded session: attendance, ballots, the tally per nominee."""
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
    tallies, recommended, rejected = [], {}, []
    for order, row in enumerate(rows, 1):
        n = session.get(Nomination, row.nomination_id)
        name = (
            session.get(Person, n.person_id).full_name
            if n.person_id
            else session.get(Unit, n.collective_id).name
        )
        award = rules.award(n.award_code)
        share = f"{100 * row.yes / row.base:.1f}%".replace(".", ",") if row.base else "—"
        tallies.append(
            Tally(
                order=order,
                nominee=name,
                award=award.name,
                issued=row.ballots_issued,
                valid=row.valid,
                yes=row.yes,
                share=share,
                outcome="Đạt" if row.passed else "Không đạt",
            )
        )
        (recommended.setdefault(award.name, []).append(name) if row.passed else rejected.append(name))
    conclusions = [
        f"Hội đồng thống nhất đề nghị {award}: {', '.join(names)}." for award, names in recommended.items()
    ]
    if rejected:
        conclusions.append(
            f"Không đề nghị (không đạt tỷ lệ phiếu đồng ý theo quy định): {', '.join(rejected)}."
        )
    votes = {rules.award(session.get(Nomination, r.nomination_id).award_code).vote for r in rows}
    rule_text = "; ".join(
        f"ngưỡng {'trên' if v.strict else 'từ'} {float(v.threshold) * 100:g}% "
        + (
            "tổng số thành viên Hội đồng"
            if v.base == "total_members"
            else "số thành viên tham gia biểu quyết"
        )
        for v in sorted(votes, key=lambda v: v.name)
    )
    chair = session.get(Person, meeting.chair_id) if meeting.chair_id else None
    secretary = session.get(Person, meeting.secretary_id) if meeting.secretary_id else None
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
        summary=f"Họp Hội đồng Thi đua - Khen thưởng {unit.name} xét đề nghị khen thưởng năm {year}",
        opened=f"Thời gian bắt đầu: {opened_time}, {opened_day}.",
        place=meeting.place,
        chair=f"{chair.full_name}, Chủ tịch Hội đồng" if chair else "",
        secretary=secretary.full_name if secretary else "",
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
            "Hội đồng thảo luận, thống nhất bỏ phiếu kín; thành viên vắng mặt gửi ý kiến bằng văn bản "
            "được tính vào kết quả.",
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
    """The achievement report form (báo cáo thành tích) pre-filled for the unit to complete."""
    campaign = session.get(Campaign, nomination.campaign_id)
    unit = session.get(Unit, nomination.unit_id)
    rules = _rules(session, unit, None)
    award = rules.award(nomination.award_code)
    if nomination.person_id:
        person = session.get(Person, nomination.person_id)
        post, posted = posting(session, person.id, campaign.year)
        subject = f"{salutation(person)} {person.full_name}, {post}, {unit_path(session, posted)}"
        facts = [
            f"Họ và tên: {person.full_name}",
            f"Giới tính: {person.gender or '…'}",
            f"Ngày, tháng, năm sinh: {person.birth_date:%d/%m/%Y}"
            if person.birth_date
            else "Ngày, tháng, năm sinh: …",
            f"Quê quán: {person.hometown or '…'}",
            f"Đơn vị công tác: {unit_path(session, posted)}",
            f"Chức vụ: {post}",
        ]
        owner = AwardRecord.person_id == person.id
    else:
        collective = session.get(Unit, nomination.collective_id)
        subject = unit_path(session, collective)
        facts = [
            f"Tên tập thể: {collective.name}",
            f"Năm thành lập: {collective.founded_on.year if collective.founded_on else '…'}",
            f"Cơ quan cấp trên: {unit_path(session, session.get(Unit, collective.parent_id))}",
        ]
        owner = AwardRecord.collective_id == collective.id
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
            award=named.name if named else record.code,
            decision=f"Số {record.decision_number}{day} của {record.issuer}".strip(),
        )

    titles = [row(r) for r in history if r.code in rules.awards and rules.awards[r.code].kind == "title"]
    forms = [row(r) for r in history if r.code not in rules.awards or rules.awards[r.code].kind == "form"]
    # A unit without a place of its own writes under the nearest one above it; with none known the
    # place is left blank for the unit to fill in, like the form's other missing facts.
    place = next((u.place for u in Org.of(session).ancestors(unit.id) if u.place), "…")
    return ReportDoc(
        place_date=f"{place}, {date_text(None)}",
        proposed_award=award.name.upper(),
        individual=nomination.person_id is not None,
        subject=subject,
        facts=facts,
        titles=titles,
        forms=forms,
    )
