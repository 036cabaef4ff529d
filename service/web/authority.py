"""The authority's pages (/ky-duyet): the decisions waiting for my signature, each previewed as the
Quyết định and its Danh sách will read — rendered from the very context the Word document is built
from (document_templates.builders.decision_docs), never a second copy of its wording — and signed
as POST /api/v1/decisions/{id}/sign does; what waits for a Tờ trình I sign upward; and the Tờ
trình thẩm định drafted for the appraising body I head."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from document_templates.authoring import MOTTO
from document_templates.builders import decision_docs
from models import lists, route
from models.access import Actor, today
from models.decisions import Decision
from models.errors import DomainError
from service.api import PathId
from service.api import lists as lists_api
from service.api import workflow as workflow_api
from service.api.lists import PagingDep
from service.deps import SessionDep
from service.web.decisions import FIELDS, decision_progress, groups, standing
from service.web.pages import PageActor, PageRoute, done_message, go, invalid, render

router = APIRouter(prefix="/ky-duyet", route_class=PageRoute)
SIGN = route.DECISION["sign"]


@router.get("", response_class=HTMLResponse)
def index(request: Request, session: SessionDep, actor: PageActor, paging: PagingDep) -> Response:
    """Decisions waiting for my signature (the overdue first), the nominations waiting at my
    units for a Tờ trình to the level above, and the Tờ trình thẩm định for me to sign."""
    queue = lists_api.signature_queue(session, actor, paging)
    upward = [g for g in groups(session, actor) if "propose" in g["steps"]]
    appraisals = lists_api.appraisal_signature_queue(session, actor, lists.Paging(per_page=50))
    return render(request, "authority/index.html", page=queue, upward=upward, appraisals=appraisals)


def preview(
    request: Request, session: Session, actor: Actor, decision_id: int, status: int = 200, error: str = ""
) -> Response:
    """The decision as it will be issued (number and date left blank until signed), its state and,
    once signed, the progress of the flow numbering it and writing its documents."""
    found, progress = standing(session, actor, "decision", decision_id)
    document, attached = decision_docs(session, session.get(Decision, decision_id))
    may_sign = found["state"] in SIGN.source and route.permits(SIGN, actor, found["issuer"].id)
    return render(
        request,
        "authority/preview.html",
        status,
        decision=found,
        document=document,
        attached=attached,
        motto=MOTTO,
        may_sign=may_sign,
        progress=progress,
        poll=f"/ky-duyet/{decision_id}/tien-do",
        today=today(),
        error=error,
    )


@router.get("/{decision_id}", response_class=HTMLResponse)
def decision(request: Request, session: SessionDep, actor: PageActor, decision_id: PathId) -> Response:
    return preview(request, session, actor, decision_id)


# the progress block a preview polls, at its own address (its "Tải lại" link leads back here)
router.get("/{decision_id}/tien-do", response_class=HTMLResponse)(decision_progress)


@router.post("/{decision_id}/ky", response_class=HTMLResponse)
def sign(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    decision_id: PathId,
    signed_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Sign, as POST /api/v1/decisions/{id}/sign: the decision flow then numbers it, confers
    the awards and writes the documents; this page shows its progress."""
    try:
        body = workflow_api.Signature(signed_on=signed_on or None)
        done = workflow_api.sign(decision_id, body, session, actor)
    except ValidationError as error:
        return preview(request, session, actor, decision_id, 422, invalid(error, FIELDS))
    except DomainError as error:
        session.rollback()
        return preview(request, session, actor, decision_id, error.status, error.message)
    not_started = " Chưa bắt đầu được việc vào sổ, tạo văn bản; Thường trực Hội đồng sẽ chạy lại."
    message = done_message(done, f"Đã ký quyết định #{decision_id}.", not_started)
    return go(request, f"/ky-duyet/{decision_id}", message)
