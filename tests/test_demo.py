"""`vinhdanh demo`: the demo province's season end to end, through the stage flows as Prefect
flow runs, on its own SQLite file."""

from collections import Counter

import docx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from demo.summary import level_counts
from models.audit import Event, verify
from models.clusters import ClusterLead, ClusterTerm, Covenant, Phase, VoteCast
from models.config import configured
from models.db import make_engine
from models.deadlines import StageAlert
from models.decisions import Decision, GeneratedDocument
from models.history import AwardRecord
from models.nominations import Nomination, State, Submission
from models.org import Unit
from models.runs import FlowRun
from service.app import create_app
from service.cli import cli
from tests.test_documents_signable import ballots_beyond_members_present, placeholders_in


def test_demo_runs_a_whole_season_through_the_stage_flows(tmp_path, prefect):
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "TỔNG KẾT ĐỢT XÉT THI ĐUA, KHEN THƯỞNG NĂM 2025" in result.output
    assert "Số 01/QĐ-TTg" in result.output and "toàn vẹn" in result.output
    assert "Law 06/2022 Art. 22(1)(a)" in result.output  # the engine refused one nominee
    assert "Khối thi đua các Ban Quản lý tỉnh Quảng Ngãi năm 2025 (khối trưởng:" in result.output
    assert "Dung Quất và các Khu công nghiệp Quảng Ngãi: " in result.output
    assert "5/6 phiếu — dẫn đầu, đề nghị Cờ thi đua" in result.output
    assert "100 % đơn vị đăng ký thi đua" in result.output  # the rates (demo/campaign_year.py)
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
        the_block_year_feeds_the_provinces_route(session)
        runs = session.exec(select(FlowRun)).all()
        assert {r.state for r in runs} == {"completed"}
        flows = Counter(r.flow for r in runs)
        assert flows["decision"] == len(session.exec(select(Decision)).all())
        assert set(flows) == {
            "intake",
            "council_session",
            "appraisal",
            "decision",
            "forward",
            "deadline_sweeper",
            "conference_report",
            "cluster_year",
            "campaign_plan",
            "interim_review",
            "final_review",
        }
        # the campaign and its two phases launched with their plans numbered 01–03 (demo/campaign_year.py)
        assert flows["campaign_plan"] == 3 and flows["interim_review"] == flows["final_review"] == 1
        # the province, the ministry and the centre each decided on an appraisal Tờ trình
        appraised = {
            s.reference for s in session.exec(select(Submission).where(Submission.kind == "appraisal"))
        }
        assert appraised == {"01/TTr-SNV", "01/TTr-TĐKT", "01/TTr-BNV"} and flows["appraisal"] == 3
        assert (tmp_path / "van_ban" / "to_trinh_tham_dinh" / "TTr_01-TTr-SNV_tham_dinh.docx").is_file()
        plans = sorted(p.name for p in (tmp_path / "van_ban" / "ke_hoach").iterdir())
        assert plans == ["KH_01-KH-UBND.docx", "KH_02-KH-UBND.docx", "KH_03-KH-UBND.docx"]
        assert len(list((tmp_path / "van_ban" / "bao_cao_tong_ket").iterdir())) == 1
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
    # every document an officer would sign: no placeholder, one ballot per member present (issue 11)
    assert placeholders_in(tmp_path / "van_ban") == []
    assert ballots_beyond_members_present(tmp_path / "van_ban") == []
    logins_of_the_demo_accounts(result.output, tmp_path)
    conference_and_forms(result.output, tmp_path)


def conference_and_forms(output: str, folder) -> None:
    """The year's statistical forms and the five-year conference of advanced examples, with its
    honoured list and its report (demo/conference.py)."""
    forms = load_workbook(folder / "van_ban" / "thong_ke" / "bieu_thong_ke_tdkt_2025.xlsx")
    assert forms.sheetnames == ["0601", "0602", "0603"]
    assert "Biểu thống kê năm 2025 (Thông tư 18/2025/TT-BNV" in output
    assert "Hội nghị điển hình tiên tiến tỉnh Quảng Ngãi giai đoạn 2020–2025: 15 tập thể, cá nhân" in output
    honoured = load_workbook(folder / "van_ban" / "hoi_nghi" / "danh_sach_bieu_duong_2020–2025.xlsx").active
    assert honoured.max_row == 16  # the header and 15 rows
    (report,) = (folder / "van_ban" / "bao_cao_hoi_nghi_1").iterdir()
    assert "Tổng số" in "\n".join(p.text for p in docx.Document(report).paragraphs)


def the_block_year_feeds_the_provinces_route(session: Session) -> None:
    """The block of six boards: five leaders by rotation, the covenant signed by all six in
    February, 36 scorings, six ballots; the leader its vote acclaimed holds the flag (CO_TD_TINH)
    and the next two boards a Bằng khen (BK_TINH), each decided by the province's chairman."""
    covenant = session.exec(select(Covenant)).one()
    assert (covenant.phase, covenant.signed_on.month) == (Phase.CLOSED, 2)
    assert len(session.exec(select(ClusterTerm)).all()) == 5
    assert len(session.exec(select(VoteCast)).all()) == 6 == len(covenant.present)
    lead = session.exec(select(ClusterLead)).one()
    assert session.get(Unit, lead.unit_id).code == "BQLKKT"
    awarded = {
        (n.award_code, session.get(Unit, n.collective_id).code): n.state
        for n in session.exec(select(Nomination).where(Nomination.award_code.in_(["CO_TD_TINH", "BK_TINH"])))
        if n.collective_id
    }
    assert awarded == {
        ("CO_TD_TINH", "BQLKKT"): State.CONFERRED,
        ("BK_TINH", "BQLKKT"): State.CONFERRED,  # its own two excellent years (Art. 74(3)(d))
        ("BK_TINH", "BQLDA-GT"): State.CONFERRED,
        ("BK_TINH", "BQLDA-DD"): State.CONFERRED,
    }
    papers = {
        d.kind
        for d in session.exec(
            select(GeneratedDocument).where(GeneratedDocument.owner == f"covenant:{covenant.id}")
        )
    }
    assert papers == {"giao_uoc", "bien_ban_cum", "to_trinh_cum"}
    flag = session.exec(select(AwardRecord).where(AwardRecord.code == "CO_TD_TINH")).one()
    assert flag.collective_id == lead.unit_id and flag.decision_number.endswith("/QĐ-UBND")


def logins_of_the_demo_accounts(output: str, folder) -> None:
    """The summary lists an account per role at each level, a council member of each council and
    an administrator, with their passwords; one of each kind logs in and holds its role; the
    demo's settings file points the commands at its database."""
    table = output.split("Tài khoản đăng nhập")[1].split("Cơ sở dữ liệu:")[0].strip().splitlines()[2:]
    accounts = [line.split(maxsplit=2)[:2] for line in table]
    usernames = {username for username, _ in accounts}
    for code in ("tw", "bct", "qng", "snv", "stc", "bct-xttm"):
        assert {f"{code}.lanhdao", f"{code}.thuongtruc"} <= usernames, code
    assert {"snv.canbo", "stc.canbo", "bct-xttm.canbo", "quantri", "hoidong.stc", "hoidong.bct"} <= usernames
    assert sum("Thành viên Hội đồng" in line for line in table) == 12  # one per council
    passwords = dict(accounts)
    expected = {
        "stc.canbo": ("unit_officer", "Sở Tài chính"),
        "qng.thuongtruc": ("secretariat", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
        "tw.lanhdao": ("authority", "Thủ tướng Chính phủ"),
        "quantri": ("admin", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
        "hoidong.bct": ("council_member", "Bộ Công Thương"),
    }
    with configured(database_url=f"sqlite:///{folder / 'vinhdanh.db'}", data_dir=folder):
        for username, (role, unit) in expected.items():
            client = TestClient(create_app())
            response = client.post(
                "/api/v1/auth/login", json={"username": username, "password": passwords[username]}
            )
            assert response.status_code == 200, (username, response.text)
            assert (role, unit) in {(g["role"], g["unit_name"]) for g in response.json()["grants"]}, username
    settings = dict(line.split("=", 1) for line in (folder / "vinhdanh.env").read_text().splitlines())
    assert settings["VINHDANH_DATA_DIR"] == str(folder) and settings["VINHDANH_TENANT_DIR"].endswith(
        "tenants"
    )
