"""Producing a case's documents: render, store by checksum, record once (a second call finds
what the first made), and put the Tờ trình and minutes into the dossier the next level checks."""

from pathlib import Path

from sqlmodel import Session, col, select

from document_templates import merge, on_form, render, render_parts
from document_templates.builders import (
    appraisal_docs,
    carried,
    certificate_docs,
    decision_docs,
    minutes_doc,
    report_doc,
    reviewing_session,
    submission_docs,
)
from document_templates.cluster_docs import covenant_doc
from document_templates.cluster_docs import minutes_doc as cluster_minutes
from document_templates.cluster_docs import submission_doc as cluster_submission
from document_templates.contexts import CertificateDoc
from document_templates.print_forms import certificate_kind, print_forms
from document_templates.registers import reward_doc, reward_xlsx
from models.access import Actor
from models.catalogue import default_catalogue
from models.cluster_vote import standings
from models.cluster_year import covenant_of
from models.clusters import Phase
from models.councils import Council, CouncilSession
from models.decisions import Decision, DecisionState, GeneratedDocument
from models.dossier import Generated, Store, attach, keep, keep_many
from models.errors import IllegalTransition, NotFound
from models.nominations import Nomination, Submission
from models.org import Unit
from models.routing import Org

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _get(session: Session, model, key: int, label: str):
    found = session.get(model, key)
    if found is None:
        raise NotFound(f"Không có {label} #{key}")
    return found


def _safe(reference: str) -> str:
    return reference.replace("/", "-")


def publish_decision(
    session: Session, actor: Actor, decision_id: int, store: Store | None = None
) -> list[GeneratedDocument]:
    """A signed decision: the Quyết định with its Danh sách (one file), for a Bằng khen or Giấy
    khen one certificate per nominee plus a merged print file of them all, and the list of the
    reward money (Word and .xlsx) — kept together, the Quyết định first."""
    decision = _get(session, Decision, decision_id, "quyết định")
    if decision.state is not DecisionState.ISSUED:
        raise IllegalTransition(f"Quyết định #{decision_id} chưa được ban hành, chưa có số")
    tenant = Org.of(session).tenant(decision.issuer_unit_id)
    document, attached = decision_docs(session, decision)
    content = merge(
        [render_parts("quyet_dinh", document, tenant), render_parts("danh_sach", attached, tenant)]
    )
    owner = f"decision:{decision.id}"
    files = [Generated("quyet_dinh", owner, f"QD_{_safe(decision.reference)}.docx", content)]
    rules = default_catalogue().for_date(decision.signed_on, tenant)
    if rules.award(decision.award_code).kind == "form":
        kind = certificate_kind(decision.award_code)
        certificates = certificate_docs(session, decision)
        pages = [render_parts(kind, certificate, tenant) for _, certificate in certificates]
        files += [
            Generated(kind, f"nomination:{n.id}", f"{kind}_{n.id}.docx", page.template.package(page.parts))
            for (n, _), page in zip(certificates, pages, strict=True)
        ]
        print_file = merge(pages, restart_page_numbers=False)
        files.append(
            Generated(f"in_{kind}", owner, f"in_{kind}_{_safe(decision.reference)}.docx", print_file)
        )
        files.append(Generated("in_phoi", owner, *_on_form(decision, tenant, [c for _, c in certificates])))
    return keep_many(session, actor, files + _reward_money(session, decision, tenant), store)


def _on_form(decision: Decision, tenant: str | None, certificates: list[CertificateDoc]) -> tuple[str, bytes]:
    layout = print_forms().layout(decision.award_code, tenant)
    return f"in_phoi_{_safe(decision.reference)}.docx", on_form.print_file(layout, certificates)


def _certified(session: Session, decision_id: int) -> tuple[Decision, str | None]:
    """A signed decision that confers a form printed on a phôi (a Bằng khen, a Giấy khen), and its tenant."""
    decision = _get(session, Decision, decision_id, "quyết định")
    if decision.state is not DecisionState.ISSUED:
        raise IllegalTransition(f"Quyết định #{decision_id} chưa được ban hành: chưa có gì để in trên phôi")
    tenant = Org.of(session).tenant(decision.issuer_unit_id)
    if default_catalogue().for_date(decision.signed_on, tenant).award(decision.award_code).kind != "form":
        raise IllegalTransition(
            f"Quyết định #{decision_id} tặng danh hiệu thi đua: không có Bằng khen, Giấy khen để in trên phôi"
        )
    return decision, tenant


def print_on_form(session: Session, decision_id: int) -> tuple[str, bytes]:
    """The decision's certificates as text for the phôi, placed by the form's layout as it is now
    (after a calibration, without waiting for the file written when the decision was issued)."""
    decision, tenant = _certified(session, decision_id)
    return _on_form(decision, tenant, [c for _, c in certificate_docs(session, decision)])


def calibration(session: Session, decision_id: int) -> tuple[str, bytes]:
    """The calibration page of the phôi the decision's certificates are printed on."""
    decision, tenant = _certified(session, decision_id)
    layout = print_forms().layout(decision.award_code, tenant)
    return f"hieu_chinh_{decision.award_code}.docx", on_form.calibration_page(layout)


def _reward_money(session: Session, decision: Decision, tenant: str | None) -> list[Generated]:
    """Danh sách chi tiền thưởng, Word and .xlsx: the decree in force and the base salary on the
    day the decision was signed."""
    document, money = reward_doc(session, decision)
    owner, name = f"decision:{decision.id}", f"chi_tien_thuong_{_safe(decision.reference)}"
    return [
        Generated("chi_tien_thuong", owner, f"{name}.docx", render("chi_tien_thuong", document, tenant)),
        Generated("chi_tien_thuong_xlsx", owner, f"{name}.xlsx", reward_xlsx(document, money)),
    ]


def publish_minutes(
    session: Session, actor: Actor, session_id: int, store: Store | None = None
) -> GeneratedDocument:
    meeting = _get(session, CouncilSession, session_id, "phiên họp")
    if meeting.number is None:
        raise IllegalTransition(f"Phiên họp #{session_id} chưa kết thúc, chưa có biên bản")
    unit = session.get(Unit, session.get(Council, meeting.council_id).unit_id)
    content = render("bien_ban", minutes_doc(session, meeting), Org.of(session).tenant(unit.id))
    name = f"BB_{meeting.number:02d}-{meeting.symbol}_{unit.abbreviation}_{meeting.held_at:%Y%m%d}.docx"
    return keep(session, actor, "bien_ban", f"council_session:{meeting.id}", name, content, store)


def publish_submission(
    session: Session, actor: Actor, submission_id: int, store: Store | None = None
) -> GeneratedDocument:
    """The signed Tờ trình with its Danh sách, and — into the batch's dossier for the level above —
    the Tờ trình and the minutes of the council that reviewed the batch (Law 06/2022 Art. 84)."""
    submission = _get(session, Submission, submission_id, "tờ trình")
    if submission.number is None:
        raise IllegalTransition(f"Tờ trình #{submission_id} chưa có số")
    tenant = Org.of(session).tenant(submission.from_unit_id)
    document, attached = submission_docs(session, submission)
    content = merge([render_parts("to_trinh", document, tenant), render_parts("danh_sach", attached, tenant)])
    name = f"TTr_{submission.number:02d}-{submission.symbol}.docx"
    made = keep(session, actor, "to_trinh", f"submission:{submission.id}", name, content, store)
    rules = default_catalogue().for_date(submission.signed_on, tenant)
    attach(
        session,
        actor,
        "to_trinh",
        name,
        DOCX,
        content,
        ruleset=rules,
        submission_id=submission.id,
        store=store,
    )
    meeting = reviewing_session(
        session, carried(session, submission), session.get(Unit, submission.from_unit_id)
    )
    if meeting is not None:
        minutes = publish_minutes(session, actor, meeting.id, store)
        content = (store or Store()).get(minutes.sha256)
        attach(
            session,
            actor,
            "bien_ban",
            minutes.filename,
            DOCX,
            content,
            ruleset=rules,
            submission_id=submission.id,
            store=store,
        )
    return made


def publish_appraisal(
    session: Session, actor: Actor, submission_id: int, store: Store | None = None
) -> GeneratedDocument:
    """The numbered Tờ trình thẩm định with its Danh sách, written once."""
    submission = _get(session, Submission, submission_id, "tờ trình thẩm định")
    if not submission.appraisal or submission.number is None:
        raise IllegalTransition(f"Tờ trình thẩm định #{submission_id} chưa có số")
    tenant = Org.of(session).tenant(submission.to_unit_id)
    document, attached = appraisal_docs(session, submission)
    content = merge(
        [render_parts("to_trinh_tham_dinh", document, tenant), render_parts("danh_sach", attached, tenant)]
    )
    name = f"TTr_{_safe(submission.reference)}_tham_dinh.docx"
    return keep(session, actor, "to_trinh_tham_dinh", f"submission:{submission.id}", name, content, store)


def publish_cluster_year(
    session: Session, actor: Actor, covenant_id: int, store: Store | None = None
) -> list[GeneratedDocument]:
    """A cluster's covenant, and once its vote is counted the review's minutes and its Tờ trình to
    the organiser's council: each written once (a second run finds them)."""
    covenant, cluster = covenant_of(session, actor, covenant_id)
    if covenant.signed_on is None:
        raise IllegalTransition(f"Giao ước #{covenant_id} chưa được các đơn vị ký")
    year = standings(session, covenant, cluster)
    tenant, owner = Org.of(session).tenant(cluster.organiser_unit_id), f"covenant:{covenant.id}"
    stem = f"{cluster.kind.value}_{cluster.id}_{covenant.year}"
    made = [
        keep(
            session,
            actor,
            "giao_uoc",
            owner,
            f"giao_uoc_{stem}.docx",
            render("giao_uoc", covenant_doc(session, year), tenant),
            store,
        )
    ]
    if covenant.phase is Phase.CLOSED:
        minutes = render("bien_ban_cum", cluster_minutes(session, year), tenant)
        made.append(keep(session, actor, "bien_ban_cum", owner, f"bien_ban_{stem}.docx", minutes, store))
        proposal = render("to_trinh", cluster_submission(session, year), tenant)
        made.append(keep(session, actor, "to_trinh_cum", owner, f"to_trinh_{stem}.docx", proposal, store))
    return made


def publish_report(
    session: Session, actor: Actor, nomination_id: int, store: Store | None = None
) -> GeneratedDocument:
    """The achievement report form, pre-filled with the nominee's record, for the unit to complete."""
    nomination = _get(session, Nomination, nomination_id, "hồ sơ")
    content = render(
        "bao_cao_thanh_tich", report_doc(session, nomination), Org.of(session).tenant(nomination.unit_id)
    )
    return keep(
        session,
        actor,
        "bao_cao_thanh_tich",
        f"nomination:{nomination.id}",
        f"bao_cao_thanh_tich_{nomination.id}.docx",
        content,
        store,
    )


def export_calibration(session: Session, folder: Path) -> int:
    """Write the calibration page of each phôi the issued decisions print on, as
    folder/hieu_chinh_<form>.docx; how many."""
    printed = select(GeneratedDocument.owner).where(GeneratedDocument.kind == "in_phoi")
    written = set()
    for owner in session.exec(printed.order_by(col(GeneratedDocument.id))):
        name, content = calibration(session, int(owner.partition(":")[2]))
        if name not in written:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
            written.add(name)
    return len(written)


def export(session: Session, store: Store, folder: Path) -> dict[str, int]:
    """Copy every generated document into folder/<kind>/<file name>; how many of each kind."""
    counts: dict[str, int] = {}
    for document in session.exec(select(GeneratedDocument).order_by(col(GeneratedDocument.id))):
        target = folder / document.kind / document.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(store.get(document.sha256))
        counts[document.kind] = counts.get(document.kind, 0) + 1
    return counts
