"""Everyone's pages: the home page (Việc cần làm), a nomination's page, a person's and a
collective's award and rating history."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.api import cases as api
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, render

router = APIRouter(route_class=PageRoute)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Việc cần làm: the unread notifications, each leading to what it is about."""
    unread = api.inbox(session, actor, unread=True, limit=50)
    return render(request, "cases/home.html", unread=unread)
