"""The appraisal Tờ trình (Tờ trình thẩm định): at a level that appraises (the catalogue's
[levels.*] appraisal), the body appraising for the authority — a province's Sở Nội vụ, the Bộ Nội
vụ for the Prime Minister — proposes the nominations waiting for a decision, with the units' Tờ
trình and the council's votes; its head signs, its register numbers it, and the authority decides
on it (the `appraisal` table of models/route.py). It is kept as a Submission of kind appraisal,
from the appraising body to the deciding unit, at the nominations' level."""

from datetime import date, datetime

from sqlmodel import Session, col, select

from models import audit, route
from models.access import Actor
from models.campaigns import Campaign
from models.db import utcnow
from models.decide import next_number
from models.errors import InvalidInput, NotFound
from models.guards import official_date
from models.nominations import Nomination, Submission, SubmissionKind
from models.org import Unit
from models.route import APPRAISAL, Step
from models.workflow import admit, new_submission


def appraise(
    session: Session, actor: Actor, nominations: list[Nomination], *, now: datetime | None = None
) -> Submission:
    """The secretariat drafts the appraising body's Tờ trình for nominations of one campaign
    waiting for a decision at one level."""
    if not nominations:
        raise InvalidInput("Tờ trình thẩm định cần ít nhất một hồ sơ")
    now, step, first = now or utcnow(), APPRAISAL["appraise"], nominations[0]
    key = (first.campaign_id, first.handling_unit_id, first.level)
    if any((n.campaign_id, n.handling_unit_id, n.level) != key for n in nominations):
        raise InvalidInput("Một Tờ trình thẩm định gồm hồ sơ của cùng một đợt, cùng một cấp")
    # of two secretaries appraising the same nominations at once, the second waits here and then
    # finds them in the first one's Tờ trình (409)
    session.exec(
        select(Nomination.id).where(col(Nomination.id).in_([n.id for n in nominations])).with_for_update()
    )
    org = admit(session, step, actor, nominations, now)
    deciding = org.unit(first.handling_unit_id)
    submission = new_submission(
        session,
        actor,
        nominations,
        deciding,
        first.level,
        kind=SubmissionKind.APPRAISAL,
        from_unit_id=deciding.appraiser_id,
        created_at=now,
    )
    audit.record(
        session,
        actor,
        step.action,
        step.record,
        submission.id,
        data={"nominations": [n.id for n in nominations], "appraiser": deciding.appraiser_id},
        at=now,
    )
    session.flush()
    return submission


def _appraisal(session: Session, step: Step, actor: Actor, submission_id: int) -> tuple[Submission, bool]:
    """The appraisal Tờ trình, its row locked until the step commits (of two heads signing at
    once the second reads what the first wrote), once the actor may take the step; and whether
    it is still to take."""
    submission = session.get(Submission, submission_id, with_for_update=True)
    if (
        submission is None
        or not submission.appraisal
        or (route.hidden(actor, submission.from_unit_id) and route.hidden(actor, submission.to_unit_id))
    ):
        raise NotFound(f"Không có Tờ trình thẩm định #{submission_id}")
    appraiser = session.get(Unit, submission.from_unit_id)
    route.authorise(step, actor, appraiser.id, appraiser.name)
    once = step.by_system
    return submission, route.leave(step, submission.state, f"Tờ trình thẩm định #{submission_id}", once=once)


def sign_appraisal(
    session: Session, actor: Actor, submission_id: int, *, signed_on: date, now: datetime | None = None
) -> Submission:
    """The appraising body's head signs; the appraisal flow numbers it and writes it."""
    now, step = now or utcnow(), APPRAISAL["sign_appraisal"]
    submission, _ = _appraisal(session, step, actor, submission_id)
    campaign = session.get(Campaign, submission.campaign_id)
    official_date(signed_on, now, campaign.launched_on, "Ngày ký Tờ trình thẩm định", "signed_on")
    submission.signed_on, submission.signer_id = signed_on, actor.person_id
    session.add(submission)
    audit.record(
        session, actor, step.action, step.record, submission.id, data={"signed_on": f"{signed_on}"}, at=now
    )
    session.flush()
    return submission


def number_appraisal(session: Session, actor: Actor, submission_id: int) -> Submission:
    """The next TTr number of the appraising body's register (Decree 30/2020 Art. 15); a
    numbered Tờ trình keeps its own."""
    step = APPRAISAL["number_appraisal"]
    submission, to_take = _appraisal(session, step, actor, submission_id)
    if not to_take:
        return submission
    appraiser = session.get(Unit, submission.from_unit_id)
    submission.number = next_number(session, appraiser.id, submission.signed_on.year, "TTr")
    submission.symbol = f"TTr-{appraiser.abbreviation}"
    session.add(submission)
    audit.record(
        session, actor, step.action, step.record, submission.id, data={"number": submission.reference}
    )
    session.flush()
    return submission
