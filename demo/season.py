"""One year-end season for a tenant, end to end: what people do (registrations, nominations,
intake decisions, ballots, signatures) and, after each committed action, the stage flow that
follows it — intake, the council's tally and minutes, the appraisal Tờ trình numbered and written,
issuing a decision with its documents, forwarding a Tờ trình, the deadline sweep. Used by the demo
and the orchestration benchmark.

The demo runs it as the `season` flow, each stage a subflow run. The benchmark runs `Season.run`
with each stage a flow run of its own, as the app starts them, and under `runtime.directly()`,
where the same stage bodies are plain function calls: its baseline."""

import random
from datetime import UTC, date, datetime, timedelta

from prefect import flow
from sqlmodel import Session, col, select

from demo import campaign_year
from demo.cluster_year import BlockYear
from demo.province import DEPARTMENTS, TENANT, Demo, build
from document_templates.publish import publish_report
from flows.runtime import step, unit_of_work
from flows.stages import (
    appraisal_flow,
    cluster_year_flow,
    council_session_flow,
    deadline_sweeper_flow,
    decision_flow,
    forward_flow,
    intake_flow,
)
from models.access import Actor, load_actor
from models.appraisal import appraise, sign_appraisal
from models.campaigns import Campaign
from models.catalogue import default_catalogue
from models.councils import Choice, CouncilMember, SessionItem
from models.decide import draft_decision, sign
from models.dossier import Store, attach
from models.eligibility import check, check_many
from models.eligibility.load import load_collectives, load_people
from models.errors import GuardFailed
from models.history import Initiative, Rating, RatingLevel
from models.nominations import WITHOUT_VERDICT, Nomination, State, by_ids
from models.org import Person, Unit, UnitKind
from models.route import WAITING
from models.routing import Org
from models.voting import (
    Presence,
    add_to_agenda,
    cast_ballot,
    close_session,
    open_session,
    record_attendances,
)
from models.workflow import apply, apply_many, nominate, propose_upward, submit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GRASSROOTS = ["SNV", *DEPARTMENTS, "BCT-XTTM"]
# What a secretariat does with a nomination its intake step refuses, by the guard that refused it.
ON_REFUSAL = {"dossier_incomplete": "return", "ineligible": "reject"}


def at(day: date, hour: int = 9) -> datetime:
    """A moment of a working day in Vietnam (UTC+7)."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


class Season:
    def __init__(self, demo: Demo, year: int, seed: int):
        self.demo, self.year = demo, year
        self.rng = random.Random(seed + 1)
        self.campaign_id: int | None = None
        self.blocked: list[str] = []

    # -- people's actions

    def actor(self, session: Session, key: str) -> Actor:
        return load_actor(session, self.demo.roles[key].id)

    def rules(self, day: date):
        return default_catalogue().for_date(day, TENANT)

    def attach_paper(self, session, actor, kind: str, day: date, content: bytes, name: str, **owner):
        return attach(session, actor, kind, name, DOCX, content, ruleset=self.rules(day), **owner)

    def report(self, session, actor, nomination: Nomination, day: date, note: str = ""):
        """The engine pre-fills the achievement report; the unit completes it and uploads it."""
        form = publish_report(session, actor, nomination.id)
        content = Store().get(form.sha256)
        if note:  # a corrected version differs from the first
            content = content.replace(b"</w:body>", f"<!-- {note} --></w:body>".encode(), 1)
        return self.attach_paper(
            session, actor, "bao_cao_thanh_tich", day, content, form.filename, nomination_id=nomination.id
        )

    def certify(self, session, actor, nomination: Nomination, kind: str, day: date) -> None:
        """A certification another body issues (an initiative's effect, the province's opinion)."""
        form = publish_report(session, actor, nomination.id)
        content = (
            Store()
            .get(form.sha256)
            .replace(
                "BÁO CÁO THÀNH TÍCH".encode(), self.rules(day).dossier_kinds[kind]["label"].upper().encode()
            )
        )
        self.attach_paper(
            session, actor, kind, day, content, f"{kind}_{nomination.id}.docx", nomination_id=nomination.id
        )

    def nominate_all(
        self, session, code: str, plan: list[tuple[str, dict, str]], day: date
    ) -> list[Nomination]:
        officer = self.actor(session, f"{code}:officer")
        campaign = session.get(Campaign, self.campaign_id)
        made = []
        for award, subject, basis in plan:
            achievement = f"đã có thành tích xuất sắc trong phong trào thi đua năm {self.year}"
            n = nominate(
                session,
                officer,
                campaign,
                award,
                unit_id=self.demo.units[code].id,
                basis=basis,
                now=at(day),
                achievement=achievement,
                **subject,
            )
            self.report(session, officer, n, day)
            if self.attests_initiatives(session, award, subject.get("person_id"), day):
                self.certify(session, officer, n, "xac_nhan_sang_kien", day)
            made.append(n)
        return made

    def attests_initiatives(self, session, award: str, person_id: int | None, day: date) -> bool:
        """Whether the officer attaches the initiatives' attestation: the award always asks for
        it, or asks for it when the nominee's initiatives may carry the verdict (Art. 84(1)(d))."""
        item = next((i for i in self.rules(day).award(award).dossier if i.kind == "xac_nhan_sang_kien"), None)
        if item is None or person_id is None:
            return False
        return (
            not item.when
            or session.exec(select(Initiative.id).where(Initiative.person_id == person_id)).first()
        )

    def submit_checked(self, session, code: str, nominations: list[Nomination], day: date) -> int | None:
        """Submit the batch. The officer sees the engine's verdict first; one who submits a
        nomination the engine refuses is stopped with the article, and withdraws it."""
        officer, eligible = self.actor(session, f"{code}:officer"), []
        campaign = session.get(Campaign, self.campaign_id)
        for n in nominations:
            history = (
                load_people(session, self.year, [n.person_id])[n.person_id]
                if n.person_id
                else load_collectives(session, self.year, [n.collective_id])[n.collective_id]
            )
            if (
                n.basis == "periodic"
                and not check(history, n.award_code, day, year=campaign.year, tenant=TENANT).eligible
            ):
                try:
                    with session.begin_nested():
                        submit(session, officer, [n], now=at(day, 10))
                except GuardFailed as refusal:
                    apply(session, n, "withdraw", officer, reason=refusal.message, now=at(day, 11))
                    self.blocked.append(f"{self.name(session, n)} — {refusal.message}")
                    continue
            eligible.append(n)
        return submit(session, officer, eligible, now=at(day, 10)).id if eligible else None

    def name(self, session, n: Nomination) -> str:
        return (
            session.get(Person, n.person_id).full_name
            if n.person_id
            else session.get(Unit, n.collective_id).name
        )

    def accept_all(self, code: str, ids: list[int], day: date) -> list[int]:
        """The secretariat accepts what arrived; the ids it accepted. It takes the batch at once,
        its guards reading every history in one go; only when the step refuses one does it go
        through them one by one, to return or reject that one (`accept_or_refuse`)."""
        with unit_of_work() as session:
            secretariat = self.actor(session, f"{code}:secretariat")
            nominations = by_ids(session, ids)
            try:
                with session.begin_nested():
                    apply_many(session, nominations, "accept", secretariat, now=at(day))
            except GuardFailed:
                return [n.id for n in nominations if self.accept_or_refuse(session, n, secretariat, day)]
            return ids

    def accept_or_refuse(self, session: Session, n: Nomination, secretariat: Actor, day: date) -> bool:
        """Accept one nomination; one the step refuses goes back to its unit when its dossier is
        incomplete, or is rejected when the nominee is ineligible, the refusal as the reason."""
        try:
            with session.begin_nested():
                apply(session, n, "accept", secretariat, now=at(day))
        except GuardFailed as refusal:
            if refusal.code not in ON_REFUSAL:
                raise
            apply(session, n, ON_REFUSAL[refusal.code], secretariat, reason=refusal.message, now=at(day))
            return False
        return True

    def council_vote(
        self, code: str, ids: list[int], day: date, against: dict[int, int] | None = None
    ) -> int:
        """A council meeting: attendance (one absent member writes in), ballots, end of voting.
        `against` gives, per nomination id, how many members vote no."""
        with unit_of_work() as session:
            council = self.demo.councils[code]
            secretariat = self.actor(session, f"{code}:secretariat")
            members = session.exec(select(CouncilMember).where(CouncilMember.council_id == council.id)).all()
            meeting = open_session(
                session,
                secretariat,
                council.id,
                held_at=at(day, 14),
                place=f"Phòng họp {session.get(Unit, council.unit_id).name}",
                chair_id=members[0].person_id,
                secretary_id=members[1].person_id,
                campaign_id=self.campaign_id,
            )
            found = {n.id: n for n in session.exec(select(Nomination).where(col(Nomination.id).in_(ids)))}
            add_to_agenda(session, secretariat, meeting.id, [found[i] for i in ids])
            *there, away = members
            marks = [Presence(m.id, present=True) for m in there]
            record_attendances(session, secretariat, meeting.id, [*marks, Presence(away.id, False, True)])
            agenda = session.exec(
                select(SessionItem.nomination_id).where(SessionItem.session_id == meeting.id)
            ).all()
            against = against or {}
            for i, m in enumerate(members):
                choices = {nid: Choice.NO if i < against.get(nid, 0) else Choice.YES for nid in agenda}
                cast_ballot(session, load_actor(session, m.person_id), meeting.id, choices)
            close_session(session, secretariat, meeting.id, now=at(day, 17))
            return meeting.id

    def decide(self, code: str, ids: list[int], day: date) -> list[int]:
        """The secretariat drafts one decision per award; the authority signs them."""
        with unit_of_work() as session:
            recommended = [n for n in by_ids(session, ids, WITHOUT_VERDICT) if n.state is State.RECOMMENDED]
            awards = sorted({n.award_code for n in recommended})
            made = []
            for award in awards:
                group = [n for n in recommended if n.award_code == award]
                decision = draft_decision(session, self.actor(session, f"{code}:secretariat"), group)
                sign(
                    session,
                    self.actor(session, f"{code}:authority"),
                    decision.id,
                    signed_on=day,
                    now=at(day, 16),
                )
                made.append(decision.id)
            return made

    def appraise(self, code: str, ids: list[int], day: date) -> int:
        """The secretariat drafts the appraising body's Tờ trình thẩm định for what waits for
        the authority's decision (the council's recommendations, where it votes); its head signs."""
        with unit_of_work() as session:
            waiting = [n for n in by_ids(session, ids, WITHOUT_VERDICT) if n.state in WAITING]
            deciding = self.demo.units[code]
            draft = appraise(session, self.actor(session, f"{code}:secretariat"), waiting, now=at(day))
            head = self.actor(session, f"{self.demo.units_by_id[deciding.appraiser_id].code}:authority")
            sign_appraisal(session, head, draft.id, signed_on=day, now=at(day, 15))
            return draft.id

    def send_up(self, code: str, ids: list[int], day: date) -> list[int]:
        """The head signs one Tờ trình per award for what the council recommended; to the central
        level the province's opinion goes with it (Law 06/2022 Art. 84(3))."""
        with unit_of_work() as session:
            recommended = [n for n in by_ids(session, ids, WITHOUT_VERDICT) if n.state is State.RECOMMENDED]
            authority, made = self.actor(session, f"{code}:authority"), []
            for award in sorted({n.award_code for n in recommended}):
                group = [n for n in recommended if n.award_code == award]
                submission = propose_upward(session, authority, group, signed_on=day, now=at(day))
                if submission.level >= 2:
                    opinion = self.actor(session, f"{code}:secretariat")
                    content = Store().get(publish_report(session, opinion, group[0].id).sha256)
                    self.attach_paper(
                        session, opinion, "y_kien", day, content, "y_kien.docx", submission_id=submission.id
                    )
                made.append(submission.id)
            return made

    # -- the season

    def launch(self) -> None:
        """The province's campaign, its phases and the units' registrations (demo/campaign_year.py);
        the people who also register for Chiến sĩ thi đua cơ sở drawn as before."""
        strong = {p.id for code in GRASSROOTS for p in self.demo.staff[code] if self.rng.random() < 0.3}
        self.campaign_id = campaign_year.launch(self.demo, self.year, strong)
        campaign_year.interim_review(self.campaign_id)

    def evaluate(self) -> None:
        """The year's task-completion ratings (đánh giá, xếp loại), people and collectives."""
        story = {p.id for p in self.demo.story.values()}
        with unit_of_work() as session:
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
            by_id = self.demo.units_by_id
            for unit in self.demo.units.values():  # the departments, and the grassroots units' parts
                part = unit.kind is UnitKind.SUBUNIT and by_id[unit.parent_id].code in GRASSROOTS
                if part or unit.code in DEPARTMENTS:
                    excellent = unit.code in ("BQLKKT", "STC-2", "SGDDT-2") or self.rng.random() < 0.4
                    session.add(
                        Rating(
                            collective_id=unit.id,
                            year=self.year,
                            level=RatingLevel.HTXS if excellent else RatingLevel.HTT,
                        )
                    )

    def unit_round(self, code: str, awards: list[str], collective: bool, day: date) -> None:
        """A grassroots unit's own titles, decided by its head: nominations from the batch
        verdicts, intake, the council, decisions — each committed step followed by its flow."""
        with unit_of_work() as session:
            unit = self.demo.units[code]
            if collective:
                histories = load_collectives(
                    session, self.year, [u.id for u in self.demo.units.values() if u.parent_id == unit.id]
                )
            else:
                histories = load_people(session, self.year, [p.id for p in self.demo.staff[code]])
            plan, tenant = [], Org.of(session).tenant(unit.id)  # a ministry's unit: the ministry's criteria
            for award in awards:
                verdicts = check_many(histories, award, day, self.year, tenant=tenant)
                eligible = [k for k, v in verdicts.items() if v.eligible]
                key = "collective_id" if collective else "person_id"
                plan += [(award, {key: k}, "periodic") for k in self.choose(award, eligible, len(plan))]
            if not plan:
                return
            nominations = self.nominate_all(session, code, plan, day)
            submission = submit(session, self.actor(session, f"{code}:officer"), nominations, now=at(day, 10))
            ids = [n.id for n in nominations]
        step(intake_flow, submission.id)
        ids = self.accept_all(code, ids, day + timedelta(days=2))
        step(council_session_flow, self.council_vote(code, ids, day + timedelta(days=7)))
        for decision_id in self.decide(code, ids, day + timedelta(days=10)):
            step(decision_flow, decision_id)

    def choose(self, award: str, eligible: list[int], ldtt: int) -> list[int]:
        """Who the unit puts forward among the eligible: all advanced workers; grassroots
        fighters, about one in seven of them (the storyline first: a unit's own selection, as no cap
        is in force since Decree 91/2017 was repealed); a few Giấy khen."""
        story = {p.id for p in self.demo.story.values()}
        if award == "CSTDCS":
            ranked = sorted(eligible, key=lambda pid: (pid not in story, self.rng.random()))
            return ranked[: max(len([p for p in eligible if p in story]), int(0.15 * ldtt))]
        if award == "GK":
            return [pid for pid in eligible if pid not in story and self.rng.random() < 0.12]
        return eligible

    def propose(self, code: str, plan: list[tuple[str, dict, str]], day: date) -> list[int]:
        """A unit proposes higher awards: nominations, intake, its council, Tờ trình upward."""
        with unit_of_work() as session:
            nominations = self.nominate_all(session, code, plan, day)
            submission_id = self.submit_checked(session, code, nominations, day)
            ids = [n.id for n in nominations if n.state is State.SUBMITTED]
        if submission_id is None:
            return []
        step(intake_flow, submission_id)
        ids = self.accept_all(code, ids, day + timedelta(days=1))
        if not ids:  # every dossier went back or was turned down: nothing for the council
            return []
        step(council_session_flow, self.council_vote(code, ids, day + timedelta(days=3)))
        for submission in self.send_up(code, ids, day + timedelta(days=6)):
            step(forward_flow, submission)
        return ids

    def upper_round(
        self, code: str, ids: list[int], day: date, returned: list[int] = (), against=None
    ) -> None:
        """A province or ministry: intake (two dossiers returned; one comes back, one never
        does), its council, the decisions within its powers, the rest sent to the centre."""
        with unit_of_work() as session:
            secretariat = self.actor(session, f"{code}:secretariat")
            for i in returned:
                n = session.get(Nomination, i)
                apply(
                    session,
                    n,
                    "return",
                    secretariat,
                    reason="Báo cáo thành tích chưa có xác nhận của thủ trưởng đơn vị trình khen",
                    now=at(day),
                )
        if returned:
            with unit_of_work() as session:  # the first unit supplements its dossier at once
                n = session.get(Nomination, returned[0])
                officer = self.actor(session, f"{session.get(Unit, n.unit_id).code}:officer")
                self.report(
                    session, officer, n, day + timedelta(days=2), note="đã có xác nhận của thủ trưởng"
                )
                apply(session, n, "resubmit", officer, now=at(day + timedelta(days=2)))
                resubmitted = n.submission_id
            step(intake_flow, resubmitted)
        waiting = self.accept_all(code, [i for i in ids if i not in returned[1:]], day + timedelta(days=3))
        step(council_session_flow, self.council_vote(code, waiting, day + timedelta(days=8), against))
        with unit_of_work() as session:
            higher = [i for i in waiting if session.get(Nomination, i).award_code == "BK_TTG"]
        deciding = [i for i in waiting if i not in higher]
        step(appraisal_flow, self.appraise(code, deciding, day + timedelta(days=11)))
        for decision_id in self.decide(code, deciding, day + timedelta(days=12)):
            step(decision_flow, decision_id)
        for submission in self.send_up(code, higher, day + timedelta(days=13)):
            step(forward_flow, submission)

    def central_round(self, day: date) -> None:
        """Ban Thi đua - Khen thưởng Trung ương appraises; the Prime Minister decides."""
        with unit_of_work() as session:
            central = self.demo.units["TW"]
            ids = session.exec(
                select(Nomination.id).where(
                    Nomination.handling_unit_id == central.id, Nomination.state == State.SUBMITTED
                )
            ).all()
        accepted = self.accept_all("TW", list(ids), day)
        step(appraisal_flow, self.appraise("TW", accepted, day + timedelta(days=14)))
        for decision_id in self.decide_without_council("TW", accepted, day + timedelta(days=20)):
            step(decision_flow, decision_id)

    def decide_without_council(self, code: str, ids: list[int], day: date) -> list[int]:
        with unit_of_work() as session:
            decision = draft_decision(
                session, self.actor(session, f"{code}:secretariat"), by_ids(session, ids, WITHOUT_VERDICT)
            )
            sign(
                session, self.actor(session, f"{code}:authority"), decision.id, signed_on=day, now=at(day, 16)
            )
            return [decision.id]

    def late_dossier(self, day: date) -> None:
        """A Giấy khen submitted after the unit's meeting that nobody takes up: the sweep reminds
        the secretariat and escalates it."""
        with unit_of_work() as session:
            staff = [p.id for p in self.demo.staff["SGDDT"]]
            taken = set(session.exec(select(Nomination.person_id).where(Nomination.award_code == "GK")))
            person = next(
                p
                for p in staff
                if p not in taken
                and check(
                    load_people(session, self.year, [p])[p], "GK", day, year=self.year, tenant=TENANT
                ).eligible
            )
            (n,) = self.nominate_all(session, "SGDDT", [("GK", {"person_id": person}, "periodic")], day)
            submission = submit(session, self.actor(session, "SGDDT:officer"), [n], now=at(day, 10))
        step(intake_flow, submission.id)

    def run(self) -> None:
        y, story = self.year, self.demo.story
        self.launch()
        block = BlockYear(self, self.demo.block_id)
        with unit_of_work() as session:
            block.start(session, TENANT)
        step(cluster_year_flow, block.covenant_id)  # the covenant, signed by all six
        self.evaluate()
        for code in GRASSROOTS:
            self.unit_round(code, ["LDTT", "CSTDCS", "GK"], collective=False, day=date(y, 12, 1))
            self.unit_round(code, ["TTLDTT"], collective=True, day=date(y, 12, 15))
        self.late_dossier(date(y, 12, 19))
        with unit_of_work() as session:
            block.rate(session)
            block_plan = block.proposals(session, block.review(session, TENANT, date(y, 12, 18)))
        step(cluster_year_flow, block.covenant_id)  # the review's minutes and the block's Tờ trình
        provincial = []
        for code in DEPARTMENTS:  # the block's leader among them: its flag now in its plan
            provincial += self.propose(code, self.provincial_plan(code), date(y, 12, 22))
        for award, code in block_plan:
            if code not in DEPARTMENTS:
                subject = {"collective_id": self.demo.units[code].id}
                provincial += self.propose(code, [(award, subject, "periodic")], date(y, 12, 22))
        with unit_of_work() as session:
            certificates = [i for i in provincial if session.get(Nomination, i).award_code == "BK_TINH"]
            contested = session.exec(
                select(Nomination.id).where(
                    Nomination.person_id == story["contested_fighter"].id,
                    Nomination.award_code == "CSTD_TINH",
                )
            ).one()
        self.upper_round(
            TENANT, provincial, date(y + 1, 1, 5), returned=certificates[:2], against={contested: 3}
        )
        ministry = self.propose(
            "BCT-XTTM",
            [("BK_BO", {"person_id": story["ministry_certificate"].id}, "periodic")],
            date(y, 12, 22),
        )
        self.upper_round("BCT", ministry, date(y + 1, 1, 6))
        self.central_round(date(y + 1, 3, 2))
        step(deadline_sweeper_flow, at(date(y + 1, 3, 31)))
        campaign_year.final_review(self.campaign_id)

    def provincial_plan(self, code: str) -> list[tuple[str, dict, str]]:
        """What each department proposes to the province, from the engine's own verdicts."""
        story = {k: p.id for k, p in self.demo.story.items()}
        staff = [p.id for p in self.demo.staff[code]]
        day = date(self.year, 12, 22)
        with unit_of_work() as session:
            people = load_people(session, self.year, staff)
            unit = self.demo.units[code]
            subs = [u.id for u in self.demo.units.values() if u.parent_id == unit.id]
            collectives = load_collectives(session, self.year, [*subs, unit.id])
        plan = [
            ("CSTD_TINH", {"person_id": story[k]}, "periodic")
            for k in ("provincial_fighter", "contested_fighter", "broken_chain")
            if story[k] in staff
        ]
        if story["pm_certificate"] in staff:
            plan.append(("BK_TTG", {"person_id": story["pm_certificate"]}, "periodic"))
        proposed = {story[k] for k in ("provincial_fighter", "contested_fighter", "pm_certificate")}
        certificates = check_many(people, "BK_TINH", day, self.year, tenant=TENANT)
        plan += [
            ("BK_TINH", {"person_id": p}, "periodic")
            for p, v in sorted(certificates.items())
            if v.eligible and p not in proposed
        ][:3]
        excellent = check_many({k: collectives[k] for k in subs}, "TTLDXS", day, self.year, tenant=TENANT)
        plan += [
            ("TTLDXS", {"collective_id": u}, "periodic") for u, v in sorted(excellent.items()) if v.eligible
        ][:1]
        # the department itself, its record including the units merged into it: Kon Tum's board
        # brings its excellent 2024 to the merged board's Bằng khen (two excellent years)
        own = {unit.id: collectives[unit.id]}
        return plan + [
            (award, {"collective_id": u}, "periodic")
            for award in ("BK_TINH", "CO_TD_TINH")
            for u, v in check_many(own, award, day, self.year, tenant=TENANT).items()
            if v.eligible
        ]


@flow(name="season")
def season_flow(year: int = 2025, seed: int = 2025, scale: int = 1) -> list[str]:
    """Seed the demo province (its staff `scale` times the default) into the empty database and
    run its season; the nominees the engine refused at submission, with the article."""
    with unit_of_work() as session:
        demo = build(session, default_catalogue().ruleset("law06-2022+nd98-2023"), year, seed, scale)
    season = Season(demo, year, seed)
    season.run()
    return season.blocked
