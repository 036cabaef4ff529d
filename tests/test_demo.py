"""The demo season, end to end on the configured database, and the `vinhdanh demo` command."""

from sqlmodel import Session, select

from models.audit import verify
from models.decisions import Decision
from models.dossier import Store
from models.history import AwardRecord
from models.nominations import Nomination, State
from service.demo.report import level_counts
from service.demo.season import run_season
from tests.conftest import fresh_engine


def test_a_whole_season_runs_through_every_level(tmp_path):
    engine = fresh_engine("season")
    season = run_season(engine, Store(tmp_path / "documents"), 2025, seed=7)
    with Session(engine) as session:
        counts = level_counts(session)
        assert counts["Đơn vị cơ sở"]["conferred"] > 150
        assert counts["Cấp tỉnh"]["returned"] == 1 and counts["Cấp tỉnh"]["not_conferred"] == 1
        assert counts["Cấp Bộ"]["conferred"] == 1
        assert counts["Trung ương"]["conferred"] == 1
        references = {d.award_code: d.reference for d in session.exec(select(Decision))}
        assert references["BK_TTG"] == "01/QĐ-TTg" and references["BK_BO"] == "01/QĐ-BCT"
        pm = session.exec(select(Nomination).where(Nomination.award_code == "BK_TTG")).one()
        assert (pm.state, pm.level) == (State.CONFERRED, 2)
        assert session.exec(
            select(AwardRecord).where(AwardRecord.code == "BK_TTG", AwardRecord.year == 2025)
        ).one()
        assert verify(session) is None
    (blocked,) = season.blocked
    assert "Law 06/2022 Art. 22(1)(a)" in blocked
    engine.dispose()


def test_demo_command_prints_the_vietnamese_summary(tmp_path):
    from typer.testing import CliRunner

    from service.cli import cli

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "TỔNG KẾT ĐỢT XÉT THI ĐUA, KHEN THƯỞNG NĂM 2025" in result.output
    assert "Số 01/QĐ-TTg" in result.output and "toàn vẹn" in result.output
    assert (tmp_path / "vinhdanh.db").exists()
