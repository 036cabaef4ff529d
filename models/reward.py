"""Reward money (tiền thưởng): what a decision pays each nominee — the coefficient (hệ số) of the
award in the decree in force × the base salary (mức lương cơ sở) on the decision's date, rounded
up to the ten thousand đồng.

Both are data (catalogue/reward_money.toml): the coefficients per rule set with their articles,
the base salary as effective-dated rows to which a tenant adds its own. The person who decides
pays from the fund of his or her level (Law 06/2022 Art. 11(4)); this computes what is owed.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from models.catalogue import HERE, Catalogue, CatalogueError, RuleSet, default_catalogue
from models.decisions import Decision
from models.errors import IllegalTransition, InvalidInput
from models.nominations import Nomination, of_decision
from models.routing import Org

DATA = HERE / "reward_money.toml"
SUBJECTS = ("individual", "collective")


@dataclass(frozen=True)
class Coefficient:
    """How many base salaries an award pays one subject, and where the decree says so."""

    value: Decimal
    article: str
    verified: bool
    source: str


@dataclass(frozen=True)
class BaseSalary:
    effective_from: date
    amount: int  # đồng a month
    decree: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Rounding:
    step: int  # đồng: amounts are rounded up to a multiple of it
    article: str
    verified: bool

    def up(self, amount: Decimal) -> int:
        return int((amount / self.step).to_integral_value(rounding=ROUND_CEILING)) * self.step


@dataclass(frozen=True)
class Payment:
    """One nominee's line of a decision's list of reward money."""

    nomination: Nomination
    subject: str  # "individual" | "collective"
    coefficient: Coefficient
    amount: int


@dataclass(frozen=True)
class RewardList:
    """Danh sách chi tiền thưởng of one decision."""

    decision: Decision
    ruleset: RuleSet
    base: BaseSalary
    rounding: Rounding
    payments: list[Payment]

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.payments)


class RewardTable:
    """The coefficients of every rule set and the shipped base-salary rows, checked when loaded
    against the catalogue: every award of every rule set pays each subject it has a route for."""

    def __init__(self, catalogue: Catalogue, path: Path = DATA):
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        self.catalogue = catalogue
        self.salaries = _salaries(raw.get("base_salary", []), path.name)
        self.coefficients: dict[tuple[str, str, str], Coefficient] = {}
        self.rounding: dict[str, Rounding] = {}
        for ruleset_id, table in raw["rulesets"].items():
            self.rounding[ruleset_id] = Rounding(
                table["rounding_step"], table["rounding_article"], table.get("rounding_verified", True)
            )
            for code, spec in table["awards"].items():
                for subject in SUBJECTS:
                    if subject in spec:
                        self.coefficients[ruleset_id, code, subject] = Coefficient(
                            Decimal(spec[subject]),
                            spec["article"],
                            spec.get("verified", True),
                            spec["source"],
                        )
        for ruleset_id in catalogue.ruleset_ids:
            rules = catalogue.ruleset(ruleset_id)
            if ruleset_id not in self.rounding:
                raise CatalogueError(f"{path.name}: no reward money for rule set {ruleset_id}")
            missing = [
                f"{code} ({subject})"
                for code, award in rules.awards.items()
                for subject in sorted(award.subjects)
                if (ruleset_id, code, subject) not in self.coefficients
            ]
            if missing:
                raise CatalogueError(
                    f"{path.name}: {ruleset_id} pays no coefficient for {', '.join(missing)}"
                )

    def coefficient(self, rules: RuleSet, code: str, subject: str) -> Coefficient:
        return self.coefficients[rules.id, code, subject]

    def base_salary(self, day: date, tenant: str | None = None) -> BaseSalary:
        """The row in force on `day`: the latest starting on or before it, a tenant's own row
        before a shipped one of the same date."""
        rows = self.salaries + _salaries(self.catalogue.tenant_rows(tenant, "base_salary"), f"{tenant}.toml")
        in_force = [row for row in rows if row.effective_from <= day]
        if not in_force:
            first = min(row.effective_from for row in rows)
            raise InvalidInput(
                f"Chưa có mức lương cơ sở áp dụng cho ngày {day:%d/%m/%Y} (the first row starts on {first})",
                field="signed_on",
            )
        return max(in_force, key=lambda row: row.effective_from)


def _salaries(rows: list, where: str) -> list[BaseSalary]:
    salaries = []
    for row in rows:
        amount = row.get("amount")
        if not isinstance(row.get("from"), date) or not isinstance(amount, int) or amount <= 0:
            raise CatalogueError(f"{where}: a base_salary row needs `from` (a date) and `amount` (đồng > 0)")
        if not row.get("decree"):
            raise CatalogueError(f"{where}: the base_salary row from {row['from']} names no decree")
        salaries.append(
            BaseSalary(row["from"], amount, row["decree"], row.get("verified", False), row.get("source", ""))
        )
    return salaries


@lru_cache
def _table(catalogue: Catalogue) -> RewardTable:
    return RewardTable(catalogue)


def reward_table() -> RewardTable:
    """The shipped table, against the catalogue with the tenants of VINHDANH_TENANT_DIR."""
    return _table(default_catalogue())


def decision_money(session: Session, decision: Decision) -> RewardList:
    """What a signed decision pays each nominee, under the rule set and the base salary in force
    on the day it was signed (the decree's 'thời điểm ban hành quyết định')."""
    if decision.signed_on is None:
        raise IllegalTransition(f"Quyết định #{decision.id} chưa được ký: chưa tính được tiền thưởng")
    tenant = Org.of(session).tenant(decision.issuer_unit_id)
    table = reward_table()
    rules = table.catalogue.for_date(decision.signed_on, tenant)
    base = table.base_salary(decision.signed_on, tenant)
    rounding = table.rounding[rules.id]
    nominations = of_decision(session, decision.id)
    payments = []
    for n in nominations:
        subject = "individual" if n.person_id else "collective"
        coefficient = table.coefficient(rules, n.award_code, subject)
        payments.append(Payment(n, subject, coefficient, rounding.up(coefficient.value * base.amount)))
    return RewardList(decision, rules, base, rounding, payments)
