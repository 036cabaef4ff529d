"""What each template may use: one schema per document kind. Formatting that Decree 30/2020
fixes (number and symbol, place and date, the signing block) is computed here, once, so every
template prints it the same way."""

from datetime import date

from pydantic import BaseModel, ConfigDict

from models.text import NFCStr


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def number_text(number: int | None) -> str:
    """Numbers below 10 take a leading zero (Decree 30/2020 App. I §II.3); an unsigned
    draft leaves the space the registry office fills in."""
    return f"{number:02d}" if number else "      "


def date_text(day: date | None) -> str:
    """'ngày 05 tháng 01 năm 2026': days below 10 and the months January and February take a
    leading zero, other months do not ('tháng 6') — Decree 30/2020 App. I §II.4."""
    if day is None:
        return "ngày      tháng      năm 20  "
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


class Header(Schema):
    """Boxes 1–4 of Decree 30/2020 App. I: the issuing body, number and symbol, place and date."""

    parent_body: NFCStr = ""  # cơ quan chủ quản (upper case), may be empty
    issuer: NFCStr  # tên cơ quan, tổ chức ban hành (upper case)
    number: int | None = None  # from the register when signed
    symbol: NFCStr = ""  # e.g. QĐ-UBND; empty for documents without a number
    place: NFCStr
    day: date | None = None

    @property
    def number_line(self) -> str:
        return f"Số: {number_text(self.number)}/{self.symbol}" if self.symbol else ""

    @property
    def place_date(self) -> str:
        return f"{self.place}, {date_text(self.day)}"


class Signature(Schema):
    """Boxes 7a–7c: 'KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH', or 'TM. ỦY BAN NHÂN DÂN' / 'CHỦ TỊCH'."""

    lines: list[NFCStr]  # upper case, the authority prefix first
    name: NFCStr


# A deputy's title where it is not "Phó" and the head's (Decree 30/2020 App. I §II.7(b): "KT. BỘ
# TRƯỞNG / THỨ TRƯỞNG").
DEPUTIES = {"BỘ TRƯỞNG": "THỨ TRƯỞNG"}


def signature(head_title: str, signer_post: str, name: str, on_behalf_of: str = "") -> Signature:
    """The signing block (Decree 30/2020 App. I §II.7(b)): the head signs with their own title,
    a deputy KT. (ký thay), anyone else TL. (thừa lệnh); on behalf of a collective body the block
    opens with TM. (thay mặt): 'TM. ỦY BAN NHÂN DÂN' / 'KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH'."""
    head, post = head_title.upper().strip(), signer_post.upper().strip()
    deputy = DEPUTIES.get(head, f"PHÓ {head}")
    if post == head or post.startswith(head + " "):  # "Chủ tịch Ủy ban nhân dân tỉnh" is the head
        lines = [head]
    elif post.startswith(deputy):
        lines = [f"KT. {head}", deputy]
    elif post.startswith("PHÓ"):
        lines = [f"KT. {head}", post]
    else:
        lines = [f"TL. {head}", post]
    if on_behalf_of:
        lines.insert(0, f"TM. {on_behalf_of.upper()}")
    return Signature(lines=lines, name=name)


class Article(Schema):
    number: int
    text: NFCStr


class Section(Schema):
    heading: NFCStr  # "I. TẬP THỂ"
    entries: list[NFCStr]  # "Ông Nguyễn Văn An, Chuyên viên, Phòng Ngân sách, Sở Tài chính;"


class DecisionDoc(Schema):
    """Quyết định (cá biệt), Decree 30/2020 App. III Mẫu 1.2."""

    header: Header
    summary: NFCStr  # trích yếu: "Về việc tặng Bằng khen …"
    authority: NFCStr  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    bases: list[NFCStr]  # căn cứ, each ending ";" and the last "."
    articles: list[Article]
    recipients: list[NFCStr]  # nơi nhận, the last "Lưu: VT, …"
    signature: Signature
    # căn cứ left out for want of a number or date: for the secretariat, not printed
    gaps: list[NFCStr] = []


class ListDoc(Schema):
    """Danh sách kèm theo: the list attached to a decision or a Tờ trình."""

    title: NFCStr = "DANH SÁCH"
    subtitle: NFCStr
    reference: NFCStr  # "(Kèm theo Quyết định số … ngày … của …)"
    sections: list[Section]


class SubmissionDoc(Schema):
    """Tờ trình, Decree 30/2020 App. III Mẫu 1.4, with 'Kính gửi:' (App. I §II.9(b))."""

    header: Header
    summary: NFCStr
    addressees: list[NFCStr]  # kính gửi
    paragraphs: list[NFCStr]  # legal bases, the review and its votes, the request
    attachments: list[NFCStr]
    recipients: list[NFCStr]
    signature: Signature
    # căn cứ left out for want of a number or date: for the secretariat, not printed
    gaps: list[NFCStr] = []


class AppraisedCase(Schema):
    order: int
    nominee: NFCStr
    award: NFCStr
    proposal: NFCStr  # the unit's Tờ trình: "05/TTr-STC ngày 22/12/2025"
    votes: NFCStr  # "10/11 thành viên (90,9%)", or "—" at a level without a council vote
    outcome: NFCStr  # "Đủ điều kiện"


class AppraisalDoc(Schema):
    """Tờ trình thẩm định (Decree 30/2020 App. III Mẫu 1.4): the appraising body proposes to the
    deciding authority, citing the Tờ trình it appraised and the council's votes per nominee."""

    header: Header
    summary: NFCStr
    addressees: list[NFCStr]
    paragraphs: list[NFCStr]  # legal bases, the Tờ trình received, the council's meeting
    cases: list[AppraisedCase]
    conclusions: list[NFCStr]  # the appraisal's result and the request
    attachments: list[NFCStr]
    recipients: list[NFCStr]
    signature: Signature


class Tally(Schema):
    order: int
    nominee: NFCStr
    award: NFCStr
    issued: int  # ballots handed out to the members present
    written: int  # absent members' written opinions, counted apart
    valid: int
    yes: int
    share: NFCStr  # "90,9%" of the base the vote rule names
    outcome: NFCStr  # "Đạt" | "Không đạt"


class MinutesDoc(Schema):
    """Biên bản họp Hội đồng Thi đua - Khen thưởng, Decree 30/2020 App. III Mẫu 1.9."""

    header: Header
    summary: NFCStr
    opened: NFCStr  # "Thời gian bắt đầu: 14 giờ 00 phút, ngày … ."
    place: NFCStr
    chair: NFCStr
    secretary: NFCStr
    attendance: list[NFCStr]  # totals, present, absent, written opinions, quorum
    proceedings: list[NFCStr]
    tallies: list[Tally]
    rule: NFCStr  # the vote rule applied
    conclusions: list[NFCStr]
    closed: NFCStr  # "Cuộc họp kết thúc vào … giờ …, ngày …/."
    secretary_name: NFCStr
    chair_name: NFCStr


class CertificateDoc(Schema):
    """Bằng khen / Giấy khen: the print fields of one certificate (one page)."""

    issuer_title: NFCStr  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    heading: NFCStr  # "BẰNG KHEN" | "GIẤY KHEN"
    recipient: NFCStr  # "Ông Nguyễn Văn An" or the collective's name
    recipient_detail: NFCStr = ""  # post and unit, or the collective's parent
    achievement: NFCStr
    decision_line: NFCStr  # "Quyết định số 05/QĐ-UBND ngày 05/01/2026"
    golden_book: NFCStr  # "Số sổ vàng: 0123"
    # the same facts bare, for a phôi that prints their labels (print_forms.py)
    decision_number: NFCStr = ""  # "05/QĐ-UBND"
    decision_date: NFCStr = ""  # "05/01/2026"
    golden_book_number: NFCStr = ""  # "0123"
    place_date: NFCStr
    signature: Signature


class HistoryRow(Schema):
    year: int
    award: NFCStr
    decision: NFCStr  # "Số 05/QĐ-UBND ngày 05/01/2026 của Chủ tịch …"


class ReportSigner(Schema):
    """One signing block of the report: the role's lines, the note under them, the name if known."""

    lines: list[NFCStr]  # "THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ"
    note: NFCStr  # "(Ký, đóng dấu)"
    name: NFCStr = ""


class ReportDoc(Schema):
    """Báo cáo thành tích, pre-filled with what the engine knows, for the unit to complete."""

    place_date: NFCStr
    proposed_award: NFCStr  # "BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    individual: bool
    subject: NFCStr  # name of the person or the collective
    facts: list[NFCStr]  # CV lines: "Ngày, tháng, năm sinh: 17/05/1980", …
    known: list[NFCStr]  # achievements on record: the nomination's, ratings, initiatives
    titles: list[HistoryRow]  # danh hiệu thi đua
    forms: list[HistoryRow]  # hình thức khen thưởng
    confirmer: ReportSigner  # left: the level above confirms and proposes
    reporter: ReportSigner  # right: who reports


class RewardRow(Schema):
    order: int
    nominee: NFCStr  # "Ông Nguyễn Văn An" or the collective's name
    detail: NFCStr  # post and unit, or the collective's parent
    award: NFCStr
    coefficient: NFCStr  # "1,5"
    base: NFCStr  # "2.340.000"
    amount: NFCStr  # "3.510.000"


class RewardListDoc(Schema):
    """Danh sách chi tiền thưởng: what a decision pays each nominee, the total in figures and words."""

    header: Header
    subtitle: NFCStr  # "KÈM THEO BẰNG KHEN CỦA …"
    reference: NFCStr  # "(Kèm theo Quyết định số … ngày … của …)"
    rows: list[RewardRow]
    total: NFCStr  # "10.530.000"
    total_words: NFCStr  # "Mười triệu năm trăm ba mươi nghìn đồng"
    notes: list[NFCStr]  # the coefficients' articles, the base salary's decree, the rounding


class BookEntry(Schema):
    number: NFCStr  # số sổ vàng, "0007/2026"
    nominee: NFCStr
    detail: NFCStr
    award: NFCStr
    year: int  # năm thành tích
    decision: NFCStr  # "05/QĐ-UBND ngày 05/01/2026"
    note: NFCStr = ""  # a revoked award (Law 06/2022 Art. 93)


class BookDecision(Schema):
    reference: NFCStr
    signed: NFCStr  # "05/01/2026"
    award: NFCStr
    count: int


class GoldenBookDoc(Schema):
    """Sổ vàng: an issuer's decisions of a year and every award they entered, by entry number."""

    header: Header
    year: int
    decisions: list[BookDecision]
    entries: list[BookEntry]


class CountRow(Schema):
    award: NFCStr
    collectives: int
    individuals: int
    total: int


class HonourRow(Schema):
    number: int
    name: NFCStr
    detail: NFCStr  # post and unit of a person; empty for a collective
    recognition: NFCStr  # "Điển hình tiên tiến"
    awards: NFCStr  # what the subject received in the period, "2023: Chiến sĩ thi đua cơ sở; …"


class ConferenceReportDoc(Schema):
    """The report of a conference (Báo cáo tổng kết …, báo cáo điển hình tiên tiến), a document
    with a type name (Decree 30/2020 App. III Mẫu 1.4), pre-filled with the period's statistics
    and the honoured list; the organiser writes the assessment and the tasks ahead."""

    header: Header
    summary: NFCStr
    opening: list[NFCStr]
    results: list[NFCStr]  # the counts of the period, in sentences
    counts: list[CountRow]  # by award
    honoured_intro: NFCStr
    honoured: list[HonourRow]
    recipients: list[NFCStr]
    signature: Signature


class CriterionRow(Schema):
    order: int
    section: NFCStr
    name: NFCStr
    max_score: NFCStr  # "40"


class Signatory(Schema):
    unit: NFCStr
    post: NFCStr  # its head's title, upper case: "GIÁM ĐỐC"
    name: NFCStr


class CovenantDoc(Schema):
    """Giao ước thi đua of a cluster or block, signed by every member's head (HD 1479/HD-BTĐKT,
    old guidance; no form is prescribed: laid out as a Decree 30/2020 document)."""

    header: Header
    summary: NFCStr
    paragraphs: list[NFCStr]  # the bases and what the members agree to
    criteria: list[CriterionRow]
    total: NFCStr  # "100"
    commitments: list[NFCStr]
    signatories: list[Signatory]


class StandingRow(Schema):
    rank: int
    unit: NFCStr
    total: NFCStr
    at_max: int
    bonus: NFCStr
    votes: int
    share: NFCStr  # of the vote's base
    outcome: NFCStr


class ClusterMinutesDoc(Schema):
    """Biên bản họp cụm, khối: the year-end review's scores, ranking, ballots and result, laid out
    as the council's minutes (Decree 30/2020 App. III Mẫu 1.9)."""

    header: Header
    summary: NFCStr
    opened: NFCStr
    place: NFCStr
    chair: NFCStr
    secretary: NFCStr
    attendance: list[NFCStr]
    proceedings: list[NFCStr]
    standings: list[StandingRow]
    rule: NFCStr  # the regulation's vote rule and tie-breaks
    conclusions: list[NFCStr]
    closed: NFCStr
    secretary_name: NFCStr
    chair_name: NFCStr


class CampaignDoc(Schema):
    """A campaign's Kế hoạch phát động or the Báo cáo of its review (sơ kết, tổng kết): Decree
    30/2020 App. III Mẫu 1.3, opening paragraphs then numbered parts."""

    header: Header
    summary: NFCStr
    opening: list[NFCStr]  # the legal bases and the purpose
    sections: list[Section]  # "I. MỤC ĐÍCH, YÊU CẦU" with its paragraphs
    recipients: list[NFCStr]
    signature: Signature


KINDS: dict[str, type[Schema]] = {
    "quyet_dinh": DecisionDoc,
    "danh_sach": ListDoc,
    "to_trinh": SubmissionDoc,
    "to_trinh_tham_dinh": AppraisalDoc,
    "bien_ban": MinutesDoc,
    "bang_khen": CertificateDoc,
    "giay_khen": CertificateDoc,
    "bao_cao_thanh_tich": ReportDoc,
    "bao_cao_hoi_nghi": ConferenceReportDoc,
    "chi_tien_thuong": RewardListDoc,
    "so_vang": GoldenBookDoc,
    "giao_uoc": CovenantDoc,
    "bien_ban_cum": ClusterMinutesDoc,
    "ke_hoach": CampaignDoc,
    "bao_cao_tong_ket": CampaignDoc,
}
