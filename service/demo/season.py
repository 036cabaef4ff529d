"""One year-end season, end to end, through the domain API: registrations; unit councils and
unit decisions; proposals forwarded to the province and the ministry, one returned and
resubmitted; provincial and ministerial councils (one nominee voted down, one blocked by the
eligibility engine); decisions numbered from the registers; a Bằng khen Thủ tướng decided at the
central level. Each step is its own transaction, dated as a real season would be."""

import io
import random
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from docx import Document
from sqlalchemy import Engine
from sqlmodel import Session, select

from document_templates.publish import (
    export,
    publish_decision,
    publish_minutes,
    publish_report,
    publish_submission,
)
from models.access import Actor, load_actor
from models.campaigns import Campaign, Registration
from models.catalogue import default_catalogue
from models.councils import Choice, CouncilMember, SessionItem
from models.db import make_engine, migrate, session_scope
from models.decide import draft_decision, sign, sign_submission
from models.dossier import Store, attach
from models.eligibility import check_many
from models.eligibility.load import load_collectives, load_people
from models.errors import GuardFailed
from models.history import Rating, RatingLevel
from models.nominations import Nomination, State, Submission
from models.org import Person, Unit, UnitKind
from models.voting import add_to_agenda, cast_ballot, close_session, open_session, record_attendance
from models.workflow import apply, nominate, send
from service.demo.province import DEPARTMENTS, Demo, build
from service.demo.report import summary

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GRASSROOTS = ["SNV", *DEPARTMENTS, "BCT-XTTM"]


def at(day: date, hour: int = 9) -> datetime:
    """A moment of a working day in Vietnam (UTC+7)."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def paper(title: str, *lines: str) -> bytes:
    """A Word file as a unit's officer would type and upload it."""
    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Season:
    def __init__(self, engine: Engine, demo: Demo, store: Store, year: int, seed: int):
        self.engine, self.demo, self.store, self.year = engine, demo, store, year
        self.rng = random.Random(seed + 1)
        self.campaign_id: int | None = None
        self.blocked: list[str] = []

    # -- helpers

    def actor(self, session: Session, key: str) -> Actor:
        return load_actor(session, self.demo.roles[key].id)

    def ruleset(self, day: date):
        return default_catalogue().for_date(day, "QNG")

    def campaign(self, session: Session) -> Campaign:
        return session.get(Campaign, self.campaign_id)

    def upload(self, session, actor, kind, day, *, nomination=None, submission=None, note=""):
        person = session.get(Person, nomination.person_id) if nomination and nomination.person_id else None
        subject = (
            person.full_name
            if person
            else (session.get(Unit, nomination.collective_id).name if nomination else "")
        )
        label = self.ruleset(day).dossier_kinds[kind]["label"]
        content = paper(label.upper(), subject, note or f"Năm {self.year}", f"Ngày {day:%d/%m/%Y}")
        owners = {
            "nomination_id": nomination.id if nomination else None,
            "submission_id": submission.id if submission else None,
        }
        return attach(
            session,
            actor,
            kind,
            f"{kind}.docx",
            DOCX,
            content,
            ruleset=self.ruleset(day),
            store=self.store,
            **owners,
        )

    def report(self, session, actor, nomination: Nomination, day: date):
        """The engine pre-fills the achievement report; the unit completes it and uploads it."""
        form = publish_report(session, actor, nomination.id, self.store)
        content = self.store.get(form.sha256)
        return attach(
            session,
            actor,
            "bao_cao_thanh_tich",
            form.filename,
            DOCX,
            content,
            ruleset=self.ruleset(day),
            nomination_id=nomination.id,
            store=self.store,
        )

    def council_vote(
        self,
        session,
        unit_code: str,
        nominations: list[Nomination],
        day: date,
        against: dict[int, int] | None = None,
    ):
        """A council meeting: attendance (one absent member writes in), ballots, the tally.
        `against` gives, per nomination id, how many members vote no."""
        council = self.demo.councils[unit_code]
        secretariat = self.actor(session, f"{unit_code}:secretariat")
        members = session.exec(select(CouncilMember).where(CouncilMember.council_id == council.id)).all()
        meeting = open_session(
            session,
            secretariat,
            council.id,
            held_at=at(day, 14),
            place=f"Phòng họp {session.get(Unit, council.unit_id).name}",
            chair_id=members[0].person_id,
            secretary_id=self.demo.roles[f"{unit_code}:secretariat"].id,
            campaign_id=self.campaign_id,
        )
        add_to_agenda(session, secretariat, meeting.id, nominations)
        absent = members[-1]
        for m in members:
            present = m is not absent
            record_attendance(
                session, secretariat, meeting.id, m.id, present=present, written_opinion=not present
            )
        agenda = session.exec(
            select(SessionItem.nomination_id).where(SessionItem.session_id == meeting.id)
        ).all()
        against = against or {}
        for i, m in enumerate(members):
            choices = {nid: Choice.NO if i < against.get(nid, 0) else Choice.YES for nid in agenda}
            cast_ballot(session, load_actor(session, m.person_id), meeting.id, choices)
        close_session(session, secretariat, meeting.id, now=at(day, 17))
        publish_minutes(session, secretariat, meeting.id, self.store)
        return meeting

    def decide(self, session, unit_code: str, nominations: list[Nomination], day: date) -> None:
        by_award: dict[str, list[Nomination]] = {}
        for n in nominations:
            if n.state is State.RECOMMENDED:
                by_award.setdefault(n.award_code, []).append(n)
        for _, group in sorted(by_award.items()):
            decision = draft_decision(session, self.actor(session, f"{unit_code}:secretariat"), group)
            self.sign_and_publish(session, unit_code, decision.id, day)

    def sign_and_publish(self, session, unit_code: str, decision_id: int, day: date) -> None:
        authority = self.actor(session, f"{unit_code}:authority")
        sign(session, authority, decision_id, signed_on=day, now=at(day, 16))
        publish_decision(session, authority, decision_id, self.store)

    # -- the season

    def launch(self) -> None:
        with session_scope(self.engine) as session:
            province = self.demo.units["QNG"]
            campaign = Campaign(
                organiser_unit_id=province.id,
                name=f"Phong trào thi đua yêu nước năm {self.year} tỉnh Quảng Ngãi",
                year=self.year,
                launched_on=date(self.year, 1, 15),
                closes_on=date(self.year, 12, 31),
            )
            session.add(campaign)
            session.flush()
            self.campaign_id = campaign.id
            for code in GRASSROOTS:  # đăng ký thi đua: every person for LĐTT, the strong for CSTĐCS
                unit = self.demo.units[code]
                for p in self.demo.staff[code]:
                    titles = ["LDTT", "CSTDCS"] if self.rng.random() < 0.3 else ["LDTT"]
                    for title in titles:
                        session.add(
                            Registration(
                                campaign_id=campaign.id, person_id=p.id, award_code=title, unit_id=unit.id
                            )
                        )

    def evaluate(self) -> None:
        """The year's task-completion ratings (đánh giá, xếp loại), people and collectives."""
        story = {p.id for p in self.demo.story.values()}
        with session_scope(self.engine) as session:
            for code in GRASSROOTS:
                for p in self.demo.staff[code]:
                    level = (
                        RatingLevel.HTXS
                        if p.id in story
                        else self.rng.choices(list(RatingLevel), [0.25, 0.6, 0.12, 0.03])[0]
                    )
                    session.add(
                        Rating(
                            person_id=p.id,
                            year=self.year,
                            level=level,
                            source=f"Đánh giá, xếp loại năm {self.year}",
                        )
                    )
            for unit in self.demo.units.values():
                if unit.kind is UnitKind.SUBUNIT or unit.code in DEPARTMENTS:
                    level = (
                        RatingLevel.HTXS
                        if unit.code in ("BQLKKT", "STC-2", "SGDDT-2") or self.rng.random() < 0.4
                        else RatingLevel.HTT
                    )
                    session.add(Rating(collective_id=unit.id, year=self.year, level=level))

    def unit_round(self, code: str, awards: list[str], collective: bool, day: date) -> None:
        """A grassroots unit's own titles: batch eligibility, nominations, the council, decisions."""
        with session_scope(self.engine) as session:
            unit = self.demo.units[code]
            officer = self.actor(session, f"{code}:officer")
            campaign = self.campaign(session)
            if collective:
                subjects = {u.id: u for u in self.demo.units.values() if u.parent_id == unit.id}
                histories = load_collectives(session, self.year, subjects)
            else:
                subjects = {p.id: p for p in self.demo.staff[code]}
                histories = load_people(session, self.year, list(subjects))
            nominations = []
            for award in awards:
                verdicts = check_many(histories, award, day, self.year, tenant="QNG")
                eligible = [k for k, v in verdicts.items() if v.eligible]
                chosen = self.choose(award, eligible, len(nominations))
                for key in chosen:
                    subject = {"collective_id": key} if collective else {"person_id": key}
                    n = nominate(
                        session,
                        officer,
                        campaign,
                        award,
                        unit_id=unit.id,
                        now=at(day),
                        achievement=f"đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {self.year}",
                        **subject,
                    )
                    self.report(session, officer, n, day)
                    nominations.append(n)
            if not nominations:
                return
            send(session, officer, nominations, "submit", now=at(day, 10))
            for n in nominations:
                apply(
                    session,
                    n,
                    "accept",
                    self.actor(session, f"{code}:secretariat"),
                    now=at(day + timedelta(days=2)),
                )
            self.council_vote(session, code, nominations, day + timedelta(days=7))
            self.decide(session, code, nominations, day + timedelta(days=10))

    def choose(self, award: str, eligible: list[int], ldtt: int) -> list[int]:
        """Who the unit puts forward among the eligible: all advanced workers; grassroots
        fighters within the province's 15% cap (the storyline first); a few Giấy khen."""
        story = {p.id for p in self.demo.story.values()}
        if award == "CSTDCS":
            ranked = sorted(eligible, key=lambda pid: (pid not in story, self.rng.random()))
            return ranked[: max(len([p for p in eligible if p in story]), int(0.15 * ldtt))]
        if award == "GK":
            return [pid for pid in eligible if pid not in story and self.rng.random() < 0.12]
        return eligible

    def propose_upward(self, code: str, plan: list[tuple[str, dict, str]], day: date) -> list[int]:
        """The unit proposes higher awards: nominations, its council, and a Tờ trình upward.
        A nomination the engine blocks is withdrawn with the engine's reason."""
        forwarded = []
        with session_scope(self.engine) as session:
            officer = self.actor(session, f"{code}:officer")
            unit = self.demo.units[code]
            nominations = []
            for award, subject, basis in plan:
                n = nominate(
                    session,
                    officer,
                    self.campaign(session),
                    award,
                    unit_id=unit.id,
                    basis=basis,
                    now=at(day),
                    achievement=f"đã có thành tích xuất sắc trong phong trào thi đua năm {self.year}",
                    **subject,
                )
                self.report(session, officer, n, day)
                if award.startswith("CSTD"):
                    self.upload(session, officer, "xac_nhan_sang_kien", day, nomination=n)
                try:
                    with session.begin_nested():
                        send(session, officer, [n], "submit", now=at(day, 10))
                except GuardFailed as refusal:
                    apply(session, n, "withdraw", officer, reason=refusal.message, now=at(day, 11))
                    name = session.get(Person, n.person_id).full_name if n.person_id else unit.name
                    self.blocked.append(f"{name} — {refusal.message}")
                    continue
                apply(
                    session,
                    n,
                    "accept",
                    self.actor(session, f"{code}:secretariat"),
                    now=at(day + timedelta(days=1)),
                )
                nominations.append(n)
            self.council_vote(session, code, nominations, day + timedelta(days=3))
            for target in sorted({n.award_code for n in nominations}, key=str):
                group = [n for n in nominations if n.award_code == target and n.state is State.RECOMMENDED]
                if not group:
                    continue
                submission = send(
                    session,
                    self.actor(session, f"{code}:secretariat"),
                    group,
                    "forward",
                    now=at(day + timedelta(days=6)),
                )
                self.send_up(session, code, submission, day + timedelta(days=6))
                forwarded += [n.id for n in group]
        return forwarded

    def send_up(self, session, code: str, submission: Submission, day: date) -> None:
        """The unit's head signs the Tờ trình; it goes up with the council's minutes (and, to the
        central level, the province's opinion, Law 06/2022 Art. 84(3))."""
        authority = self.actor(session, f"{code}:authority")
        sign_submission(session, authority, submission, signed_on=day)
        publish_submission(session, authority, submission.id, self.store)
        if submission.level >= 2:
            secretariat = self.actor(session, f"{code}:secretariat")
            self.upload(
                session,
                secretariat,
                "y_kien",
                day,
                submission=submission,
                note="Ý kiến của Ủy ban nhân dân tỉnh",
            )

    def upper_round(
        self,
        code: str,
        ids: list[int],
        day: date,
        *,
        returned: int | None = None,
        against: dict[int, int] | None = None,
    ) -> list[int]:
        """A province or ministry: intake (one dossier returned and resubmitted), its council,
        the decisions within its powers, and the rest forwarded to the central level."""
        forwarded = []
        with session_scope(self.engine) as session:
            secretariat = self.actor(session, f"{code}:secretariat")
            nominations = [session.get(Nomination, i) for i in ids]
            for n in nominations:
                if n.id == returned:
                    apply(
                        session,
                        n,
                        "return",
                        secretariat,
                        reason="Báo cáo thành tích chưa có xác nhận của thủ trưởng đơn vị trình khen",
                        now=at(day),
                    )
                    officer = load_actor(session, self._officer_of(session, n))
                    self.upload(
                        session,
                        officer,
                        "bao_cao_thanh_tich",
                        day + timedelta(days=2),
                        nomination=n,
                        note="Bản đã có xác nhận của thủ trưởng đơn vị",
                    )
                    apply(session, n, "resubmit", officer, now=at(day + timedelta(days=2)))
                apply(session, n, "accept", secretariat, now=at(day + timedelta(days=3)))
            self.council_vote(session, code, nominations, day + timedelta(days=8), against=against)
            self.decide(
                session, code, [n for n in nominations if n.award_code != "BK_TTG"], day + timedelta(days=12)
            )
            upward = [n for n in nominations if n.award_code == "BK_TTG" and n.state is State.RECOMMENDED]
            if upward:
                submission = send(session, secretariat, upward, "forward", now=at(day + timedelta(days=13)))
                self.send_up(session, code, submission, day + timedelta(days=13))
                forwarded = [n.id for n in upward]
        return forwarded

    def _officer_of(self, session, n: Nomination) -> int:
        unit = session.get(Unit, n.unit_id)
        return self.demo.roles[f"{unit.code}:officer"].id

    def central_round(self, ids: list[int], day: date) -> None:
        """Ban Thi đua - Khen thưởng Trung ương appraises; the Prime Minister decides."""
        with session_scope(self.engine) as session:
            nominations = [session.get(Nomination, i) for i in ids]
            for n in nominations:
                apply(session, n, "accept", self.actor(session, "TW:secretariat"), now=at(day))
            decision = draft_decision(session, self.actor(session, "TW:secretariat"), nominations)
            self.sign_and_publish(session, "TW", decision.id, day + timedelta(days=20))

    def run(self) -> None:
        y, story = self.year, self.demo.story
        self.launch()
        self.evaluate()
        for code in GRASSROOTS:
            self.unit_round(code, ["LDTT", "CSTDCS", "GK"], collective=False, day=date(y, 12, 1))
            self.unit_round(code, ["TTLDTT"], collective=True, day=date(y, 12, 15))
        provincial = []
        for code in DEPARTMENTS:
            plan = self.provincial_plan(code)
            provincial += self.propose_upward(code, plan, date(y, 12, 22))
        with Session(self.engine) as session:
            first_bk = next(i for i in provincial if session.get(Nomination, i).award_code == "BK_TINH")
        contested = self._nomination_of(story["contested_fighter"].id, "CSTD_TINH")
        central = self.upper_round(
            "QNG", provincial, date(y + 1, 1, 5), returned=first_bk, against={contested: 3}
        )
        ministry = self.propose_upward(
            "BCT-XTTM",
            [("BK_BO", {"person_id": story["ministry_certificate"].id}, "periodic")],
            date(y, 12, 22),
        )
        self.upper_round("BCT", ministry, date(y + 1, 1, 6))
        self.central_round(central, date(y + 1, 3, 2))

    def provincial_plan(self, code: str) -> list[tuple[str, dict, str]]:
        """What each department proposes to the province, from the engine's own verdicts."""
        story = {k: p.id for k, p in self.demo.story.items()}
        staff = [p.id for p in self.demo.staff[code]]
        day = date(self.year, 12, 22)
        plan = []
        with Session(self.engine) as session:
            people = load_people(session, self.year, staff)
            subs = [u.id for u in self.demo.units.values() if u.parent_id == self.demo.units[code].id]
            collectives = load_collectives(session, self.year, [*subs, self.demo.units[code].id])
        for key in ("provincial_fighter", "contested_fighter", "broken_chain"):
            if story[key] in staff:
                plan.append(("CSTD_TINH", {"person_id": story[key]}, "periodic"))
        if story["pm_certificate"] in staff:
            plan.append(("BK_TTG", {"person_id": story["pm_certificate"]}, "periodic"))
        certificates = check_many(people, "BK_TINH", day, self.year, tenant="QNG")
        proposed = {story[k] for k in ("provincial_fighter", "contested_fighter", "pm_certificate")}
        eligible = [pid for pid, v in sorted(certificates.items()) if v.eligible and pid not in proposed]
        plan += [("BK_TINH", {"person_id": pid}, "periodic") for pid in eligible[:3]]
        excellent = check_many({k: collectives[k] for k in subs}, "TTLDXS", day, self.year, tenant="QNG")
        plan += [
            ("TTLDXS", {"collective_id": uid}, "periodic")
            for uid, v in sorted(excellent.items())
            if v.eligible
        ][:1]
        flag = check_many(
            {self.demo.units[code].id: collectives[self.demo.units[code].id]},
            "CO_TD_TINH",
            day,
            self.year,
            tenant="QNG",
        )
        plan += [("CO_TD_TINH", {"collective_id": uid}, "periodic") for uid, v in flag.items() if v.eligible]
        return plan

    def _nomination_of(self, person_id: int, award: str) -> int:
        with Session(self.engine) as session:
            return session.exec(
                select(Nomination.id).where(Nomination.person_id == person_id, Nomination.award_code == award)
            ).one()


def run_season(engine: Engine, store: Store, year: int, seed: int) -> Season:
    """Seed the demo province into a migrated, empty database and run its season."""
    history_rules = default_catalogue().ruleset("law06-2022+nd98-2023")
    with session_scope(engine) as session:
        demo = build(session, history_rules, year, seed)
    season = Season(engine, demo, store, year, seed)
    season.run()
    return season


def run_demo(year: int, out: Path, seed: int) -> str:
    """The embedded default: a fresh SQLite file in `out`, left there for inspection."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "vinhdanh.db"
    for stale in (database, out / "vinhdanh.db-wal", out / "vinhdanh.db-shm"):
        stale.unlink(missing_ok=True)
    for folder in ("documents", "van_ban"):
        shutil.rmtree(out / folder, ignore_errors=True)
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    store = Store(out / "documents")
    season = run_season(engine, store, year, seed)
    with Session(engine) as session:
        written = export(session, store, out / "van_ban")
    report = summary(engine, year, season.blocked, database, time.perf_counter() - started)
    report += f"\nVăn bản ({sum(written.values())} tệp .docx) trong {out / 'van_ban'}: " + ", ".join(
        f"{kind} {count}" for kind, count in sorted(written.items())
    )
    engine.dispose()
    return report
