"""Printing on the pre-printed phôi: each variable field at its layout's position (read back from
the .docx in millimetres), the default layouts and a tenant's override, the layouts' validation,
the calibration page, and where the secretariat downloads them."""

import io
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from document_templates import publish
from document_templates.contexts import CertificateDoc, Signature
from document_templates.on_form import EMU_PER_MM, TWIPS_PER_MM, calibration_page, print_file
from document_templates.pdf import to_pdf
from document_templates.print_forms import FIELDS, FormLayoutError, PrintForms, print_forms
from models.catalogue import Catalogue
from models.config import configured
from tests.test_files_api import season
from tests.test_pages_decisions import recommended

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def certificate(recipient: str = "Ông Nguyễn Văn An") -> CertificateDoc:
    return CertificateDoc(
        issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        heading="BẰNG KHEN",
        recipient=recipient,
        recipient_detail="Trưởng phòng Ngân sách, Sở Tài chính",
        achievement="Đã có thành tích xuất sắc trong phong trào thi đua năm 2025",
        decision_line="Quyết định số 05/QĐ-UBND ngày 05/01/2026",
        golden_book="Số sổ vàng: 0007/2026",
        decision_number="05/QĐ-UBND",
        decision_date="05/01/2026",
        golden_book_number="0007/2026",
        place_date="Quảng Ngãi, ngày 05 tháng 01 năm 2026",
        signature=Signature(lines=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name="Trần Văn Bình"),
    )


def body(content: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")


def placed(element: etree._Element) -> list[dict]:
    """Every anchored shape under the element: its name, box in mm, text and outline."""
    shapes = []
    for anchor in element.iter(f"{WP}anchor"):
        extent = anchor.find(f"{WP}extent")
        line = anchor.find(f".//{A}ln")
        shapes.append(
            {
                "name": anchor.find(f"{WP}docPr").get("name").rsplit(" ", 1)[0],
                "x": int(anchor.find(f"{WP}positionH/{WP}posOffset").text) / EMU_PER_MM,
                "y": int(anchor.find(f"{WP}positionV/{WP}posOffset").text) / EMU_PER_MM,
                "width": int(extent.get("cx")) / EMU_PER_MM,
                "height": int(extent.get("cy")) / EMU_PER_MM,
                "page": {anchor.find(f"{WP}positionH").get("relativeFrom")},
                "text": "\n".join(
                    "".join(t.text or "" if t.tag == f"{W}t" else "\n" for t in p.iter(f"{W}t", f"{W}br"))
                    for p in anchor.iter(f"{W}p")
                ),
                "outlined": line is not None and line.find(f"{A}solidFill") is not None,
                "fonts": {f.get(f"{W}ascii") for f in anchor.iter(f"{W}rFonts")},
            }
        )
    return shapes


def pages(content: bytes) -> list[dict[str, dict]]:
    """The print file's pages (one paragraph each), each as field name → its shape."""
    return [{s["name"]: s for s in placed(p)} for p in body(content).findall(f"{W}p")]


def page_size(section: etree._Element) -> tuple[float, float, str | None]:
    size = section.find(f"{W}pgSz")
    mm = lambda v: round(int(v) / TWIPS_PER_MM, 1)  # noqa: E731
    return mm(size.get(f"{W}w")), mm(size.get(f"{W}h")), size.get(f"{W}orient")


def margins(section: etree._Element) -> set[str]:
    found = section.find(f"{W}pgMar")
    return {found.get(f"{W}{side}") for side in ("top", "right", "bottom", "left")}


# ------------------------------------------------------------------------------ positions

# (form, tenant) → the fields' (x, y, width) in mm, as a secretariat reads them on its calibration page
BANG_KHEN = {
    "recipient": (60, 128, 300),
    "recipient_detail": (60, 144, 300),
    "achievement": (60, 156, 300),
    "place_date": (230, 196, 160),
    "signer_title": (230, 206, 160),
    "signer_name": (230, 258, 160),
    "decision_line": (40, 238, 170),
    "golden_book": (40, 248, 170),
}
POSITIONS = {
    ("GK", None): {
        "recipient": (40, 86, 217),
        "recipient_detail": (40, 99, 217),
        "achievement": (40, 109, 217),
        "place_date": (160, 138, 115),
        "signer_title": (160, 146, 115),
        "signer_name": (160, 182, 115),
        "decision_line": (25, 168, 125),
        "golden_book": (25, 176, 125),
    },
    ("BK_TINH", None): BANG_KHEN,
    # demo/tenants/QNG.toml moves the name and prints the bare golden-book number after the phôi's label
    ("BK_TINH", "QNG"): {
        **{name: at for name, at in BANG_KHEN.items() if name != "golden_book"},
        "recipient": (62.5, 129, 300),
        "golden_book_number": (72, 248, 40),
    },
}
SIZES = {("GK", None): (297, 210), ("BK_TINH", None): (420, 297), ("BK_TINH", "QNG"): (420, 297)}


@pytest.mark.parametrize(("form", "tenant"), list(POSITIONS))
def test_print_on_form_places_each_field_at_its_layouts_position(form, tenant):
    layout = print_forms().layout(form, tenant)
    content = print_file(layout, [certificate()])
    (page,) = pages(content)
    assert {name: (s["x"], s["y"], s["width"]) for name, s in page.items()} == {
        name: pytest.approx(expected, abs=0.1) for name, expected in POSITIONS[(form, tenant)].items()
    }
    assert all(s["page"] == {"page"} for s in page.values())  # from the page's edge, not the margins
    section = body(content).find(f"{W}sectPr")
    assert page_size(section) == (*SIZES[(form, tenant)], "landscape")
    assert margins(section) == {"0"}


def test_print_on_form_prints_the_values_in_times_new_roman_and_nothing_decorative():
    content = print_file(print_forms().layout("BK_TINH", "QNG"), [certificate()])
    (page,) = pages(content)
    assert page["recipient"]["text"] == "Ông Nguyễn Văn An"
    assert page["signer_title"]["text"] == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert page["golden_book_number"]["text"] == "0007/2026" and "golden_book" not in page
    assert all(s["fonts"] == {"Times New Roman"} and not s["outlined"] for s in page.values())
    xml = etree.tostring(body(content), encoding="unicode")
    assert unicodedata.is_normalized("NFC", xml)
    for decoration in ("BẰNG KHEN", "CỘNG HÒA", "Độc lập", "TẶNG", "r:embed", "pBdr", "w:tbl"):
        assert decoration not in xml
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media")]


def test_print_on_form_has_one_page_per_nominee_and_the_same_bytes_each_time():
    names = ["Ông Nguyễn Văn An", "Bà Trương Thị Mai", "Phòng Tổ chức & Hành chính <TC-HC>"]
    layout = print_forms().layout("GK")
    content = print_file(layout, [certificate(n) for n in names])
    printed = pages(content)
    assert [p["recipient"]["text"] for p in printed] == names
    breaks = [p.find(f"{W}pPr/{W}pageBreakBefore") is not None for p in body(content).findall(f"{W}p")]
    assert breaks == [False, True, True]
    assert print_file(layout, [certificate(n) for n in names]) == content
    with pytest.raises(ValueError):
        print_file(layout, [])


def test_an_empty_field_prints_nothing():
    content = print_file(
        print_forms().layout("GK"), [certificate().model_copy(update={"recipient_detail": ""})]
    )
    assert "recipient_detail" not in pages(content)[0]


# ------------------------------------------------------------------------------ validation


def tenant_file(tmp_path, text: str):
    (tmp_path / "ZZZ.toml").write_text(
        f'[tenant]\ncode = "ZZZ"\nname = "Tỉnh thử"\n\n{text}', encoding="utf-8"
    )
    return Catalogue(tenant_dirs=(tmp_path,))


BAD_LAYOUTS = [
    (
        "[print_forms.GK.fields.recipent]\nx = 10",
        r"\[print_forms.GK\].fields.recipent: unknown field 'recipent'",
    ),
    ("[print_forms.GK.fields.recipient]\nx = 250", r"x \+ width = 467 mm is off the 297 × 210 mm page"),
    ("[print_forms.GK.fields.signer_name]\ny = 205", r"y \+ height = 213 mm is off the 297 × 210 mm page"),
    ("[print_forms.GK.fields.recipient]\ny = -3", r"fields.recipient: y = -3 must be ≥ 0"),
    ("[print_forms.GK.fields.recipient]\nsize = 0", r"size = 0 must be more than 0"),
    ('[print_forms.GK.fields.recipient]\nx = "40"', r"x must be a number of mm, not '40'"),
    ('[print_forms.GK.fields.recipient]\nalign = "middle"', r"align 'middle' is not one of left, center"),
    ('[print_forms.GK.fields.recipient]\nprinted = "no"', r"printed must be true or false"),
    ('[print_forms.GK.fields.recipient]\ncolour = "red"', r"unknown key\(s\) colour"),
    ("[print_forms.GK.fields.decision_number]\nx = 10\ny = 10", r"does not place needs height, size, width"),
    ('[print_forms.GK]\npage = "B4"', r"page 'B4' is not one of A3, A4, A5"),
    ("[print_forms.GK]\nwidth = 200", r"is off the 200 × 210 mm page"),  # the default fields no longer fit
    ("[print_forms.GK]\nmargin = 5", r"unknown key\(s\) margin"),
    ('[print_forms.GK]\nverified = "yes"', r"verified must be true or false, not 'yes'"),
    ("[print_forms.GK]\nfields = 3", r"fields must be a table"),
    ('[print_forms.CSTDCS]\npage = "A4"', r"CSTDCS is not a form \(hình thức khen thưởng\); forms: BK_BO"),
]


@pytest.mark.parametrize(("toml", "message"), BAD_LAYOUTS)
def test_a_bad_layout_is_refused_when_loaded_naming_tenant_form_and_field(tmp_path, toml, message):
    with pytest.raises(FormLayoutError, match=message) as refused:
        PrintForms(tenant_file(tmp_path, toml))
    assert str(refused.value).startswith("tenant ZZZ: [print_forms.")


def test_a_tenant_turns_a_page_to_portrait_and_adds_a_field(tmp_path):
    forms = PrintForms(
        tenant_file(
            tmp_path,
            '[print_forms.GK]\npage = "A4"\norientation = "portrait"\nverified = true\n'
            "[print_forms.GK.fields.recipient]\nwidth = 150\n"
            "[print_forms.GK.fields.recipient_detail]\nwidth = 150\n"
            "[print_forms.GK.fields.achievement]\nprinted = false\n"
            "[print_forms.GK.fields.signer_name]\nprinted = false\n"
            "[print_forms.GK.fields.place_date]\nx = 80\n"
            "[print_forms.GK.fields.signer_title]\nx = 80\n"
            '[print_forms.GK.fields.decision_number]\nx = 30\ny = 160\nwidth = 60\nheight = 7\nsize = 12\nalign = "left"\n',
        )
    )
    layout = forms.layout("GK", "ZZZ")
    assert (layout.width, layout.height, layout.landscape, layout.verified) == (210, 297, False, True)
    boxes = {b.name: b for b in layout.fields}
    assert "achievement" not in boxes and boxes["recipient"].width == 150
    assert (boxes["decision_number"].x, boxes["decision_number"].y, boxes["decision_number"].align) == (
        30,
        160,
        "left",
    )
    assert forms.layout("GK", "OTHER") == forms.default("GK", "OTHER")  # a tenant without a layout
    (page,) = pages(print_file(layout, [certificate()]))
    assert page["decision_number"]["text"] == "05/QĐ-UBND"
    assert page_size(body(print_file(layout, [certificate()])).find(f"{W}sectPr"))[2] is None  # portrait


def test_the_app_does_not_start_with_a_bad_layout(tmp_path):
    from service.app import create_app

    (tmp_path / "ZZZ.toml").write_text(
        '[tenant]\ncode = "ZZZ"\n[print_forms.GK.fields.recipient]\nx = -1\n', encoding="utf-8"
    )
    refused = pytest.raises(FormLayoutError, match=r"tenant ZZZ: \[print_forms.GK\].fields.recipient: x = -1")
    with configured(tenant_dir=tmp_path, prefect_mode="inline"), refused, TestClient(create_app()):
        pass


# ------------------------------------------------------------------------ calibration page


def test_the_calibration_page_outlines_and_labels_every_field_at_its_position():
    layout = print_forms().layout("BK_TINH", "QNG")
    content = calibration_page(layout)
    first, *rest = body(content).findall(f"{W}p")
    shapes = placed(first)
    boxes = {s["name"]: s for s in shapes if s["outlined"]}
    assert set(boxes) == {b.name for b in layout.fields}
    for box in layout.fields:
        drawn = boxes[box.name]
        assert (drawn["x"], drawn["y"], drawn["width"], drawn["height"]) == pytest.approx(
            (box.x, box.y, box.width, box.height), abs=0.1
        )
        assert drawn["text"].startswith(f"{box.name} — {FIELDS[box.name]}\nx {box.x:g} · y {box.y:g} ·")
    assert boxes["recipient"]["text"].endswith("x 62.5 · y 129 · 300 × 14 mm · 26 pt, căn giữa, đậm")
    # the page itself: the phôi's size and no margins, its section ending with this first page
    assert page_size(first.find(f"{W}pPr/{W}sectPr")) == (420, 297, "landscape")
    assert margins(first.find(f"{W}pPr/{W}sectPr")) == {"0"}
    steps = "\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in rest)
    assert "tỷ lệ 100 %" in steps and "[print_forms.BK_TINH.fields.<tên trường>]" in steps
    assert "recipient — Tên cá nhân / tập thể được khen: x 62.5 · y 129" in steps


def test_the_calibration_page_has_rulers_every_10_mm_and_a_cross_in_each_corner():
    layout = print_forms().layout("GK")
    shapes = placed(body(calibration_page(layout)).findall(f"{W}p")[0])
    marks = [s for s in shapes if s["name"] == "Vạch"]
    top = sorted(round(s["x"] + s["width"] / 2, 2) for s in marks if s["y"] == 0 and s["width"] < 1)
    left = sorted(round(s["y"] + s["height"] / 2, 2) for s in marks if s["x"] == 0 and s["height"] < 1)
    assert top == list(range(10, 297, 10)) and left == list(range(10, 210, 10))
    numbers = {s["text"] for s in shapes if s["name"] == "Ghi chú"}
    assert {str(mm) for mm in range(10, 297, 10)} <= numbers
    assert {"(10; 10)", "(287; 10)", "(10; 200)", "(287; 200)"} <= numbers
    crosses = [(round(s["x"] + s["width"] / 2, 2), s["y"]) for s in marks if s["height"] == 10]
    # each cross's vertical arm, 10 mm long, centred 10 mm in from the corner's two edges
    assert sorted(crosses) == [(10, 5), (10, 195), (287, 5), (287, 195)]
    assert len([s for s in marks if s["width"] == 100]) == 1  # measured: the printer must not scale
    assert "Vạch dài đúng 100 mm" in "".join(numbers)


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils (pdftotext) are not installed",
)


@needs_libreoffice
def test_libreoffice_prints_the_fields_where_the_layout_puts_them(tmp_path):
    """The PDF LibreOffice makes, read back with pdftotext -bbox: a left-aligned field starts at its
    x; the first line's box starts at its y (less than a millimetre of the font's ascent above)."""
    layout = print_forms().layout("GK")
    boxes = {b.name: b for b in layout.fields}
    pdf = tmp_path / "in_phoi.pdf"
    pdf.write_bytes(to_pdf(print_file(layout, [certificate()])))
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    page = etree.fromstring(html, etree.HTMLParser(encoding="utf-8")).find(".//page")
    points = 72 / 25.4
    assert float(page.get("width")) / points == pytest.approx(297, abs=0.5)
    words = page.findall("word")
    first = next(w for w in words if w.text == "Quyết")
    assert float(first.get("xmin")) / points == pytest.approx(boxes["decision_line"].x, abs=0.3)
    assert float(first.get("ymin")) / points == pytest.approx(boxes["decision_line"].y, abs=1.0)
    name = next(w for w in words if w.text == "Nguyễn")
    assert float(name.get("ymin")) / points == pytest.approx(boxes["recipient"].y, abs=1.0)


# -------------------------------------------------------------------------------- downloads


def test_the_secretariat_downloads_the_print_on_form_file_and_its_calibration_page(app_db, prov, api):
    s = season(app_db, prov, api)
    files = api["unit_secretariat"].get(f"/api/v1/decisions/{s['decision']}/files").json()
    stored = next(f for f in files if f["kind"] == "in_phoi")  # written when the decision was issued
    kept = api["unit_secretariat"].get(stored["url"])
    assert kept.status_code == 200 and pages(kept.content)[0]["recipient"]["text"] == "Ông Nguyễn Văn An"
    fresh = api["unit_secretariat"].get(f"/api/v1/decisions/{s['decision']}/print-on-form")
    assert fresh.status_code == 200 and fresh.headers["content-type"] == DOCX
    assert fresh.content == kept.content  # the layout has not changed since
    calibration = api["unit_secretariat"].get(f"/api/v1/decisions/{s['decision']}/print-on-form/calibration")
    assert (
        calibration.status_code == 200
        and 'filename="hieu_chinh_GK.docx"' in calibration.headers["content-disposition"]
    )
    assert calibration.content == calibration_page(print_forms().layout("GK", "QNG"))
    assert api["officer"].get(f"/api/v1/decisions/{s['decision']}/print-on-form").status_code == 200


def test_who_may_not_see_the_decision_gets_no_print_on_form_file(app_db, prov, api):
    s = season(app_db, prov, api)
    for path in ("print-on-form", "print-on-form/calibration"):
        for client, decision in ((api["ministry_officer"], s["decision"]), (api["unit_secretariat"], 999999)):
            answer = client.get(f"/api/v1/decisions/{decision}/{path}")
            assert (answer.status_code, answer.json()["error"]) == (404, "not_found")
        assert api["anonymous"].get(f"/api/v1/decisions/{s['decision']}/{path}").status_code == 401


def test_a_decision_not_yet_issued_has_nothing_to_print_on_form(app_db, prov, api):
    ids = recommended(app_db, prov, api)
    drafted = api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [ids["good"]]})
    for path in ("print-on-form", "print-on-form/calibration"):
        answer = api["unit_secretariat"].get(f"/api/v1/decisions/{drafted.json()['id']}/{path}")
        assert (answer.status_code, answer.json()["error"]) == (409, "illegal_transition")
        assert "chưa được ban hành" in answer.json()["message"]


def test_the_decision_page_offers_print_on_form_and_the_calibration_page(app_db, prov, api, browse):
    s = season(app_db, prov, api)
    secretariat = browse("unit_secretariat")
    page = secretariat.get(f"/thu-ky/quyet-dinh/{s['decision']}").text
    base = f"/thu-ky/quyet-dinh/{s['decision']}/tep"
    assert f'href="{base}/in-phoi" download>In trên phôi' in page
    assert f'href="{base}/hieu-chinh" download>Trang hiệu chỉnh' in page
    assert "Tệp in Giấy khen (tất cả)" in page and "Tệp in trên phôi, lúc ban hành" in page
    for path in ("in-phoi", "hieu-chinh"):
        answer = secretariat.get(f"{base}/{path}")
        assert answer.status_code == 200 and answer.headers["content-type"] == DOCX
    stranger = browse("province_secretariat")
    refused = stranger.get(f"{base}/hieu-chinh")
    assert refused.status_code == 404 and "<html" in refused.text


def test_the_cli_writes_a_forms_calibration_page_and_refuses_what_is_not_a_phoi(tmp_path):
    from typer.testing import CliRunner

    from service.cli import cli

    written = CliRunner().invoke(cli, ["hieu-chinh", "BK_TINH", "--tenant", "QNG", "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "hieu_chinh_BK_TINH.docx").read_bytes() == calibration_page(
        print_forms().layout("BK_TINH", "QNG")
    )
    title = CliRunner().invoke(cli, ["hieu-chinh", "CSTDCS"])
    assert title.exit_code == 1 and "CSTDCS không phải hình thức khen thưởng in trên phôi" in title.output
    stranger = CliRunner().invoke(cli, ["hieu-chinh", "GK", "--tenant", "ZZZ"])
    assert stranger.exit_code == 1 and "Không có cấu hình của đơn vị ZZZ" in stranger.output


def test_a_title_has_no_phoi_to_print_on(session, province):
    from models.errors import IllegalTransition
    from tests.test_workflow import draft, draft_and_sign, through_unit_council

    n = draft(session, province)  # Lao động tiên tiến: a title (danh hiệu), conferred by the unit head
    through_unit_council(session, province, [n])
    decision = draft_and_sign(session, province, n, "unit_secretariat", "director")
    for produce in (publish.print_on_form, publish.calibration):
        with pytest.raises(IllegalTransition, match="tặng danh hiệu thi đua: không có Bằng khen, Giấy khen"):
            produce(session, decision.id)
    assert not [
        d
        for d in publish.publish_decision(session, province.actors["director"], decision.id)
        if d.kind == "in_phoi"
    ]
