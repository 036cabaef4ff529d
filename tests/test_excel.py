"""Excel import and export (issue 12 §6): the round trip, every problem the report names, all or
nothing, the importer's sight, idempotence, and the refusals of a bad file."""

import gc
import io
import re
import unicodedata
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, func, select

from models import excel, imports
from models.access import load_actor
from models.audit import Event
from models.db import bulk_insert, new_ids, page_cache, session_scope
from models.errors import Forbidden, InvalidInput
from models.history import AwardRecord, Rating
from models.org import Membership, Person, Role, RoleGrant, Unit
from models.search import NameToken
from models.uploads import TooLarge
from tests.conftest import fresh_engine
from tests.factories import grant

PEOPLE = ["Họ và tên", "Ngày sinh", "Đơn vị", "Giới tính", "Chức vụ"]
RATINGS = ["Họ và tên", "Ngày sinh", "Đơn vị", "Năm", "Xếp loại"]
AWARDS = [
    "Họ và tên",
    "Ngày sinh",
    "Đơn vị",
    "Năm",
    "Danh hiệu, hình thức",
    "Số quyết định",
    "Ngày quyết định",
]


def book(sheets: dict[str, list[list]], merged: dict[str, str] | None = None) -> bytes:
    """A workbook as a person would fill one in (openpyxl's normal mode)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merged and title in merged:
            sheet.merge_cells(merged[title])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def computed(content: bytes, formula: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula's computed value written beside it."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rf"(<f>{re.escape(formula)}</f>)(<v\s*/>|<v></v>)?".encode(),
                    rb"\1<v>" + value.encode() + b"</v>",
                    data,
                )
            out.writestr(item, data)
    return target.getvalue()


def importing(engine, person_id: int, content: bytes, name: str = "du_lieu.xlsx") -> imports.ImportJob:
    """Upload and run an import as this person, as the API and the flow do."""
    with session_scope(engine) as session:
        job, new = imports.submit(session, load_actor(session, person_id), name, "", content)
    if new:
        imports.run(lambda: session_scope(engine), job.id)
    with session_scope(engine) as session:
        return session.get(imports.ImportJob, job.id)


def problems(job: imports.ImportJob) -> list[tuple]:
    return [tuple(p) for p in job.problems]


def counted(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture
def secretariat(prov):
    return prov.people["province_secretariat"].id


# ------------------------------------------------------------------------------ round trip


def test_export_then_import_gives_the_same_records(app_db, prov, secretariat):
    """The province's people and collectives with their ratings and awards, exported, imported
    into a database that has only the units, export the same again; imported back into the first,
    they add nothing."""
    with session_scope(app_db) as session:
        ns, stc = prov.units["ns"].id, prov.units["stc"].id
        session.add_all(
            [
                Rating(collective_id=ns, year=2024, level="HTXS", source="QĐ 12/QĐ-STC"),
                Rating(collective_id=stc, year=2024, level="HTT"),
                AwardRecord(collective_id=ns, year=2024, code="TTLDXS", decision_number="15/QĐ-UBND"),
                AwardRecord(collective_id=ns, year=2023, code="BK_TINH", decision_date=date(2024, 2, 1)),
                AwardRecord(collective_id=stc, year=2022, code="TTLDTT", revoked=True),
            ]
        )
    with session_scope(app_db) as session:
        actor = load_actor(session, secretariat)
        exported = imports.export_rows(session, actor)
        content = imports.export_workbook(session, actor)
        units = [u.model_dump() for u in session.exec(select(Unit).order_by(Unit.id))]
    assert len(exported["people"]) > 10 and exported["ratings"] and exported["awards"]
    assert len(exported["unit_ratings"]) == 2 and len(exported["unit_awards"]) == 2  # not the revoked

    other = fresh_engine("roundtrip")
    with session_scope(other) as session:
        later = ("appraiser_id", "successor_id")  # units named before they are made: set after
        for u in units:
            session.add(Unit(**u | dict.fromkeys(later)))
        session.flush()
        for u in units:
            session.get(Unit, u["id"]).sqlmodel_update({k: u[k] for k in later})
        session.flush()
        importer = Person(full_name="Quản trị hệ thống")  # no post: not among those exported
        session.add(importer)
        session.flush()
        grant(session, importer, Role.ADMIN, session.get(Unit, prov.units["province"].id))
        importer_id = importer.id
    job = importing(other, importer_id, content)
    assert job.state == "done", job.problems
    assert job.counts["unit_ratings"]["added"] == 2 and job.counts["unit_awards"]["added"] == 2
    with session_scope(other) as session:
        again = imports.export_rows(session, load_actor(session, importer_id))
    assert again == exported

    job = importing(app_db, secretariat, content, "lan_hai.xlsx")
    assert job.state == "done"
    assert set(job.counts) == {"people", "ratings", "awards", "unit_ratings", "unit_awards"}
    assert {c["added"] for c in job.counts.values()} == {0}
    assert job.counts["unit_ratings"]["unchanged"] == 2 and job.counts["unit_awards"]["unchanged"] == 2


def test_the_same_file_twice_is_one_import(app_db, prov, secretariat):
    content = book({"Cá nhân": [PEOPLE, ["Phan Văn Tú", "12/03/1990", "QNG-STC-NS", "Nam", "Chuyên viên"]]})
    first = importing(app_db, secretariat, content)
    second = importing(app_db, secretariat, content, "ten_khac.xlsx")
    assert first.state == "done" and second.id == first.id
    with Session(app_db) as session:
        assert len(session.exec(select(Person).where(Person.full_name == "Phan Văn Tú")).all()) == 1
        events = session.exec(select(Event).where(Event.entity == "import_job")).all()
    assert [(e.action, e.entity_id, e.data["sha256"]) for e in events] == [("import", first.id, first.sha256)]
    assert events[0].data["counts"]["people"] == {"added": 1, "unchanged": 0}
    assert events[0].actor_id == secretariat


def test_an_import_writes_people_posts_ratings_awards_and_name_tokens(app_db, prov, secretariat):
    content = book(
        {
            "Cá nhân": [PEOPLE, ["Ngô Thị Thu", date(1988, 5, 4), "Phòng Ngân sách", "Nữ", "Kế toán viên"]],
            "Xếp loại": [
                RATINGS,
                ["Ngô Thị Thu", "04/05/1988", "QNG-STC-NS", 2024, "Hoàn thành tốt nhiệm vụ"],
            ],
            "Khen thưởng": [
                AWARDS,
                [
                    "Ngô Thị Thu",
                    "4/5/1988",
                    "QNG-STC-NS",
                    2024,
                    "Lao động tiên tiến",
                    "12/QĐ-STC",
                    "15/01/2025",
                ],
            ],
        }
    )
    job = importing(app_db, secretariat, content)
    assert job.state == "done", job.problems
    assert job.rows_read == 3 and job.rows_written == 3
    assert gc.isenabled()  # the import's pause of the cycle collector ended with it
    with Session(app_db) as session:
        person = session.exec(select(Person).where(Person.full_name == "Ngô Thị Thu")).one()
        assert (person.birth_date, person.gender) == (date(1988, 5, 4), "nữ")
        post = session.exec(select(Membership).where(Membership.person_id == person.id)).one()
        assert (post.unit_id, post.post) == (prov.units["ns"].id, "Kế toán viên")
        rating = session.exec(select(Rating).where(Rating.person_id == person.id)).one()
        assert (rating.year, rating.level) == (2024, "HTT")
        award = session.exec(select(AwardRecord).where(AwardRecord.person_id == person.id)).one()
        assert (award.code, award.decision_number, award.decision_date) == (
            "LDTT",
            "12/QĐ-STC",
            date(2025, 1, 15),
        )
        tokens = session.exec(
            select(NameToken.token).where(NameToken.entity_id == person.id, NameToken.entity == "person")
        )
        assert "ngo thi thu" in set(tokens)


# ------------------------------------------------------------------------------ the report


def test_every_kind_of_problem_is_reported_by_sheet_row_and_column(app_db, prov, secretariat):
    nfd = unicodedata.normalize("NFD", "Lê Thị Hằng")
    content = book(
        {
            "Cá nhân": [
                PEOPLE,
                ["Lê Thị Hằng", "01/01/1990", "QNG-STC-NS", "Nữ", ""],
                [nfd, "01/01/1990", "QNG-STC-NS", "Nữ", ""],  # the same person, typed on a Mac
                ["Trần Văn Bảy", "31/02/1990", "QNG-STC-NS", "Nam", ""],
                ["Đinh Văn Tám", "năm 1980", "KHONG-CO", "Ông", ""],
            ],
            "Xếp loại": [
                RATINGS,
                ["Lê Thị Hằng", "01/01/1990", "QNG-STC-NS", 2024, "Giỏi"],
                ["Lê Thị Hằng", "01/01/1990", "QNG-STC-NS", 2099, "HTT"],
            ],
            "Khen thưởng": [
                AWARDS,
                ["Lê Thị Hằng", "01/01/1990", "QNG-STC-NS", 2024, "HCLD9", "", ""],
                ["Người Lạ", "01/01/1970", "QNG-STC-NS", 2024, "LDTT", "", ""],
            ],
        }
    )
    job = importing(app_db, secretariat, content)
    assert job.state == "refused"
    found = problems(job)
    assert ("Cá nhân", 3, "Họ và tên", "trùng người ở dòng 2 (cùng họ tên, ngày sinh, đơn vị)") in found
    assert ("Cá nhân", 4, "Ngày sinh", "«31/02/1990»: không có ngày 31/02/1990") in found
    assert (
        "Cá nhân",
        5,
        "Ngày sinh",
        "«năm 1980» không phải ngày (ghi dd/mm/yyyy, ví dụ 05/09/1985)",
    ) in found
    assert ("Cá nhân", 5, "Đơn vị", "không có đơn vị mã hoặc tên «KHONG-CO»") in found
    assert ("Xếp loại", 2, "Xếp loại", "«Giỏi» không phải mức xếp loại (HTXS, HTT, HT, KHT)") in found
    assert any(p[:3] == ("Khen thưởng", 2, "Danh hiệu, hình thức") and "HCLD9" in p[3] for p in found)
    assert (
        "Khen thưởng",
        3,
        "Họ và tên",
        "không có người này trong trang «Cá nhân» hay trong dữ liệu đã có",
    ) in found
    assert ("Xếp loại", 3, "Năm", "năm 2099 chưa đến") in found
    assert job.problems_total == len(found) == 8


def test_nothing_is_written_when_any_row_is_wrong(app_db, prov, secretariat):
    people, ratings = counted(app_db, Person), counted(app_db, Rating)
    rows = [[f"Người Thứ {i}", f"0{i}/01/1990", "QNG-STC-NS", "Nam", ""] for i in range(1, 9)]
    content = book(
        {"Cá nhân": [PEOPLE, *rows, ["Người Thứ Chín", "01/01/1990", "QNG-STC-NS", "Không rõ", ""]]}
    )
    job = importing(app_db, secretariat, content)
    assert job.state == "refused" and job.rows_read == 9 and job.rows_written == 0
    assert problems(job) == [("Cá nhân", 10, "Giới tính", "«Không rõ»: ghi Nam hoặc Nữ")]
    assert (counted(app_db, Person), counted(app_db, Rating)) == (people, ratings)
    with Session(app_db) as session:
        event = session.exec(select(Event).where(Event.entity == "import_job")).one()
    assert event.action == "import_refused" and event.data["problems"] == 1


def test_nfd_names_are_stored_nfc_and_match_those_recorded(app_db, prov, secretariat):
    """'Nguyễn Văn An' typed decomposed is the person already recorded (a rating of theirs is
    found unchanged); a new NFD name is stored precomposed."""
    an = unicodedata.normalize("NFD", "Nguyễn Văn An")
    new = unicodedata.normalize("NFD", "Tạ Thị Ngọc")
    content = book(
        {
            "Cá nhân": [PEOPLE, [new, "", "QNG-STC-NS", "Nữ", ""]],
            "Xếp loại": [
                RATINGS,
                [an, "17/05/1980", "QNG-STC-NS", 2025, "HTT"],
                [new, None, "QNG-STC-NS", 2025, "HTXS"],
            ],
        }
    )
    job = importing(app_db, secretariat, content)
    assert job.state == "done", job.problems
    assert job.counts["ratings"] == {"added": 1, "unchanged": 1}
    with Session(app_db) as session:
        assert session.exec(select(Person).where(Person.full_name == "Tạ Thị Ngọc")).one()


def test_a_rating_that_contradicts_the_recorded_one_is_refused(app_db, prov, secretariat):
    content = book({"Xếp loại": [RATINGS, ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", 2025, "HTXS"]]})
    job = importing(app_db, secretariat, content)
    assert problems(job) == [("Xếp loại", 2, "Xếp loại", "năm 2025 đã có xếp loại «Hoàn thành tốt nhiệm vụ»")]


UNIT_RATINGS = ["Tập thể", "Năm", "Xếp loại", "Căn cứ"]
UNIT_AWARDS = ["Tập thể", "Năm", "Danh hiệu, hình thức", "Số quyết định", "Ngày quyết định"]


def test_collectives_history_is_imported_by_unit_and_its_problems_reported(app_db, prov, secretariat):
    """A collective is its unit, by code or name; an award to individuals only, an unknown unit,
    a rating contradicting the one recorded and a repeated row are refused, each where it is."""
    with session_scope(app_db) as session:
        session.add(Rating(collective_id=prov.units["ns"].id, year=2024, level="HTT"))
    wrong = book(
        {
            "Xếp loại tập thể": [
                UNIT_RATINGS,
                ["QNG-STC-NS", 2024, "HTXS", ""],
                ["Phòng Ngân sách", 2025, "HTXS", "QĐ 3/QĐ-STC"],
                ["QNG-STC-NS", 2025, "HTT", ""],
                ["KHONG-CO", 2025, "HT", ""],
            ],
            "Khen thưởng tập thể": [
                UNIT_AWARDS,
                ["QNG-STC-NS", 2025, "Chiến sĩ thi đua cơ sở", "", ""],
                ["QNG-STC-NS", 2025, "TTLDXS", "7/QĐ-UBND", "01/02/2026"],
            ],
        }
    )
    job = importing(app_db, secretariat, wrong)
    assert job.state == "refused"
    assert problems(job) == [
        ("Xếp loại tập thể", 5, "Tập thể", "không có đơn vị mã hoặc tên «KHONG-CO»"),
        (
            "Khen thưởng tập thể",
            2,
            "Danh hiệu, hình thức",
            "không có danh hiệu, hình thức khen thưởng tập thể mã hoặc tên «Chiến sĩ thi đua cơ sở»",
        ),
        ("Xếp loại tập thể", 2, "Xếp loại", "năm 2024 đã có xếp loại «Hoàn thành tốt nhiệm vụ»"),
        ("Xếp loại tập thể", 4, "Năm", "trùng với dòng 3"),
    ]
    with Session(app_db) as session:
        assert not session.exec(select(AwardRecord).where(AwardRecord.code == "TTLDXS")).all()
    right = book(
        {
            "Xếp loại tập thể": [UNIT_RATINGS, ["Phòng Ngân sách", 2025, "HTXS", "QĐ 3/QĐ-STC"]],
            "Khen thưởng tập thể": [UNIT_AWARDS, ["QNG-STC-NS", 2025, "TTLDXS", "7/QĐ-UBND", "01/02/2026"]],
        }
    )
    job = importing(app_db, secretariat, right, "dung.xlsx")
    assert job.state == "done", job.problems
    with Session(app_db) as session:
        award = session.exec(select(AwardRecord).where(AwardRecord.code == "TTLDXS")).one()
        rating = session.exec(
            select(Rating).where(Rating.collective_id == prov.units["ns"].id, Rating.year == 2025)
        ).one()
    assert (award.collective_id, award.person_id, award.decision_date) == (
        prov.units["ns"].id,
        None,
        date(2026, 2, 1),
    )
    assert (rating.level, rating.source) == ("HTXS", "QĐ 3/QĐ-STC")


def test_a_formula_counts_by_the_value_excel_computed_and_is_refused_without_one(app_db, prov, secretariat):
    sheets = {
        "Cá nhân": [PEOPLE, ["Mai Văn Hòa", "02/02/1992", "QNG-STC-NS", "Nam", ""]],
        "Xếp loại": [RATINGS, ["Mai Văn Hòa", "02/02/1992", "QNG-STC-NS", "=2020+4", "HT"]],
    }
    never = importing(app_db, secretariat, book(sheets))
    assert problems(never) == [
        ("Xếp loại", 2, "D", excel.FORMULA_UNKNOWN),
        ("Xếp loại", 2, "Năm", "bỏ trống"),
    ]
    saved = importing(app_db, secretariat, computed(book(sheets), "2020+4", "2024"), "excel_da_luu.xlsx")
    assert saved.state == "done", saved.problems
    with Session(app_db) as session:
        assert (
            session.exec(
                select(Rating.year)
                .join(Person, col(Person.id) == Rating.person_id)
                .where(Person.full_name == "Mai Văn Hòa")
            ).one()
            == 2024
        )


def test_a_formula_saved_with_an_error_is_reported_and_a_table_away_from_a1_reads(app_db, prov, secretariat):
    """A formula whose saved value is an Excel error (#N/A) is refused by its cell; a table whose
    first column is B, under a title row, reads by its headers' columns."""
    sheets = {"Xếp loại": [RATINGS, ["Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", "=NA()", "HTT"]]}
    content = computed(book(sheets), "NA()", "#N/A")
    errored = _with_error_type(content, "D2")
    assert problems(importing(app_db, secretariat, errored)) == [
        ("Xếp loại", 2, "D", "công thức Excel ra lỗi #N/A"),
        ("Xếp loại", 2, "Năm", "bỏ trống"),
    ]
    shifted = book(
        {
            "Xếp loại": [
                ["Bảng xếp loại"],
                [None, *RATINGS],
                [None, "Nguyễn Văn An", "17/05/1980", "QNG-STC-NS", 2025, "HTT"],
            ]
        }
    )
    job = importing(app_db, secretariat, shifted, "lech_cot.xlsx")
    assert job.state == "done" and job.counts["ratings"] == {"added": 0, "unchanged": 1}, job.problems


def _with_error_type(content: bytes, ref: str) -> bytes:
    """The workbook with the cell `ref` typed as an error value (t="e"), as Excel saves #N/A."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<c r="' + ref.encode() + rb'"( t="\w+")?', b'<c r="' + ref.encode() + b'" t="e"', data
                )
            out.writestr(item, data)
    return target.getvalue()


def test_merged_cells_are_refused_below_the_title_and_title_rows_are_skipped(app_db, prov, secretariat):
    rows = [
        ["DANH SÁCH CÁ NHÂN"],
        [],
        PEOPLE,
        ["Lưu Văn Một", "01/01/1991", "QNG-STC-NS", "Nam", ""],
        ["Lưu Văn Hai", "01/01/1992", "", "Nam", ""],
    ]
    merged = importing(app_db, secretariat, book({"Cá nhân": rows}, {"Cá nhân": "C4:C5"}))
    assert problems(merged) == [
        ("Cá nhân", 5, "Đơn vị", "bỏ trống"),
        ("Cá nhân", 4, "C", "ô gộp C4:C5: hãy bỏ gộp ô và ghi giá trị vào từng ô"),
    ]
    rows[4][2] = "QNG-STC-NS"
    titled = importing(app_db, secretariat, book({"Cá nhân": rows}, {"Cá nhân": "A1:E1"}), "tieu_de_gop.xlsx")
    assert titled.state == "done", titled.problems
    assert titled.counts["people"]["added"] == 2


def test_wrong_headers_unknown_sheets_and_an_empty_file_are_reported(app_db, prov, secretariat):
    wrong = book(
        {
            "Cá nhân": [["Họ và tên", "Ngày sinh", "Tên đơn vị", "Họ và tên"], ["A", "", "", ""]],
            "Ghi chú": [["x"]],
        }
    )
    assert problems(importing(app_db, secretariat, wrong)) == [
        ("Cá nhân", 1, "C", "cột «Tên đơn vị» không thuộc mẫu"),
        ("Cá nhân", 1, "D", "cột «Họ và tên» có hai lần"),
        ("Cá nhân", 1, "", "thiếu cột «Đơn vị»"),
        (
            "Ghi chú",
            None,
            "",
            f"trang «Ghi chú» không thuộc mẫu (các trang: {excel.sheet_names()})",
        ),
    ]
    empty = importing(app_db, secretariat, book({"Cá nhân": [PEOPLE]}), "rong.xlsx")
    assert problems(empty) == [
        ("", None, "", f"tệp không có dòng dữ liệu nào (các trang: {excel.sheet_names()})")
    ]
    headless = importing(app_db, secretariat, book({"Xếp loại": [["Tên"], ["A"]]}), "khong_tieu_de.xlsx")
    assert problems(headless)[0] == ("Xếp loại", None, "", "không thấy dòng tiêu đề (có cột «Họ và tên»)")


def test_a_failed_import_runs_again_and_a_finished_one_does_not(app_db, prov, secretariat):
    """Its importer lost the secretariat's role before the flow ran: the job fails, saying why,
    and writes nothing; once the role is back, the same job runs again (a retry) and imports."""
    content = book({"Cá nhân": [PEOPLE, ["Kha Văn Mười", "10/10/1990", "QNG-STC-NS", "Nam", ""]]})
    with session_scope(app_db) as session:
        job, _ = imports.submit(session, load_actor(session, secretariat), "a.xlsx", "", content)
        grant = session.exec(select(RoleGrant).where(RoleGrant.person_id == secretariat)).one()
        grant.valid_to = date(2000, 1, 1)
    with pytest.raises(Forbidden):
        imports.run(lambda: session_scope(app_db), job.id)
    with session_scope(app_db) as session:
        failed = session.get(imports.ImportJob, job.id)
        assert failed.state == "failed" and "không phải thường trực" in failed.error
        session.get(RoleGrant, grant.id).valid_to = None
    assert imports.run(lambda: session_scope(app_db), job.id)["people"]["added"] == 1
    assert imports.run(lambda: session_scope(app_db), job.id)["people"]["added"] == 1  # done: left as it is
    assert counted(app_db, Person) == len(prov.people) + 1 + sum(len(m) for m in prov.members.values())


# ------------------------------------------------------------------------------ who may import


def test_a_secretariat_imports_only_into_the_units_in_its_charge(app_db, prov):
    """The Department of Finance's secretariat may write to its own units, not to Home Affairs'."""
    content = book(
        {
            "Cá nhân": [
                PEOPLE,
                ["Khúc Văn Ba", "", "QNG-SNV", "Nam", ""],
                ["Khúc Văn Tư", "", "QNG-STC", "Nam", ""],
            ]
        }
    )
    job = importing(app_db, prov.people["unit_secretariat"].id, content)
    assert problems(job) == [("Cá nhân", 2, "Đơn vị", "đơn vị «QNG-SNV» không thuộc các đơn vị bạn quản lý")]
    with session_scope(app_db) as session:
        exported = imports.export_rows(session, load_actor(session, prov.people["unit_secretariat"].id))
        with pytest.raises(Forbidden):
            imports.export_rows(session, load_actor(session, prov.people["officer"].id))
    assert {row[2] for row in exported["people"]} == {"QNG-STC", "QNG-STC-NS"}


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("a.xlsx", b"", InvalidInput),
        ("a.xlsx", b"%PDF-1.7 not a workbook", InvalidInput),
        ("a.docx", book({"Cá nhân": [PEOPLE]}), InvalidInput),
        ("a.xlsx", book({"Trang tính 1": [["x"]]}), InvalidInput),
        ("a.xlsx", b"PK\x03\x04" + b"\x00" * 100, InvalidInput),
    ],
    ids=["empty", "not-xlsx", "extension", "no-known-sheet", "broken-zip"],
)
def test_a_bad_file_is_refused_before_it_is_stored(app_db, prov, secretariat, name, content, error):
    with session_scope(app_db) as session, pytest.raises(error) as refused:
        imports.submit(session, load_actor(session, secretariat), name, "", content)
    assert refused.value.message


def test_a_zip_bomb_and_a_file_over_the_limit_are_refused(app_db, prov, secretariat):
    from models.config import configured

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 2**20))
    with session_scope(app_db) as session:
        actor = load_actor(session, secretariat)
        with pytest.raises(InvalidInput, match="zip bomb"):
            imports.submit(session, actor, "bom.xlsx", "", bomb.getvalue())
        with configured(max_import_bytes=1000), pytest.raises(TooLarge):
            imports.submit(session, actor, "lon.xlsx", "", book({"Cá nhân": [PEOPLE]}))


def test_the_template_reads_back_as_its_own_headers():
    workbook = load_workbook(io.BytesIO(excel.workbook({})))
    assert workbook.sheetnames == [
        "Cá nhân",
        "Xếp loại",
        "Khen thưởng",
        "Xếp loại tập thể",
        "Khen thưởng tập thể",
        "Đăng ký thi đua",
    ]
    for kind in excel.KINDS:
        assert [c.value for c in workbook[kind.sheet][1]] == [c.header for c in kind.columns]
    assert workbook["Cá nhân"]["A1"].font.name == "Times New Roman"
    assert "Bắt buộc" in workbook["Cá nhân"]["A1"].comment.text


def test_the_import_is_a_prefect_flow_run_recorded_beside_its_job(prefect, app_db, prov, secretariat):
    from flows.stages import import_flow
    from models.runs import FlowRun

    content = book({"Cá nhân": [PEOPLE, ["Giáp Văn Lực", "03/03/1993", "QNG-STC-NS", "Nam", ""]]})
    with session_scope(app_db) as session:
        job, _ = imports.submit(session, load_actor(session, secretariat), "a.xlsx", "", content)
    assert import_flow(job_id=job.id)["people"]["added"] == 1
    with Session(app_db) as session:
        run = session.exec(select(FlowRun).where(FlowRun.entity == "import_job")).one()
        event = session.exec(select(Event).where(Event.entity == "import_job")).one()
    assert (run.flow, run.entity_id, run.state) == ("excel_import", job.id, "completed")
    assert event.flow_run_id == run.id and event.actor_id == secretariat


def test_rows_parsed_a_block_at_a_time_keep_their_numbers_problems_order_and_cell_types(monkeypatch):
    """Rows are parsed column by column, a block at a time, each distinct value of a column
    once: across blocks a row keeps its number, its problems come in the order of its cells
    then of the columns left empty, and a true cell is not read as the number 1 (True == 1)."""
    monkeypatch.setattr(excel, "BLOCK", 2)
    rows = [
        RATINGS,
        ["Lê Văn Một", "01/01/1990", "QNG", True, "HT"],
        ["Lê Văn Hai", "01/01/1990", "QNG", 2020, "HT"],
        [None],
        ["Lê Văn Ba", "01/01/1990", None, 1, "HT"],
        ["Lê Văn Bốn", "01/01/1990", "QNG", 2021, "HTT"],
    ]
    report = excel.Report()
    lookups = excel.Lookups(units={"qng": 7}, writable=None, awards={})
    read = excel.read(excel.open_workbook(book({"Xếp loại": rows})), lookups, report)["ratings"]
    assert [r.number for r in read] == [2, 3, 5, 6]
    assert [r.values["year"] for r in read] == [None, 2020, None, 2021]
    assert read[3].values == {
        "name": "Lê Văn Bốn",
        "birth_date": date(1990, 1, 1),
        "unit_id": 7,
        "year": 2021,
        "level": "HTT",
        "source": "",
    }
    years = f"(từ {excel.FIRST_YEAR} đến {excel.LAST_YEAR})"
    assert report.problems == [
        ("Xếp loại", 2, "Năm", f"«True» không phải năm {years}"),
        ("Xếp loại", 5, "Năm", f"«1» không phải năm {years}"),
        ("Xếp loại", 5, "Đơn vị", "bỏ trống"),
    ]


def test_people_written_in_bulk_take_the_ids_an_insert_would_and_the_next_insert_follows(app_db, prov):
    """The import writes new people with the driver's COPY / executemany, their ids taken first
    (new_ids); a person added afterwards, the ordinary way, takes the next id, not one of theirs."""
    with app_db.begin() as connection:
        largest = connection.execute(sa.select(sa.func.max(Person.id))).scalar()
        ids = new_ids(connection, Person.__table__, 3)
        bulk_insert(connection, Person.__table__, ("id", "full_name"), ((i, f"Người {i}") for i in ids))
    assert len(set(ids)) == 3 and largest < min(ids) and ids == sorted(ids)
    with session_scope(app_db) as session:
        later = Person(full_name="Người sau")
        session.add(later)
        session.flush()
        assert later.id > max(ids)
        assert session.get(Person, ids[0]).full_name == f"Người {ids[0]}"


def test_the_import_s_larger_page_cache_ends_with_it(app_db):
    if app_db.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's cache is the server's: page_cache leaves it alone")
    with app_db.begin() as connection:
        size = "PRAGMA cache_size"
        before = connection.exec_driver_sql(size).scalar()
        with page_cache(connection, megabytes=64):
            assert connection.exec_driver_sql(size).scalar() == -64 * 1024
        assert connection.exec_driver_sql(size).scalar() == before != -64 * 1024
