"""The whole route in one place. A nomination travels through five kinds of record — itself, the
Tờ trình batch that carries it up, the council session that votes on it, the appraisal Tờ trình
that proposes it to the deciding authority, the decision that confers it — and every step anyone
takes on any of them is one row below: the states it leaves, the state it enters, who takes it (a
role, held at whose unit), the guards that must hold, the stage flow that follows it, and its
Vietnamese label.

The domain functions take their steps from these tables (`models.workflow`, `models.voting`,
`models.decide`); the API starts the flow a step names; `available` answers "what may this person
do now" for the API, the pages and the tests alike."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from models.access import Actor
from models.councils import SessionState
from models.decisions import DecisionState
from models.errors import Forbidden, IllegalTransition, InvalidInput
from models.nominations import State, SubmissionState
from models.org import Role


class Flow(StrEnum):
    """The stage flows (flows/stages.py), by the name their runs are recorded under."""

    INTAKE = "intake"
    COUNCIL_SESSION = "council_session"
    DECISION = "decision"
    FORWARD = "forward"
    APPRAISAL = "appraisal"
    SWEEP = "deadline_sweeper"
    IMPORT = "excel_import"
    CONFERENCE_REPORT = "conference_report"
    CLUSTER = "cluster_year"  # a cluster's covenant, review minutes and Tờ trình
    CAMPAIGN_PLAN = "campaign_plan"
    INTERIM_REVIEW = "interim_review"
    FINAL_REVIEW = "final_review"


# The record each stage flow acts on, and the parameter that names it.
FLOW_SUBJECT = {
    Flow.INTAKE: ("submission", "submission_id"),
    Flow.COUNCIL_SESSION: ("council_session", "session_id"),
    Flow.DECISION: ("decision", "decision_id"),
    Flow.FORWARD: ("submission", "submission_id"),
    Flow.APPRAISAL: ("submission", "submission_id"),  # an appraisal Tờ trình is a Submission row
    Flow.IMPORT: ("import_job", "job_id"),
    Flow.CONFERENCE_REPORT: ("conference", "conference_id"),
    Flow.CLUSTER: ("covenant", "covenant_id"),
    Flow.CAMPAIGN_PLAN: ("campaign", "campaign_id"),
    Flow.INTERIM_REVIEW: ("campaign", "campaign_id"),
    Flow.FINAL_REVIEW: ("campaign", "campaign_id"),
}

NEW = "new"  # the source of a step that creates its record
SAME = "same"  # the target of a step that changes a record without moving it
UO, SEC, AUTH = Role.UNIT_OFFICER, Role.SECRETARIAT, Role.AUTHORITY
MEMBER = "council_member"  # sits on the council whose session it is
SYSTEM = "system"  # the engine, in a stage flow: after a person's step, or when a stage times out


@dataclass(frozen=True)
class Step:
    record: str  # nomination | submission | council_session | appraisal | decision
    action: str
    source: frozenset[str]  # the states it leaves; for a step making its record from nominations, theirs
    target: str
    who: frozenset[str]
    scope: str  # the role's unit: nominating | handling | sender | council | issuer | appraiser
    guards: tuple[str, ...]
    flow: Flow | None  # the stage flow that follows it
    label: str
    of_nominations: bool = False  # makes its record from nominations in the `source` states

    @property
    def needs_reason(self) -> bool:
        return self.action in NEEDS_REASON

    @property
    def stays(self) -> bool:
        """It changes the record (its text, its files) and leaves it in the state it is in."""
        return self.target == SAME

    @property
    def by_system(self) -> bool:
        """Only the engine takes it (after a person's step, in a stage flow)."""
        return self.who == {SYSTEM}


S, SS, D, B = State, SessionState, DecisionState, SubmissionState
WAITING = frozenset({S.ACCEPTED, S.RECOMMENDED})  # reviewed here, waiting for a decision or to go up
OPEN = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED})  # the unit may still withdraw
EDITABLE = frozenset({S.DRAFT, S.RETURNED})  # with the unit: its text and dossier files may change

# fmt: off
ROWS = {
    "nomination": (
        # action           from           to                 who          whose unit    guards
        ("nominate",       {NEW},         S.DRAFT,           {UO},        "nominating", ""),
        ("edit",           EDITABLE,      SAME,              {UO},        "nominating", ""),  # and upload
        ("delete",         {S.DRAFT},     S.DELETED,         {UO},        "nominating", ""),
        ("submit",         {S.DRAFT},     S.SUBMITTED,       {UO},        "nominating", "eligible dossier quota registered"),
        ("return",         {S.SUBMITTED}, S.RETURNED,        {SEC},       "handling",   ""),
        ("resubmit",       {S.RETURNED},  S.SUBMITTED,       {UO, SEC},   "sender",     "dossier"),
        ("accept",         {S.SUBMITTED}, S.ACCEPTED,        {SEC},       "handling",   "eligible dossier"),
        ("reject",         {S.SUBMITTED}, S.REJECTED,        {SEC},       "handling",   ""),
        ("schedule",       {S.ACCEPTED},  S.ON_AGENDA,       {SEC},       "handling",   "council"),
        ("recommend",      {S.ON_AGENDA}, S.RECOMMENDED,     {SYSTEM},    "handling",   ""),
        ("not_recommend",  {S.ON_AGENDA}, S.NOT_RECOMMENDED, {SYSTEM},    "handling",   ""),
        ("confer",         WAITING,       S.CONFERRED,       {SYSTEM},    "handling",   "deciding reviewed quota"),
        ("decline",        WAITING,       S.DECLINED,        {AUTH},      "handling",   "deciding reviewed"),
        ("forward",        WAITING,       S.SUBMITTED,       {SYSTEM},    "handling",   "forwarding reviewed"),
        ("withdraw",       OPEN,          S.WITHDRAWN,       {UO, SYSTEM}, "nominating", ""),  # or a stage's timeout
    ),
    "submission": (  # the Tờ trình a level's head signs to the level above
        ("propose",        WAITING,       B.SIGNED,          {AUTH},      "handling",   "forwarding reviewed"),
        ("number",         {B.SIGNED},    B.FORWARDED,       {SYSTEM},    "sender",     ""),
    ),
    "council_session": (
        ("open_session",   {NEW},         SS.OPEN,           {SEC},       "council",    ""),
        ("agenda",         {SS.OPEN},     SS.OPEN,           {SEC},       "council",    ""),
        ("attendance",     {SS.OPEN},     SS.OPEN,           {SEC},       "council",    ""),
        ("cast_ballot",    {SS.OPEN},     SS.OPEN,           {MEMBER},    "council",    "attending first_ballot"),
        ("close_session",  {SS.OPEN},     SS.CLOSED,         {SEC},       "council",    ""),
        ("tally",          {SS.CLOSED},   SS.TALLIED,        {SYSTEM},    "council",    ""),
    ),
    "appraisal": (  # Tờ trình thẩm định: the appraising body's head proposes to the deciding authority
        ("appraise",       WAITING,       B.DRAFT,           {SEC},       "handling",   "deciding reviewed appraising"),
        ("sign_appraisal", {B.DRAFT},     B.SIGNED,          {AUTH},      "appraiser",  ""),
        ("number_appraisal", {B.SIGNED},  B.ISSUED,          {SYSTEM},    "appraiser",  ""),
    ),
    "decision": (
        ("draft_decision", WAITING,       D.DRAFT,           {SEC, AUTH}, "handling",   "deciding reviewed appraised"),
        ("sign",           {D.DRAFT},     D.SIGNED,          {AUTH},      "issuer",     ""),
        ("issue",          {D.SIGNED},    D.ISSUED,          {SYSTEM},    "issuer",     ""),
    ),
}
# fmt: on
FLOWS = {  # the stage flow that follows a step, started once the step is committed
    "submit": Flow.INTAKE,
    "resubmit": Flow.INTAKE,
    "propose": Flow.FORWARD,
    "close_session": Flow.COUNCIL_SESSION,
    "sign_appraisal": Flow.APPRAISAL,
    "sign": Flow.DECISION,
}
LABELS = {
    "nominate": "Lập đề nghị",
    "edit": "Sửa đề nghị, bổ sung hồ sơ",
    "delete": "Xoá dự thảo",
    "submit": "Gửi đề nghị",
    "return": "Trả lại để bổ sung hồ sơ",
    "resubmit": "Gửi lại hồ sơ đã bổ sung",
    "accept": "Tiếp nhận hồ sơ",
    "reject": "Không đủ điều kiện",
    "schedule": "Đưa ra họp Hội đồng",
    "recommend": "Hội đồng đề nghị",
    "not_recommend": "Không đạt tỷ lệ phiếu",
    "confer": "Quyết định khen thưởng",
    "decline": "Không khen thưởng",
    "forward": "Chuyển lên cấp trên",
    "withdraw": "Rút đề nghị",
    "propose": "Ký Tờ trình đề nghị cấp trên",
    "number": "Vào sổ, chuyển Tờ trình lên cấp trên",
    "open_session": "Triệu tập phiên họp Hội đồng",
    "agenda": "Đưa hồ sơ vào chương trình họp",
    "attendance": "Ghi nhận dự họp",
    "cast_ballot": "Bỏ phiếu",
    "close_session": "Kết thúc bỏ phiếu",
    "tally": "Kiểm phiếu",
    "appraise": "Dự thảo Tờ trình thẩm định",
    "sign_appraisal": "Ký Tờ trình thẩm định",
    "number_appraisal": "Vào sổ, trình Tờ trình thẩm định",
    "draft_decision": "Dự thảo quyết định khen thưởng",
    "sign": "Ký quyết định",
    "issue": "Vào sổ, ban hành quyết định",
}
NEEDS_REASON = {"return", "reject", "not_recommend", "decline", "withdraw"}

TABLES: dict[str, dict[str, Step]] = {
    record: {
        action: Step(
            record,
            action,
            frozenset(source),
            target,
            frozenset(who),
            scope,
            tuple(guards.split()),
            FLOWS.get(action),
            LABELS[action],
            of_nominations=record != "nomination" and NEW not in source,
        )
        for action, source, target, who, scope, guards in rows
    }
    for record, rows in ROWS.items()
}
NOMINATION, SUBMISSION, COUNCIL_SESSION, APPRAISAL, DECISION = (
    TABLES[r] for r in ("nomination", "submission", "council_session", "appraisal", "decision")
)
OF_NOMINATIONS = [s for table in TABLES.values() for s in table.values() if s.of_nominations]


def step(record: str, action: str) -> Step:
    found = TABLES[record].get(action)
    if found is None:
        raise InvalidInput(f"Không có bước '{action}'; các bước: {', '.join(TABLES[record])}")
    return found


def permits(step: Step, actor: Actor, unit_id: int, council_id: int | None = None) -> bool:
    """Whether the actor may take the step: the engine only the steps it is named for; a person
    by holding one of its roles at the unit (or by sitting on the council)."""
    if actor.system:
        return SYSTEM in step.who
    if MEMBER in step.who and council_id in actor.councils:
        return True
    return any(actor.can(Role(who), unit_id) for who in step.who - {MEMBER, SYSTEM})


def hidden(actor: Actor, unit_id: int, council_id: int | None = None) -> bool:
    """Whether a unit's record (a council's session, a decision) is out of this person's sight:
    they hold no role there and do not sit on the council. They are told it does not exist."""
    if actor.system or actor.is_admin or council_id in actor.councils:
        return False
    return all(unit != unit_id for _, unit in actor.grants)


def authorise(step: Step, actor: Actor, unit_id: int, where: str, council_id: int | None = None) -> None:
    """Refuse an actor the step before anything about the case is told."""
    if permits(step, actor, unit_id, council_id):
        return
    if step.by_system:
        raise Forbidden(f"Bước '{step.label}' do hệ thống thực hiện")
    raise Forbidden(f"{actor.name} không có quyền '{step.label}' tại {where}")


def leave(step: Step, state: str, what: str, *, once: bool = False) -> bool:
    """Whether to take the step: refuse it where the record's state does not allow it (409:
    someone else moved it first). A step taken `once` per record — issuing a decision, tallying a
    session, numbering a Tờ trình — runs twice to the same result (a flow's retry, a second
    worker): finding the record where it leads, there is nothing left to do (False)."""
    if once and state == step.target:
        return False
    if state not in step.source:
        raise IllegalTransition(
            f"Không thể '{step.label}': {what} đang ở trạng thái {state}",
            state=str(state),
            action=step.action,
        )
    return True


def available(
    actor: Actor,
    steps: Iterable[Step],
    state: str,
    unit_of: Callable[[str], int],
    council_id: int | None = None,
) -> list[Step]:
    """The steps a person may take on a record in this state; the engine's own are not theirs."""
    return [
        s
        for s in steps
        if state in s.source and not s.by_system and permits(s, actor, unit_of(s.scope), council_id)
    ]
