"""Builds the default Word templates (document_templates/templates/*.docx) in the format of
Decree 30/2020 App. I: A4, margins 20/20/30/15 mm, Times New Roman, the header table with the
national motto, page numbers from page 2, the signing block and "Nơi nhận".

The .docx files are the source a secretariat edits; run `make templates` only to rebuild the
defaults from this script. Every tag is typed into a single run so Word keeps it whole."""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
C, J, L, R = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)
RED, BLUE = RGBColor(0xC0, 0x00, 0x00), RGBColor(0x1F, 0x3A, 0x7A)
TEXT_WIDTH = Cm(16.5)  # A4 210 mm minus margins 30 + 15 mm
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _fonts(doc) -> None:
    """Times New Roman for every script slot, in the defaults and the Normal style, so no
    theme font (Calibri, Cambria) survives anywhere (python-docx sets only ascii/hAnsi)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    for rpr in [
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")),
        doc.styles["Normal"].element.get_or_add_rPr(),
    ]:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def new_document(landscape: bool = False, page_numbers: bool = True):
    doc = Document()
    _fonts(doc)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(15)
        section.left_margin = section.right_margin = Mm(20)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    if page_numbers:
        # Page numbers centred in the top margin, not on the first page (App. I, Part I §I).
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = C
        _field(paragraph, "PAGE", 14)
    return doc


def _field(paragraph, instruction: str, size: int) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        run.font.size, run.font.name = Pt(size), FONT
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def para(
    container,
    text: str = "",
    size: int = 14,
    bold=False,
    italic=False,
    align=C,
    indent=False,
    after=0,
    color=None,
    upper=False,
):
    """One paragraph, one run: a tag inside stays whole."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.font.bold, run.font.italic, run.font.name = Pt(size), bold, italic, FONT
        if color is not None:
            run.font.color.rgb = color
        if upper:
            run.font.all_caps = True
    return paragraph


def rule(container, width: Cm, cell_width: Cm) -> None:
    """The solid line under the issuer, the motto and the summary: a bottom border on an empty
    paragraph narrowed to `width` (1/3–1/2 of the text above, App. I §II)."""
    paragraph = para(container, size=6)
    side = Cm((cell_width.cm - width.cm) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def grid(doc, widths: list[Cm], borders: bool = False):
    """A fixed-layout table: the grid, the table and every cell carry the widths, so Word and
    LibreOffice lay it out alike."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if borders:
        table.style = doc.styles["Table Grid"]
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(w.twips for w in widths)))
    total.set(qn("w:type"), "dxa")
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    properties.append(total)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _keep_together(table.rows[0])
    return table


def keep_with_next(paragraph) -> None:
    """The paragraph stays on the page of the one after it: the text before a signing block is
    never left behind while the block moves to a page of its own (Decree 30/2020 App. I §II.7)."""
    paragraph.paragraph_format.keep_with_next = True


def _keep_together(row) -> None:
    """A row never splits across pages: a signing block moves to the next page whole."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def header_table(doc, right_only: bool = False) -> None:
    """Boxes 1–4: issuer, number and symbol on the left; motto, place and date on the right."""
    left_width, right_width = Cm(7.0), Cm(10.5)  # 17.5 cm: a little into the margins, as printed
    left, right = grid(doc, [left_width, right_width]).rows[0].cells
    if not right_only:
        para(left, "{%p if header.parent_body %}", 13)
        para(left, "{{ header.parent_body }}", 13)
        para(left, "{%p endif %}", 13)
        para(left, "{{ header.issuer }}", 13, bold=True)
        rule(left, Cm(2.2), left_width)
        para(left, "{%p if header.number_line %}", 13)
        para(left, "{{ header.number_line }}", 13)
        para(left, "{%p endif %}", 13)
    para(right, MOTTO[0], 13, bold=True)
    para(right, MOTTO[1], 14, bold=True)
    rule(right, Cm(6.0), right_width)
    para(right, "{{ header.place_date }}", 14, italic=True)


def signing_table(doc, recipients: bool = True) -> None:
    """'Nơi nhận' (12 bold italic, list 11) on the left, the signing block on the right."""
    left, right = grid(doc, [Cm(7.5), Cm(9.0)]).rows[0].cells
    if recipients:
        para(left, "Nơi nhận:", 12, bold=True, italic=True, align=L)
        para(left, "{%p for r in recipients %}", 11, align=L)
        para(left, "- {{ r }}", 11, align=L)
        para(left, "{%p endfor %}", 11, align=L)
    para(right, "{%p for line in signature.lines %}", 14)
    para(right, "{{ line }}", 14, bold=True)
    para(right, "{%p endfor %}", 14)
    for _ in range(4):  # room for the signature and the seal
        para(right)
    para(right, "{{ signature.name }}", 14, bold=True)


def title(doc, kind: str, summary: str = "{{ summary }}") -> None:
    para(doc)
    para(doc, kind, 14, bold=True)
    para(doc, summary, 14, bold=True)
    rule(doc, Cm(3.0), TEXT_WIDTH)


def looped_rows(table, items: str, fields: tuple[str, ...], size: int = 12) -> None:
    """A table row repeated for each item: `{%tr for … %}` row, the row of fields, `{%tr endfor %}`."""
    for marker in (f"{{%tr for {items} %}}", None, "{%tr endfor %}"):
        row = table.add_row()
        _keep_together(row)
        for i, cell in enumerate(row.cells):
            cell.paragraphs[0].alignment = C
            run = cell.paragraphs[0].add_run((marker if i == 0 else "") if marker else fields[i])
            run.font.size, run.font.name = Pt(size), FONT


def looped(doc, items: str, text: str, keep: bool = False, **style) -> None:
    """A paragraph repeated for each item; `keep` holds each to the next (the last text before a
    signing block)."""
    para(doc, f"{{%p for {items} %}}")
    paragraph = para(doc, text, **style)
    if keep:
        keep_with_next(paragraph)
    para(doc, "{%p endfor %}")


def before_signature(doc) -> None:
    """The blank line between the text and its signing block, held to the block."""
    keep_with_next(para(doc))


# ---------------------------------------------------------------------------------- kinds


def quyet_dinh():
    doc = new_document()
    header_table(doc)
    title(doc, "QUYẾT ĐỊNH")
    para(doc)
    para(doc, "{{ authority }}", 14, bold=True, after=6)
    looped(doc, "b in bases", "{{ b }}", italic=True, align=J, indent=True, after=6)
    para(doc, "QUYẾT ĐỊNH:", 14, bold=True, after=6)
    para(doc, "{%p for a in articles %}")
    article = para(doc, "Điều {{ a.number }}.", bold=True, align=J, indent=True, after=6)
    run = article.add_run(" {{ a.text }}")
    run.font.size, run.font.name = Pt(14), FONT
    keep_with_next(article)
    para(doc, "{%p endfor %}")
    before_signature(doc)
    signing_table(doc)
    return doc


def danh_sach():
    doc = new_document()
    para(doc, "{{ title }}", 14, bold=True)
    para(doc, "{{ subtitle }}", 14, bold=True)
    para(doc, "{{ reference }}", 14, italic=True)
    rule(doc, Cm(3.0), TEXT_WIDTH)
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.heading }}", 14, bold=True, align=L, after=6)
    looped(doc, "e in s.entries", "{{ loop.index }}. {{ e }}", align=J, indent=True, after=3)
    para(doc, "{%p endfor %}")
    return doc


def _kinh_gui(doc) -> None:
    """'Kính gửi:' on one line for one addressee, a dashed list for several (App. I §II.9(b))."""
    para(doc, "{%p if addressees|length == 1 %}")
    para(doc, "Kính gửi: {{ addressees[0] }}.", 14)
    para(doc, "{%p else %}")
    para(doc, "Kính gửi:", 14)
    looped(doc, "a in addressees", "- {{ a }}{{ '.' if loop.last else ';' }}")
    para(doc, "{%p endif %}")
    para(doc, after=6)


def _attachments_and_signature(doc) -> None:
    para(doc, "{%p if attachments %}")
    keep_with_next(para(doc, "Hồ sơ kèm theo:", 14, italic=True, align=J, indent=True))
    looped(doc, "a in attachments", "- {{ a }}", keep=True, align=J, indent=True)
    para(doc, "{%p endif %}")
    before_signature(doc)
    signing_table(doc)


def _to_trinh_opening():
    """What every Tờ trình opens with: the header, its title, 'Kính gửi' and the paragraphs."""
    doc = new_document()
    header_table(doc)
    title(doc, "TỜ TRÌNH")
    para(doc)
    _kinh_gui(doc)
    looped(doc, "p in paragraphs", "{{ p }}", keep=True, align=J, indent=True, after=6)
    return doc


def to_trinh():
    doc = _to_trinh_opening()
    _attachments_and_signature(doc)
    return doc


def to_trinh_tham_dinh():
    """The appraising body's Tờ trình: what it received, each nominee's appraisal and votes."""
    doc = _to_trinh_opening()
    table = grid(doc, [Cm(1.0), Cm(4.2), Cm(3.4), Cm(3.2), Cm(2.9), Cm(2.3)], borders=True)
    heads = (
        "TT",
        "Họ và tên / Tập thể",
        "Danh hiệu, hình thức",
        "Tờ trình đề nghị",
        "Phiếu đồng ý",
        "Kết quả",
    )
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        para(cell, head, 12, bold=True)
    fields = ("order", "nominee", "award", "proposal", "votes", "outcome")
    looped_rows(table, "c in cases", tuple(f"{{{{ c.{f} }}}}" for f in fields))
    para(doc, after=6)
    looped(doc, "c in conclusions", "{{ c }}", keep=True, align=J, indent=True, after=6)
    _attachments_and_signature(doc)
    return doc


def _minutes_opening(doc) -> None:
    """A meeting's minutes up to its proceedings: the header, the title, when, where, who."""
    header_table(doc)
    title(doc, "BIÊN BẢN")
    para(doc)
    for text in (
        "{{ opened }}",
        "Địa điểm: {{ place }}.",
        "Chủ trì: {{ chair }}.",
        "Thư ký: {{ secretary }}.",
    ):
        para(doc, text, align=J, indent=True, after=3)
    para(doc, "Thành phần tham dự:", align=J, indent=True, after=3)
    looped(doc, "a in attendance", "- {{ a }}", align=J, indent=True, after=3)
    para(doc, "Nội dung:", bold=True, align=J, indent=True, after=3)
    looped(doc, "p in proceedings", "{{ p }}", align=J, indent=True, after=6)


def _counted(doc, widths: list[Cm], heads: tuple[str, ...], items: str, fields: tuple[str, ...]) -> None:
    """The table of what was counted, a row per item, in 11 point."""
    table = grid(doc, widths, borders=True)
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        para(cell, head, 11, bold=True)
    name = items.split()[0]
    looped_rows(table, items, tuple(f"{{{{ {name}.{f} }}}}" for f in fields), size=11)


def _minutes_closing(doc) -> None:
    """The rule applied, the conclusions, the closing time, the secretary's and the chair's blocks."""
    para(doc, "{{ rule }}", 13, italic=True, align=J, indent=True, after=6)
    para(doc, "Kết luận:", bold=True, align=J, indent=True, after=3)
    looped(doc, "c in conclusions", "{{ c }}", keep=True, align=J, indent=True, after=3)
    keep_with_next(para(doc, "{{ closed }}", align=J, indent=True, after=12))
    left, right = grid(doc, [Cm(8.25), Cm(8.25)]).rows[0].cells
    for cell, role, name in (
        (left, "THƯ KÝ", "{{ secretary_name }}"),
        (right, "CHỦ TRÌ", "{{ chair_name }}"),
    ):
        para(cell, role, 14, bold=True)
        for _ in range(4):
            para(cell)
        para(cell, name, 14, bold=True)


def bien_ban():
    doc = new_document()
    _minutes_opening(doc)
    _counted(
        doc,
        [Cm(0.9), Cm(4.4), Cm(3.0), Cm(1.4), Cm(1.4), Cm(1.3), Cm(1.3), Cm(1.5), Cm(1.3)],
        (
            "TT",
            "Họ và tên, đơn vị / Tập thể",
            "Danh hiệu, hình thức",
            "Phiếu phát ra",
            "Ý kiến bằng văn bản",
            "Hợp lệ",
            "Đồng ý",
            "Tỷ lệ",
            "Kết quả",
        ),
        "t in tallies",
        ("order", "nominee", "award", "issued", "written", "valid", "yes", "share", "outcome"),
    )
    _minutes_closing(doc)
    return doc


def bien_ban_cum():
    """The cluster's year-end review: its scores and ranking, its acclamation ballot, its result."""
    doc = new_document()
    _minutes_opening(doc)
    _counted(
        doc,
        [Cm(1.2), Cm(5.6), Cm(1.8), Cm(1.7), Cm(1.6), Cm(1.5), Cm(1.5), Cm(1.6)],
        (
            "Xếp hạng",
            "Đơn vị",
            "Tổng điểm",
            "Tiêu chí đạt tối đa",
            "Điểm thưởng",
            "Phiếu suy tôn",
            "Tỷ lệ",
            "Kết quả",
        ),
        "s in standings",
        ("rank", "unit", "total", "at_max", "bonus", "votes", "share", "outcome"),
    )
    _minutes_closing(doc)
    return doc


def giao_uoc():
    """The covenant: what the members agree to, the criteria with their maximum scores, and a
    signing block for every member's head."""
    doc = new_document()
    header_table(doc)
    title(doc, "GIAO ƯỚC THI ĐUA")
    para(doc)
    looped(doc, "p in paragraphs", "{{ p }}", align=J, indent=True, after=6)
    _counted(
        doc,
        [Cm(1.2), Cm(4.5), Cm(8.3), Cm(2.5)],
        ("TT", "Nhóm tiêu chí", "Tiêu chí", "Điểm tối đa"),
        "c in criteria",
        ("order", "section", "name", "max_score"),
    )
    para(doc, "Tổng số điểm tối đa: {{ total }} điểm.", 14, bold=True, align=J, indent=True, after=6)
    looped(doc, "c in commitments", "{{ c }}", keep=True, align=J, indent=True, after=6)
    before_signature(doc)
    para(doc, "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN", 14, bold=True, after=6)
    table = grid(doc, [Cm(8.25), Cm(8.25)], borders=True)
    for cell, head in zip(
        table.rows[0].cells, ("Đơn vị", "Thủ trưởng đơn vị (ký, ghi rõ họ tên)"), strict=True
    ):
        para(cell, head, 12, bold=True)
    looped_rows(table, "s in signatories", ("{{ s.unit }}", "{{ s.post }}\n\n\n\n{{ s.name }}"))
    return doc


def certificate(heading_color: RGBColor, border: str):
    """One certificate per page, landscape, the fields of Decree 50/2006 Art. 28's layout."""
    doc = new_document(landscape=True, page_numbers=False)
    sect = doc.sections[0]._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", border), ("w:sz", "24"), ("w:space", "24"), ("w:color", "B8860B")):
            edge.set(qn(key), value)
        borders.append(edge)
    sect.append(borders)
    para(doc, MOTTO[0], 14, bold=True)
    para(doc, MOTTO[1], 14, bold=True, after=24)
    para(doc, "{{ issuer_title }}", 16, bold=True, color=heading_color, after=12)
    para(doc, "TẶNG", 16, bold=True, after=6)
    para(doc, "{{ heading }}", 44, bold=True, color=heading_color, after=18)
    para(doc, "{{ recipient }}", 24, bold=True, italic=True, after=6)
    para(doc, "{%p if recipient_detail %}")
    para(doc, "{{ recipient_detail }}", 16, after=12)
    para(doc, "{%p endif %}")
    para(doc, "{{ achievement }}", 16, italic=True, after=36)
    left, right = grid(doc, [Cm(12.5), Cm(12.5)]).rows[0].cells
    for text in ("{{ decision_line }}", "{{ golden_book }}"):
        para(left, text, 12, align=L)
    para(right, "{{ place_date }}", 14, italic=True)
    para(right, "{%p for line in signature.lines %}", 14)
    para(right, "{{ line }}", 14, bold=True)
    para(right, "{%p endfor %}", 14)
    for _ in range(3):
        para(right)
    para(right, "{{ signature.name }}", 14, bold=True)
    return doc


def bao_cao_thanh_tich():
    doc = new_document()
    para(doc, MOTTO[0], 13, bold=True)
    para(doc, MOTTO[1], 14, bold=True)
    rule(doc, Cm(6.0), TEXT_WIDTH)
    para(doc, "{{ place_date }}", 14, italic=True, align=R, after=12)
    para(doc, "BÁO CÁO THÀNH TÍCH", 14, bold=True)
    para(doc, "ĐỀ NGHỊ TẶNG {{ proposed_award }}", 14, bold=True)
    para(doc, "{{ subject }}", 14, bold=True, after=12)
    para(
        doc,
        "I. SƠ LƯỢC LÝ LỊCH" + "{{ '' if individual else ', ĐẶC ĐIỂM, TÌNH HÌNH' }}",
        14,
        bold=True,
        align=L,
        after=3,
    )
    looped(doc, "f in facts", "- {{ f }}", align=J, indent=True, after=3)
    para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", 14, bold=True, align=L, after=3)
    guidance = (
        "1. Chức năng, nhiệm vụ được giao:",
        "2. Thành tích đạt được (kết quả thực hiện nhiệm vụ, các chỉ tiêu với số liệu cụ thể; sáng kiến, "
        "đề tài, giải pháp đã được công nhận, áp dụng):",
        "3. Các biện pháp, giải pháp công tác, việc học tập, rèn luyện:",
    )
    for number, line in enumerate(guidance, 1):
        para(doc, line, italic=True, align=J, indent=True, after=3)
        if number == 2:  # what the records already say, for the unit to build on
            looped(doc, "k in known", "- {{ k }}", align=J, indent=True, after=3)
        for _ in range(3):  # room for the unit to write
            para(doc, after=3)
    para(doc, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", 14, bold=True, align=L, after=3)
    for number, label, rows in (
        ("1", "Danh hiệu thi đua", "titles"),
        ("2", "Hình thức khen thưởng", "forms"),
    ):
        para(doc, f"{number}. {label}", 14, italic=True, align=L, after=3)
        table = grid(doc, [Cm(2.0), Cm(6.0), Cm(8.5)], borders=True)
        heads = ("Năm", label, "Số, ngày, tháng, năm của quyết định; cơ quan ban hành quyết định")
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            para(cell, head, 12, bold=True)
        looped_rows(table, f"h in {rows}", ("{{ h.year }}", "{{ h.award }}", "{{ h.decision }}"))
        spacer = para(doc, after=6)
    keep_with_next(spacer)  # the last one: held to the signing blocks
    cells = grid(doc, [Cm(8.25), Cm(8.25)]).rows[0].cells
    for cell, signer in zip(cells, ("confirmer", "reporter"), strict=True):
        para(cell, f"{{%p for line in {signer}.lines %}}", 13)
        para(cell, "{{ line }}", 13, bold=True)
        para(cell, "{%p endfor %}", 13)
        para(cell, f"{{{{ {signer}.note }}}}", 13, italic=True)
        for _ in range(4):
            para(cell)
        para(cell, f"{{{{ {signer}.name }}}}", 13, bold=True)
    return doc


def bao_cao_hoi_nghi():
    """The report of a conference: the period's results with a table by award, the honoured
    list, and room for the organiser's assessment and the tasks ahead."""
    doc = new_document()
    header_table(doc)
    title(doc, "BÁO CÁO")
    para(doc)
    looped(doc, "p in opening", "{{ p }}", align=J, indent=True, after=6)
    para(doc, "I. KẾT QUẢ THI ĐUA, KHEN THƯỞNG", 14, bold=True, align=L, after=6)
    looped(doc, "r in results", "{{ r }}", align=J, indent=True, after=6)
    table = grid(doc, [Cm(8.5), Cm(2.7), Cm(2.7), Cm(2.6)], borders=True)
    for cell, head in zip(
        table.rows[0].cells, ("Danh hiệu, hình thức", "Tập thể", "Cá nhân", "Cộng"), strict=True
    ):
        para(cell, head, 12, bold=True)
    looped_rows(
        table, "c in counts", ("{{ c.award }}", "{{ c.collectives }}", "{{ c.individuals }}", "{{ c.total }}")
    )
    para(doc, after=6)
    para(doc, "II. ĐIỂN HÌNH TIÊN TIẾN ĐƯỢC BIỂU DƯƠNG", 14, bold=True, align=L, after=6)
    para(doc, "{{ honoured_intro }}", align=J, indent=True, after=6)
    table = grid(doc, [Cm(1.2), Cm(5.0), Cm(5.0), Cm(5.3)], borders=True)
    heads = ("STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Khen thưởng trong giai đoạn")
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        para(cell, head, 12, bold=True)
    looped_rows(
        table, "h in honoured", ("{{ h.number }}", "{{ h.name }}", "{{ h.detail }}", "{{ h.awards }}")
    )
    para(doc, after=6)
    para(doc, "III. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG, NHIỆM VỤ", 14, bold=True, align=L, after=6)
    for _ in range(3):  # room for the organiser to write
        para(doc, after=3)
    before_signature(doc)
    signing_table(doc)
    return doc


BUILDERS = {
    "quyet_dinh": quyet_dinh,
    "danh_sach": danh_sach,
    "to_trinh": to_trinh,
    "to_trinh_tham_dinh": to_trinh_tham_dinh,
    "bien_ban": bien_ban,
    "bang_khen": lambda: certificate(RED, "double"),
    "giay_khen": lambda: certificate(BLUE, "single"),
    "bao_cao_thanh_tich": bao_cao_thanh_tich,
    "bao_cao_hoi_nghi": bao_cao_hoi_nghi,
    "giao_uoc": giao_uoc,
    "bien_ban_cum": bien_ban_cum,
}


def build_all(folder: Path, builders=BUILDERS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, build in builders.items():
        path = folder / f"{kind}.docx"
        build().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_all(Path(__file__).parent / "templates"):
        print(path)
