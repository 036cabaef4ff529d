"""The documents, reopened: what Decree 30/2020 fixes (page, margins, fonts, the header boxes,
number and date, signing block, Nơi nhận) and what the records say (every list row, the votes)."""

import io
import shutil
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree
from sqlmodel import select

from document_templates import TemplateError, load, merge, render, render_parts, template_path
from document_templates.builders import report_doc
from document_templates.contexts import (
    CertificateDoc,
    Header,
    ListDoc,
    Section,
    Signature,
    date_text,
    number_text,
    signature,
)
from document_templates.publish import publish_appraisal, publish_decision, publish_report, publish_submission
from models.councils import Choice
from models.decide import draft_decision
from models.decisions import GeneratedDocument
from models.dossier import Store
from models.history import Initiative, Rating
from models.org import UnitKind
from models.workflow import apply, nominate, submit
from tests.factories import (
    NOW,
    YEAR,
    appraise_and_number,
    history,
    person,
    propose_and_forward,
    sign_and_issue,
    unit,
)
from tests.test_workflow import meet, report, vote

TNR = "Times New Roman"
ODD_NAME = "Phòng Tổ chức & Hành chính <TC-HC>"


# ------------------------------------------------------------------------- the formatting rules


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),  # Decree 30/2020 App. I §II.4: leading zeros
        (date(2026, 2, 3), "ngày 03 tháng 02 năm 2026"),  # January and February take one too
        (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),  # the other months do not
        (date(2025, 12, 15), "ngày 15 tháng 12 năm 2025"),
    ],
)
def test_dates_are_written_as_decree_30_requires(day, text):
    assert date_text(day) == text


def test_numbers_below_ten_take_a_leading_zero_and_drafts_leave_room():
    header = Header(issuer="X", number=5, symbol="QĐ-UBND", place="Quảng Ngãi", day=date(2026, 1, 5))
    assert header.number_line == "Số: 05/QĐ-UBND"
    assert header.place_date == "Quảng Ngãi, ngày 05 tháng 01 năm 2026"
    assert number_text(12) == "12" and number_text(None).strip() == ""


@pytest.mark.parametrize(
    ("head", "post", "behalf", "lines"),
    [
        ("Chủ tịch", "Chủ tịch Ủy ban nhân dân tỉnh", "", ["CHỦ TỊCH"]),
        ("Chủ tịch", "Phó Chủ tịch", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("Giám đốc", "Phó Giám đốc", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ("Giám đốc", "Chánh Văn phòng", "", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        ("Chủ tịch", "Chủ tịch", "Ủy ban nhân dân", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        (
            "Chủ tịch",
            "Phó Chủ tịch",
            "Ủy ban nhân dân",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
        ("Bộ trưởng", "Thứ trưởng", "", ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),  # a minister's deputy
    ],
)
def test_signing_block_prefixes_follow_app_i_ii_7b(head, post, behalf, lines):
    assert signature(head, post, "Nguyễn Văn A", behalf).lines == lines


# --------------------------------------------------------------------- a season's documents


@pytest.fixture
def season(session, province, tmp_path):
    return bang_khen_season(session, province, Store(tmp_path), date(2026, 1, 5))


def bang_khen_season(session, province, store: Store, signed_on: date, colleagues: int = 0) -> dict:
    """A provincial Bằng khen for a person and two collectives (one with '&' and '<' in its name),
    and as many `colleagues` of the person as asked (in the three units, with the person's record),
    through the unit council, a signed Tờ trình, the provincial council and the chairman."""
    stc, ns = province.units["stc"], province.units["ns"]
    odd = unit(session, "QNG-STC-TCHC", ODD_NAME, "TCHC", UnitKind.SUBUNIT, stc)
    for collective in (ns, odd):
        for year in (YEAR - 1, YEAR):
            session.add(Rating(collective_id=collective.id, year=year, level="HTXS"))
    people = [province.people["fighter"]]
    for i in range(colleagues):
        people.append(person(session, f"Trần Văn Thử {i + 1:02d}", (ns, stc, odd)[i % 3], "Chuyên viên"))
        history(
            session,
            people[-1],
            {y: "HTXS" for y in range(2021, 2026)},
            {y: ["LDTT", "CSTDCS"] for y in range(2023, 2026)},
        )
        session.add(Initiative(person_id=people[-1].id, year=2024, scope="province", title="Số hoá hồ sơ"))
    session.flush()
    officer, unit_secretariat = province.actors["officer"], province.actors["unit_secretariat"]
    subjects = [
        *({"person_id": p.id} for p in people),
        {"collective_id": ns.id},
        {"collective_id": odd.id},
    ]
    nominations = []
    for subject in subjects:
        n = nominate(session, officer, province.campaign, "BK_TINH", unit_id=stc.id, now=NOW, **subject)
        report(session, province, n)
        nominations.append(n)
    submit(session, officer, nominations, now=NOW)
    for n in nominations:
        apply(session, n, "accept", unit_secretariat, now=NOW)
    vote(session, province, meet(session, province, "stc", nominations), "stc", lambda i: Choice.YES)
    submission = propose_and_forward(
        session, province.actors["director"], nominations, min(date(2025, 12, 22), signed_on), NOW
    )
    to_trinh = publish_submission(session, province.actors["director"], submission.id, store)
    for n in nominations:
        apply(session, n, "accept", province.actors["province_secretariat"], now=NOW)
    vote(
        session, province, meet(session, province, "province", nominations), "province", lambda i: Choice.YES
    )
    appraised = appraise_and_number(
        session,
        province.actors["province_secretariat"],
        province.actors["snv_director"],
        nominations,
        min(date(2025, 12, 29), signed_on),
        NOW,
    )
    appraisal = publish_appraisal(session, province.actors["snv_director"], appraised.id, store)
    decision = draft_decision(session, province.actors["province_secretariat"], nominations)
    sign_and_issue(session, province.actors["chairman"], decision.id, signed_on, NOW)
    made = publish_decision(session, province.actors["chairman"], decision.id, store)
    return {
        "store": store,
        "decision": decision,
        "to_trinh": to_trinh,
        "appraisal": appraisal,
        "made": made,
        "nominations": nominations,
        "officer": officer,
    }


def opened(season, kind: str, owner: str | None = None) -> Document:
    document = next(d for d in season["made"] if d.kind == kind and (owner is None or d.owner == owner))
    return Document(io.BytesIO(season["store"].get(document.sha256)))


def millimetres(*lengths) -> tuple[int, ...]:
    return tuple(round(length.mm) for length in lengths)


def runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def style_of(paragraph):
    run = runs(paragraph)[0]
    return run.font.size, bool(run.font.bold), bool(run.font.italic)


def find(document: Document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def test_decision_page_is_a4_with_decree_30_margins(season):
    section = opened(season, "quyet_dinh").sections[0]
    assert millimetres(section.page_width, section.page_height) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert millimetres(*margins) == (20, 20, 30, 15)


def test_decision_header_boxes_texts_and_typography(season):
    document = opened(season, "quyet_dinh")
    left, right = document.tables[0].rows[0].cells
    left_lines = {p.text: style_of(p) for p in left.paragraphs if p.text}
    right_lines = {p.text: style_of(p) for p in right.paragraphs if p.text}
    assert left_lines == {
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI": (Pt(13), True, False),
        "Số: 01/QĐ-UBND": (Pt(13), False, False),
    }
    assert right_lines == {
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": (Pt(13), True, False),
        "Độc lập - Tự do - Hạnh phúc": (Pt(14), True, False),
        "Quảng Ngãi, ngày 05 tháng 01 năm 2026": (Pt(14), False, True),
    }


def test_decision_body_reads_as_mau_1_2(season):
    document = opened(season, "quyet_dinh")
    texts = [p.text for p in document.paragraphs]
    assert style_of(find(document, "QUYẾT ĐỊNH")) == (Pt(14), True, False)
    assert style_of(
        find(document, "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi")
    ) == (
        Pt(14),
        True,
        False,
    )
    assert style_of(find(document, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"))[1]
    bases = [p for p in document.paragraphs if p.text.startswith(("Căn cứ", "Xét đề nghị", "Theo đề nghị"))]
    assert bases[0].text == "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
    assert bases[1].text == "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
    assert bases[2].text.startswith("Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025")
    assert (  # the Sở Nội vụ's appraisal Tờ trình, not the department's it appraised
        bases[-1].text
        == "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 01/TTr-SNV ngày 29 tháng 12 năm 2025."
    )
    assert all(style_of(p)[2] for p in bases) and all(p.text.endswith(";") for p in bases[:-1])
    article = find(document, next(t for t in texts if t.startswith("Điều 1.")))
    assert runs(article)[0].text == "Điều 1." and runs(article)[0].font.bold
    assert "cho 02 tập thể và 01 cá nhân (có danh sách kèm theo)" in article.text
    assert "QUYẾT ĐỊNH:" in texts


def test_decision_signing_block_and_recipients(season):
    document = opened(season, "quyet_dinh")
    left, right = document.tables[1].rows[0].cells
    assert style_of(left.paragraphs[0]) == (Pt(12), True, True) and left.paragraphs[0].text == "Nơi nhận:"
    recipients = [p for p in left.paragraphs[1:] if p.text]
    assert [p.text for p in recipients] == ["- Như Điều 3;", "- Lưu: VT, TĐKT."]
    assert all(style_of(p)[0] == Pt(11) for p in recipients)
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed == ["CHỦ TỊCH", "Nguyễn Hoàng Sơn"]


def test_times_new_roman_everywhere_and_page_numbers_from_page_two(season):
    document = opened(season, "quyet_dinh")
    styles = document.styles.element
    fonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {TNR}
    assert not any("Theme" in attribute for attribute in fonts.attrib)
    assert {r.font.name for p in document.paragraphs for r in p.runs} <= {TNR, None}
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml and not first.first_page_header.paragraphs[0].text


def test_attached_list_has_every_row_and_its_own_page_numbers(season):
    document = opened(season, "quyet_dinh")
    texts = [p.text for p in document.paragraphs]
    start = texts.index("DANH SÁCH")
    assert (
        texts[start + 2]
        == "(Kèm theo Quyết định số 01/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi)"
    )
    rows = [t for t in texts[start:] if t[:2] in ("1.", "2.")]
    assert rows == [
        "1. Phòng Ngân sách, Sở Tài chính;",
        f"2. {ODD_NAME}, Sở Tài chính.",  # each section ends with a full stop
        "1. Ông Hoàng Văn Cường, Phó Trưởng phòng Ngân sách, Sở Tài chính.",
    ]
    assert [t for t in texts[start:] if t.startswith(("I.", "II."))] == ["I. TẬP THỂ", "II. CÁ NHÂN"]
    list_section = document.sections[1]._sectPr
    assert list_section.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_every_part_of_every_generated_file_is_well_formed_xml(season):
    for document in season["made"]:
        with zipfile.ZipFile(io.BytesIO(season["store"].get(document.sha256))) as archive:
            assert archive.testzip() is None
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(archive.read(name))


def test_publishing_again_finds_the_same_documents(session, province, season):
    again = publish_decision(session, province.actors["chairman"], season["decision"].id, season["store"])
    assert [d.id for d in again] == [d.id for d in season["made"]]
    count = session.exec(
        select(GeneratedDocument).where(GeneratedDocument.owner == f"decision:{season['decision'].id}")
    ).all()
    # the decision, the certificates' print file and its text for the phôi, the reward money (Word, .xlsx)
    assert len(count) == 5


def test_certificates_one_per_recipient_with_print_fields(season):
    names = {d.owner for d in season["made"] if d.kind == "bang_khen"}
    assert len(names) == 3
    certificate = opened(season, "bang_khen", f"nomination:{season['nominations'][0].id}")
    texts = [p.text for p in certificate.paragraphs if p.text]
    assert texts[:7] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "TẶNG",
        "BẰNG KHEN",
        "Ông Hoàng Văn Cường",
        "Phó Trưởng phòng Ngân sách, Sở Tài chính",
    ]
    fields = [p.text for cell in certificate.tables[0].rows[0].cells for p in cell.paragraphs if p.text]
    assert fields[:2] == ["Quyết định số 01/QĐ-UBND ngày 05/01/2026", "Số sổ vàng: 0001/2026"]
    assert fields[2:] == ["Quảng Ngãi, ngày 05 tháng 01 năm 2026", "CHỦ TỊCH", "Nguyễn Hoàng Sơn"]
    page = certificate.sections[0]
    assert millimetres(page.page_width, page.page_height) == (297, 210)


def test_print_file_has_a_page_per_certificate(season):
    printed = opened(season, "in_bang_khen")
    recipients = [
        p.text for p in printed.paragraphs if p.text in ("Ông Hoàng Văn Cường", "Phòng Ngân sách", ODD_NAME)
    ]
    assert recipients == ["Ông Hoàng Văn Cường", "Phòng Ngân sách", ODD_NAME]
    assert len(printed.sections) == 3


def test_to_trinh_has_kinh_gui_the_votes_and_its_list(season):
    document = Document(io.BytesIO(season["store"].get(season["to_trinh"].sha256)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi." in texts
    assert "TỜ TRÌNH" in texts
    assert "Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi" in texts
    left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert "Số: 01/TTr-STC" in left and "SỞ TÀI CHÍNH" in left and "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" in left
    review = next(t for t in texts if "đã họp xét" in t)
    assert "5/5 thành viên dự họp" in review
    assert "Ông Hoàng Văn Cường 5/5 phiếu đồng ý, đạt 100% tổng số thành viên Hội đồng" in review
    assert "(Kèm theo Tờ trình số 01/TTr-STC ngày 22 tháng 12 năm 2025 của Sở Tài chính)" in texts


def test_minutes_report_attendance_and_each_nominees_ballots(session, season):
    minutes = session.exec(select(GeneratedDocument).where(GeneratedDocument.kind == "bien_ban")).first()
    document = Document(io.BytesIO(season["store"].get(minutes.sha256)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:2] == [
        "BIÊN BẢN",
        "Họp Hội đồng Thi đua - Khen thưởng Sở Tài chính xét đề nghị khen thưởng năm 2025",
    ]
    assert "- Tổng số thành viên Hội đồng: 05;" in texts and "- Có mặt: 05 thành viên;" in texts
    assert any(t.startswith("Thời gian bắt đầu: 09 giờ 00 phút, ngày 15 tháng 12 năm 2025") for t in texts)
    header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert header == ["SỞ TÀI CHÍNH", "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "Số: 01/BB-HĐTĐKT"]
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows[1:]]
    award = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi"
    counts = ["5", "0", "5", "5", "100,0%", "Đạt"]  # issued, written, valid, yes, share, outcome
    assert rows == [
        ["1", "Ông Hoàng Văn Cường, Phó Trưởng phòng Ngân sách, Sở Tài chính", award, *counts],
        ["2", "Phòng Ngân sách, Sở Tài chính", award, *counts],
        ["3", f"{ODD_NAME}, Sở Tài chính", award, *counts],
    ]
    assert "Tỷ lệ phiếu đồng ý: ngưỡng trên 50% tổng số thành viên Hội đồng." in texts


def test_report_form_is_prefilled_with_the_cv_and_the_award_history(session, province, season):
    made = publish_report(session, province.actors["officer"], season["nominations"][0].id, season["store"])
    document = Document(io.BytesIO(season["store"].get(made.sha256)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert "ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" in texts
    assert "- Ngày, tháng, năm sinh: 17/05/1980" in texts
    assert "- Chức vụ: Phó Trưởng phòng Ngân sách, Sở Tài chính" in texts
    titles = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert [row[:2] for row in titles] == [
        ["2023", "Lao động tiên tiến"],
        ["2023", "Chiến sĩ thi đua cơ sở"],
        ["2024", "Lao động tiên tiến"],
        ["2024", "Chiến sĩ thi đua cơ sở"],
        ["2025", "Lao động tiên tiến"],
        ["2025", "Chiến sĩ thi đua cơ sở"],
    ]
    forms = [[c.text for c in row.cells] for row in document.tables[1].rows[1:]]
    assert forms == [
        [
            "2025",
            "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi",
            "Số 01/QĐ-UBND ngày 05/01/2026 của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi",
        ]
    ]


def test_report_form_for_a_collective_describes_the_unit(session, province, season):
    made = publish_report(session, province.actors["officer"], season["nominations"][2].id, season["store"])
    texts = [p.text for p in Document(io.BytesIO(season["store"].get(made.sha256))).paragraphs if p.text]
    assert f"{ODD_NAME}, Sở Tài chính" in texts
    assert "I. SƠ LƯỢC LÝ LỊCH, ĐẶC ĐIỂM, TÌNH HÌNH" in texts
    assert f"- Tên tập thể: {ODD_NAME}" in texts and "- Cơ quan cấp trên trực tiếp: Sở Tài chính" in texts


def test_report_form_is_dated_at_the_nearest_place_up_the_tree_or_left_blank(session, province):
    stc, officer, fighter = province.units["stc"], province.actors["officer"], province.people["fighter"]
    n = nominate(session, officer, province.campaign, "BK_TINH", unit_id=stc.id, person_id=fighter.id)
    stc.place = ""
    assert report_doc(session, n).place_date.startswith("Quảng Ngãi, ngày")  # the province's
    province.units["province"].place = ""
    assert report_doc(session, n).place_date.startswith("Ngày ")  # the unit writes the place


# ------------------------------------------------------------------------- the renderer itself


def test_vietnamese_text_is_normalised_to_nfc_in_documents():
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    page = ListDoc(
        subtitle="X", reference="Y", sections=[Section(heading="I. CÁ NHÂN", entries=[decomposed])]
    )
    document = Document(io.BytesIO(render("danh_sach", page)))
    assert "1. Nguyễn Văn A" in [p.text for p in document.paragraphs]


def test_control_characters_pasted_from_word_cannot_corrupt_a_document():
    pasted = "Ông Nguyễn Văn\x0bAn\x01, Chuyên viên"  # Shift+Enter in Word arrives as U+000B
    page = ListDoc(subtitle="X", reference="Y", sections=[Section(heading="I. CÁ NHÂN", entries=[pasted])])
    content = render("danh_sach", page)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        etree.fromstring(archive.read("word/document.xml"))
    assert "1. Ông Nguyễn Văn An, Chuyên viên" in [p.text for p in Document(io.BytesIO(content)).paragraphs]


def rewrite(source, target, replace: tuple[str, str]):
    """A copy of a template with one piece of its document.xml replaced."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == "word/document.xml":
                content = content.decode().replace(*replace).encode()
            copy.writestr(item, content)
    return target


@pytest.mark.parametrize(
    ("kind", "tag", "typo", "named"),
    [
        ("danh_sach", "{{ subtitle }}", "{{ subtitel }}", "subtitel"),
        ("quyet_dinh", "{{ header.place_date }}", "{{ header.place_dat }}", "place_dat"),
        ("danh_sach", "{{ s.heading }}", "{{ s.headng }}", "headng"),  # a loop variable's field
    ],
)
def test_a_misspelled_tag_is_refused_when_the_template_loads_naming_it(tmp_path, kind, tag, typo, named):
    from document_templates.contexts import KINDS
    from document_templates.engine import DocxTemplate

    broken = rewrite(template_path(kind), tmp_path / f"{kind}.docx", (tag, typo))
    with pytest.raises(TemplateError, match=named):
        DocxTemplate(broken, KINDS[kind])


def test_a_tag_word_split_across_runs_still_renders(tmp_path):
    from document_templates.contexts import KINDS
    from document_templates.engine import DocxTemplate

    split = "{{ sub</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>title }}"  # as Word saves after an edit
    path = rewrite(template_path("danh_sach"), tmp_path / "danh_sach.docx", ("{{ subtitle }}", split))
    page = ListDoc(subtitle="TẬP THỂ, CÁ NHÂN", reference="(…)", sections=[])
    document = Document(io.BytesIO(DocxTemplate(path, KINDS["danh_sach"]).render(page)))
    assert "TẬP THỂ, CÁ NHÂN" in [p.text for p in document.paragraphs]


def test_a_tenants_template_replaces_the_built_in_one_without_code(tmp_path, monkeypatch):
    from models.config import get_settings

    rewrite(
        template_path("bang_khen"),
        (tmp_path / "QNG").mkdir() or tmp_path / "QNG" / "bang_khen.docx",
        ("TẶNG", "TẶNG THƯỞNG"),
    )
    monkeypatch.setenv("VINHDANH_TEMPLATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        certificate = CertificateDoc(**_certificate_fields())
        tenant = [p.text for p in Document(io.BytesIO(render("bang_khen", certificate, "QNG"))).paragraphs]
        others = [p.text for p in Document(io.BytesIO(render("bang_khen", certificate, "HNI"))).paragraphs]
        assert "TẶNG THƯỞNG" in tenant and "TẶNG THƯỞNG" not in others
        assert load("bang_khen", "QNG").path.parent.name == "QNG"
    finally:
        monkeypatch.delenv("VINHDANH_TEMPLATE_DIR")
        get_settings.cache_clear()


def _certificate_fields() -> dict:
    return {
        "issuer_title": "CHỦ TỊCH",
        "heading": "BẰNG KHEN",
        "recipient": "Ông A",
        "achievement": "Đã có thành tích",
        "decision_line": "Quyết định số 01/QĐ-UBND",
        "golden_book": "Số sổ vàng: 0001/2026",
        "place_date": "Quảng Ngãi, ngày 05 tháng 01 năm 2026",
        "signature": Signature(lines=["CHỦ TỊCH"], name="B"),
    }


def test_the_same_content_renders_to_the_same_bytes():
    page = ListDoc(subtitle="X", reference="Y", sections=[Section(heading="I. CÁ NHÂN", entries=["A;"])])
    assert render("danh_sach", page) == render("danh_sach", page)
    assert merge([render_parts("danh_sach", page)] * 2) == merge([render_parts("danh_sach", page)] * 2)


# ---------------------------------------------------------------------------------------- PDF

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)


@needs_libreoffice
def test_every_kind_converts_to_pdf(session, province, season):
    from document_templates.pdf import to_pdf

    made = {d.kind: d for d in season["made"] if d.filename.endswith(".docx")}  # not the .xlsx lists
    made["to_trinh"] = season["to_trinh"]
    made["bao_cao_thanh_tich"] = publish_report(
        session, province.actors["officer"], season["nominations"][0].id, season["store"]
    )
    made["bien_ban"] = session.exec(
        select(GeneratedDocument).where(GeneratedDocument.kind == "bien_ban")
    ).first()
    assert set(made) >= {
        "quyet_dinh",
        "bang_khen",
        "in_bang_khen",
        "to_trinh",
        "bien_ban",
        "bao_cao_thanh_tich",
    }
    contents = {kind: season["store"].get(document.sha256) for kind, document in made.items()}
    certificate = CertificateDoc.model_validate(
        {**_certificate_fields(), "heading": "GIẤY KHEN", "issuer_title": "GIÁM ĐỐC SỞ TÀI CHÍNH"}
    )
    contents["giay_khen"] = render("giay_khen", certificate)
    for kind, content in contents.items():
        assert to_pdf(content).startswith(b"%PDF"), kind


def test_pdf_export_says_clearly_when_libreoffice_is_missing(monkeypatch):
    from document_templates import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    with pytest.raises(pdf.PdfUnavailable, match="libreoffice-writer-nogui"):
        pdf.to_pdf(b"PK")
