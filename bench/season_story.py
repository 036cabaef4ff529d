"""The year-end season bench/season.py times, on the generated province (bench/province.py): what
people do — nominate with their dossier files, submit, accept, vote, sign — and, after each
stage's actions are committed, that stage's flow runs (intake, council_session, decision,
forward, appraisal, sweep), every document with them. The stages go level by level, all units
at once: the grassroots titles, then the proposals upward, the province's intake, council,
appraisal and decisions, the central level's, and the deadline sweep."""

import io
import random
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from xml.sax.saxutils import escape

from sqlmodel import Session, col, select

from bench.province import PROVINCE, Grassroots, Province
from demo.season import DOCX, ON_REFUSAL, at
from flows.runtime import step, unit_of_work
from flows.stages import (
    appraisal_flow,
    council_session_flow,
    deadline_sweeper_flow,
    decision_flow,
    forward_flow,
    intake_flow,
)
from flows.triggers import hand_over
from models.access import Actor, load_actor
from models.appraisal import appraise, sign_appraisal
from models.campaigns import Campaign
from models.catalogue import default_catalogue
from models.councils import Choice, CouncilMember
from models.decide import draft_decision, sign
from models.dossier import Paper, attach, attach_many
from models.eligibility import check_many
from models.eligibility.load import load_people
from models.errors import GuardFailed
from models.nominations import WITHOUT_VERDICT, Nomination, State, by_ids
from models.org import Person
from models.route import WAITING
from models.voting import (
    Presence,
    add_to_agenda,
    cast_ballot,
    close_session,
    open_session,
    record_attendances,
)
from models.workflow import Subject, apply, apply_many, nominate_many, propose_upward, submit

UNIT_TITLES = ("LDTT", "CSTDCS")  # decided by the grassroots unit's head (Law 06/2022 Art. 80)
# proposed upward, with the share of the eligible a unit proposes; one higher award a person
PROPOSED = {"BK_TTG": 0.3, "CSTD_TINH": 0.6, "BK_TINH": 0.3}
PROVINCIAL = ("BK_TINH", "CSTD_TINH")  # the province's chairman decides (Art. 79(4))
CSTDCS_SHARE = 0.6  # of those eligible for Chiến sĩ thi đua cơ sở, the share a unit proposes
AGAINST = 0.02  # share of a council's agenda most members vote against
WORD = {  # the parts of a one-page Word file, all but its text
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>',
}
BODY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}'
    "</w:body></w:document>"
)


def paper(*lines: str) -> bytes:
    """A small Word file of these lines: the same template, each nominee's name in it, as a unit's
    reports are one form filled in for each."""
    text = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, part in WORD.items():
            package.writestr(name, part)
        package.writestr("word/document.xml", BODY.format(text))
    return out.getvalue()


class Runner:
    """A stage's flow runs: in this process (run directly, or as Prefect flow runs on the embedded
    server, as `step` calls them), or handed to the workers of a Prefect server as the app hands
    them (`hand_over`), and waited for before the next stage."""

    def __init__(self, server: bool):
        self.server, self.started = server, []
        self.waited = 0.0  # seconds the driver spent waiting for the workers, its actions done

    def start(self, flow, **parameters) -> None:
        if not self.server:
            step(flow, **parameters)
            return
        self.started.append(hand_over(flow.name, parameters))

    def wait(self) -> None:
        """Until every run started is final; a run that did not complete stops the season."""
        if not self.started:
            return
        from prefect import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        began = time.perf_counter()
        with get_client(sync_client=True) as client:
            while True:
                runs = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=self.started)),
                    limit=len(self.started),
                )
                if len(runs) == len(self.started) and all(r.state and r.state.is_final() for r in runs):
                    break
                time.sleep(0.5)
        self.waited += time.perf_counter() - began
        failed = [
            f"{r.name}: {r.state.type.value} {r.state.message}" for r in runs if not r.state.is_completed()
        ]
        self.started = []
        if failed:
            raise RuntimeError(f"flow runs did not complete: {failed}")


class Season:
    def __init__(self, province: Province, runner: Runner, seed: int):
        self.p, self.runner, self.rng = province, runner, random.Random(seed)
        self.year = province.year

    def actor(self, session: Session, person: int) -> Actor:
        return load_actor(session, person)

    def each(self, units: dict, action: Callable, flow=None, parameter: str = "") -> dict:
        """One action per unit, in the units' order, each committed before its flow starts;
        then the stage's flows waited for."""
        done = {}
        for g, ids in units.items():
            if ids and (result := action(g, ids)) is not None:
                done[g] = result
                for key in result if isinstance(result, list) else [result]:
                    if flow is not None:
                        self.runner.start(flow, **{parameter: key})
        self.runner.wait()
        return done

    # -- the units

    def propose(self, g: Grassroots, awards: tuple[str, ...], day: date) -> int | None:
        """The unit's nominations for these awards, from the engine's verdicts on its staff, with
        their dossiers, sent to its own level in one Tờ trình; its id."""
        with unit_of_work() as session:
            histories = load_people(session, self.year, g.staff)
            plan, taken = [], set()
            for award in awards:
                verdicts = check_many(histories, award, day, self.year, tenant=PROVINCE)
                for person in sorted(p for p, v in verdicts.items() if v.eligible and p not in taken):
                    if award == "LDTT" or self.rng.random() < PROPOSED.get(award, CSTDCS_SHARE):
                        plan.append((award, person))
                        taken |= {person} if award in PROPOSED else set()
            if not plan:
                return None
            officer = self.actor(session, g.officer)
            campaign = session.get(Campaign, self.p.campaign)
            achievement = f"đã có thành tích xuất sắc trong phong trào thi đua năm {campaign.year}"
            subjects = [Subject(award, person_id=person, achievement=achievement) for award, person in plan]
            made = nominate_many(session, officer, campaign, g.id, subjects, now=at(day))
            names = dict(
                session.exec(select(Person.id, Person.full_name).where(col(Person.id).in_(g.staff))).all()
            )
            attach_many(session, officer, self.dossiers(made, names, day), ruleset=rules(day))
            return submit(session, officer, made, now=at(day, 10)).id

    def dossiers(self, made: list[Nomination], names: dict[int, str], day: date) -> list[Paper]:
        """Each nominee's report (Báo cáo thành tích), and the initiatives' attestation where the
        award asks for it: always, or when the nominee has initiatives (Law 06/2022 Art. 84(1))."""
        files = []
        for n in made:
            report = paper("BÁO CÁO THÀNH TÍCH", names[n.person_id], n.award_code)
            files.append(
                Paper("bao_cao_thanh_tich", f"bao_cao_{n.id}.docx", DOCX, report, nomination_id=n.id)
            )
            listed = rules(day).award(n.award_code).dossier
            item = next((i for i in listed if i.kind == "xac_nhan_sang_kien"), None)
            if item is not None and (not item.when or n.person_id in self.p.initiatives):
                attested = paper("XÁC NHẬN SÁNG KIẾN", names[n.person_id])
                files.append(
                    Paper("xac_nhan_sang_kien", f"sang_kien_{n.id}.docx", DOCX, attested, nomination_id=n.id)
                )
        return files

    def accept(self, secretariat: int, ids: list[int], day: date) -> list[int]:
        """The secretariat accepts the batch at once; only when the step refuses one does it go
        through them one by one, returning an incomplete dossier, rejecting an ineligible one."""
        if not ids:
            return []
        with unit_of_work() as session:
            actor = self.actor(session, secretariat)
            nominations = by_ids(session, ids)
            try:
                with session.begin_nested():
                    apply_many(session, nominations, "accept", actor, now=at(day))
                return ids
            except GuardFailed:
                pass
            accepted = []
            for n in nominations:
                try:
                    with session.begin_nested():
                        apply(session, n, "accept", actor, now=at(day))
                    accepted.append(n.id)
                except GuardFailed as refusal:
                    if refusal.code not in ON_REFUSAL:
                        raise
                    apply(session, n, ON_REFUSAL[refusal.code], actor, reason=refusal.message, now=at(day))
            return accepted

    def vote(self, unit: int, secretariat: int, ids: list[int], day: date) -> int:
        """The council meets: one member absent writes in; most vote against a few nominees."""
        with unit_of_work() as session:
            council = self.p.councils[unit]
            members = session.exec(
                select(CouncilMember)
                .where(CouncilMember.council_id == council)
                .order_by(col(CouncilMember.id))
            ).all()
            clerk = self.actor(session, secretariat)
            meeting = open_session(
                session,
                clerk,
                council,
                held_at=at(day, 14),
                place="Phòng họp số 1",
                chair_id=members[0].person_id,
                secretary_id=members[1].person_id,
                campaign_id=self.p.campaign,
            )
            add_to_agenda(session, clerk, meeting.id, by_ids(session, ids, WITHOUT_VERDICT))
            absent = members[-1]  # writes in instead
            marks = [Presence(m.id, m is not absent, written_opinion=m is absent) for m in members]
            record_attendances(session, clerk, meeting.id, marks)
            against = {i for i in ids if self.rng.random() < AGAINST}
            for k, m in enumerate(members):
                choices = {i: Choice.NO if i in against and k > 0 else Choice.YES for i in ids}
                cast_ballot(session, self.actor(session, m.person_id), meeting.id, choices)
            close_session(session, clerk, meeting.id, now=at(day, 17))
            return meeting.id

    def decide(self, unit: int, secretariat: int, authority: int, ids: list[int], day: date) -> list[int]:
        """The secretariat drafts one decision per award for what waits for it — the council's
        recommendations, or what was accepted where the level holds no council; the head signs."""
        with unit_of_work() as session:
            recommended = [n for n in by_ids(session, ids, WITHOUT_VERDICT) if n.state in WAITING]
            made = []
            for award in sorted({n.award_code for n in recommended}):
                group = [n for n in recommended if n.award_code == award]
                decision = draft_decision(session, self.actor(session, secretariat), group)
                sign(session, self.actor(session, authority), decision.id, signed_on=day, now=at(day, 16))
                made.append(decision.id)
            return made

    def send_up(self, authority: int, opinion_by: int, ids: list[int], day: date) -> list[int]:
        """The head signs one Tờ trình per award for what the council recommended; to the central
        level the province's opinion goes with it (Law 06/2022 Art. 84(3))."""
        with unit_of_work() as session:
            recommended = [n for n in by_ids(session, ids, WITHOUT_VERDICT) if n.state is State.RECOMMENDED]
            head, made = self.actor(session, authority), []
            for award in sorted({n.award_code for n in recommended}):
                group = [n for n in recommended if n.award_code == award]
                submission = propose_upward(session, head, group, signed_on=day, now=at(day))
                if submission.level >= 2:
                    content = paper("Ý KIẾN CỦA ỦY BAN NHÂN DÂN TỈNH", f"Tờ trình #{submission.id}")
                    attach(
                        session, self.actor(session, opinion_by), "y_kien", "y_kien.docx", DOCX, content,
                        ruleset=rules(day), submission_id=submission.id,
                    )  # fmt: skip
                made.append(submission.id)
            return made

    def appraise(self, secretariat: int, head: int, ids: list[int], day: date) -> int:
        """The appraising body's Tờ trình thẩm định for what waits for the authority; its head signs."""
        with unit_of_work() as session:
            draft = appraise(
                session,
                self.actor(session, secretariat),
                by_ids(session, ids, WITHOUT_VERDICT),
                now=at(day),
            )
            sign_appraisal(session, self.actor(session, head), draft.id, signed_on=day, now=at(day, 15))
            return draft.id

    def waiting(self, unit: int, state: State, awards: tuple[str, ...] | None = None) -> list[int]:
        with unit_of_work() as session:
            query = select(Nomination.id).where(
                Nomination.handling_unit_id == unit, Nomination.state == state
            )
            if awards is not None:
                query = query.where(col(Nomination.award_code).in_(awards))
            return list(session.exec(query.order_by(col(Nomination.id))))

    # -- the season

    def run(self) -> None:
        y, units = self.year, {g: g.staff for g in self.p.grassroots}
        self.unit_round(units, UNIT_TITLES, date(y, 12, 1), up=False)
        self.unit_round(units, tuple(PROPOSED), date(y, 12, 22), up=True)
        self.province_round(date(y + 1, 1, 5))
        self.central_round(date(y + 1, 3, 2))
        self.runner.start(deadline_sweeper_flow, now=at(date(y + 1, 3, 31)))
        self.runner.wait()

    def unit_round(self, units: dict, awards: tuple[str, ...], day: date, up: bool) -> None:
        """Every grassroots unit: nominations and intake, acceptance, the council, then the head's
        decisions on its own titles, or its Tờ trình upward."""

        def propose(g: Grassroots, _) -> int | None:
            return self.propose(g, awards, day)

        def vote(g: Grassroots, ids: list[int]) -> int:
            return self.vote(g.id, g.secretariat, ids, day + timedelta(days=7))

        def send_up(g: Grassroots, ids: list[int]) -> list[int]:
            return self.send_up(g.authority, g.secretariat, ids, day + timedelta(days=10))

        def decide(g: Grassroots, ids: list[int]) -> list[int]:
            return self.decide(g.id, g.secretariat, g.authority, ids, day + timedelta(days=10))

        sent = self.each(units, propose, intake_flow, "submission_id")
        ids = {
            g: self.accept(g.secretariat, self.waiting(g.id, State.SUBMITTED), day + timedelta(days=2))
            for g in sent
        }
        self.each(ids, vote, council_session_flow, "session_id")
        if up:
            self.each(ids, send_up, forward_flow, "submission_id")
        else:
            self.each(ids, decide, decision_flow, "decision_id")

    def province_round(self, day: date) -> None:
        """The province: intake, its council, the Sở Nội vụ's appraisal and the chairman's
        decisions on its own awards; the Prime Minister's Bằng khen proposed to the centre."""
        p, roles = self.p.province, self.p.roles
        secretariat, authority = roles["province:secretariat"], roles["province:authority"]

        def vote(_, ids: list[int]) -> int:
            return self.vote(p, secretariat, ids, day + timedelta(days=5))

        def appraise(_, ids: list[int]) -> int:
            return self.appraise(secretariat, roles["SNV:authority"], ids, day + timedelta(days=8))

        def decide(_, ids: list[int]) -> list[int]:
            return self.decide(p, secretariat, authority, ids, day + timedelta(days=10))

        def send_up(_, ids: list[int]) -> list[int]:
            return self.send_up(authority, secretariat, ids, day + timedelta(days=11))

        self.each(
            {p: self.accept(secretariat, self.waiting(p, State.SUBMITTED), day)},
            vote,
            council_session_flow,
            "session_id",
        )
        deciding = {p: self.waiting(p, State.RECOMMENDED, PROVINCIAL)}
        self.each(deciding, appraise, appraisal_flow, "submission_id")
        self.each(deciding, decide, decision_flow, "decision_id")
        self.each(
            {p: self.waiting(p, State.RECOMMENDED, ("BK_TTG",))}, send_up, forward_flow, "submission_id"
        )

    def central_round(self, day: date) -> None:
        """Ban Thi đua - Khen thưởng Trung ương accepts and the Bộ Nội vụ appraises; the Prime
        Minister decides (no council at the central level: Law 06/2022 Art. 84(4))."""
        c, roles = self.p.central, self.p.roles
        secretariat, authority = roles["TW:secretariat"], roles["TW:authority"]

        def appraise(_, ids: list[int]) -> int:
            return self.appraise(secretariat, roles["BNV:authority"], ids, day + timedelta(days=14))

        def decide(_, ids: list[int]) -> list[int]:
            return self.decide(c, secretariat, authority, ids, day + timedelta(days=20))

        accepted = {c: self.accept(secretariat, self.waiting(c, State.SUBMITTED), day)}
        self.each(accepted, appraise, appraisal_flow, "submission_id")
        self.each(accepted, decide, decision_flow, "decision_id")


def rules(day: date):
    return default_catalogue().for_date(day, PROVINCE)
