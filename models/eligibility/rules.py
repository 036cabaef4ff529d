"""One function per check kind of the catalogue. Each judges the review year `ctx.year` and
returns (passed, evidence); evidence is built only when `ctx.explain` is set."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.catalogue import Award, Check, Period, Route, RuleSet
from models.eligibility.history import BASE_YEAR, History, bit, span, years_of
from models.history import DisciplineLevel, RatingLevel, Scope

Evidence = list[dict[str, Any]]
Outcome = tuple[bool, Evidence]


@dataclass(slots=True)
class PeriodView:
    """The years a chain route counts in: an unbroken streak ending in the review year."""

    years: int  # mask
    start: int | None  # first year that may count
    breaker: int | None  # the year that broke the streak, if inside the window


@dataclass(slots=True)
class Ctx:
    history: History
    year: int
    award: Award
    ruleset: RuleSet
    explain: bool = True
    period: PeriodView | None = None
    restart: int | None = field(default=None)

    def award_facts(self, codes, mask: int, note: str = "") -> Evidence:
        if not self.explain:
            return []
        facts = []
        for code in sorted(codes):
            for year in years_of(self.history.awards.get(code, 0) & mask):
                fact = {"type": "award", "code": code, "year": year}
                records = self.history.records.get((code, year))
                if records:
                    fact.update(records[0])
                if note:
                    fact["note"] = note
                facts.append(fact)
        return facts

    def rating_facts(self, mask: int) -> Evidence:
        if not self.explain:
            return []
        return [{"type": "rating", "year": y, "level": self.history.rating_in(y)} for y in years_of(mask)]


def compute_period(history: History, period: Period, year: int, restart: int | None) -> PeriodView:
    """Start after the prerequisite award and after the last award of the same family, then
    walk back from the review year while each year qualifies (rating or title)."""
    anchor = history.first_before(period.after, year) if period.after else None
    if period.after and anchor is None:
        return PeriodView(0, None, None)
    floors = [y for y in (anchor, restart) if y is not None]
    start = max(floors) + 1 if floors else BASE_YEAR
    qualifying = history.rated(period.streak_rating) | history.held(period.streak_holds)
    y = year
    while y >= start and qualifying & bit(y):
        y -= 1
    breaker = y if y >= start else None
    return PeriodView(span(y + 1, year), start, breaker)


# ------------------------------------------------------------------------- the check kinds


def rating(check: Check, ctx: Ctx) -> Outcome:
    at_least: RatingLevel = check.params["at_least"]
    passed = bool(ctx.history.rated(at_least) & bit(ctx.year))
    evidence = []
    if ctx.explain:
        evidence = [{"type": "rating", "year": ctx.year, "level": ctx.history.rating_in(ctx.year)}]
    return passed, evidence


def meets(check: Check, ctx: Ctx) -> Outcome:
    """Holds the award in the review year, or meets its data-decided route (Art. 23(1))."""
    codes = check.params["award"]
    held = ctx.history.held(codes) & bit(ctx.year)
    if held:
        return True, ctx.award_facts(codes, held)
    evidence: Evidence = []
    for code in sorted(codes):
        other = ctx.ruleset.award(code)
        for route in evaluate_routes(other, ctx.history, ctx.year, ctx.ruleset, ctx.explain):
            if route.passed:
                return True, [fact for rule in route.rules for fact in rule.evidence]
            evidence += [fact for rule in route.rules for fact in rule.evidence]
    return False, evidence


def _combine(check: Check, ctx: Ctx, need_all: bool) -> Outcome:
    results = [evaluate_check(child, ctx) for child in check.children]
    passed = all(r[0] for r in results) if need_all else any(r[0] for r in results)
    if not ctx.explain:
        return passed, []
    chosen = results if (need_all or not passed) else [r for r in results if r[0]][:1]
    return passed, [fact for _, evidence in chosen for fact in evidence]


def any_of(check: Check, ctx: Ctx) -> Outcome:
    return _combine(check, ctx, need_all=False)


def all_of(check: Check, ctx: Ctx) -> Outcome:
    return _combine(check, ctx, need_all=True)


def consecutive(check: Check, ctx: Ctx) -> Outcome:
    """Held in Y, Y-cycle, … `count` times, all after the family's last award (Arts. 21, 22, 74)."""
    codes, count = check.params["holds"], check.params["count"]
    cycle = check.params.get("cycle", 1)
    wanted = [ctx.year - i * cycle for i in range(count)]
    held = ctx.history.held(codes)
    floor = ctx.restart if ctx.restart is not None else BASE_YEAR - 1
    passed = all(held & bit(y) and y > floor for y in wanted)
    evidence: Evidence = []
    if ctx.explain:
        for y in sorted(wanted):
            if held & bit(y):
                evidence += ctx.award_facts(codes, bit(y))
            else:
                evidence.append({"type": "missing", "codes": sorted(codes), "year": y})
        if ctx.restart is not None and min(wanted) <= ctx.restart:
            evidence += ctx.award_facts(ctx.award.family, bit(ctx.restart), "counting restarts after")
    return passed, evidence


def initiatives(check: Check, ctx: Ctx) -> Outcome:
    scope: Scope = check.params["scope"]
    if check.params.get("in_period"):
        window = ctx.period.years
    else:
        first = ctx.year - check.params.get("years", 1) + 1
        if ctx.restart is not None:
            first = max(first, ctx.restart + 1)
        window = span(first, ctx.year)
    found = [
        (year, kind)
        for year, kind in ctx.history.initiatives
        if kind.rank >= scope.rank and window & bit(year)
    ]
    passed = len(found) >= check.params["count"]
    evidence = []
    if ctx.explain:
        evidence = [{"type": "initiative", "year": y, "scope": kind.value} for y, kind in sorted(found)]
        if not passed:
            evidence.append(
                {
                    "type": "missing",
                    "initiatives": check.params["count"] - len(found),
                    "scope_at_least": scope.value,
                    "years": [years_of(window)[0], ctx.year] if window else [],
                }
            )
    return passed, evidence


def prior(check: Check, ctx: Ctx) -> Outcome:
    """The prerequisite award is held (the earliest one, which a period is counted after)."""
    year = ctx.history.first_before(check.params["holds"], ctx.year)
    if year is None:
        missing = [{"type": "missing", "codes": sorted(check.params["holds"])}]
        return False, missing if ctx.explain else []
    return True, ctx.award_facts(check.params["holds"], bit(year))


def period_years(check: Check, ctx: Ctx) -> Outcome:
    period = ctx.period
    length = period.years.bit_count()
    passed = length >= check.params["min"]
    evidence: Evidence = []
    if ctx.explain:
        evidence = ctx.rating_facts(period.years & ctx.history.ratings[0])
        if period.breaker is not None and not passed:
            evidence.append(
                {
                    "type": "streak_break",
                    "year": period.breaker,
                    "level": ctx.history.rating_in(period.breaker),
                }
            )
        if ctx.restart is not None and ctx.restart + 1 == period.start and not passed:
            evidence += ctx.award_facts(ctx.award.family, bit(ctx.restart), "counting restarts after")
        evidence.append({"type": "period", "years": length})
    return passed, evidence


def count_in_period(check: Check, ctx: Ctx) -> Outcome:
    codes = check.params["holds"]
    found = ctx.history.count(codes, ctx.period.years)
    passed = found >= check.params["count"]
    evidence = ctx.award_facts(codes, ctx.period.years)
    if ctx.explain and not passed:
        evidence.append({"type": "missing", "codes": sorted(codes), "count": check.params["count"] - found})
    return passed, evidence


def ratings_in_period(check: Check, ctx: Ctx) -> Outcome:
    mask = ctx.history.rated(check.params["at_least"]) & ctx.period.years
    return mask.bit_count() >= check.params["count"], ctx.rating_facts(mask)


def _members(ctx: Ctx) -> list[History]:
    return ctx.history.members or []


def member_share(check: Check, ctx: Ctx) -> Outcome:
    members = _members(ctx)
    holding = sum(1 for m in members if m.held(check.params["holds"]) & bit(ctx.year))
    share = check.params["at_least"]
    passed = bool(members) and holding >= share * len(members)
    evidence = []
    if ctx.explain:
        evidence = [
            {
                "type": "members",
                "total": len(members),
                "holding": holding,
                "codes": sorted(check.params["holds"]),
            }
        ]
    return passed, evidence


def members_rated(check: Check, ctx: Ctx) -> Outcome:
    members = _members(ctx)
    below = [
        m.name or str(i + 1)
        for i, m in enumerate(members)
        if not m.rated(check.params["at_least"]) & bit(ctx.year)
    ]
    passed = bool(members) and not below
    evidence = [{"type": "members", "total": len(members), "below": below}] if ctx.explain else []
    return passed, evidence


def member_count(check: Check, ctx: Ctx) -> Outcome:
    holding = [m for m in _members(ctx) if m.held(check.params["holds"]) & bit(ctx.year)]
    passed = len(holding) >= check.params["at_least"]
    evidence = []
    if ctx.explain:
        evidence = [
            {
                "type": "members",
                "holding": len(holding),
                "codes": sorted(check.params["holds"]),
                "names": [m.name for m in holding if m.name],
            }
        ]
    return passed, evidence


def no_member_discipline(check: Check, ctx: Ctx) -> Outcome:
    worst: DisciplineLevel = check.params["at_least"]
    levels = list(DisciplineLevel)
    hit = [
        (m.name, levels[m.discipline[ctx.year]].value)
        for m in _members(ctx)
        if m.discipline.get(ctx.year, -1) >= worst.rank
    ]
    evidence = (
        [{"type": "discipline", "year": ctx.year, "member": n, "level": lvl} for n, lvl in hit]
        if ctx.explain
        else []
    )
    return not hit, evidence


def founded_years(check: Check, ctx: Ctx) -> Outcome:
    founded = ctx.history.founded
    passed = founded is not None and founded <= date(ctx.year - check.params["min"], 12, 31)
    evidence = [{"type": "founded", "date": founded.isoformat() if founded else None}] if ctx.explain else []
    return passed, evidence


def leads_cluster(check: Check, ctx: Ctx) -> Outcome:
    led = [o for o in check.params["organiser"] if ctx.history.clusters.get(o, 0) & bit(ctx.year)]
    evidence = (
        [{"type": "cluster_lead", "year": ctx.year, "organiser": o} for o in led] if ctx.explain else []
    )
    return bool(led), evidence


def flag_eligible(check: Check, ctx: Ctx) -> Outcome:
    passed = ctx.history.flag_eligible == check.params["is"]
    return passed, [{"type": "flag_eligible", "value": ctx.history.flag_eligible}] if ctx.explain else []


CHECKS: dict[str, Callable[[Check, Ctx], Outcome]] = {
    "rating": rating,
    "meets": meets,
    "any": any_of,
    "all": all_of,
    "consecutive": consecutive,
    "initiatives": initiatives,
    "prior": prior,
    "period_years": period_years,
    "count_in_period": count_in_period,
    "ratings_in_period": ratings_in_period,
    "member_share": member_share,
    "members_rated": members_rated,
    "member_count": member_count,
    "no_member_discipline": no_member_discipline,
    "founded_years": founded_years,
    "leads_cluster": leads_cluster,
    "flag_eligible": flag_eligible,
}


def evaluate_check(check: Check, ctx: Ctx) -> Outcome:
    return CHECKS[check.kind](check, ctx)


# --------------------------------------------------------------------------- routes

NOT_TWICE = "Law 06/2022 Art. 5(2)(c)"


@dataclass(slots=True)
class RuleResult:
    rule: str
    article: str
    label: str
    passed: bool
    evidence: Evidence
    verified: bool = True


@dataclass(slots=True)
class RouteResult:
    route: Route
    passed: bool | None  # None: the route rests on the council's judgement
    rules: list[RuleResult]


def evaluate_routes(
    award: Award, history: History, year: int, ruleset: RuleSet, explain: bool = True
) -> list[RouteResult]:
    """Every route of `award` for the subject's kind. Without `explain` it stops at the first
    failed rule of a route and after the first route that passes (the batch's fast path)."""
    restart = history.last_before(award.family, year)
    results = []
    for route in award.routes_for(history.kind):
        if route.judgement:
            results.append(RouteResult(route, None, []))
            continue
        ctx = Ctx(history, year, award, ruleset, explain, restart=restart)
        if route.period is not None:
            ctx.period = compute_period(history, route.period, year, restart)
        rules = []
        if restart == year:  # one achievement, one award: already given for this year
            facts = ctx.award_facts(award.family, bit(year))
            rules.append(RuleResult("not_awarded_twice", NOT_TWICE, NOT_TWICE_LABEL, False, facts))
        for rule in route.rules:
            if rules and not explain and not rules[-1].passed:
                break
            passed, evidence = evaluate_check(rule.check, ctx)
            rules.append(
                RuleResult(rule.id, rule.article, rule.label, passed, evidence, rule.check.all_verified)
            )
        passed = all(r.passed for r in rules)
        results.append(RouteResult(route, passed, rules))
        if passed and not explain:
            break
    return results


NOT_TWICE_LABEL = "Chưa được khen thưởng danh hiệu, hình thức này cho cùng thành tích (năm xét)"
