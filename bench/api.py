"""API benchmark: the secretariat's intake queue, the name search and the nomination page under 50
concurrent users, on a database of 200,000 nominations and on an empty one, in the same run.

    python bench/api.py                                   # the embedded default: a SQLite file
    python bench/api.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vd_bench
                                                          # a PostgreSQL database, which is WIPED

For each database: an empty one first (the benchmark's users and a handful of nominations), then
one of `--nominations` (bench/seed.py builds it, printing the time and size). Each time the real
app is served in its own process (`vinhdanh serve`: uvicorn, a worker per core unless `--workers`
says otherwise, the default pool and threads) and every row of ROWS is measured twice: 50 users
each sending a request, reading the answer and pausing 0.5 s (about 100 requests/s offered), then
the same 50 without a pause (the peak throughput). Printed per row: p50/p95/max latency,
requests/s, errors, the server's CPU per request and the answer's size. Flows run inline
(`VINHDANH_PREFECT_MODE=inline`): the embedded mode's first deadline sweep would otherwise write
reminders for every overdue nomination while the reads are measured. A row whose route is not in
this app (404/405 with no body of ours at the first request) is printed as not yet on this branch.
Exit status 1 if any answer was not a 2xx.
"""

import argparse
import asyncio
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.seed, bench.load, tests.crowd

# What is measured: name → (the user sending it, its URL). {page} is a page of the queue;
# {secretariat}, {officer}, {member} a nomination that user may open (bench/seed.py).
ROWS = {
    "intake queue": ("secretariat", "/api/v1/queues/intake?page={page}&per_page=50"),
    "people search, a name": ("secretariat", "/api/v1/people?q={name}"),
    "people search, 'nguyen van'": ("secretariat", "/api/v1/people?q=nguyen+van"),
    "nomination search, a name": ("secretariat", "/api/v1/nominations?q={name}"),
    "nomination page, secretariat": ("secretariat", "/api/v1/nominations/{secretariat}"),
    "nomination page, unit officer": ("officer", "/api/v1/nominations/{officer}"),
    "nomination page, council member": ("member", "/api/v1/nominations/{member}"),
}
USERS, PAUSE, TARGET_P95 = 50, 0.5, 0.100
ABSENT = "not yet on this branch"


@dataclass
class Measured:
    seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    size: int = 0  # bytes received
    elapsed: float = 0.0
    cpu: float = 0.0  # the server's CPU seconds over the run

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.elapsed if self.elapsed else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use (default: SQLite)")
    parser.add_argument("--nominations", type=int, default=200_000)
    parser.add_argument("--empty", type=int, default=20, help="nominations in the 'empty' database")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=float, default=15, help="per row, with the pause")
    parser.add_argument("--peak-seconds", type=float, default=8, help="per row, without the pause")
    parser.add_argument("--rows", nargs="*", choices=list(ROWS), help="only these rows")
    parser.add_argument("--prefect-mode", default="inline")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count(), help="uvicorn worker processes (one per core)"
    )
    args = parser.parse_args()
    if args.nominations <= args.empty:
        parser.error("--nominations must be more than --empty: the two databases are compared")
    work = Path(tempfile.mkdtemp(prefix="vinhdanh-api-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    os.environ["VINHDANH_DATA_DIR"] = str(work)  # the audit key the seed seals with, and the app reads
    import flows  # noqa: F401  Prefect's settings, made before Prefect is imported
    from bench.seed import build
    from models.db import make_engine

    url = args.database_url or f"sqlite:///{work / 'vinhdanh.db'}"
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = {name: ROWS[name] for name in args.rows or ROWS}
    print(f"API benchmark on {kind}: {args.users} users, {PAUSE} s pause, {args.seconds:.0f} s per row")
    print(
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()},"
        f" {os.cpu_count()} CPUs; `vinhdanh serve --workers {args.workers}`, flows {args.prefect_mode}"
    )
    results = {}
    for size in (args.empty, args.nominations):
        engine = make_engine(url)
        built = build(engine, size)
        engine.dispose()
        print(
            f"  built {built.nominations:,} nominations, {built.events:,} audit events"
            f" in {built.seconds:.1f} s; database {built.size / 2**20:,.0f} MiB",
            flush=True,
        )
        env = {"VINHDANH_DATABASE_URL": url, "VINHDANH_DATA_DIR": str(work)}
        env["VINHDANH_PREFECT_MODE"] = args.prefect_mode
        results[size] = measure(env, work, built, rows, args)
    report(results, rows, args)
    measured = [m for by_row in results.values() for pair in by_row.values() if pair for m in pair]
    return 0 if all(m.errors == 0 for m in measured) else 1


def measure(env, work: Path, built, rows, args) -> dict[str, tuple[Measured, Measured] | None]:
    """Each row with the pause, then without, on the app served over this database."""
    from tests.crowd import serving

    measured = {}
    with serving(env, work / "serve.log", workers=args.workers) as (base, server):
        for name, (user, template) in rows.items():
            pick = Picker(template, built.pages, random.Random(name))
            headers = {"Authorization": f"Bearer {built.tokens[user]}"}
            first = httpx.get(base + pick(), headers=headers, timeout=60)
            if first.status_code in (404, 405) and "detail" in first.text:  # FastAPI's: no such route
                measured[name] = None
                continue
            paced = load(base, pick, headers, args.users, args.seconds, PAUSE, server.pid)
            peak = load(base, pick, headers, args.users, args.peak_seconds, 0, server.pid)
            measured[name] = (paced, peak)
            busy = ", ".join(f"{load:.1f}" for load in os.getloadavg())
            print(f"    {name}: {line(paced, peak)}  (load average {busy})", flush=True)
    return measured


class Picker:
    """A row's next URL: its template with a page of the queue, a nomination its user may open and
    a name, without its accents, as people type one."""

    def __init__(self, template: str, pages: dict[str, list[int]], rng: random.Random):
        from demo.province import FAMILY, GIVEN_M, MIDDLE_M  # the names bench/seed.py gives
        from models.search import fold

        self.template, self.pages, self.rng = template, pages, rng
        self.names = [[fold(w) for w in words] for words in (FAMILY, MIDDLE_M, GIVEN_M)]

    def __call__(self) -> str:
        chosen = {user: self.rng.choice(ids) for user, ids in self.pages.items()}
        name = "+".join(self.rng.choice(words) for words in self.names)  # a man's name, as typed
        return self.template.format(page=self.rng.randint(1, 10), name=name, **chosen)


def load(base: str, pick, headers: dict, users: int, seconds: float, pause: float, pid: int) -> Measured:
    """`users` clients, each sending a request, reading the answer, pausing; for `seconds`."""
    result = Measured()

    async def user(client: httpx.AsyncClient, deadline: float) -> None:
        await asyncio.sleep(random.uniform(0, pause))  # not all in the same instant
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                answer = await client.get(pick(), headers=headers)
                status, size = answer.status_code, len(answer.content)
            except httpx.HTTPError as error:
                status, size = type(error).__name__, 0
            result.seconds.append(time.perf_counter() - start)
            result.statuses[status if isinstance(status, int) else 599] += 1
            result.size += size
            await asyncio.sleep(pause)

    async def all_users() -> None:
        limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            await asyncio.gather(*(user(client, time.perf_counter() + seconds) for _ in range(users)))

    cpu, started = cpu_seconds(pid), time.perf_counter()
    asyncio.run(all_users())
    result.elapsed, result.cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    return result


def cpu_seconds(pid: int) -> float:
    """The CPU time a process and those it started (uvicorn's workers) have used, user and
    system (Linux)."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        stats[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree, ticks = {pid}, 0
    for process in sorted(stats):  # a child has a higher pid than its parent (no wrap-around here)
        parent, used = stats[process]
        if process in tree or parent in tree:
            tree.add(process)
            ticks += used
    return ticks / os.sysconf("SC_CLK_TCK")


def line(paced: Measured, peak: Measured) -> str:
    from bench.load import percentiles

    p50, p95, top = (s * 1000 for s in percentiles(sorted(paced.seconds)))
    answers = len(paced.seconds) or 1
    return (
        f"{p50:7.1f}{p95:7.1f}{top:8.1f}{paced.rate:7.1f}{paced.errors + peak.errors:6d}"
        f"{paced.cpu * 1000 / answers:8.1f}{paced.size / answers / 1024:9.1f}{peak.rate:8.1f}"
        + ("" if p95 <= TARGET_P95 * 1000 else "  > target")
        + (f"  {dict(paced.statuses + peak.statuses)}" if paced.errors + peak.errors else "")
    )


def report(results: dict, rows: dict, args: argparse.Namespace) -> None:
    empty, full = results
    print()
    columns = ("p50", 7), ("p95", 7), ("max", 8), ("req/s", 7), ("err", 6), ("CPU ms", 8), ("KiB", 9)
    print(" " * 50 + "".join(f"{name:>{width}}" for name, width in (*columns, ("peak/s", 8))))
    for name in rows:
        for size in (empty, full):
            label = f"{size:,} nominations"
            measured = results[size][name]
            text = line(*measured) if measured else f"{ABSENT:>40}"
            print(f"{name if size == empty else '':<34}{label:<16}{text}")
    print(
        f"latency in ms with {args.users} users pausing {PAUSE} s (target p95 ≤ {TARGET_P95 * 1000:.0f} ms);"
        " err: non-2xx answers, paced and peak; CPU ms: the server's CPU per request; KiB: per answer;"
        " peak/s: requests per second with no pause"
    )


if __name__ == "__main__":
    sys.exit(main())
