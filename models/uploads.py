"""What an uploaded dossier file is, judged by its bytes: a PDF, a Word (DOCX) file, a JPEG or a
PNG photo or scan. The declared content type and the name's extension must agree with what the
content is; a Word file must be a real OOXML package that expands to a sane size; a name is only
a label (the store is addressed by checksum), cleaned of paths and refused when it cannot be
shown safely. Every check runs before anything is stored.

The old binary Word format (.doc, an OLE compound file) is not accepted: its macros live inside
the same container under the same extension, and telling a plain one from one carrying VBA
means parsing OLE. Word has saved .docx by default since 2007; a .doc is re-saved or exported
to PDF in a minute."""

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from models.errors import DomainError, InvalidInput
from models.text import nfc

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEGACY_EXCEL = "application/vnd.ms-excel"  # what some browsers declare for any Excel file


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: frozenset[str]


PDF = FileType("application/pdf", "PDF", frozenset({".pdf"}))
WORD = FileType(DOCX, "Word (DOCX)", frozenset({".docx"}))
JPEG = FileType("image/jpeg", "JPEG", frozenset({".jpg", ".jpeg"}))
PNG = FileType("image/png", "PNG", frozenset({".png"}))
TYPES = {t.content_type: t for t in (PDF, WORD, JPEG, PNG)}
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}
# What a client sends when it does not know the type: no claim to check against the content.
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}

# Limits of a Word file's zip package. A report with photos is a few MB; a hundred parts is a
# large one. A deflated part of XML shrinks 5-20 times; 200 times is zeros, not a document.
MAX_EXPANDED = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_RATIO = 200
RATIO_FROM = 1024 * 1024  # small parts may compress absurdly well (an empty style sheet)
CHUNK = 64 * 1024
NESTED = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # a zip (an embedded .xlsx, .docx, .zip) or an OLE object
MARKUP = re.compile(rb"<\s*(html|script|!doctype|body|iframe|svg)\b", re.IGNORECASE)
MAX_NAME = 200
# Windows gives these names (with any extension) to devices: a file saved as one cannot be opened.
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
UNSAFE = re.compile(r"[<>:\"|?*\\/]")


class TooLarge(DomainError):
    code, status = "payload_too_large", 413


def clean_filename(name: str) -> str:
    """The name to show and to offer on download: its folders dropped, whatever the separator
    ('../../x.pdf', 'C:\\x.pdf' → 'x.pdf'), a device name made harmless; refused when empty,
    overlong, or carrying a character a file system or a screen would misread (control and
    format characters such as the right-to-left override that turns 'gpj.exe' around)."""
    base = PureWindowsPath(PurePosixPath(nfc(name)).name).name.strip().rstrip(". ").strip()
    refused = InvalidInput(f"Tên tệp không hợp lệ (invalid file name): {name[:80]!r}", field="filename")
    if not base or set(base) == {"."} or len(base) > MAX_NAME or UNSAFE.search(base):
        raise refused
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in base):
        raise refused
    return f"_{base}" if RESERVED.match(base) else base


def sniff(content: bytes) -> FileType | None:
    """The accepted type these bytes are, by their signature; None for anything else."""
    if re.match(rb"%PDF-[12]\.\d", content):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return WORD
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"):
        return PNG
    return None


def check_docx(content: bytes, name: str) -> None:
    """A real Word package (check_package)."""
    check_package(content, name, "tài liệu Word", "word/document.xml", MAX_EXPANDED)


def check_xlsx(content: bytes, name: str, expanded: int) -> None:
    """A real Excel workbook of at most `expanded` bytes unpacked (check_package)."""
    if not content.startswith(b"PK\x03\x04"):
        raise InvalidInput(f"Tệp {name} không phải bảng tính Excel (.xlsx)", field="file")
    check_package(content, name, "bảng tính Excel (.xlsx)", "xl/workbook.xml", expanded)


def check_package(content: bytes, name: str, what: str, main_part: str, limit: int) -> None:
    """A real OOXML package with its main part, refused before it is stored when it is a zip
    bomb: by what its central directory declares (total size, ratio, entry count, nested
    archives), then by expanding every part as a stream, counting bytes and stopping at what
    was declared; and when it carries macros."""

    def refuse(why: str) -> InvalidInput:
        return InvalidInput(f"Tệp {name} không phải {what} hợp lệ: {why}", field="file")

    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise refuse(f"tệp nén hỏng ({error})") from None
    if len(entries) > MAX_ENTRIES:
        raise refuse(f"có {len(entries)} thành phần, quá {MAX_ENTRIES} (too many entries)")
    declared = sum(e.file_size for e in entries)
    if declared > limit:
        raise refuse(f"giải nén ra {declared // 2**20} MB, quá {limit // 2**20} MB (zip bomb)")
    names = {e.filename for e in entries}
    for e in entries:
        if e.file_size > RATIO_FROM and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise refuse(f"thành phần {e.filename[:80]} nén với tỷ lệ bất thường (zip bomb)")
        if e.flag_bits & 0x1:
            raise refuse("có thành phần được mã hoá (encrypted)")
        if e.filename.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", e.filename):
            raise refuse(f"tên thành phần {e.filename[:80]!r} trỏ ra ngoài gói")
    if not {"[Content_Types].xml", main_part} <= names:
        raise refuse(f"thiếu [Content_Types].xml hoặc {main_part}")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse("có macro (VBA); hãy lưu lại thành tệp không có macro")
    expanded = 0
    for e in entries:
        expanded += _expand(content, e, limit - expanded, refuse)


def _expand(content: bytes, entry: zipfile.ZipInfo, budget: int, refuse) -> int:
    """Expand one part as a stream, a chunk at a time, counting: refused as soon as it outgrows
    what its header declares or the budget left; it must then end where declared, with its
    checksum. (Python's zipfile would stop quietly at the declared size, leaving the rest for
    whichever program opens the file next.)"""
    name = entry.filename[:80]
    try:
        signature, *_, name_length, extra_length = struct.unpack_from(
            "<IHHHHHIIIHH", content, entry.header_offset
        )
    except struct.error:
        raise refuse(f"thành phần {name} nằm ngoài tệp") from None
    start = entry.header_offset + 30 + name_length + extra_length
    data = memoryview(content)[start : start + entry.compress_size]
    if signature != 0x04034B50 or len(data) != entry.compress_size:
        raise refuse(f"thành phần {name} hỏng")
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refuse(f"thành phần {name} nén theo cách Word không dùng")
    inflater = zlib.decompressobj(-15) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    expanded, crc = 0, 0
    try:
        for piece in _pieces(data, inflater):
            if expanded == 0 and piece.startswith(NESTED):
                raise refuse(f"có tệp nén hoặc đối tượng nhúng ({name}) (nested archive)")
            expanded += len(piece)
            if expanded > min(entry.file_size, budget):
                raise refuse(f"thành phần {name} giải nén lớn hơn khai báo (zip bomb)")
            crc = zlib.crc32(piece, crc)
    except zlib.error as error:
        raise refuse(f"thành phần {name} hỏng ({error})") from None
    ended = inflater is None or (inflater.eof and not inflater.unused_data)
    if not ended or expanded != entry.file_size or crc != entry.CRC:
        raise refuse(f"thành phần {name} hỏng (kích thước hoặc mã kiểm tra sai)")
    return expanded


def _pieces(data: memoryview, inflater) -> Iterator[bytes]:
    """A part's bytes expanded, at most CHUNK at a time, its compressed bytes given CHUNK at a
    time: given all at once, the inflater copies what it has not read yet at every piece (the
    check of a 40 MB workbook took 9 s of CPU instead of 1). Bytes after the end of the deflated
    stream end up in `inflater.unused_data`."""
    for offset in range(0, len(data), CHUNK):
        pending = data[offset : offset + CHUNK]
        if inflater is None:
            yield bytes(pending)
            continue
        piece = b""
        while pending or len(piece) == CHUNK:  # a full piece may leave more inside the inflater
            piece = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            yield piece


def check_file(filename: str, declared: str, content: bytes, limit: int) -> tuple[str, FileType]:
    """The cleaned name and the type the content is, or a refusal saying what is wrong."""
    name = _sized(filename, content, limit)
    declared = ALIASES.get(c := declared.split(";")[0].strip().lower(), c)
    if declared not in UNDECLARED and declared not in TYPES:
        raise InvalidInput(
            f"Loại tệp {declared!r} không được chấp nhận; chỉ nhận PDF, DOCX, JPEG, PNG", field="content_type"
        )
    found = sniff(content)
    if found is None or (found is not WORD and MARKUP.search(content[:1024])):
        what = "trang HTML hoặc mã lệnh" if MARKUP.search(content[:1024]) else "một loại tệp không nhận ra"
        claimed = declared if declared in TYPES else "PDF, DOCX, JPEG hay PNG"
        raise InvalidInput(f"Nội dung tệp {name} là {what}, không phải {claimed}", field="file")
    if declared in TYPES and declared != found.content_type:
        raise InvalidInput(
            f"Nội dung tệp {name} là {found.label}, không phải {declared} như đã khai (declared type lies)",
            field="content_type",
        )
    if PurePosixPath(name).suffix.lower() not in found.extensions:
        raise InvalidInput(
            f"Phần mở rộng của {name} không khớp nội dung {found.label} ({found.content_type}); "
            f"hãy đặt tên {'/'.join(sorted(found.extensions))}",
            field="filename",
        )
    if found is WORD:
        check_docx(content, name)
    return name, found


def check_workbook(filename: str, declared: str, content: bytes, limit: int, expanded: int) -> str:
    """The cleaned name of an Excel workbook (.xlsx) to import, or a refusal saying what is wrong."""
    name = _sized(filename, content, limit)
    declared = declared.split(";")[0].strip().lower()
    if declared not in UNDECLARED | {XLSX, LEGACY_EXCEL}:
        raise InvalidInput(f"Loại tệp {declared!r} không được chấp nhận; chỉ nhận bảng tính Excel (.xlsx)")
    if PurePosixPath(name).suffix.lower() != ".xlsx":
        raise InvalidInput(f"Tệp {name} không phải bảng tính Excel: hãy lưu thành .xlsx", field="filename")
    check_xlsx(content, name, expanded)
    return name


def _sized(filename: str, content: bytes, limit: int) -> str:
    """The cleaned name; refused when the file is empty or over the limit."""
    name = clean_filename(filename)
    if len(content) > limit:
        raise TooLarge(
            f"Tệp {name} lớn hơn {limit // 2**20} MB (file larger than {limit} bytes)", limit=limit
        )
    if not content:
        raise InvalidInput(f"Tệp {name} rỗng (empty file)", field="file")
    return name
