"""The deadline sweep: for every nomination waiting in a stage with a due date, a reminder some
working days before it, another once it has passed, escalation to the head of the secretariat
after the stage's overdue allowance, and the stage's timeout policy — each at most once per entry
into the stage, however often the sweep runs."""

from collections import Counter
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models import audit
from models.access import Actor
from models.db import utcnow
from models.guards import Situation
from models.handover import hand_over
from models.nominations import Nomination, State
from models.notify import holders, notify
from models.org import Person, Role, Unit
from models.route import NOMINATION
from models.routing import Org
from models.workflow import apply

KINDS = ("remind_before", "remind_after", "escalate", "timeout")
WHO_ACTS = {  # the role expected to act in each stage, at the unit that must act
    State.SUBMITTED: (Role.SECRETARIAT, "handling"),
    State.RETURNED: (Role.UNIT_OFFICER, "nominating"),
    State.ACCEPTED: (Role.SECRETARIAT, "handling"),
    State.RECOMMENDED: (Role.AUTHORITY, "handling"),
}


class StageAlert(SQLModel, table=True):
    """A reminder, escalation or timeout already given for one entry into a stage."""

    __table_args__ = (UniqueConstraint("nomination_id", "stage_entered_at", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    stage_entered_at: datetime
    kind: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow)


def _due(situation: Situation, stage: dict, given: set[str]) -> list[str]:
    """The alerts this nomination is owed today and has not had for this stage entry."""
    n, today, calendar = situation.nomination, situation.today, situation.calendar
    left = calendar.working_days_between(today, n.due_on)  # negative once overdue
    owed = []
    if 0 <= left <= stage.get("remind_before", 0):
        owed.append("remind_before")
    if left < 0:
        owed.append("remind_after")
    if left < 0 and -left >= stage.get("escalate_after", 0):
        owed.append("escalate")
        if stage.get("on_timeout", "none") != "none":
            owed.append("timeout")
    return [kind for kind in owed if kind not in given]


def sweep(session: Session, actor: Actor, *, now: datetime | None = None) -> Counter:
    """Give every overdue or nearly due nomination what it is owed; how many of each kind. First
    what units no longer in force handled goes where its route leads today (models/handover.py)."""
    now = now or utcnow()
    handed = len(hand_over(session, actor, now))
    waiting = session.exec(
        select(Nomination).where(col(Nomination.state).in_(WHO_ACTS), col(Nomination.due_on).is_not(None))
    ).all()
    given: dict[tuple[int, datetime], set[str]] = {}
    for alert in session.exec(
        select(StageAlert).where(col(StageAlert.nomination_id).in_([n.id for n in waiting]))
    ):
        given.setdefault((alert.nomination_id, alert.stage_entered_at), set()).add(alert.kind)
    org, done = Org.of(session), Counter({"hand_over": handed} if handed else {})
    for n in waiting:
        situation = Situation(session, n, now, org)
        stage = situation.ruleset.stages[n.state.value]
        for kind in _due(situation, stage, given.get((n.id, n.stage_entered_at), set())):
            session.add(
                StageAlert(nomination_id=n.id, stage_entered_at=n.stage_entered_at, kind=kind, at=now)
            )
            _act(session, actor, situation, stage, kind, now)
            done[kind] += 1
    return done


MESSAGES = {  # kind → (inbox kind, title, body)
    "remind_before": (
        "reminder",
        "Sắp đến hạn {label}: {subject}",
        "Hồ sơ đề nghị {award} của {subject} cần xử lý trước ngày {due}.",
    ),
    "remind_after": (
        "reminder",
        "Quá hạn {label}: {subject}",
        "Hồ sơ đề nghị {award} của {subject} đã quá hạn ngày {due}.",
    ),
    "escalate": (
        "escalation",
        "Hồ sơ quá hạn cần chỉ đạo: {subject}",
        "Hồ sơ đề nghị {award} của {subject} ({label}) quá hạn từ ngày {due}.",
    ),
    "timeout": ("timeout", "Hồ sơ bị rút do quá hạn: {subject}", "{reason}"),
}


def _act(session: Session, actor: Actor, situation: Situation, stage: dict, kind: str, now: datetime) -> None:
    n = situation.nomination
    role, where = WHO_ACTS[n.state]
    subject = (
        session.get(Person, n.person_id).full_name if n.person_id else session.get(Unit, n.collective_id).name
    )
    label = n.state.label  # the stage it was in, before a timeout moves it
    facts = {"subject": subject, "award": situation.award.name, "label": label.lower()}
    due_on = n.due_on  # withdrawing clears it
    facts["due"] = f"{due_on:%d/%m/%Y}"
    facts["reason"] = f"Quá hạn {facts['label']} (hạn {facts['due']}) theo quy định của giai đoạn"
    if kind in ("remind_before", "remind_after"):
        people = holders(session, role, n.unit_id if where == "nominating" else n.handling_unit_id)
    elif kind == "escalate":
        people = holders(session, Role.SECRETARIAT_HEAD, n.handling_unit_id) or holders(
            session, Role.AUTHORITY, n.handling_unit_id
        )
    elif stage["on_timeout"] == "withdraw" and n.state in NOMINATION["withdraw"].source:
        apply(session, n, "withdraw", actor, reason=facts["reason"], now=now, org=situation.org)
        people = holders(session, Role.UNIT_OFFICER, n.unit_id)
    else:
        people = []
    inbox, title, body = MESSAGES[kind]
    key = f"{kind}:{n.id}:{n.stage_entered_at.isoformat()}"
    title, body = title.format(**facts), body.format(**facts)
    notify(session, people, inbox, title, body, about=("nomination", n.id), key=key)
    audit.record(
        session,
        actor,
        kind,
        "nomination",
        n.id,
        data={"due_on": due_on.isoformat(), "stage": label},
        at=now,
    )
