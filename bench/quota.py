"""Quota guard benchmark: a unit's nominations judged against a tenant's cap on grassroots
fighters (a share of the unit's advanced workers) in a province of N nominations, one at a time
(a batch of one each, as a step on one nomination runs it) beside once for the unit's batch,
both measured in the same run. Issue 13 measured the old guard at 5 ms a call at 855
nominations, 24 ms at 6,660 and 462 ms at 100,000; the target is a cost that does not grow.

    python bench/quota.py                      # 1,000, 10,000 and 100,000 nominations
    python bench/quota.py --nominations 20000  # one size

The province is bench/seed.py's (bulk inserts, SQLite files under a temporary folder). The cap is
set high enough never to refuse, so every nomination of the batch is judged."""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from demo.province import TENANT, TENANTS
from models.config import configured
from models.db import make_engine
from models.guards import guard_quota, situations
from models.nominations import Nomination, State

ROOT = Path(__file__).resolve().parents[1]
CAP = '\n[awards.CSTDCS.quota]\nmax_share = "100/100"\nof = "LDTT"\nsource = "the benchmark"\n'
RUNS = 3


@contextmanager
def capped():
    """The demo tenant with a cap on grassroots fighters (the law in force sets none)."""
    with tempfile.TemporaryDirectory() as folder:
        text = (TENANTS / f"{TENANT}.toml").read_text(encoding="utf-8")
        (Path(folder) / f"{TENANT}.toml").write_text(text + CAP, encoding="utf-8")
        with configured(tenant_dir=folder):
            yield


def largest_batch(session: Session) -> list[Nomination]:
    """The grassroots fighters a unit has nominated in the newest campaign, in the most populous unit."""
    campaign = session.exec(select(sa.func.max(Nomination.campaign_id))).one()
    fighters = select(Nomination).where(
        Nomination.campaign_id == campaign,
        Nomination.award_code == "CSTDCS",
        col(Nomination.state).not_in([State.DRAFT, State.WITHDRAWN, State.REJECTED, State.DELETED]),
    )
    rows = session.exec(fighters).all()
    unit, _ = Counter(n.unit_id for n in rows).most_common(1)[0]
    return [n for n in rows if n.unit_id == unit]


def best(measure) -> float:
    return min(measure() for _ in range(RUNS))


def timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def measure(size: int, folder: Path) -> None:
    from bench.seed import build  # with the repository on the path (main)

    engine = make_engine(f"sqlite:///{folder / f'quota-{size}.db'}")
    built = build(engine, size)
    now = datetime.now(UTC)
    with capped(), Session(engine) as session:
        batch = largest_batch(session)
        sits = situations(session, batch, now)
        assert sits[0].award.quota is not None, "the cap is not in force: nothing would be measured"

        def one_at_a_time() -> float:  # in one transaction, as steps in a loop: the staff read once
            session.info.clear()
            return sum(timed(lambda s=s: guard_quota([s])) for s in sits)

        def once() -> float:  # each measurement reads afresh
            session.info.clear()
            return timed(lambda: guard_quota(sits))

        single, batched = best(one_at_a_time), best(once)
    load = os.getloadavg()[0]
    print(
        f"{built.nominations:>8,} nominations · batch of {len(batch):>4} · one at a time "
        f"{single / len(batch) * 1000:7.2f} ms/nomination · batch {batched / len(batch) * 1000:7.3f} "
        f"ms/nomination ({batched * 1000:7.1f} ms) · load {load:.1f}"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, action="append")
    sizes = parser.parse_args().nominations or [1000, 10_000, 100_000]
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            measure(size, Path(folder))


if __name__ == "__main__":
    main()
