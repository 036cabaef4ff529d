"""Dossier documents: checked uploads, content-addressed storage, and completeness per award
(Law 06/2022 Art. 84). A new upload adds a version; nothing is ever deleted."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import audit, faults
from models.access import Actor
from models.catalogue import Award, RuleSet
from models.config import get_settings
from models.db import chunks, utcnow
from models.decisions import GeneratedDocument
from models.errors import InvalidInput
from models.nominations import DossierDocument, Nomination, inserted
from models.uploads import check_file, clean_filename


class Store:
    """Files by their SHA-256 under the data folder: a checksum that is also the address."""

    def __init__(self, root: Path | None = None):
        self.root = root or get_settings().data_dir / "documents"

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        path = self.path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(content)
            tmp.replace(path)
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()


def check_upload(filename: str, content_type: str, content: bytes) -> str:
    """The cleaned file name, or a refusal saying what is wrong with the upload (models/uploads.py)."""
    return check_file(filename, content_type, content, get_settings().max_upload_bytes)[0]


@dataclass(frozen=True)
class Paper:
    """One file for `attach_many`: its dossier kind, the file, and whose it is (a nomination's
    or a Tờ trình's)."""

    kind: str
    filename: str
    content_type: str
    content: bytes
    nomination_id: int | None = None
    submission_id: int | None = None

    @property
    def owner(self) -> tuple[str, int]:
        if self.nomination_id is not None:
            return "nomination", self.nomination_id
        return "submission", self.submission_id


def attach(
    session: Session,
    actor: Actor,
    kind: str,
    filename: str,
    content_type: str,
    content: bytes,
    *,
    ruleset: RuleSet,
    nomination_id: int | None = None,
    submission_id: int | None = None,
    store: Store | None = None,
) -> DossierDocument:
    paper = Paper(kind, filename, content_type, content, nomination_id, submission_id)
    return attach_many(session, actor, [paper], ruleset=ruleset, store=store)[0]


def attach_many(
    session: Session, actor: Actor, papers: list[Paper], *, ruleset: RuleSet, store: Store | None = None
) -> list[DossierDocument]:
    """Files for many dossiers at once (a unit uploading its nominations' papers), all or none:
    each checked (models/uploads.py) and stored once per content; the owners' latest versions
    read together, the new versions inserted together and audited with one write of the chain's
    head. A file that is already the latest of its kind adds nothing and is returned as it is."""
    store = store or Store()
    checked = []
    for paper in papers:
        if paper.kind not in ruleset.dossier_kinds:
            raise InvalidInput(f"Loại hồ sơ không có trong danh mục: {paper.kind}", field="kind")
        name, found = check_file(
            paper.filename, paper.content_type, paper.content, get_settings().max_upload_bytes
        )
        checked.append((paper, name, found.content_type, store.put(paper.content)))
    latest = _latest(session, papers)
    documents, new = [], []
    for paper, name, content_type, digest in checked:
        last = latest.get((*paper.owner, paper.kind))
        if last is None or last.sha256 != digest:
            last = latest[*paper.owner, paper.kind] = DossierDocument(
                nomination_id=paper.nomination_id,
                submission_id=paper.submission_id,
                kind=paper.kind,
                version=(last.version if last else 0) + 1,
                filename=name,
                content_type=content_type,
                size=len(paper.content),
                sha256=digest,
                uploaded_by=actor.person_id,
            )
            new.append((paper, last))
        documents.append(last)
    if new:
        made = {_version_of(d): d for d in inserted(session, DossierDocument, [d for _, d in new])}
        new = [(paper, made[_version_of(d)]) for paper, d in new]
        documents = [made.get(_version_of(d), d) for d in documents]
        changes = [
            audit.Change(
                "attach",
                *paper.owner,
                data={"kind": d.kind, "version": d.version, "file": d.filename, "sha256": d.sha256},
            )
            for paper, d in new
        ]
        audit.record_many(session, actor, changes)
        faults.hold("upload")  # stored and written, not yet committed: tests/test_faults.py
    return documents


def _version_of(document: DossierDocument) -> tuple:
    return document.nomination_id, document.submission_id, document.kind, document.version


def _latest(session: Session, papers: list[Paper]) -> dict[tuple[str, int, str], DossierDocument]:
    """The newest version of each kind the owners of these papers hold."""
    found = {}
    for entity, column in (
        ("nomination", DossierDocument.nomination_id),
        ("submission", DossierDocument.submission_id),
    ):
        owners = sorted({p.owner[1] for p in papers if p.owner[0] == entity})
        for chunk in chunks(owners):
            query = (
                select(DossierDocument).where(col(column).in_(chunk)).order_by(col(DossierDocument.version))
            )
            for document in session.exec(query):
                found[entity, getattr(document, column.key), document.kind] = document
    return found


OWNERS_PER_QUERY = 5000  # within SQLite's limit of bound values


@dataclass(frozen=True)
class Generated:
    """A document the engine has just rendered, to keep under its kind and owner."""

    kind: str
    owner: str  # "decision:12"
    filename: str
    content: bytes


def keep(
    session: Session,
    actor: Actor,
    kind: str,
    owner: str,
    filename: str,
    content: bytes,
    store: Store | None = None,
) -> GeneratedDocument:
    """Store a generated document once per kind and owner; a second call returns the first."""
    return keep_many(session, actor, [Generated(kind, owner, filename, content)], store)[0]


def keep_many(
    session: Session, actor: Actor, files: list[Generated], store: Store | None = None
) -> list[GeneratedDocument]:
    """Store generated documents once per kind and owner (a second call returns the first), a
    flow's files together: one query finds those kept already, the new rows go in with one
    INSERT (returning them: in no set order, found by kind and owner), audited with one write of
    the chain's head. In the order of `files`."""
    kept = _kept(session, files)
    store, new = store or Store(), {}
    for file in files:
        if (file.kind, file.owner) not in kept:
            new[file.kind, file.owner] = {
                "kind": file.kind,
                "owner": file.owner,
                "filename": clean_filename(file.filename),
                "sha256": store.put(file.content),
                "size": len(file.content),
                "generated_at": utcnow(),
                "generated_by": actor.flow_run_id or actor.name,
            }
    if new:  # all found: nothing to write, nor to lock the audit chain for
        inserted = session.scalars(
            sa.insert(GeneratedDocument).returning(GeneratedDocument), list(new.values())
        )
        kept |= {(d.kind, d.owner): d for d in inserted}
        changes = [
            audit.Change(
                "generate",
                row["owner"].partition(":")[0],
                int(row["owner"].partition(":")[2]),
                data={"kind": row["kind"], "file": row["filename"], "sha256": row["sha256"]},
            )
            for row in new.values()
        ]
        audit.record_many(session, actor, changes)
    return [kept[f.kind, f.owner] for f in files]


# Built once, its lists bound at each call: building an IN (…) anew cost more than running it.
KEPT = select(GeneratedDocument).where(
    col(GeneratedDocument.kind).in_(sa.bindparam("kinds", expanding=True)),
    col(GeneratedDocument.owner).in_(sa.bindparam("owners", expanding=True)),
)


def _kept(session: Session, files: list[Generated]) -> dict[tuple[str, str], GeneratedDocument]:
    kept: dict[tuple[str, str], GeneratedDocument] = {}
    kinds, owners = sorted({f.kind for f in files}), sorted({f.owner for f in files})
    for start in range(0, len(owners), OWNERS_PER_QUERY):
        found = session.exec(
            KEPT, params={"kinds": kinds, "owners": owners[start : start + OWNERS_PER_QUERY]}
        )
        kept |= {(d.kind, d.owner): d for d in found}
    return kept


def missing_documents(
    session: Session, award: Award, nomination: Nomination, level_name: str, ruleset: RuleSet
) -> list[str]:
    """Dossier kinds the award needs at this level that are not attached (Art. 84)."""
    return missing_many(session, [(nomination, award, level_name, ruleset)])[nomination.id]


def missing_many(
    session: Session, cases: list[tuple[Nomination, Award, str, RuleSet]]
) -> dict[int, list[str]]:
    """For each (nomination, its award, the level it stands at, its rule set), the dossier kinds
    the award needs there that are not attached (Art. 84): the batch's files read at once.
    Documents of the Tờ trình batch are needed from the second level on: the level below
    produced them."""
    nominations = [n for n, *_ in cases]
    have = _kinds(session, DossierDocument.nomination_id, {n.id for n in nominations})
    batches = {n.submission_id for n in nominations if n.level > 0 and n.submission_id is not None}
    have_batch = _kinds(session, DossierDocument.submission_id, batches)
    return {
        n.id: _missing(n, award, level_name, ruleset, have[n.id], have_batch[n.submission_id])
        for n, award, level_name, ruleset in cases
    }


def _kinds(session: Session, owner, ids: set[int]) -> defaultdict[int, set[str]]:
    found = defaultdict(set)
    for chunk in chunks(sorted(ids)):
        query = select(owner, DossierDocument.kind).where(col(owner).in_(chunk)).distinct()
        for owner_id, kind in session.exec(query):
            found[owner_id].add(kind)
    return found


def _missing(
    nomination: Nomination,
    award: Award,
    level_name: str,
    ruleset: RuleSet,
    have_nomination: set[str],
    have_submission: set[str],
) -> list[str]:
    verdict = nomination.verdict or {}
    conditions = {
        "initiative": any(
            fact.get("type") == "initiative"
            for reason in verdict.get("reasons", [])
            if reason.get("route") == verdict.get("route")
            for fact in reason.get("evidence", [])
        ),
        "judgement": nomination.basis != "periodic",
    }
    missing = []
    for item in award.dossier:
        if item.when and not conditions.get(item.when, item.when == level_name):
            continue
        scope = ruleset.dossier_kinds[item.kind]["scope"]
        if scope == "nomination" and item.kind not in have_nomination:
            missing.append(item.kind)
        if scope == "submission" and nomination.level > 0 and item.kind not in have_submission:
            missing.append(item.kind)
    return missing
