"""Importing people, ratings and award history from an Excel workbook (models/excel.py), and
exporting them in the same form.

An import is a job: the file is checked and stored when it is uploaded (`submit`), then `run`
(the import flow, flows/stages.py) reads it, reporting how many rows it has read, and writes
everything in one transaction, or nothing when any row is wrong. The report lists each problem as
(sheet, row, column, problem). Only units below the importer's roles can be written to (their
sight, models/sight.py). A job whose file the same person already imported is that import, not a
new one; and a row already recorded (the same person, the same rating, the same award) is left as
it is, so importing a file again, or an export of the same records, adds nothing.

What is checked against the database (who is already recorded, the ratings and awards they
have) is checked in the transaction that writes, after taking the audit chain's lock: two
imports of overlapping files, run at once, cannot both add the same person."""

import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models import audit, excel, registrations, sight
from models.access import Actor, load_actor, today
from models.audit import AuditHead
from models.catalogue import default_catalogue
from models.config import get_settings
from models.db import bulk_insert, chunks, new_ids, page_cache, utcnow
from models.dossier import Store
from models.errors import Forbidden, InvalidInput, NotFound
from models.history import RATING_LABELS, AwardRecord, Rating
from models.org import Membership, Person, Role, Unit
from models.routing import Org
from models.search import NameToken, token_rows
from models.uploads import check_workbook

CHUNK = 5000  # rows per INSERT and per IN (…) list


class JobState:
    QUEUED, CHECKING, WRITING, DONE, REFUSED, FAILED = (
        "queued",
        "checking",
        "writing",
        "done",
        "refused",
        "failed",
    )


class ImportJob(SQLModel, table=True):
    """One uploaded workbook and what became of it."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    filename: str = Field(max_length=200)
    size: int
    actor_id: int = Field(foreign_key="person.id", index=True)
    state: str = Field(default=JobState.QUEUED, max_length=20)
    rows_read: int = 0
    rows_written: int = 0
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    problems: list[list] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    problems_total: int = 0
    error: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None

    @property
    def busy(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.CHECKING, JobState.WRITING)


# ------------------------------------------------------------------------------ the job


def submit(
    session: Session, actor: Actor, filename: str, content_type: str, content: bytes
) -> tuple[ImportJob, bool]:
    """The job importing this file: a new one (True), queued, with the file stored; or the
    import of the same file this person already made (False). Refused with a message when the
    file is not an Excel workbook, too large, a zip bomb, or has none of the sheets."""
    if actor.person_id is None:
        raise InvalidInput("Chỉ một người mới nhập được dữ liệu")
    units_in_charge(session, actor)
    settings = get_settings()
    name = check_workbook(
        filename, content_type, content, settings.max_import_bytes, settings.max_import_expanded
    )
    try:
        sheets = excel.open_workbook(content).sheetnames
    except Exception as error:  # openpyxl raises whatever its parsers meet in a broken file
        raise InvalidInput(f"Không đọc được bảng tính {name}: {type(error).__name__}", field="file") from None
    if not any(excel.BY_SHEET.get(excel.fold(s)) for s in sheets):
        raise InvalidInput(
            f"Bảng tính {name} không có trang nào trong số {excel.sheet_names()}", field="file"
        )
    digest = Store().put(content)
    done = select(ImportJob).where(
        ImportJob.sha256 == digest, ImportJob.actor_id == actor.person_id, ImportJob.state == JobState.DONE
    )
    if (earlier := session.exec(done).first()) is not None:
        return earlier, False
    job = ImportJob(sha256=digest, filename=name, size=len(content), actor_id=actor.person_id)
    session.add(job)
    session.flush()
    return job, True


def job_of(session: Session, actor: Actor, job_id: int) -> ImportJob:
    """An import job, to the person who made it (and an administrator); to others, none."""
    job = session.get(ImportJob, job_id)
    if job is None or (job.actor_id != actor.person_id and not sight.everything(actor)):
        raise NotFound(f"Không có lượt nhập dữ liệu #{job_id}")
    return job


def jobs_of(session: Session, actor: Actor, limit: int = 20) -> list[ImportJob]:
    query = select(ImportJob).where(ImportJob.actor_id == actor.person_id)
    return list(session.exec(query.order_by(col(ImportJob.id).desc()).limit(limit)))


UnitOfWork = Callable[[], AbstractContextManager[Session]]


def run(unit_of_work: UnitOfWork, job_id: int, run_id: str | None = None) -> dict:
    """Import the job's workbook, once: a job done or refused is left as it is, a failed one
    runs again. Its state and the rows read are committed as it goes, for the page; the records
    all at once, or none."""
    with unit_of_work() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound(f"Không có lượt nhập dữ liệu #{job_id}")
        if job.state in (JobState.DONE, JobState.REFUSED):
            return job.counts
        job.state, job.rows_read, job.error = JobState.CHECKING, 0, ""
        digest, importer_id = job.sha256, job.actor_id
    try:
        with _no_cycle_collection():
            return _import(unit_of_work, job_id, digest, importer_id, run_id)
    except Exception as error:
        with unit_of_work() as session:
            job = session.get(ImportJob, job_id)
            job.state, job.error = JobState.FAILED, f"{type(error).__name__}: {error}"[:2000]
            job.ended_at = utcnow()
        raise


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: an import makes millions of rows, values and records,
    none of them in a cycle, and the collector, run every few thousand of them, walked them all
    again and again (6 s of the bench's 50 s of CPU). What the pause leaves is collected after."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _import(unit_of_work: UnitOfWork, job_id: int, digest: str, importer_id: int, run_id: str | None) -> dict:
    with unit_of_work() as session:
        importer = replace(load_actor(session, importer_id), flow_run_id=run_id)
        lookups = _lookups(session, importer)

    read = {"rows": 0, "at": time.monotonic()}

    def progress(rows: int) -> None:
        """The rows read so far, for the page: committed once a second at most (a commit for
        each block of 5,000 rows took 1–2 s of the bench's import), and when reading ends."""
        read["rows"] = rows
        if time.monotonic() - read["at"] >= 1:
            read["at"] = time.monotonic()
            with unit_of_work() as session:
                session.get(ImportJob, job_id).rows_read = rows

    report = excel.Report()
    try:
        rows = excel.read(excel.open_workbook(Store().get(digest)), lookups, report, progress)
    except Exception as error:  # a file openpyxl cannot read to its end
        report.add("", None, "", f"không đọc được bảng tính ({type(error).__name__}: {error})"[:300])
        rows = {}
    with unit_of_work() as session:
        job = session.get(ImportJob, job_id)
        job.state, job.rows_read = JobState.WRITING, read["rows"]
    with unit_of_work() as session:
        session.exec(select(AuditHead).with_for_update()).one()  # one import writes at a time
        with page_cache(session.connection(), megabytes=128):
            plan = _plan(session, rows, report)
            counts = {} if report.count else _write(session, plan, importer)
        if report.count:
            session.rollback()
        _end(session, importer, session.get(ImportJob, job_id), counts, report)
        return counts


def _end(session: Session, importer: Actor, job: ImportJob, counts: dict, report: excel.Report) -> None:
    """The job's outcome, and its one event in the audit log."""
    job.state = JobState.REFUSED if report.count else JobState.DONE
    job.counts, job.problems, job.problems_total = counts, [list(p) for p in report.problems], report.count
    job.rows_written = sum(c["added"] for c in counts.values())
    job.ended_at = utcnow()
    session.add(job)
    data = {"sha256": job.sha256, "filename": job.filename, "rows_read": job.rows_read, "counts": counts}
    if report.count:
        data["problems"] = report.count
    action = "import_refused" if report.count else "import"
    audit.record(session, importer, action, "import_job", job.id, data=data)


# ------------------------------------------------------------------------------ what cells name


def _lookups(session: Session, actor: Actor) -> excel.Lookups:
    return lookups(session, units_in_charge(session, actor))


def lookups(session: Session, writable: set[int] | None) -> excel.Lookups:
    """Every unit by code and name, those that may be written to (None: all), the awards to
    individuals and to collectives in force."""
    units = session.exec(select(Unit.id, Unit.code, Unit.name)).all()
    catalogue = default_catalogue().for_date(today()).awards.values()

    def awards(subject: str) -> dict[str, str]:
        found = [a for a in catalogue if subject in a.subjects]
        return excel.by_code_or_name({a.code: a.code for a in found}, ((a.name, a.code) for a in found))

    return excel.Lookups(
        units=excel.by_code_or_name({u.code: u.id for u in units}, ((u.name, u.id) for u in units)),
        writable=writable,
        awards=awards("individual"),
        collective_awards=awards("collective"),
    )


IN_CHARGE = {Role.SECRETARIAT, Role.SECRETARIAT_HEAD}


def units_in_charge(session: Session, actor: Actor) -> set[int] | None:
    """The units whose people a person imports and exports: at and below those where they serve
    as the secretariat (an administrator: every unit, None). Anyone else may do neither."""
    if sight.everything(actor):
        return None
    units = sight.role_units(actor, IN_CHARGE)
    if not units:
        raise Forbidden(f"{actor.name} không phải thường trực Hội đồng Thi đua - Khen thưởng của đơn vị nào")
    return Org.of(session).below(units)


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


# ------------------------------------------------------------------------------ the plan


@dataclass
class Plan:
    """What the import adds: new people (with their post), ratings and awards, whose person is
    an id already recorded or ("new", index) into `people`; and how many rows were there already."""

    people: list[dict] = field(default_factory=list)
    ratings: list[tuple[Any, dict]] = field(default_factory=list)
    awards: list[tuple[Any, dict]] = field(default_factory=list)
    registrations: list[tuple[Any, dict]] = field(default_factory=list)
    unit_ratings: list[dict] = field(default_factory=list)
    unit_awards: list[dict] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _complete(kind: excel.Kind, rows: Iterable[excel.Row]) -> Iterator[excel.Row]:
    """The rows whose required cells were all read (the others are reported already)."""
    required = itemgetter(*(c.key for c in kind.columns if c.required))
    return (r for r in rows if None not in required(r.values))


def _subject(values: dict) -> tuple:
    """(name, birth date, unit): the name as name_key makes it (excel.full_name collapsed its spaces)."""
    return values["name"].casefold(), values["birth_date"], values["unit_id"]


def recorded(session: Session, units: set[int]) -> dict[tuple, int]:
    """(name, birth date, unit) → person id of the people holding a post now in these units;
    excel.AMBIGUOUS where two share them."""
    found: dict[tuple, int] = {}
    for chunk in chunks(sorted(units), CHUNK):
        query = (
            select(Person.id, Person.full_name, Person.birth_date, Membership.unit_id)
            .join(Membership, col(Membership.person_id) == Person.id)
            .where(col(Membership.unit_id).in_(chunk), col(Membership.end_on).is_(None))
        )
        for person_id, name, born, unit_id in session.exec(query):
            key = (name_key(name), born, unit_id)
            found[key] = excel.AMBIGUOUS if found.get(key, person_id) != person_id else person_id
    return found


def _by_person(session: Session, columns: list, ids: list[int], *where) -> list:
    rows = []
    for chunk in chunks(ids, CHUNK):
        rows += session.exec(select(*columns).where(col(columns[0]).in_(chunk), *where)).all()
    return rows


def _plan(session: Session, rows: dict[str, list[excel.Row]], report: excel.Report) -> "Plan":
    """What to add, checked against the file itself and what is recorded; problems reported."""
    plan = Plan()
    named = (excel.PEOPLE, excel.RATINGS_SHEET, excel.AWARDS, excel.REGISTRATIONS)  # sheets naming people
    units = {r.values["unit_id"] for k in named for r in rows.get(k.key, [])} - {None}
    people = recorded(session, units)
    in_file: dict[tuple, Any] = {}
    first: dict[tuple, int] = {}
    sheet = excel.PEOPLE.sheet
    for row in _complete(excel.PEOPLE, rows.get("people", [])):
        key = _subject(row.values)
        if key in first:
            report.add(
                sheet,
                row.number,
                "Họ và tên",
                f"trùng người ở dòng {first[key]} (cùng họ tên, ngày sinh, đơn vị)",
            )
            continue
        first[key] = row.number
        person_id = people.get(key)
        if person_id == excel.AMBIGUOUS:
            report.add(sheet, row.number, "Họ và tên", AMBIGUOUS_PERSON)
        elif person_id is not None:
            in_file[key] = person_id
            plan.unchanged["people"] += 1
        else:
            in_file[key] = ("new", len(plan.people))
            plan.people.append(row.values)
    known = [i for i in set(people.values()) if i != excel.AMBIGUOUS]
    levels = {
        (p, y): lv for p, y, lv in _by_person(session, [Rating.person_id, Rating.year, Rating.level], known)
    }
    awarded = set(
        _by_person(
            session,
            [AwardRecord.person_id, AwardRecord.year, AwardRecord.code],
            known,
            col(AwardRecord.revoked).is_(False),
        )
    )
    sheets = ((excel.RATINGS_SHEET, plan.ratings), (excel.AWARDS, plan.awards))
    for kind, target in (*sheets, (excel.REGISTRATIONS, plan.registrations)):
        seen: dict[tuple, int] = {}
        extra = kind.unique[len(excel.PERSON) :]  # what makes the row unique after its person
        for row in _complete(kind, rows.get(kind.key, [])):
            key = _subject(row.values)
            person = in_file.get(key) or people.get(key)
            if person is None or person == excel.AMBIGUOUS:
                problem = (
                    AMBIGUOUS_PERSON
                    if person
                    else f"không có người này trong trang «{sheet}» hay trong dữ liệu đã có"
                )
                report.add(kind.sheet, row.number, "Họ và tên", problem)
                continue
            unique = (key, *map(row.values.__getitem__, extra))
            if unique in seen:
                report.add(kind.sheet, row.number, "Năm", f"trùng với dòng {seen[unique]}")
                continue
            seen[unique] = row.number
            if (
                kind is excel.RATINGS_SHEET
                and isinstance(person, int)
                and (person, row.values["year"]) in levels
            ):
                level = levels[person, row.values["year"]]
                if level != row.values["level"]:
                    report.add(
                        kind.sheet,
                        row.number,
                        "Xếp loại",
                        f"năm {row.values['year']} đã có xếp loại «{RATING_LABELS[level]}»",
                    )
                else:
                    plan.unchanged["ratings"] += 1
                continue
            if kind is excel.REGISTRATIONS and (problem := registrations.import_problem(session, row.values)):
                report.add(kind.sheet, row.number, "Danh hiệu đăng ký", problem)
                continue
            if kind is excel.AWARDS and (person, row.values["year"], row.values["code"]) in awarded:
                plan.unchanged["awards"] += 1
                continue
            target.append((person, row.values))
    _plan_collectives(session, rows, report, plan)
    return plan


def _plan_collectives(session: Session, rows: dict[str, list[excel.Row]], report: excel.Report, plan: Plan):
    """The collectives' ratings and awards to add: a rating already recorded for the year is
    unchanged when the same and refused when not; an award recorded (not revoked), unchanged."""
    named = {r.values["collective_id"] for k in ("unit_ratings", "unit_awards") for r in rows.get(k, [])}
    units = sorted(named - {None})
    levels = {
        (u, y): lv
        for u, y, lv in _by_person(session, [Rating.collective_id, Rating.year, Rating.level], units)
    }
    awarded = set(
        _by_person(
            session,
            [AwardRecord.collective_id, AwardRecord.year, AwardRecord.code],
            units,
            col(AwardRecord.revoked).is_(False),
        )
    )
    for kind, target in ((excel.UNIT_RATINGS, plan.unit_ratings), (excel.UNIT_AWARDS, plan.unit_awards)):
        seen: dict[tuple, int] = {}
        for row in _complete(kind, rows.get(kind.key, [])):
            unique = tuple(row.values[k] for k in kind.unique)
            if unique in seen:
                report.add(kind.sheet, row.number, "Năm", f"trùng với dòng {seen[unique]}")
                continue
            seen[unique] = row.number
            if kind is excel.UNIT_RATINGS and unique in levels:
                if levels[unique] != row.values["level"]:
                    said = RATING_LABELS[levels[unique]]
                    report.add(kind.sheet, row.number, "Xếp loại", f"năm {unique[1]} đã có xếp loại «{said}»")
                else:
                    plan.unchanged[kind.key] += 1
            elif kind is excel.UNIT_AWARDS and unique in awarded:
                plan.unchanged[kind.key] += 1
            else:
                target.append(row.values)


AMBIGUOUS_PERSON = "có nhiều người cùng họ tên, ngày sinh, đơn vị trong dữ liệu đã có: hãy sửa trực tiếp"


# ------------------------------------------------------------------------------ writing


def _insert(session: Session, table, names: tuple[str, ...], rows: Iterable[tuple]) -> None:
    bulk_insert(session.connection(), table.__table__, names, rows)


def _write(session: Session, plan: Plan, importer: Actor) -> dict:
    """Add what the plan adds, by bulk inserts; the counts of rows added and found unchanged."""
    ids = new_ids(session.connection(), Person.__table__, len(plan.people))
    new = list(zip(ids, plan.people, strict=True))
    columns = itemgetter("name", "birth_date", "gender", "hometown")
    _insert(
        session,
        Person,
        ("id", "full_name", "birth_date", "gender", "hometown"),
        ((i, *columns(v)) for i, v in new),
    )
    started = today()
    posts = ((i, v["unit_id"], v["post"], v["start_on"] or started) for i, v in new)
    _insert(session, Membership, ("person_id", "unit_id", "post", "start_on"), posts)
    token = ("entity", "entity_id", "token")
    tokens = token_rows("person", ((i, v["name"]) for i, v in new))
    _insert(session, NameToken, token, map(itemgetter(*token), tokens))

    def person_id(person) -> int:
        return ids[person[1]] if isinstance(person, tuple) else person

    rating = ("year", "level", "source")
    _insert(
        session,
        Rating,
        ("person_id", *rating),
        ((person_id(p), v["year"], v["level"].value, v["source"]) for p, v in plan.ratings),
    )
    award = ("year", "code", "decision_number", "decision_date", "issuer")
    get_award = itemgetter(*award)
    _insert(
        session, AwardRecord, ("person_id", *award), ((person_id(p), *get_award(v)) for p, v in plan.awards)
    )
    _insert(
        session,
        Rating,
        ("collective_id", *rating),
        ((v["collective_id"], v["year"], v["level"].value, v["source"]) for v in plan.unit_ratings),
    )
    _insert(
        session,
        AwardRecord,
        ("collective_id", *award),
        ((v["collective_id"], *get_award(v)) for v in plan.unit_awards),
    )
    added = {
        "people": len(ids),
        "ratings": len(plan.ratings),
        "awards": len(plan.awards),
        "unit_ratings": len(plan.unit_ratings),
        "unit_awards": len(plan.unit_awards),
    }
    entries = [(person_id(p), v) for p, v in plan.registrations]
    if entries:  # a workbook with a registrations sheet (the export has none)
        added["registrations"] = registrations.write_imported(session, importer, entries)
    return {k: {"added": n, "unchanged": plan.unchanged[k]} for k, n in added.items()}


# ------------------------------------------------------------------------------ exporting


def export_rows(session: Session, actor: Actor) -> dict[str, list[list]]:
    """The people of the units in the actor's charge (an administrator: everyone) with a post
    now, at their first post, and their ratings and awards not revoked, as the sheets' rows."""
    posts = (
        select(Membership.person_id, sa.func.min(Membership.id).label("membership_id"))
        .where(col(Membership.end_on).is_(None))
        .group_by(Membership.person_id)
    )
    if (units := units_in_charge(session, actor)) is not None:
        posts = posts.where(col(Membership.unit_id).in_(units))
    first = posts.subquery()
    people = session.exec(
        select(Person, Membership, Unit.code)
        .join(first, first.c.person_id == Person.id)
        .join(Membership, col(Membership.id) == first.c.membership_id)
        .join(Unit, col(Unit.id) == Membership.unit_id)
        .order_by(col(Unit.code), col(Person.full_name), col(Person.id))
    ).all()
    subject = {p.id: [p.full_name, p.birth_date, code] for p, _, code in people}
    names = _award_names()
    ratings = _by_person(session, [Rating.person_id, Rating.year, Rating.level, Rating.source], list(subject))
    awards = _awards_of(session, AwardRecord.person_id, list(subject))
    return _collectives_rows(session, units, names) | {
        "people": [
            [
                *subject[p.id],
                {"nam": "Nam", "nữ": "Nữ"}.get(p.gender, p.gender),
                m.post,
                m.start_on,
                p.hometown,
            ]
            for p, m, _ in people
        ],
        "ratings": [
            [*subject[p], y, RATING_LABELS[lv], s] for p, y, lv, s in sorted(ratings, key=_order(subject))
        ],
        "awards": [
            [*subject[p], y, names.get(c, c), *rest] for p, y, c, *rest in sorted(awards, key=_order(subject))
        ],
    }


def _awards_of(session: Session, subject, ids: list[int]) -> list:
    """The awards not revoked of these people or collectives (`subject` the column naming them)."""
    columns = [AwardRecord.year, AwardRecord.code, AwardRecord.decision_number, AwardRecord.decision_date]
    return _by_person(
        session, [subject, *columns, AwardRecord.issuer], ids, col(AwardRecord.revoked).is_(False)
    )


def _collectives_rows(
    session: Session, units: set[int] | None, names: dict[str, str]
) -> dict[str, list[list]]:
    """The ratings and awards (not revoked) of the units in the actor's charge (an administrator:
    every unit), as the collectives' sheets' rows, by unit code."""
    query = select(Unit.id, Unit.code).order_by(col(Unit.code))
    codes = dict(session.exec(query.where(col(Unit.id).in_(units)) if units is not None else query).all())
    subject = {unit_id: [code] for unit_id, code in codes.items()}
    ratings = _by_person(
        session, [Rating.collective_id, Rating.year, Rating.level, Rating.source], list(codes)
    )
    awards = _awards_of(session, AwardRecord.collective_id, list(codes))
    return {
        "unit_ratings": [
            [codes[u], y, RATING_LABELS[lv], s] for u, y, lv, s in sorted(ratings, key=_order(subject))
        ],
        "unit_awards": [
            [codes[u], y, names.get(c, c), *rest] for u, y, c, *rest in sorted(awards, key=_order(subject))
        ],
    }


def _order(subject: dict[int, list]) -> Callable:
    position = {person: i for i, person in enumerate(subject)}
    return lambda row: (position[row[0]], row[1], str(row[2]))


def _award_names() -> dict[str, str]:
    """Award code → the name the import reads back as that code (the code where names repeat)."""
    awards = default_catalogue().for_date(today()).awards.values()
    lookup = excel.by_code_or_name({}, ((a.name, a.code) for a in awards))
    return {a.code: a.name for a in awards if lookup.get(excel.fold(a.name)) == a.code}


def export_workbook(session: Session, actor: Actor) -> bytes:
    return excel.workbook(export_rows(session, actor))
