"""`vinhdanh demo`: the embedded default end to end — a fresh SQLite file in `out`, the demo
province's season run as Prefect flows on Prefect's temporary local server, every document
exported beside it, and the season's summary."""

import shutil
import time
from pathlib import Path

from demo.province import TENANTS
from models.config import configured


def run_demo(year: int, out: Path, seed: int) -> str:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "vinhdanh.db"
    # a new database: the audit checkpoints of the last one would contradict its log
    for stale in (database, out / "vinhdanh.db-wal", out / "vinhdanh.db-shm", out / "audit.checkpoints"):
        stale.unlink(missing_ok=True)
    for folder in ("documents", "van_ban"):
        shutil.rmtree(out / folder, ignore_errors=True)
    with configured(data_dir=out, database_url=f"sqlite:///{database}", tenant_dir=TENANTS):
        from sqlmodel import Session

        import flows  # noqa: F401  Prefect's settings (its home under `out`), before demo.season loads it
        from demo.season import season_flow
        from demo.summary import summary
        from document_templates.publish import export
        from flows.runtime import prefect_runs
        from models.db import app_engine, migrate
        from models.dossier import Store

        engine = app_engine()
        migrate(engine)
        with prefect_runs():
            blocked = season_flow(year=year, seed=seed)
        with Session(engine) as session:
            written = export(session, Store(), out / "van_ban")
        report = summary(engine, year, blocked, database, time.perf_counter() - started)
        engine.dispose()
    return (
        report
        + f"\nVăn bản ({sum(written.values())} tệp .docx) trong {out / 'van_ban'}: "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(written.items()))
    )
