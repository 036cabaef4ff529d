"""Shared fixtures: one migrated database per test session (SQLite, or PostgreSQL when
VINHDANH_TEST_DATABASE_URL is set); every test runs in a transaction that is rolled back."""

import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

_DATA = Path(tempfile.mkdtemp(prefix="vinhdanh-test-"))
os.environ["VINHDANH_DATA_DIR"] = str(_DATA)
os.environ["VINHDANH_TENANT_DIR"] = str(Path(__file__).parents[1] / "demo" / "tenants")  # the test province's

import flows.runtime  # noqa: E402,F401  (Prefect's environment, before Prefect is imported)
from models.config import get_settings  # noqa: E402
from models.db import make_engine, migrate  # noqa: E402

get_settings.cache_clear()


def _own_database(url: str | None) -> str | None:
    """Under pytest-xdist (`make test` runs two workers), each worker its own PostgreSQL database
    beside the one configured (`test` → `test_gw0`), created empty when missing: the databases a
    test makes of its own are named after it, so they cannot meet either."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = sa.make_url(url)
    own = parsed.set(database=f"{parsed.database}_{worker}")
    admin = make_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (own.database,)).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    admin.dispose()
    return own.render_as_string(hide_password=False)


POSTGRES_URL = _own_database(os.environ.get("VINHDANH_TEST_DATABASE_URL"))


def _recreate(admin: sa.Engine, database: str, template: str = "") -> None:
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.exec_driver_sql(
            f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")
        )


@lru_cache
def _migrated() -> str:
    """A database migrated once per test session, which each new one of a test is a copy of:
    running the migrations again for every test that needs a database of its own cost a third
    of a second each (a file copied on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL)."""
    if POSTGRES_URL:
        url = sa.make_url(POSTGRES_URL)
        admin = make_engine(url.render_as_string(hide_password=False))
        template = f"{url.database}_migrated"
        _recreate(admin, template)
        admin.dispose()
        engine = make_engine(url.set(database=template).render_as_string(hide_password=False))
    else:
        template = str(_DATA / "migrated.db")
        engine = make_engine(f"sqlite:///{template}")
    migrate(engine)
    engine.dispose()  # no connection left: PostgreSQL copies only an unused template
    return template


def fresh_engine(name: str = "") -> sa.Engine:
    """A newly migrated, empty database of the configured kind. With a name, a database of
    its own (for tests that commit), beside the shared one."""
    if POSTGRES_URL and name:
        url = sa.make_url(POSTGRES_URL)
        admin = make_engine(url.render_as_string(hide_password=False))
        scratch = f"{url.database}_{name}"
        _recreate(admin, scratch, template=_migrated())
        admin.dispose()
        return make_engine(url.set(database=scratch).render_as_string(hide_password=False))
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        migrate(engine)
        return engine
    path = Path(tempfile.mkdtemp(dir=_DATA)) / f"{name or 'test'}.db"
    shutil.copyfile(_migrated(), path)
    return make_engine(f"sqlite:///{path}")


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


@pytest.fixture(autouse=True)
def audit_checkpoints(tmp_path):
    """Each test's databases are new: so is the file vouching for their audit logs' heads."""
    from models.config import configured

    with configured(audit_checkpoint_file=tmp_path / "audit.checkpoints"):
        yield


@pytest.fixture
def app_db():
    """A database of its own that the flows use (the settings point at it), emptied and migrated."""
    from models.config import configured

    engine = fresh_engine("flows")
    with configured(database_url=engine.url.render_as_string(hide_password=False)):
        yield engine
    engine.dispose()


@pytest.fixture
def prov(app_db):
    """The test province, committed to the flows' database, with one more good worker."""
    from models.db import session_scope
    from tests.factories import build_province, history, person

    with session_scope(app_db) as session:
        prov = build_province(session)
        prov.people["diligent"] = person(session, "Trương Thị Mai", prov.units["ns"], gender="nữ")
        years = range(2021, 2026)
        history(
            session, prov.people["diligent"], dict.fromkeys(years, "HTT"), {y: ["LDTT"] for y in years[:-1]}
        )
        return prov


@pytest.fixture
def api(app_db, prov):
    """A client per person of the test province (`api["officer"].post(...)`), flows inline."""
    from fastapi.testclient import TestClient

    from models.access import system_actor
    from models.config import configured
    from models.db import session_scope
    from models.tokens import issue_token
    from service.app import create_app

    people = {key: p.id for key, p in prov.people.items()}
    people |= {f"stc:{i}": m.person_id for i, m in enumerate(prov.members["stc"])}
    with session_scope(app_db) as session:
        tokens = {key: issue_token(session, system_actor(), person, "test") for key, person in people.items()}
    with configured(prefect_mode="inline"), TestClient(create_app()) as anonymous:
        clients = {"anonymous": anonymous}
        for key, token in tokens.items():
            clients[key] = TestClient(create_app(), headers={"Authorization": f"Bearer {token}"})
        yield clients


@pytest.fixture(scope="session")
def prefect():
    """Prefect's test harness, once per session (it costs 11–15 s to start): flows called in a
    test are real flow runs on a temporary server, with the heartbeat thread off."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.runtime import prefect_runs

    with prefect_test_harness(server_startup_timeout=180), prefect_runs():
        yield


@pytest.fixture
def login():
    """Log a TestClient in through the session cookie (POST /api/v1/auth/login); its writes then
    carry the session's CSRF token (X-CSRF-Token). Answers the login's body."""

    def log_in(client, username: str, password: str) -> dict:
        response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return response.json()

    return log_in


@pytest.fixture
def browse(app_db, prov):
    """A browser on the web pages, as a TestClient: `browse("officer")` is logged in through the
    login page as that test account (tests.factories.accounts), `browse()` is nobody. A logged-in
    client's `csrf` is its session's token, for the forms it posts."""
    from fastapi.testclient import TestClient

    from models.config import configured
    from models.db import session_scope
    from service.app import create_app
    from tests.factories import accounts, password_of

    with session_scope(app_db) as session:
        accounts(session, prov)
    clients = []

    def browser(username: str | None = None) -> TestClient:
        client = TestClient(create_app(), follow_redirects=False)
        clients.append(client)
        if username is not None:
            form = client.get("/dang-nhap")
            fields = {"username": username, "password": password_of(username)}
            fields["csrf_token"] = (
                form.cookies.get("vinhdanh_login_csrf") or client.cookies["vinhdanh_login_csrf"]
            )
            answer = client.post("/dang-nhap", data=fields)
            assert answer.status_code == 303, answer.text
            client.csrf = client.get("/api/v1/me").json()["csrf_token"]
        return client

    with configured(prefect_mode="inline"):
        yield browser
    for client in clients:
        client.close()
