"""After the season: the province's statistical forms of the year (.xlsx), and its conference of
advanced examples over the five years of the demo's history — the people with the most awards
and the collectives rated Tập thể lao động xuất sắc honoured, its list (.xlsx) and its report
(Word, written by the conference_report flow)."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from demo.province import TENANT
from flows.runtime import unit_of_work
from flows.stages import conference_report_flow
from models import conferences, statforms, statistics
from models.access import load_actor
from models.conferences import ConferenceKind
from models.history import AwardRecord
from models.org import Role, RoleGrant, Unit
from models.routing import Org

PEOPLE, COLLECTIVES = 10, 5  # honoured at the conference


def hold(year: int, out: Path) -> list[str]:
    """Write the forms and hold the conference; the summary's lines about them."""
    folder = out / "van_ban" / "thong_ke"
    folder.mkdir(parents=True, exist_ok=True)
    reported_on = date(year, 12, 15)  # the forms' due date (Ngày nhận báo cáo)
    with unit_of_work() as session:
        province = session.exec(select(Unit).where(Unit.code == TENANT)).one()
        clerk_id = session.exec(
            select(RoleGrant.person_id).where(
                RoleGrant.unit_id == province.id, RoleGrant.role == Role.SECRETARIAT
            )
        ).first()
        clerk = load_actor(session, clerk_id, reported_on)
        scope = statistics.Scope.of(session, clerk, province.id, statistics.Period.year(year))
        rules = statistics.ruleset(session, province.id, reported_on)
        forms = folder / f"bieu_thong_ke_tdkt_{year}.xlsx"
        forms.write_bytes(statforms.workbook(session, scope, reported_on, rules))
        total = statistics.awards(session, scope, rules).total
        conference = conferences.create(
            session,
            clerk,
            organiser_unit_id=province.id,
            kind=ConferenceKind.ADVANCED_EXAMPLES,
            name=f"Hội nghị điển hình tiên tiến tỉnh Quảng Ngãi giai đoạn {year - 5}–{year}",
            first_year=year - 5,
            last_year=year,
            held_on=date(year, 12, 28),
            place="Quảng Ngãi",
        )
        for person_id, _, _ in conferences.candidates(session, conference)[:PEOPLE]:
            conferences.honour(session, clerk, conference.id, person_id=person_id)
        for unit_id in excellent_collectives(session, province.id, year - 5, year):
            conferences.honour(
                session, clerk, conference.id, collective_id=unit_id, recognition="Tập thể tiêu biểu"
            )
        conferences.request_report(session, clerk, conference.id)
        names = {code: award.name for code, award in rules.awards.items()}
        listed = folder.parent / "hoi_nghi" / f"danh_sach_bieu_duong_{conference.period}.xlsx"
        listed.parent.mkdir(parents=True, exist_ok=True)
        listed.write_bytes(conferences.honoured_workbook(session, conference, names))
        conference_id, title, regime = conference.id, conference.name, statforms.regime_on(reported_on)
        honoured = len(conferences.honoured(session, conference, names))
    conference_report_flow(conference_id)
    return [
        "",
        f"Biểu thống kê năm {year} (Thông tư {regime.circular}, biểu 0601–0603.N/BNV-TĐKT): "
        f"{total} lượt khen thưởng — {forms}",
        f"{title}: {honoured} tập thể, cá nhân được biểu dương — {listed}; "
        "báo cáo hội nghị trong van_ban/bao_cao_hoi_nghi_1",
    ]


def excellent_collectives(session: Session, province_id: int, first: int, last: int) -> list[int]:
    """The province's collectives with the most 'Tập thể lao động xuất sắc' titles in the period."""
    below = Org.of(session).below({province_id})
    query = (
        select(AwardRecord.collective_id)
        .where(
            col(AwardRecord.collective_id).in_(below),
            AwardRecord.code == "TTLDXS",
            col(AwardRecord.year).between(first, last),
            ~col(AwardRecord.revoked),
        )
        .group_by(AwardRecord.collective_id)
        .order_by(sa.func.count().desc(), AwardRecord.collective_id)
        .limit(COLLECTIVES)
    )
    return list(session.exec(query))
