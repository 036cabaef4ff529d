"""The catalogue's second reading against Law 06/2022 (issue 11 §2): what the rule sets say about
votes, dossiers and attestations, in both rule sets in force, each case named after its article.
The eligibility rules of that reading are specified in test_eligibility_rules.py."""

from fractions import Fraction

import pytest

from models.catalogue import default_catalogue

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
