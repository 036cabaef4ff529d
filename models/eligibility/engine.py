"""Eligibility verdicts: `check(history, award_code, as_of)` and its batch form `check_many`."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from models.catalogue import Award, Catalogue, Route, RuleSet, default_catalogue
from models.eligibility.history import History, bulk
from models.eligibility.rules import RouteResult, RuleResult, evaluate_routes, first_passing, judgement_open

K = TypeVar("K")

ELIGIBLE, NEEDS_JUDGEMENT, INELIGIBLE = "eligible", "needs_judgement", "ineligible"


class SubjectMismatch(ValueError):
    def __init__(self, award: Award, kind: str):
        kinds = " or ".join(sorted(award.subjects))
        super().__init__(f"{award.code} ({award.name}) is awarded to {kinds} subjects, not {kind}")


@dataclass(slots=True)
class Verdict:
    """The engine's answer. A batch verdict (`explain=False`) carries the status and the route
    only; `check` gives every rule with its article and evidence."""

    award: str
    subject: str
    review_year: int
    ruleset: str
    status: str
    route: str | None  # the route that passes, if any
    routes: Sequence[RouteResult] = ()
    attestations: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def failed_rules(self) -> list[tuple[str, str]]:
        """(rule, article) of every failed data rule: what blocks the nomination."""
        return [
            (rule.rule, rule.article)
            for route in self.routes
            if route.passed is False
            for rule in route.rules
            if not rule.passed
        ]

    def rests_on(self, evidence_type: str) -> bool:
        """Whether the passing route used evidence of this type (e.g. "initiative")."""
        for route in self.routes:
            if route.passed and route.route.id == self.route:
                return any(f["type"] == evidence_type for r in route.rules for f in r.evidence)
        return False

    def reasons(self) -> list[dict[str, Any]]:
        reasons = []
        for result in self.routes:
            route = result.route
            reasons += [self._reason(route, rule) for rule in result.rules]
            if result.passed is None:
                reasons.append(
                    {
                        "rule": route.id,
                        "article": route.article,
                        "label": route.label,
                        "route": route.id,
                        "passed": False,
                        "needs_judgement": True,
                        "evidence": [],
                    }
                )
        return reasons

    @staticmethod
    def _reason(route: Route, rule: RuleResult) -> dict[str, Any]:
        return {
            "rule": rule.rule,
            "article": rule.article,
            "label": rule.label,
            "route": route.id,
            "passed": rule.passed,
            "verified": rule.verified,
            "evidence": rule.evidence,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "status": self.status,
            "award": self.award,
            "subject": self.subject,
            "review_year": self.review_year,
            "ruleset": self.ruleset,
            "route": self.route,
            "reasons": self.reasons(),
            "attestations": list(self.attestations),
        }


def review_year(as_of: date, history: History) -> int:
    """At year end the year under review is the current one once its results are recorded;
    before that (early in the next year) it is the previous one."""
    return as_of.year if history.has_data_for(as_of.year) else as_of.year - 1


def verdict(award: Award, history: History, year: int, ruleset: RuleSet, explain: bool = True) -> Verdict:
    if history.kind not in award.subjects:
        raise SubjectMismatch(award, history.kind)
    if ruleset.inherits_on_merger:
        history = history.inheriting()
    if explain:
        routes = evaluate_routes(award, history, year, ruleset)
        passing = next((r.route.id for r in routes if r.passed), None)
        judged = any(r.passed is None for r in routes)
    else:
        routes, passing = (), first_passing(award, history, year, ruleset)
        judged = not passing and judgement_open(award, history, year, ruleset)
    if passing:
        status = ELIGIBLE
    elif judged:
        status = NEEDS_JUDGEMENT
    else:
        status = INELIGIBLE
    attestations = award.attestations.get(history.kind, ())
    if passing:
        attestations += next(r.attestations for r in award.routes_for(history.kind) if r.id == passing)
    return Verdict(award.code, history.kind, year, ruleset.id, status, passing, routes, attestations)


def check(
    history: History,
    award_code: str,
    as_of: date,
    *,
    year: int | None = None,
    tenant: str | None = None,
    catalogue: Catalogue | None = None,
) -> Verdict:
    """The verdict for one subject, with the article and the evidence of every rule."""
    ruleset = (catalogue or default_catalogue()).for_date(as_of, tenant)
    award = ruleset.award(award_code)
    return verdict(award, history, year or review_year(as_of, history), ruleset)


def check_many(
    histories: Mapping[K, History],
    award_code: str,
    as_of: date,
    year: int,
    *,
    tenant: str | None = None,
    catalogue: Catalogue | None = None,
    explain: bool = False,
) -> dict[K, Verdict]:
    """Verdicts for a whole unit or province at once (the set-based form)."""
    ruleset = (catalogue or default_catalogue()).for_date(as_of, tenant)
    award = ruleset.award(award_code)
    with bulk():
        return {
            key: verdict(award, history, year, ruleset, explain)
            for key, history in histories.items()
            if history.kind in award.subjects
        }
