"""Excel import benchmark: 100,000 people with ten years of ratings and awards in one .xlsx,
imported into a fresh database, printed next to openpyxl's bare read of the same file in the same
run (iterating every row of every sheet in read-only mode: the floor no import with openpyxl
goes under).

    python bench/import.py                      # 100,000 people, 10 years, fresh SQLite
    python bench/import.py --people 10000       # a smaller file
    python bench/import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vd_bench

Target: the import (the upload's checks, then reading, checking and writing every row) ≤ 60 s.
The file is written once with openpyxl's write-only mode and kept under var/bench/ (writing it
takes longer than importing it). The PostgreSQL database given is wiped. Exit status 1 if the
import is refused or writes a different number of rows than the file holds.
"""

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("VINHDANH_DATA_DIR", tempfile.mkdtemp(prefix="vinhdanh-bench-import-"))

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

import flows.runtime  # noqa: F401  (Prefect's environment, before anything imports it)
from models import excel, imports
from models.access import load_actor
from models.db import make_engine, migrate, session_scope
from models.history import RATING_LABELS
from models.org import Membership, Person, Role, RoleGrant, Unit, UnitKind

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Ngọc Quốc Xuân Thu Hoài Kim".split()
GIVEN = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Nam Nga Phúc Quân Sơn Tâm "
    "Thảo Trang Tú Tuấn Vân Yến"
).split()
UNITS = 200
YEARS = 10
LAST_YEAR = 2025


def people_of(count: int, seed: int = 12) -> list[tuple[str, date, str]]:
    """(name, birth date, unit code) of `count` different people."""
    rng = random.Random(seed)
    found: dict[tuple, None] = {}
    while len(found) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        found[(name, born, f"BENCH-{rng.randrange(UNITS):03d}")] = None
    return list(found)


def write_file(path: Path, count: int) -> dict[str, int]:
    """The workbook: people, a rating a year each, a Lao động tiên tiến for most good years and
    a Chiến sĩ thi đua cơ sở for some; how many rows each sheet has."""
    rng = random.Random(7)
    book = Workbook(write_only=True)
    people, ratings, awards = (book.create_sheet(name) for name in ("Cá nhân", "Xếp loại", "Khen thưởng"))
    for sheet, kind, columns in (
        (people, excel.PEOPLE, 6),
        (ratings, excel.RATINGS_SHEET, 5),
        (awards, excel.AWARDS, 7),
    ):
        sheet.append([c.header for c in kind.columns[:columns]])
    rows = {"people": 0, "ratings": 0, "awards": 0}
    levels = list(RATING_LABELS)
    for name, born, unit in people_of(count):
        people.append([name, born, unit, rng.choice(("Nam", "Nữ")), "Chuyên viên", date(2015, 1, 1)])
        rows["people"] += 1
        for year in range(LAST_YEAR - YEARS + 1, LAST_YEAR + 1):
            level = rng.choices(levels, weights=(2, 6, 2, 0.2))[0]
            ratings.append([name, born, unit, year, level.value])
            rows["ratings"] += 1
            if level.rank >= 2 and rng.random() < 0.4:
                awards.append(
                    [
                        name,
                        born,
                        unit,
                        year,
                        "LDTT",
                        f"{rng.randrange(1, 500)}/QĐ-{unit}",
                        date(year + 1, 1, 15),
                    ]
                )
                rows["awards"] += 1
    book.save(path)
    return rows


def bare_read(path: Path) -> int:
    """openpyxl's own read of every row of every sheet, values only, read-only."""
    book = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    book.close()
    return rows


def fresh_database(url: str | None) -> sa.Engine:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-bench-import-')}/import.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    migrate(engine)
    return engine


def units_and_importer(engine: sa.Engine) -> int:
    """The province, its units, and its secretariat's officer, who imports."""
    with session_scope(engine) as session:
        province = Unit(
            code="BENCH", name="Ủy ban nhân dân tỉnh Thử", abbreviation="UBND", kind=UnitKind.PROVINCE
        )
        session.add(province)
        session.flush()
        session.add_all(
            Unit(
                code=f"BENCH-{i:03d}",
                name=f"Sở thứ {i}",
                abbreviation=f"S{i}",
                kind=UnitKind.AGENCY,
                parent_id=province.id,
            )
            for i in range(UNITS)
        )
        officer = Person(full_name="Cán bộ Ban Thi đua - Khen thưởng")
        session.add(officer)
        session.flush()
        session.add(Membership(person_id=officer.id, unit_id=province.id, start_on=date(2020, 1, 1)))
        session.add(RoleGrant(person_id=officer.id, role=Role.SECRETARIAT, unit_id=province.id))
        return officer.id


def timed(work) -> tuple:
    """What `work` returns, the seconds it took, and the seconds of CPU this process spent on it
    (all its threads: the import reads sheets in a second one). On a machine shared with other
    work, the CPU figure moves much less than the elapsed one (on PostgreSQL it leaves out the
    server's)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - start, time.process_time() - cpu)


def line(label: str, seconds: tuple[float, float], rest: str = "") -> None:
    print(f"{label:<48}{seconds[0]:>8.1f} s {seconds[1]:>8.1f} s   {rest}".rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL (wiped) as well as a fresh SQLite")
    parser.add_argument("--file", type=Path, help="the workbook (default var/bench/import-<people>.xlsx)")
    args = parser.parse_args()
    path = args.file or Path("var/bench") / f"import-{args.people}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        rows, (seconds, _) = timed(lambda: write_file(path, args.people))
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB): {rows} in {seconds:.1f} s")
    content = path.read_bytes()
    load = os.getloadavg()[0]
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load:.1f}")
    print(f"file: {path} ({len(content) / 2**20:.1f} MB)")
    print(f"{'':<48}{'elapsed':>10} {'CPU':>10}")
    rows, bare = timed(lambda: bare_read(path))
    line("openpyxl bare read (read-only, every row)", bare, f"{rows:,} rows")
    failed = False
    for url in [None, args.database_url] if args.database_url else [None]:
        failed |= not import_into(fresh_database(url), path.name, content, rows, bare)
    return 1 if failed else 0


def import_into(engine: sa.Engine, name: str, content: bytes, rows: int, bare: tuple) -> bool:
    """Upload and import the file as the province's secretariat; print the times. Whether every
    row was written."""
    officer = units_and_importer(engine)
    with session_scope(engine) as session:
        actor = load_actor(session, officer)
        (job, _), checks = timed(lambda: imports.submit(session, actor, name, "", content))
    counts, run = timed(lambda: imports.run(lambda: session_scope(engine), job.id))
    with session_scope(engine) as session:
        job = session.get(imports.ImportJob, job.id)
        people = session.exec(sa.select(sa.func.count()).select_from(Person)).one()[0]
    where = f"import into {engine.dialect.name}"
    line(f"{where}: upload checks", checks)
    line(f"{where}: read, check, write", run, f"{job.rows_written:,} rows written ({job.state})")
    total = (checks[0] + run[0], checks[1] + run[1])
    line(f"{where}: total", total, f"target ≤ 60 s   ({total[0] / bare[0]:.2f}× the bare read)")
    print(f"  load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows both)")
    engine.dispose()
    header_rows = 3
    if (
        job.state != "done"
        or job.rows_written != rows - header_rows
        or people != counts["people"]["added"] + 1
    ):
        print(f"  FAILED: {job.state}, {job.problems[:5]}, counts {counts}, {people} people in the database")
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
