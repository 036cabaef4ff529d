"""Nominations handed over when the unit handling them goes: a unit merged into another
(Resolution 202/2025/QH15 made 34 provinces of 63) or abolished (the districts, from 1 July
2025) handles nothing more. Each nomination still in progress there goes to the unit its route
names that day, at the same level or, where the route is shorter now, at its last: a commune's
Chiến sĩ thi đua cơ sở waiting at the district goes back to the commune, whose chairman decides
it since (Decree 129/2025/NĐ-CP; Law 06/2022 Art. 80(2) before)."""

from datetime import datetime

from sqlmodel import Session, col, select

from models import audit
from models.access import Actor
from models.catalogue import default_catalogue
from models.errors import GuardFailed
from models.guards import vietnam_today
from models.nominations import FINAL_STATES, Nomination
from models.org import Unit
from models.routing import Org
from models.sight import in_force


def hand_over(session: Session, actor: Actor, now: datetime) -> list[Nomination]:
    """Move every nomination in progress at a unit no longer in force today to the unit its route
    names today; each move audited. One whose route cannot be followed (its unit dissolved with
    no successor) stays where it is: the guard says why to whoever acts on it."""
    today = vietnam_today(now)
    gone = select(Unit.id).where(~in_force(today))
    waiting = session.exec(
        select(Nomination)
        .where(col(Nomination.state).not_in(FINAL_STATES), col(Nomination.handling_unit_id).in_(gone))
        .order_by(col(Nomination.id))
    ).all()
    org, moved = Org.of(session), []
    for n in waiting:
        ruleset = default_catalogue().for_date(today, org.tenant(n.unit_id, today))
        try:
            route = org.route_units(ruleset, ruleset.award(n.award_code), n.unit_id, today)
        except GuardFailed:
            continue
        before = {"state": n.state.value, "level": n.level, "unit": n.handling_unit_id}
        n.level = min(n.level, len(route) - 1)
        n.handling_unit_id = route[n.level].id
        session.add(n)
        after = before | {"level": n.level, "unit": n.handling_unit_id}
        audit.record(
            session, actor, "hand_over", "nomination", n.id, data={"from": before, "to": after}, at=now
        )
        moved.append(n)
    return moved
