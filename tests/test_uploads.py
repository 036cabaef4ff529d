"""Dossier uploads are judged by their bytes (models/uploads.py), refused with a clear 4xx before
anything is stored — no row, no file in the store — and every version stays downloadable."""

import io
import random
import struct
import zipfile
import zlib

import pytest
from sqlmodel import Session, func, select

from models.config import get_settings
from models.errors import InvalidInput
from models.nominations import DossierDocument
from models.uploads import CHUNK, DOCX, MAX_ENTRIES, TooLarge, check_file, clean_filename
from tests.factories import docx_bytes
from tests.test_workflow_api import drafts, ok

MB = 1 << 20
PDF = b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64) + b"\xff\xd9"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand, so that a test states exactly what it declares: each entry is
    (name, its deflated bytes, the CRC-32 and the size it declares once expanded)."""
    out, central = io.BytesIO(), []
    for name, payload, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(payload), size, len(encoded), 0)
        )
        out.write(encoded + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                *(
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    crc,
                    len(payload),
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                ),
            )
            + encoded
        )
    directory, start = b"".join(central), out.tell()
    out.write(directory)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    )
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def zeros(megabytes: int) -> tuple[bytes, int, int]:
    """Deflated zeros, made in a blink: after a full flush the compressor starts afresh, so every
    megabyte but the last compresses to the same bytes, and they are repeated."""
    block, packer = bytes(MB), zlib.compressobj(9, zlib.DEFLATED, -15)
    packer.compress(block), packer.flush(zlib.Z_FULL_FLUSH)  # the first one starts the stream alike
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(block) + packer.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return middle * (megabytes - 1) + last, crc, megabytes * MB


def word(*extra: tuple[str, tuple[bytes, int, int]]) -> bytes:
    """A Word package's two required parts, plus the given ones."""
    parts = [
        ("[Content_Types].xml", deflated(b"<Types/>")),
        ("word/document.xml", deflated(b"<w:document/>")),
    ]
    return raw_zip([(name, *packed) for name, packed in [*parts, *extra]])


def lying(megabytes: int = 2) -> bytes:
    """A part that declares 1,000 bytes and expands to megabytes of zeros."""
    payload, _, _ = zeros(megabytes)
    return word(("word/media/image1.png", (payload, zlib.crc32(bytes(1000)), 1000)))


def nested() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.txt", "x")
    return word(("word/embeddings/Microsoft_Excel_Worksheet.xlsx", deflated(inner.getvalue())))


def many() -> bytes:
    return word(*((f"word/media/p{i}.xml", deflated(b"<p/>")) for i in range(MAX_ENTRIES)))


def trailing() -> bytes:
    """A part whose deflated stream ends before its last chunk of compressed bytes: what follows
    is no part of it (a second payload hidden from readers that stop at the end)."""
    payload, crc, size = deflated(random.Random(1).randbytes(3 * CHUNK))
    return word(("word/media/image1.png", (payload + bytes(2 * CHUNK), crc, size)))


def large() -> bytes:
    """A package whose parts expand in many chunks: random bytes (stored blocks, as many
    compressed chunks as expanded) and repeated text (a few compressed chunks, many expanded)."""
    text = "<w:p><w:t>Thi đua là động lực</w:t></w:p>".encode() * 20_000
    return word(
        ("word/media/image1.png", deflated(random.Random(2).randbytes(5 * CHUNK))),
        ("word/footnotes.xml", deflated(text)),
    )


BOMB = word(("word/media/image1.png", zeros(512)))  # 512 MB of zeros in 0.5 MB
REFUSED = [  # (why, file name, declared type, content, status, what the message says)
    ("lying extension", "anh.pdf", "image/png", png(), 422, "không khớp nội dung PNG"),
    (
        "lying declared type",
        "bao_cao.pdf",
        "application/pdf",
        docx_bytes(),
        422,
        "không phải application/pdf",
    ),
    (
        "declared type unknown",
        "bao_cao.exe",
        "application/x-msdownload",
        b"MZ\x90",
        422,
        "không được chấp nhận",
    ),
    ("html renamed .pdf", "bao_cao.pdf", "application/pdf", b"<!DOCTYPE html><html>", 422, "HTML"),
    (
        "pdf/html polyglot",
        "x.pdf",
        "application/pdf",
        b"%PDF-1.4\n<html><script>alert(1)</script>",
        422,
        "HTML",
    ),
    ("old .doc", "bao_cao.doc", "application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 422, "chấp nhận"),
    ("empty", "rong.pdf", "application/pdf", b"", 422, "rỗng"),
    ("zip that is no Word file", "a.docx", DOCX, raw_zip([("a.txt", *deflated(b"x"))]), 422, "document.xml"),
    ("512 MB docx", "bom.docx", DOCX, BOMB, 422, "zip bomb"),
    ("absurd ratio", "nen.docx", DOCX, word(("word/media/z.bin", zeros(2))), 422, "tỷ lệ bất thường"),
    ("expands past its header", "doi.docx", DOCX, lying(), 422, "lớn hơn khai báo"),
    ("bytes after its end", "du.docx", DOCX, trailing(), 422, "kích thước hoặc mã kiểm tra sai"),
    ("too many entries", "nhieu.docx", DOCX, many(), 422, "quá 1000"),
    ("nested zip", "long.docx", DOCX, nested(), 422, "nhúng"),
    ("macro", "macro.docx", DOCX, word(("word/vbaProject.bin", deflated(b"x"))), 422, "macro"),
    ("control character", "bao\tcao.pdf", "application/pdf", PDF, 422, "Tên tệp không hợp lệ"),
    ("right-to-left override", "bao\u202efdp.docx", DOCX, docx_bytes(), 422, "Tên tệp không hợp lệ"),
    ("only dots", "..", "application/pdf", PDF, 422, "Tên tệp không hợp lệ"),
    ("overlong", "a" * 250 + ".pdf", "application/pdf", PDF, 422, "Tên tệp không hợp lệ"),
]


def test_the_bomb_really_expands_to_512_mb():
    (entry,) = [e for e in zipfile.ZipFile(io.BytesIO(BOMB)).infolist() if e.filename.endswith(".png")]
    assert entry.file_size == 512 * MB and len(BOMB) < MB
    with zipfile.ZipFile(io.BytesIO(BOMB)).open(entry) as part:  # the first megabytes of it are real
        assert part.read(4 * MB) == bytes(4 * MB)


@pytest.mark.parametrize(
    ("why", "name", "declared", "content", "status", "says"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_a_file_is_judged_by_its_content(why, name, declared, content, status, says):
    with pytest.raises(InvalidInput, match=says):
        check_file(name, declared, content, 20 * MB)


@pytest.mark.parametrize(
    ("name", "declared", "content", "kept_as", "type_"),
    [
        ("Báo cáo.pdf", "application/pdf", PDF, "Báo cáo.pdf", "application/pdf"),
        ("../../x.pdf", "application/octet-stream", PDF, "x.pdf", "application/pdf"),  # no claim: sniffed
        ("C:\\Users\\hoa\\Ảnh.JPG", "image/jpg", JPEG, "Ảnh.JPG", "image/jpeg"),
        ("CON.png", "image/png", png(), "_CON.png", "image/png"),  # a Windows device name
        ("Bao cao.docx", DOCX, docx_bytes(), "Bao cao.docx", DOCX),
        ("Dài.docx", DOCX, large(), "Dài.docx", DOCX),
        ("Tra\u0302\u0300n.pdf. ", "application/pdf; charset=binary", PDF, "Trần.pdf", "application/pdf"),
    ],
)
def test_an_accepted_file_gets_a_clean_name_and_the_type_its_content_is(
    name, declared, content, kept_as, type_
):
    cleaned, found = check_file(name, declared, content, 20 * MB)
    assert (cleaned, found.content_type) == (kept_as, type_)


def test_a_file_over_the_limit_is_a_413():
    with pytest.raises(TooLarge, match="lớn hơn"):
        check_file("x.pdf", "application/pdf", PDF + bytes(100), len(PDF))
    assert TooLarge.status == 413 and clean_filename("a/b/c.pdf") == "c.pdf"


# ------------------------------------------------------------------------------ through HTTP


def stored(engine) -> tuple[int, set]:
    """What uploads have left: rows, and files in the store."""
    root = get_settings().data_dir / "documents"
    with Session(engine) as session:
        rows = session.exec(select(func.count()).select_from(DossierDocument)).one()
    return rows, {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def send(
    client, nomination_id: int, name: str, content: bytes, declared: str = "", kind="bao_cao_thanh_tich"
):
    """A multipart form written out, as a browser sends it: the name as typed (UTF-8, control
    characters and all), the type as declared."""
    boundary = "vinhdanh-b4f1c2e9d8a7"
    head = f'form-data; name="file"; filename="{name}"'
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
            f"--{boundary}\r\nContent-Disposition: {head}\r\n"
            + (f"Content-Type: {declared}\r\n" if declared else "")
            + "\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/api/v1/nominations/{nomination_id}/documents",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def test_every_refused_upload_is_a_clear_4xx_and_leaves_nothing(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])
    before = stored(app_db)
    for why, name, declared, content, status, says in REFUSED:
        answer = send(api["officer"], n, name, content, declared)
        assert answer.status_code == status, (why, answer.text)
        assert says in answer.json()["message"], (why, answer.json())
    assert stored(app_db) == before


def test_an_oversize_file_is_a_413_before_or_after_parsing_and_stores_nothing(app_db, prov, api):
    from fastapi.testclient import TestClient

    from models.config import configured
    from service.app import create_app

    (n,) = drafts(app_db, prov, ["good"])
    before = stored(app_db)
    with configured(max_upload_bytes=64 * 1024):
        client = TestClient(create_app(), headers=api["officer"].headers)
        just_over = send(client, n, "lon.pdf", PDF + bytes(64 * 1024), "application/pdf")
        far_over = send(client, n, "lon.pdf", PDF + bytes(1 * MB), "application/pdf")
        small = send(client, n, "nho.pdf", PDF, "application/pdf")
    assert (just_over.status_code, just_over.json()["error"]) == (413, "payload_too_large")
    assert "lon.pdf lớn hơn" in just_over.json()["message"]  # the model's own check
    assert (far_over.status_code, far_over.json()["error"]) == (413, "payload_too_large")  # the middleware's
    assert small.status_code == 201, small.text
    assert stored(app_db)[0] == before[0] + 1
    # the rest of the API keeps its 1 MiB limit
    big_json = api["officer"].post("/api/v1/nominations", content=b"{" + b" " * (2 * MB) + b"}")
    assert big_json.status_code == 413


def test_versions_are_kept_across_a_return_and_each_downloads_as_uploaded(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])  # with its report (version 1)
    officer, secretariat = api["officer"], api["unit_secretariat"]
    first = ok(send(officer, n, "Báo cáo thành tích.pdf", PDF, "application/pdf"), 201)
    assert (first["version"], first["content_type"], first["uploaded_by"]) == (
        2,
        "application/pdf",
        prov.people["officer"].id,
    )
    ok(officer.post("/api/v1/submissions", json={"nomination_ids": [n]}), 201)
    refused = send(officer, n, "muon.pdf", PDF + b"%", "application/pdf")
    assert (refused.status_code, refused.json()["error"]) == (
        409,
        "illegal_transition",
    )  # submitted: not the unit's now
    ok(secretariat.post(f"/api/v1/nominations/{n}/return", json={"reason": "Bổ sung ảnh"}))
    photo = ok(send(officer, n, "Ảnh minh chứng.png", png(), "image/png"), 201)
    assert photo["version"] == 3
    listed = ok(secretariat.get(f"/api/v1/nominations/{n}/documents"))
    assert [(d["kind"], d["version"]) for d in listed] == [("bao_cao_thanh_tich", v) for v in (1, 2, 3)]
    for document, content in ((first, PDF), (photo, png())):
        answer = secretariat.get(document["url"])
        assert answer.status_code == 200 and answer.content == content
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-type"] == document["content_type"]
    disposition = secretariat.get(photo["url"]).headers["content-disposition"]
    assert disposition == (
        "attachment; filename=\"Anh minh chung.png\"; filename*=UTF-8''%E1%BA%A2nh%20minh%20ch%E1%BB%A9ng.png"
    )
    ok(officer.post(f"/api/v1/nominations/{n}/resubmit", json={}))
    assert len(ok(officer.get(f"/api/v1/nominations/{n}/documents"))) == 3  # nothing removed


def test_another_unit_is_told_a_dossier_does_not_exist(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])
    (document,) = ok(api["officer"].get(f"/api/v1/nominations/{n}/documents"))
    before = stored(app_db)
    stranger = api["ministry_officer"]
    answers = [
        send(stranger, n, "x.pdf", PDF, "application/pdf"),
        stranger.get(f"/api/v1/nominations/{n}/documents"),
        stranger.get(document["url"]),
        stranger.get("/api/v1/documents/999999/content"),
        send(stranger, 999999, "x.pdf", PDF, "application/pdf"),
    ]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [(404, "not_found")] * 5
    assert stored(app_db) == before
    # who sees it but may not add to it: refused, 403
    forbidden = send(api["unit_secretariat"], n, "x.pdf", PDF, "application/pdf")
    assert (forbidden.status_code, forbidden.json()["error"]) == (403, "forbidden")
    wrong_kind = send(api["officer"], n, "x.pdf", PDF, "application/pdf", kind="to_trinh")
    assert wrong_kind.status_code == 422 and "không thuộc hồ sơ đề nghị" in wrong_kind.json()["message"]
    assert stored(app_db) == before
