"""`vinhdanh demo`: the demo province's season end to end, through the stage flows as Prefect
flow runs, on its own SQLite file."""

from collections import Counter

from sqlmodel import Session, select
from typer.testing import CliRunner

from demo.summary import level_counts
from models.audit import Event, verify
from models.config import configured
from models.db import make_engine
from models.deadlines import StageAlert
from models.decisions import Decision
from models.history import AwardRecord
from models.nominations import Nomination, State
from models.runs import FlowRun
from service.cli import cli


def test_demo_runs_a_whole_season_through_the_stage_flows(tmp_path, prefect):
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "TỔNG KẾT ĐỢT XÉT THI ĐUA, KHEN THƯỞNG NĂM 2025" in result.output
    assert "Số 01/QĐ-TTg" in result.output and "toàn vẹn" in result.output
    assert "Law 06/2022 Art. 22(1)(a)" in result.output  # the engine refused one nominee
    engine = make_engine(f"sqlite:///{tmp_path / 'vinhdanh.db'}")
    with Session(engine) as session:
        counts = level_counts(session)
        assert counts["Đơn vị cơ sở"]["conferred"] > 150
        assert counts["Cấp tỉnh"]["returned"] == 2 and counts["Cấp tỉnh"]["not_conferred"] == 1
        assert counts["Cấp Bộ"]["conferred"] == 1 and counts["Trung ương"]["conferred"] == 1
        references = {d.award_code: d.reference for d in session.exec(select(Decision))}
        assert references["BK_TTG"] == "01/QĐ-TTg" and references["BK_BO"] == "01/QĐ-BCT"
        pm = session.exec(select(Nomination).where(Nomination.award_code == "BK_TTG")).one()
        assert (pm.state, pm.level) == (State.CONFERRED, 2)
        assert session.exec(
            select(AwardRecord).where(AwardRecord.code == "BK_TTG", AwardRecord.year == 2025)
        ).one()
        runs = session.exec(select(FlowRun)).all()
        assert {r.state for r in runs} == {"completed"}
        flows = Counter(r.flow for r in runs)
        assert flows["decision"] == len(session.exec(select(Decision)).all())
        assert set(flows) == {"intake", "council_session", "decision", "forward", "deadline_sweeper"}
        # every automated step is in the audit log under the flow run that took it
        automated = session.exec(select(Event).where(Event.actor_id.is_(None))).all()
        assert automated and {e.flow_run_id for e in automated} <= {r.id for r in runs}
        # the returned dossier nobody supplemented was withdrawn on timeout; the late Giấy khen
        # was reminded and escalated; each once
        alerts = Counter(a.kind for a in session.exec(select(StageAlert)))
        assert alerts == {"remind_after": 2, "escalate": 2, "timeout": 1}
        with configured(data_dir=tmp_path):  # the demo's audit key is in its own folder
            assert verify(session) is None
    engine.dispose()
