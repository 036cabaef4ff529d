"""The catalogue's second reading against Law 06/2022 (issue 11 §2): what the rule sets say about
votes, dossiers and attestations, in both rule sets in force, each case named after its article.
The eligibility rules of that reading are specified in test_eligibility_rules.py."""

from fractions import Fraction

import pytest

from models.catalogue import default_catalogue
from models.eligibility import History, Verdict, history_from_data, verdict

RULESETS = ["law06-2022+nd98-2023", "law06-2022+nd152-2025"]


def ruleset(ruleset_id: str, tenant: str | None = None):
    return default_catalogue().ruleset(ruleset_id, tenant)


def dossier(ruleset_id: str, code: str) -> dict[str, str | None]:
    return {item.kind: item.when for item in ruleset(ruleset_id).award(code).dossier}


# Art. 90(5): the Law sets no council threshold. Decree 91/2017 Art. 45(8)'s 90 % of all members
# covered fighter and hero titles, not orders: an order's vote is unverified configuration.
@pytest.mark.parametrize("ruleset_id", RULESETS)
@pytest.mark.parametrize("code", ["HCLD1", "HCLD2", "HCLD3"])
def test_art_90_5_orders_vote_is_unverified_configuration_not_the_fighters_ninety_percent(ruleset_id, code):
    vote = ruleset(ruleset_id).award(code).vote
    assert vote.name == "orders"
    assert (vote.threshold, vote.strict, vote.base) == (Fraction(1, 2), True, "total_members")
    assert vote.verified is False
    assert "90(5)" in vote.source and "unverified" in vote.source
    assert ruleset(ruleset_id).award("CSTD_TINH").vote.threshold == Fraction(9, 10)  # the titles keep theirs


# Art. 84(3): proposing a Bằng khen of the Prime Minister (like orders and the Government's flag),
# the dossier holds the opinion of the central body or the provincial People's Committee.
@pytest.mark.parametrize("ruleset_id", RULESETS)
@pytest.mark.parametrize("code", ["BK_TTG", "CO_TD_CP", "HCLD3", "HCLD2", "HCLD1"])
def test_art_84_3_opinion_of_the_central_body_or_province_for_central_awards(ruleset_id, code):
    assert dossier(ruleset_id, code)["y_kien"] == "central"
    assert ruleset(ruleset_id).dossier_kinds["y_kien"]["article"] == "Law 06/2022 Art. 84(3)"


@pytest.mark.parametrize("ruleset_id", RULESETS)
@pytest.mark.parametrize("code", ["BK_TINH", "BK_BO", "GK", "CSTD_TINH"])
def test_art_84_3_no_central_opinion_for_awards_decided_below_the_centre(ruleset_id, code):
    assert "y_kien" not in dossier(ruleset_id, code)


# The cap of Decree 91/2017 Art. 9(3) (15 % of advanced workers) went with that decree; Art. 23
# delegates no cap to provinces.
@pytest.mark.parametrize("ruleset_id", RULESETS)
def test_art_23_no_cap_on_grassroots_fighters_in_the_demo_province(ruleset_id):
    assert ruleset(ruleset_id, "QNG").award("CSTDCS").quota is None


# Art. 84(1) lists a title's dossier, 84(2) a form's: "Biên bản bình xét thi đua" (84(1)(c)) against
# "Biên bản xét khen thưởng" (84(2)(c)); an initiative's certificate supporting a form is 84(2)(d).
WORDING = [
    ("CSTDCS", "bien_ban", "Biên bản bình xét thi đua", "Law 06/2022 Art. 84(1)(c)"),
    ("TTLDTT", "bien_ban", "Biên bản bình xét thi đua", "Law 06/2022 Art. 84(1)(c)"),
    ("BK_TINH", "bien_ban", "Biên bản xét khen thưởng", "Law 06/2022 Art. 84(2)(c)"),
    ("HCLD3", "bien_ban", "Biên bản xét khen thưởng", "Law 06/2022 Art. 84(2)(c)"),
    ("LDTT", "to_trinh", "Tờ trình đề nghị xét tặng danh hiệu thi đua", "Law 06/2022 Art. 84(1)(a)"),
    ("BK_TTG", "to_trinh", "Tờ trình đề nghị xét tặng hình thức khen thưởng", "Law 06/2022 Art. 84(2)(a)"),
    ("CSTD_TINH", "xac_nhan_sang_kien", "Xác nhận sáng kiến, đề tài khoa học", "Law 06/2022 Art. 84(1)(d)"),
    ("BK_TINH", "xac_nhan_sang_kien", "Xác nhận sáng kiến, đề tài khoa học", "Law 06/2022 Art. 84(2)(d)"),
    ("BK_BO", "xac_nhan_sang_kien", "Xác nhận sáng kiến, đề tài khoa học", "Law 06/2022 Art. 84(2)(d)"),
    ("GK", "xac_nhan_thanh_tich", "Xác nhận thành tích đột xuất, đóng góp", "Law 06/2022 Art. 84(2)(d)"),
]


@pytest.mark.parametrize("ruleset_id", RULESETS)
@pytest.mark.parametrize(
    ("code", "kind", "label", "article"), WORDING, ids=[f"{c}-{k}" for c, k, *_ in WORDING]
)
def test_art_84_1_and_84_2_a_dossier_is_worded_for_a_title_or_a_form(ruleset_id, code, kind, label, article):
    rules = ruleset(ruleset_id)
    award = rules.award(code)
    assert kind in {item.kind for item in award.dossier}
    assert (rules.dossier_kind(kind, award)["label"], rules.dossier_kind(kind, award)["article"]) == (
        label,
        article,
    )


def test_art_84_a_list_of_kinds_without_an_award_keeps_the_neutral_wording():
    rules = ruleset(RULESETS[0])
    assert rules.dossier_kind("bien_ban")["article"] == "Law 06/2022 Art. 84(1)(c), 84(2)(c)"


# The general requirements of forms are attested by the unit, as the titles' already are: "chấp hành
# tốt chủ trương của Đảng, chính sách, pháp luật" for individuals, with "nội bộ đoàn kết" for
# collectives (Arts. 42–44, 73, 74); Art. 74(3)(d)'s own conditions beside its route.
def verdict_on(ruleset_id: str, code: str, subject) -> Verdict:
    rules = ruleset(ruleset_id)
    return verdict(rules.award(code), subject, 2025, rules)


def individual(**awards: list[int]) -> History:
    return history_from_data(
        "individual", {"awards": [{"code": c, "year": y} for c, ys in awards.items() for y in ys]}
    )


def collective(ratings: dict[int, str]) -> History:
    return history_from_data(
        "collective", {"ratings": [{"year": y, "level": lv} for y, lv in ratings.items()]}
    )


ATTESTED = [
    ("BK_TINH", individual(CSTDCS=[2024, 2025]), ["Law 06/2022 Art. 74(1): Gương mẫu chấp hành tốt"]),
    ("BK_BO", individual(CSTDCS=[2024, 2025]), ["Law 06/2022 Art. 74(1): Gương mẫu chấp hành tốt"]),
    (
        "BK_TINH",
        collective({2024: "HTXS", 2025: "HTXS"}),
        [
            "Law 06/2022 Art. 74(3): Gương mẫu chấp hành tốt",
            "Law 06/2022 Art. 74(3)(d): Thực hiện tốt dân chủ",
        ],
    ),
    ("BK_TINH", collective({2025: "HT"}), ["Law 06/2022 Art. 74(3): Gương mẫu chấp hành tốt"]),
    ("BK_TTG", individual(), ["Law 06/2022 Art. 73(1), 73(2): Chấp hành tốt"]),
    ("BK_TTG", collective({2025: "HT"}), ["Law 06/2022 Art. 73(4): Gương mẫu chấp hành tốt"]),
    ("HCLD3", individual(), ["Law 06/2022 Art. 44(1), 44(2), 44(3): Chấp hành tốt"]),
    ("HCLD2", collective({2025: "HT"}), ["Law 06/2022 Art. 43(4): Nội bộ đoàn kết, chấp hành tốt"]),
    ("HCLD1", individual(), ["Law 06/2022 Art. 42(1), 42(2), 42(3): Chấp hành tốt"]),
    ("HCLD1", collective({2025: "HT"}), ["Law 06/2022 Art. 42(4): Nội bộ đoàn kết, chấp hành tốt"]),
]


@pytest.mark.parametrize("ruleset_id", RULESETS)
@pytest.mark.parametrize(
    ("code", "subject", "expected"), ATTESTED, ids=[f"{c}-{s.kind}-{len(e)}" for c, s, e in ATTESTED]
)
def test_art_42_to_44_73_74_general_requirements_of_forms_are_attested(ruleset_id, code, subject, expected):
    attestations = verdict_on(ruleset_id, code, subject).to_dict()["attestations"]
    assert len(attestations) == len(expected)
    assert all(text.startswith(start) for text, start in zip(attestations, expected, strict=True))


# Art. 84(1)(d): a grassroots fighter proposed for accepted research or combat ingenuity (Art. 23(2),
# a route of judgement) brings its certificate, as one proposed for an initiative does.
@pytest.mark.parametrize("ruleset_id", RULESETS)
def test_art_84_1_d_research_route_of_a_grassroots_fighter_needs_its_certificate(ruleset_id):
    items = [(item.kind, item.when) for item in ruleset(ruleset_id).award("CSTDCS").dossier]
    assert ("xac_nhan_sang_kien", "initiative") in items and ("xac_nhan_sang_kien", "judgement") in items
