"""Conferences (hội nghị): the periodic conference of advanced examples (hội nghị điển hình tiên
tiến) and the review conferences (hội nghị sơ kết, tổng kết) of a campaign's period, with the
people and collectives honoured at them and the conference's report.

Discovering, fostering and spreading advanced examples, and reviewing a campaign at its middle and
end, are part of organising one (Law 06/2022 Art. 17(4), 17(5)); the head of every body spreads
them (Art. 13(1)). That the conference of advanced examples is held every five years follows the
practice of the five-year patriotic emulation congresses: no article saying so was read
(verified = false), so the period is the organiser's to state, not a rule enforced here.

An honoured entry links to its subject (a person or a unit); the awards its subject received in the
conference's period are read from the history when listed, so the list shows them however they
were recorded (a decision of the engine or an imported record)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models import audit, excel, imports
from models.access import Actor
from models.db import enum_type, utcnow
from models.decisions import GeneratedDocument
from models.errors import Forbidden, InvalidInput, NotFound, StaleVersion
from models.history import ONE_SUBJECT, AwardRecord
from models.org import Membership, Person, Unit
from models.routing import Org
from models.text import nfc


class ConferenceKind(StrEnum):
    ADVANCED_EXAMPLES = "advanced_examples"  # hội nghị điển hình tiên tiến
    INTERIM_REVIEW = "interim_review"  # hội nghị sơ kết
    FINAL_REVIEW = "final_review"  # hội nghị tổng kết

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ConferenceKind.ADVANCED_EXAMPLES: "Hội nghị điển hình tiên tiến",
    ConferenceKind.INTERIM_REVIEW: "Hội nghị sơ kết phong trào thi đua",
    ConferenceKind.FINAL_REVIEW: "Hội nghị tổng kết phong trào thi đua",
}
REPORT = "bao_cao_hoi_nghi"  # the document kind of its report (document_templates/conference.py)
ADVANCED_EXAMPLE = "Điển hình tiên tiến"  # what a conference of advanced examples recognises
_version = sa.Column("version", sa.Integer, nullable=False, default=1)


class Conference(SQLModel, table=True):
    """A hội nghị of one organiser over a period of years (2020–2025), held on a day at a place."""

    __table_args__ = (UniqueConstraint("organiser_unit_id", "kind", "first_year", "last_year"),)
    __mapper_args__ = {"version_id_col": _version}
    id: int | None = Field(default=None, primary_key=True)
    organiser_unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: ConferenceKind = Field(sa_type=enum_type(ConferenceKind))
    name: str = Field(max_length=300)
    first_year: int
    last_year: int
    held_on: date
    place: str = Field(default="", max_length=200)
    report_version: int = 0  # the report asked for: each request makes a new one (its owner key)
    report_requested_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_version)

    @property
    def period(self) -> str:
        return (
            f"{self.first_year}–{self.last_year}"
            if self.first_year != self.last_year
            else str(self.first_year)
        )

    @property
    def owner(self) -> str:
        return f"conference:{self.id}"

    @property
    def report_kind(self) -> str:
        """The kind its report is kept under: one per request, 'bao_cao_hoi_nghi_2'."""
        return f"{REPORT}_{self.report_version}"

    @classmethod
    def report_waited_for(cls) -> sa.ColumnElement[bool]:
        """In a query: the report asked for last is not yet kept."""
        kept = sa.exists().where(
            GeneratedDocument.owner == sa.literal("conference:") + sa.cast(cls.id, sa.String),
            GeneratedDocument.kind == sa.literal(f"{REPORT}_") + sa.cast(cls.report_version, sa.String),
        )
        return (cls.report_version > 0) & ~kept


class Honouree(SQLModel, table=True):
    """A person or collective honoured at a conference (tuyên dương, biểu dương)."""

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="honouree_one_subject"),
        UniqueConstraint("conference_id", "person_id", name="uq_honouree_person"),
        UniqueConstraint("conference_id", "collective_id", name="uq_honouree_collective"),
    )
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    collective_id: int | None = Field(default=None, foreign_key="unit.id")
    recognition: str = Field(default=ADVANCED_EXAMPLE, max_length=200)
    achievement: str = Field(default="", max_length=1000)
    added_by: int | None = Field(default=None, foreign_key="person.id")
    added_at: datetime = Field(default_factory=utcnow)


def _text(value: str, limit: int, name: str, required: bool = False) -> str:
    found = " ".join(nfc(value or "").split())
    if required and not found:
        raise InvalidInput(f"Cần nhập {name}", field=name)
    if len(found) > limit:
        raise InvalidInput(f"{name}: dài {len(found)} ký tự, quá {limit}", field=name)
    return found


def _in_charge(session: Session, actor: Actor, unit_id: int) -> None:
    """Only the secretariat of the organiser or of a unit above it organises its conferences
    (refused with 403 by imports.units_in_charge for anyone outside a secretariat)."""
    units = imports.units_in_charge(session, actor)
    if units is not None and unit_id not in units:
        raise NotFound(f"Không có đơn vị #{unit_id}")  # outside their sight: as if it did not exist


def create(
    session: Session,
    actor: Actor,
    *,
    organiser_unit_id: int,
    kind: ConferenceKind,
    name: str,
    first_year: int,
    last_year: int,
    held_on: date,
    place: str = "",
) -> Conference:
    if session.get(Unit, organiser_unit_id) is None:
        raise NotFound(f"Không có đơn vị #{organiser_unit_id}")
    _in_charge(session, actor, organiser_unit_id)
    if first_year > last_year:
        raise InvalidInput(f"Năm đầu {first_year} sau năm cuối {last_year}", field="first_year")
    if held_on.year < last_year:
        raise InvalidInput(f"Hội nghị họp từ năm cuối của giai đoạn ({last_year}) trở đi", field="held_on")
    duplicate = session.exec(
        select(Conference.id).where(
            Conference.organiser_unit_id == organiser_unit_id,
            Conference.kind == kind,
            Conference.first_year == first_year,
            Conference.last_year == last_year,
        )
    ).first()
    if duplicate:
        raise StaleVersion(f"Đơn vị đã có hội nghị này cho giai đoạn {first_year}–{last_year} (#{duplicate})")
    conference = Conference(
        organiser_unit_id=organiser_unit_id,
        kind=kind,
        name=_text(name, 300, "name", required=True),
        first_year=first_year,
        last_year=last_year,
        held_on=held_on,
        place=_text(place, 200, "place"),
        created_by=actor.person_id,
    )
    session.add(conference)
    session.flush()
    audit.record(session, actor, "create_conference", "conference", conference.id, data=_snapshot(conference))
    return conference


def _snapshot(c: Conference) -> dict:
    return {"kind": c.kind.value, "period": c.period, "held_on": c.held_on.isoformat(), "place": c.place}


def visible(session: Session, actor: Actor, conference_id: int) -> Conference:
    """The conference, if the actor's secretariat is at or above its organiser; else 404, as for
    one that does not exist (nobody can probe for another's)."""
    conference = session.get(Conference, conference_id)
    try:
        units = imports.units_in_charge(session, actor)
    except Forbidden:  # outside any secretariat: no conference exists for them either
        units = set()
    if conference is None or (units is not None and conference.organiser_unit_id not in units):
        raise NotFound(f"Không có hội nghị #{conference_id}")
    return conference


def listing(session: Session, actor: Actor) -> list[Conference]:
    units = imports.units_in_charge(session, actor)
    query = select(Conference).order_by(col(Conference.held_on).desc(), col(Conference.id).desc())
    if units is not None:
        query = query.where(col(Conference.organiser_unit_id).in_(units))
    return list(session.exec(query))


def honour(
    session: Session,
    actor: Actor,
    conference_id: int,
    *,
    person_id: int | None = None,
    collective_id: int | None = None,
    recognition: str = ADVANCED_EXAMPLE,
    achievement: str = "",
) -> Honouree:
    """Add a person who worked in the organiser's units during the period, or one of its units,
    to the honoured list, once (two clerks adding the same: the unique constraints let one win)."""
    if (person_id is None) == (collective_id is None):
        raise InvalidInput("Cần đúng một đối tượng: cá nhân (person_id) hoặc tập thể (collective_id)")
    conference = visible(session, actor, conference_id)
    units = Org.of(session).below({conference.organiser_unit_id})
    if collective_id is not None and collective_id not in units:
        raise InvalidInput(
            f"Tập thể #{collective_id} không thuộc đơn vị tổ chức hội nghị", field="collective_id"
        )
    if person_id is not None and not _worked_in(session, person_id, units, conference):
        raise InvalidInput(
            f"Người #{person_id} không công tác tại đơn vị tổ chức trong giai đoạn {conference.period}",
            field="person_id",
        )
    taken = session.exec(
        select(Honouree.id).where(
            Honouree.conference_id == conference_id,
            Honouree.person_id == person_id
            if person_id is not None
            else Honouree.collective_id == collective_id,
        )
    ).first()
    if taken:
        raise StaleVersion(f"Đối tượng này đã có trong danh sách được biểu dương (#{taken})")
    entry = Honouree(
        conference_id=conference_id,
        person_id=person_id,
        collective_id=collective_id,
        recognition=_text(recognition, 200, "recognition", required=True),
        achievement=_text(achievement, 1000, "achievement"),
        added_by=actor.person_id,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "honour",
        "conference",
        conference_id,
        data={"person_id": person_id, "collective_id": collective_id, "recognition": entry.recognition},
    )
    return entry


def _worked_in(session: Session, person_id: int, units: set[int], conference: Conference) -> bool:
    return (
        session.exec(
            select(Membership.id).where(
                Membership.person_id == person_id,
                col(Membership.unit_id).in_(units),
                Membership.start_on <= date(conference.last_year, 12, 31),
                col(Membership.end_on).is_(None) | (Membership.end_on >= date(conference.first_year, 1, 1)),
            )
        ).first()
        is not None
    )


def honoured(session: Session, conference: Conference, names: dict[str, str]) -> list[dict]:
    """The honoured list in the order added: each entry's name, unit, recognition, achievement,
    and the awards its subject received in the period (`names`: award code → name)."""
    entries = list(
        session.exec(select(Honouree).where(Honouree.conference_id == conference.id).order_by(Honouree.id))
    )
    people = {p.id: p for p in _rows(session, Person, {e.person_id for e in entries})}
    collectives = {u.id: u for u in _rows(session, Unit, {e.collective_id for e in entries})}
    posts = _posts(session, set(people), conference.last_year)
    awards = _awards(session, entries, conference)
    found = []
    for e in entries:
        if e.person_id is not None:
            name, detail = people[e.person_id].full_name, posts.get(e.person_id, "")
        else:
            name, detail = collectives[e.collective_id].name, ""
        key = ("p", e.person_id) if e.person_id is not None else ("c", e.collective_id)
        found.append(
            {
                "id": e.id,
                "person_id": e.person_id,
                "collective_id": e.collective_id,
                "name": name,
                "detail": detail,
                "recognition": e.recognition,
                "achievement": e.achievement,
                "awards": [
                    {"year": year, "code": code, "name": names.get(code, code), "decision": decision}
                    for year, code, decision in awards.get(key, [])
                ],
            }
        )
    return found


def _rows(session: Session, table, ids: set) -> list:
    ids.discard(None)
    return list(session.exec(select(table).where(col(table.id).in_(ids)))) if ids else []


def _posts(session: Session, people: set[int], year: int) -> dict[int, str]:
    """Each person's latest post by the end of `year`, as 'post, unit'."""
    if not people:
        return {}
    rows = session.exec(
        select(Membership.person_id, Membership.post, Unit.name)
        .join(Unit, col(Unit.id) == Membership.unit_id)
        .where(col(Membership.person_id).in_(people), Membership.start_on <= date(year, 12, 31))
        .order_by(Membership.start_on)
    )
    return {person: ", ".join(p for p in (post, unit) if p) for person, post, unit in rows}


def _awards(session: Session, entries: list[Honouree], conference: Conference) -> dict[tuple, list]:
    """The subjects' awards of the period (not revoked), oldest first, in one query."""
    people = [e.person_id for e in entries if e.person_id is not None]
    collectives = [e.collective_id for e in entries if e.collective_id is not None]
    if not entries:
        return {}
    rows = session.exec(
        select(
            AwardRecord.person_id,
            AwardRecord.collective_id,
            AwardRecord.year,
            AwardRecord.code,
            AwardRecord.decision_number,
        )
        .where(
            col(AwardRecord.person_id).in_(people) | col(AwardRecord.collective_id).in_(collectives),
            col(AwardRecord.year).between(conference.first_year, conference.last_year),
            ~col(AwardRecord.revoked),
        )
        .order_by(AwardRecord.year, AwardRecord.id)
    )
    found: dict[tuple, list] = {}
    for person, collective, year, code, decision in rows:
        key = ("p", person) if person is not None else ("c", collective)
        found.setdefault(key, []).append((year, code, decision))
    return found


def request_report(session: Session, actor: Actor, conference_id: int) -> Conference:
    """Ask for the conference's report (its flow writes it): a new one each time, as the
    honoured list may have changed since the last."""
    conference = visible(session, actor, conference_id)
    conference.report_version += 1
    conference.report_requested_at = utcnow()
    session.add(conference)
    try:
        session.flush()
    except sa.orm.exc.StaleDataError:
        raise StaleVersion(f"Hội nghị #{conference_id} vừa được người khác thay đổi; hãy tải lại") from None
    audit.record(session, actor, "request_report", "conference", conference_id, data=_snapshot(conference))
    return conference


HONOURED_HEADERS = [
    ("STT", "", 6),
    ("Tập thể, cá nhân", "", 32),
    ("Chức vụ, đơn vị", "", 40),
    ("Danh hiệu được biểu dương", "", 24),
    ("Thành tích", "", 50),
    ("Khen thưởng trong giai đoạn", "", 50),
]


def honoured_workbook(session: Session, conference: Conference, names: dict[str, str]) -> bytes:
    """The honoured list as .xlsx, a row each, as the page shows it."""
    rows = [
        [
            i,
            h["name"],
            h["detail"],
            h["recognition"],
            h["achievement"],
            "; ".join(
                f"{a['year']}: {a['name']}" + (f" ({a['decision']})" if a["decision"] else "")
                for a in h["awards"]
            ),
        ]
        for i, h in enumerate(honoured(session, conference, names), 1)
    ]
    return excel.table("Danh sách biểu dương", HONOURED_HEADERS, rows)


CANDIDATES = 300  # people offered on the page to honour: those with the most awards in the period


def candidates(session: Session, conference: Conference) -> list[tuple[int, str, int]]:
    """(person, name, awards) of the organiser's people with the most awards in the period, who
    are the advanced examples a conference picks from; one GROUP BY."""
    units = Org.of(session).below({conference.organiser_unit_id})
    worked = select(Membership.id).where(
        Membership.person_id == AwardRecord.person_id, col(Membership.unit_id).in_(units)
    )
    query = (
        select(Person.id, Person.full_name, sa.func.count())
        .join(AwardRecord, col(AwardRecord.person_id) == Person.id)
        .where(
            col(AwardRecord.year).between(conference.first_year, conference.last_year),
            ~col(AwardRecord.revoked),
            worked.exists(),
        )
        .group_by(Person.id, Person.full_name)
        .order_by(sa.func.count().desc(), Person.full_name)
        .limit(CANDIDATES)
    )
    return [tuple(row) for row in session.exec(query)]
