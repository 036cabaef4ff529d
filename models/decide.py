"""Deciding: a decision lists the nominations an authority confers; signing numbers it from the
register and writes the award into each nominee's history."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import audit, route
from models.access import Actor
from models.campaigns import Campaign
from models.db import insert_rows, utcnow
from models.decisions import Decision, Register
from models.errors import IllegalTransition, InvalidInput, NotFound, StaleVersion
from models.guards import official_date
from models.history import AwardRecord
from models.nominations import Nomination, Submission, of_decision, write_changes
from models.org import Unit
from models.route import DECISION, SUBMISSION, Step
from models.workflow import admit, apply_many


def next_number(session: Session, issuer_unit_id: int, year: int, doc_type: str, count: int = 1) -> int:
    """The next number of an issuer's yearly series (Decree 30/2020 Art. 15), or the first of
    `count` consecutive ones: one atomic UPDATE … RETURNING, so concurrent signers queue on the
    row and never share or skip a number; a rolled-back signature gives its numbers back."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.exec(
        insert(Register)
        .values(issuer_unit_id=issuer_unit_id, year=year, doc_type=doc_type, last_number=0)
        .on_conflict_do_nothing()
    )
    bump = (
        sa.update(Register)
        .where(
            Register.issuer_unit_id == issuer_unit_id,
            Register.year == year,
            Register.doc_type == doc_type,
        )
        .values(last_number=Register.last_number + count)
        .returning(Register.last_number)
    )
    return session.exec(bump).scalar_one() - count + 1


def _decision(session: Session, step: Step, actor: Actor, decision_id: int) -> tuple[Decision, bool]:
    """The decision for a step, its row locked until the step commits (of two people signing at
    once, the second reads what the first wrote), after checking who may and that its state
    allows; and whether the step is still to take (`route.leave`)."""
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None or route.hidden(actor, decision.issuer_unit_id):
        raise NotFound(f"Không có quyết định #{decision_id}")
    issuer = session.get(Unit, decision.issuer_unit_id)
    route.authorise(step, actor, issuer.id, issuer.name)
    return decision, route.leave(step, decision.state, f"quyết định #{decision.id}", once=step.by_system)


def draft_decision(
    session: Session, actor: Actor, nominations: list[Nomination], *, now: datetime | None = None
) -> Decision:
    """A draft decision for nominations of one award waiting at one deciding level."""
    if not nominations:
        raise InvalidInput("Quyết định cần ít nhất một hồ sơ")
    now, step, first = now or utcnow(), DECISION["draft_decision"], nominations[0]
    if any(
        (n.award_code, n.handling_unit_id, n.campaign_id)
        != (first.award_code, first.handling_unit_id, first.campaign_id)
        for n in nominations
    ):
        raise InvalidInput(
            "Một quyết định gồm hồ sơ của cùng một danh hiệu/hình thức, cùng một cấp, cùng một đợt"
        )
    admit(session, step, actor, nominations, now)
    listed = [n.id for n in nominations if n.decision_id is not None]
    if listed:
        raise IllegalTransition(f"Hồ sơ đã có trong một quyết định khác: {listed}")
    issuer = session.get(Unit, first.handling_unit_id)
    decision = Decision(
        issuer_unit_id=issuer.id,
        campaign_id=first.campaign_id,
        award_code=first.award_code,
        symbol=f"QĐ-{issuer.abbreviation}",
        created_at=now,
    )
    session.add(decision)
    session.flush()
    try:  # of two people drafting from the same nominations at once, the second is refused here
        for n in nominations:
            n.decision_id = decision.id
        write_changes(session, nominations)
    except StaleDataError:
        raise StaleVersion("Hồ sơ vừa được người khác thay đổi; hãy tải lại") from None
    audit.record(
        session,
        actor,
        step.action,
        step.record,
        decision.id,
        data={"nominations": [n.id for n in nominations]},
        at=now,
    )
    return decision


def sign(
    session: Session,
    actor: Actor,
    decision_id: int,
    *,
    signed_on: date,
    now: datetime | None = None,
) -> Decision:
    """The authority signs. Numbering and issuing follow (Decree 30/2020 Art. 15: the clerical
    office numbers a signed document no later than the next working day) — see `issue`."""
    now, step = now or utcnow(), DECISION["sign"]
    decision, _ = _decision(session, step, actor, decision_id)
    campaign = session.get(Campaign, decision.campaign_id)
    official_date(signed_on, now, campaign.launched_on, "Ngày ký quyết định", "signed_on")
    decision.signed_on, decision.signer_id, decision.state = signed_on, actor.person_id, step.target
    session.add(decision)
    audit.record(
        session,
        actor,
        step.action,
        step.record,
        decision.id,
        data={"signed_on": signed_on.isoformat()},
        at=now,
    )
    session.flush()
    return decision


def issue(session: Session, actor: Actor, decision_id: int, *, now: datetime | None = None) -> Decision:
    """Issue a signed decision: the register's next number, every listed nomination conferred,
    each award written into the nominee's history with its golden-book number. Issuing an
    issued decision changes nothing."""
    step = DECISION["issue"]
    decision, to_take = _decision(session, step, actor, decision_id)
    if not to_take:
        return decision
    now, signed_on = now or utcnow(), decision.signed_on
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    nominations = of_decision(session, decision.id)
    if nominations:  # its nominations may all have been declined since it was signed
        apply_many(session, nominations, "confer", actor, decision_id=decision.id, now=now)
    decision.number = next_number(session, issuer.id, signed_on.year, "QĐ")
    decision.year, decision.state, decision.issued_at = signed_on.year, step.target, now
    session.add(decision)
    first_entry = next_number(session, issuer.id, signed_on.year, "SV", len(nominations))
    records = [  # each award enters the history, numbered in the golden book
        {
            "person_id": n.person_id,
            "collective_id": n.collective_id,
            "year": campaign.year,
            "code": n.award_code,
            "decision_number": decision.reference,
            "decision_date": signed_on,
            "issuer": issuer.authority,
            "decision_id": decision.id,
            "golden_book": f"{entry:04d}/{signed_on.year}",
        }
        for entry, n in enumerate(nominations, first_entry)
    ]
    insert_rows(session, AwardRecord, records)
    facts = {"number": decision.reference, "nominations": [n.id for n in nominations]}
    audit.record(session, actor, step.action, step.record, decision.id, data=facts, at=now)
    session.flush()
    return decision


def number_submission(session: Session, actor: Actor, submission: Submission) -> Submission:
    """Give a signed Tờ trình the next TTr number of its sender; a numbered one keeps its own."""
    step = SUBMISSION["number"]
    sender = session.get(Unit, submission.from_unit_id)
    route.authorise(step, actor, sender.id, sender.name)
    if not route.leave(step, submission.state, f"Tờ trình #{submission.id}", once=True):
        return submission
    submission.number = next_number(session, sender.id, submission.signed_on.year, "TTr")
    submission.symbol = f"TTr-{sender.abbreviation}"
    session.add(submission)
    audit.record(
        session,
        actor,
        step.action,
        step.record,
        submission.id,
        data={"number": f"{submission.number:02d}/{submission.symbol}"},
    )
    return submission
