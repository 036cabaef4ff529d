"""Reward money and the golden book: each decision's Danh sách chi tiền thưởng under the decree in
force on its date and the base salary of that date, reopened as Word and .xlsx; an issuer's Sổ
vàng for a year, through the API, for whom may see its decisions only."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from typer.testing import CliRunner

from document_templates.registers import golden_book, in_words
from models.catalogue import HERE as CATALOGUE
from models.catalogue import Catalogue, CatalogueError
from models.dossier import Store
from models.errors import InvalidInput
from models.reward import DATA, RewardTable, reward_table
from service.cli import cli
from tests.test_documents import TNR, bang_khen_season
from tests.test_files_api import season as files_season
from tests.test_workflow_api import ok

ND98, ND152 = "law06-2022+nd98-2023", "law06-2022+nd152-2025"


# ------------------------------------------------------------------------ the data and the rules


@pytest.mark.parametrize(
    ("day", "amount", "decree"),
    [
        (date(2024, 1, 1), 1_800_000, "24/2023/NĐ-CP"),  # the first day of Law 06/2022
        (date(2024, 6, 30), 1_800_000, "24/2023/NĐ-CP"),
        (date(2024, 7, 1), 2_340_000, "73/2024/NĐ-CP"),
        (date(2026, 1, 5), 2_340_000, "73/2024/NĐ-CP"),
    ],
)
def test_the_base_salary_is_the_one_in_force_on_the_decision_date(day, amount, decree):
    salary = reward_table().base_salary(day)
    assert salary.amount == amount and decree in salary.decree


def test_no_base_salary_before_the_first_row_is_a_clear_refusal():
    with pytest.raises(InvalidInput, match="30/06/2023"):
        reward_table().base_salary(date(2023, 6, 30))


def test_a_tenant_adds_a_base_salary_row_when_a_new_decree_raises_it(tmp_path):
    (tmp_path / "ZZZ.toml").write_text(
        '[tenant]\ncode = "ZZZ"\nname = "Tỉnh Thử"\n\n'
        "[[base_salary]]\nfrom = 2026-07-01\namount = 2530000\n"
        'decree = "Nghị định số 01/2026/NĐ-CP (giả định cho kiểm thử)"\n',
        encoding="utf-8",
    )
    table = RewardTable(Catalogue(tenant_dirs=(tmp_path,)))
    assert table.base_salary(date(2026, 7, 1), "ZZZ").amount == 2_530_000
    assert table.base_salary(date(2026, 6, 30), "ZZZ").amount == 2_340_000
    assert table.base_salary(date(2026, 7, 1), None).amount == 2_340_000  # other tenants keep theirs


def test_a_base_salary_row_without_its_decree_is_refused_at_load(tmp_path):
    (tmp_path / "ZZZ.toml").write_text(
        '[tenant]\ncode = "ZZZ"\nname = "Tỉnh Thử"\n\n[[base_salary]]\nfrom = 2026-07-01\namount = 2530000\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="names no decree"):
        RewardTable(Catalogue(tenant_dirs=(tmp_path,))).base_salary(date(2026, 7, 1), "ZZZ")


def test_every_award_of_every_rule_set_pays_each_subject_it_has_a_route_for():
    table = reward_table()
    for ruleset_id in table.catalogue.ruleset_ids:
        rules = table.catalogue.ruleset(ruleset_id)
        for code, award in rules.awards.items():
            for subject in award.subjects:
                coefficient = table.coefficient(rules, code, subject)
                assert coefficient.value > 0 and coefficient.article and coefficient.source, (code, subject)
                assert rules.basis["decree_short"] in coefficient.article


def test_a_rule_set_award_without_a_coefficient_fails_at_load(tmp_path):
    data = DATA.read_text(encoding="utf-8")
    broken = data.replace('[rulesets."law06-2022+nd152-2025".awards.GK]', "[unused.GK]")
    (tmp_path / "reward_money.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"law06-2022\+nd152-2025 pays no coefficient for GK"):
        RewardTable(Catalogue(CATALOGUE / "rulesets"), tmp_path / "reward_money.toml")


@pytest.mark.parametrize(
    ("ruleset", "code", "subject", "coefficient", "article"),
    [
        (ND98, "CSTDCS", "individual", "1.0", "Decree 98/2023 Art. 54(1)"),
        (ND98, "TTLDXS", "collective", "1.5", "Decree 98/2023 Art. 54(2)"),
        (ND98, "BK_TINH", "individual", "1.0", "Decree 98/2023 Art. 58"),
        (ND152, "BK_TINH", "individual", "1.5", "Decree 152/2025 Art. 54(1)"),
        (ND152, "BK_TTG", "individual", "3.5", "Decree 152/2025 Art. 54(1)"),
        (ND152, "HCLD3", "collective", "9.0", "Decree 152/2025 Art. 51(1)(h), 51(2)"),
    ],
)
def test_coefficients_carry_their_articles(ruleset, code, subject, coefficient, article):
    table = reward_table()
    found = table.coefficient(table.catalogue.ruleset(ruleset), code, subject)
    assert found.value == Decimal(coefficient) and found.article == article


@pytest.mark.parametrize(
    ("coefficient", "amount"),
    [
        ("0.3", 710_000),  # 702.000 rounds UP to the ten thousand
        ("0.8", 1_880_000),  # 1.872.000
        ("1.0", 2_340_000),  # already round
        ("1.5", 3_510_000),
    ],
)
def test_amounts_round_up_to_the_ten_thousand_dong(coefficient, amount):
    rounding = reward_table().rounding[ND98]
    assert rounding.up(Decimal(coefficient) * 2_340_000) == amount


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (710_000, "Bảy trăm mười nghìn đồng"),
        (1_880_000, "Một triệu tám trăm tám mươi nghìn đồng"),
        (11_700_000, "Mười một triệu bảy trăm nghìn đồng"),
        (17_550_000, "Mười bảy triệu năm trăm năm mươi nghìn đồng"),
        (21_060_000, "Hai mươi mốt triệu không trăm sáu mươi nghìn đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (25_000, "Hai mươi lăm nghìn đồng"),
        (1_000_005_000, "Một tỷ không trăm linh năm nghìn đồng"),
    ],
)
def test_amounts_in_words_as_a_voucher_writes_them(amount, words):
    assert in_words(amount) == words


# ------------------------------------------------------------------- a decision's list of money


# A provincial Bằng khen for one person and two collectives. Decree 98/2023 pays the person 1,0 and
# each collective 2,0 base salaries; Decree 152/2025 raised them to 1,5 and 3,0 (Art. 54(1)).
UNDER = {
    ND98: (date(2025, 6, 20), ["2.340.000", "4.680.000", "4.680.000"], "11.700.000", "1,0"),
    ND152: (date(2026, 1, 5), ["3.510.000", "7.020.000", "7.020.000"], "17.550.000", "1,5"),
}


def reward_files(session, province, tmp_path, ruleset: str) -> tuple[dict, Document, bytes]:
    store = Store(tmp_path)
    season = bang_khen_season(session, province, store, UNDER[ruleset][0])
    made = {d.kind: d for d in season["made"]}
    word = Document(io.BytesIO(store.get(made["chi_tien_thuong"].sha256)))
    return season, word, store.get(made["chi_tien_thuong_xlsx"].sha256)


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize("ruleset", [ND98, ND152])
def test_the_word_list_totals_the_decision_under_the_decree_of_its_date(session, province, tmp_path, ruleset):
    signed_on, amounts, total, person_coefficient = UNDER[ruleset]
    season, word, _ = reward_files(session, province, tmp_path, ruleset)
    assert season["decision"].signed_on == signed_on  # before or after 2025-07-01
    rows = cells(word.tables[1])
    heading, lines, last = rows[0], rows[1:-1], rows[-1]
    assert heading[:7] == [
        "TT",
        "Họ và tên, tập thể",
        "Chức vụ, đơn vị",
        "Danh hiệu, hình thức khen thưởng",
        "Hệ số",
        "Mức lương cơ sở (đồng)",
        "Số tiền (đồng)",
    ]
    assert [line[6] for line in lines] == amounts
    assert {line[5] for line in lines} == {"2.340.000"}
    assert lines[0][4] == person_coefficient and lines[0][1].startswith(("Ông ", "Bà "))
    assert {line[3] for line in lines} == {"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}
    assert last[0] == "Tổng cộng" and last[6] == total
    texts = [p.text for p in word.paragraphs]
    words = in_words(int(total.replace(".", "")))
    assert f"Tổng số tiền bằng chữ: {words}." in texts
    reference = season["decision"].reference
    assert any(t.startswith(f"(Kèm theo Quyết định số {reference}") for t in texts)
    decree = "Nghị định số 98/2023/NĐ-CP" if ruleset == ND98 else "Nghị định số 152/2025/NĐ-CP"
    assert any(decree in t for t in texts) and any("Nghị định số 73/2024/NĐ-CP" in t for t in texts)


def test_the_word_list_is_in_times_new_roman_on_a_landscape_a4(session, province, tmp_path):
    _, word, _ = reward_files(session, province, tmp_path, ND152)
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {TNR}
    runs = [r for p in word.paragraphs for r in p.runs] + [
        r for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and {r.font.name for r in runs} <= {TNR, None}
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells(word.tables[0])[0][1]


@pytest.mark.parametrize("ruleset", [ND98, ND152])
def test_the_xlsx_list_reopens_with_the_amounts_as_numbers(session, province, tmp_path, ruleset):
    _, amounts, total, _ = UNDER[ruleset]
    _, _, content = reward_files(session, province, tmp_path, ruleset)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "TT")
    lines = rows[start + 1 : start + 4]
    assert [line[6] for line in lines] == [int(a.replace(".", "")) for a in amounts]
    assert {line[5] for line in lines} == {2_340_000}
    assert rows[start + 4][1] == "Tổng cộng" and rows[start + 4][6] == int(total.replace(".", ""))
    assert sum(line[6] for line in lines) == rows[start + 4][6]
    assert any(row[0] == f"Tổng số tiền bằng chữ: {in_words(rows[start + 4][6])}." for row in rows)
    assert sheet.cell(start + 2, 2).font.name == TNR and sheet.cell(start + 1, 1).font.bold
    assert sheet.cell(start + 2, 7).number_format == "#,##0"


# --------------------------------------------------------------------------------- Sổ vàng


def test_the_golden_book_lists_the_issuers_decisions_and_nominees(session, province, tmp_path):
    season = bang_khen_season(session, province, Store(tmp_path), date(2026, 1, 5))
    decision = season["decision"]
    book = golden_book(session, province.actors["chairman"], decision.issuer_unit_id, 2026)
    assert [(d.reference, d.signed, d.count) for d in book.decisions] == [
        (decision.reference, "05/01/2026", 3)
    ]
    assert [e.number for e in book.entries] == ["0001/2026", "0002/2026", "0003/2026"]
    assert {e.decision for e in book.entries} == {f"{decision.reference} ngày 05/01/2026"}
    assert {e.year for e in book.entries} == {2025}  # the year of the achievements
    assert golden_book(session, province.actors["chairman"], decision.issuer_unit_id, 2025).entries == []


def test_the_golden_book_through_the_api_for_its_unit_only(app_db, prov, api):
    s = files_season(app_db, prov, api)
    decision = ok(api["officer"].get(f"/api/v1/decisions/{s['decision']}"))
    unit_id, path = (
        decision["issuer"]["id"],
        f"/api/v1/units/{decision['issuer']['id']}/golden-book?year=2025",
    )
    book = ok(api["unit_secretariat"].get(path))
    assert [d["reference"] for d in book["decisions"]] == [decision["reference"]]
    assert [(e["number"], e["nominee"]) for e in book["entries"]] == [("0001/2025", "Ông Nguyễn Văn An")]

    xlsx = api["unit_secretariat"].get(f"{path}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].endswith("spreadsheetml.sheet")
    values = [row for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    assert ("0001/2025", "Ông Nguyễn Văn An") in {row[:2] for row in values}
    word = api["unit_secretariat"].get(f"{path}&format=docx")
    assert word.status_code == 200
    entries = cells(Document(io.BytesIO(word.content)).tables[2])
    assert entries[1][:2] == ["0001/2025", "Ông Nguyễn Văn An"] and entries[1][5].startswith(
        decision["reference"]
    )

    for outsider in (api["province_secretariat"], api["ministry_officer"]):  # another unit's secretariat
        refused = outsider.get(path)
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"
        assert outsider.get(f"{path}&format=xlsx").status_code == 404
    assert api["unit_secretariat"].get(f"/api/v1/units/{unit_id}/golden-book?year=1900").status_code == 422
    assert api["unit_secretariat"].get(f"{path}&format=pdf").status_code == 422
    assert api["unit_secretariat"].get("/api/v1/units/999999/golden-book?year=2025").status_code == 404


def test_the_golden_book_from_the_command_line(app_db, prov, api, tmp_path):
    s = files_season(app_db, prov, api)
    issuer = ok(api["officer"].get(f"/api/v1/decisions/{s['decision']}"))["issuer"]
    code = next(u.code for u in prov.units.values() if u.id == issuer["id"])
    result = CliRunner().invoke(cli, ["golden-book", code, "2025", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("so_vang_*_2025.xlsx")
    values = [row[:2] for row in load_workbook(written).active.iter_rows(values_only=True)]
    assert ("0001/2025", "Ông Nguyễn Văn An") in values
    refused = CliRunner().invoke(cli, ["golden-book", code, "2025", "--format", "pdf"])
    assert refused.exit_code == 1 and "xlsx hoặc docx" in refused.output


def test_the_golden_book_page_shows_the_year_and_links_its_files(app_db, prov, api, browse):
    s = files_season(app_db, prov, api)
    decision = ok(api["officer"].get(f"/api/v1/decisions/{s['decision']}"))
    unit_id = decision["issuer"]["id"]
    secretariat = browse("unit_secretariat")
    page = secretariat.get(f"/thu-ky/so-vang?don_vi={unit_id}&nam=2025")
    assert page.status_code == 200, page.text
    assert decision["reference"] in page.text and "0001/2025" in page.text and "Nguyễn Văn An" in page.text
    files = f"/api/v1/units/{unit_id}/golden-book?year=2025&amp;format="
    assert f'href="{files}docx"' in page.text and f'href="{files}xlsx"' in page.text
    assert "Chưa có quyết định nào" in secretariat.get(f"/thu-ky/so-vang?don_vi={unit_id}&nam=2024").text

    assert browse("province_secretariat").get(f"/thu-ky/so-vang?don_vi={unit_id}").status_code == 404
    assert browse("officer").get("/thu-ky/so-vang").status_code == 403  # keeps no book
    assert secretariat.get("/thu-ky/so-vang?nam=1800").status_code == 422
    director = browse("director")  # the unit's authority signs in the book: it reads it too
    assert director.get("/ky-duyet").text.count('href="/thu-ky/so-vang"') == 1
    assert "0001/2025" in director.get(f"/thu-ky/so-vang?don_vi={unit_id}&nam=2025").text
