"""Deciding: a decision lists the nominations an authority confers; signing numbers it from the
register and writes the award into each nominee's history."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models import audit
from models.access import Actor
from models.campaigns import Campaign
from models.db import utcnow
from models.decisions import Decision, DecisionState, Register
from models.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from models.history import AwardRecord
from models.nominations import Nomination, Submission
from models.org import Role, Unit
from models.workflow import WAITING, Situation, apply, guard_deciding, guard_reviewed


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


def draft_decision(session: Session, actor: Actor, nominations: list[Nomination]) -> Decision:
    """A draft decision for nominations of one award waiting at one deciding level."""
    if not nominations:
        raise InvalidInput("Quyết định cần ít nhất một hồ sơ")
    first = nominations[0]
    issuer = session.get(Unit, first.handling_unit_id)
    if not (actor.can(Role.SECRETARIAT, issuer.id) or actor.can(Role.AUTHORITY, issuer.id)):
        raise Forbidden(f"{actor.name} không soạn quyết định của {issuer.name}")
    if any(
        (n.award_code, n.handling_unit_id, n.campaign_id)
        != (first.award_code, first.handling_unit_id, first.campaign_id)
        for n in nominations
    ):
        raise InvalidInput(
            "Một quyết định gồm hồ sơ của cùng một danh hiệu/hình thức, cùng một cấp, cùng một đợt"
        )
    stray = [n.id for n in nominations if n.state not in WAITING or n.decision_id is not None]
    if stray:
        raise IllegalTransition(f"Hồ sơ chưa sẵn sàng để quyết định hoặc đã có quyết định: {stray}")
    for n in nominations:  # refuse now what signing would refuse
        situation = Situation(session, n, utcnow())
        guard_deciding(situation)
        guard_reviewed(situation)
    decision = Decision(
        issuer_unit_id=issuer.id,
        campaign_id=first.campaign_id,
        award_code=first.award_code,
        symbol=f"QĐ-{issuer.abbreviation}",
    )
    session.add(decision)
    session.flush()
    for n in nominations:
        n.decision_id = decision.id
        session.add(n)
    audit.record(
        session,
        actor,
        "draft_decision",
        "decision",
        decision.id,
        data={"nominations": [n.id for n in nominations]},
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
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Không có quyết định #{decision_id}")
    if decision.state is not DecisionState.DRAFT:
        raise IllegalTransition(f"Quyết định #{decision_id} đã được ký")
    if not actor.can(Role.AUTHORITY, decision.issuer_unit_id):
        raise Forbidden(f"{actor.name} không có thẩm quyền ký quyết định này")
    decision.signed_on, decision.signer_id, decision.state = signed_on, actor.person_id, DecisionState.SIGNED
    session.add(decision)
    audit.record(
        session, actor, "sign", "decision", decision.id, data={"signed_on": signed_on.isoformat()}, at=now
    )
    session.flush()
    return decision


def issue(session: Session, actor: Actor, decision_id: int, *, now: datetime | None = None) -> Decision:
    """Issue a signed decision: the register's next number, every listed nomination conferred,
    each award written into the nominee's history with its golden-book number. Issuing an
    issued decision changes nothing."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Không có quyết định #{decision_id}")
    if decision.state is DecisionState.ISSUED:
        return decision
    if decision.state is not DecisionState.SIGNED:
        raise IllegalTransition(f"Quyết định #{decision_id} chưa được ký")
    now, signed_on = now or utcnow(), decision.signed_on
    issuer = session.get(Unit, decision.issuer_unit_id)
    campaign = session.get(Campaign, decision.campaign_id)
    nominations = session.exec(
        select(Nomination).where(Nomination.decision_id == decision.id).order_by(col(Nomination.id))
    ).all()
    for n in nominations:
        apply(session, n, "confer", actor, decision_id=decision.id, now=now)
    decision.number = next_number(session, issuer.id, signed_on.year, "QĐ")
    decision.year, decision.state, decision.issued_at = signed_on.year, DecisionState.ISSUED, now
    session.add(decision)
    first_entry = next_number(session, issuer.id, signed_on.year, "SV", len(nominations))
    for entry, n in enumerate(nominations, first_entry):  # each award enters the history, numbered
        session.add(
            AwardRecord(
                person_id=n.person_id,
                collective_id=n.collective_id,
                year=campaign.year,
                code=n.award_code,
                decision_number=decision.reference,
                decision_date=signed_on,
                issuer=issuer.authority,
                decision_id=decision.id,
                golden_book=f"{entry:04d}/{signed_on.year}",
            )
        )
    facts = {"number": decision.reference, "nominations": [n.id for n in nominations]}
    audit.record(session, actor, "issue", "decision", decision.id, data=facts, at=now)
    session.flush()
    return decision


def decline(session: Session, actor: Actor, nomination: Nomination, reason: str) -> Nomination:
    """The authority does not confer: the nomination leaves any draft decision it was on."""
    nomination.decision_id = None
    return apply(session, nomination, "decline", actor, reason=reason)


def number_submission(session: Session, actor: Actor, submission: Submission) -> Submission:
    """Give a signed Tờ trình the next TTr number of its sender; a numbered one keeps its own."""
    if submission.number is not None:
        return submission
    sender = session.get(Unit, submission.from_unit_id)
    submission.number = next_number(session, sender.id, submission.signed_on.year, "TTr")
    submission.symbol = f"TTr-{sender.abbreviation}"
    session.add(submission)
    audit.record(
        session,
        actor,
        "number",
        "submission",
        submission.id,
        data={"number": f"{submission.number:02d}/{submission.symbol}"},
    )
    return submission
