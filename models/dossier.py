"""Dossier documents: checked uploads, content-addressed storage, and completeness per award
(Law 06/2022 Art. 84). A new upload adds a version; nothing is ever deleted."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import audit, faults
from models.access import Actor
from models.catalogue import Award, RuleSet
from models.config import get_settings
from models.db import utcnow
from models.decisions import GeneratedDocument
from models.errors import InvalidInput
from models.nominations import DossierDocument, Nomination
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
    if kind not in ruleset.dossier_kinds:
        raise InvalidInput(f"Loại hồ sơ không có trong danh mục: {kind}", field="kind")
    name, found = check_file(filename, content_type, content, get_settings().max_upload_bytes)
    digest = (store or Store()).put(content)
    owner = (
        DossierDocument.nomination_id == nomination_id
        if nomination_id is not None
        else DossierDocument.submission_id == submission_id
    )
    latest = session.exec(
        select(DossierDocument)
        .where(owner, DossierDocument.kind == kind)
        .order_by(DossierDocument.version.desc())
    ).first()
    if latest is not None and latest.sha256 == digest:  # the same file again: nothing new
        return latest
    document = DossierDocument(
        nomination_id=nomination_id,
        submission_id=submission_id,
        kind=kind,
        version=(latest.version if latest else 0) + 1,
        filename=name,
        content_type=found.content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.person_id,
    )
    session.add(document)
    session.flush()
    entity, entity_id = (
        ("nomination", nomination_id) if nomination_id is not None else ("submission", submission_id)
    )
    audit.record(
        session,
        actor,
        "attach",
        entity,
        entity_id,
        data={"kind": kind, "version": document.version, "file": name, "sha256": digest},
    )
    faults.hold("upload")  # stored and written, not yet committed: tests/test_faults.py
    return document


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
    """Dossier kinds the award needs at this level that are not attached (Art. 84). Documents
    of the Tờ trình batch are needed from the second level on: the level below produced them."""
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
    have_nomination = set(
        session.exec(select(DossierDocument.kind).where(DossierDocument.nomination_id == nomination.id))
    )
    have_submission = set()
    if nomination.submission_id is not None:
        have_submission = set(
            session.exec(
                select(DossierDocument.kind).where(DossierDocument.submission_id == nomination.submission_id)
            )
        )
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
