"""The intake check of a batch that has arrived at a level: for every nomination, the dossier
against the award's list (Law 06/2022 Art. 84) and the engine's verdict, recorded beside it for
the secretariat. Histories are loaded set-based for the whole batch; a nomination already checked
in this stage entry is not checked again."""

from datetime import datetime

from sqlmodel import Session, col, select

from models import audit
from models.access import Actor
from models.campaigns import Campaign
from models.db import utcnow
from models.dossier import missing_many
from models.eligibility import verdict
from models.eligibility.load import load_collectives, load_people
from models.errors import NotFound
from models.guards import situations
from models.nominations import Nomination, State, Submission, SubmissionItem, write_changes


def check_submission(
    session: Session, actor: Actor, submission_id: int, *, now: datetime | None = None
) -> dict:
    """Check what waits for intake; {"checked": [...], "incomplete": [...], "ineligible": [...]}."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(f"Không có Tờ trình #{submission_id}")
    now = now or utcnow()
    ids = select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == submission_id)
    waiting = [
        n
        for n in session.exec(
            select(Nomination).where(col(Nomination.id).in_(ids)).order_by(col(Nomination.id))
        )
        if n.state is State.SUBMITTED
        and n.handling_unit_id == submission.to_unit_id
        and n.intake.get("stage") != n.stage_entered_at.isoformat()
    ]
    year = session.get(Campaign, submission.campaign_id).year
    people = load_people(session, year, [n.person_id for n in waiting if n.person_id], explain=True)
    units = [n.collective_id for n in waiting if n.collective_id]
    collectives = load_collectives(session, year, units, explain=True) if units else {}
    sits = situations(session, waiting, now)
    missing = missing_many(session, [(s.nomination, s.award, s.level_name, s.ruleset) for s in sits])
    summary = {"checked": [], "incomplete": [], "ineligible": []}
    for sit in sits:
        n = sit.nomination
        history = people[n.person_id] if n.person_id else collectives[n.collective_id]
        result = verdict(sit.award, history, year, sit.ruleset)
        n.verdict = result.to_dict()
        n.intake = {
            "stage": n.stage_entered_at.isoformat(),
            "missing": missing[n.id],
            "status": result.status,
            "failed": [article for _, article in result.failed_rules],
            "checked_at": now.isoformat(),
            "run": actor.flow_run_id,
        }
        summary["checked"].append(n.id)
        if missing[n.id]:
            summary["incomplete"].append(n.id)
        if n.basis == "periodic" and not result.eligible:
            summary["ineligible"].append(n.id)
    if waiting:
        write_changes(session, waiting)  # one UPDATE for the batch, not the flush's one per row
        audit.record(session, actor, "intake_check", "submission", submission_id, data=summary, at=now)
    return summary
