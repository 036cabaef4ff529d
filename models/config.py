"""Settings: environment variables prefixed VINHDANH_, with embedded defaults."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

POOLS = {"sqlite": (5, 0), "postgresql": (10, 10)}  # (pool size, overflow): bench/load.py
BACKGROUND_CONNECTIONS = 1  # the embedded mode's background thread: its flows open one unit of work at a time


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VINHDANH_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    tenant_dir: Path | None = None  # extra tenant overrides (<tenant>.toml) beside the shipped ones
    template_dir: Path | None = (
        None  # Word templates replacing the built-in ones (<kind>.docx, <TENANT>/<kind>.docx)
    )
    max_upload_bytes: int = 20 * 1024 * 1024
    # an Excel workbook to import: 100,000 people with ten years of history is ~40 MB, ~600 MB unpacked
    max_import_bytes: int = 64 * 1024 * 1024
    max_import_expanded: int = 1024 * 1024 * 1024
    # any other request body (JSON): a check of 5,000 members with their review year is ~0.5 MiB
    max_request_bytes: int = 1024 * 1024
    # orchestration: "embedded" runs flows in a background thread of the app with Prefect's
    # temporary local server; "server" hands them to `vinhdanh worker` processes through a Prefect
    # server (PREFECT_API_URL); "inline" runs the same work in the request, without Prefect.
    prefect_mode: str = "embedded"
    sweep_minutes: float = 15
    # how often a `vinhdanh worker` asks the Prefect server for runs (Prefect's runner: 10 s, which
    # left a stage's flow waiting 5 s on average); one small query a worker
    worker_poll_seconds: float = 2
    follow_up_grace_minutes: int = 10  # an action's flow not run by then is started by the sweep
    # a flow run with no sign of life for this long is taken for dead and its work restarted by
    # the sweep (models/followups.py): longer than any one step of a flow may take
    flow_run_stale_minutes: float = 30
    # tests/test_faults.py: hold the process at this named point (models/faults.py), its pid in
    # the marker file, until the file is removed; never set in production
    fault_point: str = ""
    fault_marker: Path | None = None
    pdf: bool = False  # also export decisions to PDF (needs LibreOffice)
    smtp_host: str = ""  # e-mail notifications when set
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = "vinhdanh@localhost"
    smtp_starttls: bool = False
    # The audit chain's HMAC key, and where the chain's head is checkpointed: both outside the
    # database, best on another host or backup (README, "The audit log"). Without
    # VINHDANH_AUDIT_KEY the key is read from the key file, created (0600) when the log is new.
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None  # default <data_dir>/audit.key
    audit_checkpoint_file: Path | None = None  # default <data_dir>/audit.checkpoints
    # The app's connections and threads (see `request_sessions`); unset, the database's defaults.
    db_pool_size: int | None = None
    db_max_overflow: int | None = None
    db_pool_timeout: float = 30  # seconds a request waits for the database before a 503
    threads: int = 40  # the threadpool that runs the routes (anyio's default)
    # Accounts and login (models/accounts.py). The session cookie is sent only over HTTPS when
    # cookie_secure is set: set it wherever the app is served over HTTPS.
    cookie_secure: bool = False
    session_idle_minutes: int = 60  # a login session unused this long ends
    session_hours: int = 12  # and any ends this long after the login
    password_min_length: int = 10
    login_window_minutes: int = 15  # failures counted over this window…
    login_account_failures: int = 5  # …lock a username for login_lock_minutes
    login_lock_minutes: int = 15
    login_client_failures: int = 20  # …from one client: 429 until the window lets it in again

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'vinhdanh.db'}"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit.checkpoints"

    def pool(self, url: str) -> tuple[int, int]:
        """Connections kept open, and opened beyond them under load, for this database. SQLite
        writes one transaction at a time: more connections only make more writers poll for its
        lock. On PostgreSQL, four uvicorn workers of twenty connections stay within the server's
        default max_connections (100)."""
        size, overflow = POOLS["sqlite" if url.startswith("sqlite") else "postgresql"]
        return (
            size if self.db_pool_size is None else self.db_pool_size,
            overflow if self.db_max_overflow is None else self.db_max_overflow,
        )

    @property
    def request_sessions(self) -> int:
        """How many requests may hold a database session at once. A request keeps its session
        from authentication through its route to its answer, each step a separate turn in the
        threadpool, and between turns it holds its connection (and the locks of what it wrote).
        With more such requests than connections, a thread waits for a connection held by a
        request waiting for a thread: in issue 8, a burst of 60 requests stalled every thread
        until the pool's 30 s timeout. With more than threads, a thread could wait in the same
        way for a lock. So no more than the threads, and one fewer than the connections: the
        last is for the embedded mode's background flows."""
        size, overflow = self.pool(self.db_url)
        return max(1, min(self.threads, size + overflow - BACKGROUND_CONNECTIONS))


@lru_cache
def get_settings() -> Settings:
    return Settings()


@contextmanager
def configured(**values: object) -> Iterator[Settings]:
    """The settings with these values (as VINHDANH_<NAME> variables) until the block ends: the
    demo's own folder, the benchmark's databases, a test's SMTP sink."""
    saved = {}
    for key, value in values.items():
        name = f"VINHDANH_{key.upper()}"
        saved[name] = os.environ.get(name)
        os.environ[name] = str(value)
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
