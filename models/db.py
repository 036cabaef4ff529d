"""Engines, sessions and schema migrations (Alembic) for SQLite and PostgreSQL."""

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, create_engine

from models.config import get_settings
from models.text import nfc

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """An enum stored as its value in a plain VARCHAR: adding a member needs no migration."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,  # fixed, so that a new member never changes the column
        values_callable=lambda members: [m.value for m in members],
    )


def make_engine(url: str) -> Engine:
    settings = get_settings()
    size, overflow = settings.pool(url)
    pool = {"pool_size": size, "max_overflow": overflow, "pool_timeout": settings.db_pool_timeout}
    # JSON columns (a nomination's verdict and intake check, audit data) read with orjson: 3× the
    # standard library's speed, and at 10⁵ nominations decoding verdicts was 13 % of a season
    json = {"json_deserializer": orjson.loads}
    if url.startswith(("postgresql://", "postgres://")):  # the driver we install: psycopg 3
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **json, **pool)
    path = url.removeprefix("sqlite:///")
    in_file = path and path != url and not path.startswith(":memory:")
    if in_file:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(  # an in-memory database has one connection per thread, no pool to size
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **json,
        **(pool if in_file else {}),
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions so that SAVEPOINT works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # A transaction that may write takes the write lock up front: a deferred one that reads
        # and then writes fails at once ("database is locked") when another writer got in first;
        # this one waits. One that only reads (`reading`) takes no lock and waits for nobody.
        deferred = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


READ_ONLY = "vinhdanh_read_only"

# A date bound by the driver itself (bulk_insert) is stored as SQLAlchemy stores it, yyyy-mm-dd
# (the sqlite3 module's own adapter does the same but is deprecated from Python 3.12).
sqlite3.register_adapter(date, date.isoformat)


def bulk_insert(
    connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: Iterable[tuple]
) -> None:
    """Rows, tuples of the `names` columns' values, into a table at the driver's speed: COPY on
    PostgreSQL, the driver's executemany on SQLite (SQLAlchemy's INSERT costs 2–3× for nothing
    it adds to plain values: numbers, text, dates, enums given as their values; not for JSON or
    moments, which SQLAlchemy converts). The columns not named get their model's default, as an
    INSERT would give them."""
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.name not in names and c.default is not None and c.default.is_scalar
    }
    columns = ", ".join((*names, *defaults))
    name = connection.dialect.identifier_preparer.format_table(table)
    rest = tuple(defaults.values())
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + rest)
        else:
            marks = ", ".join("?" * (len(names) + len(rest)))
            cursor.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({marks})",
                (row + rest for row in rows) if rest else rows,
            )
    finally:
        cursor.close()


@contextmanager
def page_cache(connection: sa.Connection, megabytes: int) -> Iterator[None]:
    """On SQLite, the connection's page cache this large for the block, then as it was: bulk
    inserts into indexed tables (an import's million ratings) spent a fifth of their time
    reading back index pages the default 2 MB cache had let go. Nothing on PostgreSQL, whose
    cache is the server's."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{megabytes * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


def new_ids(connection: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """The primary keys of `count` rows about to be bulk_insert-ed, taken as an INSERT takes
    them: from the table's sequence on PostgreSQL; on SQLite after the largest (an INTEGER
    PRIMARY KEY without AUTOINCREMENT), which no other writer can take first, since every
    transaction that may write holds the write lock from its BEGIN (`make_engine`)."""
    if connection.dialect.name == "postgresql":
        query = "SELECT nextval(pg_get_serial_sequence(%(table)s, 'id')) FROM generate_series(1, %(count)s)"
        return list(connection.exec_driver_sql(query, {"table": table.name, "count": count}).scalars())
    largest = connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(largest + 1, largest + 1 + count))


def _read_only(dialect: str) -> dict[str, bool]:
    return {"postgresql_readonly": True} if dialect == "postgresql" else {READ_ONLY: True}


def reading(engine: Engine) -> Engine:
    """The same database and connections, for transactions that only read: on SQLite they begin
    without the write lock (WAL readers never wait for the writer), on PostgreSQL they are READ
    ONLY, so that a write slipped into a read is refused."""
    return engine.execution_options(**_read_only(engine.dialect.name))


@contextmanager
def reads_only(session: Session) -> Iterator[None]:
    """The block's queries in a transaction of their own that only reads (`reading`), ended with
    the block, so that the session's next transaction, which may write, takes SQLite's write lock
    only then. Inside a transaction already begun, they simply join it."""
    if session.in_transaction():
        yield
        return
    session.connection(execution_options=_read_only(session.get_bind().dialect.name))
    try:
        yield
    finally:
        session.rollback()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with the project's Alembic migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@lru_cache
def _shared(url: str) -> Engine:
    return make_engine(url)


def app_engine() -> Engine:
    """The application database of the current settings: one pool per URL, per process."""
    return _shared(get_settings().db_url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error. Objects stay readable after
    the commit (expire_on_commit=False), so a caller can report what it just wrote."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def one_at_a_time(session: Session, entity: str, key: int) -> None:
    """Hold this transaction until any other working on the same case has ended: two runs of
    a case's flow (a run taken for dead that was only slow, and the one started in its place)
    then take their steps in turn, each finding what the other committed — instead of both
    checking, finding nothing and both writing, one of them then refused by a unique index or
    a version check. PostgreSQL: a transaction-level advisory lock; SQLite takes the write lock
    at BEGIN (`make_engine`), so its writers go one at a time already."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(entity), key)))


@event.listens_for(Session, "loaded_as_persistent")
def _hold(session, instance) -> None:
    """Keep what a session loaded for as long as the session lives. SQLAlchemy's identity map
    holds objects weakly, so `session.get(Campaign, 1)` in a loop that keeps no reference
    queried the database on every call (0.18 ms each, thousands per batch)."""
    session.info.setdefault("loaded", {})[id(instance)] = instance


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Rows into a model's table with one INSERT through Core, after what the session holds
    pending, as the ORM's own INSERT would autoflush it: the ORM's bulk path costs about 3× for
    plain rows (SQLAlchemy converts JSON and moments by the column types either way)."""
    if not rows:
        return
    if session.autoflush:  # not inside `no_autoflush`
        session.flush()
    session.connection().execute(model.__table__.insert(), rows)


IN_LIST = 900  # ids per IN (...) list, well under SQLite's variable limit


def chunks(items: list, size: int = IN_LIST) -> Iterator[list]:
    """`items` in lists short enough for one IN (...) or one INSERT."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def transaction_cache(session: Session) -> dict:
    """What may be kept for the rest of the current transaction (the audit chain's head, the
    histories a batch's guards read); dropped at commit and at any rollback."""
    return session.info.setdefault("transaction_cache", {})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _drop_transaction_cache(session, *_args) -> None:
    session.info.pop("transaction_cache", None)


@lru_cache
def _text_columns(mapper) -> frozenset[str]:
    """The columns holding text, SQLModel's AutoString (a TypeDecorator over String) among them."""
    return frozenset(
        c.key for c in mapper.columns if isinstance(getattr(c.type, "impl_instance", c.type), sa.String)
    )


@event.listens_for(Session, "before_flush")
def _normalise_text(session, _context, _instances) -> None:
    """Every string written to the database is clean NFC (models.text.nfc), whatever path it came
    by: each text column of a new row, each text column set on a changed one."""
    for obj, new in (*((o, True) for o in session.new), *((o, False) for o in session.dirty)):
        state = sa_inspect(obj)
        keys = _text_columns(state.mapper)
        for key in keys if new else keys.intersection(state.committed_state):
            value = getattr(obj, key, None)
            if isinstance(value, str) and (cleaned := nfc(value)) != value:
                setattr(obj, key, cleaned)
