"""People and their history in .xlsx: the sheets an import reads and an export writes, declared
once (`KINDS`), so that what is exported imports back to the same records.

Each kind of sheet is a tuple of columns, each with its Vietnamese header and the parser of its
cells; a new kind (registrations, nominee lists) is one more `Kind` and its writer in
models/imports.py. A workbook is opened by openpyxl's reader (its sheets, shared strings, date
styles) and each sheet streamed row by row with lxml; every problem is reported as (sheet, row,
column, what is wrong, in Vietnamese), and models/imports.py writes nothing when there is one.

Decisions:
- A person is identified by their name, birth date and unit (the unit of their current post):
  how every Vietnamese list names people. No national identity number is kept: the engine has
  no use for one, and it is personal data Decree 13/2023/NĐ-CP asks to collect only for a purpose.
  The same three columns name the person of a rating or an award, in the file or already recorded.
- A unit or an award is given by its code or its name (when the name is not ambiguous); a rating
  by its code (HTXS, HTT, HT, KHT) or its words ("Hoàn thành tốt nhiệm vụ").
- Dates are Excel dates or text dd/mm/yyyy; names are stored NFC whatever the file's form.
- A formula is read as the value Excel computed and saved with it; one never computed (a file
  written by a program, not saved by Excel) is refused, as its value is unknown.
- A merged cell is refused below the title rows: only its first cell holds the value, so the
  rows it spans would silently be empty. Title rows above the header row are skipped.
"""

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from models.access import today
from models.history import RATING_LABELS, RatingLevel
from models.search import fold
from models.text import nfc

FONT = "Times New Roman"
HEADER_SEARCH = 10  # rows at the top where the header row is looked for (title rows above it)
MAX_PROBLEMS = 1000  # kept in a report; all are counted
FIRST_YEAR, LAST_YEAR = 1945, 2100


class Problem(ValueError):
    """What is wrong with a cell, in Vietnamese."""


# ------------------------------------------------------------------------------ cell parsers


def clean(value: Any) -> str:
    """A cell as text: NFC, spaces collapsed; a whole number without its '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        raise Problem("là ngày tháng, không phải chữ")
    return " ".join(nfc(str(value)).split())


def text(limit: int) -> Callable[[Any, "Lookups"], str]:
    """Free text of at most `limit` characters."""

    def parse(value: Any, _lookups: "Lookups") -> str:
        found = clean(value)
        if len(found) > limit:
            raise Problem(f"dài {len(found)} ký tự, quá {limit}")
        return found

    return parse


def full_name(value: Any, _lookups: "Lookups") -> str:
    found = clean(value)
    if len(found) > 200:
        raise Problem("dài quá 200 ký tự")
    if not any(c.isalpha() for c in found):
        raise Problem(f"«{found}» không phải họ và tên")
    return found


DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def day(value: Any, _lookups: "Lookups") -> date:
    """An Excel date, a date serial number, or text dd/mm/yyyy."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise Problem(f"{value} không phải ngày")
        found = from_excel(value).date()
    else:
        match = DAY.fullmatch(clean(value))
        if match is None:
            raise Problem(f"«{clean(value)}» không phải ngày (ghi dd/mm/yyyy, ví dụ 05/09/1985)")
        d, m, y = map(int, match.groups())
        try:
            found = date(y, m, d)
        except ValueError:
            raise Problem(f"«{clean(value)}»: không có ngày {d:02d}/{m:02d}/{y}") from None
    if not FIRST_YEAR - 100 <= found.year <= LAST_YEAR:
        raise Problem(f"năm {found.year} không hợp lý")
    return found


def year(value: Any, lookups: "Lookups") -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not FIRST_YEAR <= value <= LAST_YEAR:
        raise Problem(f"«{clean(value)}» không phải năm (từ {FIRST_YEAR} đến {LAST_YEAR})")
    if value > lookups.this_year:
        raise Problem(f"năm {value} chưa đến")
    return value


GENDERS = {"nam": "nam", "nu": "nữ", "ong": "nam", "ba": "nữ"}


def gender(value: Any, _lookups: "Lookups") -> str:
    found = clean(value)
    if not found:
        return ""
    if (known := GENDERS.get(fold(found))) is None:
        raise Problem(f"«{found}»: ghi Nam hoặc Nữ")
    return known


RATINGS = {fold(level.value): level for level in RatingLevel} | {
    fold(label): level for level, label in RATING_LABELS.items()
}


def rating(value: Any, _lookups: "Lookups") -> RatingLevel:
    found = clean(value)
    if (level := RATINGS.get(fold(found))) is None:
        raise Problem(f"«{found}» không phải mức xếp loại (HTXS, HTT, HT, KHT)")
    return level


AMBIGUOUS = -1


def by_code_or_name(codes: dict[str, Any], names: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Folded code or name → what it names; a name two records share names neither (AMBIGUOUS)."""
    found: dict[str, Any] = {}
    for name, key in names:
        found[fold(name)] = AMBIGUOUS if found.get(fold(name), key) != key else key
    return found | {fold(code): key for code, key in codes.items()}


@dataclass
class Lookups:
    """What cells refer to: units (folded code or name → id) with those the importer may write to
    (None: all), the award codes for individuals (folded code or name → code)."""

    units: dict[str, int]
    writable: set[int] | None
    awards: dict[str, str]
    this_year: int = field(default_factory=lambda: today().year)


def _named(table: dict[str, Any], found: str, what: str) -> Any:
    """What `found` names in a table by code or name (by_code_or_name), or a problem saying so."""
    key = table.get(fold(found))
    if key is None:
        raise Problem(f"không có {what} mã hoặc tên «{found}»")
    if key == AMBIGUOUS:
        raise Problem(f"có nhiều {what} tên «{found}»: hãy ghi mã")
    return key


def unit(value: Any, lookups: Lookups) -> int:
    found = clean(value)
    unit_id = _named(lookups.units, found, "đơn vị")
    if lookups.writable is not None and unit_id not in lookups.writable:
        raise Problem(f"đơn vị «{found}» không thuộc các đơn vị bạn quản lý")
    return unit_id


def award(value: Any, lookups: Lookups) -> str:
    return _named(lookups.awards, clean(value), "danh hiệu, hình thức khen thưởng cá nhân")


# ------------------------------------------------------------------------------ the sheets


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[Any, Lookups], Any]
    required: bool = True
    hint: str = ""
    width: int = 18
    empty: Any = None  # its value when the cell is empty


@dataclass(frozen=True)
class Kind:
    """A kind of sheet: its name in the workbook, its columns, and the columns that make a row
    unique in the file (a second row with the same is a duplicate)."""

    key: str
    sheet: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...]

    def __post_init__(self) -> None:
        headers = {fold(c.header): c for c in self.columns}
        object.__setattr__(self, "by_header", headers)


def note(header: str, key: str, limit: int, **extra) -> Column:
    """An optional column of free text."""
    return Column(header, key, text(limit), required=False, empty="", **extra)


# The three columns that name a person, on every sheet.
SUBJECT = (
    Column("Họ và tên", "name", full_name, width=28),
    Column("Ngày sinh", "birth_date", day, required=False, hint="dd/mm/yyyy", width=12),
    Column("Đơn vị", "unit_id", unit, hint="mã hoặc tên đơn vị đang công tác", width=16),
)
PERSON = tuple(c.key for c in SUBJECT)
PEOPLE = Kind(
    "people",
    "Cá nhân",
    (
        *SUBJECT,
        Column("Giới tính", "gender", gender, required=False, empty="", hint="Nam hoặc Nữ", width=9),
        note("Chức vụ", "post", 200, width=28),
        Column("Từ ngày", "start_on", day, required=False, hint="ngày bắt đầu giữ chức vụ", width=12),
        note("Quê quán", "hometown", 200, width=20),
    ),
    PERSON,
)
RATINGS_SHEET = Kind(
    "ratings",
    "Xếp loại",
    (
        *SUBJECT,
        Column("Năm", "year", year, width=7),
        Column("Xếp loại", "level", rating, hint="HTXS, HTT, HT, KHT hoặc ghi đủ", width=28),
        note("Căn cứ", "source", 200, hint="quyết định đánh giá", width=24),
    ),
    (*PERSON, "year"),
)
AWARDS = Kind(
    "awards",
    "Khen thưởng",
    (
        *SUBJECT,
        Column("Năm", "year", year, hint="năm thành tích", width=7),
        Column("Danh hiệu, hình thức", "code", award, hint="mã hoặc tên", width=30),
        note("Số quyết định", "decision_number", 60, width=16),
        Column("Ngày quyết định", "decision_date", day, required=False, hint="dd/mm/yyyy", width=12),
        note("Cơ quan ban hành", "issuer", 200, width=24),
    ),
    (*PERSON, "year", "code"),
)
# đăng ký thi đua: a person registered for a title in the year's campaign of the units above
# theirs (models/registrations.py), sent to the level above for approval
REGISTRATIONS = Kind(
    "registrations",
    "Đăng ký thi đua",
    (
        *SUBJECT,
        Column("Năm", "year", year, hint="năm thi đua", width=7),
        Column("Danh hiệu đăng ký", "code", award, hint="mã hoặc tên: LĐTT, CSTĐCS", width=30),
    ),
    (*PERSON, "year", "code"),
)
KINDS = (PEOPLE, RATINGS_SHEET, AWARDS, REGISTRATIONS)
BY_SHEET = {fold(k.sheet): k for k in KINDS}


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in its sheet, as Excel shows it
    values: dict[str, Any]


@dataclass
class Report:
    """Every problem found, as (sheet, row, column, problem); the first MAX_PROBLEMS are kept."""

    problems: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    count: int = 0

    def add(self, sheet: str, row: int | None, column: str, problem: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((sheet, row, column, problem))


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL_VALUE, FORMULA, INLINE, TEXT, MERGE = (MAIN + t for t in ("row", "v", "f", "is", "t", "mergeCell"))
LETTERS = re.compile(r"[A-Z]+")


def _column(letters: str, known: dict[str, int] = {}) -> int:  # noqa: B006 (a cache)
    if letters not in known:
        known[letters] = column_index_from_string(letters)
    return known[letters]


def _cells(source, strings: list, dates: set[int], epoch) -> Iterator[tuple[int, list[tuple]]]:
    """A sheet's rows as (row number, [(column, value, formula)]): shared and inline text,
    numbers, Excel dates by their style, booleans, and for a formula the value Excel saved with
    it; then (-1, the merged ranges). What openpyxl's read-only parser reads, with lxml instead
    of the standard library and no object per cell: faster than openpyxl's bare read of the same
    file (bench/import.py). Entities are not expanded."""
    merged: list[str] = []
    number = 0
    for _, element in etree.iterparse(source, events=("end",), tag=(ROW, MERGE), resolve_entities=False):
        if element.tag == MERGE:
            merged.append(element.get("ref", ""))
            continue
        number = int(element.get("r") or number + 1)
        cells, position = [], 0
        for cell in element:
            where = cell.get("r")
            position = _column(LETTERS.match(where).group()) if where else position + 1
            kind, value, formula = cell.get("t", "n"), None, False
            for part in cell:
                if part.tag == CELL_VALUE:
                    value = part.text
                elif part.tag == FORMULA:
                    formula = True
                elif part.tag == INLINE:  # <is><t>text</t></is>, or runs of formatted text
                    plain = len(part) == 1 and part[0].tag == TEXT
                    value = part[0].text if plain else "".join(part.itertext())
            if value is not None and kind != "inlineStr" and kind != "str":
                value = _typed(kind, value, int(cell.get("s", 0)), strings, dates, epoch)
            cells.append((position, value, formula))
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
        yield number, cells
    yield -1, merged


def _typed(kind: str, value: str, style: int, strings: list, dates: set[int], epoch) -> Any:
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return value == "1"
    if kind == "d":
        return from_ISO8601(value)
    if kind == "e":
        return value  # #N/A, #REF!: refused by the column's parser like any wrong text
    number = float(value) if "." in value or "E" in value or "e" in value else int(value)
    if style in dates:
        try:
            return from_excel(number, epoch)
        except (OverflowError, ValueError):
            return value
    return number


@dataclass
class Opened:
    """A workbook opened to read: its sheets (name, part), its shared strings and date styles."""

    reader: ExcelReader
    sheets: list[tuple[str, str]]

    @property
    def sheetnames(self) -> list[str]:
        return [name for name, _ in self.sheets]

    def rows(self, part: str) -> Iterator[tuple[int, list[tuple]]]:
        """A sheet's rows (_cells); then (-1, its merged ranges)."""
        book = self.reader.wb
        with self.reader.archive.open(part) as source:
            yield from _cells(source, self.reader.shared_strings, book._date_formats, book.epoch)


def open_workbook(content: bytes) -> Opened:
    """The workbook, opened as openpyxl's read-only mode opens it but for its worksheets, which
    each parse their whole sheet once more to find its size when the file does not say it (as
    programs writing .xlsx often do not). A file openpyxl cannot open raises what its parsers met."""
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    return Opened(reader, sheets)


def _first_and_last_rows(ref: str) -> tuple[int, int, str]:
    """'B3:C4' → (3, 4, 'B'): the rows a merged range spans, and its first column."""
    first, _, last = ref.partition(":")
    letters = first.rstrip("0123456789")
    return int(first[len(letters) :]), int((last or first).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), letters


def sheet_names() -> str:
    return ", ".join(f"«{k.sheet}»" for k in KINDS)


def read(
    workbook: Opened, lookups: Lookups, report: Report, progress: Callable[[int], None] = lambda n: None
) -> dict[str, list[Row]]:
    """Every row of the workbook's known sheets, parsed; each problem into the report.
    `progress` hears how many rows were read, every few thousand."""
    found: dict[str, list[Row]] = {}
    counted = 0
    for name, part in workbook.sheets:
        kind = BY_SHEET.get(fold(name))
        if kind is None:
            report.add(name, None, "", f"trang «{name}» không thuộc mẫu (các trang: {sheet_names()})")
            continue
        if kind.key in found:
            report.add(name, None, "", f"trang «{kind.sheet}» có hai lần")
            continue
        found[kind.key] = rows = []
        for row in _sheet_rows(name, workbook.rows(part), kind, lookups, report):
            rows.append(row)
            counted += 1
            if counted % PROGRESS_EVERY == 0:
                progress(counted)
    if not any(found.values()) and not report.count:
        report.add("", None, "", f"tệp không có dòng dữ liệu nào (các trang: {sheet_names()})")
    progress(counted)
    return found


PROGRESS_EVERY = 5000


def _header(kind: Kind, cells: list[tuple], number: int, report: Report) -> dict[int, Column] | None:
    """The columns by position, if this is the header row (it names the sheet's first column);
    else None. A header with a missing, unknown or repeated column is reported: {}."""
    named = {column: clean(value) for column, value, _ in cells if value not in (None, "")}
    if fold(kind.columns[0].header) not in {fold(v) for v in named.values()}:
        return None
    columns: dict[int, Column] = {}
    for position, header in named.items():
        column = kind.by_header.get(fold(header))
        letter = get_column_letter(position)
        if column is None:
            report.add(kind.sheet, number, letter, f"cột «{header}» không thuộc mẫu")
        elif column in columns.values():
            report.add(kind.sheet, number, letter, f"cột «{header}» có hai lần")
        else:
            columns[position] = column
    for column in kind.columns:
        if column.required and column not in columns.values():
            report.add(kind.sheet, number, "", f"thiếu cột «{column.header}»")
    problems = len(named) != len(columns) or any(
        c.required and c not in columns.values() for c in kind.columns
    )
    return {} if problems else columns


def _sheet_rows(title: str, rows: Iterable, kind: Kind, lookups: Lookups, report: Report) -> Iterator[Row]:
    columns: dict[int, Column] | None = None
    header_row = None
    for number, cells in rows:
        if number == -1:  # the merged ranges, after the last row
            for ref in cells:
                first, last, letters = _first_and_last_rows(ref)
                if header_row is not None and last >= header_row:
                    report.add(title, first, letters, f"ô gộp {ref}: hãy bỏ gộp ô và ghi giá trị vào từng ô")
            continue
        if columns is None:
            if number > HEADER_SEARCH:
                break
            columns = _header(kind, cells, number, report)
            if columns is not None:
                header_row = number
            continue
        if not columns:
            continue  # a wrong header, reported: its rows cannot be read
        row = _row(kind, columns, cells, lookups, lambda *p, at=number: report.add(title, at, *p))
        if row is not None:
            yield Row(number, row)
    if header_row is None:
        report.add(title, None, "", f"không thấy dòng tiêu đề (có cột «{kind.columns[0].header}»)")


def _row(kind: Kind, columns: dict[int, Column], cells: list, lookups: Lookups, problem) -> dict | None:
    """A row's values by column key (None where a cell is wrong), or None for an empty row."""
    values: dict[str, Any] = {}
    for position, value, formula in cells:
        column = columns.get(position)
        if value is None or value == "":
            if formula:
                problem(get_column_letter(position), FORMULA_UNKNOWN)
                values[""] = None
            continue
        if column is None:
            problem(get_column_letter(position), "ô có dữ liệu ngoài các cột của mẫu")
            values[""] = None
            continue
        try:
            values[column.key] = column.parse(value, lookups)
        except Problem as wrong:
            problem(column.header, str(wrong))
            values[column.key] = None
    if not values:
        return None
    values.pop("", None)
    for column in kind.columns:
        if column.key not in values:
            if column.required:
                problem(column.header, "bỏ trống")
            values[column.key] = column.empty
    return values


FORMULA_UNKNOWN = "ô có công thức Excel chưa tính giá trị: hãy mở và lưu lại tệp bằng Excel, hoặc dán giá trị"


# ------------------------------------------------------------------------------ writing


def _sheet(workbook: Workbook, title: str, headers: list[tuple[str, str, int]], rows: Iterable[list]):
    """A sheet of the workbook (write-only): a bold header row, its hints as comments, then rows,
    every cell in Times New Roman and dates as dd/mm/yyyy."""
    sheet = workbook.create_sheet(title)
    plain, bold = Font(name=FONT, size=12), Font(name=FONT, size=12, bold=True)
    for position, (_, _, width) in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    top = []
    for header, hint, _ in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font, cell.alignment = bold, Alignment(horizontal="center", vertical="center", wrap_text=True)
        if hint:
            cell.comment = Comment(hint, "Vinh Danh")
        top.append(cell)
    sheet.append(top)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            cell.font = plain
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook(rows: dict[str, Iterable[list]]) -> bytes:
    """The sheets of each kind, with these rows in the columns' order: what `read` reads back.
    With no rows, the template to fill in."""
    book = Workbook(write_only=True)
    for kind in KINDS:
        headers = [(c.header, _hint(c), c.width) for c in kind.columns]
        _sheet(book, kind.sheet, headers, rows.get(kind.key, ()))
    return _saved(book)


def _hint(column: Column) -> str:
    return f"{'Bắt buộc' if column.required else 'Không bắt buộc'}{': ' + column.hint if column.hint else ''}"


REPORT_HEADERS = [("Trang", "", 16), ("Dòng", "", 8), ("Cột", "", 20), ("Lỗi", "", 90)]


def report_workbook(problems: Iterable[list]) -> bytes:
    """The problems of an import, one a row, for the person fixing the file."""
    return table("Lỗi", REPORT_HEADERS, problems)


def table(title: str, headers: list[tuple[str, str, int]], rows: Iterable[list]) -> bytes:
    """One sheet: (header, its note, its width) and the rows under them."""
    book = Workbook(write_only=True)
    _sheet(book, title, headers, rows)
    return _saved(book)
