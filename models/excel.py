"""People and their history in .xlsx: the sheets an import reads and an export writes, declared
once (`KINDS`), so that what is exported imports back to the same records.

Each kind of sheet is a tuple of columns, each with its Vietnamese header and the parser of its
cells; a new kind (registrations, nominee lists) is one more `Kind` and its writer in
models/imports.py. A workbook's cells are read by calamine (`open_workbook`), each cell parsed
by its column; every problem is reported as (sheet, row, column, what is wrong, in Vietnamese),
and models/imports.py writes nothing when there is one.

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
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import islice
from typing import Any, NamedTuple

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineWorkbook

from models.access import today
from models.guards import VIETNAM
from models.history import RATING_LABELS, RatingLevel
from models.search import fold
from models.text import nfc

FONT = "Times New Roman"
HEADER_SEARCH = 10  # rows at the top where the header row is looked for (title rows above it)
MAX_PROBLEMS = 1000  # kept in a report; all are counted
FIRST_YEAR, LAST_YEAR = 1945, 2100


class Problem(ValueError):
    """What is wrong with a cell, in Vietnamese."""


FORMULA_UNKNOWN = "ô có công thức Excel chưa tính giá trị: hãy mở và lưu lại tệp bằng Excel, hoặc dán giá trị"


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
    (None: all), the award codes for individuals and for collectives (folded code or name → code)."""

    units: dict[str, int]
    writable: set[int] | None
    awards: dict[str, str]
    collective_awards: dict[str, str] = field(default_factory=dict)
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


def collective_award(value: Any, lookups: Lookups) -> str:
    return _named(lookups.collective_awards, clean(value), "danh hiệu, hình thức khen thưởng tập thể")


def any_award(value: Any, lookups: Lookups) -> str:
    """An award to an individual or a collective (which of them the row's subject may receive,
    the nomination's own checks say)."""
    return _named(
        lookups.awards | lookups.collective_awards, clean(value), "danh hiệu, hình thức khen thưởng"
    )


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
RATING = (
    Column("Năm", "year", year, width=7),
    Column("Xếp loại", "level", rating, hint="HTXS, HTT, HT, KHT hoặc ghi đủ", width=28),
    note("Căn cứ", "source", 200, hint="quyết định đánh giá", width=24),
)


def award_record(parse: Callable[[Any, Lookups], str]) -> tuple[Column, ...]:
    """The columns of an award received, after its subject's."""
    return (
        Column("Năm", "year", year, hint="năm thành tích", width=7),
        Column("Danh hiệu, hình thức", "code", parse, hint="mã hoặc tên", width=30),
        note("Số quyết định", "decision_number", 60, width=16),
        Column("Ngày quyết định", "decision_date", day, required=False, hint="dd/mm/yyyy", width=12),
        note("Cơ quan ban hành", "issuer", 200, width=24),
    )


RATINGS_SHEET = Kind("ratings", "Xếp loại", (*SUBJECT, *RATING), (*PERSON, "year"))
AWARDS = Kind("awards", "Khen thưởng", (*SUBJECT, *award_record(award)), (*PERSON, "year", "code"))
# A collective (tập thể) is a unit: named by its code or name, as a unit is on the other sheets.
COLLECTIVE = Column("Tập thể", "collective_id", unit, hint="mã hoặc tên đơn vị", width=30)
UNIT_RATINGS = Kind("unit_ratings", "Xếp loại tập thể", (COLLECTIVE, *RATING), ("collective_id", "year"))
UNIT_AWARDS = Kind(
    "unit_awards",
    "Khen thưởng tập thể",
    (COLLECTIVE, *award_record(collective_award)),
    ("collective_id", "year", "code"),
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
KINDS = (PEOPLE, RATINGS_SHEET, AWARDS, UNIT_RATINGS, UNIT_AWARDS, REGISTRATIONS)
BY_SHEET = {fold(k.sheet): k for k in KINDS}


# ------------------------------------------------------------------------------ reading


class Row(NamedTuple):  # a tuple: a million of them are made 3× faster than frozen dataclasses
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
ROW, CELL_VALUE, FORMULA = (MAIN + t for t in ("row", "v", "f"))
LETTERS = re.compile(r"[A-Z]+")
FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")  # <f>, <f t="shared" … />, <x:f>
UNCOMPUTED = Problem(FORMULA_UNKNOWN)  # a formula cell saved without the value Excel computed
CHUNK_BYTES = 1 << 20


def _column(letters: str, known: dict[str, int] = {}) -> int:  # noqa: B006 (a cache)
    if letters not in known:
        known[letters] = column_index_from_string(letters)
    return known[letters]


def _has_formulas(source) -> bool:
    """Whether a sheet's XML holds a formula: a byte search of it, no parse. Below its first
    lines, a sheet's XML has few letters f outside formulas (the tags and attributes of its
    cells have none, and its text is mostly in the shared strings): a chunk without one is
    passed at memchr's speed (the bench's 460 MB of sheets in 0.8 s of CPU instead of 3.8 s)."""
    tail = b""
    while chunk := source.read(CHUNK_BYTES):
        if (b"f" in chunk or b"f" in tail) and any(
            tag in tail + chunk[:8] or tag in chunk for tag in FORMULA_TAGS
        ):
            return True
        tail = chunk[-8:]
    return False


def _uncomputed(source) -> dict[int, dict[int, Problem]]:
    """Row → column → problem of the sheet's formula cells that were saved without the value
    Excel computed, or with an error (#N/A, #REF!) as their value. Read with lxml, entities not
    expanded: only for a sheet that has formulas (_has_formulas)."""
    found: dict[int, dict[int, Problem]] = {}
    number = 0
    for _, element in etree.iterparse(source, events=("end",), tag=ROW, resolve_entities=False):
        number = int(element.get("r") or number + 1)
        position = 0
        for cell in element:
            where = cell.get("r")
            position = _column(LETTERS.match(where).group()) if where else position + 1
            if cell.find(FORMULA) is None:
                continue
            value = cell.findtext(CELL_VALUE)
            if not value:
                found.setdefault(number, {})[position] = UNCOMPUTED
            elif cell.get("t") == "e":
                found.setdefault(number, {})[position] = Problem(f"công thức Excel ra lỗi {value}")
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return found


@dataclass
class Opened:
    """A workbook opened to read: its sheets as (name, part in the zip), read by calamine."""

    content: bytes
    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]]
    loading: dict[str, Future] = field(default_factory=dict)

    @cached_property
    def book(self) -> CalamineWorkbook:
        """Opened when a sheet is first read (it reads the shared strings): the upload's checks
        need only the sheets' names."""
        return CalamineWorkbook.from_filelike(io.BytesIO(self.content))

    @property
    def sheetnames(self) -> list[str]:
        return [name for name, _ in self.sheets]

    @contextmanager
    def loaded_ahead(self, names: list[str]) -> Iterator[None]:
        """These sheets read by calamine one after another in a thread of their own, while the
        rows of those already read are parsed: calamine lets go of Python's lock as it reads a
        sheet, and the machine has a second core (the bench's three sheets take it 11 s of CPU).
        A sheet not yet begun when the block ends (on an error) is not read."""
        with ThreadPoolExecutor(1, thread_name_prefix="calamine") as pool:
            self.loading = {
                name: pool.submit(lambda n: self.book.get_sheet_by_name(n), name) for name in names
            }
            try:
                yield
            finally:
                for future in self.loading.values():
                    future.cancel()
                self.loading = {}

    def rows(self, name: str, part: str) -> Iterator[tuple[int, list]]:
        """A sheet's rows as (row number, its values from column A: "" where empty, a Problem for
        a formula without a computed value); then (-1, its merged ranges as (first row, last row,
        "B3:C4")). calamine gives numbers as float, Excel dates (by their style) as date or
        datetime, and a formula's saved value; a formula saved without one it leaves out, so the
        XML of a sheet that has formulas is read once more for them (_uncomputed)."""
        with self.archive.open(part) as source:
            has_formulas = _has_formulas(source)
        formulas: dict[int, dict[int, Problem]] = {}
        if has_formulas:
            with self.archive.open(part) as source:
                formulas = _uncomputed(source)
        loading = self.loading.pop(name, None)
        sheet = loading.result() if loading else self.book.get_sheet_by_name(name)
        pad = [""] * (sheet.start[1] if sheet.start else 0)
        numbered = enumerate(sheet.iter_rows(), 1)  # from row 1, from the first column used
        if not pad and not formulas:  # the usual sheet: its rows as calamine gives them
            yield from numbered
        for number, values in numbered:  # (none left after the usual sheet)
            values = pad + values if pad else values
            if number in formulas:
                values = _marked(values, formulas.pop(number))
            yield number, values
        for later in sorted(formulas):  # rows that hold only formulas without a value
            yield later, _marked([], formulas[later])
        merged = [
            (
                top + 1,
                bottom + 1,
                f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}",
            )
            for (top, left), (bottom, right) in sheet.merged_cell_ranges or []
        ]
        yield -1, merged


def _marked(values: list, problems: dict[int, Problem]) -> list:
    """The row's values with the problems of its formula cells in their columns."""
    values = values + [""] * (max(problems) - len(values))
    for position, problem in problems.items():
        values[position - 1] = problem
    return values


def open_workbook(content: bytes) -> Opened:
    """The workbook: its sheets named and found by openpyxl's parser of the workbook's parts
    (cheap: no cell is read), their cells read by calamine (python-calamine, a binding of the Rust
    reader, ~3× openpyxl's speed on the 100,000-people file of bench/import.py). A file either
    cannot open raises what its parser met."""
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    sheets = [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    return Opened(content, reader.archive, sheets)


def sheet_names(kinds: tuple[Kind, ...] = KINDS) -> str:
    return ", ".join(f"«{k.sheet}»" for k in kinds)


def read(
    workbook: Opened,
    lookups: Lookups,
    report: Report,
    progress: Callable[[int], None] = lambda n: None,
    kinds: tuple[Kind, ...] = KINDS,
) -> dict[str, list[Row]]:
    """Every row of the workbook's sheets of these kinds, parsed; each problem into the report.
    `progress` hears how many rows were read, every BLOCK rows."""
    found: dict[str, list[Row]] = {}
    counted = 0
    by_sheet = {fold(k.sheet): k for k in kinds}
    first = {}  # the sheet read of each kind
    memos: dict[Column | None, dict] = {}  # each column's values parsed (_parsed)
    for name, _ in workbook.sheets:
        first.setdefault(by_sheet.get(fold(name)), name)
    with workbook.loaded_ahead([name for kind, name in first.items() if kind is not None]):
        for name, part in workbook.sheets:
            kind = by_sheet.get(fold(name))
            if kind is None:
                report.add(
                    name, None, "", f"trang «{name}» không thuộc mẫu (các trang: {sheet_names(kinds)})"
                )
                continue
            if kind.key in found:
                report.add(name, None, "", f"trang «{kind.sheet}» có hai lần")
                continue
            found[kind.key] = rows = []
            for block in _sheet_rows(name, workbook.rows(name, part), kind, lookups, report, memos):
                rows += block
                counted += len(block)
                progress(counted)
    if not any(found.values()) and not report.count:
        report.add("", None, "", f"tệp không có dòng dữ liệu nào (các trang: {sheet_names(kinds)})")
    progress(counted)
    return found


def _words(value: Any) -> str:
    return " ".join(nfc(str(value)).split())


def _header(kind: Kind, values: list, number: int, report: Report) -> list[Column | None] | None:
    """The columns by position (from column A), if this is the header row (it names the sheet's
    first column); else None. A header with a missing, unknown or repeated column is reported: []."""
    named = {p: _words(v) for p, v in enumerate(values, 1) if v != "" and not isinstance(v, Problem)}
    if fold(kind.columns[0].header) not in {fold(v) for v in named.values()}:
        return None
    columns: list[Column | None] = [None] * len(values)
    for position, header in named.items():
        column = kind.by_header.get(fold(header))
        letter = get_column_letter(position)
        if column is None:
            report.add(kind.sheet, number, letter, f"cột «{header}» không thuộc mẫu")
        elif column in columns:
            report.add(kind.sheet, number, letter, f"cột «{header}» có hai lần")
        else:
            columns[position - 1] = column
    for column in kind.columns:
        if column.required and column not in columns:
            report.add(kind.sheet, number, "", f"thiếu cột «{column.header}»")
    problems = len(named) != sum(c is not None for c in columns) or any(
        c.required and c not in columns for c in kind.columns
    )
    return [] if problems else columns


def _sheet_rows(
    title: str, rows: Iterable, kind: Kind, lookups: Lookups, report: Report, memos: dict
) -> Iterator[list[Row]]:
    """A sheet's rows, parsed, BLOCK rows at a time; the problems, the header's among them, reported.
    The rows under the header are taken a block at a time (islice), not looked at one by one."""
    rows = iter(rows)
    columns: list[Column | None] | None = None
    for number, values in rows:
        if number == -1 or number > HEADER_SEARCH:
            break
        if (columns := _header(kind, values, number, report)) is not None:
            header_row = number
            break
    if columns is None:
        report.add(title, None, "", f"không thấy dòng tiêu đề (có cột «{kind.columns[0].header}»)")
        return
    merged = []
    while block := list(islice(rows, BLOCK)):
        if block[-1][0] == -1:  # the merged ranges, after the last row
            merged = block.pop()[1]
        if block and columns:  # a wrong header is reported: its rows cannot be read
            yield _block(title, kind, columns, memos, block, lookups, report)
    for first, last, ref in merged:
        if last >= header_row:
            report.add(
                title,
                first,
                LETTERS.match(ref).group(),
                f"ô gộp {ref}: hãy bỏ gộp ô và ghi giá trị vào từng ô",
            )


BLOCK = 5000  # rows parsed together, column by column
EMPTY = object()  # what an empty cell parses to
OUTSIDE = Problem("ô có dữ liệu ngoài các cột của mẫu")


def _block(
    title: str, kind: Kind, columns: list, memos: dict, block: list, lookups: Lookups, report: Report
) -> list[Row]:
    """Some rows of a sheet, parsed column by column (each distinct value of a column once:
    _parsed), as rows by column key (None where a cell is wrong); empty rows left out. Every
    problem is reported, in the order of the rows and of their cells."""
    width = max(len(columns), *(len(values) for _, values in block))
    table = [values if len(values) == width else values + [""] * (width - len(values)) for _, values in block]
    filled = [values.count("") < width for values in table]
    problems: list[tuple[int, int, str, str]] = []
    by_key: dict[str, list] = {}
    for position, cells in enumerate(zip(*table, strict=True)):
        column = columns[position] if position < len(columns) else None
        parsed = _parsed(column, cells, memos.setdefault(column, {}), lookups)
        if any(issubclass(t, Problem) for t in set(map(type, parsed))):
            for i, found in enumerate(parsed):
                if isinstance(found, Problem):
                    cell_wrong = column is None or isinstance(cells[i], Problem)
                    label = get_column_letter(position + 1) if cell_wrong else column.header
                    problems.append((i, position, label, str(found)))
            # a formula without its value counts as empty, a wrong cell as None
            parsed = [
                EMPTY if isinstance(c, Problem) else None if isinstance(p, Problem) else p
                for p, c in zip(parsed, cells, strict=True)
            ]
        if column is not None:
            by_key[column.key] = parsed
    for position, column in enumerate(kind.columns, width):  # after the cells' problems
        parsed = by_key.get(column.key) or [EMPTY] * len(block)
        if EMPTY in parsed:
            if column.required:
                problems += (
                    (i, position, column.header, "bỏ trống") for i, p in enumerate(parsed) if p is EMPTY
                )
            by_key[column.key] = [column.empty if p is EMPTY else p for p in parsed]
    for i, _, label, problem in sorted(p for p in problems if filled[p[0]]):
        report.add(title, block[i][0], label, problem)
    keys = [c.key for c in kind.columns]
    rows = zip(block, filled, zip(*(by_key[k] for k in keys), strict=True), strict=True)
    return [Row(number, dict(zip(keys, row, strict=True))) for (number, _), kept, row in rows if kept]


def _parsed(column: Column | None, cells: tuple, memo: dict, lookups: Lookups) -> list:
    """A column's cells parsed: EMPTY, the value, or a Problem. A cell's parse depends on its
    value only, and names, units, years and levels repeat from row to row: each distinct value
    is parsed once (`memo`, the column's, kept from block to block and from sheet to sheet: a
    person's name on every sheet), by value and type where a cell is true or false (True == 1 ==
    1.0)."""
    keys = list(zip(map(type, cells), cells, strict=True)) if bool in set(map(type, cells)) else cells
    for key in dict.fromkeys(keys):
        if key not in memo:
            memo[key] = _parse(column, key[1] if keys is not cells else key, lookups)
    return list(map(memo.__getitem__, keys))


def _parse(column: Column | None, value: Any, lookups: Lookups) -> Any:
    if value == "":
        return EMPTY
    if isinstance(value, Problem):  # a formula without its value
        return value
    if column is None:
        return OUTSIDE
    try:
        return column.parse(value, lookups)
    except Problem as error:
        return error


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
            if isinstance(value, datetime) and value.tzinfo is not None:  # Excel has no time zones
                value = value.astimezone(VIETNAM).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value)
            cell.font = plain
            if isinstance(value, datetime):
                cell.number_format = "hh:mm dd/mm/yyyy"
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook(rows: dict[str, Iterable[list]], kinds: tuple[Kind, ...] = KINDS) -> bytes:
    """The sheets of each kind, with these rows in the columns' order: what `read` reads back.
    With no rows, the template to fill in."""
    book = Workbook(write_only=True)
    for kind in kinds:
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
    """One sheet: (header, its note, its width) and the rows under them; every cell in Times New
    Roman, the header row bold, dates as dates (dd/mm/yyyy), moments in Vietnam's time. Every
    list exported as .xlsx is written by it (service/api/lists.py `xlsx`)."""
    book = Workbook(write_only=True)
    _sheet(book, title, headers, rows)
    return _saved(book)
