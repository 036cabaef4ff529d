"""The audit log shows tampering by anyone who can write to the database but holds neither the
key nor the checkpoint file: events are sealed with HMAC-SHA256 under a key kept outside the
database, and the head is checkpointed to a file outside it."""

import hashlib
import logging
import stat
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from models import audit
from models.access import system_actor
from models.audit import AuditHead, AuditSetupError, Break, Event, Problem
from models.config import configured
from models.db import migrate, session_scope
from service.cli import cli
from tests.conftest import fresh_engine

ACTOR = system_actor()


@pytest.fixture(autouse=True)
def outside(tmp_path):
    """The key and the checkpoint file of each test: its own, as on another host."""
    with configured(audit_key_file=tmp_path / "audit.key", audit_checkpoint_file=tmp_path / "checkpoints"):
        yield tmp_path


def log(session: Session, count: int) -> list[Event]:
    """`count` events, committed."""
    for i in range(count):
        audit.record(session, ACTOR, "return", "nomination", i, reason=f"Lần {i}")
    session.commit()
    return list(session.exec(select(Event).order_by(Event.id)))


def rehash_plainly(session: Session, edited: Event) -> None:
    """What a database writer could do before the key: recompute the chain with SHA-256 from
    the edited event on, and move the head to match."""
    previous = edited.prev_hash
    for event in session.exec(select(Event).where(Event.id >= edited.id).order_by(Event.id)):
        event.prev_hash = previous
        event.hash = previous = hashlib.sha256(audit.canonical(event.model_dump())).hexdigest()
    session.get(AuditHead, 1).last_hash = previous
    session.flush()


def test_an_intact_log_verifies_with_its_checkpoints(session, outside):
    log(session, 3)
    assert audit.checkpoint(session) is not None
    log(session, 2)
    assert audit.verify(session) is None
    assert len((outside / "checkpoints").read_text().splitlines()) == 1


def test_an_edited_event_rehashed_with_plain_sha256_is_caught(session):
    _, second, _ = log(session, 3)
    second.reason = "Đơn vị tự rút"
    rehash_plainly(session, second)
    assert audit.verify(session) == Break(second.id, Problem.BAD_MAC)


def test_an_event_removed_from_the_middle_breaks_the_link(session):
    _, second, third = log(session, 3)
    session.delete(second)
    session.flush()
    assert audit.verify(session) == Break(third.id, Problem.BAD_LINK)


def test_cutting_the_tail_and_moving_the_head_back_is_caught_by_a_checkpoint(session):
    events = log(session, 5)
    audit.checkpoint(session)
    for cut in events[3:]:
        session.delete(cut)
    session.get(AuditHead, 1).last_hash = events[2].hash
    session.flush()
    assert audit.verify(session) == Break(events[-1].id, Problem.CHECKPOINT_MISSING)


def test_an_event_rewritten_under_the_key_after_its_checkpoint_is_caught(session):
    """A writer holding the key (or a bug) rewriting vouched-for history still meets the checkpoint."""
    _, second = log(session, 2)
    audit.checkpoint(session)
    session.refresh(second)
    second.reason = "Đơn vị tự rút"
    second.hash = audit.seal(audit.signer(), second.model_dump())
    session.get(AuditHead, 1).last_hash = second.hash
    session.flush()
    assert audit.verify(session) == Break(second.id, Problem.CHECKPOINT_MISMATCH)


def test_a_tail_cut_without_moving_the_head_is_caught(session):
    *_, last = log(session, 3)
    session.delete(last)
    session.flush()
    assert audit.verify(session).problem is Problem.HEAD_MISMATCH


def test_a_wrong_key_is_caught(session):
    first, _ = log(session, 2)
    with configured(audit_key="k" * 64):
        assert audit.verify(session) == Break(first.id, Problem.BAD_MAC)


@pytest.mark.parametrize(
    "values",
    [
        {"reason": unicodedata.normalize("NFD", "Thiếu biên bản\x0bhọp")},  # pasted from Word
        {"at": datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=7)))},  # a local time
    ],
    ids=["text_stored_as_nfc", "time_stored_as_utc"],
)
def test_an_event_is_sealed_as_the_database_stores_it(session, values):
    audit.record(session, ACTOR, "return", "nomination", 1, **values)
    session.commit()
    session.expire_all()
    assert audit.verify(session) is None


def test_the_key_file_is_made_for_its_owner_only_when_the_log_begins(session, outside):
    log(session, 1)
    key = outside / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 64


def test_a_lost_key_is_reported_not_replaced(session, outside):
    log(session, 1)
    with configured(audit_key_file=outside / "lost.key"):
        with pytest.raises(AuditSetupError, match="khôi phục khoá"):
            audit.record(session, ACTOR, "return", "nomination", 2)
        with pytest.raises(AuditSetupError):
            audit.verify(session)
    assert not (outside / "lost.key").exists()


def test_a_short_key_is_refused(session):
    with configured(audit_key="ngắn"), pytest.raises(AuditSetupError, match="ít nhất 32"):
        audit.record(session, ACTOR, "return", "nomination", 1)


def test_verify_audit_says_where_and_why_in_plain_words(app_db, outside):
    with session_scope(app_db) as session:
        first, second = log(session, 2)
    intact = CliRunner().invoke(cli, ["db", "verify-audit", "--checkpoint"])
    assert intact.exit_code == 0, intact.output
    assert f"sự kiện {second.id}" in intact.output
    assert (outside / "checkpoints").read_text().startswith(f"{second.id} {second.hash} ")
    with session_scope(app_db) as session:
        session.exec(sa.update(Event).where(Event.id == first.id).values(reason="Đã sửa"))
    broken = CliRunner().invoke(cli, ["db", "verify-audit"])
    assert broken.exit_code == 1
    assert f"mã xác thực của sự kiện {first.id} sai" in broken.output


# ------------------------------------------------------------ logs from before the key (0005)


def plain_log(engine: sa.Engine, count: int) -> None:
    """Events as the code before migration 0005 wrote them: chained with plain SHA-256."""
    previous = audit.GENESIS
    with Session(engine) as session:
        for i in range(count):
            event = Event(
                actor="Hệ thống Vinh Danh",
                action="return",
                entity="nomination",
                entity_id=i,
                prev_hash=previous,
            )
            event.hash = previous = hashlib.sha256(audit.canonical(event.model_dump())).hexdigest()
            session.add(event)
        session.get(AuditHead, 1).last_hash = previous
        session.exec(sa.text("UPDATE alembic_version SET version_num = '0004'"))
        session.commit()


def verify_on(engine: sa.Engine) -> Break | None:
    with Session(engine) as session:
        return audit.verify(session)


KEYED = "0005"  # the migration under test: set back to 0004, only it runs again, not those after it


@pytest.fixture
def old_database():
    engine = fresh_engine("audit")
    yield engine
    engine.dispose()


def test_upgrading_seals_an_unkeyed_log_under_the_key_and_checkpoints_it(old_database, outside):
    plain_log(old_database, 3)
    migrate(old_database, KEYED)
    assert verify_on(old_database) is None
    assert (outside / "checkpoints").read_text().startswith("3 ")


def test_a_log_broken_before_the_key_is_sealed_with_a_warning(old_database, caplog):
    plain_log(old_database, 3)
    with old_database.begin() as connection:
        connection.execute(sa.update(Event).where(Event.id == 2).values(reason="Đã sửa"))
    with caplog.at_level(logging.WARNING):
        migrate(old_database, KEYED)
    assert "broken at event 2" in caplog.text
    assert verify_on(old_database) is None


def test_setting_the_schema_version_back_does_not_seal_forged_events(old_database):
    plain_log(old_database, 3)
    migrate(old_database, KEYED)
    with Session(old_database) as session:
        third = session.get(Event, 3)
        third.reason = "Đã sửa"
        rehash_plainly(session, third)
        session.exec(sa.text("UPDATE alembic_version SET version_num = '0004'"))
        session.commit()
    migrate(old_database, KEYED)
    assert verify_on(old_database) == Break(3, Problem.BAD_MAC)
