"""People's actions on nominations, council sessions, decisions and Tờ trình. Each is committed,
then the stage flow that follows it is started (flows/triggers.py); the answer says which."""

import logging
from collections import Counter
from datetime import date
from typing import Literal

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session

from flows.triggers import trigger
from models import appraisal, decide, voting, workflow
from models.access import Actor
from models.councils import Choice
from models.errors import NotFound
from models.nominations import Nomination, by_ids
from models.route import (
    APPRAISAL,
    COUNCIL_SESSION,
    DECISION,
    FLOW_SUBJECT,
    NEW,
    NOMINATION,
    SUBMISSION,
    Flow,
    Step,
)
from service.api import MAX_ID, PathId, RowId, refusals
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["workflow"], responses=refusals(400, 401, 403, 404, 409, 413, 422))
log = logging.getLogger("vinhdanh.api")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Batch(Body):
    nomination_ids: list[RowId] = Field(min_length=1, max_length=20_000)

    @field_validator("nomination_ids")
    @classmethod
    def each_once(cls, ids: list[int]) -> list[int]:
        repeated = sorted(i for i, count in Counter(ids).items() if count > 1)
        if repeated:
            raise ValueError(f"mỗi hồ sơ chỉ một lần (each nomination once): {repeated}")
        return ids


class Proposal(Batch):
    signed_on: date


class StepBody(Body):
    reason: str = Field(default="", max_length=2000)
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="the version you saw; refused if it changed"
    )


class Meeting(Batch):
    council_id: RowId
    held_at: AwareDatetime = Field(description="with its time zone: 2026-01-10T14:00:00+07:00")
    place: str = Field(min_length=1, max_length=300)
    chair_id: RowId
    secretary_id: RowId
    campaign_id: RowId | None = None


class Attendance(Body):
    member_id: RowId
    present: bool
    written_opinion: bool = False


class Ballot(Body):
    choices: dict[RowId, Choice] = Field(
        min_length=1, max_length=5_000, description="nomination id → yes | no | invalid"
    )


class Signature(Body):
    signed_on: date


class FollowUp(BaseModel):
    flow: str
    started: bool
    error: str = ""


class Done(BaseModel):
    id: int
    follow_up: FollowUp | None = None


def nominations(session: Session, actor: Actor, ids: list[int]) -> list[Nomination]:
    """The nominations named, in order; those missing or out of the caller's sight are not found."""
    found = {n.id: n for n in workflow.visible(session, actor, by_ids(session, ids))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise NotFound(f"Không có hồ sơ {', '.join(f'#{i}' for i in missing)}", missing=missing)
    return [found[i] for i in ids]


def start(flow: Flow, case_id: int) -> FollowUp:
    """Start a stage flow for its case. A flow that cannot start, or (run inline) fails, leaves
    what was committed as it is; the answer says so, and the secretariat can start it again
    (flow-runs/…/retry, or the sweep finds it)."""
    try:
        trigger(flow, **{FLOW_SUBJECT[flow][1]: case_id})
    except Exception as error:
        log.exception("could not run %s for #%s", flow, case_id)
        return FollowUp(flow=flow, started=False, error=f"{type(error).__name__}: {error}")
    return FollowUp(flow=flow, started=True)


def then(session: Session, step: Step, entity_id: int, case_id: int | None = None) -> Done:
    """Commit the step, then start the flow the route table says follows it, for its case
    (the step's own record unless named: a resubmitted nomination's batch)."""
    session.commit()
    if step.flow is None:
        return Done(id=entity_id)
    return Done(id=entity_id, follow_up=start(step.flow, entity_id if case_id is None else case_id))


@router.post("/submissions", status_code=201, response_model=Done)
def submit(body: Batch, session: SessionDep, actor: ActorDep) -> Done:
    """The unit's officer sends draft nominations to their level as one batch; intake follows."""
    submission = workflow.submit(session, actor, nominations(session, actor, body.nomination_ids))
    return then(session, NOMINATION["submit"], submission.id)


class Steps(Batch):
    reason: str = Field(default="", max_length=2000)


@router.post("/nominations/actions/{action}", response_model=list[Done])
def act_on_batch(
    action: Literal["accept", "return", "reject", "withdraw"],
    body: Steps,
    session: SessionDep,
    actor: ActorDep,
) -> list[Done]:
    """The same step for many nominations at once (the secretariat accepting what arrived), all
    or none."""
    batch = workflow.apply_many(
        session, nominations(session, actor, body.nomination_ids), action, actor, reason=body.reason
    )
    ids = [n.id for n in batch]
    session.commit()
    return [Done(id=i) for i in ids]


# The steps a person takes on one nomination at a time; submitting and scheduling take a batch
# (POST /submissions, POST /council-sessions).
ONE_BY_ONE = tuple(
    a
    for a, s in NOMINATION.items()
    if not s.by_system and NEW not in s.source and a not in {"submit", "schedule"}
)
OneByOne = Literal[ONE_BY_ONE]


@router.post("/nominations/{nomination_id}/{action}", response_model=Done)
def act(
    nomination_id: PathId,
    action: OneByOne,
    body: StepBody,
    session: SessionDep,
    actor: ActorDep,
) -> Done:
    """Accept, return for supplements (with the reason), resubmit once supplemented (intake
    checks it again), find ineligible, decline to confer, or withdraw a nomination."""
    (n,) = nominations(session, actor, [nomination_id])
    workflow.apply(session, n, action, actor, reason=body.reason, expected_version=body.version)
    return then(session, NOMINATION[action], nomination_id, n.submission_id)


@router.post("/council-sessions", status_code=201, response_model=Done)
def open_session(body: Meeting, session: SessionDep, actor: ActorDep) -> Done:
    """The secretariat convenes the council with its agenda."""
    details = body.model_dump(exclude={"nomination_ids", "council_id"})
    meeting = voting.open_session(session, actor, body.council_id, **details)
    voting.add_to_agenda(session, actor, meeting.id, nominations(session, actor, body.nomination_ids))
    return then(session, COUNCIL_SESSION["open_session"], meeting.id)


@router.post("/council-sessions/{session_id}/attendance", response_model=Done)
def attend(session_id: PathId, body: Attendance, session: SessionDep, actor: ActorDep) -> Done:
    voting.record_attendance(session, actor, session_id, **body.model_dump())
    return then(session, COUNCIL_SESSION["attendance"], session_id)


@router.post("/council-sessions/{session_id}/ballots", response_model=Done)
def cast_ballot(session_id: PathId, body: Ballot, session: SessionDep, actor: ActorDep) -> Done:
    """A member's ballot: one choice for every nomination on the agenda."""
    voting.cast_ballot(session, actor, session_id, body.choices)
    return then(session, COUNCIL_SESSION["cast_ballot"], session_id)


@router.post("/council-sessions/{session_id}/close", response_model=Done)
def close_session(session_id: PathId, session: SessionDep, actor: ActorDep) -> Done:
    """Voting ends; the council_session flow tallies it and writes the minutes."""
    voting.close_session(session, actor, session_id)
    return then(session, COUNCIL_SESSION["close_session"], session_id)


@router.post("/appraisals", status_code=201, response_model=Done)
def appraise(body: Batch, session: SessionDep, actor: ActorDep) -> Done:
    """The secretariat drafts the appraising body's Tờ trình thẩm định (a province's Sở Nội vụ,
    the Bộ Nội vụ for the Prime Minister) for nominations waiting for a decision at its level."""
    drafted = appraisal.appraise(session, actor, nominations(session, actor, body.nomination_ids))
    return then(session, APPRAISAL["appraise"], drafted.id)


@router.post("/appraisals/{submission_id}/sign", response_model=Done)
def sign_appraisal(submission_id: PathId, body: Signature, session: SessionDep, actor: ActorDep) -> Done:
    """The appraising body's head signs; the appraisal flow numbers it in the body's register and
    writes it. The authority's decision on its nominations may then be drafted."""
    appraisal.sign_appraisal(session, actor, submission_id, signed_on=body.signed_on)
    return then(session, APPRAISAL["sign_appraisal"], submission_id)


@router.post("/decisions", status_code=201, response_model=Done)
def draft_decision(body: Batch, session: SessionDep, actor: ActorDep) -> Done:
    """The secretariat drafts a decision for recommended nominations of one award."""
    decision = decide.draft_decision(session, actor, nominations(session, actor, body.nomination_ids))
    return then(session, DECISION["draft_decision"], decision.id)


@router.post("/decisions/{decision_id}/sign", response_model=Done)
def sign(decision_id: PathId, body: Signature, session: SessionDep, actor: ActorDep) -> Done:
    """The authority signs; the decision flow numbers, confers and writes the documents."""
    decide.sign(session, actor, decision_id, signed_on=body.signed_on)
    return then(session, DECISION["sign"], decision_id)


@router.post("/proposals", status_code=201, response_model=Done)
def propose(body: Proposal, session: SessionDep, actor: ActorDep) -> Done:
    """The head signs a Tờ trình to the level above; the forward flow carries the batch up."""
    batch = nominations(session, actor, body.nomination_ids)
    submission = workflow.propose_upward(session, actor, batch, signed_on=body.signed_on)
    return then(session, SUBMISSION["propose"], submission.id)
