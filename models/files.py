"""Who may read a record's files: a nomination's dossier, a Tờ trình batch's documents, a council
session's minutes, a decision's Quyết định and certificates, a cluster's covenant and review papers.
A record's files are seen by those who see a nomination it carries (models.workflow.visible: its
unit, the levels it passed, the council that reviewed it, the nominee) and by those holding a role
at the record's own unit or sitting on its council; to anybody else the record does not exist (404)."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import route, workflow
from models.access import Actor
from models.campaigns import Campaign
from models.clusters import Cluster, ClusterMember, Covenant
from models.councils import Council, CouncilSession, SessionItem
from models.decisions import Decision, GeneratedDocument
from models.errors import NotFound
from models.nominations import DossierDocument, Nomination, Submission, SubmissionItem
from models.routing import Org

LABELS = {
    "nomination": "hồ sơ",
    "submission": "Tờ trình",
    "council_session": "phiên họp",
    "decision": "quyết định",
    "covenant": "giao ước thi đua",
    "campaign": "phong trào thi đua",
}
CERTIFICATES = ("bang_khen", "giay_khen")  # one per nominee, under the nomination it honours


@dataclass(frozen=True)
class Record:
    entity: str
    id: int
    units: tuple[int, ...]  # where a role lets one see it
    council_id: int | None
    nominations: list[Nomination]

    @property
    def owner(self) -> str:
        return f"{self.entity}:{self.id}"


def _carried(session: Session, query) -> list[Nomination]:
    return list(session.exec(select(Nomination).where(col(Nomination.id).in_(query))))


def _load(session: Session, entity: str, key: int) -> Record | None:
    if entity == "nomination":
        n = session.get(Nomination, key)
        return n and Record(entity, key, (), None, [n])
    if entity == "submission":
        s = session.get(Submission, key)
        items = select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == key)
        return s and Record(entity, key, (s.from_unit_id, s.to_unit_id), None, _carried(session, items))
    if entity == "council_session":
        meeting = session.get(CouncilSession, key)
        if meeting is None:
            return None
        council = session.get(Council, meeting.council_id)
        items = select(SessionItem.nomination_id).where(SessionItem.session_id == key)
        return Record(entity, key, (council.unit_id,), council.id, _carried(session, items))
    if entity == "decision":
        d = session.get(Decision, key)
        items = select(Nomination.id).where(Nomination.decision_id == key)
        return d and Record(entity, key, (d.issuer_unit_id,), None, _carried(session, items))
    if entity == "covenant":  # a cluster's papers: its organiser's and its members' to read
        covenant = session.get(Covenant, key)
        if covenant is None:
            return None
        cluster = session.get(Cluster, covenant.cluster_id)
        members = session.exec(select(ClusterMember.unit_id).where(ClusterMember.cluster_id == cluster.id))
        return Record(entity, key, (cluster.organiser_unit_id, *members), None, [])
    if entity == "campaign":  # its plan and reviews: the organiser's, and the units it called on
        c = session.get(Campaign, key)
        return c and Record(entity, key, tuple(Org.of(session).below({c.organiser_unit_id})), None, [])
    return None


def record(session: Session, actor: Actor, entity: str, key: int) -> Record:
    """The record, if this person may read its files; else, as for one that does not exist, 404."""
    found = _load(session, entity, key)
    if found is None or not (
        any(not route.hidden(actor, unit, found.council_id) for unit in found.units)
        or workflow.visible(session, actor, found.nominations)
    ):
        raise NotFound(f"Không có {LABELS.get(entity, 'bản ghi')} #{key}")
    return found


def dossier(session: Session, owner: Record) -> list[DossierDocument]:
    """Every version of every kind of the record's uploaded documents, oldest first."""
    where = (
        DossierDocument.nomination_id == owner.id
        if owner.entity == "nomination"
        else DossierDocument.submission_id == owner.id
    )
    return list(
        session.exec(
            select(DossierDocument).where(where).order_by(DossierDocument.kind, DossierDocument.version)
        )
    )


def dossier_document(session: Session, actor: Actor, document_id: int) -> DossierDocument:
    document = session.get(DossierDocument, document_id)
    if document is not None:
        entity = "nomination" if document.nomination_id is not None else "submission"
        try:
            record(session, actor, entity, document.nomination_id or document.submission_id)
            return document
        except NotFound:
            pass
    raise NotFound(f"Không có tài liệu #{document_id}")


def generated(session: Session, owner: Record) -> list[GeneratedDocument]:
    """The documents the engine produced for the record; for a decision, also each nominee's
    certificate (kept under the nomination it honours)."""
    owners = [owner.owner]
    if owner.entity == "decision":
        owners += [f"nomination:{n.id}" for n in owner.nominations]
    query = select(GeneratedDocument).where(col(GeneratedDocument.owner).in_(owners))
    if owner.entity == "decision":  # a nomination's own report form is not the decision's
        query = query.where(
            (GeneratedDocument.owner == owner.owner) | col(GeneratedDocument.kind).in_(CERTIFICATES)
        )
    return list(session.exec(query.order_by(col(GeneratedDocument.id))))


def generated_document(session: Session, actor: Actor, document_id: int) -> GeneratedDocument:
    document = session.get(GeneratedDocument, document_id)
    if document is not None:
        entity, _, key = document.owner.partition(":")
        try:
            record(session, actor, entity, int(key))
            return document
        except (NotFound, ValueError):
            pass
    raise NotFound(f"Không có tệp #{document_id}")
