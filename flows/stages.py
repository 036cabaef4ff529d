"""The stage flows: the work that follows a person's committed action, or the clock. Each is one
flow run per batch — a submission, a council session, a decision, a sweep — never one per
nomination. Tasks take ids, read the database afresh and can run twice to the same result."""

from datetime import datetime

from prefect import flow, task
from sqlmodel import col, func, select

from document_templates import campaign_docs, conference, publish
from document_templates.pdf import to_pdf
from flows.mail import send_pending
from flows.runtime import RETRY, actor, queued_runs, run_id, step, tracked, unit_of_work
from models import appraisal, audit, deadlines, decide, followups, imports, intake, voting, workflow
from models.campaigns import Campaign
from models.clusters import Cluster, Covenant
from models.conferences import Conference
from models.config import get_settings
from models.councils import Council, CouncilSession
from models.db import chunks, utcnow
from models.decisions import Decision
from models.dossier import Store, keep
from models.errors import NotFound
from models.nominations import Nomination, Submission
from models.notify import Notice, clip, holders, holders_at, notify, notify_many
from models.org import Person, Role, Unit
from models.route import FLOW_SUBJECT, Flow


def _name(session, n: Nomination) -> str:
    return (
        session.get(Person, n.person_id).full_name if n.person_id else session.get(Unit, n.collective_id).name
    )


CONGRATULATIONS = "Chúc mừng: bạn được khen thưởng theo quyết định này."

# ------------------------------------------------------------------------------------ tasks


@task(**RETRY)
def check_dossiers(submission_id: int) -> dict:
    """Completeness and eligibility of every nomination the batch brought (Art. 84)."""
    with unit_of_work() as session:
        return intake.check_submission(session, actor(), submission_id)


@task(**RETRY)
def tell_intake(submission_id: int, summary: dict) -> int:
    if not summary["checked"]:
        return 0
    with unit_of_work() as session:
        submission = session.get(Submission, submission_id)
        sender = session.get(Unit, submission.from_unit_id)
        body = (
            f"{len(summary['checked'])} hồ sơ cần tiếp nhận; "
            f"{len(summary['incomplete'])} hồ sơ thiếu tài liệu, "
            f"{len(summary['ineligible'])} hồ sơ chưa đủ điều kiện theo kiểm tra tự động."
        )
        checked = summary["checked"]
        key = f"intake:{submission_id}:{min(checked)}-{max(checked)}-{len(checked)}"
        made = notify(
            session,
            holders(session, Role.SECRETARIAT, submission.to_unit_id),
            "intake",
            f"Hồ sơ đề nghị khen thưởng từ {sender.name}",
            body,
            about=("submission", submission_id),
            key=key,
        )
        officers: dict[int, list[int]] = {}  # of each nominating unit, looked up once
        for n, subject in _incomplete(session, summary["incomplete"]):
            if n.unit_id not in officers:
                officers[n.unit_id] = holders(session, Role.UNIT_OFFICER, n.unit_id)
            missing = ", ".join(n.intake["missing"])
            made += notify(
                session,
                officers[n.unit_id],
                "intake",
                f"Hồ sơ của {subject} còn thiếu tài liệu",
                f"Cần bổ sung: {missing}.",
                about=("nomination", n.id),
                key=f"incomplete:{n.id}:{n.intake['stage']}",
            )
        return len(made)


def _incomplete(session, ids: list[int]) -> list[tuple[Nomination, str]]:
    """These nominations with their nominees' names, read together."""
    query = (
        select(Nomination, func.coalesce(Person.full_name, Unit.name))
        .outerjoin(Person, col(Person.id) == Nomination.person_id)
        .outerjoin(Unit, col(Unit.id) == Nomination.collective_id)
        .order_by(col(Nomination.id))
    )
    return [
        row
        for chunk in chunks(sorted(ids))
        for row in session.exec(query.where(col(Nomination.id).in_(chunk)))
    ]


@task(**RETRY)
def tally_votes(session_id: int) -> list[int]:
    """Quorum, the award's vote rule, the results recorded, the nominations moved on."""
    with unit_of_work() as session:
        return [r.nomination_id for r in voting.tally(session, actor(), session_id) if r.passed]


@task(**RETRY)
def write_minutes(session_id: int) -> str:
    with unit_of_work() as session:
        return publish.publish_minutes(session, actor(), session_id).sha256


@task(**RETRY)
def tell_council(session_id: int) -> int:
    with unit_of_work() as session:
        meeting = session.get(CouncilSession, session_id)
        council = session.get(Council, meeting.council_id)
        results = voting.named_results(session, session_id)
        by_unit: dict[int, list] = {}
        for r in sorted(results, key=lambda r: r.passed):  # those not passed first: the officer acts on them
            by_unit.setdefault(r.unit_id, []).append(r)
        made = []
        for unit_id, mine in by_unit.items():
            lines = [f"{r.nominee}: {'đạt' if r.passed else 'không đạt'} ({r.yes}/{r.base})" for r in mine]
            passed = sum(r.passed for r in mine)
            made += notify(
                session,
                holders(session, Role.UNIT_OFFICER, unit_id),
                "council",
                f"Kết quả họp {council.name}: {passed}/{len(mine)} hồ sơ đạt",
                clip(lines, "… và {} trường hợp khác (xem biên bản họp)"),
                about=("council_session", session_id),
                key=f"council:{session_id}:{unit_id}",
            )
        passed = sum(r.passed for r in results)
        made += notify(
            session,
            holders(session, Role.AUTHORITY, council.unit_id),
            "council",
            f"{council.name} đề nghị {passed} trường hợp",
            f"{passed}/{len(results)} hồ sơ đạt tỷ lệ phiếu.",
            about=("council_session", session_id),
            key=f"council:{session_id}:authority",
        )
        return len(made)


@task(**RETRY)
def issue_decision(decision_id: int) -> str:
    """The register's number, every nomination conferred, each award into the history."""
    with unit_of_work() as session:
        return decide.issue(session, actor(), decision_id).reference


@task(**RETRY)
def write_decision(decision_id: int) -> list[str]:
    """Quyết định + Danh sách, the certificates and their print file (and a PDF when enabled)."""
    with unit_of_work() as session:
        made = publish.publish_decision(session, actor(), decision_id)
        if get_settings().pdf:
            document = made[0]
            pdf = to_pdf(Store().get(document.sha256))
            keep(
                session,
                actor(),
                "quyet_dinh_pdf",
                document.owner,
                document.filename.replace(".docx", ".pdf"),
                pdf,
            )
        return [d.sha256 for d in made]


@task(**RETRY)
def tell_decision(decision_id: int) -> int:
    """Congratulate each person conferred, and tell each nominating unit's officers whom."""
    with unit_of_work() as session:
        decision = session.get(Decision, decision_id)
        issuer = session.get(Unit, decision.issuer_unit_id)
        listed = session.exec(
            select(Nomination.id, Nomination.person_id, Nomination.unit_id, Person.full_name, Unit.name)
            .outerjoin(Person, col(Person.id) == Nomination.person_id)
            .outerjoin(Unit, col(Unit.id) == Nomination.collective_id)
            .where(Nomination.decision_id == decision_id)
            .order_by(col(Nomination.id))
        ).all()
        title = f"Quyết định số {decision.reference} của {issuer.authority}"
        notices = [
            Notice(
                [person_id],
                "decision",
                title,
                CONGRATULATIONS,
                ("nomination", id_),
                f"decision:{decision_id}:{id_}",
            )
            for id_, person_id, *_ in listed
            if person_id
        ]
        names: dict[int, list[str]] = {}
        for _, _, unit_id, person, collective in listed:
            names.setdefault(unit_id, []).append(person or collective)
        officers = holders_at(session, Role.UNIT_OFFICER, names)
        notices += [
            Notice(
                officers[unit_id],
                "decision",
                title,
                f"Được khen thưởng: {', '.join(names[unit_id])}.",
                ("decision", decision_id),
                f"decision:{decision_id}:unit:{unit_id}",
            )
            for unit_id in sorted(names)
        ]
        return len(notify_many(session, notices))


@task(**RETRY)
def carry_up(submission_id: int) -> list[int]:
    """Move the signed Tờ trình's nominations to the next level and give it its number."""
    with unit_of_work() as session:
        moved = workflow.forward(session, actor(), submission_id)
        decide.number_submission(session, actor(), session.get(Submission, submission_id))
        return [n.id for n in moved]


@task(**RETRY)
def write_submission(submission_id: int) -> str:
    with unit_of_work() as session:
        return publish.publish_submission(session, actor(), submission_id).sha256


@task(**RETRY)
def number_appraisal(submission_id: int) -> str:
    """The appraisal Tờ trình's number in the appraising body's register."""
    with unit_of_work() as session:
        return appraisal.number_appraisal(session, actor(), submission_id).reference


@task(**RETRY)
def write_appraisal(submission_id: int) -> str:
    with unit_of_work() as session:
        return publish.publish_appraisal(session, actor(), submission_id).sha256


@task(**RETRY)
def tell_appraisal(submission_id: int) -> int:
    """The deciding level's secretariat drafts the decisions the Tờ trình proposes."""
    with unit_of_work() as session:
        submission = session.get(Submission, submission_id)
        appraiser = session.get(Unit, submission.from_unit_id)
        made = notify(
            session,
            holders(session, Role.SECRETARIAT, submission.to_unit_id),
            "appraisal",
            f"Tờ trình thẩm định số {submission.reference} của {appraiser.name}",
            "Các hồ sơ trong Tờ trình đã đủ điều kiện dự thảo quyết định khen thưởng.",
            about=("submission", submission_id),
            key=f"appraisal:{submission_id}",
        )
        return len(made)


@task(**RETRY)
def sweep_deadlines(now: datetime | None = None) -> dict:
    with unit_of_work() as session:
        return dict(deadlines.sweep(session, actor(), now=now))


@task(**RETRY)
def lost_follow_ups(now: datetime | None = None) -> list[tuple[str, int]]:
    """The work of runs whose process died, then actions whose flow never ran
    (models/followups.py), less those a Prefect server holds a run of that no worker has finished."""
    with unit_of_work() as session:
        dead = followups.abandoned(session, now or utcnow())
        lost = followups.lost(session, now or utcnow())
    held = set()
    for name in {name for name, _ in lost}:
        _, parameter = FLOW_SUBJECT[name]
        held |= {(name, parameters[parameter]) for parameters in queued_runs(name)}
    return dead + [case for case in lost if case not in held and case not in dead]


@task(**RETRY)
def checkpoint_audit() -> int | None:
    """Vouch for the audit log's newest event outside the database (models/audit.py), after
    the sweep's own steps have committed."""
    with unit_of_work() as session:
        return audit.checkpoint(session)


@task(**RETRY)
def import_workbook(job_id: int) -> dict:
    """Read the job's workbook and write its rows, all or none (models/imports.py)."""
    return imports.run(unit_of_work, job_id, run_id())


@task(**RETRY)
def write_conference_report(conference_id: int) -> str:
    with unit_of_work() as session:
        return conference.publish(session, actor(), conference_id).sha256


@task(**RETRY)
def write_plan(campaign_id: int) -> str:
    """The launched campaign's Kế hoạch phát động, numbered in its organiser's KH register."""
    with unit_of_work() as session:
        return campaign_docs.publish_plan(session, actor(), campaign_id).sha256


@task(**RETRY)
def write_review(campaign_id: int, review: str) -> str:
    with unit_of_work() as session:
        return campaign_docs.publish_review(session, actor(), campaign_id, review).sha256


@task(**RETRY)
def send_mail() -> int:
    return send_pending()


# ------------------------------------------------------------------------------------ flows


def _unit_of(entity, key: int, attribute: str) -> int:
    """The unit a case belongs to (whose secretariat hears of a failure)."""
    with unit_of_work() as session:
        row = session.get(entity, key)
        if row is None:
            raise NotFound(f"Không có {entity.__name__} #{key}")
        return getattr(row, attribute)


@flow(name=Flow.INTAKE.value)
def intake_flow(submission_id: int) -> dict:
    """A batch arrived at a level: check every dossier and verdict, tell the secretariat."""
    with tracked(Flow.INTAKE, submission_id, _unit_of(Submission, submission_id, "to_unit_id")):
        summary = step(check_dossiers, submission_id)
        step(tell_intake, submission_id, summary)
        step(send_mail)
        return summary


@flow(name=Flow.COUNCIL_SESSION.value)
def council_session_flow(session_id: int) -> list[int]:
    """Voting ended: tally, write the minutes (Biên bản), tell the units and the authority."""
    council_id = _unit_of(CouncilSession, session_id, "council_id")
    with tracked(Flow.COUNCIL_SESSION, session_id, _unit_of(Council, council_id, "unit_id")):
        passed = step(tally_votes, session_id)
        step(write_minutes, session_id)
        step(tell_council, session_id)
        step(send_mail)
        return passed


@flow(name=Flow.DECISION.value)
def decision_flow(decision_id: int) -> str:
    """Signed: number it, confer, write the documents, tell the nominees and their units."""
    with tracked(Flow.DECISION, decision_id, _unit_of(Decision, decision_id, "issuer_unit_id")):
        reference = step(issue_decision, decision_id)
        step(write_decision, decision_id)
        step(tell_decision, decision_id)
        step(send_mail)
        return reference


@flow(name=Flow.FORWARD.value)
def forward_flow(submission_id: int) -> list[int]:
    """A signed Tờ trình goes up: the nominations move, it is numbered and written with the
    council's minutes into the batch's dossier, and the level above checks it on arrival."""
    with tracked(Flow.FORWARD, submission_id, _unit_of(Submission, submission_id, "from_unit_id")):
        moved = step(carry_up, submission_id)
        step(write_submission, submission_id)
        step(intake_flow, submission_id)  # a subflow run; the plain body when run directly
        return moved


@flow(name=Flow.APPRAISAL.value)
def appraisal_flow(submission_id: int) -> str:
    """The appraising body's head signed its Tờ trình: number it, write it, tell the secretariat
    who drafts the decisions on it."""
    with tracked(Flow.APPRAISAL, submission_id, _unit_of(Submission, submission_id, "to_unit_id")):
        reference = step(number_appraisal, submission_id)
        step(write_appraisal, submission_id)
        step(tell_appraisal, submission_id)
        step(send_mail)
        return reference


@flow(name=Flow.SWEEP.value)
def deadline_sweeper_flow(now: datetime | None = None) -> dict:
    """Every few minutes: reminders, escalations and timeouts due in working days, once each;
    then the flow of any action that never got one (the app stopped before it ran)."""
    with tracked(Flow.SWEEP, 0):
        done = step(sweep_deadlines, now)
        step(send_mail)
        for name, key in step(lost_follow_ups, now):
            try:
                step(FLOWS[name], key)  # a subflow run, recorded against its case
                done[f"restart_{name}"] = done.get(f"restart_{name}", 0) + 1
            except Exception:  # recorded on the case and told to its secretariat; sweep on
                done["restart_failed"] = done.get("restart_failed", 0) + 1
        step(checkpoint_audit)
        return done


@flow(name=Flow.IMPORT.value)
def import_flow(job_id: int) -> dict:
    """An uploaded workbook of people, ratings and awards: checked, then imported or refused
    with its report; its progress on the job, for the page that polls it."""
    with tracked(Flow.IMPORT, job_id):
        return step(import_workbook, job_id)


@flow(name=Flow.CONFERENCE_REPORT.value)
def conference_report_flow(conference_id: int) -> str:
    """A conference's report asked for: the period's statistics and the honoured list, in Word."""
    unit = _unit_of(Conference, conference_id, "organiser_unit_id")
    with tracked(Flow.CONFERENCE_REPORT, conference_id, unit):
        return step(write_conference_report, conference_id)


@task(**RETRY)
def write_cluster_documents(covenant_id: int) -> list[str]:
    with unit_of_work() as session:
        return [d.sha256 for d in publish.publish_cluster_year(session, actor(), covenant_id)]


@flow(name=Flow.CLUSTER.value)
def cluster_year_flow(covenant_id: int) -> list[str]:
    """Every member signed the covenant, or the vote was counted: write the covenant, then the
    review's minutes and the cluster's Tờ trình (each once, the second run finds them)."""
    organiser = _unit_of(Cluster, _unit_of(Covenant, covenant_id, "cluster_id"), "organiser_unit_id")
    with tracked(Flow.CLUSTER, covenant_id, organiser):
        return step(write_cluster_documents, covenant_id)


@flow(name=Flow.CAMPAIGN_PLAN.value)
def campaign_plan_flow(campaign_id: int) -> str:
    """A campaign launched: write its Kế hoạch phát động for the organiser to download."""
    with tracked(Flow.CAMPAIGN_PLAN, campaign_id, _unit_of(Campaign, campaign_id, "organiser_unit_id")):
        return step(write_plan, campaign_id)


@flow(name=Flow.INTERIM_REVIEW.value)
def interim_review_flow(campaign_id: int) -> str:
    """The six-month review (sơ kết): its Báo cáo pre-filled from the registrations and awards."""
    with tracked(Flow.INTERIM_REVIEW, campaign_id, _unit_of(Campaign, campaign_id, "organiser_unit_id")):
        return step(write_review, campaign_id, "so_ket")


@flow(name=Flow.FINAL_REVIEW.value)
def final_review_flow(campaign_id: int) -> str:
    """The year-end or closing review (tổng kết): its Báo cáo, with who reached what they registered for."""
    with tracked(Flow.FINAL_REVIEW, campaign_id, _unit_of(Campaign, campaign_id, "organiser_unit_id")):
        return step(write_review, campaign_id, "tong_ket")


FLOWS = {
    f.name: f
    for f in (
        intake_flow,
        council_session_flow,
        appraisal_flow,
        decision_flow,
        forward_flow,
        deadline_sweeper_flow,
        import_flow,
        conference_report_flow,
        cluster_year_flow,
        campaign_plan_flow,
        interim_review_flow,
        final_review_flow,
    )
}
