"""The award catalogue: titles and forms, their routes, dossiers, vote rules and eligibility rules.

The catalogue is data (rulesets/*.toml). A rule set is in force from a date (Law 06/2022 with
Decree 98/2023, then with Decree 152/2025); a tenant — a province or ministry — overrides what the
law leaves to it in its own <CODE>.toml, in the folder VINHDANH_TENANT_DIR names. Everything is
validated when loaded, so a typo in a code or a rule fails at start-up, not in the middle of a
season.
"""

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from models.config import get_settings
from models.history import DisciplineLevel, RatingLevel, Scope
from models.org import GRASSROOTS_KINDS

HERE = Path(__file__).parent

# Each check kind and the parameters it needs (evaluated in models/eligibility/rules.py).
CHECK_PARAMS: dict[str, set[str]] = {
    "rating": {"at_least"},
    "meets": {"award"},
    "any": {"of"},
    "all": {"of"},
    "consecutive": {"holds", "count"},
    "initiatives": {"scope", "count"},
    "prior": {"holds"},
    "period_years": {"min"},
    "count_in_period": {"holds", "count"},
    "count_unused_in_period": {"holds", "count", "basis_of"},
    "ratings_in_period": {"at_least", "count"},
    "member_share": {"holds", "at_least"},
    "members_rated": {"at_least"},
    "member_count": {"holds", "at_least"},
    "no_member_discipline": {"at_least"},
    "founded_years": {"min"},
    "leads_cluster": {"organiser"},
    "flag_eligible": {"is"},
}
PERIOD_KINDS = {"period_years", "count_in_period", "count_unused_in_period", "ratings_in_period"}
DECIDERS = {
    "unit_head": "Thủ trưởng cơ quan, đơn vị",
    "province_chairman": "Chủ tịch Ủy ban nhân dân tỉnh",
    "minister": "Bộ trưởng, Thủ trưởng cơ quan ngang Bộ",
    "top_head": "Bộ trưởng hoặc Chủ tịch Ủy ban nhân dân tỉnh",
    "prime_minister": "Thủ tướng Chính phủ",
    "government": "Chính phủ",
    "president": "Chủ tịch nước",
}
SUBJECTS = {"individual", "collective"}


STAGES = ("submitted", "returned", "accepted", "recommended")  # where a nomination waits for someone
TIMEOUTS = ("none", "withdraw")  # what the deadline sweep does once a stage is overdue


class CatalogueError(ValueError):
    """The catalogue data is inconsistent (raised at load time)."""


class UnknownAward(KeyError):
    def __init__(self, code: str, known: list[str]):
        super().__init__(code)
        self.code, self.known = code, known

    def __str__(self) -> str:
        return f"unknown award code {self.code!r}; known codes: {', '.join(self.known)}"


class NoRuleSet(LookupError):
    pass


def parse_share(text: str) -> tuple[Fraction, bool]:
    """'9/10' → (9/10, False); '>1/2' → (1/2, True): strict means 'more than'."""
    strict = text.startswith(">")
    return Fraction(text.lstrip(">").strip()), strict


@dataclass(frozen=True)
class Check:
    kind: str
    params: Mapping[str, Any]
    children: tuple["Check", ...] = ()
    verified: bool = True
    source: str = ""

    @cached_property
    def all_verified(self) -> bool:
        return self.verified and all(child.all_verified for child in self.children)

    def kinds(self) -> set[str]:
        return {self.kind}.union(*(child.kinds() for child in self.children))


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    label: str
    check: Check


@dataclass(frozen=True)
class Period:
    """An unbroken streak of qualifying years ending in the review year, counted after the
    prerequisite award (`after`) and after the last award of the same family."""

    after: frozenset[str]
    streak_rating: RatingLevel
    streak_holds: frozenset[str] = frozenset()
    # The period counts after the latest prerequisite award ("sau đó", Art. 44(1)(e)), unless the
    # route counts more awards of that kind within it (Art. 73(4)(e)): then after the earliest.
    after_earliest: bool = False


@dataclass(frozen=True)
class Route:
    """A way to earn an award. A route of judgement rests on the council's assessment; its rules,
    if any, are the data prerequisites of that assessment (Art. 22(1)(b)'s accepted research still
    needs Art. 22(1)(a)'s three grassroots titles): it is open once they pass, never a pass."""

    id: str
    subject: str
    article: str
    label: str
    judgement: bool = False
    period: Period | None = None
    rules: tuple[Rule, ...] = ()
    attestations: tuple[str, ...] = ()  # what the unit attests beside this route (Art. 74(3)(d))


@dataclass(frozen=True)
class VoteRule:
    name: str
    ballot: str  # "secret" | "open"
    base: str  # "total_members" | "present"
    threshold: Fraction
    strict: bool
    quorum: Fraction
    verified: bool = False
    source: str = ""

    @property
    def threshold_text(self) -> str:
        return (">" if self.strict else "") + str(self.threshold)

    def decide(self, members_total: int, present: int, voters: int, yes: int) -> tuple[bool, bool, int]:
        """(quorum met, passed, base). Quorum counts members present in person; `voters` adds
        absent members' written opinions. Exact fractions: 90% of 11 members is 10 votes."""
        quorum_met = members_total > 0 and Fraction(present, members_total) >= self.quorum
        base = members_total if self.base == "total_members" else voters
        if not quorum_met or base == 0:
            return quorum_met, False, base
        share = Fraction(yes, base)
        passed = share > self.threshold if self.strict else share >= self.threshold
        return quorum_met, passed, base


@dataclass(frozen=True)
class Quota:
    max_share: Fraction | None = None
    of: str | None = None
    max_count: int | None = None
    verified: bool = False
    source: str = ""

    def limit(self, pool: int) -> int:
        limits = []
        if self.max_share is not None:
            limits.append(int(self.max_share * pool))
        if self.max_count is not None:
            limits.append(self.max_count)
        return min(limits)


@dataclass(frozen=True)
class DossierItem:
    kind: str
    when: str | None = None  # "initiative" | "judgement" | a level: only then is it required


@dataclass(frozen=True)
class Award:
    code: str
    name: str
    kind: str  # "title" (danh hiệu thi đua) | "form" (hình thức khen thưởng)
    family: frozenset[str]  # awards that count as the same for restarts (e.g. BK Bộ and BK tỉnh)
    decided_by: str
    decided_by_article: str
    route: tuple[str, ...]
    route_article: str
    dossier: tuple[DossierItem, ...]
    vote: VoteRule
    routes: tuple[Route, ...]
    quota: Quota | None = None
    # subject → the general requirements the unit attests, not data (e.g. Art. 74(1), 74(3))
    attestations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    publicity: bool = False

    @cached_property
    def subjects(self) -> frozenset[str]:
        return frozenset(route.subject for route in self.routes)

    @cached_property
    def _by_subject(self) -> dict[tuple[str, bool | None], tuple[Route, ...]]:
        """(subject, judgement) → routes; judgement None means all of the subject's routes."""
        table: dict[tuple[str, bool | None], tuple[Route, ...]] = {}
        for subject in self.subjects:
            mine = tuple(route for route in self.routes if route.subject == subject)
            table[subject, None] = mine
            table[subject, False] = tuple(r for r in mine if not r.judgement)
            table[subject, True] = tuple(r for r in mine if r.judgement)
        return table

    def routes_for(self, subject: str) -> tuple[Route, ...]:
        return self._by_subject.get((subject, None), ())

    def data_routes(self, subject: str) -> tuple[Route, ...]:
        return self._by_subject.get((subject, False), ())

    def judgement_routes(self, subject: str) -> tuple[Route, ...]:
        return self._by_subject.get((subject, True), ())

    @property
    def decider_label(self) -> str:
        return DECIDERS[self.decided_by]


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    effective_from: date
    effective_to: date | None
    basis: Mapping[str, Any]
    groups: Mapping[str, frozenset[str]]
    levels: Mapping[str, Mapping[str, Any]]
    stages: Mapping[str, Mapping[str, Any]]
    dossier_kinds: Mapping[str, Mapping[str, Any]]
    votes: Mapping[str, VoteRule]
    awards: Mapping[str, Award]
    tenant: Mapping[str, Any] = field(default_factory=dict)
    merger: Mapping[str, Any] = field(default_factory=dict)
    unit_deciders: Mapping[str, tuple[frozenset[str], str]] = field(default_factory=dict)

    def award(self, code: str) -> Award:
        try:
            return self.awards[code]
        except KeyError:
            raise UnknownAward(code, sorted(self.awards)) from None

    def dossier_kind(self, kind: str, award: Award | None = None) -> Mapping[str, Any]:
        """A dossier kind worded as `award` needs it: a title's minutes are "Biên bản bình xét thi
        đua" (Law 06/2022 Art. 84(1)(c)), a form's "Biên bản xét khen thưởng" (84(2)(c)); without
        an award, the kind's neutral wording."""
        spec = self.dossier_kinds[kind]
        return {**spec, **spec.get(award.kind, {})} if award else spec

    def codes(self, name: str) -> frozenset[str]:
        """An award code or a group name, as the set of award codes it stands for."""
        return self.groups.get(name) or frozenset({name})

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def decided_above(self, kind: str, code: str) -> list[str]:
        """The level that decides `code` for a grassroots unit of this kind when its own head may
        not ([levels.unit.by_kind]): none when the head decides it (Law 06/2022 Art. 80)."""
        decides, otherwise = self.unit_deciders.get(kind, (None, None))
        return [] if decides is None or code in decides else [otherwise]

    @property
    def inherits_on_merger(self) -> bool:
        """Whether a collective's record includes the units merged into it ([merger])."""
        return bool(self.merger.get("inherit_record", False))


# ------------------------------------------------------------------------------------- loading


def _merge(base: dict, override: Mapping) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _apply_rule_overrides(award: dict, overrides: Mapping[str, Mapping]) -> None:
    """A tenant's `[awards.X.rules.<rule id>]` table changes that rule's check parameters."""
    found = set()
    for route in award.get("routes", []):
        for rule in route.get("rules", []):
            if rule["id"] in overrides:
                rule["check"] = _merge(rule["check"], overrides[rule["id"]])
                found.add(rule["id"])
    missing = set(overrides) - found
    if missing:
        raise CatalogueError(f"tenant overrides unknown rules: {sorted(missing)}")


def _apply_route_overrides(award: dict, routes: list[Mapping]) -> None:
    """A tenant's `[[awards.X.routes]]` replaces the route of the same id, or adds one: the
    criteria the law leaves to the ministry or province (Law 06/2022 Art. 75(2))."""
    for route in routes:
        ids = [r["id"] for r in award["routes"]]
        if route["id"] in ids:
            award["routes"][ids.index(route["id"])] = copy.deepcopy(dict(route))
        else:
            award["routes"].append(copy.deepcopy(dict(route)))


def _apply_tenant(raw: dict, tenant: Mapping) -> dict:
    raw = copy.deepcopy(raw)
    for code, override in tenant.get("awards", {}).items():
        if code not in raw["awards"]:
            raise CatalogueError(f"tenant {tenant['tenant']['code']} overrides unknown award {code}")
        award = raw["awards"][code]
        override = dict(override)
        _apply_rule_overrides(award, override.pop("rules", {}))
        _apply_route_overrides(award, override.pop("routes", []))
        if isinstance(override.get("vote"), Mapping) and isinstance(award.get("vote"), str):
            award["vote"] = _merge(raw["votes"][award["vote"]], override.pop("vote"))
        raw["awards"][code] = _merge(award, override)
    raw["tenant"] = dict(tenant.get("tenant", {}))
    return raw


class _Builder:
    """Turns one merged raw rule set into validated, frozen objects."""

    def __init__(self, raw: Mapping):
        self.raw = raw
        self.groups = {name: frozenset(codes) for name, codes in raw.get("groups", {}).items()}
        self.codes = set(raw["awards"])
        self.votes = {name: self.vote(name, spec) for name, spec in raw["votes"].items()}

    def fail(self, where: str, message: str):
        raise CatalogueError(f"{self.raw['ruleset']['id']}: {where}: {message}")

    def names(self, where: str, names: Any) -> frozenset[str]:
        names = [names] if isinstance(names, str) else list(names)
        codes: set[str] = set()
        for name in names:
            if name in self.groups:
                codes |= self.groups[name]
            elif name in self.codes:
                codes.add(name)
            else:
                self.fail(where, f"{name!r} is neither an award code nor a group")
        return frozenset(codes)

    def vote(self, name: str, spec: Mapping) -> VoteRule:
        threshold, strict = parse_share(spec["threshold"])
        quorum, _ = parse_share(spec["quorum"])
        if spec["ballot"] not in {"secret", "open"} or spec["base"] not in {
            "total_members",
            "present",
        }:
            self.fail(f"vote {name}", "ballot must be secret|open and base total_members|present")
        return VoteRule(
            name,
            spec["ballot"],
            spec["base"],
            threshold,
            strict,
            quorum,
            spec.get("verified", False),
            spec.get("source", ""),
        )

    def check(self, where: str, spec: Mapping, route_has_period: bool) -> Check:
        kind = spec.get("kind")
        if kind not in CHECK_PARAMS:
            self.fail(where, f"unknown check kind {kind!r}")
        missing = CHECK_PARAMS[kind] - set(spec)
        if missing:
            self.fail(where, f"check {kind} needs {sorted(missing)}")
        if (kind in PERIOD_KINDS or spec.get("in_period")) and not route_has_period:
            self.fail(where, f"check {kind} counts within a period but the route defines none")
        params = {k: v for k, v in spec.items() if k not in {"kind", "of", "verified", "source"}}
        for key in ("holds", "award", "basis_of"):
            if key in params:
                params[key] = self.names(where, params[key])
        for key, enum in (("at_least", RatingLevel), ("scope", Scope)):
            if key in params and kind not in {
                "member_share",
                "member_count",
                "no_member_discipline",
            }:
                params[key] = enum(params[key])
        if "recognised_by" in params:
            params["recognised_by"] = frozenset(Scope(s) for s in params["recognised_by"])
        if kind == "no_member_discipline":
            params["at_least"] = DisciplineLevel(params["at_least"])
        if kind == "member_share":
            params["at_least"], _ = parse_share(params["at_least"])
        children = tuple(
            self.check(f"{where}/{kind}[{i}]", child, route_has_period)
            for i, child in enumerate(spec.get("of", []))
        )
        return Check(kind, params, children, spec.get("verified", True), spec.get("source", ""))

    def route(self, code: str, spec: Mapping) -> Route:
        where = f"award {code} route {spec.get('id')}"
        if spec.get("subject") not in SUBJECTS:
            self.fail(where, f"subject must be one of {sorted(SUBJECTS)}")
        period = None
        if "period" in spec:
            streak = spec["period"]["streak"]
            period = Period(
                after=self.names(where, spec["period"].get("after", [])),
                streak_rating=RatingLevel(streak["rating_at_least"]),
                streak_holds=self.names(where, streak.get("or_holds", [])),
                after_earliest=spec["period"].get("after_earliest", False),
            )
        rules = tuple(
            Rule(
                r["id"],
                r["article"],
                r["label"],
                self.check(f"{where} rule {r['id']}", r["check"], period is not None),
            )
            for r in spec.get("rules", [])
        )
        judgement = spec.get("judgement", False)
        if not judgement and not rules:
            self.fail(where, "a route lists rules or rests on judgement (whose rules are prerequisites)")
        return Route(
            spec["id"],
            spec["subject"],
            spec["article"],
            spec["label"],
            judgement,
            period,
            rules,
            tuple(spec.get("attestations", [])),
        )

    def award(self, code: str, spec: Mapping) -> Award:
        where = f"award {code}"
        if "same_as" in spec:
            shared = self.raw["awards"][spec["same_as"]]
            spec = {"routes": shared["routes"], "attestations": shared.get("attestations", []), **spec}
        if spec["decided_by"] not in DECIDERS:
            self.fail(where, f"decided_by must be one of {sorted(DECIDERS)}")
        unknown_levels = set(spec["route"]) - set(self.raw["levels"]) - {"top"}
        if unknown_levels:
            self.fail(where, f"route names unknown levels {sorted(unknown_levels)}")
        dossier = tuple(
            DossierItem(item) if isinstance(item, str) else DossierItem(item["kind"], item.get("when"))
            for item in spec["dossier"]
        )
        conditions = {"initiative", "judgement", *self.raw["levels"]}
        for item in dossier:
            if item.kind not in self.raw["dossier"]:
                self.fail(where, f"unknown dossier kind {item.kind!r}")
            if set(self.raw["dossier"][item.kind].get(spec["kind"], {})) - {"label", "article"}:
                self.fail(where, f"dossier kind {item.kind!r}: its {spec['kind']} wording has label, article")
            if item.when is not None and item.when not in conditions:
                self.fail(where, f"dossier condition must be one of {sorted(conditions)}")
        vote = spec["vote"]
        vote = self.votes[vote] if isinstance(vote, str) else self.vote(f"{code} (tenant)", vote)
        quota = None
        if "quota" in spec:
            q = spec["quota"]
            quota = Quota(
                parse_share(q["max_share"])[0] if "max_share" in q else None,
                q.get("of"),
                q.get("max_count"),
                q.get("verified", False),
                q.get("source", ""),
            )
            if quota.max_share is not None and quota.of not in self.codes:
                self.fail(where, "a quota share needs `of`: the award whose holders form the pool")
        routes = tuple(self.route(code, r) for r in spec["routes"])
        family = self.names(where, spec.get("family", code)) | {code}
        return Award(
            code=code,
            name=spec["name"],
            kind=spec["kind"],
            family=family,
            decided_by=spec["decided_by"],
            decided_by_article=spec["decided_by_article"],
            route=tuple(spec["route"]),
            route_article=spec["route_article"],
            dossier=dossier,
            vote=vote,
            routes=routes,
            quota=quota,
            attestations=self.attestations(where, spec.get("attestations", []), routes),
            publicity=spec.get("publicity", False),
        )

    def attestations(self, where: str, spec: Any, routes: tuple[Route, ...]) -> dict[str, tuple[str, ...]]:
        """A list holds for every subject of the award; a table gives each subject its own."""
        subjects = {route.subject for route in routes}
        if not isinstance(spec, Mapping):
            return {subject: tuple(spec) for subject in subjects}
        stray = set(spec) - subjects
        if stray:
            self.fail(where, f"attestations for subjects the award has no route for: {sorted(stray)}")
        return {subject: tuple(spec.get(subject, ())) for subject in subjects}

    def stages(self) -> dict:
        """Each waiting stage's working days and what the deadline sweep does around them."""
        stages = self.raw["stages"]
        for name, stage in stages.items():
            if name not in STAGES:
                self.fail(f"stage {name}", f"not a waiting stage; one of {sorted(STAGES)}")
            if stage.get("days", 0) < 1:
                self.fail(f"stage {name}", "needs days ≥ 1")
            if stage.get("remind_before", 0) < 0 or stage.get("escalate_after", 0) < 0:
                self.fail(f"stage {name}", "remind_before and escalate_after are working days ≥ 0")
            if stage.get("on_timeout", "none") not in TIMEOUTS:
                self.fail(f"stage {name}", f"on_timeout is one of {TIMEOUTS}")
        return stages

    def unit_deciders(self) -> dict[str, tuple[frozenset[str], str]]:
        """[levels.unit.by_kind.<kind>]: a grassroots kind whose head decides only `decides`
        (award codes or groups); the `otherwise` level decides the rest (Law 06/2022 Art. 80)."""
        deciders = {}
        for kind, spec in self.raw["levels"]["unit"].get("by_kind", {}).items():
            where = f"levels.unit.by_kind.{kind}"
            if kind not in GRASSROOTS_KINDS:
                self.fail(where, f"not a grassroots unit kind; one of {sorted(GRASSROOTS_KINDS)}")
            if spec.get("otherwise") not in set(self.raw["levels"]) - {"unit"}:
                self.fail(where, "`otherwise` names the level deciding the rest")
            deciders[kind] = (self.names(where, spec.get("decides", [])), spec["otherwise"])
        return deciders

    def build(self) -> RuleSet:
        meta = self.raw["ruleset"]
        awards = {code: self.award(code, spec) for code, spec in self.raw["awards"].items()}
        for award in awards.values():
            for route in award.routes:
                for rule in route.rules:
                    if "meets" in rule.check.kinds() and not all(
                        awards[c].routes_for(route.subject) for c in rule.check.params.get("award", ())
                    ):
                        self.fail(
                            f"award {award.code}",
                            f"rule {rule.id} meets an award without a {route.subject} route",
                        )
        return RuleSet(
            id=meta["id"],
            name=meta["name"],
            effective_from=meta["effective_from"],
            effective_to=meta.get("effective_to"),
            basis=meta.get("basis", {}),
            groups=self.groups,
            levels=self.raw["levels"],
            stages=self.stages(),
            dossier_kinds=self.raw["dossier"],
            votes=self.votes,
            awards=awards,
            tenant=self.raw.get("tenant", {}),
            merger=self.raw.get("merger", {}),
            unit_deciders=self.unit_deciders(),
        )


def _read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


class Catalogue:
    """All rule sets, each resolvable for a tenant."""

    def __init__(
        self,
        ruleset_dir: Path = HERE / "rulesets",
        tenant_dirs: tuple[Path, ...] = (),
    ):
        raws = {}
        for path in sorted(ruleset_dir.glob("*.toml")):
            raw = _read(path)
            raws[raw["ruleset"]["id"]] = raw
        self._raw = {rid: self._resolve(raws, rid) for rid in raws}
        self._tenants = {}
        for directory in tenant_dirs:
            for path in sorted(directory.glob("*.toml")) if directory.is_dir() else []:
                tenant = _read(path)
                self._tenants[tenant["tenant"]["code"]] = tenant
        self._built: dict[tuple[str, str | None], RuleSet] = {}
        for rid in self._raw:  # validate every combination now, not mid-season
            for tenant in (None, *self._tenants):
                self.ruleset(rid, tenant)

    @staticmethod
    def _resolve(raws: Mapping[str, dict], rid: str) -> dict:
        """A rule set with everything it `extends` merged in; it does not inherit an end date."""
        raw = raws[rid]
        parent = raw["ruleset"].get("extends")
        if parent is None:
            return raw
        merged = _merge(Catalogue._resolve(raws, parent), raw)
        merged["ruleset"]["effective_to"] = raw["ruleset"].get("effective_to")
        return merged

    @property
    def tenants(self) -> list[str]:
        return sorted(self._tenants)

    def ruleset(self, ruleset_id: str, tenant: str | None = None) -> RuleSet:
        key = (ruleset_id, tenant if tenant in self._tenants else None)
        if key not in self._built:
            raw = self._raw[ruleset_id]
            if key[1]:
                raw = _apply_tenant(raw, self._tenants[key[1]])
            self._built[key] = _Builder(raw).build()
        return self._built[key]

    @property
    def ruleset_ids(self) -> list[str]:
        return sorted(self._raw)

    def tenant_rows(self, tenant: str | None, table: str) -> list[Mapping[str, Any]]:
        """A tenant file's rows of a table the rule sets do not hold (its `[[base_salary]]`)."""
        return list(self._tenants.get(tenant, {}).get(table, []))

    def tenant_section(self, tenant: str | None, table: str) -> Mapping[str, Any]:
        """A tenant file's table the rule sets do not hold (its `[print_forms]`), keyed as written."""
        return dict(self._tenants.get(tenant, {}).get(table, {}))

    @property
    def in_force_from(self) -> date:
        """The first day any rule set is in force: nothing this engine judges happened before it."""
        return min(raw["ruleset"]["effective_from"] for raw in self._raw.values())

    def for_date(self, day: date, tenant: str | None = None) -> RuleSet:
        for rid, raw in self._raw.items():
            meta = raw["ruleset"]
            end = meta.get("effective_to")
            if meta["effective_from"] <= day and (end is None or day <= end):
                return self.ruleset(rid, tenant)
        raise NoRuleSet(
            f"no rule set is in force on {day.isoformat()}: the catalogue starts on "
            f"{self.in_force_from.isoformat()} (Law 06/2022/QH15 took effect on 1 January 2024, Art. 94(1))"
        )


def default_catalogue() -> Catalogue:
    """The shipped rule sets, with the tenants' overrides from VINHDANH_TENANT_DIR."""
    return _catalogue(get_settings().tenant_dir)


@lru_cache
def _catalogue(tenant_dir: Path | None) -> Catalogue:
    return Catalogue(tenant_dirs=(tenant_dir,) if tenant_dir else ())
