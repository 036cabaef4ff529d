"""The season's dashboard for the secretariat (Tổng quan): what waits where and what is overdue
(GET /api/v1/status's report), the flow runs that failed with a button to start them again where
the API lets the caller, and the season's nominations counted per level, state and award, with a
chart of them per stage drawn here as inline SVG (no script, no library) beside its table."""

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, func, select

from models import lists, sight
from models.access import Actor, today
from models.campaigns import Campaign
from models.catalogue import default_catalogue
from models.nominations import Nomination, State
from models.notify import Notification
from models.routing import LEVEL_LABELS, Org
from service.api import PRINTABLE
from service.api import cases as cases_api
from service.api import directory as directory_api
from service.deps import SessionDep
from service.web.pages import PageRoute, go, render
from service.web.secretariat import HOME, Secretariat

router = APIRouter(route_class=PageRoute)
DASHBOARD = f"{HOME}/tong-quan"
# A season's stages in the order a nomination meets them, then the ways it ends.
STAGES = (
    State.DRAFT,
    State.SUBMITTED,
    State.RETURNED,
    State.ACCEPTED,
    State.ON_AGENDA,
    State.RECOMMENDED,
    State.CONFERRED,
    State.NOT_RECOMMENDED,
    State.REJECTED,
    State.DECLINED,
    State.WITHDRAWN,
)
BAR, GAP, LABELS_WIDTH, BARS_WIDTH = 22, 8, 230, 330  # the chart's geometry, in SVG units


def season_years(session: Session, actor: Actor) -> list[int]:
    """The years of the campaigns in the caller's sight, the latest first."""
    found = directory_api.campaigns(session, actor, lists.Paging(per_page=200))["items"]
    return sorted({c["year"] for c in found}, reverse=True)


def counts(session: Session, actor: Actor, year: int) -> Counter:
    """The season's nominations the caller may see (the lists' sight), per level, state and
    award, in one grouped query."""
    season = col(Nomination.campaign_id).in_(select(Campaign.id).where(Campaign.year == year))
    where = [w for w in (sight.nominations(actor), season) if w is not None]
    keys = (Nomination.handling_unit_id, Nomination.state, Nomination.award_code)
    rows = session.exec(select(*keys, func.count()).where(*where).group_by(*keys))
    units = Org.of(session).units
    found = Counter()
    for unit_id, state, award, count in rows:
        found[LEVEL_LABELS.get(units[unit_id].kind, units[unit_id].name), State(state), award] += count
    return found


def chart(by_state: dict[State, int]) -> dict:
    """Horizontal bars, one per stage, scaled to the largest."""
    top = max(by_state.values(), default=0) or 1
    bars = [
        {
            "label": state.label,
            "count": by_state.get(state, 0),
            "y": i * (BAR + GAP),
            "width": round(BARS_WIDTH * by_state.get(state, 0) / top, 1),
        }
        for i, state in enumerate(STAGES)
    ]
    return {
        "bars": bars,
        "height": len(bars) * (BAR + GAP),
        "width": LABELS_WIDTH + BARS_WIDTH + 60,
        "x": LABELS_WIDTH,
        "bar": BAR,
    }


def told_of(session: Session, actor: Actor, runs: list[dict]) -> set[str]:
    """The failed runs the caller may start again: those they were told of (or every one, for an
    administrator), as POST /api/v1/flow-runs/{id}/retry decides."""
    if actor.is_admin:
        return {r["id"] for r in runs}
    keys = {f"failure:{r['id']}:{actor.person_id}": r["id"] for r in runs}
    found = session.exec(
        select(Notification.key).where(
            Notification.person_id == actor.person_id, col(Notification.key).in_(list(keys))
        )
    )
    return {keys[k] for k in found}


@router.get(DASHBOARD, response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    nam: Annotated[int | None, Query(ge=1945, le=2100)] = None,
) -> Response:
    years = season_years(session, actor)
    year = nam or (years[0] if years else today().year)
    found = counts(session, actor, year)
    by_level, by_state, by_award = Counter(), Counter(), Counter()
    for (level, state, award), count in found.items():
        by_level[level] += count
        by_state[state] += count
        by_award[award] += count
    awards = default_catalogue().for_date(today()).awards
    report = cases_api.status_report(session, actor)
    return render(
        request,
        "secretariat/dashboard.html",
        year=year,
        years=years,
        total=found.total(),
        by_level=sorted(by_level.items()),
        by_state=[(s, by_state[s]) for s in STAGES if by_state[s]],
        by_award=[
            (code, awards[code].name if code in awards else code, n) for code, n in sorted(by_award.items())
        ],
        chart=chart(by_state),
        report=report,
        retry=told_of(session, actor, report["failed_runs"]),
    )


@router.post(f"{DASHBOARD}/chay-lai/{{run_id}}")
def retry(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    run_id: Annotated[str, Path(max_length=64, pattern=PRINTABLE)],
) -> Response:
    """As POST /api/v1/flow-runs/{id}/retry: the failed flow started again for the same case."""
    started = cases_api.retry(run_id, session, actor)
    if started.started:
        return go(request, DASHBOARD, f"Đã chạy lại luồng {started.flow}.")
    return go(request, DASHBOARD, f"Chưa chạy lại được luồng {started.flow}: {started.error}")
