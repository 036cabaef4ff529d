"""Conferences: who organises them, the honoured list and its checks, and the report written by
its flow, reopened with python-docx. The test province's awards of 2021–2025 (tests/factories.py
and the `prov` fixture), counted by hand: An LDTT ×4, Bình LDTT ×1, Cường LDTT ×3 and CSTDCS ×3,
Duyên CSTDCS ×3 and LDTT ×1 (her 2019 Bằng khen is before the period), Mai LDTT ×4 — 19 awards,
13 LDTT and 6 CSTDCS, all to individuals, all at the grassroots level."""

import io
from datetime import date

import docx
import pytest
from sqlmodel import Session

from flows.runtime import directly
from flows.stages import conference_report_flow
from models import conferences
from models.conferences import ConferenceKind
from models.db import session_scope
from models.decisions import GeneratedDocument
from models.dossier import Store
from models.errors import Forbidden, InvalidInput, NotFound, StaleVersion

FIVE_YEARS = {"kind": ConferenceKind.ADVANCED_EXAMPLES, "first_year": 2021, "last_year": 2025}


def organise(session, prov, who="province_secretariat", unit="province", **extra):
    fields = FIVE_YEARS | {"name": "Hội nghị điển hình tiên tiến", "held_on": date(2025, 11, 20)} | extra
    return conferences.create(
        session, prov.actors[who], organiser_unit_id=prov.units[unit].id, place="Quảng Ngãi", **fields
    )


def test_the_secretariat_organises_a_conference_and_honours_people_and_collectives(session, province):
    conference = organise(session, province)
    conferences.honour(
        session,
        province.actors["province_secretariat"],
        conference.id,
        person_id=province.people["fighter"].id,
    )
    conferences.honour(
        session,
        province.actors["province_secretariat"],
        conference.id,
        collective_id=province.units["ns"].id,
        recognition="Tập thể tiêu biểu",
    )
    listed = conferences.honoured(session, conference, {"LDTT": "Lao động tiên tiến", "CSTDCS": "CSTĐCS"})
    assert [h["name"] for h in listed] == ["Hoàng Văn Cường", "Phòng Ngân sách"]
    assert listed[0]["detail"] == "Phó Trưởng phòng, Phòng Ngân sách"
    assert [(a["year"], a["code"]) for a in listed[0]["awards"]] == [
        (2023, "LDTT"),
        (2023, "CSTDCS"),
        (2024, "LDTT"),
        (2024, "CSTDCS"),
        (2025, "LDTT"),
        (2025, "CSTDCS"),
    ]
    assert listed[1]["recognition"] == "Tập thể tiêu biểu" and listed[1]["awards"] == []


def test_a_unit_secretariat_sees_its_own_conferences_not_the_provinces(session, province):
    mine = organise(session, province, "unit_secretariat", "stc", name="Hội nghị của Sở")
    theirs = organise(session, province)
    assert [c.id for c in conferences.listing(session, province.actors["unit_secretariat"])] == [mine.id]
    assert {c.id for c in conferences.listing(session, province.actors["province_secretariat"])} == {
        mine.id,
        theirs.id,
    }
    with pytest.raises(NotFound):
        conferences.visible(session, province.actors["unit_secretariat"], theirs.id)


def test_only_a_secretariat_organises_and_only_for_its_units(session, province):
    with pytest.raises(Forbidden):
        organise(session, province, "officer", "stc")
    with pytest.raises(NotFound):
        organise(session, province, "unit_secretariat", "province")


def test_the_same_conference_twice_is_a_conflict(session, province):
    organise(session, province)
    with pytest.raises(StaleVersion):
        organise(session, province, name="Lần nữa")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"first_year": 2026}, "first_year"),
        ({"held_on": date(2024, 12, 1)}, "held_on"),
        ({"name": "   "}, "name"),
    ],
)
def test_a_conference_that_makes_no_sense_is_refused(session, province, extra, field):
    with pytest.raises(InvalidInput) as refused:
        organise(session, province, **extra)
    assert refused.value.details["field"] == field


def test_the_honoured_list_takes_only_the_organisers_people_and_units_once(session, province):
    conference = organise(session, province, "unit_secretariat", "stc")
    clerk = province.actors["unit_secretariat"]
    with pytest.raises(InvalidInput):  # works at the ministry's Cục
        conferences.honour(session, clerk, conference.id, person_id=province.people["merchant"].id)
    with pytest.raises(InvalidInput):  # not below the Sở
        conferences.honour(session, clerk, conference.id, collective_id=province.units["snv"].id)
    with pytest.raises(InvalidInput):
        conferences.honour(session, clerk, conference.id)
    conferences.honour(session, clerk, conference.id, person_id=province.people["good"].id)
    with pytest.raises(StaleVersion):
        conferences.honour(session, clerk, conference.id, person_id=province.people["good"].id)


def test_the_report_counts_the_period_and_lists_the_honoured(app_db, prov):
    with session_scope(app_db) as session:
        conference = organise(session, prov)
        conferences.honour(
            session, prov.actors["province_secretariat"], conference.id, person_id=prov.people["fighter"].id
        )
        conferences.request_report(session, prov.actors["province_secretariat"], conference.id)
        conference_id = conference.id
    with directly():
        conference_report_flow.fn(conference_id)
        conference_report_flow.fn(conference_id)  # a retry finds the document made
    with Session(app_db) as session:
        made = session.exec(
            GeneratedDocument.__table__.select().where(GeneratedDocument.kind == "bao_cao_hoi_nghi_1")
        ).all()
        assert len(made) == 1
        document = docx.Document(io.BytesIO(Store().get(made[0].sha256)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tổng số 19 lượt tập thể, cá nhân được khen thưởng: 0 lượt tập thể, 19 lượt cá nhân" in text
    assert "cấp cơ sở 19 lượt" in text
    assert "BIỂU DƯƠNG ĐIỂN HÌNH TIÊN TIẾN GIAI ĐOẠN 2021–2025".lower() in text.lower()
    counts, honoured = document.tables[1], document.tables[2]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in counts.rows[1:]}
    assert rows == {"Lao động tiên tiến": ["0", "13", "13"], "Chiến sĩ thi đua cơ sở": ["0", "6", "6"]}
    assert [c.text for c in honoured.rows[1].cells][:2] == ["1", "Hoàng Văn Cường"]
    assert all(run.font.name == "Times New Roman" for p in document.paragraphs for run in p.runs if run.text)


def test_a_report_not_asked_for_is_not_written(session, province):
    conference = organise(session, province)
    from document_templates.conference import publish

    with pytest.raises(NotFound):
        publish(session, province.actors["province_secretariat"], conference.id)
