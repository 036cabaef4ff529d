"""The statistical forms of the home-affairs reporting regime (chế độ báo cáo thống kê ngành Nội vụ)
for emulation and commendation, as .xlsx: the regime in force on the report's date chooses them.

What was read, and what was not (verified = false throughout):
- Circular 02/2023/TT-BNV of 23/3/2023 has three yearly forms for thi đua, khen thưởng: Biểu
  0601.N/BNV-TĐKT "Số phong trào thi đua", 0602.N "Số lượng khen thưởng cấp Nhà nước" and 0603.N
  "Số lượng khen thưởng cấp bộ, ban, ngành, đoàn thể Trung ương và tỉnh, thành phố trực thuộc
  Trung ương", received on 15 December of the report year. Their rows and columns were read from a
  public implementation of the forms (a provincial emulation software's report templates citing
  the circular), not from the circular's own appendix; 0602's rows after code 12 were not read and
  its rows 13–14 follow 0603's (the same breakdown of individuals). The circular's effective date
  was not read: 8 May 2023 below is an assumption (45 days after signing).
- Circular 03/2018/TT-BNV of 6/3/2018, the regime before, numbered them 0701–0703: its forms are
  not implemented; a report dated under it is refused with that reason.
- Circular 18/2025/TT-BNV of 8/10/2025 replaces the regime (its title, signer and date read in a
  legal database's summary); its text and forms were not read, nor its effective date (22/11/2025
  below assumes 45 days). From that date the forms are written in 02/2023's layout, titled under
  18/2025 and marked on the sheet as not checked against it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from models import statistics
from models.campaigns import CampaignKind
from models.catalogue import RuleSet
from models.errors import InvalidInput, NotFound
from models.excel import FONT, _saved
from models.org import Unit, UnitKind
from models.statistics import Organiser, Scope, Way


@dataclass(frozen=True)
class Regime:
    """A reporting regime: the circular, from when it applies, and the forms it asks for."""

    circular: str
    signed_on: date
    effective_from: date
    forms: tuple[str, ...]  # the forms implemented under it, in FORMS
    layout_of: str  # the circular whose layouts those forms follow
    verified: bool = False
    note: str = ""

    @property
    def issued_line(self) -> str:
        return f"Ban hành theo Thông tư số {self.circular} ngày {self.signed_on:%d/%m/%Y}"


REGIMES = (
    Regime(
        "03/2018/TT-BNV", date(2018, 3, 6), date(2018, 3, 6), (), "03/2018/TT-BNV", note="biểu chưa hỗ trợ"
    ),
    Regime("02/2023/TT-BNV", date(2023, 3, 23), date(2023, 5, 8), ("0601", "0602", "0603"), "02/2023/TT-BNV"),
    Regime(
        "18/2025/TT-BNV",
        date(2025, 10, 8),
        date(2025, 11, 22),
        ("0601", "0602", "0603"),
        "02/2023/TT-BNV",
        note="biểu theo cấu trúc Thông tư 02/2023/TT-BNV, chưa đối chiếu với Thông tư 18/2025/TT-BNV",
    ),
)


def regime_on(day: date) -> Regime:
    """The regime in force on the report's date."""
    in_force = [r for r in REGIMES if r.effective_from <= day]
    if not in_force:
        raise InvalidInput(f"Không có chế độ báo cáo thống kê nào áp dụng ngày {day:%d/%m/%Y}", field="on")
    return in_force[-1]


Where = dict | None  # the filters of a row or a column; None: the form asks what the records cannot tell


@dataclass(frozen=True)
class Column:
    header: str
    where: Where
    group: str = ""  # the heading over several columns ("Chia ra")


@dataclass(frozen=True)
class Row:
    label: str
    code: str = ""  # mã số; a heading row has none
    unit: str = ""  # đơn vị tính
    where: Where = field(default_factory=dict)
    bold: bool = False


@dataclass(frozen=True)
class Form:
    number: str  # "0602"
    title: str
    measure: str  # đơn vị tính of the whole form, or "" when each row has its own
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    counts: Callable[[Session, Scope, RuleSet], object]  # what has `count(**where)`

    @property
    def symbol(self) -> str:
        return f"Biểu số: {self.number}.N/BNV-TĐKT"


def _merged(row: Where, column: Where) -> Where:
    """A cell's filters; None where the row and column contradict each other (a collective's row
    under an individual's column) or either is beyond the records."""
    if row is None or column is None:
        return None
    if any(k in column and column[k] != v for k, v in row.items()):
        return None
    return row | column


class Campaigns:
    """The campaigns counted by (organiser, kind), with `count` as the awards have it."""

    def __init__(self, session: Session, scope: Scope, _ruleset: RuleSet):
        self.found = statistics.campaigns(session, scope)

    def count(self, organiser=None, kind=None) -> int:
        return sum(
            n
            for (who, what), n in self.found.items()
            if (organiser is None or who == organiser) and (kind is None or what == kind)
        )


def _awards(session: Session, scope: Scope, ruleset: RuleSet):
    return statistics.awards(session, scope, ruleset)


CAMPAIGNS = Form(
    "0601",
    "SỐ PHONG TRÀO THI ĐUA",
    "Phong trào",
    (
        Column(
            "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)", {"organiser": Organiser.CENTRAL}
        ),
        Column(
            "Cấp bộ, ban, ngành, đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương",
            {"organiser": Organiser.PROVINCE},
        ),
        Column("Cơ quan, tổ chức, đơn vị", {"organiser": Organiser.UNIT}),
    ),
    (
        Row("Tổng số", "01", bold=True),
        Row("1. Chia theo phạm vi tổ chức thi đua", bold=True),
        Row("- Toàn quốc", "02", where={"organiser": Organiser.CENTRAL}),
        Row("- Bộ, ban, ngành đoàn thể, địa phương", "03", where={"organiser": Organiser.PROVINCE}),
        Row("- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức", "04", where=None),
        Row("- Cơ quan, tổ chức, đơn vị", "05", where={"organiser": Organiser.UNIT}),
        Row("2. Chia theo thời hạn thi đua", bold=True),
        Row("- Dưới 1 năm", "06", where=None),
        Row("- 1 năm", "07", where=None),
        Row("- Từ 1 năm đến dưới 3 năm", "08", where=None),
        Row("- Từ 3 năm đến dưới 5 năm", "09", where=None),
        Row("- Từ 5 năm trở lên", "10", where=None),
        Row("3. Chia theo phương thức tổ chức phong trào thi đua", bold=True),
        Row("- Thi đua theo chuyên đề", "11", where={"kind": CampaignKind.THEMATIC}),
        Row("- Thi đua thường xuyên hàng năm", "12", where={"kind": CampaignKind.ANNUAL}),
    ),
    Campaigns,
)

PERSON, GROUP = {"subject": "individual"}, {"subject": "collective"}
# the ranks of individuals the forms ask for: no record holds a rank (models/statistics.py)
RANKS = (
    "+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên",
    "+ Lãnh đạo cấp vụ, sở, ngành và tương đương",
    "+ Doanh nhân",
    "+ Các cấp lãnh đạo khác từ phó phòng trở lên",
    "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu (công nhân, nông dân,...)",
)


def _subjects(first: int) -> tuple[Row, ...]:
    """The rows dividing awards by subject, numbered from `first`."""
    code = [f"{n:02d}" for n in range(first, first + 9)]
    return (
        Row("- Tập thể", code[0], "Tập thể", GROUP),
        Row("Trong đó: Doanh nghiệp", code[1], "Doanh nghiệp", GROUP | {"enterprise": True}),
        Row("- Hộ gia đình", code[2], "Hộ", None),
        Row("- Cá nhân", code[3], "Người", PERSON),
        *(Row(label, code[4 + i], "Người", None) for i, label in enumerate(RANKS)),
    )


def _state_columns(ruleset: RuleSet) -> tuple[Column, ...]:
    orders = [a for a in ruleset.awards.values() if a.decided_by == "president"]  # Law 06/2022 Art. 77
    group = "Các loại huân chương, huy chương"
    pairs = [
        Column(f"{a.name} - {who}", {"codes": {a.code}} | subject, group)
        for a in orders
        for who, subject in (("Tập thể", GROUP), ("Cá nhân", PERSON))
    ]
    return (
        *pairs,
        Column("Giải thưởng Hồ Chí Minh", None),
        Column("Giải thưởng Nhà nước", None),
        Column("Danh hiệu vinh dự nhà nước", None),
        Column("Cờ thi đua của Chính phủ", {"codes": {"CO_TD_CP"}} | GROUP),
        Column("Tập thể", {"codes": {"BK_TTG"}} | GROUP, "Bằng khen của Thủ tướng Chính phủ"),
        Column("Cá nhân", {"codes": {"BK_TTG"}} | PERSON, "Bằng khen của Thủ tướng Chính phủ"),
        Column("Chiến sĩ thi đua toàn quốc", {"codes": {"CSTD_TQ"}} | PERSON),
        Column("Các hình thức khen thưởng khác", None),
    )


def state_form(ruleset: RuleSet, proposer: str) -> Form:
    """Biểu 0602.N: State-level awards; `proposer` is the reporting unit's kind ("ministry" or
    "province"): the row of the body whose Tờ trình went to the Prime Minister."""
    by_proposer = {kind: ({} if kind == proposer else None) for kind in ("ministry", "province")}
    return Form(
        "0602",
        "SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC",
        "",
        _state_columns(ruleset),
        (
            Row("Tổng số", "01", bold=True),
            Row("1. Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng", bold=True),
            Row("- Bộ, ban, ngành, đoàn thể Trung ương", "02", "Bộ, ngành", by_proposer["ministry"]),
            Row("- Tỉnh, thành phố trực thuộc Trung ương", "03", "Tỉnh, TP", by_proposer["province"]),
            Row("2. Chia theo đối tượng khen thưởng", bold=True),
            *_subjects(6),
        ),
        _awards,
    )


WAYS_NOT_KEPT = ("Đối ngoại", "Cống hiến", "Niên hạn", "Kháng chiến")  # no route of the catalogue is one
PROVINCE_FORM = Form(
    "0603",
    "SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
    "",
    (
        Column("Bằng khen", {"codes": {"BK_TINH", "BK_BO"}}, "Chia ra"),
        Column("Chiến sĩ thi đua cấp bộ, cấp tỉnh", {"codes": {"CSTD_TINH", "CSTD_BO"}}, "Chia ra"),
        Column(
            "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
            {"codes": {"CO_TD_TINH", "CO_TD_BO"}},
            "Chia ra",
        ),
        Column(
            "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc "
            "Trung ương",
            None,
            "Chia ra",
        ),
    ),
    (
        Row("Tổng số", "01", bold=True),
        Row("1. Chia theo đối tượng khen thưởng", bold=True),
        *_subjects(2),
        Row("2. Chia theo phương thức khen thưởng", bold=True),
        Row("- Thường xuyên", "11", where={"way": Way.REGULAR}),
        Row("- Chuyên đề", "12", where={"way": Way.THEMATIC}),
        Row("- Đột xuất", "13", where={"way": Way.EXTRAORDINARY}),
        *(
            Row(f"- {label}", f"{n}", where=None)
            for n, label in zip(range(14, 18), WAYS_NOT_KEPT, strict=True)
        ),
    ),
    _awards,
)


def form(number: str, ruleset: RuleSet, unit: Unit) -> Form:
    if number == "0601":
        return CAMPAIGNS
    if number == "0602":
        return state_form(ruleset, "ministry" if unit.kind == UnitKind.MINISTRY else "province")
    if number == "0603":
        return PROVINCE_FORM
    raise NotFound(f"Không có biểu số {number}")


# ------------------------------------------------------------------------------------ writing

RECEIVER = "Bộ Nội vụ"  # a ministry's or province's forms go to the Ministry of Home Affairs
RECEIVED_ON = "Ngày 15 tháng 12 năm báo cáo"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def cells(found, f: Form) -> list[list[int | None]]:
    """Each row's total then its columns' counts; None where the form asks what the records
    cannot tell, and for a heading row."""
    table = []
    for row in f.rows:
        if not row.code:
            table.append([None] * (len(f.columns) + 1))
            continue
        values = [
            None if (where := _merged(row.where, c.where)) is None else found.count(**where)
            for c in f.columns
        ]
        known = [v for v in values if v is not None]
        table.append([sum(known) if known else None, *values])
    return table


def _put(sheet, row: int, column: int, value, bold=False, italic=False, size=12, align=CENTRE, box=True):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.font, cell.alignment = Font(name=FONT, size=size, bold=bold, italic=italic), align
    if box:
        cell.border = BOX
    return cell


def _span(sheet, row: int, first: int, last: int, value, **style) -> None:
    _put(sheet, row, first, value, box=False, **style)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def write_form(book: Workbook, f: Form, found, regime: Regime, unit: Unit, period_label: str) -> None:
    """One form on a sheet of its own, laid out as the circular's: the symbol and the circular at
    the top left, the reporting and receiving units at the top right, the title and the year, the
    table with its lettered and numbered columns, the signers below."""
    sheet = book.create_sheet(f.number)
    units = any(r.unit for r in f.rows)
    fixed = ["", "Mã số", *(["Đơn vị tính"] if units else []), "Tổng số"]
    first_data = len(fixed)  # the "Tổng số" column
    width = len(fixed) + len(f.columns)
    half = max(width // 2, 2)
    _span(sheet, 1, 1, half, f.symbol, bold=True, align=LEFT)
    _span(sheet, 2, 1, half, regime.issued_line, italic=True, align=LEFT)
    _span(sheet, 3, 1, half, f"Ngày nhận báo cáo: {RECEIVED_ON}", align=LEFT)
    _span(sheet, 1, half + 1, width, f"Đơn vị báo cáo: {unit.name}", bold=True)
    _span(sheet, 2, half + 1, width, f"Đơn vị nhận báo cáo: {RECEIVER}", bold=True)
    _span(sheet, 5, 1, width, f.title, bold=True, size=14)
    _span(sheet, 6, 1, width, period_label.capitalize(), italic=True)
    if f.measure:
        _span(
            sheet, 7, 1, width, f"Đơn vị tính: {f.measure}", italic=True, align=Alignment(horizontal="right")
        )
    top, sub, numbers = 8, 9, 10
    for position, header in enumerate(fixed, 1):
        _put(sheet, top, position, header, bold=True)
        _put(sheet, sub, position, None)
        sheet.merge_cells(start_row=top, start_column=position, end_row=sub, end_column=position)
    letters = ["A", "B", *(["C"] if units else [])]
    for position, label in enumerate([*letters, *(str(n) for n in range(1, len(f.columns) + 2))], 1):
        _put(sheet, numbers, position, label, bold=True)
    start = first_data + 1
    for offset, column in enumerate(f.columns):
        position = start + offset
        if column.group:
            _put(sheet, top, position, column.group, bold=True)
            _put(sheet, sub, position, column.header, bold=True)
        else:
            _put(sheet, top, position, column.header, bold=True)
            _put(sheet, sub, position, None)
            sheet.merge_cells(start_row=top, start_column=position, end_row=sub, end_column=position)
    _merge_groups(sheet, top, start, f.columns)
    for index, (row, values) in enumerate(zip(f.rows, cells(found, f), strict=True)):
        at = numbers + 1 + index
        _put(sheet, at, 1, row.label, bold=row.bold, align=LEFT)
        _put(sheet, at, 2, row.code or None)
        if units:
            _put(sheet, at, 3, row.unit or None)
        for offset, value in enumerate(values):
            _put(sheet, at, first_data + offset, value, bold=row.bold)
    below = numbers + len(f.rows) + 2
    notes = [f"Chế độ báo cáo: Thông tư {regime.circular}; bố cục biểu theo Thông tư {regime.layout_of}."]
    notes.append(
        "verified = false: bố cục biểu đọc từ một bản triển khai công khai, chưa đối chiếu với phụ lục của "
        "Thông tư" + (f"; {regime.note}" if regime.note else "") + "."
    )
    notes.append(
        "Ô để trống: số liệu không có trong cơ sở dữ liệu (cấp bậc người được khen, hộ gia đình, …)."
    )
    for n, text in enumerate(notes):
        _span(sheet, below + n, 1, width, text, italic=True, size=11, align=LEFT)
    signers = below + len(notes) + 1
    _span(sheet, signers, 1, half, "Người lập biểu", bold=True)
    _span(sheet, signers + 1, 1, half, "(Ký, họ tên)", italic=True)
    _span(sheet, signers, half + 1, width, "Thủ trưởng đơn vị", bold=True)
    _span(sheet, signers + 1, half + 1, width, "(Ký, đóng dấu, họ tên)", italic=True)
    sheet.column_dimensions["A"].width = 48
    for position in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 14
    sheet.row_dimensions[sub].height = 90


def _merge_groups(sheet, row: int, start: int, columns: tuple[Column, ...]) -> None:
    """One heading over each run of columns of the same group."""
    offset = 0
    while offset < len(columns):
        group, end = columns[offset].group, offset
        while end + 1 < len(columns) and group and columns[end + 1].group == group:
            end += 1
        if group and end > offset:
            sheet.merge_cells(start_row=row, start_column=start + offset, end_row=row, end_column=start + end)
        offset = end + 1


def workbook(
    session: Session, scope: Scope, on: date, ruleset: RuleSet, numbers: tuple[str, ...] | None = None
) -> bytes:
    """The forms of the regime in force `on` the report's date (all, or those `numbers`), one a
    sheet, counted over the scope."""
    regime = regime_on(on)
    if not regime.forms:
        raise InvalidInput(f"Biểu báo cáo theo Thông tư {regime.circular} chưa được hỗ trợ", field="on")
    wanted = numbers or regime.forms
    unknown = sorted(set(wanted) - set(regime.forms))
    if unknown:
        raise NotFound(f"Thông tư {regime.circular} không có biểu số {', '.join(unknown)} được hỗ trợ")
    unit = session.get(Unit, scope.unit_id)
    if unit is None:
        raise NotFound(f"Không có đơn vị #{scope.unit_id}")
    book = Workbook()
    book.remove(book.active)
    for number in wanted:
        f = form(number, ruleset, unit)
        write_form(book, f, f.counts(session, scope, ruleset), regime, unit, scope.period.label)
    return _saved(book)
