"""A nomination's page at scale: a batch's step shows how many nominations it took, not their
ids; the page reads the units of its own route, not the province's tree; and the benchmark's
database (bench/seed.py, tiny here) is one the real app and the audit check accept."""

from contextlib import contextmanager

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from bench.seed import build
from models import audit
from models.config import configured
from models.db import session_scope
from models.org import Unit, UnitKind
from service.app import create_app
from tests.conftest import fresh_engine
from tests.test_workflow_api import drafts, ok


@contextmanager
def statements():
    """The SQL statements run, by any engine, inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def test_a_batch_step_on_the_page_counts_the_batch_and_says_whether_this_nomination_was_in_it(
    prov, api, app_db
):
    ids = drafts(app_db, prov)
    submission = ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)["id"]
    case = ok(api["officer"].get(f"/api/v1/nominations/{ids[0]}"))
    batch = {e["action"]: e for e in case["trail"] if e["record"] == "submission"}
    assert batch["submit"]["record_id"] == submission
    assert batch["submit"]["data"] == {"nominations": {"count": 2, "includes": True}}
    assert batch["intake_check"]["data"] == {
        "checked": {"count": 2, "includes": True},
        "incomplete": {"count": 0, "includes": False},
        "ineligible": {"count": 0, "includes": False},
    }
    own = next(e for e in case["trail"] if e["record"] == "nomination" and e["action"] == "submit")
    assert own["record_id"] == ids[0] and own["data"]["to"]["state"] == "submitted"  # its own, whole


def test_a_nomination_page_reads_the_units_on_its_route_not_the_whole_tree(prov, api, app_db):
    with session_scope(app_db) as session:  # a province's communes, which the page has no need of
        province = prov.units["province"].id
        session.add_all(
            Unit(code=f"X{i}", name=f"Xã {i}", abbreviation="X", kind=UnitKind.COMMUNE, parent_id=province)
            for i in range(50)
        )
    (nomination,) = drafts(app_db, prov, keys=("good",))
    with statements() as seen:
        ok(api["officer"].get(f"/api/v1/nominations/{nomination}"))
    reads_of_units = [s for s in seen if " FROM unit" in s]
    assert reads_of_units and all("WHERE" in s for s in reads_of_units), reads_of_units
    assert len(seen) <= 20, seen


def test_the_benchmark_database_passes_the_audit_check_and_serves_each_users_pages():
    engine = fresh_engine("seed")
    try:
        built = build(engine, 200)
        with Session(engine) as session:
            assert audit.verify(session) is None  # the bulk chain is the domain's own
        assert built.nominations == 200 and all(built.pages.values())
        with configured(database_url=engine.url.render_as_string(hide_password=False), prefect_mode="inline"):
            for user, token in built.tokens.items():
                client = TestClient(create_app(), headers={"Authorization": f"Bearer {token}"})
                case = ok(client.get(f"/api/v1/nominations/{built.pages[user][0]}"))
                assert case["trail"][0]["action"] == "nominate"
                lists = [v for e in case["trail"] if e["record"] != "nomination" for v in e["data"].values()]
                assert all(not isinstance(v, list) for v in lists)
    finally:
        engine.dispose()
