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
    stale_files = ("vinhdanh.db", "vinhdanh.db-wal", "vinhdanh.db-shm", "audit.checkpoints", "vinhdanh.env")
    for stale in (out / name for name in stale_files):
        stale.unlink(missing_ok=True)
    for folder in ("documents", "van_ban"):
        shutil.rmtree(out / folder, ignore_errors=True)
    with configured(data_dir=out, database_url=f"sqlite:///{database}", tenant_dir=TENANTS):
        from sqlmodel import Session

        import flows  # noqa: F401  Prefect's settings (its home under `out`), before demo.season loads it
        from demo.accounts import seed_accounts
        from demo.conference import hold as hold_conference
        from demo.season import season_flow
        from demo.summary import summary
        from document_templates.publish import export, export_calibration
        from flows.runtime import prefect_runs
        from models.db import app_engine, migrate, session_scope
        from models.dossier import Store

        engine = app_engine()
        migrate(engine)
        with prefect_runs():
            blocked = season_flow(year=year, seed=seed)
            held = hold_conference(year, out)
        with session_scope(engine) as session:
            logins = seed_accounts(session, seed)
        with Session(engine) as session:
            written = export(session, Store(), out / "van_ban")
            written["hieu_chinh_phoi"] = export_calibration(session, out / "van_ban" / "in_phoi")
        report = summary(engine, year, blocked, database, time.perf_counter() - started, logins)
        report += "\n".join(held)
        engine.dispose()
    # what `vinhdanh serve` and the other commands read when nothing else is configured (service/cli.py)
    (out / "vinhdanh.env").write_text(f"VINHDANH_DATA_DIR={out}\nVINHDANH_TENANT_DIR={TENANTS}\n")
    return (
        report
        + f"\nVăn bản ({sum(written.values())} tệp Word, Excel) trong {out / 'van_ban'}: "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(written.items()))
    )
