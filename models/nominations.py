"""Nominations, the Tờ trình batches that carry them, and their dossier documents."""

from collections import defaultdict
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Index
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import get_history, set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Field, Session, SQLModel

from models.db import chunks, enum_type, utcnow
from models.history import ONE_SUBJECT
from models.text import nfc


class State(StrEnum):
    DRAFT = "draft"  # dự thảo, at the nominating unit
    SUBMITTED = "submitted"  # chờ tiếp nhận at the current level
    RETURNED = "returned"  # bị trả lại để bổ sung hồ sơ
    ACCEPTED = "accepted"  # đã tiếp nhận, hồ sơ hợp lệ
    ON_AGENDA = "on_agenda"  # đưa ra phiên họp Hội đồng
    RECOMMENDED = "recommended"  # Hội đồng đề nghị, chờ quyết định / trình cấp trên
    CONFERRED = "conferred"  # đã khen thưởng
    NOT_RECOMMENDED = "not_recommended"  # không đạt số phiếu
    REJECTED = "rejected"  # không đủ điều kiện
    DECLINED = "declined"  # người có thẩm quyền không quyết định khen thưởng
    WITHDRAWN = "withdrawn"  # đơn vị rút đề nghị
    DELETED = "deleted"  # a draft its unit deleted: out of every list and page, its audit trail kept

    @property
    def final(self) -> bool:
        return self in FINAL_STATES

    @property
    def label(self) -> str:
        """The stage as people name it: in lists, reminders and the status report."""
        return STATE_LABELS[self]


FINAL_STATES = frozenset(
    {State.CONFERRED, State.NOT_RECOMMENDED, State.REJECTED, State.DECLINED, State.WITHDRAWN, State.DELETED}
)
STATE_LABELS = {
    State.DRAFT: "Dự thảo",
    State.SUBMITTED: "Tiếp nhận, kiểm tra hồ sơ",
    State.RETURNED: "Bổ sung hồ sơ",
    State.ACCEPTED: "Chờ họp Hội đồng",
    State.ON_AGENDA: "Hội đồng xét",
    State.RECOMMENDED: "Chờ quyết định / trình cấp trên",
    State.CONFERRED: "Đã khen thưởng",
    State.NOT_RECOMMENDED: "Không đạt tỷ lệ phiếu",
    State.REJECTED: "Không đủ điều kiện",
    State.DECLINED: "Không khen thưởng",
    State.WITHDRAWN: "Đã rút",
    State.DELETED: "Đã xoá",
}


class SubmissionState(StrEnum):
    SENT = "sent"  # a unit's own nominations, sent to its own level
    DRAFT = "draft"  # an appraisal Tờ trình the secretariat drafted, for the appraising head to sign
    SIGNED = "signed"  # a Tờ trình to the level above, signed, waiting for its number
    FORWARDED = "forwarded"  # numbered, its nominations carried to the level above
    ISSUED = "issued"  # an appraisal Tờ trình, numbered and sent to the deciding authority


class SubmissionKind(StrEnum):
    PROPOSAL = "proposal"  # a unit's batch to its own level, or a level's Tờ trình to the one above
    APPRAISAL = "appraisal"  # Tờ trình thẩm định: the appraising body proposes to the deciding authority


_version = sa.Column("version", sa.Integer, nullable=False, default=1)


class Submission(SQLModel, table=True):
    """A Tờ trình: a batch of nominations sent from one unit to one level. An appraisal Tờ trình
    (Tờ trình thẩm định) is one too: the appraising body (the province's Sở Nội vụ, the Bộ Nội vụ)
    proposes the nominations waiting at a deciding level to its authority, who decides on it."""

    id: int | None = Field(default=None, primary_key=True)
    kind: SubmissionKind = Field(default=SubmissionKind.PROPOSAL, sa_type=enum_type(SubmissionKind))
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    from_unit_id: int = Field(foreign_key="unit.id", index=True)
    to_unit_id: int = Field(foreign_key="unit.id", index=True)
    level: int  # position of to_unit in the nominations' route
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    number: int | None = None  # the Tờ trình's number in the sender's register, once issued
    symbol: str = Field(default="", max_length=40)  # "TTr-STC"
    signed_on: date | None = None
    signer_id: int | None = Field(default=None, foreign_key="person.id")

    @property
    def appraisal(self) -> bool:
        return self.kind is SubmissionKind.APPRAISAL

    @property
    def state(self) -> SubmissionState:
        if self.number is not None:
            return SubmissionState.ISSUED if self.appraisal else SubmissionState.FORWARDED
        if self.signer_id is not None:
            return SubmissionState.SIGNED
        return SubmissionState.DRAFT if self.appraisal else SubmissionState.SENT

    @property
    def reference(self) -> str:
        """'03/TTr-SNV' once numbered (Decree 30/2020 App. I §II.3)."""
        return f"{self.number:02d}/{self.symbol}" if self.number else ""


class SubmissionItem(SQLModel, table=True):
    """What a Tờ trình carried: a nomination passes through one Tờ trình per level."""

    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", primary_key=True, index=True)


class Nomination(SQLModel, table=True):
    """Đề nghị khen thưởng: one nominee × one award, travelling up the award's route."""

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="nomination_one_subject"),
        Index("ix_nomination_stage", "handling_unit_id", "state"),
        Index("ix_nomination_campaign", "campaign_id", "award_code", "state"),
        # the lists and work queues (models/lists.py): a stage's queue in due order, a unit's own
        Index("ix_nomination_queue", "state", "handling_unit_id", "due_on"),
        Index("ix_nomination_unit", "unit_id", "state"),
        # a unit's quota (models/guards.py): what it has taken of an award in a campaign, and its pool
        Index("ix_nomination_quota", "campaign_id", "unit_id", "award_code", "state"),
    )
    __mapper_args__ = {"version_id_col": _version}

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    award_code: str = Field(max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    collective_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")  # the nominating grassroots unit
    basis: str = Field(default="periodic", max_length=40)  # the award route it rests on
    achievement: str = Field(default="", max_length=1000)  # "đã có thành tích xuất sắc …"
    state: State = Field(default=State.DRAFT, sa_type=enum_type(State))
    level: int = 0  # index into the award's route
    handling_unit_id: int = Field(foreign_key="unit.id")
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    due_on: date | None = None
    returns: int = 0
    verdict: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    intake: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))  # the intake check
    decision_id: int | None = Field(default=None, foreign_key="decision.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_version)


class DossierDocument(SQLModel, table=True):
    """A typed attachment; a new upload adds a version and nothing is ever deleted."""

    __table_args__ = (
        CheckConstraint("(nomination_id IS NULL) <> (submission_id IS NULL)", name="document_one_owner"),
    )
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    kind: str = Field(max_length=40)  # a dossier kind of the catalogue
    version: int = 1
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int | None = Field(default=None, foreign_key="person.id")
    uploaded_at: datetime = Field(default_factory=utcnow)


# A nomination read without its eligibility verdict, the engine's reasons and evidence as JSON:
# its largest column, read at intake and on the case's pages, not by the council's tally, a
# decision or a Tờ trình — where decoding it was 8 % of a 10⁵ season.
WITHOUT_VERDICT = defer(Nomination.verdict)


def by_ids(session: Session, ids: list[int], *options) -> list[Nomination]:
    """These nominations in the order given (with these loader options: WITHOUT_VERDICT), read
    with a few IN (...) queries rather than one `session.get` each; an id with no nomination is
    left out."""
    found = {}
    for chunk in chunks(sorted(set(ids))):
        query = sa.select(Nomination).where(Nomination.id.in_(chunk)).options(*options)
        found |= {n.id: n for n in session.execute(query).scalars()}
    return [found[i] for i in ids if i in found]


def of_decision(session: Session, decision_id: int) -> list[Nomination]:
    """The nominations a decision lists, in order, without their verdicts."""
    query = sa.select(Nomination).where(Nomination.decision_id == decision_id).order_by(Nomination.id)
    return list(session.execute(query.options(WITHOUT_VERDICT)).scalars())


def inserted(session: Session, model: type[SQLModel], records: list[SQLModel]) -> list:
    """New records written with one INSERT (insertmanyvalues) and returned as the session's
    objects, ids and all: the ORM's flush would insert them one by one on SQLite, which cannot
    say which returned row was which. So they come back in no particular order, and the caller
    matches them by what it wrote. Their text is cleaned (NFC) as a flush would clean it."""
    if not records:
        return []
    rows = [
        {k: nfc(v) if isinstance(v, str) else v for k, v in r.model_dump(exclude={"id"}).items()}
        for r in records
    ]
    return list(session.scalars(sa.insert(model).returning(model), rows))


def write_changes(session: Session, records: list[SQLModel]) -> None:
    """What changed on these versioned records written with one UPDATE per set of changed columns,
    each row's version checked and moved on, as the ORM's flush would — which for a versioned
    table writes row by row. A row not as it was read (a concurrent writer changed it first)
    raises StaleDataError, as the flush would: the caller's transaction undoes the rest."""
    groups: dict[tuple[str, ...], list[tuple[SQLModel, dict]]] = defaultdict(list)
    for record in records:
        pending = sa.inspect(record).committed_state  # the attributes set since the last write
        changed = {k: getattr(record, k) for k in pending if get_history(record, k).has_changes()}
        if changed:
            groups[tuple(sorted(changed))].append((record, changed))
    connection = session.connection()
    for keys, group in groups.items():
        mapper = sa.inspect(group[0][0]).mapper
        table, version = mapper.local_table, mapper.version_id_col.key
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("_id"), table.c[version] == sa.bindparam("_seen"))
            .values({k: sa.bindparam(f"_new_{k}", type_=table.c[k].type) for k in (*keys, version)})
        )
        params = [
            {
                "_id": r.id,
                "_seen": getattr(r, version),
                f"_new_{version}": getattr(r, version) + 1,
                **{f"_new_{k}": nfc(v) if isinstance(v, str) else v for k, v in changed.items()},
            }
            for r, changed in group
        ]
        written = connection.execute(statement, params).rowcount
        if written != len(params):
            raise StaleDataError(
                f"{table.name}: {len(params) - written} of {len(params)} rows changed meanwhile"
            )
        for record, changed in group:
            for key, value in (*changed.items(), (version, getattr(record, version) + 1)):
                set_committed_value(record, key, value)
