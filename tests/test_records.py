"""The records that must not lie: the audit chain, the document register, uploaded files,
and the schema the migrations build."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update
from sqlmodel import SQLModel, select

import models  # noqa: F401  (every table on the metadata)
from models import audit
from models.decide import next_number
from models.dossier import Store, attach, check_upload
from models.errors import InvalidInput
from models.nominations import DossierDocument
from models.workflow import apply
from tests.factories import docx_bytes
from tests.test_workflow import RULES, draft

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_tampering_with_an_event_breaks_the_chain_at_that_event(session, province):
    n = draft(session, province)
    apply(session, n, "withdraw", province.actors["officer"], reason="Nhầm đối tượng")
    assert audit.verify(session) is None
    _, second = audit.trail(session, "nomination", n.id)
    session.exec(update(audit.Event).where(audit.Event.id == second.id).values(reason="Đơn vị tự rút"))
    session.expire_all()
    assert audit.verify(session) == audit.Break(second.id, audit.Problem.BAD_MAC)


def test_a_signature_rolled_back_gives_its_number_back(session, province):
    stc = province.units["stc"].id
    with session.begin_nested() as attempt:  # a signing that fails after taking its number
        assert next_number(session, stc, 2025, "QĐ") == 1
        attempt.rollback()
    assert next_number(session, stc, 2025, "QĐ") == 1  # the retry: nothing skipped


def test_register_numbers_run_per_issuer_and_restart_each_year(session, province):
    stc, ubnd = province.units["stc"].id, province.units["province"].id
    numbers = [next_number(session, stc, 2025, "QĐ") for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert next_number(session, ubnd, 2025, "QĐ") == 1  # another issuer, its own series
    assert next_number(session, stc, 2025, "TTr") == 1  # another document type
    assert next_number(session, stc, 2026, "QĐ") == 1  # a new year starts again at 01


def test_control_characters_are_dropped_from_file_names():
    assert check_upload("bao\x00cao.pdf", "application/pdf", b"%PDF-1.7") == "baocao.pdf"


@pytest.mark.parametrize(
    ("filename", "content_type", "content", "problem"),
    [
        ("bao-cao.exe", "application/x-msdownload", b"MZ", "không được chấp nhận"),
        ("bao-cao.pdf", "application/pdf", b"<html>", "không phải application/pdf"),
        ("bao-cao.docx", "application/pdf", b"%PDF-1.7", "không khớp"),
        ("../../etc/passwd.pdf", "application/pdf", b"%PDF-1.7", None),  # the path is dropped
        ("bao|cao.pdf", "application/pdf", b"%PDF-1.7", "Tên tệp không hợp lệ"),
        ("rong.pdf", "application/pdf", b"", "rỗng"),
    ],
)
def test_uploads_are_checked_by_type_content_and_name(filename, content_type, content, problem):
    if problem is None:
        assert check_upload(filename, content_type, content) == "passwd.pdf"
    else:
        with pytest.raises(InvalidInput, match=problem):
            check_upload(filename, content_type, content)


def test_a_new_upload_is_a_new_version_stored_by_checksum(session, province, tmp_path):
    n = draft(session, province)
    store = Store(tmp_path)
    for text in ("Bản đầu", "Bản bổ sung"):
        attach(
            session,
            province.actors["officer"],
            "bao_cao_thanh_tich",
            "Báo cáo.docx",
            DOCX,
            docx_bytes(text),
            ruleset=RULES,
            nomination_id=n.id,
            store=store,
        )
    documents = session.exec(select(DossierDocument).where(DossierDocument.nomination_id == n.id)).all()
    assert [d.version for d in documents] == [1, 2]
    again = attach(
        session,
        province.actors["officer"],
        "bao_cao_thanh_tich",
        "Báo cáo.docx",
        DOCX,
        docx_bytes("Bản bổ sung"),
        ruleset=RULES,
        nomination_id=n.id,
        store=store,
    )
    assert again.id == documents[1].id  # the same file again adds no version
    assert all(store.path(d.sha256).read_bytes() == store.get(d.sha256) for d in documents)
    assert documents[0].sha256 != documents[1].sha256


def test_unknown_dossier_kind_is_refused(session, province):
    n = draft(session, province)
    with pytest.raises(InvalidInput, match="Loại hồ sơ"):
        attach(
            session,
            province.actors["officer"],
            "anh_chan_dung",
            "a.pdf",
            "application/pdf",
            b"%PDF-1",
            ruleset=RULES,
            nomination_id=n.id,
        )


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_every_string_is_stored_nfc(session, province):
    from models.org import Person

    p = Person(full_name="Tra\u0302\u0300n Thi\u0323 Hoa")  # decomposed, as macOS keyboards send it
    session.add(p)
    session.flush()
    session.expire(p)
    assert p.full_name == "Trần Thị Hoa"
