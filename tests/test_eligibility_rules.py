"""Eligibility rules as a specification: every data rule of every award in the catalogue, each with
cases that pass and cases that fail, named after the article of Law 06/2022/QH15 they encode.

Each case builds a subject's history from plain data, asks the engine for a verdict on one award for
the review year Y (2025 unless a case says otherwise, checked on 10 January of the following year)
and looks up the one rule under test in the verdict's reasons: its article, whether it passed and the
evidence it cites. A case marked `eligible=True` also asserts that the whole route passes.

`test_every_data_rule_has_a_passing_and_a_failing_case` fails when a rule is added to the catalogue
without cases here.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import pytest

from models.catalogue import NoRuleSet, UnknownAward, default_catalogue
from models.eligibility import (
    ELIGIBLE,
    INELIGIBLE,
    NEEDS_JUDGEMENT,
    History,
    SubjectMismatch,
    Verdict,
    check,
    history_from_data,
)

Y = 2025  # the review year of the cases
ND98 = "law06-2022+nd98-2023"
ND152 = "law06-2022+nd152-2025"
NOT_TWICE = "Law 06/2022 Art. 5(2)(c)"


# ----------------------------------------------------------------------------- building subjects


class Subject(NamedTuple):
    kind: str  # "individual" | "collective"
    data: dict[str, Any]

    def history(self) -> History:
        return history_from_data(self.kind, self.data)


def rated(level: str, first: int, last: int | None = None) -> dict[int, str]:
    """The same rating for every year first..last: `rated("HTT", 2021, 2025)`."""
    return {year: level for year in range(first, (last or first) + 1)}


def _records(awards: dict[str, Iterable[int]], revoked: dict[str, Iterable[int]] | None) -> list[dict]:
    """Award codes as keyword arguments: `CSTDCS=[2023, 2024]`; a year listed twice is two awards."""
    records = [{"code": code, "year": year} for code, years in awards.items() for year in years]
    for code, years in (revoked or {}).items():
        records += [{"code": code, "year": year, "revoked": True} for year in years]
    return records


def person(
    ratings: dict[int, str] | None = None,
    *,
    initiatives: Iterable[tuple[int, str]] = (),
    discipline: dict[int, str] | None = None,
    revoked: dict[str, Iterable[int]] | None = None,
    name: str = "",
    **awards: Iterable[int],
) -> Subject:
    return Subject(
        "individual",
        {
            "name": name,
            "ratings": [{"year": y, "level": level} for y, level in (ratings or {}).items()],
            "awards": _records(awards, revoked),
            "initiatives": [{"year": y, "scope": scope} for y, scope in initiatives],
            "discipline": [{"year": y, "level": level} for y, level in (discipline or {}).items()],
        },
    )


def unit(
    ratings: dict[int, str] | None = None,
    *,
    members: Iterable[Subject] = (),
    led: Iterable[tuple[int, str]] = (),
    flag_eligible: bool = True,
    founded: date | None = date(2000, 1, 1),
    **awards: Iterable[int],
) -> Subject:
    return Subject(
        "collective",
        {
            "ratings": [{"year": y, "level": level} for y, level in (ratings or {}).items()],
            "awards": _records(awards, None),
            "members": [member.data for member in members],
            "clusters": [{"year": y, "organiser": organiser} for y, organiser in led],
            "flag_eligible": flag_eligible,
            "founded": founded,
        },
    )


def staff(count: int, level: str, *codes: str, year: int = Y) -> list[Subject]:
    """`count` members rated `level` in `year`, each holding the titles `codes` for that year."""
    return [
        person({year: level}, name=f"{level} {i + 1}", **{c: [year] for c in codes}) for i in range(count)
    ]


# Members of a collective in Y: exactly 70% advanced workers (Art. 27(1)(c), 28(1)(c)).
TEAM = staff(7, "HTT", "LDTT") + staff(3, "HT")
# ... and one of them a grassroots fighter, everyone at least completing their tasks (Art. 27(1)).
EXCELLENT_TEAM = staff(1, "HTXS", "LDTT", "CSTDCS") + staff(6, "HTT", "LDTT") + staff(3, "HT")


# ----------------------------------------------------------------------------- evidence facts


def award(code: str, year: int, **more: Any) -> dict:
    return {"type": "award", "code": code, "year": year, **more}


def restarts_after(code: str, year: int) -> dict:
    return award(code, year, note="counting restarts after")


def rating(year: int, level: str | None) -> dict:
    return {"type": "rating", "year": year, "level": level}


def initiative(year: int, scope: str) -> dict:
    return {"type": "initiative", "year": year, "scope": scope}


def missing(**what: Any) -> dict:
    return {"type": "missing", **what}


def period(years: int) -> dict:
    return {"type": "period", "years": years}


def streak_break(year: int, level: str) -> dict:
    return {"type": "streak_break", "year": year, "level": level}


def members(**what: Any) -> dict:
    return {"type": "members", **what}


def cluster_lead(year: int, organiser: str) -> dict:
    return {"type": "cluster_lead", "year": year, "organiser": organiser}


# ----------------------------------------------------------------------------- the table's shape


@dataclass(frozen=True)
class Rule:
    award: str
    route: str
    rule: str
    article: str


@dataclass(frozen=True)
class Case:
    rule: Rule
    situation: str
    passed: bool
    subject: Subject
    shows: tuple[dict, ...] = ()  # facts the rule's evidence must contain (each a subset of one fact)
    year: int = Y
    eligible: bool = False  # the whole route passes too
    judged: bool = False  # the route rests on judgement: its prerequisites met, it goes to the council

    @property
    def id(self) -> str:
        return f"{self.rule.award}-{article_slug(self.rule.article)}_{self.rule.rule}-{self.situation}"

    def param(self):
        return pytest.param(self, id=self.id)


def article_slug(article: str) -> str:
    """'Law 06/2022 Art. 22(1)(b), 22(2)' → 'art_22_1_b_22_2' (đ → dd)."""
    text = article.removeprefix("Law 06/2022 Art. ").replace("đ", "dd")
    return "art_" + re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def passes(rule: Rule, situation: str, subject: Subject, *shows: dict, **options: Any) -> Case:
    return Case(rule, situation, True, subject, shows, **options)


def fails(rule: Rule, situation: str, subject: Subject, *shows: dict, **options: Any) -> Case:
    return Case(rule, situation, False, subject, shows, **options)


CASES: list[Case] = []

# ============================================================================ individual titles

# Art. 24(1)(a): "Lao động tiên tiến" — "Hoàn thành tốt nhiệm vụ trở lên".
LDTT_GOOD = Rule("LDTT", "periodic", "rated_good_or_better", "Law 06/2022 Art. 24(1)(a)")
CASES += [
    passes(LDTT_GOOD, "rated_good", person({Y: "HTT"}), rating(Y, "HTT"), eligible=True),
    passes(LDTT_GOOD, "rated_excellent", person({Y: "HTXS"}), rating(Y, "HTXS"), eligible=True),
    fails(LDTT_GOOD, "rated_only_completed", person({Y: "HT"}), rating(Y, "HT")),
    fails(LDTT_GOOD, "not_rated_in_the_review_year", person({Y - 1: "HTXS"}), rating(Y, None)),
]

# Art. 23: "Chiến sĩ thi đua cơ sở" — (1) meets the LĐTT standard and (2) excellent or an initiative.
CSTDCS_ADVANCED = Rule("CSTDCS", "periodic", "meets_advanced_worker", "Law 06/2022 Art. 23(1)")
CSTDCS_EXCELLENT = Rule("CSTDCS", "periodic", "excellent_or_initiative", "Law 06/2022 Art. 23(2)")
CASES += [
    passes(
        CSTDCS_ADVANCED,
        "holds_advanced_worker",
        person({Y: "HTXS"}, LDTT=[Y]),
        award("LDTT", Y),
        eligible=True,
    ),
    passes(
        CSTDCS_ADVANCED,
        "meets_the_advanced_worker_standard_without_the_title",
        person({Y: "HTXS"}),
        rating(Y, "HTXS"),
        eligible=True,
    ),
    fails(CSTDCS_ADVANCED, "rated_only_completed", person({Y: "HT"}, initiatives=[(Y, "unit")])),
    passes(CSTDCS_EXCELLENT, "rated_excellent", person({Y: "HTXS"}, LDTT=[Y]), rating(Y, "HTXS")),
    passes(
        CSTDCS_EXCELLENT,
        "rated_good_with_an_initiative_recognised_by_the_unit",
        person({Y: "HTT"}, LDTT=[Y], initiatives=[(Y, "unit")]),
        initiative(Y, "unit"),
        eligible=True,
    ),
    fails(CSTDCS_EXCELLENT, "rated_good_without_initiative", person({Y: "HTT"}, LDTT=[Y])),
    fails(
        CSTDCS_EXCELLENT,
        "initiative_of_an_earlier_year",
        person(rated("HTT", Y - 1, Y), LDTT=[Y], initiatives=[(Y - 1, "unit")]),
    ),
]

# Art. 22(1): provincial fighter — (a) "03 lần liên tục" CSTĐCS, (b) an initiative of provincial scope.
CSTD_TINH_CHAIN = Rule(
    "CSTD_TINH", "periodic", "three_consecutive_grassroots_fighter", "Law 06/2022 Art. 22(1)(a)"
)
CSTD_TINH_INITIATIVE = Rule(
    "CSTD_TINH", "periodic", "initiative_province_scope", "Law 06/2022 Art. 22(1)(b), 22(2)"
)
CASES += [
    passes(
        CSTD_TINH_CHAIN,
        "three_consecutive_years",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2024, "province")]),
        award("CSTDCS", 2023),
        award("CSTDCS", 2024),
        award("CSTDCS", 2025),
        eligible=True,
    ),
    fails(
        CSTD_TINH_CHAIN,
        "non_consecutive_years",
        person(CSTDCS=[2022, 2024, 2025]),
        missing(codes=["CSTDCS"], year=2023),
    ),
    fails(
        CSTD_TINH_CHAIN,
        "streak_broken_by_a_lower_title",
        person(CSTDCS=[2023, 2025], LDTT=[2024]),
        missing(codes=["CSTDCS"], year=2024),
    ),
    fails(CSTD_TINH_CHAIN, "two_instead_of_three", person(CSTDCS=[2024, 2025]), missing(year=2023)),
    fails(
        CSTD_TINH_CHAIN,
        "third_title_not_in_the_review_year",
        person({Y: "HTT"}, CSTDCS=[2022, 2023, 2024], LDTT=[Y]),
        missing(year=2025),
    ),
    fails(
        CSTD_TINH_CHAIN,
        "chain_restarts_after_the_previous_provincial_fighter",
        person(CSTDCS=[2021, 2022, 2023, 2024, 2025], CSTD_TINH=[2023]),
        restarts_after("CSTD_TINH", 2023),
    ),
    fails(
        CSTD_TINH_CHAIN,
        "chain_restarts_after_a_ministry_fighter",
        person(CSTDCS=[2023, 2024, 2025], CSTD_BO=[2024]),
        restarts_after("CSTD_BO", 2024),
    ),
    passes(
        CSTD_TINH_CHAIN,
        "second_title_after_three_new_grassroots_titles",
        person(CSTDCS=range(2020, 2026), CSTD_TINH=[2022], initiatives=[(2024, "province")]),
        award("CSTDCS", 2023),
        eligible=True,
    ),
    fails(
        CSTD_TINH_CHAIN,
        "revoked_grassroots_title_does_not_count",
        person(CSTDCS=[2023, 2025], revoked={"CSTDCS": [2024]}),
        missing(year=2024),
    ),
    passes(
        CSTD_TINH_CHAIN,
        "revoked_provincial_title_does_not_restart_the_chain",
        person(CSTDCS=[2023, 2024, 2025], revoked={"CSTD_TINH": [2024]}),
    ),
    passes(
        CSTD_TINH_INITIATIVE,
        "provincial_initiative_within_the_three_years",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2023, "province")]),
        initiative(2023, "province"),
        eligible=True,
    ),
    passes(
        CSTD_TINH_INITIATIVE,
        "national_initiative_counts",
        person(initiatives=[(2025, "national")]),
        initiative(2025, "national"),
    ),
    fails(
        CSTD_TINH_INITIATIVE,
        "unit_initiative_only",
        person(initiatives=[(2025, "unit")]),
        missing(initiatives=1, scope_at_least="province"),
    ),
    fails(
        CSTD_TINH_INITIATIVE,
        "initiative_older_than_the_three_years",
        person({Y: "HTT"}, initiatives=[(2022, "province")]),
        missing(years=[2023, 2025]),
    ),
    fails(
        CSTD_TINH_INITIATIVE,
        "initiative_already_counted_for_the_previous_fighter_title",
        person(CSTD_BO=[2023], initiatives=[(2023, "province")]),
        missing(years=[2024, 2025]),
    ),
]

# Art. 22(1) for a ministry: the same chain, an initiative of ministry scope.
CSTD_BO_CHAIN = Rule(
    "CSTD_BO", "periodic", "three_consecutive_grassroots_fighter", "Law 06/2022 Art. 22(1)(a)"
)
CSTD_BO_INITIATIVE = Rule(
    "CSTD_BO", "periodic", "initiative_ministry_scope", "Law 06/2022 Art. 22(1)(b), 22(2)"
)
CASES += [
    passes(
        CSTD_BO_CHAIN,
        "three_consecutive_years",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2025, "ministry")]),
        eligible=True,
    ),
    fails(
        CSTD_BO_CHAIN,
        "chain_restarts_after_a_provincial_fighter",
        person(CSTDCS=[2022, 2023, 2024, 2025], CSTD_TINH=[2023]),
        restarts_after("CSTD_TINH", 2023),
    ),
    passes(
        CSTD_BO_INITIATIVE,
        "ministry_initiative",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2024, "ministry")]),
        eligible=True,
    ),
    fails(CSTD_BO_INITIATIVE, "unit_initiative_only", person(initiatives=[(2024, "unit"), (2025, "unit")])),
    passes(
        CSTD_BO_INITIATIVE,
        "evidence_names_the_ministry_scope_recognised_by_the_minister",
        person(initiatives=[(2024, "ministry")]),
        initiative(2024, "ministry"),
    ),
    # Art. 22(2): the head of the awarding ministry or province recognises the initiative's scope.
    fails(
        CSTD_BO_INITIATIVE,
        "art_22_2_a_province_recognised_initiative_does_not_carry_a_ministry_title",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2024, "province")]),
        missing(initiatives=1, recognised_by=["ministry", "national"]),
    ),
    fails(
        CSTD_TINH_INITIATIVE,
        "art_22_2_a_ministry_recognised_initiative_does_not_carry_a_provincial_title",
        person(CSTDCS=[2023, 2024, 2025], initiatives=[(2024, "ministry")]),
        missing(initiatives=1, scope_at_least="province", recognised_by=["national", "province"]),
    ),
]

# Art. 21(1): national fighter — (a) "02 lần liên tục" ministry/provincial fighter, one 3-year cycle
# apart (each needs three new grassroots titles); (b) an initiative of national scope.
CSTD_TQ_CHAIN = Rule("CSTD_TQ", "periodic", "two_consecutive_provincial_fighter", "Law 06/2022 Art. 21(1)(a)")
CSTD_TQ_INITIATIVE = Rule(
    "CSTD_TQ", "periodic", "initiative_national_scope", "Law 06/2022 Art. 21(1)(b), 21(2)"
)
CASES += [
    passes(
        CSTD_TQ_CHAIN,
        "one_three_year_cycle_apart",
        person(CSTD_TINH=[2022, 2025], initiatives=[(2024, "national")]),
        award("CSTD_TINH", 2022),
        award("CSTD_TINH", 2025),
        eligible=True,
    ),
    passes(
        CSTD_TQ_CHAIN,
        "ministry_title_then_provincial_title",
        person(CSTD_BO=[2022], CSTD_TINH=[2025]),
        award("CSTD_BO", 2022),
        award("CSTD_TINH", 2025),
    ),
    fails(
        CSTD_TQ_CHAIN,
        "four_years_apart_is_not_consecutive",
        person(CSTD_TINH=[2021, 2025]),
        missing(codes=["CSTD_BO", "CSTD_TINH"], year=2022),
    ),
    fails(CSTD_TQ_CHAIN, "only_one_provincial_fighter", person(CSTD_TINH=[2025]), missing(year=2022)),
    fails(
        CSTD_TQ_CHAIN,
        "chain_restarts_after_the_previous_national_fighter",
        person(CSTD_TINH=[2022, 2025], CSTD_TQ=[2022]),
        restarts_after("CSTD_TQ", 2022),
    ),
    passes(
        CSTD_TQ_INITIATIVE,
        "national_initiative_within_the_six_years",
        person(CSTD_TINH=[2022, 2025], initiatives=[(2020, "national")]),
        initiative(2020, "national"),
        eligible=True,
    ),
    fails(
        CSTD_TQ_INITIATIVE,
        "provincial_initiative_only",
        person(CSTD_TINH=[2022, 2025], initiatives=[(2024, "province")]),
        missing(scope_at_least="national"),
    ),
    fails(
        CSTD_TQ_INITIATIVE,
        "national_initiative_older_than_the_six_years",
        person(CSTD_TINH=[2022, 2025], initiatives=[(2019, "national")]),
        missing(years=[2020, 2025]),
    ),
]

# ============================================================================ collective titles

# Art. 28(1): "Tập thể lao động tiên tiến" — (a) completed tasks well; (c) ≥70% of members LĐTT and
# no member disciplined "từ hình thức cảnh cáo trở lên".
TTLDTT_GOOD = Rule("TTLDTT", "periodic", "collective_rated_good_or_better", "Law 06/2022 Art. 28(1)(a)")
TTLDTT_SHARE = Rule("TTLDTT", "periodic", "members_advanced_worker_share", "Law 06/2022 Art. 28(1)(c)")
TTLDTT_DISCIPLINE = Rule("TTLDTT", "periodic", "no_member_warned_or_worse", "Law 06/2022 Art. 28(1)(c)")


def team_with_discipline(year: int, level: str) -> list[Subject]:
    culprit = person({Y: "HTT"}, LDTT=[Y], discipline={year: level}, name="Trần Thị B")
    return [*TEAM[:6], culprit, *TEAM[7:]]


CASES += [
    passes(TTLDTT_GOOD, "rated_good", unit({Y: "HTT"}, members=TEAM), rating(Y, "HTT"), eligible=True),
    fails(TTLDTT_GOOD, "rated_only_completed", unit({Y: "HT"}, members=TEAM), rating(Y, "HT")),
    passes(
        TTLDTT_SHARE,
        "exactly_70_percent",
        unit({Y: "HTT"}, members=TEAM),
        members(total=10, holding=7),
        eligible=True,
    ),
    fails(
        TTLDTT_SHARE,
        "just_below_70_percent",
        unit({Y: "HTT"}, members=staff(69, "HTT", "LDTT") + staff(31, "HT")),
        members(total=100, holding=69),
    ),
    fails(
        TTLDTT_SHARE,
        "advanced_worker_titles_of_the_previous_year",
        unit({Y: "HTT"}, members=[person(rated("HTT", Y - 1, Y), LDTT=[Y - 1]) for _ in range(10)]),
        members(total=10, holding=0),
    ),
    fails(TTLDTT_SHARE, "no_members_recorded", unit({Y: "HTT"}), members(total=0)),
    passes(
        TTLDTT_DISCIPLINE,
        "a_member_reprimanded_khien_trach",
        unit({Y: "HTT"}, members=team_with_discipline(Y, "KHIEN_TRACH")),
        eligible=True,
    ),
    fails(
        TTLDTT_DISCIPLINE,
        "a_member_warned_canh_cao",
        unit({Y: "HTT"}, members=team_with_discipline(Y, "CANH_CAO")),
        {"type": "discipline", "year": Y, "member": "Trần Thị B", "level": "CANH_CAO"},
    ),
    fails(
        TTLDTT_DISCIPLINE,
        "a_member_demoted_in_salary",
        unit({Y: "HTT"}, members=team_with_discipline(Y, "HA_BAC_LUONG")),
        {"type": "discipline", "level": "HA_BAC_LUONG"},
    ),
    passes(
        TTLDTT_DISCIPLINE,
        "warning_in_an_earlier_year",
        unit({Y: "HTT"}, members=team_with_discipline(Y - 1, "CANH_CAO")),
    ),
]

# Art. 27(1): "Tập thể lao động xuất sắc" — (a) excellent; (c) 100% of members complete their tasks,
# ≥70% LĐTT; (d) "Có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở".
TTLDXS_EXCELLENT = Rule("TTLDXS", "periodic", "collective_rated_excellent", "Law 06/2022 Art. 27(1)(a)")
TTLDXS_ALL_DONE = Rule("TTLDXS", "periodic", "all_members_completed_tasks", "Law 06/2022 Art. 27(1)(c)")
TTLDXS_SHARE = Rule("TTLDXS", "periodic", "members_advanced_worker_share", "Law 06/2022 Art. 27(1)(c)")
TTLDXS_FIGHTER = Rule("TTLDXS", "periodic", "has_grassroots_fighter", "Law 06/2022 Art. 27(1)(d)")
CASES += [
    passes(
        TTLDXS_EXCELLENT,
        "rated_excellent",
        unit({Y: "HTXS"}, members=EXCELLENT_TEAM),
        rating(Y, "HTXS"),
        eligible=True,
    ),
    fails(TTLDXS_EXCELLENT, "rated_good", unit({Y: "HTT"}, members=EXCELLENT_TEAM), rating(Y, "HTT")),
    passes(
        TTLDXS_ALL_DONE,
        "every_member_at_least_completed",
        unit({Y: "HTXS"}, members=EXCELLENT_TEAM),
        members(total=10, below=[]),
        eligible=True,
    ),
    fails(
        TTLDXS_ALL_DONE,
        "one_member_did_not_complete_kht",
        unit({Y: "HTXS"}, members=[*EXCELLENT_TEAM[:9], person({Y: "KHT"}, name="Lê Văn C")]),
        members(total=10, below=["Lê Văn C"]),
    ),
    fails(
        TTLDXS_ALL_DONE,
        "one_member_not_rated",
        unit({Y: "HTXS"}, members=[*EXCELLENT_TEAM[:9], person({Y - 1: "HTXS"}, name="Phạm D")]),
        members(below=["Phạm D"]),
    ),
    passes(
        TTLDXS_SHARE,
        "exactly_70_percent",
        unit({Y: "HTXS"}, members=EXCELLENT_TEAM),
        members(total=10, holding=7),
    ),
    fails(
        TTLDXS_SHARE,
        "60_percent",
        unit({Y: "HTXS"}, members=EXCELLENT_TEAM[:6] + staff(4, "HT")),
        members(total=10, holding=6),
    ),
    passes(
        TTLDXS_FIGHTER,
        "one_grassroots_fighter",
        unit({Y: "HTXS"}, members=EXCELLENT_TEAM),
        members(holding=1, codes=["CSTDCS"]),
    ),
    fails(TTLDXS_FIGHTER, "no_grassroots_fighter", unit({Y: "HTXS"}, members=TEAM), members(holding=0)),
    fails(
        TTLDXS_FIGHTER,
        "grassroots_fighter_of_the_previous_year",
        unit({Y: "HTXS"}, members=[person(rated("HTXS", Y - 1, Y), LDTT=[Y], CSTDCS=[Y - 1]), *TEAM[1:]]),
        members(holding=0),
    ),
]

# Art. 26(1): provincial / ministry flag — leads the emulation cluster the province (ministry)
# organises and (a) "Hoàn thành vượt các chỉ tiêu thi đua và nhiệm vụ được giao trong năm".
CO_TINH_LEADS = Rule("CO_TD_TINH", "periodic", "leads_provincial_cluster", "Law 06/2022 Art. 26(1)")
CO_TINH_TARGETS = Rule("CO_TD_TINH", "periodic", "exceeded_targets", "Law 06/2022 Art. 26(1)(a)")
CO_BO_LEADS = Rule("CO_TD_BO", "periodic", "leads_ministry_cluster", "Law 06/2022 Art. 26(1)")
CO_BO_TARGETS = Rule("CO_TD_BO", "periodic", "exceeded_targets", "Law 06/2022 Art. 26(1)(a)")
CASES += [
    passes(
        CO_TINH_LEADS,
        "leads_a_provincial_cluster",
        unit({Y: "HTXS"}, led=[(Y, "province")]),
        cluster_lead(Y, "province"),
        eligible=True,
    ),
    fails(CO_TINH_LEADS, "leads_a_ministry_cluster", unit({Y: "HTXS"}, led=[(Y, "ministry")])),
    fails(CO_TINH_LEADS, "led_the_cluster_the_year_before", unit({Y: "HTXS"}, led=[(Y - 1, "province")])),
    passes(CO_TINH_TARGETS, "rated_excellent", unit({Y: "HTXS"}, led=[(Y, "province")]), rating(Y, "HTXS")),
    fails(CO_TINH_TARGETS, "rated_good", unit({Y: "HTT"}, led=[(Y, "province")]), rating(Y, "HTT")),
    passes(
        CO_BO_LEADS,
        "leads_a_ministry_cluster",
        unit({Y: "HTXS"}, led=[(Y, "ministry")]),
        cluster_lead(Y, "ministry"),
        eligible=True,
    ),
    fails(CO_BO_LEADS, "leads_a_provincial_cluster", unit({Y: "HTXS"}, led=[(Y, "province")])),
    passes(CO_BO_TARGETS, "rated_excellent", unit({Y: "HTXS"}, led=[(Y, "ministry")])),
    fails(CO_BO_TARGETS, "rated_good", unit({Y: "HTT"}, led=[(Y, "ministry")]), rating(Y, "HTT")),
]

# Art. 25: Government flag — (1) "tiêu biểu xuất sắc trong số các tập thể dẫn đầu" ministry/provincial
# clusters, with (a) targets exceeded: a comparative selection, so leading and exceeding make a
# candidate for the council, never a pass; (2) the leader of a cluster of the Central Council.
CO_CP_LEADS = Rule(
    "CO_TD_CP", "among_cluster_leaders", "leads_ministry_or_provincial_cluster", "Law 06/2022 Art. 25(1)"
)
CO_CP_TARGETS = Rule("CO_TD_CP", "among_cluster_leaders", "exceeded_targets", "Law 06/2022 Art. 25(1)(a)")
CO_CP_CENTRAL = Rule("CO_TD_CP", "central_cluster_leader", "leads_central_cluster", "Law 06/2022 Art. 25(2)")
CASES += [
    passes(
        CO_CP_LEADS,
        "art_25_1_a_provincial_cluster_leader_is_a_candidate_for_the_council_not_a_pass",
        unit({Y: "HTXS"}, led=[(Y, "province")]),
        cluster_lead(Y, "province"),
        judged=True,
    ),
    passes(CO_CP_LEADS, "leads_a_ministry_cluster", unit({Y: "HTXS"}, led=[(Y, "ministry")])),
    fails(CO_CP_LEADS, "leads_no_cluster", unit({Y: "HTXS"})),
    fails(CO_CP_LEADS, "leads_only_a_central_cluster", unit({Y: "HTXS"}, led=[(Y, "central")])),
    passes(CO_CP_TARGETS, "rated_excellent", unit({Y: "HTXS"}, led=[(Y, "ministry")]), judged=True),
    fails(CO_CP_TARGETS, "rated_good", unit({Y: "HTT"}, led=[(Y, "province")]), rating(Y, "HTT")),
    passes(
        CO_CP_CENTRAL,
        "leads_a_central_cluster_whatever_its_rating",
        unit({Y: "HTT"}, led=[(Y, "central")]),
        cluster_lead(Y, "central"),
        eligible=True,
    ),
    fails(CO_CP_CENTRAL, "leads_a_provincial_cluster", unit({Y: "HTT"}, led=[(Y, "province")])),
]

# ============================================================================ Giấy khen, Bằng khen

# Art. 75(2): the ministry or province sets the Giấy khen criteria (see
# test_art_75_2_giay_khen_criteria_are_the_tenants_or_the_councils below).


# Art. 74(1)(d), individuals: "02 lần liên tục" CSTĐCS, or "liên tục từ 02 năm trở lên" excellent
# with 02 initiatives recognised at unit level in that time. Art. 74(3)(d), collectives: "02 năm liên
# tục" excellent or TTLĐXS. Bằng khen Bộ and tỉnh share the criteria (and restart each other).
def bang_khen_cases(code: str, other: str) -> list[Case]:
    """Cases of Art. 74(1)(d) and 74(3)(d) for `code`; `other` is the certificate of the same family."""
    chain = Rule(
        code, "two_grassroots_fighter", "two_consecutive_grassroots_fighter", "Law 06/2022 Art. 74(1)(d)"
    )
    streak = Rule(code, "excellent_with_initiatives", "two_years_excellent", "Law 06/2022 Art. 74(1)(d)")
    ideas = Rule(code, "excellent_with_initiatives", "two_initiatives_in_period", "Law 06/2022 Art. 74(1)(d)")
    collective = Rule(
        code,
        "two_years_excellent_collective",
        "two_years_excellent_or_excellent_collective",
        "Law 06/2022 Art. 74(3)(d)",
    )
    return [
        passes(
            chain,
            "two_consecutive_years",
            person(CSTDCS=[2024, 2025]),
            award("CSTDCS", 2024),
            award("CSTDCS", 2025),
            eligible=True,
        ),
        fails(chain, "non_consecutive_years", person(CSTDCS=[2023, 2025]), missing(year=2024)),
        fails(
            chain,
            f"chain_restarts_after_a_previous_{other}",
            person(CSTDCS=[2023, 2024, 2025], **{other: [2024]}),
            restarts_after(other, 2024),
        ),
        passes(
            chain,
            "two_new_titles_after_a_previous_certificate",
            person(CSTDCS=[2022, 2023, 2024, 2025], **{code: [2023]}),
            eligible=True,
        ),
        passes(
            streak,
            "two_excellent_years",
            person(rated("HTXS", 2024, 2025), initiatives=[(2024, "unit"), (2025, "unit")]),
            rating(2024, "HTXS"),
            period(2),
            eligible=True,
        ),
        fails(
            streak,
            "streak_broken_by_a_good_rating",
            person({2023: "HTXS", 2024: "HTT", 2025: "HTXS"}, initiatives=[(2025, "unit"), (2025, "unit")]),
            streak_break(2024, "HTT"),
            period(1),
        ),
        fails(
            streak,
            f"window_restarts_after_a_previous_{other}",
            person(
                rated("HTXS", 2022, 2025), initiatives=[(2025, "unit"), (2025, "unit")], **{other: [2024]}
            ),
            restarts_after(other, 2024),
            period(1),
        ),
        passes(
            ideas,
            "two_initiatives_in_one_year",
            person(rated("HTXS", 2024, 2025), initiatives=[(2025, "unit"), (2025, "unit")]),
            initiative(2025, "unit"),
        ),
        fails(
            ideas,
            "one_initiative_instead_of_two",
            person(rated("HTXS", 2024, 2025), initiatives=[(2024, "unit")]),
            missing(initiatives=1, scope_at_least="unit"),
        ),
        fails(
            ideas,
            "initiative_before_the_excellent_streak_does_not_count",
            person({2023: "HT", 2024: "HTXS", 2025: "HTXS"}, initiatives=[(2023, "unit"), (2025, "unit")]),
            missing(initiatives=1, years=[2024, 2025]),
        ),
        passes(collective, "two_excellent_years", unit(rated("HTXS", 2024, 2025)), period(2), eligible=True),
        passes(
            collective,
            "excellent_collective_title_instead_of_an_excellent_rating",
            unit({2024: "HTT", 2025: "HTXS"}, TTLDXS=[2024]),
            period(2),
        ),
        fails(
            collective,
            "one_excellent_year",
            unit({2024: "HTT", 2025: "HTXS"}),
            streak_break(2024, "HTT"),
            period(1),
        ),
        fails(
            collective,
            f"window_restarts_after_a_previous_{other}",
            unit(rated("HTXS", 2022, 2025), **{other: [2024]}),
            restarts_after(other, 2024),
        ),
    ]


CASES += bang_khen_cases("BK_TINH", other="BK_BO") + bang_khen_cases("BK_BO", other="BK_TINH")

# Art. 73(1)(b), individuals: "Đã được tặng bằng khen của Bộ, ban, ngành, tỉnh và có liên tục từ 05 năm
# trở lên đến thời điểm đề nghị được công nhận hoàn thành tốt nhiệm vụ trở lên, trong thời gian đó có 03
# lần được tặng danh hiệu 'Chiến sĩ thi đua cơ sở'".
BK_TTG_CERTIFICATE = Rule("BK_TTG", "periodic", "holds_provincial_certificate", "Law 06/2022 Art. 73(1)(b)")
BK_TTG_FIVE_YEARS = Rule("BK_TTG", "periodic", "five_years_good_or_better", "Law 06/2022 Art. 73(1)(b)")
BK_TTG_FIGHTERS = Rule(
    "BK_TTG", "periodic", "three_grassroots_fighter_in_period", "Law 06/2022 Art. 73(1)(b)"
)
CASES += [
    passes(
        BK_TTG_CERTIFICATE,
        "holds_a_provincial_certificate",
        person(rated("HTT", 2020, 2025), BK_TINH=[2019], CSTDCS=[2021, 2023, 2025]),
        award("BK_TINH", 2019),
        eligible=True,
    ),
    passes(
        BK_TTG_CERTIFICATE,
        "holds_a_ministry_certificate",
        person(rated("HTT", 2020, 2025), BK_BO=[2019]),
        award("BK_BO", 2019),
    ),
    fails(
        BK_TTG_CERTIFICATE,
        "no_ministry_or_provincial_certificate",
        person(rated("HTT", 2020, 2025), CSTDCS=[2021, 2023, 2025]),
        missing(codes=["BK_BO", "BK_TINH"]),
    ),
    fails(
        BK_TTG_CERTIFICATE,
        "revoked_certificate_does_not_count",
        person(rated("HTT", 2020, 2025), revoked={"BK_TINH": [2019]}),
        missing(codes=["BK_BO", "BK_TINH"]),
    ),
    passes(
        BK_TTG_FIVE_YEARS,
        "exactly_five_years_good",
        person(rated("HTT", 2021, 2025), BK_TINH=[2020], CSTDCS=[2021, 2023, 2025]),
        rating(2021, "HTT"),
        period(5),
        eligible=True,
    ),
    fails(
        BK_TTG_FIVE_YEARS,
        "streak_broken_by_a_lower_rating",
        person({**rated("HTT", 2019, 2025), 2022: "HT"}, BK_TINH=[2018]),
        streak_break(2022, "HT"),
        period(3),
    ),
    fails(
        BK_TTG_FIVE_YEARS,
        "window_restarts_after_the_previous_pm_certificate",
        person(rated("HTT", 2016, 2025), BK_TINH=[2015], BK_TTG=[2022], CSTDCS=[2023, 2024, 2025]),
        restarts_after("BK_TTG", 2022),
        period(3),
    ),
    passes(
        BK_TTG_FIVE_YEARS,
        "five_years_need_not_follow_the_certificate",
        person(rated("HTT", 2021, 2025), BK_TINH=[2022], CSTDCS=[2021, 2023, 2024]),
        period(5),
    ),
    passes(
        BK_TTG_FIGHTERS,
        "three_non_consecutive_grassroots_titles",
        person(rated("HTT", 2020, 2025), BK_TINH=[2019], CSTDCS=[2021, 2023, 2025]),
        award("CSTDCS", 2021),
        award("CSTDCS", 2023),
        award("CSTDCS", 2025),
    ),
    fails(
        BK_TTG_FIGHTERS,
        "two_grassroots_titles_instead_of_three",
        person(rated("HTT", 2020, 2025), BK_TINH=[2019], CSTDCS=[2021, 2025]),
        missing(codes=["CSTDCS"], count=1),
    ),
    # Art. 5(2)(c): the grassroots titles up to the provincial Bằng khen were its record.
    fails(
        BK_TTG_FIGHTERS,
        "art_5_2_c_titles_that_earned_the_provincial_certificate_of_the_same_review_are_spent",
        person(rated("HTT", 2021, 2025), BK_TINH=[2025], CSTDCS=[2021, 2023, 2024, 2025]),
        missing(codes=["CSTDCS"], count=3),
        award("CSTDCS", 2024, note="the record of an earlier form"),
        award("BK_TINH", 2025, note="counted after"),
    ),
    passes(
        BK_TTG_FIGHTERS,
        "art_5_2_c_three_titles_after_the_provincial_certificate",
        person(rated("HTT", 2021, 2025), BK_TINH=[2022], CSTDCS=[2021, 2023, 2024, 2025]),
        award("CSTDCS", 2023),
        award("CSTDCS", 2021, note="the record of an earlier form"),
        eligible=True,
    ),
    fails(
        BK_TTG_FIGHTERS,
        "grassroots_title_before_a_streak_break_does_not_count",
        person({**rated("HTT", 2016, 2025), 2020: "HT"}, BK_TINH=[2015], CSTDCS=[2018, 2022, 2024]),
        missing(count=1),
    ),
]

# Art. 73(4)(e), collectives: "Đã được tặng bằng khen của Bộ, ban, ngành, tỉnh và sau đó có liên tục
# từ 05 năm trở lên ... hoàn thành xuất sắc nhiệm vụ hoặc đạt danh hiệu 'Tập thể lao động xuất sắc' ...,
# trong thời gian đó có 01 lần được tặng cờ thi đua của Bộ, ban, ngành, tỉnh hoặc có 02 lần được tặng
# bằng khen của Bộ, ban, ngành, tỉnh".
BK_TTG_C_CERTIFICATE = Rule(
    "BK_TTG", "periodic_collective", "holds_provincial_certificate", "Law 06/2022 Art. 73(4)(e)"
)
BK_TTG_C_FIVE_YEARS = Rule(
    "BK_TTG", "periodic_collective", "five_years_excellent", "Law 06/2022 Art. 73(4)(e)"
)
BK_TTG_C_FLAGS = Rule(
    "BK_TTG", "periodic_collective", "flag_or_two_certificates_in_period", "Law 06/2022 Art. 73(4)(e)"
)
CASES += [
    passes(
        BK_TTG_C_CERTIFICATE,
        "holds_a_provincial_certificate",
        unit(rated("HTXS", 2020, 2025), BK_TINH=[2019], CO_TD_TINH=[2023]),
        award("BK_TINH", 2019),
        eligible=True,
    ),
    fails(
        BK_TTG_C_CERTIFICATE,
        "no_ministry_or_provincial_certificate",
        unit(rated("HTXS", 2020, 2025), CO_TD_TINH=[2023]),
        missing(codes=["BK_BO", "BK_TINH"]),
    ),
    passes(
        BK_TTG_C_FIVE_YEARS,
        "excellent_or_excellent_collective_years",
        unit({**rated("HTXS", 2020, 2025), 2022: "HTT"}, TTLDXS=[2022], BK_TINH=[2019], CO_TD_TINH=[2023]),
        period(6),
        eligible=True,
    ),
    fails(
        BK_TTG_C_FIVE_YEARS,
        "streak_broken_by_a_good_rating",
        unit({**rated("HTXS", 2020, 2025), 2022: "HTT"}, BK_TINH=[2019], CO_TD_TINH=[2023]),
        streak_break(2022, "HTT"),
        period(3),
    ),
    fails(
        BK_TTG_C_FIVE_YEARS,
        "only_the_years_after_the_certificate_count",
        unit(rated("HTXS", 2015, 2025), BK_TINH=[2022], CO_TD_TINH=[2023]),
        period(3),
    ),
    passes(
        BK_TTG_C_FLAGS,
        "one_provincial_flag",
        unit(rated("HTXS", 2020, 2025), BK_TINH=[2019], CO_TD_TINH=[2023]),
        award("CO_TD_TINH", 2023),
    ),
    passes(
        BK_TTG_C_FLAGS,
        "two_certificates_after_the_first",
        unit(rated("HTXS", 2020, 2025), BK_TINH=[2019, 2021], BK_BO=[2024]),
        award("BK_TINH", 2021),
        award("BK_BO", 2024),
    ),
    passes(
        BK_TTG_C_FLAGS,
        "two_certificates_in_one_year",
        unit(rated("HTXS", 2020, 2025), BK_TINH=[2019, 2023, 2023]),
    ),
    fails(
        BK_TTG_C_FLAGS,
        "one_certificate_after_the_first",
        unit(rated("HTXS", 2020, 2025), BK_TINH=[2019, 2022]),
        missing(codes=["BK_BO", "BK_TINH"], count=1),
    ),
    fails(
        BK_TTG_C_FLAGS,
        "flag_before_the_certificate_does_not_count",
        unit(rated("HTXS", 2017, 2025), CO_TD_TINH=[2018], BK_TINH=[2019]),
        missing(codes=["CO_TD_BO", "CO_TD_TINH"], count=1),
    ),
]

# ============================================================================ Huân chương Lao động

# Art. 44(1)(e), individuals, third class: "Đã được tặng 'Bằng khen của Thủ tướng Chính phủ' và sau đó
# có liên tục từ 05 năm trở lên ... hoàn thành tốt nhiệm vụ trở lên, trong thời gian đó có từ 01 năm
# trở lên ... hoàn thành xuất sắc nhiệm vụ và có 03 lần ... 'Chiến sĩ thi đua cơ sở'".
HCLD3_CERTIFICATE = Rule("HCLD3", "periodic", "holds_pm_certificate", "Law 06/2022 Art. 44(1)(e)")
HCLD3_FIVE_YEARS = Rule("HCLD3", "periodic", "five_years_good_or_better", "Law 06/2022 Art. 44(1)(e)")
HCLD3_EXCELLENT = Rule("HCLD3", "periodic", "one_year_excellent_in_period", "Law 06/2022 Art. 44(1)(e)")
HCLD3_FIGHTERS = Rule("HCLD3", "periodic", "three_grassroots_fighter_in_period", "Law 06/2022 Art. 44(1)(e)")
HCLD3_CAREER = {**rated("HTT", 2020, 2025), 2024: "HTXS"}
CASES += [
    passes(
        HCLD3_CERTIFICATE,
        "holds_the_pm_certificate",
        person(HCLD3_CAREER, BK_TTG=[2019], CSTDCS=[2021, 2022, 2024]),
        award("BK_TTG", 2019),
        eligible=True,
    ),
    fails(
        HCLD3_CERTIFICATE,
        "a_provincial_certificate_is_not_enough",
        person(HCLD3_CAREER, BK_TINH=[2019], CSTDCS=[2021, 2022, 2024]),
        missing(codes=["BK_TTG"]),
    ),
    passes(
        HCLD3_FIVE_YEARS,
        "six_years_good_after_the_pm_certificate",
        person(HCLD3_CAREER, BK_TTG=[2019]),
        period(6),
    ),
    fails(
        HCLD3_FIVE_YEARS,
        "three_years_since_the_pm_certificate",
        person(rated("HTT", 2016, 2025), BK_TTG=[2022]),
        period(3),
    ),
    passes(
        HCLD3_FIVE_YEARS,
        "art_44_1_e_six_years_after_the_latest_of_two_pm_certificates",
        person(rated("HTT", 2013, 2025), BK_TTG=[2012, 2019]),
        period(6),
    ),
    fails(
        HCLD3_FIVE_YEARS,
        "streak_broken_by_a_lower_rating",
        person({**HCLD3_CAREER, 2021: "HT"}, BK_TTG=[2019]),
        streak_break(2021, "HT"),
        period(4),
    ),
    passes(
        HCLD3_EXCELLENT,
        "one_excellent_year",
        person(HCLD3_CAREER, BK_TTG=[2019]),
        rating(2024, "HTXS"),
    ),
    fails(
        HCLD3_EXCELLENT,
        "excellent_year_before_the_pm_certificate",
        person({**rated("HTT", 2018, 2025), 2018: "HTXS"}, BK_TTG=[2019]),
    ),
    passes(
        HCLD3_FIGHTERS,
        "three_grassroots_titles",
        person(HCLD3_CAREER, BK_TTG=[2019], CSTDCS=[2021, 2022, 2024]),
        award("CSTDCS", 2022),
    ),
    # Art. 44(1)(e) "sau đó": after the latest Bằng khen of the Prime Minister, not the earliest.
    passes(
        HCLD3_CERTIFICATE,
        "art_44_1_e_the_latest_pm_certificate_is_cited",
        person(HCLD3_CAREER, BK_TTG=[2012, 2019], CSTDCS=[2021, 2022, 2024]),
        award("BK_TTG", 2019),
        eligible=True,
    ),
    fails(
        HCLD3_FIGHTERS,
        "art_44_1_e_titles_before_the_latest_pm_certificate_do_not_count",
        person(
            rated("HTT", 2013, 2025) | {2024: "HTXS"}, BK_TTG=[2012, 2019], CSTDCS=[2014, 2016, 2017, 2021]
        ),
        award("CSTDCS", 2021),
        missing(codes=["CSTDCS"], count=2),
    ),
    fails(
        HCLD3_FIGHTERS,
        "two_grassroots_titles_instead_of_three",
        person(HCLD3_CAREER, BK_TTG=[2019], CSTDCS=[2022, 2024]),
        missing(count=1),
    ),
]

# Art. 44(4)(đ), collectives, third class: "Có quá trình xây dựng, phát triển từ 10 năm trở lên, đã được
# tặng 'Bằng khen của Thủ tướng Chính phủ' và sau đó có liên tục từ 05 năm trở lên ... hoàn thành xuất
# sắc nhiệm vụ hoặc ... 'Tập thể lao động xuất sắc', trong thời gian đó có 01 lần ... 'Cờ thi đua của
# Chính phủ' hoặc có 02 lần ... cờ thi đua của Bộ, ban, ngành, tỉnh hoặc có 01 lần ... cờ thi đua ... và
# 01 lần ... bằng khen ... hoặc có 02 lần ... bằng khen ... đối với tập thể không thuộc đối tượng được
# tặng cờ thi đua".
HCLD3_C_FOUNDED = Rule(
    "HCLD3", "periodic_collective", "ten_years_since_founding", "Law 06/2022 Art. 44(4)(đ)"
)
HCLD3_C_CERTIFICATE = Rule(
    "HCLD3", "periodic_collective", "holds_pm_certificate", "Law 06/2022 Art. 44(4)(đ)"
)
HCLD3_C_FIVE_YEARS = Rule("HCLD3", "periodic_collective", "five_years_excellent", "Law 06/2022 Art. 44(4)(đ)")
HCLD3_C_FLAGS = Rule(
    "HCLD3", "periodic_collective", "flags_or_certificates_in_period", "Law 06/2022 Art. 44(4)(đ)"
)
EXCELLENT_SINCE_2020 = rated("HTXS", 2020, 2025)
CASES += [
    passes(
        HCLD3_C_FOUNDED,
        "founded_ten_years_before_the_end_of_the_review_year",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], CO_TD_CP=[2023], founded=date(2015, 12, 31)),
        {"type": "founded", "date": "2015-12-31"},
        eligible=True,
    ),
    fails(
        HCLD3_C_FOUNDED,
        "founded_a_day_less_than_ten_years",
        unit(EXCELLENT_SINCE_2020, founded=date(2016, 1, 1)),
        {"type": "founded", "date": "2016-01-01"},
    ),
    fails(HCLD3_C_FOUNDED, "founding_date_unknown", unit(EXCELLENT_SINCE_2020, founded=None)),
    passes(
        HCLD3_C_CERTIFICATE,
        "holds_the_pm_certificate",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019]),
        award("BK_TTG", 2019),
    ),
    fails(HCLD3_C_CERTIFICATE, "no_pm_certificate", unit(EXCELLENT_SINCE_2020, BK_TINH=[2019])),
    passes(
        HCLD3_C_FIVE_YEARS,
        "six_excellent_years_after_the_pm_certificate",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019]),
        period(6),
    ),
    fails(
        HCLD3_C_FIVE_YEARS,
        "four_excellent_years_after_the_pm_certificate",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2021]),
        period(4),
    ),
    passes(
        HCLD3_C_FLAGS,
        "one_government_flag",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], CO_TD_CP=[2023]),
        award("CO_TD_CP", 2023),
    ),
    passes(
        HCLD3_C_FLAGS,
        "two_ministry_or_provincial_flags",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], CO_TD_TINH=[2021], CO_TD_BO=[2023]),
    ),
    passes(
        HCLD3_C_FLAGS,
        "one_flag_and_one_certificate",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], CO_TD_TINH=[2021], BK_TINH=[2023]),
    ),
    passes(
        HCLD3_C_FLAGS,
        "two_certificates_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], BK_TINH=[2021, 2023], flag_eligible=False),
        {"type": "flag_eligible", "value": False},
        eligible=True,
    ),
    fails(
        HCLD3_C_FLAGS,
        "two_certificates_for_a_collective_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], BK_TINH=[2021, 2023]),
        {"type": "flag_eligible", "value": True},
    ),
    fails(
        HCLD3_C_FLAGS,
        "one_certificate_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], BK_TINH=[2023], flag_eligible=False),
        missing(codes=["BK_BO", "BK_TINH"], count=1),
    ),
    fails(
        HCLD3_C_FLAGS,
        "one_provincial_flag_only",
        unit(EXCELLENT_SINCE_2020, BK_TTG=[2019], CO_TD_TINH=[2023]),
        missing(codes=["CO_TD_BO", "CO_TD_TINH"], count=1),
    ),
]

# Art. 43(1)(đ), individuals, second class: "Đã được tặng 'Huân chương Lao động' hạng Ba và sau đó có
# liên tục từ 05 năm trở lên ... hoàn thành tốt nhiệm vụ trở lên, trong thời gian đó có từ 02 năm trở
# lên ... hoàn thành xuất sắc nhiệm vụ và có 01 lần ... chiến sĩ thi đua Bộ, ban, ngành, tỉnh".
HCLD2_THIRD_CLASS = Rule("HCLD2", "periodic", "holds_third_class", "Law 06/2022 Art. 43(1)(đ)")
HCLD2_FIVE_YEARS = Rule("HCLD2", "periodic", "five_years_good_or_better", "Law 06/2022 Art. 43(1)(đ)")
HCLD2_EXCELLENT = Rule("HCLD2", "periodic", "two_years_excellent_in_period", "Law 06/2022 Art. 43(1)(đ)")
HCLD2_FIGHTER = Rule("HCLD2", "periodic", "one_provincial_fighter_in_period", "Law 06/2022 Art. 43(1)(đ)")
HCLD2_CAREER = {**rated("HTT", 2020, 2025), 2021: "HTXS", 2024: "HTXS"}
CASES += [
    passes(
        HCLD2_THIRD_CLASS,
        "holds_the_third_class",
        person(HCLD2_CAREER, HCLD3=[2019], CSTD_TINH=[2023]),
        award("HCLD3", 2019),
        eligible=True,
    ),
    fails(
        HCLD2_THIRD_CLASS,
        "a_pm_certificate_is_not_enough",
        person(HCLD2_CAREER, BK_TTG=[2019], CSTD_TINH=[2023]),
        missing(codes=["HCLD3"]),
    ),
    passes(HCLD2_FIVE_YEARS, "six_good_years", person(HCLD2_CAREER, HCLD3=[2019]), period(6)),
    fails(
        HCLD2_FIVE_YEARS,
        "streak_broken_by_a_lower_rating",
        person({**HCLD2_CAREER, 2022: "HT"}, HCLD3=[2019]),
        streak_break(2022, "HT"),
        period(3),
    ),
    passes(
        HCLD2_EXCELLENT,
        "two_excellent_years",
        person(HCLD2_CAREER, HCLD3=[2019]),
        rating(2021, "HTXS"),
        rating(2024, "HTXS"),
    ),
    fails(HCLD2_EXCELLENT, "one_excellent_year", person({**HCLD2_CAREER, 2021: "HTT"}, HCLD3=[2019])),
    passes(
        HCLD2_FIGHTER,
        "one_ministry_fighter",
        person(HCLD2_CAREER, HCLD3=[2019], CSTD_BO=[2023]),
        award("CSTD_BO", 2023),
    ),
    fails(
        HCLD2_FIGHTER,
        "provincial_fighter_before_the_third_class",
        person(HCLD2_CAREER, HCLD3=[2019], CSTD_TINH=[2018]),
        missing(codes=["CSTD_BO", "CSTD_TINH"], count=1),
    ),
]

# Art. 43(4)(d), collectives, second class: third class, then ≥05 years excellent or TTLĐXS with "01 lần
# ... 'Cờ thi đua của Chính phủ' và 01 lần ... cờ thi đua của Bộ, ban, ngành, tỉnh hoặc có 03 lần ... cờ
# thi đua của Bộ, ban, ngành, tỉnh hoặc có 03 lần ... bằng khen ... đối với tập thể không thuộc đối tượng
# được tặng cờ thi đua".
HCLD2_C_THIRD_CLASS = Rule("HCLD2", "periodic_collective", "holds_third_class", "Law 06/2022 Art. 43(4)(d)")
HCLD2_C_FIVE_YEARS = Rule("HCLD2", "periodic_collective", "five_years_excellent", "Law 06/2022 Art. 43(4)(d)")
HCLD2_C_FLAGS = Rule(
    "HCLD2", "periodic_collective", "flags_or_certificates_in_period", "Law 06/2022 Art. 43(4)(d)"
)
CASES += [
    passes(
        HCLD2_C_THIRD_CLASS,
        "holds_the_third_class",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], CO_TD_CP=[2022], CO_TD_TINH=[2024]),
        award("HCLD3", 2019),
        eligible=True,
    ),
    fails(HCLD2_C_THIRD_CLASS, "no_third_class", unit(EXCELLENT_SINCE_2020, BK_TTG=[2019])),
    passes(HCLD2_C_FIVE_YEARS, "six_excellent_years", unit(EXCELLENT_SINCE_2020, HCLD3=[2019]), period(6)),
    fails(
        HCLD2_C_FIVE_YEARS,
        "streak_broken_by_a_good_rating",
        unit({**EXCELLENT_SINCE_2020, 2021: "HTT"}, HCLD3=[2019]),
        streak_break(2021, "HTT"),
        period(4),
    ),
    passes(
        HCLD2_C_FLAGS,
        "government_flag_and_provincial_flag",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], CO_TD_CP=[2022], CO_TD_TINH=[2024]),
    ),
    passes(
        HCLD2_C_FLAGS,
        "three_ministry_or_provincial_flags",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], CO_TD_TINH=[2020, 2022], CO_TD_BO=[2024]),
    ),
    passes(
        HCLD2_C_FLAGS,
        "three_certificates_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], BK_TINH=[2020, 2022, 2024], flag_eligible=False),
    ),
    fails(
        HCLD2_C_FLAGS,
        "three_certificates_for_a_collective_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], BK_TINH=[2020, 2022, 2024]),
        {"type": "flag_eligible", "value": True},
    ),
    fails(
        HCLD2_C_FLAGS,
        "government_flag_without_a_provincial_flag",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], CO_TD_CP=[2022]),
    ),
    fails(
        HCLD2_C_FLAGS,
        "two_certificates_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], BK_TINH=[2021, 2023], flag_eligible=False),
        missing(codes=["BK_BO", "BK_TINH"], count=1),
    ),
    fails(
        HCLD2_C_FLAGS,
        "two_provincial_flags_instead_of_three",
        unit(EXCELLENT_SINCE_2020, HCLD3=[2019], CO_TD_TINH=[2021, 2023]),
        missing(codes=["CO_TD_BO", "CO_TD_TINH"], count=1),
    ),
]

# Art. 42(1)(đ), individuals, first class: "Đã được tặng 'Huân chương Lao động' hạng Nhì và sau đó có
# liên tục từ 05 năm trở lên đến thời điểm đề nghị ... hoàn thành tốt nhiệm vụ trở lên, trong thời gian
# đó có từ 03 năm trở lên ... hoàn thành xuất sắc nhiệm vụ và có 02 lần ... chiến sĩ thi đua Bộ, ban,
# ngành, tỉnh".
HCLD1_SECOND_CLASS = Rule("HCLD1", "periodic", "holds_second_class", "Law 06/2022 Art. 42(1)(đ)")
HCLD1_FIVE_YEARS = Rule("HCLD1", "periodic", "five_years_good_or_better", "Law 06/2022 Art. 42(1)(đ)")
HCLD1_EXCELLENT = Rule("HCLD1", "periodic", "three_years_excellent_in_period", "Law 06/2022 Art. 42(1)(đ)")
HCLD1_FIGHTERS = Rule("HCLD1", "periodic", "two_provincial_fighter_in_period", "Law 06/2022 Art. 42(1)(đ)")
HCLD1_CAREER = {**rated("HTT", 2020, 2025), 2020: "HTXS", 2022: "HTXS", 2025: "HTXS"}
CASES += [
    passes(
        HCLD1_SECOND_CLASS,
        "holds_the_second_class",
        person(HCLD1_CAREER, HCLD2=[2019], CSTD_TINH=[2022], CSTD_BO=[2025]),
        award("HCLD2", 2019),
        eligible=True,
    ),
    fails(
        HCLD1_SECOND_CLASS,
        "the_third_class_is_not_enough",
        person(HCLD1_CAREER, HCLD3=[2019], CSTD_TINH=[2022, 2025]),
        missing(codes=["HCLD2"]),
    ),
    passes(HCLD1_FIVE_YEARS, "six_good_years", person(HCLD1_CAREER, HCLD2=[2019]), period(6)),
    fails(
        HCLD1_FIVE_YEARS,
        "four_years_since_the_second_class",
        person(HCLD1_CAREER, HCLD2=[2021]),
        period(4),
    ),
    passes(
        HCLD1_EXCELLENT,
        "three_excellent_years",
        person(HCLD1_CAREER, HCLD2=[2019]),
        rating(2020, "HTXS"),
        rating(2022, "HTXS"),
        rating(2025, "HTXS"),
    ),
    fails(HCLD1_EXCELLENT, "two_excellent_years", person({**HCLD1_CAREER, 2022: "HTT"}, HCLD2=[2019])),
    passes(
        HCLD1_FIGHTERS,
        "two_ministry_or_provincial_fighters",
        person(HCLD1_CAREER, HCLD2=[2019], CSTD_TINH=[2022], CSTD_BO=[2025]),
        award("CSTD_TINH", 2022),
        award("CSTD_BO", 2025),
    ),
    fails(
        HCLD1_FIGHTERS,
        "one_provincial_fighter",
        person(HCLD1_CAREER, HCLD2=[2019], CSTD_TINH=[2018, 2022]),
        missing(count=1),
    ),
]

# Art. 42(4)(d), collectives, first class: second class, then ≥05 years excellent or TTLĐXS with "02
# lần ... 'Cờ thi đua của Chính phủ' hoặc có 01 lần ... 'Cờ thi đua của Chính phủ' và 02 lần ... cờ thi
# đua của Bộ, ban, ngành, tỉnh hoặc có 04 lần ... cờ thi đua ... hoặc có 04 lần ... bằng khen ... đối với
# tập thể không thuộc đối tượng được tặng cờ thi đua".
HCLD1_C_SECOND_CLASS = Rule("HCLD1", "periodic_collective", "holds_second_class", "Law 06/2022 Art. 42(4)(d)")
HCLD1_C_FIVE_YEARS = Rule("HCLD1", "periodic_collective", "five_years_excellent", "Law 06/2022 Art. 42(4)(d)")
HCLD1_C_FLAGS = Rule(
    "HCLD1", "periodic_collective", "flags_or_certificates_in_period", "Law 06/2022 Art. 42(4)(d)"
)
CASES += [
    passes(
        HCLD1_C_SECOND_CLASS,
        "holds_the_second_class",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_CP=[2021, 2024]),
        award("HCLD2", 2019),
        eligible=True,
    ),
    fails(HCLD1_C_SECOND_CLASS, "no_second_class", unit(EXCELLENT_SINCE_2020, HCLD3=[2019])),
    passes(
        HCLD1_C_FIVE_YEARS,
        "excellent_collective_title_years_count",
        unit({**EXCELLENT_SINCE_2020, 2023: "HTT"}, TTLDXS=[2023], HCLD2=[2019]),
        period(6),
    ),
    fails(
        HCLD1_C_FIVE_YEARS,
        "streak_broken_by_a_good_rating",
        unit({**EXCELLENT_SINCE_2020, 2023: "HTT"}, HCLD2=[2019]),
        streak_break(2023, "HTT"),
        period(2),
    ),
    passes(
        HCLD1_C_FLAGS,
        "two_government_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_CP=[2021, 2024]),
    ),
    passes(
        HCLD1_C_FLAGS,
        "government_flag_and_two_provincial_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_CP=[2021], CO_TD_TINH=[2023, 2025]),
    ),
    passes(
        HCLD1_C_FLAGS,
        "four_ministry_or_provincial_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_TINH=[2020, 2021, 2023], CO_TD_BO=[2025]),
    ),
    passes(
        HCLD1_C_FLAGS,
        "four_certificates_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], BK_TINH=[2020, 2021, 2023, 2025], flag_eligible=False),
    ),
    fails(
        HCLD1_C_FLAGS,
        "four_certificates_for_a_collective_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], BK_TINH=[2020, 2021, 2023, 2025]),
        {"type": "flag_eligible", "value": True},
    ),
    fails(
        HCLD1_C_FLAGS,
        "three_certificates_for_a_collective_not_eligible_for_flags",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], BK_TINH=[2021, 2023, 2025], flag_eligible=False),
        missing(codes=["BK_BO", "BK_TINH"], count=1),
    ),
    fails(
        HCLD1_C_FLAGS,
        "three_provincial_flags_instead_of_four",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_TINH=[2020, 2022, 2024]),
    ),
    fails(
        HCLD1_C_FLAGS,
        "government_flag_and_one_provincial_flag",
        unit(EXCELLENT_SINCE_2020, HCLD2=[2019], CO_TD_CP=[2021], CO_TD_TINH=[2023]),
    ),
]


# ============================================================================ prerequisites of judgement

# An alternative that rests on judgement keeps the data criteria it shares with its data route:
# accepted research or combat ingenuity instead of an initiative (Arts. 21(1)(b), 22(1)(b), 23(2)),
# accepted research instead of two initiatives (Art. 74(1)(d)). Each such prerequisite is specified
# by the cases of the same rule on the data route.
PREREQUISITES = [
    ("CSTDCS", "periodic", "research_or_ingenuity"),
    ("CSTD_TINH", "periodic", "research_or_ingenuity"),
    ("CSTD_BO", "periodic", "research_or_ingenuity"),
    ("CSTD_TQ", "periodic", "research_or_ingenuity"),
    ("BK_TINH", "excellent_with_initiatives", "excellent_with_research"),
    ("BK_BO", "excellent_with_initiatives", "excellent_with_research"),
]


def prerequisites(code: str, route_id: str) -> set[str]:
    award_ = default_catalogue().ruleset(ND98).award(code)
    return {rule.id for route in award_.routes if route.id == route_id for rule in route.rules}


CASES += [
    Case(
        Rule(c.rule.award, judged, c.rule.rule, c.rule.article),
        c.situation,
        c.passed,
        c.subject,
        c.shows,
        c.year,
    )
    for code, data_route, judged in PREREQUISITES
    for c in list(CASES)
    if (c.rule.award, c.rule.route) == (code, data_route) and c.rule.rule in prerequisites(code, judged)
]


# ----------------------------------------------------------------------------- running the table


def verdict_for(subject: Subject, code: str, year: int = Y, tenant: str | None = None) -> Verdict:
    """The verdict on 10 January after the review year, the year fixed explicitly."""
    return check(subject.history(), code, date(year + 1, 1, 10), year=year, tenant=tenant)


def reason_for(verdict: Verdict, route: str, rule: str) -> dict[str, Any]:
    found = [r for r in verdict.reasons() if r["route"] == route and r["rule"] == rule]
    assert len(found) == 1, f"expected one reason {route}/{rule}, got {verdict.reasons()}"
    return found[0]


def contains(evidence: list[dict], fact: dict) -> bool:
    return any(fact.items() <= seen.items() for seen in evidence)


@pytest.mark.parametrize("case", [case.param() for case in CASES])
def test_rule(case: Case) -> None:
    verdict = verdict_for(case.subject, case.rule.award, case.year)
    reason = reason_for(verdict, case.rule.route, case.rule.rule)

    assert reason["article"] == case.rule.article
    assert reason["passed"] is case.passed, f"evidence: {reason['evidence']}"
    for fact in case.shows:
        assert contains(reason["evidence"], fact), f"{fact} not in {reason['evidence']}"
    if not case.passed:
        assert (case.rule.rule, case.rule.article) in verdict.failed_rules
        assert verdict.route != case.rule.route
    if case.eligible:
        assert (verdict.status, verdict.route) == (ELIGIBLE, case.rule.route), verdict.failed_rules
    if case.judged:
        assert (verdict.status, verdict.route) == (NEEDS_JUDGEMENT, None), verdict.failed_rules
        assert any(r["route"] == case.rule.route and r.get("needs_judgement") for r in verdict.reasons())


def data_rules(ruleset_id: str) -> dict[tuple[str, str, str], str]:
    """(award, route, rule) → article of every rule of a rule set: the rules of data routes and
    the prerequisites of routes of judgement."""
    ruleset = default_catalogue().ruleset(ruleset_id)
    return {
        (award.code, route.id, rule.id): rule.article
        for award in ruleset.awards.values()
        for route in award.routes
        for rule in route.rules
    }


def test_every_data_rule_has_a_passing_and_a_failing_case() -> None:
    """Adding a rule to the catalogue without specifying it here fails CI."""
    passing = {(c.rule.award, c.rule.route, c.rule.rule) for c in CASES if c.passed}
    failing = {(c.rule.award, c.rule.route, c.rule.rule) for c in CASES if not c.passed}
    catalogue = data_rules(ND98)
    uncovered = sorted(
        f"{award}/{route}/{rule}: {'no passing case' if key not in passing else 'no failing case'}"
        for key in catalogue
        if key not in passing or key not in failing
        for award, route, rule in [key]
    )
    assert not uncovered, "data rules without a passing and a failing case:\n" + "\n".join(uncovered)
    stale = sorted("/".join(key) for key in (passing | failing) - set(catalogue))
    assert not stale, f"cases for rules the catalogue no longer has: {stale}"


def test_every_case_cites_the_catalogue_article() -> None:
    catalogue = data_rules(ND98)
    wrong = [
        (case.id, case.rule.article, catalogue[key])
        for case in CASES
        if (key := (case.rule.award, case.rule.route, case.rule.rule)) in catalogue
        and catalogue[key] != case.rule.article
    ]
    assert not wrong


def test_decree_152_inherits_every_data_rule_of_decree_98_unchanged() -> None:
    """The table runs in 2026 (Decree 152/2025); it covers Decree 98/2023 because the rules are the same."""
    old, new = default_catalogue().ruleset(ND98), default_catalogue().ruleset(ND152)
    assert data_rules(ND152) == data_rules(ND98)
    for code, award_ in old.awards.items():
        assert new.award(code).routes == award_.routes


# ============================================================================ verdict-level rules

# Art. 5(2)(c): "không khen thưởng nhiều lần, nhiều hình thức cho một thành tích đạt được".
NOT_TWICE_CASES = [
    pytest.param("LDTT", person({Y: "HTT"}, LDTT=[Y]), award("LDTT", Y), id="LDTT-already_held_for_the_year"),
    pytest.param(
        "CSTD_TINH",
        person(CSTDCS=[2023, 2024, 2025], CSTD_BO=[Y], initiatives=[(Y, "province")]),
        award("CSTD_BO", Y),
        id="CSTD_TINH-ministry_fighter_already_given_for_the_year",
    ),
    pytest.param(
        "BK_TINH",
        person(CSTDCS=[2024, 2025], BK_BO=[Y]),
        award("BK_BO", Y),
        id="BK_TINH-ministry_certificate_already_given_for_the_year",
    ),
    pytest.param(
        "TTLDTT",
        unit({Y: "HTT"}, members=TEAM, TTLDTT=[Y]),
        award("TTLDTT", Y),
        id="TTLDTT-already_held_for_the_year",
    ),
]


@pytest.mark.parametrize(("code", "subject", "fact"), NOT_TWICE_CASES)
def test_art_5_2_c_not_awarded_twice_for_the_same_year(code: str, subject: Subject, fact: dict) -> None:
    verdict = verdict_for(subject, code)
    blocked = [r for r in verdict.reasons() if r["rule"] == "not_awarded_twice"]
    data_routes = {r["route"] for r in verdict.reasons() if not r.get("needs_judgement")}
    assert {r["route"] for r in blocked} == data_routes
    for reason in blocked:
        assert reason["article"] == NOT_TWICE
        assert reason["passed"] is False
        assert contains(reason["evidence"], fact)
    assert ("not_awarded_twice", NOT_TWICE) in verdict.failed_rules
    assert not verdict.eligible


def test_art_5_2_c_an_award_of_an_earlier_year_does_not_block() -> None:
    verdict = verdict_for(person(rated("HTT", Y - 1, Y), LDTT=[Y - 1]), "LDTT")
    assert verdict.eligible
    assert all(r["rule"] != "not_awarded_twice" for r in verdict.reasons())


# Routes that rest on the council's assessment (extraordinary achievements, movements, contributions,
# prizes, inventions, the criteria for workers and farmers the province sets): the engine reports
# them as needing judgement, never as a pass, and never as "ineligible" (Arts. 24(3), 42–44, 73, 74).
def art(*points: str) -> str:
    return "Law 06/2022 Art. " + ", ".join(points)


def orders_individual(n: int, extraordinary: str, contribution: str, invention: str, prize: str, **more):
    return {
        "extraordinary": art(f"{n}(1)({extraordinary})"),
        "contribution": art(*(f"{n}(1)({p})" for p in contribution)),
        "invention": art(f"{n}(1)({invention})"),
        "prize": art(f"{n}(1)({prize})"),
        "workers_farmers": art(f"{n}(2)(b)", f"{n}(2)(c)"),
        "entrepreneurs": art(f"{n}(3)"),
        **more,
    }


def orders_collective(n: int, *more: tuple[str, str]):
    return {
        "extraordinary_collective": art(f"{n}(4)(a)"),
        "contribution_collective": art(f"{n}(4)(b)"),
        "movement_collective": art(f"{n}(4)(c)"),
        **dict(more),
    }


BANG_KHEN_INDIVIDUAL = {
    "movement": art("74(1)(a)"),
    "extraordinary": art("74(1)(b)"),
    "contribution": art("74(1)(c)"),
    "workers_farmers": art("74(1)(đ)"),
}
BANG_KHEN_COLLECTIVE = {
    "movement_collective": art("74(3)(a)"),
    "extraordinary_collective": art("74(3)(b)"),
    "contribution_collective": art("74(3)(c)"),
}
JUDGEMENT_ROUTES = [
    ("LDTT", "individual", {"workers_farmers": art("24(3)", "24(6)")}),
    ("CO_TD_TINH", "collective", {"thematic_movement": art("26(2)")}),
    ("CO_TD_BO", "collective", {"thematic_movement": art("26(2)")}),
    ("CO_TD_CP", "collective", {"pm_movement": art("25(3)")}),
    ("GK", "individual", {"criteria": art("75(2)"), "extraordinary": art("75(2)")}),
    ("GK", "collective", {"criteria_collective": art("75(2)"), "extraordinary_collective": art("75(2)")}),
    ("BK_TINH", "individual", BANG_KHEN_INDIVIDUAL),
    ("BK_BO", "individual", BANG_KHEN_INDIVIDUAL),
    ("BK_TINH", "collective", BANG_KHEN_COLLECTIVE),
    ("BK_BO", "collective", BANG_KHEN_COLLECTIVE),
    (
        "BK_TTG",
        "individual",
        {
            "movement": art("73(1)(a)"),
            "extraordinary": art("73(1)(c)"),
            "contribution": art("73(1)(d)"),
            "workers_farmers": art("73(2)(b)", "73(2)(c)", "73(2)(d)"),
            "entrepreneurs": art("73(3)"),
        },
    ),
    (
        "BK_TTG",
        "collective",
        {
            "extraordinary_collective": art("73(4)(a)"),
            "contribution_collective": art("73(4)(b)"),
            "central_cluster_collective": art("73(4)(c)"),
            "movement_collective": art("73(4)(d)"),
            "political_task_collective": art("73(4)(đ)"),
        },
    ),
    ("HCLD3", "individual", orders_individual(44, "d", "cg", "b", "đ", movement=art("44(1)(a)"))),
    ("HCLD3", "collective", orders_collective(44, ("political_task_collective", art("44(4)(d)")))),
    ("HCLD2", "individual", orders_individual(43, "a", "de", "c", "b")),
    ("HCLD2", "collective", orders_collective(43)),
    ("HCLD1", "individual", orders_individual(42, "a", "de", "c", "b")),
    ("HCLD1", "collective", orders_collective(42)),
]
# Routes of judgement with data prerequisites (see PREREQUISITES and the Government's flag above).
OPEN_WHEN_PREREQUISITES_PASS = [
    ("CSTDCS", "individual", {"research_or_ingenuity": art("23(2)")}),
    ("CSTD_TINH", "individual", {"research_or_ingenuity": art("22(1)(b)", "22(2)")}),
    ("CSTD_BO", "individual", {"research_or_ingenuity": art("22(1)(b)", "22(2)")}),
    ("CSTD_TQ", "individual", {"research_or_ingenuity": art("21(1)(b)", "21(2)")}),
    ("BK_TINH", "individual", {"excellent_with_research": art("74(1)(d)")}),
    ("BK_BO", "individual", {"excellent_with_research": art("74(1)(d)")}),
    ("CO_TD_CP", "collective", {"among_cluster_leaders": art("25(1)")}),
]


@pytest.mark.parametrize(
    ("code", "kind", "routes"),
    [pytest.param(c, k, r, id=f"{c}-{k}") for c, k, r in JUDGEMENT_ROUTES],
)
def test_judgement_routes_need_judgement_and_never_pass(code: str, kind: str, routes: dict[str, str]) -> None:
    subject = person({Y: "HT"}) if kind == "individual" else unit({Y: "HT"})  # no data route passes
    verdict = verdict_for(subject, code)

    assert verdict.status == NEEDS_JUDGEMENT
    assert not verdict.eligible
    assert verdict.route is None
    judged = {r["route"]: r for r in verdict.reasons() if r.get("needs_judgement")}
    assert {route: r["article"] for route, r in judged.items()} == routes
    assert all(r["passed"] is False and r["evidence"] == [] for r in judged.values())


def test_every_judgement_route_of_the_catalogue_is_specified_above() -> None:
    ruleset = default_catalogue().ruleset(ND98)
    catalogue = {
        (award_.code, kind): {route.id: route.article for route in award_.routes_for(kind) if route.judgement}
        for award_ in ruleset.awards.values()
        for kind in sorted(award_.subjects)
    }
    specified: dict[tuple[str, str], dict[str, str]] = {}
    for code, kind, routes in JUDGEMENT_ROUTES + OPEN_WHEN_PREREQUISITES_PASS:
        specified.setdefault((code, kind), {}).update(routes)
    assert specified == {key: routes for key, routes in catalogue.items() if routes}


@pytest.mark.parametrize(
    ("code", "subject"),
    [
        pytest.param("CSTD_TINH", person({Y: "HTXS"}, CSTDCS=[Y]), id="CSTD_TINH"),
        pytest.param("CSTD_BO", person({Y: "HTXS"}, CSTDCS=[Y]), id="CSTD_BO"),
        pytest.param("CSTD_TQ", person({Y: "HTXS"}, CSTD_TINH=[Y]), id="CSTD_TQ"),
        pytest.param("CSTDCS", person({Y: "HT"}), id="CSTDCS-not_an_advanced_worker"),
        pytest.param("CSTD_TQ", person({Y: "HTXS"}, CSTD_TINH=[Y - 1]), id="CSTD_TQ-one_provincial_title"),
        pytest.param("BK_TINH", person({Y: "HT"}, BK_TINH=[Y]), id="BK_TINH-already_given_for_the_year"),
        pytest.param("TTLDTT", unit({Y: "HT"}, members=TEAM), id="TTLDTT"),
        pytest.param("TTLDXS", unit({Y: "HTT"}, members=EXCELLENT_TEAM), id="TTLDXS"),
    ],
)
def test_without_an_open_judgement_route_a_failed_rule_is_final(code: str, subject: Subject) -> None:
    verdict = verdict_for(subject, code)
    assert verdict.status == INELIGIBLE
    assert verdict.route is None
    assert verdict.failed_rules
    assert not any(r.get("needs_judgement") for r in verdict.reasons())


def test_provincial_fighter_lists_every_failed_rule_with_its_article() -> None:
    verdict = verdict_for(person({Y: "HTXS"}, CSTDCS=[Y]), "CSTD_TINH")
    assert verdict.status == INELIGIBLE
    assert verdict.failed_rules == [
        ("three_consecutive_grassroots_fighter", "Law 06/2022 Art. 22(1)(a)"),
        ("initiative_province_scope", "Law 06/2022 Art. 22(1)(b), 22(2)"),
        ("three_consecutive_grassroots_fighter", "Law 06/2022 Art. 22(1)(a)"),  # the research route's
    ]


# Arts. 21(1)(b), 22(1)(b), 23(2), 74(1)(d): accepted research or combat ingenuity is the council's to
# assess once the data criteria it shares hold; Art. 25(1): the council selects among the leaders.
OPENING = {
    "CSTDCS": (person({Y: "HTT"}), person({Y: "HT"})),
    "CSTD_TINH": (person(rated("HTT", 2023, Y), CSTDCS=[2023, 2024, Y]), person({Y: "HTXS"}, CSTDCS=[Y])),
    "CSTD_BO": (person(rated("HTT", 2023, Y), CSTDCS=[2023, 2024, Y]), person({Y: "HTXS"}, CSTDCS=[Y])),
    "CSTD_TQ": (person({Y: "HTXS"}, CSTD_TINH=[Y - 3, Y]), person({Y: "HTXS"}, CSTD_TINH=[Y - 1])),
    "BK_TINH": (person(rated("HTXS", Y - 1, Y)), person(rated("HTT", Y - 1, Y))),
    "BK_BO": (person(rated("HTXS", Y - 1, Y)), person(rated("HTT", Y - 1, Y))),
    "CO_TD_CP": (unit({Y: "HTXS"}, led=[(Y, "province")]), unit({Y: "HTXS"})),
}


@pytest.mark.parametrize(
    ("code", "kind", "routes"),
    [pytest.param(c, k, r, id=f"{c}-{next(iter(r.values()))}") for c, k, r in OPEN_WHEN_PREREQUISITES_PASS],
)
def test_a_route_of_judgement_is_open_once_its_prerequisites_pass_and_closed_when_one_fails(
    code, kind, routes
):
    ((route, article),) = routes.items()
    meets, misses = OPENING[code]
    judged = verdict_for(meets, code)
    assert (judged.status, judged.route) == (NEEDS_JUDGEMENT, None)
    assert [r["article"] for r in judged.reasons() if r["route"] == route and r.get("needs_judgement")] == [
        article
    ]
    assert all(r["passed"] for r in judged.reasons() if r["route"] == route and not r.get("needs_judgement"))
    closed = verdict_for(misses, code)
    assert not any(r["route"] == route and r.get("needs_judgement") for r in closed.reasons())
    assert any(r["route"] == route and r["passed"] is False for r in closed.reasons())
    if (code, kind) not in {(c, k) for c, k, _ in JUDGEMENT_ROUTES}:  # no other route to judge
        assert closed.status == INELIGIBLE


def test_art_24_3_a_worker_or_farmer_not_rated_goes_to_the_council_not_refused() -> None:
    """Art. 24(3) gives workers and farmers their own criteria, detailed by the province (24(6))."""
    verdict = verdict_for(person({Y: "HT"}), "LDTT")
    assert verdict.status == NEEDS_JUDGEMENT
    assert verdict.failed_rules == [("rated_good_or_better", "Law 06/2022 Art. 24(1)(a)")]


def test_a_passing_data_route_is_eligible_alongside_judgement_routes() -> None:
    verdict = verdict_for(person({Y: "HTT"}), "GK", tenant="QNG")
    assert (verdict.status, verdict.route) == (ELIGIBLE, "criteria")
    assert [r["route"] for r in verdict.reasons() if r.get("needs_judgement")] == ["extraordinary"]


# Art. 75(2): "Bộ, ban, ngành, tỉnh ... quy định chi tiết, hướng dẫn cụ thể tiêu chuẩn xét tặng giấy
# khen". No national criterion: without the tenant's, the council judges; with them, the data decide.
@pytest.mark.parametrize(
    ("subject", "tenant", "status", "route"),
    [
        pytest.param(person({Y: "HTXS"}), None, NEEDS_JUDGEMENT, None, id="national-excellent_is_not_enough"),
        pytest.param(unit({Y: "HTXS"}), None, NEEDS_JUDGEMENT, None, id="national-collective"),
        pytest.param(person({Y: "HTT"}), "QNG", ELIGIBLE, "criteria", id="province-rated_good"),
        pytest.param(person({Y: "HT"}), "QNG", NEEDS_JUDGEMENT, None, id="province-rated_only_completed"),
        pytest.param(unit({Y: "HTT"}), "QNG", ELIGIBLE, "criteria_collective", id="province-collective_good"),
        pytest.param(unit({Y: "HT"}), "QNG", NEEDS_JUDGEMENT, None, id="province-collective_completed"),
    ],
)
def test_art_75_2_giay_khen_criteria_are_the_tenants_or_the_councils(subject, tenant, status, route) -> None:
    verdict = verdict_for(subject, "GK", tenant=tenant)
    assert (verdict.status, verdict.route) == (status, route)
    criteria = [r for r in verdict.reasons() if r["route"].startswith("criteria")]
    assert {r["article"] for r in criteria} == {"Law 06/2022 Art. 75(2)"}
    if tenant is None:
        assert [r.get("needs_judgement") for r in criteria] == [True]
    else:
        assert all(r["verified"] is False for r in criteria)  # the demo's regulation, unverified


# ----------------------------------------------------------------------------- subjects, codes, dates


@pytest.mark.parametrize(
    ("code", "subject"),
    [
        pytest.param("LDTT", unit({Y: "HTXS"}, members=TEAM), id="LDTT-for_a_collective"),
        pytest.param("CSTD_TQ", unit({Y: "HTXS"}), id="CSTD_TQ-for_a_collective"),
        pytest.param("TTLDTT", person({Y: "HTXS"}), id="TTLDTT-for_an_individual"),
        pytest.param("CO_TD_CP", person({Y: "HTXS"}), id="CO_TD_CP-for_an_individual"),
    ],
)
def test_an_award_for_the_wrong_kind_of_subject_is_refused(code: str, subject: Subject) -> None:
    with pytest.raises(SubjectMismatch, match=code):
        verdict_for(subject, code)


def test_an_unknown_award_code_is_refused_with_the_known_codes() -> None:
    with pytest.raises(UnknownAward) as raised:
        verdict_for(person({Y: "HTT"}), "CSTD_HUYEN")
    assert raised.value.code == "CSTD_HUYEN"
    assert "CSTD_TINH" in raised.value.known
    assert "known codes" in str(raised.value)


def test_no_rule_set_before_the_law_took_effect_on_1_january_2024() -> None:
    with pytest.raises(NoRuleSet, match="2024-01-01"):
        check(person({2023: "HTT"}).history(), "LDTT", date(2023, 12, 31))


@pytest.mark.parametrize(
    ("as_of", "ruleset"),
    [
        (date(2024, 1, 1), ND98),
        (date(2025, 6, 30), ND98),
        (date(2025, 7, 1), ND152),
        (date(2026, 1, 10), ND152),
    ],
    ids=str,
)
def test_rule_set_in_force_on_the_date_of_the_check(as_of: date, ruleset: str) -> None:
    verdict = check(person({2024: "HTT"}).history(), "LDTT", as_of, year=2024)
    assert verdict.ruleset == ruleset
    assert verdict.eligible


@pytest.mark.parametrize(
    ("ratings", "review_year"),
    [
        pytest.param({2025: "HTT"}, 2025, id="early_in_2026_the_review_year_is_2025"),
        pytest.param({2025: "HT", 2026: "HTT"}, 2026, id="once_2026_results_are_recorded_it_is_2026"),
    ],
)
def test_review_year_defaults_to_the_latest_recorded_year(ratings: dict[int, str], review_year: int) -> None:
    verdict = check(person(ratings).history(), "LDTT", date(2026, 1, 10))
    assert verdict.review_year == review_year
    assert verdict.eligible
