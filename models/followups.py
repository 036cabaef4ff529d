"""Follow-ups nobody ran. A person's action commits, then asks for the flow that follows it; if
the process stops in between — the app restarted with flows still queued in its background
thread, or the Prefect server was down when the action asked — the case would wait for ever.
What waits for a flow is written in the database, so the deadline sweep finds it: a case that
has waited longer than a grace period, with no run of its flow since it began to wait, and
starts that flow. A failed run is not retried here: its error is shown to the secretariat, who
retry it once the cause is fixed (`POST /flow-runs/{id}/retry`).

A run whose process died (kill -9, a machine lost) never records its end: it would stay
`running` for ever, and the case it took up — maybe half done, its decision numbered but its
documents not written — would wait for nobody. Such a run, silent for `flow_run_stale_minutes`,
is marked abandoned and its flow started again on its case: every step can run twice to the
same result (flows/stages.py)."""

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from sqlmodel import Session, col, select

from models.audit import Event
from models.conferences import Conference
from models.config import get_settings
from models.councils import CouncilSession
from models.decisions import Decision
from models.imports import ImportJob, JobState
from models.nominations import Nomination, State, Submission, SubmissionKind
from models.route import APPRAISAL, COUNCIL_SESSION, DECISION, FLOW_SUBJECT, SUBMISSION, Flow, Step
from models.runs import FlowRun


def _since_event(table, step: Step, *pending):
    """Cases in a pending state, and when the step that left them there was recorded."""
    event = sa.and_(Event.entity == step.record, Event.entity_id == table.id, Event.action == step.action)
    return select(table.id, sa.func.max(Event.at)).join(Event, event).where(*pending).group_by(table.id)


def waiting() -> dict[Flow, sa.Select]:
    """Each stage flow → a query of (id, waiting since) for every case that waits for it: the
    state its step left the case in (models/route.py), and since when."""
    return {
        # a batch whose latest arrival has not been checked: a run after it checks them all
        Flow.INTAKE: select(Nomination.submission_id, sa.func.max(Nomination.stage_entered_at))
        .where(Nomination.state == State.SUBMITTED, col(Nomination.submission_id).is_not(None))
        .group_by(Nomination.submission_id),
        Flow.COUNCIL_SESSION: select(CouncilSession.id, CouncilSession.closed_at).where(
            CouncilSession.state == COUNCIL_SESSION["close_session"].target
        ),
        Flow.DECISION: _since_event(Decision, DECISION["sign"], Decision.state == DECISION["sign"].target),
        Flow.IMPORT: select(ImportJob.id, ImportJob.created_at).where(ImportJob.state == JobState.QUEUED),
        Flow.CONFERENCE_REPORT: select(Conference.id, Conference.report_requested_at).where(
            Conference.report_waited_for()
        ),
        Flow.FORWARD: _since_event(
            Submission,
            SUBMISSION["propose"],
            Submission.kind == SubmissionKind.PROPOSAL,
            col(Submission.signer_id).is_not(None),
            col(Submission.number).is_(None),
        ),
        Flow.APPRAISAL: _since_event(
            Submission,
            APPRAISAL["sign_appraisal"],
            Submission.kind == SubmissionKind.APPRAISAL,
            col(Submission.signer_id).is_not(None),
            col(Submission.number).is_(None),
        ),
    }


def lost(session: Session, now: datetime) -> list[tuple[str, int]]:
    """(flow, id) of every case waiting for longer than the grace period that no run of its flow
    has taken up since it began to wait (a run that failed counts: it waits for a person)."""
    before = now - timedelta(minutes=get_settings().follow_up_grace_minutes)
    found = []
    for flow, query in waiting().items():
        entity, _ = FLOW_SUBJECT[flow]
        cases = query.subquery()
        case_id, since = cases.c
        run = sa.exists().where(
            FlowRun.flow == flow,
            FlowRun.entity == entity,
            FlowRun.entity_id == case_id,
            FlowRun.started_at >= since,
            FlowRun.state != ABANDONED,
        )
        untouched = select(case_id).where(since < before, ~run).order_by(case_id)
        if flow in PART_OF:
            untouched = untouched.where(~_last_failed(PART_OF[flow], case_id))
        found += [(flow, key) for key in session.exec(untouched)]
    return found


ABANDONED = "abandoned"


def abandoned(session: Session, now: datetime) -> list[tuple[str, int]]:
    """Mark abandoned every stage flow's run silent since `flow_run_stale_minutes`; (flow, id)
    of the cases they acted on, to run again."""
    silent = now - timedelta(minutes=get_settings().flow_run_stale_minutes)
    dead = session.exec(
        select(FlowRun)
        .where(
            FlowRun.state == "running",
            col(FlowRun.flow).in_(list(FLOW_SUBJECT)),
            sa.func.coalesce(FlowRun.alive_at, FlowRun.started_at) < silent,
        )
        .with_for_update(skip_locked=True)  # two sweeps at once: each dead run restarted by one
    ).all()
    for run in dead:
        run.state, run.ended_at = ABANDONED, now
        run.error = (
            f"Tiến trình xử lý đã dừng (không còn hoạt động từ {run.alive_at or run.started_at}); chạy lại"
        )
        session.add(run)
    return sorted({(run.flow, run.entity_id) for run in dead})


# A forward run ends with the intake at the level above: while the batch's last forward run has
# failed, the intake waits for the person who retries it (with the Tờ trình it failed to write).
PART_OF = {Flow.INTAKE: Flow.FORWARD}


def _last_failed(flow: str, case_id) -> sa.Exists:
    later = sa.orm.aliased(FlowRun)
    return sa.exists().where(
        FlowRun.flow == flow,
        FlowRun.entity_id == case_id,
        FlowRun.state == "failed",
        ~sa.exists().where(
            later.flow == flow, later.entity_id == case_id, later.started_at > FlowRun.started_at
        ),
    )
