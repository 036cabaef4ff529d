"""Eligibility benchmark: a province of 100,000 people with ten years of history, judged for four
awards at once (set-based load + `check_many`) against the naive one-by-one evaluation, both
measured in the same run.

    python bench/eligibility.py                      # 100,000 people, SQLite file under var/bench/
    python bench/eligibility.py --people 20000 --sample 500
    python bench/eligibility.py --database-url postgresql+psycopg://…/bench   # an empty database

The generated SQLite file is cached under var/bench/, keyed by the generator's parameters and the
schema revision, so re-runs skip the generation. Target: the batch for all four awards in ≤ 3 s.
The two methods must agree verdict for verdict on the people both judged (exit status 1 if not).
"""

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, insert
from sqlmodel import Session

from models.catalogue import default_catalogue
from models.db import MIGRATIONS, make_engine, migrate
from models.eligibility import ELIGIBLE, INELIGIBLE, NEEDS_JUDGEMENT, check, check_many
from models.eligibility.load import load_people
from models.history import AwardRecord, Initiative, Rating, RatingLevel, Scope
from models.org import Person

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "var" / "bench"

GENERATOR_VERSION = 1  # bump when the generator's output changes: the cache key includes it
FIRST_YEAR, LAST_YEAR = 2016, 2025
YEAR = LAST_YEAR  # the review year
AS_OF = date(YEAR, 12, 31)
AWARDS = ("CSTDCS", "CSTD_TINH", "BK_TINH", "BK_TTG")
TARGET_S = 3.0
RUNS = 3
FULL_BASELINE_LIMIT_S = 60.0  # measure one-by-one for everyone only if it would take less than this

# Ratings: a quarter of the staff are strong performers, so streaks are realistic rather than
# independent coin tosses; the mixture gives HTXS 20 %, HTT 60 %, HT 15 %, KHT 5 % overall.
LEVELS = (RatingLevel.HTXS, RatingLevel.HTT, RatingLevel.HT, RatingLevel.KHT)
STRONG_SHARE = 0.25
STRONG_WEIGHTS = (0.50, 0.45, 0.04, 0.01)
OTHER_WEIGHTS = (0.10, 0.65, 0.1867, 0.0633)
INITIATIVE_P = {True: (0.20, 0.12), False: (0.05, 0.02)}  # strong → (unit, province) per year
CSTDCS_P = 0.75  # share of qualifying years (HTXS or a unit initiative) given CSTĐCS
BK_P, BK_BO_SHARE, BK_TWICE_P = 0.5, 0.1, 0.003
CSTD_TINH_P, BK_TTG_P = 0.6, 0.4
DECIDED_REVIEW_YEAR_P = 0.5  # units that already held their grassroots round for the review year
REVOKED_P = 0.002

ISSUER = {
    "LDTT": ("Thủ trưởng cơ quan, đơn vị", "QĐ-SNV"),
    "CSTDCS": ("Thủ trưởng cơ quan, đơn vị", "QĐ-SNV"),
    "BK_TINH": ("Chủ tịch Ủy ban nhân dân tỉnh", "QĐ-UBND"),
    "CSTD_TINH": ("Chủ tịch Ủy ban nhân dân tỉnh", "QĐ-UBND"),
    "BK_BO": ("Bộ trưởng", "QĐ-BNV"),
    "BK_TTG": ("Thủ tướng Chính phủ", "QĐ-TTg"),
}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = {"nam": ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh"), "nữ": ("Thị", "Ngọc", "Thu", "Thanh", "Mỹ")}
GIVEN = {
    "nam": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quang", "Tuấn"),
    "nữ": ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Ngân", "Thảo", "Trang"),
}
PROVINCES = ("Quảng Ngãi", "Bình Định", "Quảng Nam", "Đà Nẵng", "Huế", "Nghệ An")
BATCH_ROWS = 20_000


# ----------------------------------------------------------------------------------- generator


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def person_row(rng: random.Random, pid: int) -> dict:
    gender = rng.choice(("nam", "nữ"))
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    born = date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "id": pid,
        "full_name": nfc(name),
        "gender": nfc(gender),
        "birth_date": born,
        "hometown": nfc(rng.choice(PROVINCES)),
    }


def person_history(rng: random.Random, pid: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Ratings, awards and initiatives of one person, 2016–2025, following the usual ladder:
    LĐTT when rated HTT or better, CSTĐCS for most excellent years, Bằng khen tỉnh after two
    consecutive CSTĐCS, CSTĐ tỉnh after three with a province-scope initiative, Bằng khen TTg after
    a Bằng khen and five good years. Grassroots titles of the review year are decided in half the
    units; higher awards of the review year are what the benchmark judges, so none is recorded."""
    strong = rng.random() < STRONG_SHARE
    levels = rng.choices(LEVELS, STRONG_WEIGHTS if strong else OTHER_WEIGHTS, k=LAST_YEAR - FIRST_YEAR + 1)
    unit_p, province_p = INITIATIVE_P[strong]
    decided_review_year = rng.random() < DECIDED_REVIEW_YEAR_P
    ratings, awards, initiatives = [], [], []
    cstdcs: set[int] = set()
    province_initiatives: set[int] = set()
    bk: list[int] = []
    cstd_tinh: list[int] = []
    bk_ttg: list[int] = []

    def award(code: str, year: int) -> None:
        issuer, suffix = ISSUER[code]
        grassroots = code in ("LDTT", "CSTDCS")
        revoked = rng.random() < REVOKED_P
        awards.append(
            {
                "person_id": pid,
                "year": year,
                "code": code,
                "decision_number": f"{rng.randint(1, 2999)}/{suffix}",
                "decision_date": date(year, 12, 20) if grassroots else date(year + 1, 3, 15),
                "issuer": issuer,
                "revoked": revoked,
                "revoked_reason": "Thu hồi do kê khai không trung thực" if revoked else "",
            }
        )

    for i, level in enumerate(levels):
        year = FIRST_YEAR + i
        ratings.append({"person_id": pid, "year": year, "level": level.value, "source": f"Đánh giá {year}"})
        draw = rng.random()
        scope = Scope.PROVINCE if draw < province_p else Scope.UNIT if draw < province_p + unit_p else None
        if scope is not None:
            initiatives.append(
                {
                    "person_id": pid,
                    "year": year,
                    "title": nfc(f"Sáng kiến cải tiến quy trình số {rng.randint(1, 999)}/{year}"),
                    "scope": scope.value,
                    "recognised_by": "Hội đồng sáng kiến cấp tỉnh"
                    if scope is Scope.PROVINCE
                    else "Hội đồng sáng kiến cơ sở",
                }
            )
            if scope is Scope.PROVINCE:
                province_initiatives.add(year)
        if year == YEAR and not decided_review_year:
            continue
        good = level in (RatingLevel.HTXS, RatingLevel.HTT)
        if good:
            award("LDTT", year)
        if good and (level is RatingLevel.HTXS or scope is not None) and rng.random() < CSTDCS_P:
            award("CSTDCS", year)
            cstdcs.add(year)
        if year == YEAR:
            continue
        # Bằng khen Thủ tướng: after a first Bằng khen, five good years in a row, three CSTĐCS.
        floor = max(bk[0] if bk else year, bk_ttg[-1] if bk_ttg else 0)
        streak = 0
        while year - streak > floor and levels[year - streak - FIRST_YEAR] in (
            RatingLevel.HTXS,
            RatingLevel.HTT,
        ):
            streak += 1
        in_streak = sum(1 for y in cstdcs if year - streak < y <= year)
        if streak >= 5 and in_streak >= 3 and rng.random() < BK_TTG_P:
            award("BK_TTG", year)
            bk_ttg.append(year)
        # Bằng khen tỉnh (or Bộ): two consecutive CSTĐCS since the last one.
        if {year, year - 1} <= cstdcs and year - 1 > (bk[-1] if bk else 0) and rng.random() < BK_P:
            code = "BK_BO" if rng.random() < BK_BO_SHARE else "BK_TINH"
            award(code, year)
            if rng.random() < BK_TWICE_P:  # a second Bằng khen the same year, another achievement
                award(code, year)
            bk.append(year)
        # CSTĐ tỉnh: three consecutive CSTĐCS and a province-scope initiative in those years.
        last = cstd_tinh[-1] if cstd_tinh else 0
        if (
            {year, year - 1, year - 2} <= cstdcs
            and year - 2 > last
            and any(year - 2 <= y <= year for y in province_initiatives)
            and rng.random() < CSTD_TINH_P
        ):
            award("CSTD_TINH", year)
            cstd_tinh.append(year)
    return ratings, awards, initiatives


def generate(engine: Engine, people: int, seed: int) -> None:
    """Write `people` people and their histories with Core executemany batches."""
    rng = random.Random(seed)
    tables = {
        "person": Person.__table__,
        "rating": Rating.__table__,
        "awardrecord": AwardRecord.__table__,
        "initiative": Initiative.__table__,
    }
    buffers: dict[str, list[dict]] = {name: [] for name in tables}
    if engine.dialect.name == "sqlite":  # a throwaway file until complete: no need to fsync
        engine.dispose()
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous=OFF"))
    with engine.begin() as conn:

        def flush(name: str) -> None:
            if buffers[name]:
                conn.execute(insert(tables[name]), buffers[name])
                buffers[name] = []

        for pid in range(1, people + 1):
            buffers["person"].append(person_row(rng, pid))
            ratings, awards, initiatives = person_history(rng, pid)
            buffers["rating"] += ratings
            buffers["awardrecord"] += awards
            buffers["initiative"] += initiatives
            if len(buffers["person"]) >= BATCH_ROWS // 10:
                flush("person")  # people first: the other tables refer to them
                for name in ("rating", "awardrecord", "initiative"):
                    if len(buffers[name]) >= BATCH_ROWS:
                        flush(name)
        for name in tables:
            flush(name)
        if conn.dialect.name == "postgresql":  # ids were given explicitly: move the sequence on
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('person', 'id'), max(id)) FROM person")


def schema_head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or "none"


def cache_path(people: int, seed: int) -> Path:
    params = {
        "generator": GENERATOR_VERSION,
        "people": people,
        "seed": seed,
        "years": [FIRST_YEAR, LAST_YEAR],
        "schema": schema_head(),
    }
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
    return CACHE_DIR / f"eligibility-p{people}-s{seed}-{key}.sqlite"


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare(args) -> tuple[Engine, str, str, float | None]:
    """(engine, shown url, "generated" | "reused", generation seconds)."""
    if args.database_url is None:
        path = cache_path(args.people, args.seed)
        url = f"sqlite:///{path}"
        if path.exists():
            return make_engine(url), url, "reused", None
        tmp = path.with_name(path.name + ".tmp")
        remove_sqlite(tmp)
        started = time.perf_counter()
        engine = make_engine(f"sqlite:///{tmp}")
        migrate(engine)
        generate(engine, args.people, args.seed)
        engine.dispose()
        with sqlite3.connect(tmp) as db:  # fold the WAL in so that one file is the whole cache
            db.execute("PRAGMA journal_mode=DELETE")
        db.close()
        os.replace(tmp, path)
        return make_engine(url), url, "generated", time.perf_counter() - started
    engine = make_engine(args.database_url)
    migrate(engine)
    with engine.connect() as conn:
        existing = conn.execute(sa.select(sa.func.count()).select_from(Person.__table__)).scalar_one()
    if existing == args.people:
        return engine, engine.url.render_as_string(), "reused (existing data)", None
    if existing:
        sys.exit(f"{engine.url}: holds {existing:,} people, expected 0 (to generate) or {args.people:,}")
    started = time.perf_counter()
    generate(engine, args.people, args.seed)
    return engine, engine.url.render_as_string(), "generated", time.perf_counter() - started


# ----------------------------------------------------------------------------------- measuring


class GcClock:
    """Time spent in the garbage collector (it stays enabled: it is part of the real cost)."""

    def __init__(self):
        self.seconds, self._started = 0.0, 0.0

    def __call__(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def __enter__(self) -> "GcClock":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self)


def run_batch(engine: Engine) -> tuple[dict[str, float], dict]:
    """One batch: all histories with one set-based load, then `check_many` per award."""
    times, verdicts = {}, {}
    gc.collect()  # every run starts from the same heap
    with GcClock() as clock, Session(engine) as session:
        started = time.perf_counter()
        histories = load_people(session, YEAR)
        times["load"] = time.perf_counter() - started
        for code in AWARDS:
            t = time.perf_counter()
            verdicts[code] = check_many(histories, code, AS_OF, YEAR)
            times[code] = time.perf_counter() - t
        times["total"] = time.perf_counter() - started
    times["gc"] = clock.seconds
    times["subjects"] = len(histories)
    return times, verdicts


def run_one_by_one(engine: Engine, ids: list[int]) -> tuple[float, float, dict]:
    """What a naive system does: per person, load that history (with the evidence) and check
    each award. Returns (load seconds, check seconds, {pid: {award: verdict}})."""
    load_s = check_s = 0.0
    verdicts = {}
    with Session(engine) as session:
        for pid in ids:
            t0 = time.perf_counter()
            history = load_people(session, YEAR, [pid], explain=True)[pid]
            t1 = time.perf_counter()
            verdicts[pid] = {code: check(history, code, AS_OF, year=YEAR) for code in AWARDS}
            t2 = time.perf_counter()
            load_s += t1 - t0
            check_s += t2 - t1
    return load_s, check_s, verdicts


def compare(batch: dict, single: dict) -> tuple[int, int, list[str]]:
    compared, examples = 0, []
    for pid, by_award in single.items():
        for code, one in by_award.items():
            compared += 1
            many = batch[code].get(pid)
            if many is None or (many.status, many.route) != (one.status, one.route):
                got = "missing" if many is None else f"{many.status}/{many.route}"
                examples.append(f"person {pid} {code}: batch {got}, one-by-one {one.status}/{one.route}")
    return compared, len(examples), examples


# ----------------------------------------------------------------------------------- printing


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (Person.__table__, Rating.__table__, AwardRecord.__table__, Initiative.__table__)
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000, help="individuals to generate (100,000)")
    parser.add_argument(
        "--database-url", help="an empty or previously generated database (default: cached SQLite)"
    )
    parser.add_argument("--sample", type=int, default=2_000, help="people judged one by one (2,000)")
    parser.add_argument("--seed", type=int, default=20251231, help="generator seed")
    args = parser.parse_args(argv)
    if args.people < 1 or args.sample < 1:
        parser.error("--people and --sample must be at least 1")

    print(f"Eligibility benchmark: {args.people:,} people, {FIRST_YEAR}–{LAST_YEAR}, review year {YEAR}")
    print(
        f"  Python {platform.python_version()} · SQLAlchemy {sa.__version__} · "
        f"SQLite {sqlite3.sqlite_version} · {os.cpu_count()} CPU · {platform.machine()}"
    )
    engine, url, origin, generation_s = prepare(args)
    print(f"  database  {url}")
    print(f"            {origin}" + (f" in {generation_s:,.1f} s" if generation_s is not None else ""))
    counts = table_counts(engine)
    print(
        f"  rows      {counts['person']:,} people · {counts['rating']:,} ratings · "
        f"{counts['awardrecord']:,} awards · {counts['initiative']:,} initiatives"
    )
    default_catalogue().for_date(AS_OF)  # build the catalogue once, outside both timings

    # -- batch
    runs, verdicts = [], {}
    for _ in range(RUNS):
        verdicts = {}  # let the previous run's verdicts go before timing the next
        times, verdicts = run_batch(engine)
        runs.append(times)
    subjects = runs[-1]["subjects"]
    print(f"\nBatch: load_people for everyone + check_many per award ({RUNS} runs, {subjects:,} subjects)")
    print(f"  {'step':<22}{'best':>10}{'median':>10}")
    labels = {"load": "load_people (all)", "total": "total", "gc": "  of which in gc"}
    for step in ("load", *AWARDS, "total", "gc"):
        label = labels.get(step, f"check_many {step}")
        values = [run[step] for run in runs]
        print(f"  {label:<22}{fmt_s(min(values)):>10}{fmt_s(statistics.median(values)):>10}")
    best = min(run["total"] for run in runs)
    median = statistics.median(run["total"] for run in runs)
    verdict_line = "PASS" if best <= TARGET_S else "FAIL"
    print(f"  target ≤ {TARGET_S:g} s (best run): {verdict_line} (best {best:.2f} s, median {median:.2f} s)")

    print(f"\n  {'award':<12}{'eligible':>10}{'judgement':>11}{'ineligible':>12}")
    for code in AWARDS:
        tally = Counter(v.status for v in verdicts[code].values())
        print(f"  {code:<12}{tally[ELIGIBLE]:>10,}{tally[NEEDS_JUDGEMENT]:>11,}{tally[INELIGIBLE]:>12,}")

    # -- one by one
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(Person.id).order_by(Person.id)).scalars())
    sample = random.Random(args.seed + 1).sample(ids, min(args.sample, len(ids)))
    load_s, check_s, single = run_one_by_one(engine, sample)
    per_person = (load_s + check_s) / len(sample)
    extrapolated = per_person * len(ids)
    measured_all = len(sample) == len(ids)
    print(f"\nOne by one: load_people([pid], explain=True) + check × {len(AWARDS)} per person")
    print(
        f"  sample     {len(sample):>7,} people  {fmt_s(load_s + check_s):>9}  "
        f"{per_person * 1000:.3f} ms/person (load {load_s / len(sample) * 1000:.3f} + "
        f"check {check_s / len(sample) * 1000:.3f})"
    )
    if not measured_all and extrapolated <= FULL_BASELINE_LIMIT_S:
        load_s, check_s, single = run_one_by_one(engine, ids)
        measured_all = True
    if measured_all:
        baseline, baseline_label = load_s + check_s, "measured"
        print(f"  everyone   {len(ids):>7,} people  {fmt_s(baseline):>9}  (measured)")
    else:
        baseline, baseline_label = extrapolated, "EXTRAPOLATED from the sample"
        print(f"  everyone   {len(ids):>7,} people  {fmt_s(baseline):>9}  (EXTRAPOLATED, not measured)")

    print(
        f"\nSpeed-up: batch best {best:.2f} s vs one by one {baseline:,.1f} s ({baseline_label}) "
        f"→ {baseline / best:,.0f}×"
    )
    compared, disagreements, examples = compare(verdicts, single)
    print(
        f"Agreement: {compared:,} verdicts compared ({len(single):,} people × {len(AWARDS)} awards, "
        f"status and route): {disagreements} disagreement{'s' if disagreements != 1 else ''}"
    )
    for line in examples[:10]:
        print(f"  {line}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
