"""The money and the registers: each decision's Danh sách chi tiền thưởng and an issuer's Sổ vàng
for a year, as Word (the templates of authoring_registers.py) and as .xlsx for the treasurer and
the archive. Both read what the workflow recorded: the amounts from models/reward.py, the golden
book from the award history that issuing a decision wrote (models/decide.py)."""

import io
from collections import Counter
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, select

from document_templates import render
from document_templates.builders import attached_to
from document_templates.contexts import (
    BookDecision,
    BookEntry,
    GoldenBookDoc,
    RewardListDoc,
    RewardRow,
    date_text,
)
from document_templates.wording import conferring, header, load, person_entries, unit_path, with_parents
from models import route
from models.access import Actor, today
from models.campaigns import Campaign
from models.catalogue import default_catalogue
from models.decisions import Decision, DecisionState
from models.errors import NotFound
from models.history import AwardRecord
from models.org import Person, Unit
from models.reward import RewardList, decision_money
from models.routing import Org

FONT = "Times New Roman"
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


# ------------------------------------------------------------------------- numbers in words


def figures(amount: int) -> str:
    """'3.510.000': Vietnamese writes thousands with dots."""
    return f"{amount:,}".replace(",", ".")


def coefficient_text(value: Decimal) -> str:
    """'1,5', '12,0': one decimal, with a comma, as the decrees print them."""
    return f"{value:.1f}".replace(".", ",")


def _hundreds(n: int, padded: bool) -> list[str]:
    """A group of three digits; after a higher group it is read in full ('không trăm linh năm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [DIGITS[hundreds], "trăm"] if padded or hundreds else []
    if tens == 0 and units and words:
        words.append("linh")
    elif tens == 1:
        words.append("mười")
    elif tens > 1:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5 and tens > 0:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _words(n: int, padded: bool = False) -> list[str]:
    billions, rest = divmod(n, 1_000_000_000)
    words = [*_words(billions, padded), "tỷ"] if billions else []
    for group, scale in ((rest // 1_000_000, "triệu"), (rest // 1000 % 1000, "nghìn"), (rest % 1000, "")):
        if group:
            words += _hundreds(group, padded or bool(words)) + ([scale] if scale else [])
    return words


def in_words(amount: int) -> str:
    """'Mười triệu năm trăm ba mươi nghìn đồng': an amount as a payment voucher writes it."""
    text = " ".join(_words(amount)) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"


# ------------------------------------------------------------------------------- contexts


Subject = tuple[int | None, int | None, int]  # a person or a collective, and the year of the award


def _nominees(session: Session, subjects: list[Subject]) -> dict[Subject, tuple[str, str]]:
    """Each subject as the registers print it, (name, post and unit) or (collective, the unit above
    it): the people, their posts of each year and the units read at once for all of them."""
    people = load(session, Person, [person_id for person_id, _, _ in subjects])
    found: dict[Subject, tuple[str, str]] = {}
    for year in {year for person_id, _, year in subjects if person_id}:
        named = [people[p] for p in {p for p, _, y in subjects if p and y == year}]
        found |= {(p, None, year): entry for p, entry in person_entries(session, named, year).items()}
    units = with_parents(session, [collective_id for _, collective_id, _ in subjects])
    for person_id, collective_id, year in subjects:
        if not person_id:
            unit = units[collective_id]
            above = unit_path(session, units[unit.parent_id]) if unit.parent_id else ""
            found[person_id, collective_id, year] = unit.name, above
    return found


def reward_doc(session: Session, decision: Decision) -> tuple[RewardListDoc, RewardList]:
    """Danh sách chi tiền thưởng of a signed decision (numbered once issued), and the amounts
    it prints."""
    money = decision_money(session, decision)
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    award = money.ruleset.award(decision.award_code)
    verb, what = conferring(award, campaign.year)
    base = figures(money.base.amount)
    rows = []
    subjects = [(p.nomination.person_id, p.nomination.collective_id, campaign.year) for p in money.payments]
    names = _nominees(session, subjects)
    for order, (payment, subject) in enumerate(zip(money.payments, subjects, strict=True), 1):
        nominee, detail = names[subject]
        rows.append(
            RewardRow(
                order=order,
                nominee=nominee,
                detail=detail,
                award=award.name,
                coefficient=coefficient_text(payment.coefficient.value),
                base=base,
                amount=figures(payment.amount),
            )
        )
    articles = sorted({p.coefficient.article for p in money.payments})
    notes = [
        f"Hệ số tiền thưởng: {'; '.join(articles)} ({money.ruleset.basis['decree'].split(' ngày ')[0]}).",
        f"Mức lương cơ sở {base} đồng/tháng áp dụng từ {date_text(money.base.effective_from)} "
        f"theo {money.base.decree.split(' của ')[0]}, đang có hiệu lực tại ngày ký quyết định.",
        f"Tiền thưởng sau khi nhân hệ số với mức lương cơ sở được làm tròn lên bội số gần nhất của "
        f"{figures(money.rounding.step)} đồng ({money.rounding.article}).",
    ]
    document = RewardListDoc(
        header=header(session, issuer, None, "", decision.signed_on),
        subtitle=f"{verb.upper()} {what.upper()}",
        reference=attached_to(
            "Quyết định", decision.number, decision.symbol, decision.signed_on, issuer.authority
        ),
        rows=rows,
        total=figures(money.total),
        total_words=in_words(money.total),
        notes=notes,
    )
    return document, money


def golden_book(session: Session, actor: Actor, unit_id: int, year: int) -> GoldenBookDoc:
    """An issuer's golden book, for whom may see its decisions: a role at the unit (or the
    system, an administrator). To anyone else it does not exist (404), as its decisions."""
    issuer = session.get(Unit, unit_id)
    if issuer is None or route.hidden(actor, unit_id):
        raise NotFound(f"Không có sổ vàng của đơn vị #{unit_id}")
    return golden_book_doc(session, issuer, year)


def golden_book_file(session: Session, document: GoldenBookDoc, unit_id: int, kind: str) -> tuple[bytes, str]:
    """The golden book as a file — `docx` (Word) or `xlsx` — and its name."""
    issuer = session.get(Unit, unit_id)
    name = f"so_vang_{issuer.abbreviation}_{document.year}.{kind}"
    if kind == "xlsx":
        return golden_book_xlsx(document), name
    return render("so_vang", document, Org.of(session).tenant(unit_id)), name


def golden_book_doc(session: Session, issuer: Unit, year: int) -> GoldenBookDoc:
    """Sổ vàng of an issuer for a year: the decisions it issued, signed that year, and each award
    they entered, by entry number (the series restarts each year, models/decide.py)."""
    decisions = session.exec(
        select(Decision)
        .where(
            Decision.issuer_unit_id == issuer.id,
            Decision.state == DecisionState.ISSUED,
            Decision.year == year,
        )
        .order_by(col(Decision.number))
    ).all()
    by_id = {d.id: d for d in decisions}
    records = session.exec(
        select(AwardRecord)
        .where(col(AwardRecord.decision_id).in_(list(by_id)))
        .order_by(col(AwardRecord.golden_book), col(AwardRecord.id))
    ).all()
    catalogue, tenant = default_catalogue(), Org.of(session).tenant(issuer.id)
    name = {d.id: catalogue.for_date(d.signed_on, tenant).award(d.award_code).name for d in decisions}
    counts = Counter(r.decision_id for r in records)
    entries = []
    names = _nominees(session, [(r.person_id, r.collective_id, r.year) for r in records])
    for record in records:
        decision = by_id[record.decision_id]
        nominee, detail = names[record.person_id, record.collective_id, record.year]
        entries.append(
            BookEntry(
                number=record.golden_book,
                nominee=nominee,
                detail=detail,
                award=name[decision.id],
                year=record.year,
                decision=f"{decision.reference} ngày {decision.signed_on:%d/%m/%Y}",
                note=f"Đã thu hồi: {record.revoked_reason}".rstrip(": ") if record.revoked else "",
            )
        )
    return GoldenBookDoc(
        header=header(session, issuer, None, "", today()),
        year=year,
        decisions=[
            BookDecision(
                reference=d.reference, signed=f"{d.signed_on:%d/%m/%Y}", award=name[d.id], count=counts[d.id]
            )
            for d in decisions
        ],
        entries=entries,
    )


# ----------------------------------------------------------------------------------- .xlsx

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD, BODY = Font(name=FONT, size=12, bold=True), Font(name=FONT, size=12)
WRAPPED = Alignment(wrap_text=True, vertical="center")
# The table's cells take one of three named styles: setting font, border and alignment cell by
# cell made openpyxl hash each style object once per cell, most of a 3,000-row list's time.
TABLE = {"vd_head": (HEAD, "General"), "vd_body": (BODY, "General"), "vd_number": (BODY, "#,##0")}


def _sheet(title: str, lines: list[str], heads: list[tuple[str, int]], rows: list[list]) -> Workbook:
    """One sheet in Times New Roman: the title lines, a bordered table, its heading in bold."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for line in lines:
        sheet.append([line])
        cell = sheet.cell(sheet.max_row, 1)
        cell.font = Font(name=FONT, size=13, bold=line.isupper())
    sheet.append([])
    sheet.append([head for head, _ in heads])
    first = sheet.max_row
    for row in rows:
        sheet.append(row)
    for index, (_, width) in enumerate(heads, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for name, (font, number_format) in TABLE.items():
        style = NamedStyle(name, font=font, border=BOX, alignment=WRAPPED, number_format=number_format)
        book.add_named_style(style)
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row, max_col=len(heads)):
        for cell in row:
            number = isinstance(cell.value, int)
            cell.style = "vd_head" if cell.row == first else "vd_number" if number else "vd_body"
    return book


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reward_xlsx(document: RewardListDoc, money: RewardList) -> bytes:
    """The list for the treasurer: amounts as numbers (đồng), the total under them, in words below."""
    heads = [
        ("TT", 5),
        ("Họ và tên, tập thể", 28),
        ("Chức vụ, đơn vị", 40),
        ("Danh hiệu, hình thức khen thưởng", 30),
        ("Hệ số", 8),
        ("Mức lương cơ sở (đồng)", 16),
        ("Số tiền (đồng)", 16),
    ]
    rows = [
        [r.order, r.nominee, r.detail, r.award, float(p.coefficient.value), money.base.amount, p.amount]
        for r, p in zip(document.rows, money.payments, strict=True)
    ]
    rows.append(["", "Tổng cộng", "", "", "", "", money.total])
    lines = [document.header.issuer, "DANH SÁCH CHI TIỀN THƯỞNG", document.subtitle, document.reference]
    book = _sheet("Chi tiền thưởng", lines, heads, rows)
    sheet = book.active
    for line in [f"Tổng số tiền bằng chữ: {document.total_words}.", *document.notes]:
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = Font(name=FONT, size=12, italic=True)
    return _bytes(book)


def golden_book_xlsx(document: GoldenBookDoc) -> bytes:
    heads = [
        ("Số sổ vàng", 12),
        ("Họ và tên, tập thể", 28),
        ("Chức vụ, đơn vị", 40),
        ("Danh hiệu, hình thức", 34),
        ("Năm thành tích", 10),
        ("Quyết định", 28),
        ("Ghi chú", 20),
    ]
    rows = [[e.number, e.nominee, e.detail, e.award, e.year, e.decision, e.note] for e in document.entries]
    lines = [document.header.issuer, "SỔ VÀNG", f"NĂM {document.year}"]
    return _bytes(_sheet(f"Sổ vàng {document.year}", lines, heads, rows))
