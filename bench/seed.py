"""A province of N nominations for bench/api.py, built with bulk inserts in seconds to minutes
rather than through the domain (which takes ten minutes for 20,000).

The season is the one the workflow would have recorded: ~1,000 units (a central level, a
province, its departments and communes with their sub-units), one person per nomination plus
each unit's staff and council, five yearly campaigns, each grassroots unit's nominations sent as
Tờ trình batches of 20–500, checked, accepted (a few returned, rejected or withdrawn), voted on by
its council, conferred by its head's decision, or — for the province's awards — proposed upward
and taken through the province's intake, council and decisions of thousands. The past
campaigns are finished; the current one stops each batch at some stage, with due dates in
working days, some overdue. Every step is in the audit log as the domain writes it (the same
actions, records and data, a batch's events listing its nominations), sealed and chained with
`models.audit`'s own functions, so `audit.verify` passes. Ids are assigned here, so rows are
inserted table by table: executemany on SQLite, COPY on PostgreSQL."""

import gc
import json
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from demo.province import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, TENANT
from models import audit
from models.access import system_actor
from models.calendar import NATIONAL
from models.campaigns import Campaign
from models.councils import (
    Attendance,
    BallotCast,
    BallotEntry,
    Council,
    CouncilMember,
    CouncilSession,
    SessionItem,
    TallyResult,
)
from models.db import migrate, session_scope
from models.decisions import Decision, Register
from models.history import AwardRecord
from models.nominations import Nomination, Submission, SubmissionItem
from models.org import Membership, Person, Role, RoleGrant, Unit
from models.runs import FlowRun
from models.search import NameToken, token_rows
from models.text import nfc
from models.tokens import issue_token

# award → share of the nominations; the first two end at the grassroots unit, the others go on
# to the province (Law 06/2022 Art. 83(1))
AWARDS = {"LDTT": 0.45, "CSTDCS": 0.25, "BK_TINH": 0.18, "CSTD_TINH": 0.12}
UP = {"BK_TINH", "CSTD_TINH"}
STAGE_DAYS = {"submitted": 10, "returned": 10, "accepted": 15, "recommended": 10}  # the catalogue's
# where the current campaign's batches stand, at the unit and at the province
STOPS = ["draft", "submitted", "accepted", "on_agenda", "recommended", "done"]
STOP_ODDS = {0: [5, 15, 15, 10, 20, 35], 1: [0, 30, 20, 15, 15, 20]}
YEARS = 5
# The grassroots units: kind, how many at most (~1,000 units with their sub-units for 200,000
# nominations), one more per so many nominations, code prefix, name, head, sub-units and their name
GRASSROOTS = (
    ("agency", 40, 5000, "S", "Sở", "Giám đốc", 6, "Phòng"),
    ("commune", 240, 800, "X", "Ủy ban nhân dân xã", "Chủ tịch", 2, "Tổ"),
)
SYSTEM = system_actor().name


@lru_cache(maxsize=4096)
def due(day: date, stage: str) -> date | None:
    return NATIONAL.add_working_days(day, STAGE_DAYS[stage]) if stage in STAGE_DAYS else None


@dataclass
class Built:
    """What the benchmark needs to know of the database it built."""

    nominations: int
    events: int
    seconds: float
    size: int  # bytes
    tokens: dict[str, str]  # user → API token
    pages: dict[str, list[int]]  # user → nominations they may open


@dataclass
class Staff:
    officer: tuple[int, str]
    secretariat: tuple[int, str]
    authority: tuple[int, str]
    council: int
    members: list[int] = field(default_factory=list)  # council member ids


class Season:
    """The rows, in memory until written: id counters, the audit chain, the registers."""

    def __init__(self, nominations: int, seed: int, now: datetime):
        self.rng = random.Random(seed)
        self.n, self.now = nominations, now
        self.rows: dict[type[SQLModel], list[dict]] = defaultdict(list)
        self.ids: dict[type[SQLModel], int] = defaultdict(int)
        self.key = audit.signer(create=True)
        self.last_hash = audit.GENESIS
        self.numbers: dict[tuple[int, int, str], int] = defaultdict(int)
        self.units: dict[int, dict] = {}
        self.staff: dict[int, Staff] = {}
        self.names: dict[int, str] = {}
        self.member_people: dict[int, tuple[int, str]] = {}  # council member → the person

    def add(self, model: type[SQLModel], **row) -> int:
        if "id" not in row and "id" in model.__table__.c:
            self.ids[model] += 1
            row["id"] = self.ids[model]
        self.rows[model].append(row)
        return row.get("id")

    def event(self, who, action, entity, entity_id, at, data=None, reason="", run=None) -> None:
        actor_id, name = who
        event = {
            "at": at,
            "actor_id": actor_id,
            "actor": nfc(name),
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "reason": nfc(reason),
            "data": data or {},
            "flow_run_id": run,
            "prev_hash": self.last_hash,
        }
        self.last_hash = event["hash"] = audit.seal(self.key, event)
        self.add(audit.Event, **event)

    def run(self, flow: str, entity: str, entity_id: int, at: datetime) -> str:
        run_id = uuid.uuid4().hex
        self.add(
            FlowRun, id=run_id, flow=flow, entity=entity, entity_id=entity_id, state="completed",
            started_at=at, ended_at=at + timedelta(seconds=2), error="", worker="bench",
        )  # fmt: skip
        return run_id

    def number(self, issuer: int, year: int, doc_type: str, count: int = 1) -> int:
        first = self.numbers[issuer, year, doc_type] + 1
        self.numbers[issuer, year, doc_type] += count
        return first

    # ------------------------------------------------------------------ organisation

    def unit(self, code, name, abbreviation, kind, parent=None, **extra) -> int:
        row = dict(
            code=code, name=name, abbreviation=abbreviation, kind=kind, parent_id=parent, place="Quảng Ngãi",
            head_title=extra.pop("head_title", ""), organisation_basis="", flag_eligible=True,
            founded_on=None, valid_from=None, valid_to=None,
        )  # fmt: skip
        unit_id = self.add(Unit, **row)
        self.units[unit_id] = row
        return unit_id

    def person(self, at: int, post: str, name: str | None = None) -> tuple[int, str]:
        female = self.rng.random() < 0.5
        name = name or " ".join(
            (
                self.rng.choice(FAMILY),
                self.rng.choice(MIDDLE_F if female else MIDDLE_M),
                self.rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        born = date(self.rng.randint(1965, 2000), self.rng.randint(1, 12), self.rng.randint(1, 28))
        person_id = self.add(
            Person, full_name=name, gender="nữ" if female else "nam", birth_date=born, hometown="", email=""
        )
        self.add(
            Membership, person_id=person_id, unit_id=at, post=post, start_on=date(2015, 1, 1), end_on=None
        )
        self.names[person_id] = name
        return person_id, name

    def staffed(self, unit_id: int, scope: int, size: int) -> Staff:
        """A unit's officer, secretariat, authority and council."""
        officer, secretariat, authority = (self.person(unit_id, "Chuyên viên") for _ in range(3))
        for who, role in zip(
            (officer, secretariat, authority),
            (Role.UNIT_OFFICER, Role.SECRETARIAT, Role.AUTHORITY),
            strict=True,
        ):
            self.add(RoleGrant, person_id=who[0], role=role.value, unit_id=scope)
        council = self.add(
            Council, unit_id=unit_id, name=f"Hội đồng Thi đua - Khen thưởng {self.units[unit_id]['name']}"
        )
        staff = Staff(officer, secretariat, authority, council)
        for i in range(size):
            who = authority if i == 0 else self.person(unit_id, "Ủy viên Hội đồng")
            position = "chair" if i == 0 else "member"
            member = self.add(
                CouncilMember, council_id=council, person_id=who[0], position=position, active=True
            )
            staff.members.append(member)
            self.member_people[member] = who
        self.staff[scope] = staff
        return staff

    def organisation(self) -> tuple[int, list[int], dict[int, list[int]]]:
        """The units; the province, its grassroots units and where each one's people work."""
        self.unit("TW", "Thủ tướng Chính phủ", "TTg", "central", place="Hà Nội")
        province = self.unit(
            TENANT, "Ủy ban nhân dân tỉnh Quảng Ngãi", "UBND", "province", head_title="Chủ tịch"
        )
        grassroots, places = [], {}
        for kind, most, per, prefix, name, head, subs, sub_name in GRASSROOTS:
            for i in range(min(most, 1 + self.n // per)):
                code = f"{TENANT}-{prefix}{i:03d}"
                g = self.unit(
                    code, f"{name} {i + 1:03d}", f"{prefix}{i:03d}", kind, province, head_title=head
                )
                places[g] = [g] + [
                    self.unit(f"{code}-{j}", f"{sub_name} {j + 1}", f"{sub_name[0]}{j}", "subunit", g)
                    for j in range(subs)
                ]
                grassroots.append(g)
        self.staffed(province, province, 15)
        for g in grassroots:
            self.staffed(g, g, self.rng.choice((5, 7, 9)))
        return province, grassroots, places

    # ------------------------------------------------------------------ the season

    def step(self, n: dict, action: str, who, at: datetime, state: str, reason="", run=None, **moved) -> None:
        """A nomination's step, as models.workflow.apply records it."""
        before = {"state": n["state"], "level": n["level"], "unit": n["handling_unit_id"]}
        n.update(
            moved, state=state, stage_entered_at=at, due_on=due(at.date(), state), version=n["version"] + 1
        )
        n["returns"] += action == "return"
        after = {"state": state, "level": n["level"], "unit": n["handling_unit_id"]}
        on = n["due_on"].isoformat() if n["due_on"] else None
        self.event(
            who, action, "nomination", n["id"], at, {"from": before, "to": after, "due_on": on}, reason, run
        )

    def later(self, at: datetime, days: float) -> datetime:
        return min(at + timedelta(days=self.rng.uniform(0.5, 1.5) * days), self.now - timedelta(minutes=5))

    def nominate(self, campaign: int, award: str, g: int, person_id: int, at: datetime) -> dict:
        officer = self.staff[g].officer
        n = dict(
            campaign_id=campaign, award_code=award, person_id=person_id, collective_id=None, unit_id=g,
            basis="periodic", achievement="", state="draft", level=0, handling_unit_id=g, submission_id=None,
            stage_entered_at=at, due_on=None, returns=0, verdict={}, intake={}, decision_id=None,
            created_by=officer[0], created_at=at, version=1,
        )  # fmt: skip
        self.add(Nomination, **n)
        n.update(self.rows[Nomination][-1])  # its id
        self.rows[Nomination][-1] = n
        self.event(officer, "nominate", "nomination", n["id"], at, {"state": "draft", "level": 0, "unit": g})
        return n

    def intake(self, batch: list[dict], submission: int, staff: Staff, stop: str, at: datetime) -> list[dict]:
        """The intake flow's check of a batch that arrived, then the secretariat's acceptance (a
        few returned and sent again, rejected or withdrawn): the accepted ones."""
        run = self.run("intake", "submission", submission, at)
        summary = {"checked": [n["id"] for n in batch], "incomplete": [], "ineligible": []}
        for n in batch:
            missing = ["bao_cao_thanh_tich"] if self.rng.random() < 0.04 else []
            status = "ineligible" if self.rng.random() < 0.02 else "eligible"
            n["intake"] = {
                "stage": n["stage_entered_at"].isoformat(), "missing": missing, "status": status,
                "failed": ["Law 06/2022 Art. 24(1)"] if status == "ineligible" else [],
                "checked_at": at.isoformat(), "run": run,
            }  # fmt: skip
            summary["incomplete"] += [n["id"]] * bool(missing)
            summary["ineligible"] += [n["id"]] * (status == "ineligible")
        self.event((None, SYSTEM), "intake_check", "submission", submission, at, summary, run=run)
        at, accepted = self.later(at, 2), []
        for n in batch:
            if n["intake"]["missing"]:
                self.step(n, "return", staff.secretariat, at, "returned", "Thiếu báo cáo thành tích")
                if stop == "submitted":
                    continue
                self.step(n, "resubmit", staff.officer, self.later(at, 1), "submitted")
            elif n["intake"]["status"] == "ineligible":
                if stop != "submitted":
                    self.step(
                        n, "reject", staff.secretariat, at, "rejected", "Không đủ điều kiện (Art. 24(1))"
                    )
                continue
            elif self.rng.random() < 0.01:
                self.step(n, "withdraw", staff.officer, at, "withdrawn", "Đơn vị rút đề nghị")
                continue
            if stop != "submitted":
                self.step(n, "accept", staff.secretariat, self.later(at, 1), "accepted")
                accepted.append(n)
        return accepted

    def meet(self, batch: list[dict], staff: Staff, campaign: int, stop: str, at: datetime) -> list[dict]:
        """A council session on the batch: the agenda, attendance, ballots, the tally; the
        nominations it recommends."""
        council_id, members = staff.council, staff.members
        closed = stop != "on_agenda"
        minutes = self.number(council_id, at.year, "BB") if closed else None
        meeting = self.add(
            CouncilSession, council_id=council_id, campaign_id=campaign, held_at=at, place="Phòng họp",
            chair_id=staff.authority[0], secretary_id=staff.secretariat[0],
            state="tallied" if closed else "open", closed_at=at if closed else None,
            number=minutes, symbol="BB-HĐTĐKT" if closed else "",
        )  # fmt: skip
        self.event(staff.secretariat, "open_session", "council_session", meeting, at, {"council": council_id})
        for n in batch:
            self.step(n, "schedule", staff.secretariat, at, "on_agenda")
            self.add(SessionItem, session_id=meeting, nomination_id=n["id"])
        for member in members:
            self.add(Attendance, session_id=meeting, member_id=member, present=True, written_opinion=False)
            self.event(
                staff.secretariat, "attendance", "council_session", meeting, at,
                {"member": member, "present": True, "written": False},
            )  # fmt: skip
        if not closed:
            return []
        entries = self.rng.random() < 0.1  # what each ballot said, kept for some sessions only
        passed = {n["id"]: self.rng.random() > 0.05 for n in batch}
        for member in members:
            self.add(BallotCast, session_id=meeting, member_id=member, written=False, cast_at=at)
            self.event(
                self.member_people[member], "cast_ballot", "council_session", meeting, at, {"written": False}
            )
            for n in batch if entries else ():
                self.add(
                    BallotEntry, id=uuid.uuid4().hex, session_id=meeting, nomination_id=n["id"],
                    choice="yes" if passed[n["id"]] else "no", member_id=None,
                )  # fmt: skip
        self.event(
            staff.secretariat, "close_session", "council_session", meeting, at, {"ballots": len(members)}
        )
        at = self.later(at, 0.1)
        run = self.run("council_session", "council_session", meeting, at)
        total, recommended = len(members), []
        for n in batch:
            yes = total if passed[n["id"]] else total // 2
            self.add(
                TallyResult, session_id=meeting, nomination_id=n["id"], members_total=total, present=total,
                ballots_issued=total, valid=total, yes=yes, no=total - yes, base=total, threshold="1/2",
                quorum_met=True, passed=passed[n["id"]],
            )  # fmt: skip
            share = f"{yes}/{total} phiếu đồng ý, ngưỡng 1/2"
            action, state = (
                ("recommend", "recommended") if passed[n["id"]] else ("not_recommend", "not_recommended")
            )
            self.step(n, action, (None, SYSTEM), at, state, share, run)
            recommended += [n] * passed[n["id"]]
        facts = {"members": total, "present": total, "ballots": total, "minutes": minutes}
        self.event((None, SYSTEM), "tally", "council_session", meeting, at, facts, run=run)
        return recommended

    def decide(self, batch: list[dict], issuer: int, staff: Staff, campaign: int, at: datetime) -> None:
        """The head's decision conferring one award on the batch, and its entries in the history."""
        year, signed_on = at.year, at.date()
        ids = [n["id"] for n in batch]
        number, abbreviation = self.number(issuer, year, "QĐ"), self.units[issuer]["abbreviation"]
        reference = f"{number:02d}/QĐ-{abbreviation}"
        decision = self.add(
            Decision, issuer_unit_id=issuer, campaign_id=campaign, award_code=batch[0]["award_code"],
            state="issued", number=number, year=year, symbol=f"QĐ-{abbreviation}", signed_on=signed_on,
            signer_id=staff.authority[0], created_at=at, issued_at=at,
        )  # fmt: skip
        self.event(staff.secretariat, "draft_decision", "decision", decision, at, {"nominations": ids})
        self.event(staff.authority, "sign", "decision", decision, at, {"signed_on": signed_on.isoformat()})
        run = self.run("decision", "decision", decision, at)
        unit = self.units[issuer]
        authority = f"{unit['head_title']} {unit['name']}"
        first = self.number(issuer, year, "SV", len(batch))
        for entry, n in enumerate(batch, first):
            self.step(n, "confer", (None, SYSTEM), at, "conferred", run=run, decision_id=decision)
            self.add(
                AwardRecord, person_id=n["person_id"], collective_id=None, year=year, code=n["award_code"],
                decision_number=reference, decision_date=signed_on, issuer=authority, decision_id=decision,
                golden_book=f"{entry:04d}/{year}", revoked=False, revoked_reason="",
            )  # fmt: skip
        self.event(
            (None, SYSTEM),
            "issue",
            "decision",
            decision,
            at,
            {"number": reference, "nominations": ids},
            run=run,
        )

    def send(self, batch, campaign, from_unit, to_unit, level, who, at, signed=False) -> int:
        """A Tờ trình carrying the batch: sent by a unit to its own level, or signed upward."""
        number = self.number(from_unit, at.year, "TTr") if signed else None
        symbol = f"TTr-{self.units[from_unit]['abbreviation']}" if signed else ""
        submission = self.add(
            Submission, campaign_id=campaign, from_unit_id=from_unit, to_unit_id=to_unit, level=level,
            created_by=who[0], created_at=at, number=number, symbol=symbol,
            signed_on=at.date() if signed else None, signer_id=who[0] if signed else None,
        )  # fmt: skip
        for n in batch:
            self.add(SubmissionItem, submission_id=submission, nomination_id=n["id"])
        ids = [n["id"] for n in batch]
        if not signed:
            for n in batch:
                self.step(n, "submit", who, at, "submitted", submission_id=submission)
            self.event(who, "submit", "submission", submission, at, {"nominations": ids})
            return submission
        self.event(
            who,
            "propose",
            "submission",
            submission,
            at,
            {"nominations": ids, "signed_on": at.date().isoformat()},
        )
        run = self.run("forward", "submission", submission, at)
        for n in batch:
            self.step(
                n,
                "forward",
                (None, SYSTEM),
                at,
                "submitted",
                run=run,
                level=level,
                handling_unit_id=to_unit,
                submission_id=submission,
            )
        self.event(
            (None, SYSTEM),
            "number",
            "submission",
            submission,
            at,
            {"number": f"{number:02d}/{symbol}"},
            run=run,
        )
        return submission

    def stop(self, current: bool, level: int) -> str:
        return self.rng.choices(STOPS, STOP_ODDS[level])[0] if current else "done"

    def campaign(self, year: int, count: int, current: bool, province: int, grassroots, places) -> None:
        campaign = self.add(
            Campaign, organiser_unit_id=province, name=f"Bình xét thi đua, khen thưởng năm {year}",
            kind="annual", year=year, launched_on=date(year, 1, 15), closes_on=date(year, 12, 31),
        )  # fmt: skip
        slots = defaultdict(int)
        for g in self.rng.choices(grassroots, self.weights, k=count):
            slots[g] += 1
        upward = []
        for g in sorted(slots):
            staff, people = self.staff[g], self.people[g]
            chosen = self.rng.sample(people, min(slots[g], len(people)))
            at = self.now - timedelta(days=self.rng.uniform(8, 60)) if current else self.season(year)
            awards = self.rng.choices(list(AWARDS), list(AWARDS.values()), k=len(chosen))
            waiting = [self.nominate(campaign, a, g, p, at) for a, p in zip(awards, chosen, strict=True)]
            while waiting:
                size = self.rng.randint(20, 500)
                batch, waiting = waiting[:size], waiting[size:]
                upward += self.at_unit(batch, g, staff, campaign, self.stop(current, 0), at)
        self.at_province(upward, province, campaign, current)

    def season(self, year: int) -> datetime:
        return datetime.combine(date(year, 11, 1), clock(2), UTC) + timedelta(days=self.rng.uniform(0, 20))

    def at_unit(self, batch, g, staff, campaign, stop, at) -> list[tuple[list[dict], int, datetime]]:
        """A grassroots unit's batch as far as `stop`: what it proposes upward, as (nominations,
        Tờ trình, when)."""
        if stop == "draft":
            return []
        at = self.later(at, 1)
        submission = self.send(batch, campaign, g, g, 0, staff.officer, at)
        accepted = self.intake(batch, submission, staff, stop, self.later(at, 0.2))
        if stop in ("submitted", "accepted") or not accepted:
            return []
        at = self.later(at, 5)
        recommended = self.meet(accepted, staff, campaign, stop, at)
        if stop != "done" or not recommended:
            return []
        at = self.later(at, 2)
        for award in AWARDS.keys() - UP:
            if here := [n for n in recommended if n["award_code"] == award]:
                self.decide(here, g, staff, campaign, at)
        if up := [n for n in recommended if n["award_code"] in UP]:
            province = self.province
            return [(up, self.send(up, campaign, g, province, 1, staff.authority, at, signed=True), at)]
        return []

    def at_province(self, upward, province: int, campaign: int, current: bool) -> None:
        """The province's intake of every Tờ trình, then its council sessions and decisions on
        up to 2,000 nominations at a time."""
        staff, accepted = self.staff[province], []
        for batch, submission, sent in upward:
            accepted += self.intake(batch, submission, staff, self.stop(current, 1), self.later(sent, 1))
        at = self.later(max((sent for *_, sent in upward), default=self.now), 3)
        while accepted:
            size = self.rng.randint(800, 2000)
            group, accepted = accepted[:size], accepted[size:]
            stop = self.stop(current, 1)
            if stop in ("submitted", "accepted"):
                continue
            recommended = self.meet(group, staff, campaign, stop, at)
            if stop == "done":
                for award in UP:
                    if here := [n for n in recommended if n["award_code"] == award]:
                        self.decide(here, province, staff, campaign, self.later(at, 2))

    def build(self) -> None:
        self.province, grassroots, places = self.organisation()
        self.people: dict[int, list[int]] = {g: [] for g in grassroots}
        self.weights = [self.rng.uniform(0.2, 3) for _ in grassroots]  # units' sizes
        for g in self.rng.choices(grassroots, self.weights, k=self.n):
            self.people[g].append(self.person(self.rng.choice(places[g]), "Chuyên viên")[0])
        this_year = self.now.year
        for year in range(this_year - YEARS + 1, this_year + 1):
            count = self.n // YEARS + (self.n % YEARS if year == this_year else 0)
            self.campaign(year, count, year == this_year, self.province, grassroots, places)
        for (issuer, year, doc_type), last in self.numbers.items():
            self.add(Register, issuer_unit_id=issuer, year=year, doc_type=doc_type, last_number=last)

    def write(self, engine: sa.Engine) -> None:
        """Every table, parents first; then the audit head, and PostgreSQL's id sequences."""
        rows = {model.__table__: rows for model, rows in self.rows.items()}
        units = ((u["id"], f"{u['name']} {u['abbreviation']}") for u in self.rows[Unit])
        rows[NameToken.__table__] = token_rows("person", self.names.items()) + token_rows("unit", units)
        with engine.begin() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if table in rows:
                    bulk(connection, table, rows[table])
            connection.execute(sa.update(audit.AuditHead.__table__).values(last_hash=self.last_hash))
            if engine.dialect.name == "postgresql":
                for table in rows:
                    if isinstance(table.c.get("id", sa.Column(sa.String)).type, sa.Integer):
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )

    def users(self, engine: sa.Engine) -> tuple[dict[str, str], dict[str, list[int]]]:
        """The benchmark's users — the province's secretariat, the busiest unit's officer, a
        member of the province's council — with a token each, and the nominations each may open."""
        nominations = self.rows[Nomination]
        busiest = max(self.people, key=lambda g: sum(n["unit_id"] == g for n in nominations[:5000]))
        province = self.staff[self.province]
        meetings = {r["id"] for r in self.rows[CouncilSession] if r["council_id"] == province.council}
        people = {
            "secretariat": province.secretariat[0],
            "officer": self.staff[busiest].officer[0],
            "member": self.member_people[province.members[1]][0],
        }
        pages = {
            "secretariat": [n["id"] for n in nominations if n["level"] == 1],
            "officer": [n["id"] for n in nominations if n["unit_id"] == busiest],
            "member": [r["nomination_id"] for r in self.rows[SessionItem] if r["session_id"] in meetings],
        }
        with session_scope(engine) as session:
            tokens = {user: issue_token(session, system_actor(), p, "bench") for user, p in people.items()}
        return tokens, {user: ids or [0] for user, ids in pages.items()}


def bulk(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Rows into a table at the speed of the driver: COPY on PostgreSQL, executemany on SQLite."""
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), 50_000):
            connection.execute(table.insert(), rows[start : start + 50_000])
        return
    names = [c.name for c in table.columns]
    # COPY names every column: a row without one gets the model's default, as an INSERT would
    defaults = {c.name: c.default.arg for c in table.columns if c.default is not None and c.default.is_scalar}
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copied(row.get(name, defaults.get(name))) for name in names])


def _copied(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def build(engine: sa.Engine, nominations: int, seed: int = 2025) -> Built:
    """Wipe and migrate the database, build the season, issue the benchmark's users' tokens."""
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    migrate(engine)
    gc.disable()  # millions of small dicts that live until written: nothing for the collector to free
    try:
        season = Season(nominations, seed, datetime.now(UTC))
        season.build()
        season.write(engine)
    finally:
        gc.enable()
    # The planner's statistics and, on PostgreSQL, the visibility map, as autovacuum keeps them (it
    # vacuums tables that only grew too, since PostgreSQL 13): index-only scans then skip the heap.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    tokens, pages = season.users(engine)
    return Built(
        nominations=len(season.rows[Nomination]),
        events=len(season.rows[audit.Event]) + len(tokens),
        seconds=time.perf_counter() - started,
        size=size_of(engine),
        tokens=tokens,
        pages=pages,
    )


def size_of(engine: sa.Engine) -> int:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
    raw = engine.raw_connection()  # outside a transaction: the bulk insert is still in the write-ahead log
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    path = Path(engine.url.database)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
