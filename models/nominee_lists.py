"""Nominee lists (danh sách đề nghị khen thưởng) from Excel: a unit officer uploads the list of
the people and collectives their unit proposes for a campaign, and each row becomes a draft
nomination of the unit, as POST /api/v1/nominations makes one (workflow.nominate: the same
checks, the same audit event), to go into the unit's next Tờ trình. All rows or, when any is
wrong, none; the problems by row and column, in Vietnamese, as for the other imports
(models/excel.py). Each draft made is answered with the engine's eligibility verdict on it.

A person is named as on the other sheets: name, birth date and the unit of their post now; a
collective by its unit (code or name) with the name left empty. A list is small (a unit's
nominees for one campaign), so it is read and written in the request, not by a flow."""

from sqlmodel import Session

from models import drafting, excel, imports, sight, workflow
from models.access import Actor
from models.campaigns import Campaign
from models.config import get_settings
from models.errors import DomainError, Forbidden, InvalidInput
from models.nominations import Nomination
from models.org import Role
from models.routing import Org
from models.uploads import check_workbook

MAX_ROWS = 1000  # nominees in one list

NOMINEES = excel.Kind(
    "nominees",
    "Danh sách đề nghị",
    (
        excel.Column(
            "Họ và tên",
            "name",
            excel.full_name,
            required=False,
            hint="bỏ trống khi đề nghị tập thể",
            width=28,
        ),
        excel.Column("Ngày sinh", "birth_date", excel.day, required=False, hint="dd/mm/yyyy", width=12),
        excel.Column(
            "Đơn vị", "unit_id", excel.unit, hint="đơn vị đang công tác; với tập thể: tập thể được đề nghị"
        ),
        excel.Column("Danh hiệu, hình thức", "code", excel.any_award, hint="mã hoặc tên", width=30),
        excel.Column(
            "Diện đề nghị",
            "basis",
            excel.text(40),
            required=False,
            empty="periodic",
            hint="bỏ trống: thường xuyên (periodic)",
            width=14,
        ),
        excel.note("Tóm tắt thành tích", "achievement", 1000, width=60),
    ),
    ("name", "birth_date", "unit_id", "code"),
)
KINDS = (NOMINEES,)


def template() -> bytes:
    return excel.workbook({}, KINDS)


def import_list(
    session: Session, actor: Actor, campaign_id: int, filename: str, content_type: str, content: bytes
) -> list[tuple[int, Nomination, dict]]:
    """The draft nominations the list makes, each with its row and eligibility verdict, flushed
    in the caller's transaction; or InvalidRows with every problem, nothing written."""
    campaign = sight.campaign(session, actor, campaign_id)
    mine = sight.role_units(actor, {Role.UNIT_OFFICER})
    if not mine:
        raise Forbidden(f"{actor.name} không phải cán bộ thi đua - khen thưởng của đơn vị nào")
    settings = get_settings()
    name = check_workbook(
        filename, content_type, content, settings.max_import_bytes, settings.max_import_expanded
    )
    report = excel.Report()
    try:
        workbook = excel.open_workbook(content)
        rows = excel.read(
            workbook, imports.lookups(session, Org.of(session).below(mine)), report, kinds=KINDS
        )
    except Exception as error:  # openpyxl or calamine raise whatever their parsers meet in a broken file
        raise InvalidInput(f"Không đọc được bảng tính {name}: {type(error).__name__}", field="file") from None
    found = rows.get(NOMINEES.key, [])
    if len(found) > MAX_ROWS:
        raise InvalidInput(f"Danh sách có {len(found)} dòng, quá {MAX_ROWS}", field="file")
    made = _nominate(session, actor, campaign, found, report)
    if report.count:
        session.rollback()
        raise InvalidRows(report)
    return [(number, n, drafting.live_verdict(session, n)) for number, n in made]


class InvalidRows(InvalidInput):
    """A list with problems: 422 with each (details.problems: sheet, row, column, problem)."""

    def __init__(self, report: excel.Report):
        problems = [dict(zip(("sheet", "row", "column", "problem"), p, strict=True)) for p in report.problems]
        super().__init__(
            f"Danh sách có {report.count} lỗi: không lập hồ sơ nào", field="file", problems=problems
        )
        self.problems = report.problems


def _nominate(
    session: Session, actor: Actor, campaign: Campaign, rows: list[excel.Row], report: excel.Report
) -> list[tuple[int, Nomination]]:
    """A draft for each complete row (each in a savepoint: a refused one leaves no trace while
    the others are still tried, for the report); problems reported by row."""
    sheet = NOMINEES.sheet
    people = imports.recorded(session, {r.values["unit_id"] for r in rows} - {None})
    required = [c.key for c in NOMINEES.columns if c.required]
    made, seen = [], {}
    for row in rows:
        values = row.values
        if any(values[k] is None for k in required):
            continue  # reported as it was read
        if values["name"] and values["birth_date"] is None:
            report.add(sheet, row.number, "Ngày sinh", "bỏ trống: cần để tìm đúng người")
            continue
        subject = {"person_id": None, "collective_id": None}
        if values["name"]:
            person = people.get((values["name"].casefold(), values["birth_date"], values["unit_id"]))
            if person is None or person == excel.AMBIGUOUS:
                said = (
                    imports.AMBIGUOUS_PERSON if person else "không có người này (họ tên, ngày sinh, đơn vị)"
                )
                report.add(sheet, row.number, "Họ và tên", said)
                continue
            subject["person_id"] = person
        else:
            subject["collective_id"] = values["unit_id"]
        key = (subject["person_id"], subject["collective_id"], values["code"])
        if key in seen:
            report.add(sheet, row.number, "Danh hiệu, hình thức", f"trùng với dòng {seen[key]}")
            continue
        seen[key] = row.number
        try:
            with session.begin_nested():
                unit_id = drafting.nominating_unit(session, actor, campaign.year, **subject)
                fields = {"basis": values["basis"], "achievement": values["achievement"]}
                made.append(
                    (
                        row.number,
                        workflow.nominate(
                            session, actor, campaign, values["code"], unit_id=unit_id, **subject, **fields
                        ),
                    )
                )
        except DomainError as refused:
            report.add(sheet, row.number, "", str(refused))
    return made
