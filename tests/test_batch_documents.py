"""Documents built per batch (issue 13 §1): a decision's files, the Tờ trình, the appraisal and the
council's minutes read their nominees — the people, their posts, the units, the votes — with as
many statements for thirty nominees as for one, and keeping a flow's files together is one query,
one insert and one write of the audit chain however many files there are."""

from datetime import date

from sqlmodel import Session, col, select

from document_templates.publish import (
    publish_appraisal,
    publish_decision,
    publish_minutes,
    publish_submission,
)
from document_templates.wording import person_entries, postings
from models import audit
from models.audit import Event
from models.councils import SessionItem
from models.dossier import Generated, Store, keep_many
from models.org import Membership, Person
from tests.factories import build_province, person
from tests.test_case_page import statements
from tests.test_documents import bang_khen_season


def published_again(engine, store: Store, colleagues: int) -> dict[str, list[str]]:
    """A season whose decision names the person, two collectives and `colleagues` more people;
    the statements each document costs when its flow runs again (every context built anew, each
    file found kept)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            province = build_province(session)
            season = bang_khen_season(session, province, store, date(2026, 1, 5), colleagues)
            assert len(season["nominations"]) == colleagues + 3
            chairman, director = province.actors["chairman"], province.actors["director"]
            meetings = session.exec(
                select(SessionItem.session_id)
                .where(SessionItem.nomination_id == season["nominations"][0].id)
                .distinct()
            ).all()
            seen = {}

            def cold(document: str):
                """As a flow's task, which opens a session of its own: nothing read before is at hand."""
                session.expire_all()
                return statements()

            with cold("decision") as seen["decision"]:
                made = publish_decision(session, chairman, season["decision"].id, store)
            with cold("submission") as seen["submission"]:
                publish_submission(session, director, int(season["to_trinh"].owner.partition(":")[2]), store)
            with cold("appraisal") as seen["appraisal"]:
                publish_appraisal(session, director, int(season["appraisal"].owner.partition(":")[2]), store)
            for meeting in meetings:
                with cold("minutes") as seen[f"minutes {meeting}"]:
                    publish_minutes(session, chairman, meeting, store)
            assert [d.id for d in made] == [d.id for d in season["made"]]  # found, not made again
        transaction.rollback()
    return {document: seen[document] for document in sorted(seen)}


def test_a_decisions_documents_cost_the_same_statements_for_three_nominees_or_thirty_two(engine, tmp_path):
    few, many = published_again(engine, Store(tmp_path), 0), published_again(engine, Store(tmp_path), 29)
    assert len(few) == len(many) == 5  # the decision, the Tờ trình, the appraisal, two councils' minutes
    for (document, small), big in zip(few.items(), many.values(), strict=True):
        assert len(big) <= len(small), (document, big)


def test_keeping_a_flows_files_is_one_query_one_insert_and_one_audit_write(session, province, tmp_path):
    officer, store = province.actors["officer"], Store(tmp_path)

    def files(first: int, count: int) -> list[Generated]:
        return [
            Generated("bang_khen", f"nomination:{n}", f"bang_khen_{n}.docx", f"Bằng khen {n}".encode())
            for n in range(first, first + count)
        ]

    keep_many(session, officer, files(1, 1), store)  # the audit chain's head, read once a transaction
    with statements() as one:
        keep_many(session, officer, files(2, 1), store)
    with statements() as thirty:
        made = keep_many(session, officer, files(3, 30), store)
    session.flush()
    assert len(thirty) == len(one), "\n".join(s[:120] for s in thirty)
    assert [d.owner for d in made] == [f"nomination:{n}" for n in range(3, 33)]
    assert store.get(made[-1].sha256) == "Bằng khen 32".encode()
    with statements() as again:
        assert keep_many(session, officer, files(3, 30), store) == made
    assert len(again) == 1 and again[0].startswith("SELECT")
    events = session.exec(select(Event).where(Event.action == "generate").order_by(col(Event.id))).all()
    assert [(e.entity, e.entity_id) for e in events] == [("nomination", n) for n in range(1, 33)]
    assert audit.verify(session) is None


def test_people_read_together_each_keep_the_latest_post_of_the_year(session, province):
    ns, stc = province.units["ns"], province.units["stc"]
    moved, stayed = (
        person(session, "Phan Văn Dời", ns),
        person(session, "Võ Thị Ở", stc, "Phó Giám đốc", "nữ"),
    )
    session.add(
        Membership(person_id=moved.id, unit_id=stc.id, post="Chánh Thanh tra", start_on=date(2025, 7, 1))
    )
    session.add(
        Membership(person_id=stayed.id, unit_id=ns.id, post="Trưởng phòng", start_on=date(2026, 2, 1))
    )
    newcomer = Person(full_name="Đỗ Văn Mới", gender="nam")
    session.add(newcomer)
    session.flush()
    posts = postings(session, [moved.id, stayed.id, newcomer.id], 2025)
    assert posts == {
        moved.id: ("Chánh Thanh tra", stc),
        stayed.id: ("Phó Giám đốc", stc),
        newcomer.id: ("", None),
    }
    assert postings(session, [stayed.id], 2026) == {stayed.id: ("Trưởng phòng", ns)}
    assert person_entries(session, [moved, stayed], 2025) == {
        moved.id: ("Ông Phan Văn Dời", "Chánh Thanh tra Sở Tài chính"),
        stayed.id: ("Bà Võ Thị Ở", "Phó Giám đốc Sở Tài chính"),
    }
