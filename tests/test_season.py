"""The demo's season runner (demo/season.py) at intake, as a secretariat works: a nomination the
step refuses goes back to its unit or is turned down, the refusal as the reason, and the rest go on."""

from datetime import date

from sqlmodel import Session, select

from demo.province import Demo
from demo.season import Season
from models import audit
from models.db import session_scope
from models.history import AwardRecord, Initiative, Rating, RatingLevel, Scope
from models.nominations import Nomination, State
from models.workflow import submit
from tests.factories import NOW, YEAR, history, person
from tests.test_workflow import draft, report


def test_intake_returns_an_incomplete_dossier_rejects_an_ineligible_nominee_and_accepts_the_rest(
    app_db, prov
):
    with session_scope(app_db) as session:
        # Two grassroots fighter titles in a row earn a Bằng khen (Law 06/2022 Art. 74(1)(d)): so
        # the unit sends the report alone. Before intake one title is revoked; two excellent years
        # with two initiatives still earn it, but then the dossier must carry the initiatives'
        # attestation (Art. 84(2)(d): a form's dossier), which it does not.
        inventor = prov.people["inventor"] = person(session, "Mai Văn Sáng", prov.units["ns"])
        history(
            session,
            inventor,
            {2023: "HTT", 2024: "HTXS", 2025: "HTXS"},
            {2023: ["LDTT"], 2024: ["LDTT", "CSTDCS"], 2025: ["LDTT", "CSTDCS"]},
        )
        session.add_all(
            Initiative(person_id=inventor.id, year=y, scope=Scope.UNIT, title=f"Sáng kiến {y}")
            for y in (2024, 2025)
        )
        drafts = {key: draft(session, prov, key=key) for key in ("good", "diligent")}
        drafts["inventor"] = draft(session, prov, key="inventor", award="BK_TINH")
        for n in drafts.values():
            report(session, prov, n)
        submit(session, prov.actors["officer"], list(drafts.values()), now=NOW)
        revoked = session.exec(
            select(AwardRecord).where(AwardRecord.person_id == inventor.id, AwardRecord.code == "CSTDCS")
        ).first()
        revoked.revoked = True
        # the diligent worker's rating for the year is corrected before intake: no longer eligible
        rating = session.exec(
            select(Rating).where(Rating.person_id == prov.people["diligent"].id, Rating.year == YEAR)
        ).one()
        rating.level = RatingLevel.HT
        ids = {key: n.id for key, n in drafts.items()}
    season = Season(Demo(roles={"STC:secretariat": prov.people["unit_secretariat"]}), YEAR, seed=YEAR)

    accepted = season.accept_all("STC", list(ids.values()), date(2025, 12, 16))

    assert accepted == [ids["good"]]
    with Session(app_db) as session:
        states = {key: session.get(Nomination, i).state for key, i in ids.items()}
        assert states == {"good": State.ACCEPTED, "diligent": State.REJECTED, "inventor": State.RETURNED}
        last = {key: audit.trail(session, "nomination", ids[key])[-1] for key in ("diligent", "inventor")}
        assert (last["inventor"].action, last["inventor"].reason) == (
            "return",
            "Hồ sơ còn thiếu: Xác nhận sáng kiến, đề tài khoa học (Law 06/2022 Art. 84(2)(d))",
        )
        assert last["diligent"].action == "reject"
        assert last["diligent"].reason.startswith("Không đủ điều kiện Lao động tiên tiến: ")
