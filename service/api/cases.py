"""What a person reads: their inbox, a nomination with its audit trail and the flow runs that
acted on it, the status of every level and stage; and starting a failed flow run again."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import col, select

from models import audit, registrations, workflow
from models.councils import SessionItem
from models.db import utcnow
from models.errors import Forbidden, NotFound
from models.nominations import Nomination, SubmissionItem
from models.notify import Notification
from models.org import Person, Unit
from models.route import FLOW_SUBJECT, Flow
from models.routing import Org
from models.runs import FlowRun
from service.api import PRINTABLE, PathId, refusals
from service.api.documents import FILE
from service.api.lists import Columns, ListFormat, xlsx
from service.api.workflow import FollowUp, start
from service.auth import ActorDep
from service.deps import SessionDep
from service.report import status

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=refusals(401, 403, 404, 422))


class Message(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    entity: str
    entity_id: int | None
    created_at: datetime
    read_at: datetime | None


class Run(BaseModel):
    id: str
    flow: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    error: str
    worker: str


class Entry(BaseModel):
    """A step in a nomination's trail: its own, or one on the Tờ trình, council session or decision
    that carried it. A step on a batch lists every nomination it took; the page shows, for each
    such list, how many there were and whether this one was among them: `{"count", "includes"}`."""

    at: datetime
    actor: str
    action: str
    record: str  # what the step acted on: nomination | submission | council_session | decision
    record_id: int
    reason: str
    data: dict[str, Any]
    flow_run: Run | None


class Action(BaseModel):
    """A step the caller may take now (models/route.py): the buttons a page shows."""

    action: str
    label: str
    needs_reason: bool
    record: str  # what it acts on or makes: the nomination, a Tờ trình, a decision


class Case(BaseModel):
    id: int
    award_code: str
    subject: str
    unit: str
    handling_unit: str
    state: str
    level: int
    due_on: str | None
    version: int
    intake: dict[str, Any]
    registration_warning: str | None = None  # an emulation title its nominee did not register for
    trail: list[Entry]
    failed_runs: list[Run]
    actions: list[Action]


MESSAGE_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Thời gian", "created_at", 18),
    ("Tiêu đề", "title", 40),
    ("Nội dung", "body", 60),
    ("Đã đọc lúc", "read_at", 18),
]


@router.get("/inbox", response_model=list[Message], responses=FILE)
def inbox(
    session: SessionDep,
    actor: ActorDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    format: ListFormat = "json",
) -> list[Notification] | Response:
    """The caller's notifications, newest first; as .xlsx with `format=xlsx`."""
    query = select(Notification).where(Notification.person_id == actor.person_id)
    if unread:
        query = query.where(col(Notification.read_at).is_(None))
    found = list(session.exec(query.order_by(col(Notification.id).desc()).limit(limit)))
    return xlsx("thong_bao", MESSAGE_COLUMNS, found) if format == "xlsx" else found


@router.post("/inbox/{notification_id}/read", response_model=Message)
def mark_read(notification_id: PathId, session: SessionDep, actor: ActorDep) -> Notification:
    message = session.get(Notification, notification_id)
    if message is None or message.person_id != actor.person_id:
        raise NotFound(f"Không có thông báo #{notification_id}")
    if message.read_at is None:
        message.read_at = utcnow()
        session.add(message)
        session.commit()
    return message


@router.get("/nominations/{nomination_id}", response_model=Case)
def nomination(nomination_id: PathId, session: SessionDep, actor: ActorDep) -> Case:
    """A nomination as its unit and the levels it passed see it: state, due date, the intake
    check, and every step in the audit log with the flow run that took it."""
    n = session.get(Nomination, nomination_id)
    if n is None or not workflow.visible(session, actor, [n]):
        raise NotFound(f"Không có hồ sơ #{nomination_id}")
    steps = workflow.available_steps(session, actor, n)  # reads the route's units, named below
    batches = session.exec(select(SubmissionItem.submission_id).where(SubmissionItem.nomination_id == n.id))
    meetings = session.exec(select(SessionItem.session_id).where(SessionItem.nomination_id == n.id))
    batches = list(
        batches
    )  # its Tờ trình, the appraisal among them (whose steps are the "appraisal" record's)
    targets = {(record, b) for b in batches for record in ("submission", "appraisal")}
    targets |= {("council_session", m) for m in meetings}
    targets |= {("decision", n.decision_id), ("nomination", n.id)}
    trail = audit.trail_of(session, targets)  # its own steps and those of its batches, meetings, decision
    ran = session.exec(
        select(FlowRun)
        .where(
            col(FlowRun.entity_id).in_({i for _, i in targets if i})
            | col(FlowRun.id).in_({e.flow_run_id for e in trail if e.flow_run_id})
        )
        .order_by(col(FlowRun.started_at))
    ).all()
    runs = {r.id: r for r in ran}
    last = {(r.flow, r.entity, r.entity_id): r for r in ran if (r.entity, r.entity_id) in targets}
    subject = (
        session.get(Person, n.person_id).full_name if n.person_id else session.get(Unit, n.collective_id).name
    )
    return Case(
        id=n.id,
        award_code=n.award_code,
        subject=subject,
        unit=session.get(Unit, n.unit_id).name,
        handling_unit=session.get(Unit, n.handling_unit_id).name,
        state=n.state.value,
        level=n.level,
        due_on=n.due_on.isoformat() if n.due_on else None,
        version=n.version,
        intake=n.intake,
        registration_warning=registrations.warning(session, n),
        trail=[
            Entry(
                at=e.at,
                actor=e.actor,
                action=e.action,
                record=e.entity,
                record_id=e.entity_id,
                reason=e.reason,
                data=e.data if e.entity == "nomination" else _counted(e.data, n.id),
                flow_run=Run.model_validate(runs[e.flow_run_id], from_attributes=True)
                if e.flow_run_id in runs
                else None,
            )
            for e in trail
        ],
        failed_runs=[
            Run.model_validate(r, from_attributes=True) for r in last.values() if r.state == "failed"
        ],
        actions=[
            Action(action=step.action, label=step.label, needs_reason=step.needs_reason, record=step.record)
            for step in steps
        ],
    )


def _counted(data: dict[str, Any], nomination_id: int) -> dict[str, Any]:
    """A batch's step as one of its nominations' pages shows it: each list of nominations as its
    count and whether this one is in it (a province's decision lists thousands)."""
    return {
        key: {"count": len(value), "includes": nomination_id in value} if isinstance(value, list) else value
        for key, value in data.items()
    }


@router.get("/status")
def status_report(session: SessionDep, actor: ActorDep) -> dict:
    """Per level and stage: nominations waiting and overdue; failed flow runs; flows not started —
    of the units where the caller holds a role and those under them (all, for an administrator)."""
    if not (actor.is_admin or actor.grants):
        raise Forbidden(f"{actor.name} không có vai trò nào")
    units = None if actor.is_admin else Org.of(session).below({unit_id for _, unit_id in actor.grants})
    return status(session, utcnow(), units)


@router.post("/flow-runs/{run_id}/retry", response_model=FollowUp)
def retry(
    run_id: Annotated[str, Path(max_length=64, pattern=PRINTABLE)], session: SessionDep, actor: ActorDep
) -> FollowUp:
    """Start a failed flow run's flow again for the same case; for those it told of the failure."""
    run = session.get(FlowRun, run_id)
    if run is None or run.state != "failed" or run.flow not in FLOW_SUBJECT:
        raise NotFound(f"Không có lượt chạy lỗi {run_id}")
    told = session.exec(
        select(Notification.id).where(
            Notification.person_id == actor.person_id,
            Notification.key == f"failure:{run.id}:{actor.person_id}",
        )
    ).first()
    if told is None and not actor.is_admin:
        raise NotFound(f"Không có lượt chạy lỗi {run_id}")
    flow, case_id = Flow(run.flow), run.entity_id
    session.commit()  # nothing to write: it ends the transaction before the flow opens its own
    return start(flow, case_id)
