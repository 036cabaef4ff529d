"""Document rendering benchmark: a Quyết định with a 10,000-row Danh sách in one .docx, and 10,000
certificates (Bằng khen) as separate files and as one merged print file — each figure printed next
to docxtpl rendering the same templates with the same content in the same run.

    python bench/documents.py                   # 10,000 rows, 10,000 certificates, best of 3
    python bench/documents.py --out var/bench/documents   # keep the files to open them in Word

Targets (one core, best run): decision + list ≤ 0.5 s; 10,000 certificates ≤ 30 s, as separate files
and as one print file. docxtpl certificates are timed on a sample and EXTRAPOLATED (about 20 ms
each would take minutes). The outputs are read back — python-docx, lxml, zip CRCs — and compared
with docxtpl's, entry for entry: exit status 1 if any check fails.
"""

import argparse
import gc
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
import jinja2
import lxml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree
from pydantic import BaseModel

from document_templates import load, merge, render, render_parts, template_path
from document_templates.contexts import (
    Article,
    CertificateDoc,
    DecisionDoc,
    Header,
    ListDoc,
    Section,
    signature,
)
from document_templates.wording import sentence_list

try:
    import docxtpl
except ImportError:  # pragma: no cover - the baseline is not a runtime dependency
    sys.exit("bench/documents.py compares with docxtpl: pip install docxtpl")

ROWS = 10_000
CERTIFICATES = 10_000
RUNS = 3
SAMPLE = 200  # docxtpl certificates actually rendered; the rest is extrapolated
COLLECTIVE_SHARE = 0.05
DECISION_TARGET_S = 0.5
CERTIFICATES_TARGET_S = 30.0
YEAR = 2025
ROOT = Path(__file__).resolve().parents[1]
SIGNED_ON = date(2026, 1, 5)

# ----------------------------------------------------------------------------------- content

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = {
    "Ông": ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân"),
    "Bà": ("Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Thị Kim", "Thị Thu"),
}
GIVEN = {
    "Ông": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quang", "Tuấn"),
    "Bà": ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Ngân", "Thảo", "Trang"),
}
# departments of the province, each with units under it
UNITS = {
    "Sở Tài chính": (
        "Phòng Ngân sách",
        "Phòng Tài chính doanh nghiệp",
        "Phòng Quản lý giá và Công sản",
        "Văn phòng Sở",
        "Thanh tra Sở",
    ),
    "Sở Nội vụ": (
        "Phòng Tổ chức, biên chế",
        "Phòng Công chức, viên chức",
        "Ban Thi đua - Khen thưởng",
        "Văn phòng Sở",
    ),
    "Sở Giáo dục và Đào tạo": (
        "Phòng Giáo dục Trung học",
        "Phòng Giáo dục Tiểu học",
        "Phòng Khảo thí và Kiểm định chất lượng giáo dục",
        "Trường Trung học phổ thông chuyên Lê Khiết",
        "Trường Trung học phổ thông Trần Quốc Tuấn",
    ),
    "Sở Y tế": ("Phòng Nghiệp vụ Y", "Bệnh viện Đa khoa tỉnh", "Trung tâm Kiểm soát bệnh tật tỉnh"),
    "Sở Xây dựng": ("Phòng Quản lý hạ tầng kỹ thuật", "Phòng Quản lý xây dựng", "Văn phòng Sở"),
    "Sở Nông nghiệp và Môi trường": ("Chi cục Thủy lợi", "Chi cục Kiểm lâm", "Phòng Kế hoạch - Tài chính"),
    "Sở Khoa học và Công nghệ": ("Phòng Quản lý khoa học", "Trung tâm Chuyển đổi số"),
    "Công an tỉnh": ("Phòng Cảnh sát giao thông", "Phòng Tham mưu", "Công an xã Tịnh Khê"),
    "Ủy ban nhân dân xã Bình Sơn": ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Phòng Kinh tế"),
    "Ủy ban nhân dân phường Cẩm Thành": ("Phòng Văn hóa - Xã hội", "Trường Tiểu học Lê Văn Tám"),
}
POSTS = (
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên chính",
    "Phó Trưởng phòng",
    "Trưởng phòng",
    "Kế toán viên",
    "Thanh tra viên",
    "Giáo viên",
    "Bác sĩ",
    "Điều dưỡng",
    "Kỹ sư",
    "Cán sự",
)
# a few real-world names with characters XML must escape: they go through every path
SPECIAL_COLLECTIVE = ("Công ty TNHH Xây dựng & Thương mại Trà Khúc", "Hiệp hội Doanh nghiệp tỉnh")
SPECIAL_PEOPLE = (
    ("Ông Trần Văn Bình", "Kỹ sư, Phòng Nghiên cứu & Phát triển (R&D), Công ty Cổ phần Đường Quảng Ngãi"),
    (
        "Bà Phạm Thị Hoa",
        'Kế toán viên, Tổ dự án <Chuyển đổi số> & "Đô thị thông minh", Sở Khoa học và Công nghệ',
    ),
    ("Ông Lê Văn O'Neil", "Chuyên viên, Phòng Hợp tác quốc tế < 5 người, Sở Ngoại vụ"),
)


@dataclass(frozen=True)
class Recipient:
    name: str  # "Ông Nguyễn Văn An" or the collective's name
    detail: str  # post and unit, or the collective's parent


@dataclass(frozen=True)
class Content:
    collectives: list[Recipient]
    people: list[Recipient]
    decision: DecisionDoc
    attached: ListDoc
    certificates: list[CertificateDoc]

    @property
    def recipients(self) -> list[Recipient]:
        return self.collectives + self.people

    @property
    def entries(self) -> list[str]:
        return [entry for section in self.attached.sections for entry in section.entries]


def make_recipients(rng: random.Random, rows: int) -> tuple[list[Recipient], list[Recipient]]:
    departments = list(UNITS)
    n_collectives = max(1, round(rows * COLLECTIVE_SHARE))
    collectives = []
    for _ in range(n_collectives):
        department = rng.choice(departments)
        collectives.append(Recipient(rng.choice(UNITS[department]), department))
    people = []
    for _ in range(rows - n_collectives):
        salutation = "Bà" if rng.random() < 0.45 else "Ông"
        given = f"{rng.choice(MIDDLE[salutation])} {rng.choice(GIVEN[salutation])}"
        name = f"{salutation} {rng.choice(FAMILY)} {given}"
        department = rng.choice(departments)
        people.append(Recipient(name, f"{rng.choice(POSTS)}, {rng.choice(UNITS[department])}, {department}"))
    collectives[min(3, len(collectives) - 1)] = Recipient(*SPECIAL_COLLECTIVE)
    for k, (name, detail) in enumerate(SPECIAL_PEOPLE):  # spread over the list, away from the ends
        people[(k + 1) * len(people) // (len(SPECIAL_PEOPLE) + 1)] = Recipient(name, detail)
    return collectives, people


def make_content(seed: int, rows: int, certificates: int) -> Content:
    rng = random.Random(seed)
    collectives, people = make_recipients(rng, rows)
    header = Header(
        issuer="ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        number=5,
        symbol="QĐ-UBND",
        place="Quảng Ngãi",
        day=SIGNED_ON,
    )
    signs = signature("Chủ tịch", "Phó Chủ tịch", "Nguyễn Văn Minh")  # KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
    award = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    decision = DecisionDoc(
        header=header,
        summary=f"Về việc tặng {award}",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        bases=sentence_list(
            [
                "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về "
                "phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng và quy định chi tiết Luật Thi "
                "đua, khen thưởng",
                "Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng tỉnh ngày 26 tháng 12 năm 2025",
                "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 412/TTr-SNV ngày 29 tháng 12 năm 2025",
            ]
        ),
        articles=[
            Article(
                number=1,
                text=f"Tặng {award} cho {len(collectives):02d} tập thể và {len(people):02d} cá nhân "
                f"(có danh sách kèm theo) đã có thành tích xuất sắc trong phong trào thi đua năm {YEAR}.",
            ),
            Article(
                number=2,
                text="Tiền thưởng kèm theo thực hiện theo quy định tại Nghị định số 152/2025/NĐ-CP; kinh phí "
                "do Ủy ban nhân dân tỉnh Quảng Ngãi chi trả (Luật Thi đua, khen thưởng, Điều 11 khoản 4).",
            ),
            Article(
                number=3,
                text="Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, thủ trưởng các cơ quan, đơn "
                "vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                "Quyết định này./.",
            ),
        ],
        recipients=sentence_list(["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, TĐKT"]),
        signature=signs,
    )
    attached = ListDoc(
        subtitle=f"CÁC TẬP THỂ VÀ CÁ NHÂN ĐƯỢC TẶNG {award.upper()}",
        reference=f"(Kèm theo Quyết định số 05/QĐ-UBND {header.place_date.split(', ', 1)[1]} "
        "của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi)",
        sections=[
            Section(
                heading="I. TẬP THỂ", entries=sentence_list([f"{c.name}, {c.detail}" for c in collectives])
            ),
            Section(heading="II. CÁ NHÂN", entries=sentence_list([f"{p.name}, {p.detail}" for p in people])),
        ],
    )
    recipients = collectives + people
    certificate_list = [
        CertificateDoc(
            issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
            heading="BẰNG KHEN",
            recipient=r.name,
            recipient_detail=r.detail,
            achievement=f"Đã có thành tích xuất sắc trong phong trào thi đua năm {YEAR}",
            decision_line=f"Quyết định số 05/QĐ-UBND ngày {SIGNED_ON:%d/%m/%Y}",
            golden_book=f"Số sổ vàng: {i + 1:04d}/{SIGNED_ON.year}",
            place_date=header.place_date,
            signature=signs,
        )
        for i, r in enumerate(recipients[i % len(recipients)] for i in range(certificates))
    ]
    return Content(collectives, people, decision, attached, certificate_list)


# ------------------------------------------------------------------------------- the paths


def ours_decision(content: Content) -> bytes:
    return merge([render_parts("quyet_dinh", content.decision), render_parts("danh_sach", content.attached)])


def as_dict(model: BaseModel) -> dict[str, Any]:
    return {name: getattr(model, name) for name in type(model).model_fields}


def docxtpl_render(kind: str, context: BaseModel) -> bytes:
    template = docxtpl.DocxTemplate(template_path(kind))
    template.render(as_dict(context), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def docxtpl_decision(content: Content) -> tuple[bytes, bytes]:
    return docxtpl_render("quyet_dinh", content.decision), docxtpl_render("danh_sach", content.attached)


class Bare:
    """The lower bound: the list's word/document.xml as a plain string join of <w:p> paragraphs
    (the same markup the template produces), written with zipfile. Only that one member: no styles,
    no other parts — not a complete .docx, just the cost of producing and deflating the text."""

    def __init__(self, attached: ListDoc):
        with zipfile.ZipFile(template_path("danh_sach")) as archive:
            xml = archive.read("word/document.xml").decode()
        self.head = xml[: xml.index("<w:body>") + len("<w:body>")]
        self.tail = xml[xml.index("<w:sectPr") :]
        run = (
            '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>{}<w:sz w:val="28"/>'
        )
        run += '</w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
        self.centered = '<w:p><w:pPr><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>' + run + "</w:p>"
        self.heading = '<w:p><w:pPr><w:spacing w:after="120"/><w:jc w:val="left"/></w:pPr>' + run + "</w:p>"
        self.entry = (
            '<w:p><w:pPr><w:spacing w:after="60"/><w:ind w:firstLine="720"/><w:jc w:val="both"/></w:pPr>'
            + run.format('<w:b w:val="0"/><w:i w:val="0"/>', "{}")
            + "</w:p>"
        )
        self.rule = (
            '<w:p><w:pPr><w:spacing w:after="0"/><w:ind w:left="3827" w:right="3827"/><w:jc w:val="center"/>'
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr></w:pPr></w:p>'
        )
        self.attached = attached

    def __call__(self) -> bytes:
        a, bold, italic = self.attached, '<w:b/><w:i w:val="0"/>', '<w:b w:val="0"/><w:i/>'
        parts = [
            self.head,
            self.centered.format(bold, escape(a.title)),
            self.centered.format(bold, escape(a.subtitle)),
            self.centered.format(italic, escape(a.reference)),
            self.rule,
        ]
        entry = self.entry
        for section in a.sections:
            parts.append(self.heading.format(bold, escape(section.heading)))
            parts += [entry.format(f"{i}. {escape(e)}") for i, e in enumerate(section.entries, 1)]
        parts.append(self.tail)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", "".join(parts))
        return out.getvalue()


def ours_certificates(certificates: list[CertificateDoc]) -> tuple[int, bytes, bytes]:
    """Every certificate rendered to bytes; only the total size, the first and the last are kept."""
    total, first, data = 0, b"", b""
    for c in certificates:
        data = render("bang_khen", c)
        total += len(data)
        first = first or data
    return total, first, data


def ours_certificates_to_disk(certificates: list[CertificateDoc], folder: Path) -> tuple[float, float, int]:
    """Render each certificate and write it as its own file: render and write times apart."""
    render_s = write_s = 0.0
    total = 0
    for i, c in enumerate(certificates):
        t0 = time.perf_counter()
        data = render("bang_khen", c)
        t1 = time.perf_counter()
        (folder / f"bang_khen_{i + 1:05d}.docx").write_bytes(data)
        t2 = time.perf_counter()
        render_s += t1 - t0
        write_s += t2 - t1
        total += len(data)
    return render_s, write_s, total


def ours_print_file(certificates: list[CertificateDoc]) -> bytes:
    return merge([render_parts("bang_khen", c) for c in certificates], restart_page_numbers=False)


def ours_publish(certificates: list[CertificateDoc]) -> tuple[int, bytes]:
    """What publish_decision does: render_parts once per certificate, package it as its own file,
    and merge all of them into the print file."""
    pages, total = [], 0
    for c in certificates:
        rendered = render_parts("bang_khen", c)
        pages.append(rendered)
        total += len(rendered.template.package(rendered.parts))
    return total, merge(pages, restart_page_numbers=False)


def docxtpl_certificates(certificates: list[CertificateDoc]) -> tuple[int, bytes]:
    total, data = 0, b""
    for c in certificates:
        data = docxtpl_render("bang_khen", c)
        total += len(data)
    return total, data


# ------------------------------------------------------------------------------- measuring


@dataclass
class Timing:
    times: list[float]
    result: Any

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def measure(fn: Callable[[], Any], runs: int) -> Timing:
    """Best of `runs` (the garbage collector stays on: it is part of the real cost)."""
    times, result = [], None
    for _ in range(runs):
        result = None  # let the previous run's output go before timing the next
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return Timing(times, result)


def fmt_s(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:,.2f} s"


def fmt_size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


def row(label: str, best: str, median: str = "", target: str = "", result: str = "", vs: str = "") -> None:
    print(f"  {label:<60}{best:>10}{median:>10}  {target:<9}{result:<6}{vs}".rstrip())


def verdict(best: float, target: float) -> str:
    return "PASS" if best <= target else "FAIL"


def speedup(baseline: float, ours: float) -> str:
    return f"{baseline / ours:,.1f}× faster" if baseline >= ours else f"{ours / baseline:,.1f}× slower"


# ---------------------------------------------------------------------------------- checking


class Checks:
    def __init__(self):
        self.failures: list[str] = []
        self.passed = 0

    def __call__(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"  FAILED: {what}")


def xml_parts(data: bytes, label: str, check: Checks, names: set[str] | None = None) -> int:
    """Every XML part parses, and every member's CRC matches (our zip is written by hand)."""
    parsed = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        bad = archive.testzip()
        check(bad is None, f"{label}: zip member {bad} fails its CRC")
        for name in archive.namelist():
            if (name.endswith((".xml", ".rels"))) and (names is None or name in names):
                try:
                    etree.fromstring(archive.read(name))
                    parsed += 1
                except etree.XMLSyntaxError as error:
                    check(False, f"{label}: {name} does not parse: {error}")
    return parsed


def paragraphs(data: bytes) -> tuple[Any, list[str]]:
    """The document opened with python-docx, and the text of every paragraph in document order
    (table cells included)."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    return document, [Paragraph(p, document).text for p in body.iter(qn("w:p"))]


def list_part(texts: list[str], attached: ListDoc) -> list[str]:
    """The list's paragraphs, from its title to the end."""
    start = len(texts) - 1 - texts[::-1].index(attached.title)
    return texts[start:]


def expected_list(attached: ListDoc) -> list[str]:
    lines = [attached.title, attached.subtitle, attached.reference, ""]
    for section in attached.sections:
        lines.append(section.heading)
        lines += [f"{i}. {e}" for i, e in enumerate(section.entries, 1)]
    return lines


def check_decision(
    ours: bytes, theirs: tuple[bytes, bytes], bare: bytes, content: Content, check: Checks
) -> None:
    entries = content.entries
    parsed = xml_parts(ours, "our decision", check)
    document, texts = paragraphs(ours)
    check(len(document.sections) == 2, f"our decision: {len(document.sections)} sections, expected 2")
    restarts = document.sections[-1]._sectPr.find(qn("w:pgNumType"))
    check(
        restarts is not None and restarts.get(qn("w:start")) == "1",
        "our decision: the list's section does not restart page numbers at 1",
    )
    listed = list_part(texts, content.attached)
    expected = expected_list(content.attached)
    headings = len(content.attached.sections)
    numbered = [t for t in listed if t[:1].isdigit()]
    check(
        len(listed) == len(expected) and len(numbered) == len(entries),
        f"our decision: {len(listed)} list paragraphs ({len(numbered)} entries), expected {len(expected)} "
        f"({len(entries)} entries + {headings} headings + title, subtitle, reference, rule)",
    )
    check(listed == expected, "our decision: the list's text differs from the context")
    specials = [e for e in entries if "&" in e or "<" in e]
    for label, entry in (("first", entries[0]), ("last", entries[-1]), *(("escaped", e) for e in specials)):
        check(
            any(t.endswith(f". {entry}") for t in listed),
            f"our decision: {label} entry {entry!r} not read back",
        )
    decision = content.decision
    for text in (decision.summary, decision.header.number_line, *(a.text for a in decision.articles)):
        check(any(text in t for t in texts), f"our decision: {text[:40]!r}… not found")
    print(
        f"  our decision: {parsed} XML parts parse, zip CRCs ok; python-docx reads {len(texts):,} "
        "paragraphs, "
        f"{len(numbered):,} numbered entries + {headings} headings, 2 sections (list restarts at page 1); "
        f"first, last and {len(specials)} entries with & or < read back exactly"
    )

    # docxtpl rendered the same templates with the same content: the same text in the same order
    for data, label in ((theirs[0], "docxtpl quyet_dinh"), (theirs[1], "docxtpl danh_sach")):
        xml_parts(data, label, check)
    _, decision_texts = paragraphs(theirs[0])
    _, list_texts = paragraphs(theirs[1])
    check(listed == list_texts, "docxtpl's list differs from ours (text or order)")
    ours_decision_texts = texts[: len(texts) - len(listed) - 1]
    check(ours_decision_texts == decision_texts, "docxtpl's decision text differs from ours")
    check(texts[len(ours_decision_texts)] == "", "our decision: no empty section-break paragraph")
    mismatch = next((i for i, (a, b) in enumerate(zip(listed, list_texts, strict=False)) if a != b), None)
    if mismatch is not None:
        print(f"    first difference at list paragraph {mismatch}: ours {listed[mismatch]!r}")
        print(f"                                       docxtpl {list_texts[mismatch]!r}")
    print(
        f"  docxtpl: the decision ({len(decision_texts)} paragraphs) and the list ({len(list_texts):,}) have "
        f"the same text in the same order as ours: {'yes' if listed == list_texts else 'NO'}, "
        f"{'yes' if ours_decision_texts == decision_texts else 'NO'}"
    )

    # the bare baseline wrote the same list text (else it would not be a fair lower bound)
    with zipfile.ZipFile(io.BytesIO(bare)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    bare_texts = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]
    check(bare_texts == expected, "bare baseline: its list text differs from the context")


def check_certificates(
    first: bytes,
    last: bytes,
    print_file: bytes,
    theirs: bytes,
    certificates: list[CertificateDoc],
    folder: Path | None,
    check: Checks,
) -> None:
    parsed = xml_parts(first, "our certificate", check) + xml_parts(last, "our last certificate", check)
    _, texts = paragraphs(first)
    c = certificates[0]
    for field in (c.issuer_title, c.heading, c.recipient, c.recipient_detail, c.golden_book, c.place_date):
        check(field in texts, f"our certificate: {field!r} not read back")
    _, theirs_texts = paragraphs(theirs)
    _, ours_last = paragraphs(last)
    check(ours_last == theirs_texts, "docxtpl's last certificate has different text from ours")

    # every separately written certificate: its rendered part parses (the static parts were above)
    files = sorted(folder.glob("*.docx")) if folder else []
    for path in files:
        with zipfile.ZipFile(path) as archive:
            try:
                etree.fromstring(archive.read("word/document.xml"))
            except etree.XMLSyntaxError as error:
                check(False, f"{path.name}: word/document.xml does not parse: {error}")
    check(
        folder is None or len(files) == len(certificates),
        f"{len(files)} certificate files, expected {len(certificates)}",
    )
    # the escaped recipients, each in its own file, read back exactly
    specials = [i for i, c in enumerate(certificates) if set("&<'\"") & set(c.recipient + c.recipient_detail)]
    for i in specials[:4]:
        data = files[i].read_bytes() if files else render("bang_khen", certificates[i])
        _, texts = paragraphs(data)
        wanted = certificates[i]
        check(
            wanted.recipient in texts and wanted.recipient_detail in texts,
            f"certificate {i + 1}: {wanted.recipient!r} / {wanted.recipient_detail!r} not read back",
        )

    parsed_print = xml_parts(print_file, "our print file", check)
    document, texts = paragraphs(print_file)
    names = {c.recipient for c in certificates}
    found = [t for t in texts if t in names]
    books = [t for t in texts if t.startswith("Số sổ vàng: ")]
    check(
        found == [c.recipient for c in certificates],
        f"print file: {len(found):,} recipient names in order, expected {len(certificates):,}",
    )
    check(books == [c.golden_book for c in certificates], "print file: golden-book numbers differ")
    check(
        len(document.sections) == len(certificates),
        f"print file: {len(document.sections):,} sections, expected {len(certificates):,}",
    )
    restarts = sum(s._sectPr.find(qn("w:pgNumType")) is not None for s in document.sections)
    check(restarts == 0, f"print file: {restarts} sections restart page numbers (expected none)")
    print(
        f"  our certificates: {parsed} XML parts of the first and last parse; "
        f"{len(files):,} files on disk, each word/document.xml parses; "
        f"{min(len(specials), 4)} with & < ' \" read back exactly; docxtpl's last certificate has the same "
        f"text as ours: {'yes' if ours_last == theirs_texts else 'NO'}"
    )
    print(
        f"  our print file: {parsed_print} XML parts parse, zip CRCs ok; python-docx reads {len(texts):,} "
        f"paragraphs, {len(document.sections):,} sections; {len(found):,} recipient names and "
        f"{len(books):,} golden-book numbers, in order"
    )


# ------------------------------------------------------------------------------------- main


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=ROWS, help=f"entries in the Danh sách ({ROWS:,})")
    parser.add_argument(
        "--certificates", type=int, default=CERTIFICATES, help=f"certificates ({CERTIFICATES:,})"
    )
    parser.add_argument(
        "--sample", type=int, default=SAMPLE, help=f"docxtpl certificates rendered ({SAMPLE})"
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per figure, the best counts ({RUNS})")
    parser.add_argument("--seed", type=int, default=2026, help="content generator seed")
    parser.add_argument("--out", type=Path, help="keep the produced files in this folder")
    args = parser.parse_args(argv)
    if min(args.rows, args.certificates, args.sample, args.runs) < 1 or args.rows < 10:
        parser.error("--rows must be at least 10; --certificates, --sample and --runs at least 1")
    args.sample = min(args.sample, args.certificates)

    print(
        f"Document benchmark: a Quyết định with a {args.rows:,}-row Danh sách; {args.certificates:,} "
        f"Bằng khen (best of {args.runs}, median beside it)"
    )
    print(
        f"  {platform.python_implementation()} {platform.python_version()} · {os.cpu_count()} CPU "
        f"({cpu_model()}, {platform.system()}) · one core for the headline figures · "
        f"docxtpl {docxtpl.__version__} · python-docx {docx.__version__} · Jinja2 {jinja2.__version__} · "
        f"lxml {lxml.__version__}"
    )
    started = time.perf_counter()
    content = make_content(args.seed, args.rows, args.certificates)
    made_s = time.perf_counter() - started
    specials = sum(1 for e in content.entries if "&" in e or "<" in e)
    print(
        f"  content   {len(content.collectives):,} collectives + {len(content.people):,} individuals "
        f"({specials} with & or <), {len(content.certificates):,} certificate contexts; seed {args.seed}; "
        f"validated pydantic contexts built in {fmt_s(made_s)} (not timed below: both engines get them)"
    )
    started = time.perf_counter()
    for kind in ("quyet_dinh", "danh_sach", "bang_khen"):
        load(kind)
    print(
        f"  templates {', '.join(template_path(k).name for k in ('quyet_dinh', 'danh_sach', 'bang_khen'))}: "
        f"loaded, checked and compiled once in {fmt_s(time.perf_counter() - started)} (cached per file "
        "version; not in the figures below — docxtpl has no such cache, its figures include opening the file)"
    )
    ours_decision(content)  # warm up both paths once
    docxtpl_render("bang_khen", content.certificates[0])
    check = Checks()
    header = ("best", "median", "target", "")

    # -- A. the decision with its list
    print(f"\nA. Quyết định + Danh sách ({args.rows:,} rows) → one .docx in memory")
    row("", *header, "vs docxtpl")
    ours_a = measure(lambda: ours_decision(content), args.runs)
    theirs_a = measure(lambda: docxtpl_decision(content), args.runs)
    bare = Bare(content.attached)
    bare_a = measure(bare, args.runs)
    theirs_parts = [
        measure(lambda: docxtpl_render("quyet_dinh", content.decision), 1).best,
        measure(lambda: docxtpl_render("danh_sach", content.attached), 1).best,
    ]
    row(
        "ours: merge(quyet_dinh, danh_sach), one file",
        fmt_s(ours_a.best),
        fmt_s(ours_a.median),
        f"≤ {DECISION_TARGET_S:g} s",
        verdict(ours_a.best, DECISION_TARGET_S),
        speedup(theirs_a.best, ours_a.best),
    )
    row(
        "docxtpl: quyet_dinh + danh_sach, two files, times added*",
        fmt_s(theirs_a.best),
        fmt_s(theirs_a.median),
    )
    row(
        f"  of which quyet_dinh {fmt_s(theirs_parts[0])}, danh_sach {fmt_s(theirs_parts[1])} (one run each)",
        "",
    )
    row(
        "bare string join + zipfile (lower bound)**",
        fmt_s(bare_a.best),
        fmt_s(bare_a.median),
        "",
        "",
        f"ours is {ours_a.best / bare_a.best:,.1f}× the lower bound",
    )
    print(
        "  * docxtpl cannot merge two documents: the decision and its list are rendered as two files\n"
        "    and the two times are added. Each docxtpl figure includes DocxTemplate(path) (opening the\n"
        "    template), render(context, autoescape=True) and save() to a BytesIO.\n"
        "  ** the list's word/document.xml only (no decision, no styles or other parts: not a complete\n"
        "    .docx), escaped with xml.sax.saxutils and deflated by zipfile at its default level."
    )
    our_decision = ours_a.result
    check(
        all(ours_decision(content) == our_decision for _ in range(2)),
        "our decision: the same content does not give the same bytes",
    )

    # -- B. certificates
    certificates = content.certificates
    n = len(certificates)
    print(f"\nB. {n:,} certificates (Bằng khen), one core")
    row("", *header, "vs docxtpl")
    ours_b = measure(lambda: ours_certificates(certificates), args.runs)
    sample = certificates[-args.sample :]
    theirs_b = measure(lambda: docxtpl_certificates(sample), args.runs)
    theirs_each = theirs_b.best / len(sample)
    theirs_all = theirs_each * n
    measured_all = len(sample) == n
    row(
        f"ours: {n:,} × render() → bytes, separate files (in memory)*",
        fmt_s(ours_b.best),
        fmt_s(ours_b.median),
        f"≤ {CERTIFICATES_TARGET_S:g} s",
        verdict(ours_b.best, CERTIFICATES_TARGET_S),
        speedup(theirs_all, ours_b.best),
    )
    row("  per certificate", fmt_s(ours_b.best / n), fmt_s(ours_b.median / n))
    keep = args.out is not None
    folder_context = tempfile.TemporaryDirectory(prefix="vinhdanh-bench-") if not keep else None
    folder = (args.out / "bang_khen") if keep else Path(folder_context.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bang_khen_*.docx"):
        old.unlink()
    gc.collect()
    started = time.perf_counter()
    render_s, write_s, _ = ours_certificates_to_disk(certificates, folder)
    disk_s = time.perf_counter() - started
    row(
        "ours: the same, each also written to its own file (one run)",
        fmt_s(disk_s),
        "",
        f"≤ {CERTIFICATES_TARGET_S:g} s",
        verdict(disk_s, CERTIFICATES_TARGET_S),
        speedup(theirs_all, disk_s),
    )
    row(f"  of which render {fmt_s(render_s)}, write_bytes {fmt_s(write_s)}", "")
    ours_print = measure(lambda: ours_print_file(certificates), args.runs)
    row(
        f"ours: one merged print file of {n:,} (render_parts + merge)",
        fmt_s(ours_print.best),
        fmt_s(ours_print.median),
        f"≤ {CERTIFICATES_TARGET_S:g} s",
        verdict(ours_print.best, CERTIFICATES_TARGET_S),
        speedup(theirs_all, ours_print.best) + "**",
    )
    ours_both = measure(lambda: ours_publish(certificates), args.runs)
    row(
        "ours: both, as publish_decision does (render_parts once)",
        fmt_s(ours_both.best),
        fmt_s(ours_both.median),
        f"≤ {CERTIFICATES_TARGET_S:g} s",
        verdict(ours_both.best, CERTIFICATES_TARGET_S),
        speedup(theirs_all, ours_both.best) + "**",
    )
    label = "measured" if measured_all else f"EXTRAPOLATED from {len(sample):,}"
    row(
        f"docxtpl: {n:,} separate files, {label}", fmt_s(theirs_all), fmt_s(theirs_b.median / len(sample) * n)
    )
    row(
        f"  per certificate (best of {args.runs} runs of {len(sample):,})",
        fmt_s(theirs_each),
        fmt_s(theirs_b.median / len(sample)),
    )
    print(
        f"  * each file's bytes are made and dropped (only sizes kept), so {n:,} files need not fit in\n"
        f"    memory; the next line writes them into {'--out' if keep else 'a temporary folder'}, "
        "timing the writes apart.\n"
        "  ** docxtpl cannot merge documents: compared with its separate files (extrapolated)."
    )

    # -- sizes
    theirs_decision, theirs_list = theirs_a.result
    total_b, first_cert, last_cert = ours_b.result
    their_cert = docxtpl_render("bang_khen", certificates[-1])
    print("\nSizes")
    print(f"  ours     decision + list, one file     {fmt_size(len(our_decision)):>10}")
    print(
        f"  docxtpl  decision, list                {fmt_size(len(theirs_decision)):>10}, "
        f"{fmt_size(len(theirs_list))}"
    )
    print(f"  bare     list document.xml only        {fmt_size(len(bare_a.result)):>10}")
    print(f"  ours     one certificate               {fmt_size(len(first_cert)):>10}")
    print(f"  docxtpl  one certificate               {fmt_size(len(their_cert)):>10}")
    print(f"  ours     {n:,} certificates, all files {fmt_size(total_b):>10}")
    print(f"  ours     merged print file of {n:,}   {fmt_size(len(ours_print.result)):>10}")

    # -- checks
    print("\nChecks (the outputs read back)")
    check_decision(our_decision, theirs_a.result, bare_a.result, content, check)
    check(ours_both.result[1] == ours_print.result, "the print file differs between merge paths")
    check(ours_both.result[0] == total_b, "publish path: the separate files differ in size from render()")
    check_certificates(first_cert, last_cert, ours_print.result, their_cert, certificates, folder, check)

    if keep:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "quyet_dinh_danh_sach.docx").write_bytes(our_decision)
        (args.out / "docxtpl_quyet_dinh.docx").write_bytes(theirs_decision)
        (args.out / "docxtpl_danh_sach.docx").write_bytes(theirs_list)
        (args.out / "bare_danh_sach.zip").write_bytes(bare_a.result)
        (args.out / "bang_khen_in.docx").write_bytes(ours_print.result)
        (args.out / "docxtpl_bang_khen_last.docx").write_bytes(their_cert)
        print(f"  files kept in {args.out}")
    elif folder_context is not None:
        folder_context.cleanup()

    print(
        f"\n{check.passed} checks passed, {len(check.failures)} failed"
        + ("" if not check.failures else ": " + "; ".join(check.failures))
    )
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
