"""Orchestration benchmark: the demo province's season grown to about 20,000 nominations, every
stage of it — intake, council sessions, decisions with their documents, Tờ trình upward, the
deadline sweep — run twice, each time in a fresh process on a freshly seeded database (the same
seed, so the same province and the same season):

- with flows: each stage a Prefect flow run on the embedded temporary server, as the app runs them;
- directly: the same flow bodies and domain functions as plain calls (`flows.runtime.directly`).

    python bench/orchestration.py               # ≈ 20,000 nominations (--scale 121)
    python bench/orchestration.py --scale 5     # ≈ 800 nominations, a quick look

Target: Prefect adds at most 15 % to the season's wall time. The temporary server's start is
printed apart: a process pays it once, however many seasons it runs. Seeding the province is not
timed. Both runs must end in the same state, nomination for nomination (exit status 1 if not).
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_HOME", str(ROOT / "var" / "prefect"))  # migrated once, kept between runs
PER_SCALE = 165  # nominations per step of --scale (measured: 19,284 at scale 117)
TARGET = 0.15
YEAR, SEED = 2025, 2025


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=-(-20_000 // PER_SCALE), help="staff multiplier")
    parser.add_argument("--mode", choices=("flows", "direct"), help=argparse.SUPPRESS)  # one child run
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(season(args.scale, args.mode == "flows")))
        return 0
    results = {}
    for mode in ("flows", "direct"):
        child = [sys.executable, __file__, "--scale", str(args.scale), "--mode", mode]
        answer = subprocess.run(child, check=True, stdout=subprocess.PIPE, text=True)  # errors shown
        results[mode] = json.loads(answer.stdout)
        print(
            f"{mode}: seeded in {results[mode]['seeded']:.1f} s, season {results[mode]['seconds']:.1f} s",
            flush=True,
        )
    return report(results["flows"], results["direct"])


def season(scale: int, prefect: bool) -> dict:
    """In this process: seed the province into a new SQLite database, then time its season."""
    work = Path(tempfile.mkdtemp(prefix="vinhdanh-bench-"))
    try:
        import flows  # noqa: F401  Prefect's settings, made before Prefect is imported
        from demo.province import TENANTS
        from models.config import configured

        with configured(data_dir=work, database_url=f"sqlite:///{work / 'vinhdanh.db'}", tenant_dir=TENANTS):
            return _season(scale, prefect)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _season(scale: int, prefect: bool) -> dict:
    from prefect import flow
    from sqlmodel import Session, select

    from demo.province import build
    from demo.season import Season
    from flows.runtime import directly, prefect_runs, unit_of_work
    from models.catalogue import default_catalogue
    from models.db import app_engine, migrate
    from models.nominations import Nomination
    from models.runs import FlowRun

    started = time.perf_counter()
    migrate(app_engine())
    with unit_of_work() as session:
        demo = build(session, default_catalogue().ruleset("law06-2022+nd98-2023"), YEAR, SEED, scale)
    seeded = time.perf_counter() - started

    @flow(name="bench-ready")
    def ready() -> None:
        """Nothing: the first flow run of a process starts the temporary server."""

    startup = 0.0
    if prefect:
        started = time.perf_counter()
        with prefect_runs():
            ready()
        startup = time.perf_counter() - started
    started = time.perf_counter()
    with prefect_runs() if prefect else directly():
        Season(demo, YEAR, SEED).run()
    seconds = time.perf_counter() - started
    with Session(app_engine()) as session:
        rows = session.exec(
            select(Nomination.id, Nomination.award_code, Nomination.state, Nomination.level).order_by(
                Nomination.id
            )
        ).all()
        runs = list(session.exec(select(FlowRun.flow)))
    outcome = hashlib.sha256(repr([tuple(map(str, row)) for row in rows]).encode()).hexdigest()
    return {
        "seeded": seeded,
        "startup": startup,
        "seconds": seconds,
        "nominations": len(rows),
        "outcome": outcome,
        "runs": {flow: runs.count(flow) for flow in sorted(set(runs))},
    }


def report(flows: dict, direct: dict) -> int:
    overhead = flows["seconds"] / direct["seconds"] - 1
    runs = flows["runs"]
    count = sum(runs.values())
    same = flows["outcome"] == direct["outcome"]
    print()
    print(
        f"Orchestration benchmark — {direct['nominations']:,} nominations, {count} flow runs "
        f"({', '.join(f'{k} {v}' for k, v in runs.items())})"
    )
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    print(f"Python {platform.python_version()}, {machine}, SQLite, Prefect embedded (temporary server)")
    print(f"  {'directly (plain functions)':<44}{direct['seconds']:>9.1f} s")
    print(
        f"  {'Prefect flow runs (warm temporary server)':<44}{flows['seconds']:>9.1f} s   "
        f"{overhead:+.1%}   target ≤ {TARGET:.0%}: {'met' if overhead <= TARGET else 'MISSED'}"
    )
    print(f"  {'  difference per flow run':<44}{(flows['seconds'] - direct['seconds']) / count:>9.3f} s")
    print(f"  {'temporary server start (once per process)':<44}{flows['startup']:>9.1f} s")
    print(f"Same outcome in both runs: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
