"""Printing onto the pre-printed certificate (phôi): only the variable text, each field in a text
box anchored to the page at its layout's position, and the calibration page that shows where those
boxes fall.

Positions are DrawingML anchors relative to the page (`wp:positionH/V relativeFrom="page"`) in EMU,
36,000 to the millimetre, so a layout's 62.5 mm is written as exactly 2,250,000: Word and
LibreOffice both place them there whatever the margins. The boxes have no inner margins, so a
field's text starts at its x and its first line at its y; a print box grows downwards rather than
hide a long achievement. The decorated certificate (bang_khen.docx, giay_khen.docx) stays the
electronic copy."""

import io
import re
from collections.abc import Iterable, Sequence
from itertools import count
from xml.sax.saxutils import escape
from zipfile import ZipFile

import docx
from docx.shared import Pt

from document_templates.contexts import CertificateDoc
from document_templates.engine import deflate, package
from document_templates.print_forms import ALIGNMENTS, FIELDS, FieldBox, FormLayout, field_values

EMU_PER_MM = 36_000
TWIPS_PER_MM = 1440 / 25.4
FONT = "Times New Roman"
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
JUSTIFY = {"left": "left", "center": "center", "right": "right", "justify": "both"}
TICK = 0.25  # mm: a ruler mark's thickness
FROM_EDGES = "mm, tính từ mép trên và mép trái của phôi"


def emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


# ------------------------------------------------------------------------------------ XML


def run(text: str, size: float, bold: bool = False, italic: bool = False) -> str:
    """A run of Times New Roman; newlines in the text become line breaks."""
    props = (
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:i/><w:iCs/>" if italic else "")
        + f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    )
    lines = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f"<w:r><w:rPr>{props}</w:rPr>{lines}</w:r>"


def paragraph(runs: str, align: str = "left", before: float = 0) -> str:
    spacing = f'<w:spacing w:before="{round(before * 20)}" w:after="0" w:line="240" w:lineRule="auto"/>'
    return f'<w:p><w:pPr>{spacing}<w:jc w:val="{JUSTIFY[align]}"/></w:pPr>{runs}</w:p>'


class Shapes:
    """Anchored shapes of one document, each with its own id (Word refuses a file that repeats one)."""

    def __init__(self) -> None:
        self.ids = count(1)

    def anchor(self, name: str, x: float, y: float, width: float, height: float, shape: str) -> str:
        """A drawing anchored to the page at (x, y) mm, in front of the text, not wrapping it."""
        number = next(self.ids)
        return (
            '<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="{number}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{emu(width)}" cy="{emu(height)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:wrapNone/><wp:docPr id="{number}" name="{escape(name)} {number}"/><wp:cNvGraphicFramePr/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"{shape}</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        )

    def text_box(
        self, name: str, x: float, y: float, width: float, height: float, content: str, outline: bool = False
    ) -> str:
        """Paragraphs in a box without inner margins; an outlined box keeps its size (the
        calibration page draws the field's area), a plain one grows to fit its text."""
        line = (
            '<a:ln w="6350"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
            if outline
            else "<a:ln><a:noFill/></a:ln>"
        )
        fit = "<a:noAutofit/>" if outline else "<a:spAutoFit/>"
        shape = (
            '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="{emu(height)}"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>{line}</wps:spPr>'
            f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">'
            f"{fit}</wps:bodyPr></wps:wsp>"
        )
        return self.anchor(name, x, y, width, height, shape)

    def bar(self, x: float, y: float, width: float, height: float) -> str:
        """A filled black rectangle: a ruler's mark, a cross's arm, the 100 mm scale."""
        shape = (
            "<wps:wsp><wps:cNvSpPr/><wps:spPr>"
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="{emu(height)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr>'
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0"/></wps:wsp>'
        )
        return self.anchor("Vạch", x, y, width, height, shape)

    def note(self, x: float, y: float, width: float, text: str, size: float) -> str:
        return self.text_box("Ghi chú", x, y, width, size * 0.5, paragraph(run(text, size)))


def page_of(drawings: Iterable[str], first: bool, ends: str = "") -> str:
    """One page's drawings, anchored in one tiny paragraph that starts the page (and, given its
    section properties, ends the section)."""
    breaking = "" if first else "<w:pageBreakBefore/>"
    tiny = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/>'
    return f"<w:p><w:pPr>{breaking}{tiny}</w:rPr>{ends}</w:pPr>{''.join(drawings)}</w:p>"


def section(layout: FormLayout, margin: float = 0) -> str:
    """The phôi's page, as it goes through the printer; no margins: positions are from its edges."""
    orient = ' w:orient="landscape"' if layout.landscape else ""
    m = twips(margin)
    return (
        f'<w:sectPr><w:pgSz w:w="{twips(layout.width)}" w:h="{twips(layout.height)}"{orient}/>'
        f'<w:pgMar w:top="{m}" w:right="{m}" w:bottom="{m}" w:left="{m}" '
        'w:header="0" w:footer="0" w:gutter="0"/>'
        "</w:sectPr>"
    )


def document(body: str, final_section: str) -> bytes:
    """A .docx around the body: python-docx's package with Times New Roman as the normal font,
    written with fixed timestamps, so the same layout and names give the same bytes."""
    base = docx.Document()
    normal = base.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    buffer = io.BytesIO()
    base.save(buffer)
    xml = (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:document {NAMESPACES}>"
        f"<w:body>{body}{final_section}</w:body></w:document>"
    )
    with ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != "docProps/thumbnail.jpeg"}
    parts["word/document.xml"] = xml.encode("utf-8")
    parts["_rels/.rels"] = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", parts["_rels/.rels"])
    # a thousand certificates make megabytes of XML: then speed over size, as the templates do
    return package(deflate(n, c, 1 if len(c) > 1_000_000 else 6) for n, c in parts.items())


# ----------------------------------------------------------------------------- print mode


def field_box(shapes: Shapes, box: FieldBox, text: str) -> str:
    content = paragraph(run(text, box.size, box.bold, box.italic), box.align)
    return shapes.text_box(box.name, box.x, box.y, box.width, box.height, content)


def print_file(layout: FormLayout, certificates: Sequence[CertificateDoc]) -> bytes:
    """One page per nominee with only the variable fields at their places: nothing decorative,
    for the phôi that already carries the border, emblem and heading."""
    if not certificates:
        raise ValueError("no certificate to print")
    shapes = Shapes()
    pages = []
    for index, certificate in enumerate(certificates):
        values = field_values(certificate)
        boxes = [field_box(shapes, box, values[box.name]) for box in layout.fields if values[box.name]]
        pages.append(page_of(boxes, first=index == 0))
    return document("".join(pages), section(layout))


# ------------------------------------------------------------------------- calibration page

STEPS = (
    "In trang 1 trên giấy trắng cùng khổ với phôi, bằng đúng máy in, khay giấy và chiều nạp giấy sẽ dùng để "
    "in phôi, tỷ lệ 100 % (tắt “Vừa trang” / “Fit to page”).",
    "Đo vạch thước 100 mm ở cuối trang: nếu không đúng 100 mm, máy in đang co giãn trang; sửa thiết lập in "
    "trước khi hiệu chỉnh.",
    "Đặt trang in lên phôi, mép trên và mép trái trùng nhau, soi trước ánh sáng. Vạch thước ở mép trên và "
    "mép trái cách nhau 10 mm; các dấu chữ thập ở bốn góc cách mép 10 mm.",
    "Mỗi ô là chỗ một trường sẽ được in (chữ bắt đầu ở góc trên bên trái của ô). Đo độ lệch giữa ô và chỗ "
    "trống tương ứng trên phôi, rồi sửa x (sang phải là tăng) và y (xuống dưới là tăng), đơn vị mm, trong "
    "tệp cấu hình của đơn vị: mục [print_forms.{form}.fields.<tên trường>].",
    "Khởi động lại ứng dụng, tải và in lại trang hiệu chỉnh cho đến khi các ô khớp; in thử “In trên phôi” "
    "trên giấy trắng rồi mới in trên phôi thật.",
)


def label(box: FieldBox) -> str:
    weights = [s for s, on in (("đậm", box.bold), ("nghiêng", box.italic)) if on]
    style = ", ".join([f"căn {ALIGNMENTS[box.align]}", *weights])
    return (
        f"{box.name} — {FIELDS[box.name]}\n"
        f"x {box.x:g} · y {box.y:g} · {box.width:g} × {box.height:g} mm · {box.size:g} pt, {style}"
    )


def rulers(shapes: Shapes, layout: FormLayout) -> list[str]:
    """A mark every 10 mm along the top and left edges (longer every 50 mm) with its distance from
    the edge, and a cross 10 mm in from each corner."""
    drawn = []
    for mm in range(10, int(layout.width), 10):
        length = 8 if mm % 50 == 0 else 4
        drawn += [shapes.bar(mm - TICK / 2, 0, TICK, length), shapes.note(mm + 0.8, 1, 12, str(mm), 6)]
    for mm in range(10, int(layout.height), 10):
        length = 8 if mm % 50 == 0 else 4
        drawn += [shapes.bar(0, mm - TICK / 2, length, TICK), shapes.note(1, mm + 0.5, 12, str(mm), 6)]
    for cx, cy in crosses(layout):
        drawn += [shapes.bar(cx - 5, cy - TICK / 2, 10, TICK), shapes.bar(cx - TICK / 2, cy - 5, TICK, 10)]
        beside = cx + 1 if cx < layout.width / 2 else cx - 23  # inside the page
        drawn.append(shapes.note(beside, cy + 1, 22, f"({cx:g}; {cy:g})", 6))
    return drawn


def crosses(layout: FormLayout) -> list[tuple[float, float]]:
    """The centres of the corner crosses, 10 mm in from each edge."""
    return [(x, y) for y in (10, layout.height - 10) for x in (10, layout.width - 10)]


def scale_bar(shapes: Shapes, layout: FormLayout) -> list[str]:
    """A 100 mm bar, centred near the bottom: measure it to see that the printer does not scale."""
    x, y = layout.width / 2 - 50, layout.height - 14
    return [
        shapes.bar(x, y, 100, 0.5),
        shapes.bar(x, y - 2, TICK, 4.5),
        shapes.bar(x + 100 - TICK, y - 2, TICK, 4.5),
        shapes.note(x, y + 1.5, 100, "Vạch dài đúng 100 mm khi in tỷ lệ 100 %", 8),
    ]


def calibration_page(layout: FormLayout) -> bytes:
    """Page 1: the phôi's geometry, each field's box outlined and labelled with its name and
    coordinates, rulers and corner crosses, to lay over a phôi against the light. Page 2: how."""
    shapes = Shapes()
    title = (
        f"TRANG HIỆU CHỈNH IN TRÊN PHÔI — {layout.form}"
        f"{' — ' + layout.tenant if layout.tenant else ''} — khổ {layout.width:g} × {layout.height:g} mm"
    )
    drawings = [shapes.note(20, 14, layout.width - 40, title, 9)]
    drawings += [
        shapes.text_box(box.name, box.x, box.y, box.width, box.height, paragraph(run(label(box), 7)), True)
        for box in layout.fields
    ]
    drawings += rulers(shapes, layout) + scale_bar(shapes, layout)
    # page 1 ends its zero-margin section; page 2 is ordinary text with margins, for reading
    page_one = page_of(drawings, first=True, ends=section(layout))
    status = "đã" if layout.verified else "chưa"
    about = (
        f"Khổ phôi {layout.width:g} × {layout.height:g} mm, {status} đối chiếu với mẫu phôi. {layout.source}"
    )
    text = [
        paragraph(run(f"Cách hiệu chỉnh vị trí in trên phôi {layout.form}", 14, bold=True), "center"),
        paragraph(run(about, 11, italic=True), before=6),
        *(
            paragraph(run(f"{i}. {step.format(form=layout.form)}", 12), "justify", before=6)
            for i, step in enumerate(STEPS, 1)
        ),
        paragraph(run(f"Các trường và vị trí hiện hành ({FROM_EDGES}):", 12, bold=True), before=10),
        *(paragraph(run("• " + label(box).replace("\n", ": "), 11), before=3) for box in layout.fields),
    ]
    return document(page_one + "".join(text), section(layout, margin=20))
