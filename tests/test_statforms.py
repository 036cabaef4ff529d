"""The statistical forms, written as .xlsx and read back cell by cell with openpyxl, over the
hand-counted province of tests/test_statistics.py (its `town`); the regime chosen by the date."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from models.errors import InvalidInput, NotFound
from models.statforms import regime_on, workbook
from models.statistics import Period, Scope
from tests.test_statistics import RULES, town  # noqa: F401  (the fixture)

ON = date(2025, 12, 1)


def read(content: bytes, sheet: str) -> tuple[dict[str, list], object]:
    """Each coded row of the form: its 'Tổng số' and the columns after it."""
    ws = load_workbook(io.BytesIO(content))[sheet]
    headers = [c.value for c in ws[8]]
    first = headers.index("Tổng số") + 1
    rows = {}
    for r in range(11, ws.max_row + 1):
        code = ws.cell(r, 2).value
        if code and ws.cell(r, 1).value:
            rows[code] = [ws.cell(r, c).value for c in range(first, ws.max_column + 1)]
    return rows, ws


def forms(session, town, unit="P", on=ON, numbers=None):  # noqa: F811
    return workbook(session, Scope(town[unit].id, Period.year(2024)), on, RULES, numbers)


def test_province_level_awards_form_0603(session, town):  # noqa: F811
    rows, ws = read(forms(session, town), "0603")
    # columns: total, Bằng khen, CSTĐ bộ/tỉnh, Cờ thi đua bộ/tỉnh, Huy hiệu (not in the records)
    assert rows["01"] == [3, 2, 0, 1, None]
    assert rows["02"] == [2, 1, 0, 1, None]  # collectives: E's Bằng khen and flag
    assert rows["03"] == [2, 1, 0, 1, None]  # E is an enterprise
    assert rows["04"] == [None] * 5  # households: not in the records
    assert rows["05"] == [1, 1, 0, 0, None]  # An's Bằng khen (Chi's was revoked)
    assert all(rows[f"{n:02d}"] == [None] * 5 for n in range(6, 11))  # ranks: not in the records
    assert rows["11"] == [0, 0, 0, 0, None]
    assert rows["12"] == [1, 0, 0, 1, None]  # the flag of the thematic campaign
    assert rows["13"] == [0, 0, 0, 0, None]
    assert ws["A1"].value == "Biểu số: 0603.N/BNV-TĐKT"
    assert ws["A1"].font.name == "Times New Roman"
    assert "18/2025/TT-BNV" in ws["A2"].value
    assert ws.cell(1, ws.max_column // 2 + 1).value == "Đơn vị báo cáo: Tỉnh P"


def test_state_level_awards_form_0602(session, town):  # noqa: F811
    rows, ws = read(forms(session, town), "0602")
    headers = [ws.cell(9, c).value or ws.cell(8, c).value for c in range(1, ws.max_column + 1)]
    total = rows["01"]
    at = {h: total[i - 3] for i, h in enumerate(headers) if i >= 4}  # "Tổng số" is the 4th column
    assert total[0] == 2
    assert at["Huân chương Lao động hạng Ba - Cá nhân"] == 1
    assert at["Huân chương Lao động hạng Ba - Tập thể"] == 0
    assert at["Cá nhân"] == 1  # the Prime Minister's Bằng khen, to Dũng
    assert at["Giải thưởng Hồ Chí Minh"] is None
    assert rows["03"] == total  # a province's Tờ trình
    assert rows["02"] == [None] * len(total)
    assert rows["06"][0] == 0 and rows["09"][0] == 2


def test_campaigns_form_0601(session, town):  # noqa: F811
    rows, _ = read(forms(session, town, numbers=("0601",)), "0601")
    # columns: total, central, ministry/province, unit
    assert rows["01"] == [3, 0, 2, 1]
    assert rows["03"] == [2, None, 2, None]
    assert rows["04"] == [None] * 4  # clusters: not told by a campaign
    assert rows["05"] == [1, None, None, 1]
    assert rows["11"] == [2, 0, 1, 1]
    assert rows["12"] == [1, 0, 1, 0]


def test_a_unit_alone_has_its_own_counts_on_the_form(session, town):  # noqa: F811
    content = workbook(session, Scope(town["A"].id, Period.year(2024), subtree=False), ON, RULES, ("0603",))
    rows, _ = read(content, "0603")
    assert rows["01"] == [1, 1, 0, 0, None]  # An's Bằng khen


@pytest.mark.parametrize(
    ("day", "circular"),
    [
        (date(2018, 3, 6), "03/2018/TT-BNV"),
        (date(2023, 5, 7), "03/2018/TT-BNV"),
        (date(2023, 5, 8), "02/2023/TT-BNV"),
        (date(2025, 11, 21), "02/2023/TT-BNV"),
        (date(2025, 11, 22), "18/2025/TT-BNV"),
        (date(2026, 12, 15), "18/2025/TT-BNV"),
    ],
)
def test_the_regime_is_the_one_in_force_on_the_report_date(day, circular):
    assert regime_on(day).circular == circular


def test_the_sheet_cites_the_regime_of_its_date(session, town):  # noqa: F811
    _, ws = read(forms(session, town, on=date(2024, 12, 15)), "0601")
    assert ws["A2"].value == "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/03/2023"


def test_a_date_before_any_implemented_regime_is_refused(session, town):  # noqa: F811
    with pytest.raises(InvalidInput, match="03/2018"):
        forms(session, town, on=date(2020, 12, 15))
    with pytest.raises(InvalidInput):
        regime_on(date(2017, 1, 1))


def test_an_unknown_form_number_is_refused(session, town):  # noqa: F811
    with pytest.raises(NotFound):
        forms(session, town, numbers=("0999",))
