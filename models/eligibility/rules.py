"""One function per check kind of the catalogue. Each judges the review year `ctx.year` and
returns (passed, evidence). Evidence is built only when `ctx.explain` is set; without it a check
allocates nothing, which is what lets a batch judge 100,000 subjects in a second or two."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.catalogue import Award, Check, Period, Route, RuleSet
from models.eligibility.history import BASE_YEAR, EMPTY, History, bit, span, years_of
from models.history import DisciplineLevel, RatingLevel, Scope

Evidence = Sequence[dict[str, Any]]
Outcome = tuple[bool, Evidence]
PASS, FAIL = (True, ()), (False, ())  # the outcome of a check that explains nothing


def quiet(passed: bool) -> Outcome:
    return PASS if passed else FAIL


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
    explain: bool
    restart: int | None  # the latest award of the same family up to the review year
    period: PeriodView | None = None

    def award_facts(self, codes, mask: int, note: str = "") -> list[dict[str, Any]]:
        facts = []
        for code in sorted(codes):
            for year in years_of(self.history.awards.get(code, 0) & mask):
                fact = {"type": "award", "code": code, "year": year}
                records = (self.history.records or EMPTY).get((code, year))
                if records:
                    fact.update(records[0])
                if note:
                    fact["note"] = note
                facts.append(fact)
        return facts

    def rating_facts(self, mask: int) -> list[dict[str, Any]]:
        return [{"type": "rating", "year": y, "level": self.history.rating_in(y)} for y in years_of(mask)]

    def restart_facts(self) -> list[dict[str, Any]]:
        return self.award_facts(self.award.family, bit(self.restart), "counting restarts after")


def compute_period(history: History, period: Period, year: int, restart: int | None) -> PeriodView:
    """Start after the latest prerequisite award ("sau đó", Law 06/2022 Art. 44(1)(e): what came
    before it was that award's record, Art. 5(2)(c)) and after the last award of the same family,
    then walk back from the review year while each year qualifies (rating or title)."""
    anchor = None
    if period.after:
        anchor = (history.first_before if period.after_earliest else history.last_before)(period.after, year)
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
    passed = bool(ctx.history.rated(check.params["at_least"]) & bit(ctx.year))
    if not ctx.explain:
        return quiet(passed)
    return passed, [{"type": "rating", "year": ctx.year, "level": ctx.history.rating_in(ctx.year)}]


def meets(check: Check, ctx: Ctx) -> Outcome:
    """Holds the award in the review year, or meets its data-decided route (Art. 23(1))."""
    codes = check.params["award"]
    held = ctx.history.held(codes) & bit(ctx.year)
    if held and not ctx.explain:
        return PASS
    awards = [ctx.ruleset.awards[code] for code in sorted(codes)]
    if not ctx.explain:
        return quiet(any(first_passing(a, ctx.history, ctx.year, ctx.ruleset) for a in awards))
    if held:
        return True, ctx.award_facts(codes, held)
    evidence = []
    for other in awards:
        for route in evaluate_routes(other, ctx.history, ctx.year, ctx.ruleset):
            facts = [fact for rule in route.rules for fact in rule.evidence]
            if route.passed:
                return True, facts
            evidence += facts
    return False, evidence


def any_of(check: Check, ctx: Ctx) -> Outcome:
    if not ctx.explain:
        return quiet(any(evaluate_check(child, ctx)[0] for child in check.children))
    results = [evaluate_check(child, ctx) for child in check.children]
    passing = [evidence for passed, evidence in results if passed][:1]
    chosen = passing or [evidence for _, evidence in results]
    return bool(passing), [fact for evidence in chosen for fact in evidence]


def all_of(check: Check, ctx: Ctx) -> Outcome:
    if not ctx.explain:
        return quiet(all(evaluate_check(child, ctx)[0] for child in check.children))
    results = [evaluate_check(child, ctx) for child in check.children]
    return all(passed for passed, _ in results), [fact for _, evidence in results for fact in evidence]


def consecutive(check: Check, ctx: Ctx) -> Outcome:
    """Held in Y, Y-cycle, … `count` times, all after the family's last award (Arts. 21, 22, 74)."""
    codes, count = check.params["holds"], check.params["count"]
    cycle = check.params.get("cycle", 1)
    wanted = 0
    for i in range(count):
        wanted |= bit(ctx.year - i * cycle)
    oldest = ctx.year - (count - 1) * cycle
    held = ctx.history.held(codes)
    passed = held & wanted == wanted and (ctx.restart is None or oldest > ctx.restart)
    if not ctx.explain:
        return quiet(passed)
    evidence = []
    for y in years_of(wanted):
        if held & bit(y):
            evidence += ctx.award_facts(codes, bit(y))
        else:
            evidence.append({"type": "missing", "codes": sorted(codes), "year": y})
    if ctx.restart is not None and oldest <= ctx.restart:
        evidence += ctx.restart_facts()
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
    # Law 06/2022 Art. 22(2): the head of the awarding ministry or province recognises the scope, so
    # a ministry's recognition does not carry a province's title (nor the other way round).
    recognised = check.params.get("recognised_by")
    found = [
        (y, kind)
        for y, kind in ctx.history.initiatives or ()
        if kind.rank >= scope.rank and window & bit(y) and (recognised is None or kind in recognised)
    ]
    passed = len(found) >= check.params["count"]
    if not ctx.explain:
        return quiet(passed)
    evidence = [{"type": "initiative", "year": y, "scope": kind.value} for y, kind in sorted(found)]
    if not passed:
        evidence.append(
            {
                "type": "missing",
                "initiatives": check.params["count"] - len(found),
                "scope_at_least": scope.value,
                **({"recognised_by": sorted(recognised)} if recognised else {}),
                "years": [years_of(window)[0], ctx.year] if window else [],
            }
        )
    return passed, evidence


def prior(check: Check, ctx: Ctx) -> Outcome:
    """The prerequisite award is held (the latest one, which a period is counted after)."""
    year = ctx.history.last_before(check.params["holds"], ctx.year)
    if not ctx.explain:
        return quiet(year is not None)
    if year is None:
        return False, [{"type": "missing", "codes": sorted(check.params["holds"])}]
    return True, ctx.award_facts(check.params["holds"], bit(year))


def period_years(check: Check, ctx: Ctx) -> Outcome:
    period = ctx.period
    length = period.years.bit_count()
    passed = length >= check.params["min"]
    if not ctx.explain:
        return quiet(passed)
    evidence = ctx.rating_facts(period.years & ctx.history.rated(RatingLevel.KHT))
    if period.breaker is not None and not passed:
        level = ctx.history.rating_in(period.breaker)
        evidence.append({"type": "streak_break", "year": period.breaker, "level": level})
    if ctx.restart is not None and ctx.restart + 1 == period.start and not passed:
        evidence += ctx.restart_facts()
    evidence.append({"type": "period", "years": length})
    return passed, evidence


def count_in_period(check: Check, ctx: Ctx) -> Outcome:
    return _count_in(check, ctx, ctx.period.years)


def count_unused_in_period(check: Check, ctx: Ctx) -> Outcome:
    """`count_in_period` without the titles held up to the latest award of `basis_of`: they were
    the record that form rewarded, and one achievement earns one award (Law 06/2022 Art. 5(2)(c)).
    So a Bằng khen of the province for 2025 and the Prime Minister's for 2025 cannot rest on the
    same grassroots titles (Art. 73(1)(b), which counts its five years regardless of the former)."""
    used = ctx.history.last_before(check.params["basis_of"], ctx.year)
    window = ctx.period.years & ~(bit(used + 1) - 1) if used is not None else ctx.period.years
    passed, evidence = _count_in(check, ctx, window)
    if ctx.explain and used is not None:
        spent_years = ctx.period.years & ~window
        spent = ctx.award_facts(check.params["holds"], spent_years, "the record of an earlier form")
        evidence = [*evidence, *spent, *ctx.award_facts(check.params["basis_of"], bit(used), "counted after")]
    return passed, evidence


def _count_in(check: Check, ctx: Ctx, window: int) -> Outcome:
    codes = check.params["holds"]
    found = ctx.history.count(codes, window)
    passed = found >= check.params["count"]
    if not ctx.explain:
        return quiet(passed)
    evidence = ctx.award_facts(codes, window)
    if not passed:
        evidence.append({"type": "missing", "codes": sorted(codes), "count": check.params["count"] - found})
    return passed, evidence


def ratings_in_period(check: Check, ctx: Ctx) -> Outcome:
    mask = ctx.history.rated(check.params["at_least"]) & ctx.period.years
    passed = mask.bit_count() >= check.params["count"]
    return (passed, ctx.rating_facts(mask)) if ctx.explain else quiet(passed)


def _members(ctx: Ctx) -> list[History]:
    return ctx.history.members or []


def member_share(check: Check, ctx: Ctx) -> Outcome:
    members, codes = _members(ctx), check.params["holds"]
    holding = sum(1 for m in members if m.held(codes) & bit(ctx.year))
    passed = bool(members) and holding >= check.params["at_least"] * len(members)
    if not ctx.explain:
        return quiet(passed)
    return passed, [{"type": "members", "total": len(members), "holding": holding, "codes": sorted(codes)}]


def members_rated(check: Check, ctx: Ctx) -> Outcome:
    members = _members(ctx)
    below = [
        m.name or str(i + 1)
        for i, m in enumerate(members)
        if not m.rated(check.params["at_least"]) & bit(ctx.year)
    ]
    passed = bool(members) and not below
    return (
        (passed, [{"type": "members", "total": len(members), "below": below}])
        if ctx.explain
        else quiet(passed)
    )


def member_count(check: Check, ctx: Ctx) -> Outcome:
    codes = check.params["holds"]
    holding = [m for m in _members(ctx) if m.held(codes) & bit(ctx.year)]
    passed = len(holding) >= check.params["at_least"]
    if not ctx.explain:
        return quiet(passed)
    names = [m.name for m in holding if m.name]
    return passed, [{"type": "members", "holding": len(holding), "codes": sorted(codes), "names": names}]


def no_member_discipline(check: Check, ctx: Ctx) -> Outcome:
    worst: DisciplineLevel = check.params["at_least"]
    levels = list(DisciplineLevel)
    hit = [
        (m.name, levels[m.discipline[ctx.year]].value)
        for m in _members(ctx)
        if (m.discipline or EMPTY).get(ctx.year, -1) >= worst.rank
    ]
    if not ctx.explain:
        return quiet(not hit)
    return not hit, [{"type": "discipline", "year": ctx.year, "member": n, "level": lvl} for n, lvl in hit]


def founded_years(check: Check, ctx: Ctx) -> Outcome:
    founded = ctx.history.founded
    passed = founded is not None and founded <= date(ctx.year - check.params["min"], 12, 31)
    if not ctx.explain:
        return quiet(passed)
    return passed, [{"type": "founded", "date": founded.isoformat() if founded else None}]


def leads_cluster(check: Check, ctx: Ctx) -> Outcome:
    led = [o for o in check.params["organiser"] if (ctx.history.clusters or EMPTY).get(o, 0) & bit(ctx.year)]
    if not ctx.explain:
        return quiet(bool(led))
    return bool(led), [{"type": "cluster_lead", "year": ctx.year, "organiser": o} for o in led]


def flag_eligible(check: Check, ctx: Ctx) -> Outcome:
    passed = ctx.history.flag_eligible == check.params["is"]
    return (
        (passed, [{"type": "flag_eligible", "value": ctx.history.flag_eligible}])
        if ctx.explain
        else quiet(passed)
    )


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
    "count_unused_in_period": count_unused_in_period,
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
NOT_TWICE_LABEL = "Chưa được khen thưởng danh hiệu, hình thức này cho cùng thành tích (năm xét)"


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
    passed: bool | None  # None: the route rests on the council's judgement (its prerequisites met)
    rules: list[RuleResult]


def _enter(ctx: Ctx, route: Route) -> None:
    ctx.period = compute_period(ctx.history, route.period, ctx.year, ctx.restart) if route.period else None


def judgement_open(award: Award, history: History, year: int, ruleset: RuleSet) -> bool:
    """Whether a route resting on the council's judgement is open to the subject: one without
    prerequisites, or one whose prerequisite rules all pass (the batch's path, no evidence)."""
    ctx = Ctx(history, year, award, ruleset, False, history.last_before(award.family, year))
    if ctx.restart == year:  # one achievement, one award, whatever the route
        return False
    for route in award.judgement_routes(history.kind):
        ctx.period = compute_period(history, route.period, year, ctx.restart) if route.period else None
        if all(CHECKS[rule.check.kind](rule.check, ctx)[0] for rule in route.rules):
            return True
    return False


def first_passing(award: Award, history: History, year: int, ruleset: RuleSet) -> str | None:
    """The first data route the subject meets, or None: the batch's path, with no evidence.
    (Written flat: it runs once per subject and award, hundreds of thousands of times.)"""
    restart = history.last_before(award.family, year)
    if restart == year:  # one achievement, one award: already given for this year
        return None
    ctx = Ctx(history, year, award, ruleset, False, restart)
    for route in award.data_routes(history.kind):
        ctx.period = compute_period(history, route.period, year, restart) if route.period else None
        for rule in route.rules:
            if not CHECKS[rule.check.kind](rule.check, ctx)[0]:
                break
        else:
            return route.id
    return None


def evaluate_routes(award: Award, history: History, year: int, ruleset: RuleSet) -> list[RouteResult]:
    """Every route of `award` for the subject's kind, every rule with its article and evidence."""
    ctx = Ctx(history, year, award, ruleset, True, history.last_before(award.family, year))
    results = []
    for route in award.routes_for(history.kind):
        _enter(ctx, route)
        rules = []
        if ctx.restart == year:
            facts = ctx.award_facts(award.family, bit(year))
            rules.append(RuleResult("not_awarded_twice", NOT_TWICE, NOT_TWICE_LABEL, False, facts))
        for rule in route.rules:
            passed, evidence = evaluate_check(rule.check, ctx)
            rules.append(
                RuleResult(rule.id, rule.article, rule.label, passed, evidence, rule.check.all_verified)
            )
        met = all(r.passed for r in rules)
        results.append(RouteResult(route, None if met and route.judgement else met, rules))
    return results
