"""Builds the default Word templates of a campaign's own documents: the Kế hoạch phát động that
launches it and the Báo cáo of its six-month and year-end reviews (sơ kết, tổng kết). Both are
Decree 30/2020 App. III Mẫu 1.3 ("văn bản có tên loại"): the header boxes, the title and its
summary, numbered parts of paragraphs, 'Nơi nhận' and the signing block, Times New Roman.

`make templates` runs this after authoring.py, with the same helpers."""

from pathlib import Path

from document_templates.authoring import (
    J,
    L,
    before_signature,
    build_all,
    header_table,
    looped,
    new_document,
    para,
    signing_table,
    title,
)


def _parts(kind: str):
    doc = new_document()
    header_table(doc)
    title(doc, kind)
    para(doc)
    looped(doc, "p in opening", "{{ p }}", align=J, indent=True, after=6)
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.heading }}", 14, bold=True, align=L, after=6)
    looped(doc, "e in s.entries", "{{ e }}", align=J, indent=True, after=6)
    para(doc, "{%p endfor %}")
    before_signature(doc)
    signing_table(doc)
    return doc


BUILDERS = {"ke_hoach": lambda: _parts("KẾ HOẠCH"), "bao_cao_tong_ket": lambda: _parts("BÁO CÁO")}


if __name__ == "__main__":
    for path in build_all(Path(__file__).parent / "templates", BUILDERS):
        print(path)
