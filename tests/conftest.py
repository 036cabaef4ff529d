"""Shared fixtures: one migrated database per test session (SQLite, or PostgreSQL when
VINHDANH_TEST_DATABASE_URL is set); every test runs in a transaction that is rolled back."""

import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

_DATA = Path(tempfile.mkdtemp(prefix="vinhdanh-test-"))
os.environ["VINHDANH_DATA_DIR"] = str(_DATA)

from models.config import get_settings  # noqa: E402
from models.db import make_engine, migrate  # noqa: E402

get_settings.cache_clear()
POSTGRES_URL = os.environ.get("VINHDANH_TEST_DATABASE_URL")


def fresh_engine() -> sa.Engine:
    """A newly migrated, empty database of the configured kind."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        engine = make_engine(f"sqlite:///{tempfile.mkdtemp(dir=_DATA)}/test.db")
    migrate(engine)
    return engine


@pytest.fixture(scope="session")
def engine():
    engine = fresh_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


@pytest.fixture
def province(session):
    from tests.factories import build_province

    return build_province(session)
