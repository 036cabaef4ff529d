"""Builds the default Word templates of the money and the registers: each decision's Danh sách
chi tiền thưởng and an issuer's Sổ vàng for a year. Landscape A4 (their tables are wide, Decree
30/2020 App. I allows it for tables), Times New Roman, the header boxes of the other documents.

`make templates` runs this after authoring.py, with the same helpers."""

from pathlib import Path

from docx.shared import Cm

from document_templates.authoring import (
    J,
    L,
    build_all,
    grid,
    header_table,
    looped,
    looped_rows,
    new_document,
    para,
    rule,
)

LANDSCAPE_WIDTH = Cm(25.7)  # 297 mm minus margins 20 + 20 mm


def _table(doc, columns: list[tuple[str, float]], items: str, fields: tuple[str, ...]):
    """A bordered table: its heading row, then one row per item."""
    table = grid(doc, [Cm(width) for _, width in columns], borders=True)
    for cell, (head, _) in zip(table.rows[0].cells, columns, strict=True):
        para(cell, head, 12, bold=True)
    looped_rows(table, items, fields)
    return table


def _opening(*titles: tuple[str, int, bool]):
    """A landscape page with the header boxes, the title lines (size, italic or bold) and the rule."""
    doc = new_document(landscape=True)
    header_table(doc)
    para(doc)
    for text, size, italic in titles:
        para(doc, text, size, bold=not italic, italic=italic)
    rule(doc, Cm(3.0), LANDSCAPE_WIDTH)
    return doc


def chi_tien_thuong():
    doc = _opening(
        ("DANH SÁCH CHI TIỀN THƯỞNG", 14, False), ("{{ subtitle }}", 14, False), ("{{ reference }}", 14, True)
    )
    columns = [
        ("TT", 1.2),
        ("Họ và tên, tập thể", 5.2),
        ("Chức vụ, đơn vị", 6.0),
        ("Danh hiệu, hình thức khen thưởng", 4.3),
        ("Hệ số", 1.5),
        ("Mức lương cơ sở (đồng)", 2.5),
        ("Số tiền (đồng)", 2.5),
        ("Ký nhận", 2.5),
    ]
    fields = ("order", "nominee", "detail", "award", "coefficient", "base", "amount")
    table = _table(doc, columns, "r in rows", (*(f"{{{{ r.{f} }}}}" for f in fields), ""))
    total = table.add_row().cells
    merged = total[0].merge(total[5])
    for cell, text in ((merged, "Tổng cộng"), (total[6], "{{ total }}")):
        for empty in cell.paragraphs:
            empty._p.getparent().remove(empty._p)
        para(cell, text, 12, bold=True)
    para(doc, "Tổng số tiền bằng chữ: {{ total_words }}.", 14, italic=True, align=J, after=6)
    looped(doc, "n in notes", "- {{ n }}", size=12, italic=True, align=J)
    para(doc, after=6)
    cells = grid(doc, [Cm(8.5), Cm(8.5), Cm(8.7)]).rows[0].cells
    for cell, role in zip(cells, ("NGƯỜI LẬP BIỂU", "KẾ TOÁN TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ"), strict=True):
        para(cell, role, 13, bold=True)
        para(cell, "(Ký, ghi rõ họ tên)", 13, italic=True)
    return doc


def so_vang():
    doc = _opening(("SỔ VÀNG", 16, False), ("NĂM {{ year }}", 14, False))
    para(doc, "I. CÁC QUYẾT ĐỊNH KHEN THƯỞNG", 14, bold=True, align=L, after=6)
    columns = [
        ("TT", 1.2),
        ("Quyết định số", 5.0),
        ("Ngày", 3.0),
        ("Danh hiệu, hình thức", 12.5),
        ("Số trường hợp", 4.0),
    ]
    fields = ("{{ loop.index }}", "{{ d.reference }}", "{{ d.signed }}", "{{ d.award }}", "{{ d.count }}")
    _table(doc, columns, "d in decisions", fields)
    para(doc, after=6)
    para(doc, "II. DANH SÁCH GHI SỔ", 14, bold=True, align=L, after=6)
    columns = [
        ("Số sổ vàng", 2.4),
        ("Họ và tên, tập thể", 5.0),
        ("Chức vụ, đơn vị", 5.8),
        ("Danh hiệu, hình thức", 4.5),
        ("Năm thành tích", 1.8),
        ("Quyết định", 3.8),
        ("Ghi chú", 2.4),
    ]
    fields = ("number", "nominee", "detail", "award", "year", "decision", "note")
    _table(doc, columns, "e in entries", tuple(f"{{{{ e.{f} }}}}" for f in fields))
    return doc


BUILDERS = {"chi_tien_thuong": chi_tien_thuong, "so_vang": so_vang}


if __name__ == "__main__":
    for path in build_all(Path(__file__).parent / "templates", BUILDERS):
        print(path)
