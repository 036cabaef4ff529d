"""The season benchmark (bench/season.py) kept working: a small generated province (four grassroots
units, 200 individuals) runs the whole season directly, every nomination ends in a final state and
every stage leaves its documents — the figures are the benchmark's, never asserted here."""

from bench.province import build
from bench.season import flatness, left, marginal, per_nomination
from bench.season_story import Runner, Season
from flows.runtime import directly
from models.nominations import FINAL_STATES


def test_a_small_generated_season_ends_every_nomination_and_writes_every_stages_documents(app_db):
    province = build(app_db, 200, seed=7, units=4)
    assert province.units == 3 + 4 * 25  # the centre, its appraiser, the province; units and sub-units
    with directly():
        Season(province, Runner(server=False), seed=7).run()
    found = left(app_db)

    assert found["nominations"] > 150
    assert set(found["states"]) <= {s.value for s in FINAL_STATES}, found["states"]
    assert found["states"]["conferred"] > 0.8 * found["nominations"]
    assert found["states"].get("not_recommended", 0) > 0  # the councils voted some down
    runs = found["runs"]
    assert all(key.endswith(" completed") for key in runs), runs
    generated = found["generated"]
    # a minutes per council session, a Quyết định per decision, a Tờ trình per proposal upward,
    # a Tờ trình thẩm định per appraisal
    assert generated["bien_ban"] == runs["council_session completed"] > 4
    assert generated["quyet_dinh"] == runs["decision completed"]
    assert generated["to_trinh"] == runs["forward completed"] > 0
    assert generated["to_trinh_tham_dinh"] == runs["appraisal completed"] >= 1
    assert found["uploaded"] >= found["nominations"]  # each nominee's report, and attestations


def test_the_growth_is_read_per_nomination_and_per_nomination_added():
    runs = {1000: (1200, 60.0), 10000: (11800, 80.0), 100000: (118000, 480.0)}
    assert per_nomination(runs) == {1000: 50.0, 10000: 80.0 / 11.8, 100000: 480.0 / 118}
    slope = marginal(runs)  # the season's fixed costs fall out of the difference
    assert slope == {10000: 1000 * 20.0 / 10600, 100000: 1000 * 400.0 / 106200}
    assert flatness(slope).endswith("10,000 → 100,000: +100%, within 25%: MISSED")
    assert flatness({1000: 4.0, 100000: 4.5}).endswith("+12%, within 25%: met")
