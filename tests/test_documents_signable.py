"""Documents an officer would sign (issue 11 §1), asserted in the generated .docx: căn cứ from
data with number and date and no placeholder, posts and award names as documents write them,
council names, the signing block kept with its text, TM. on a province's Tờ trình, each
nominee's votes, ballots issued = members present, one signing block per role in a report."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlmodel import select

from document_templates.builders import cited, legal_bases, minutes_doc
from document_templates.publish import publish_minutes, publish_report
from document_templates.wording import award_name, person_entries, post_at, signing_block
from models.access import load_actor
from models.catalogue import default_catalogue
from models.councils import Choice, CouncilSession, council_name
from models.db import make_engine, migrate
from models.decisions import GeneratedDocument
from models.dossier import Store
from models.org import Membership, Person
from models.voting import cast_ballot, record_attendance
from tests.factories import NOW, close_and_tally, unit
from tests.test_councils import on_agenda
from tests.test_documents import bang_khen_season

RULES = default_catalogue().ruleset("law06-2022+nd152-2025")
PLACEHOLDERS = ("…", "...", "{{", "{%", "None", "[", "XXX")


@pytest.fixture
def season(session, province, tmp_path):
    return bang_khen_season(session, province, Store(tmp_path), date(2026, 1, 5))


def texts(content: bytes) -> list[str]:
    """Every paragraph of the body, tables included, in order."""
    body = Document(io.BytesIO(content)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def placeholders_in(folder: Path) -> list[str]:
    """Every paragraph of every Word file under `folder` holding a placeholder, named by file; a
    phôi's calibration page is no document to sign (it names its settings' keys in brackets)."""
    return [
        f"{path.name}: {text!r}"
        for path in sorted(folder.rglob("*.docx"))
        if not path.name.startswith("hieu_chinh_")
        for text in texts(path.read_bytes())
        if any(p in text for p in PLACEHOLDERS)
    ]


def ballots_beyond_members_present(folder: Path) -> list[str]:
    """Minutes under `folder` whose tally issues other than one ballot per member present."""
    wrong = []
    for path in sorted(folder.rglob("BB_*.docx")):
        document = Document(io.BytesIO(path.read_bytes()))
        present = next(p.text for p in document.paragraphs if p.text.startswith("- Có mặt:"))
        issued = {row.cells[3].text for row in document.tables[1].rows[1:]}
        if issued != {str(int(re.search(r"\d+", present).group()))}:
            wrong.append(f"{path.name}: {present} but {issued} ballots issued")
    return wrong


def generated(session, season) -> dict[str, bytes]:
    """Every Word file the season made, and the reports of its nominees."""
    for n in season["nominations"]:
        publish_report(session, season["officer"], n.id, season["store"])
    rows = session.exec(select(GeneratedDocument)).all()
    return {d.filename: season["store"].get(d.sha256) for d in rows if d.filename.endswith(".docx")}


# ---------------------------------------------------------------------------------- căn cứ


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", True),  # a law: name and date
        ("Căn cứ Nghị định số 40/2025/NĐ-CP ngày 26 tháng 02 năm 2025 của Chính phủ", True),
        ("Căn cứ Quyết định của Ủy ban nhân dân tỉnh quy định chức năng, nhiệm vụ", False),  # no number
        ("Căn cứ Quyết định số 12/2024/QĐ-UBND của Ủy ban nhân dân tỉnh", False),  # no date
        ("Căn cứ Nghị định số …/NĐ-CP ngày … tháng … năm …", False),
    ],
)
def test_a_basis_names_its_instrument_by_number_and_date_decree_30_app_i(line, ok):
    assert cited(line) is ok


def test_a_basis_missing_its_number_is_left_out_and_reported(session, province):
    stc = province.units["stc"]
    stc.organisation_basis = "Căn cứ Quyết định của Ủy ban nhân dân tỉnh quy định chức năng của Sở Tài chính"
    lines, gaps = legal_bases(session, stc, RULES)
    assert [line.split(" ngày ")[0] for line in lines] == [
        "Căn cứ Luật Thi đua, khen thưởng",
        "Căn cứ Nghị định số 152/2025/NĐ-CP",
    ]
    assert gaps == [
        "Thiếu số, ngày ban hành của văn bản quy định chức năng, nhiệm vụ của Sở Tài chính: dòng căn cứ bị bỏ"
    ]


def test_no_generated_document_holds_a_placeholder(session, season):
    made = generated(session, season)
    assert {name.split("_")[0] for name in made} >= {"QD", "TTr", "BB", "bang", "in", "bao", "chi"}
    for name, content in made.items():
        for text in texts(content):
            found = [p for p in PLACEHOLDERS if p in text]
            assert not found, f"{name}: {found} in {text!r}"


def test_every_basis_of_the_decision_has_its_number_and_date(season):
    document = next(c for n, c in generated_files(season) if n.startswith("QD_"))
    bases = [t.rstrip(";.") for t in texts(document) if t.startswith("Căn cứ") and "kết quả họp" not in t]
    assert len(bases) == 4 and all(cited(line) for line in bases)  # powers, law, decree, regulation
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025" in bases


def generated_files(season):
    return [(d.filename, season["store"].get(d.sha256)) for d in season["made"]]


# ------------------------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    ("post", "path", "written"),
    [
        ("Chánh Văn phòng", "Văn phòng Sở Tài chính", "Chánh Văn phòng Sở Tài chính"),
        ("Phó Chánh Văn phòng", "Văn phòng Sở Tài chính", "Phó Chánh Văn phòng Sở Tài chính"),
        ("Trưởng phòng", "Phòng Ngân sách, Sở Tài chính", "Trưởng phòng Ngân sách, Sở Tài chính"),
        ("Trưởng phòng Ngân sách", "Phòng Ngân sách, Sở Tài chính", "Trưởng phòng Ngân sách, Sở Tài chính"),
        ("Chuyên viên", "Phòng Ngân sách, Sở Tài chính", "Chuyên viên Phòng Ngân sách, Sở Tài chính"),
        ("Giám đốc", "Sở Tài chính", "Giám đốc Sở Tài chính"),
        (
            "Trưởng Ban Thi đua - Khen thưởng",
            "Ban Thi đua - Khen thưởng, Sở Nội vụ",
            "Trưởng Ban Thi đua - Khen thưởng, Sở Nội vụ",
        ),
        ("Chủ tịch Ủy ban nhân dân tỉnh", "", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ],
)
def test_a_post_is_written_with_its_unit_as_documents_write_it(post, path, written):
    assert post_at(post, path) == written


def test_an_office_named_after_its_department_joins_it(session, province):
    office = unit(session, "QNG-STC-VP", "Văn phòng Sở", "VP", "subunit", province.units["stc"])
    person = session.exec(select(Person).where(Person.full_name == "Lê Văn Nam")).one()
    session.add(
        Membership(person_id=person.id, unit_id=office.id, post="Chánh Văn phòng", start_on=NOW.date())
    )
    session.flush()
    assert person_entries(session, [person], NOW.year) == {
        person.id: ("Ông Lê Văn Nam", "Chánh Văn phòng Sở Tài chính")
    }


@pytest.mark.parametrize(
    ("code", "authority", "body", "named"),
    [
        ("BK_BO", "Bộ trưởng Bộ Công Thương", "Bộ Công Thương", "Bằng khen của Bộ trưởng Bộ Công Thương"),
        (
            "BK_TINH",
            "Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi",
            "Ủy ban nhân dân tỉnh Quảng Ngãi",
            "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi",
        ),
        ("GK", "Giám đốc Sở Tài chính", "Sở Tài chính", "Giấy khen của Giám đốc Sở Tài chính"),
        ("CO_TD_BO", "Bộ trưởng Bộ Công Thương", "Bộ Công Thương", "Cờ thi đua của Bộ Công Thương"),
        ("CSTD_BO", "Bộ trưởng Bộ Công Thương", "Bộ Công Thương", "Chiến sĩ thi đua Bộ Công Thương"),
        ("BK_TTG", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", "Bằng khen của Thủ tướng Chính phủ"),
    ],
)
def test_an_award_is_named_with_who_gives_it_law_06_2022_arts_72_75(code, authority, body, named):
    assert award_name(RULES.award(code), authority, body) == named


@pytest.mark.parametrize(
    ("unit_name", "council"),
    [
        ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Hội đồng Thi đua - Khen thưởng tỉnh Quảng Ngãi"),
        ("Bộ Công Thương", "Hội đồng Thi đua - Khen thưởng Bộ Công Thương"),
        ("Sở Tài chính", "Hội đồng Thi đua - Khen thưởng Sở Tài chính"),
    ],
)
def test_a_council_bears_the_name_of_its_province_ministry_or_department(unit_name, council):
    assert council_name(unit_name) == council


def test_the_decision_and_its_list_name_the_award_with_its_giver(season):
    document = next(c for n, c in generated_files(season) if n.startswith("QD_"))
    lines = texts(document)
    assert "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi" in lines
    assert "TẬP THỂ VÀ CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" in lines
    assert any(
        t.startswith("Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng tỉnh Quảng Ngãi") for t in lines
    )


# ----------------------------------------------------------------------------- signing blocks


SIGNING = {"QD_": "Nơi nhận:", "TTr_": "Nơi nhận:", "BB_": "THƯ KÝ", "bao_cao": "XÁC NHẬN, ĐỀ NGHỊ"}


@pytest.mark.parametrize("prefix", SIGNING)
def test_the_signing_block_is_kept_with_the_text_before_it(session, season, prefix):
    """keep-with-next on the text before the block, and the block's row never split: Word moves
    the last lines with the block rather than leave the block alone on a page."""
    name, content = next((n, c) for n, c in generated(session, season).items() if n.startswith(prefix))
    body = Document(io.BytesIO(content)).element.body
    table = next(
        t for t in body.iter(qn("w:tbl")) if any(x.text == SIGNING[prefix] for x in t.iter(qn("w:t")))
    )
    assert all(row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for row in table.iter(qn("w:tr")))
    before = []  # the paragraphs between the block and the table or text above it
    for element in table.itersiblings(preceding=True):
        if element.tag != qn("w:p") or (before and "".join(t.text or "" for t in before[-1].iter(qn("w:t")))):
            break
        before.append(element)
    assert before, name
    for paragraph in before:
        assert paragraph.find(qn("w:pPr")).find(qn("w:keepNext")) is not None, name


def test_a_provinces_to_trinh_is_signed_on_behalf_of_the_committee(session, province):
    """Decree 30/2020 App. I §II.7(b): TM. ỦY BAN NHÂN DÂN; a Vice-Chairman signs KT. under it."""
    prov, chairman = province.units["province"], province.people["chairman"]
    block = signing_block(session, prov, chairman.id, NOW.year, on_behalf=True)
    assert block.lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    deputy = Person(full_name="Trần Phước Hiền", gender="nam")
    session.add(deputy)
    session.flush()
    session.add(Membership(person_id=deputy.id, unit_id=prov.id, post="Phó Chủ tịch", start_on=NOW.date()))
    session.flush()
    block = signing_block(session, prov, deputy.id, NOW.year, on_behalf=True)
    assert block.lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    # the Chairman's own decision (Law 06/2022 Art. 79(4)) is signed without TM.
    assert signing_block(session, prov, chairman.id, NOW.year).lines == ["CHỦ TỊCH"]
    # a department signs for its director alone
    assert signing_block(session, province.units["stc"], None, NOW.year, on_behalf=True).lines == ["GIÁM ĐỐC"]


# ------------------------------------------------------------------------------------ votes


def test_the_to_trinh_and_its_list_give_each_nominees_votes(season):
    lines = texts(season["store"].get(season["to_trinh"].sha256))
    votes = "5/5 phiếu đồng ý, đạt 100% tổng số thành viên Hội đồng"
    review = next(t for t in lines if "kết quả bỏ phiếu kín" in t)
    assert review.count(votes) == 3 and "Ông Hoàng Văn Cường " + votes in review
    entries = [t for t in lines if re.match(r"\d\. ", t)]
    assert len(entries) == 3 and all(f"({votes})" in t for t in entries)
    assert entries[-1] == f"1. Ông Hoàng Văn Cường, Phó Trưởng phòng Ngân sách, Sở Tài chính ({votes})."


def test_minutes_issue_ballots_to_members_present_and_count_written_opinions_apart(
    session, province, tmp_path
):
    """4 members present, 1 absent who wrote in: 4 ballots issued, 1 written opinion, 5 votes —
    not '5 ballots issued' with 4 members present."""
    n, meeting = on_agenda(session, province)
    secretariat = province.actors["unit_secretariat"]
    for i, member in enumerate(province.members["stc"]):
        record_attendance(session, secretariat, meeting.id, member.id, present=i < 4, written_opinion=i == 4)
        cast_ballot(session, load_actor(session, member.person_id), meeting.id, {n.id: Choice.YES})
    close_and_tally(session, secretariat, meeting.id, NOW)
    store = Store(tmp_path)
    document = Document(
        io.BytesIO(store.get(publish_minutes(session, secretariat, meeting.id, store).sha256))
    )
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0][3:5] == ["Phiếu phát ra", "Ý kiến bằng văn bản"]
    (row,) = rows[1:]
    assert row[1] == "Ông Nguyễn Văn An, Chuyên viên Phòng Ngân sách, Sở Tài chính"  # with the unit
    assert row[3:7] == ["4", "1", "5", "5"]  # issued = present, written apart, valid, yes
    doc = minutes_doc(session, session.get(CouncilSession, meeting.id))
    assert "phát ra 04 phiếu cho 04 thành viên có mặt; 01 ý kiến bằng văn bản" in doc.proceedings[1]
    assert "- Có mặt: 04 thành viên;" in [p.text for p in document.paragraphs]


# ---------------------------------------------------------------------------------- reports


def signers(content: bytes) -> list[list[str]]:
    table = Document(io.BytesIO(content)).tables[-1]
    return [[p.text for p in cell.paragraphs if p.text] for cell in table.rows[0].cells]


def test_an_individuals_report_is_signed_by_the_nominee_and_confirmed_by_the_head(session, season):
    made = publish_report(session, season["officer"], season["nominations"][0].id, season["store"])
    content = season["store"].get(made.sha256)
    assert signers(content) == [
        ["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ", "(Ký, đóng dấu)"],
        ["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)", "Hoàng Văn Cường"],
    ]
    lines = texts(content)
    for filled in (
        "- Giới tính: Nam",
        "- Kết quả đánh giá, xếp loại năm 2025: Hoàn thành xuất sắc nhiệm vụ",
        "- Sáng kiến “Số hoá hồ sơ ngân sách xã” (năm 2024, hiệu quả trong phạm vi tỉnh)",
    ):
        assert filled in lines


def test_a_collectives_report_has_one_block_per_role(session, season):
    made = publish_report(session, season["officer"], season["nominations"][1].id, season["store"])
    content = season["store"].get(made.sha256)
    left, right = signers(content)
    assert left[:2] == ["THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN TRỰC TIẾP", "XÁC NHẬN, ĐỀ NGHỊ"]
    assert right[0] == "THỦ TRƯỞNG ĐƠN VỊ"
    assert sum(line == "THỦ TRƯỞNG ĐƠN VỊ" for line in left + right) == 1
    assert "- Kết quả đánh giá, xếp loại năm 2025: Hoàn thành xuất sắc nhiệm vụ" in texts(content)


def test_a_tally_recorded_before_takes_the_written_opinions_out_of_the_ballots_issued(tmp_path):
    """Migration 0009: a tally that counted the written opinion among the ballots issued (5 with
    4 members present) reads 4 issued and 1 written opinion."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0008")
    raw = engine.raw_connection()  # the rows alone, without their parents: outside a transaction
    cursor = raw.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    for member in range(1, 6):
        cursor.execute(
            "INSERT INTO ballotcast (session_id, member_id, written, cast_at) VALUES (1, ?, ?, ?)",
            (member, member == 5, "2025-12-15 02:00:00"),
        )
    cursor.execute(
        "INSERT INTO tallyresult (session_id, nomination_id, members_total, present, ballots_issued, "
        "valid, yes, no, base, threshold, quorum_met, passed) VALUES (1, 1, 5, 4, 5, 5, 5, 0, 5, '1/2', 1, 1)"
    )
    raw.close()
    migrate(engine)
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT ballots_issued, written FROM tallyresult").one()
    assert tuple(row) == (4, 1)
    engine.dispose()
