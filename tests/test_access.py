"""Every route of the API, swept: anyone without a login is turned away (401) but from the
public ones; and for every record a route names, someone with no part in it gets exactly the
answer that a record which does not exist gets (404), so nobody can probe for what is not theirs.
A route added without a line here fails the sweep."""

from sqlmodel import Session, select

from models.access import system_actor
from models.accounts import create_user
from models.db import session_scope
from models.org import RoleGrant
from models.runs import FlowRun
from models.uploads import XLSX
from service.api import MAX_ID
from tests.test_clusters import make_block, signed_covenant
from tests.test_excel import PEOPLE, book
from tests.test_files_api import season
from tests.test_reports_api import CONFERENCE
from tests.test_uploads import PDF
from tests.test_workflow_api import ok

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/eligibility/check"),
    ("GET", "/api/v1/calendar/add-working-days"),
    ("POST", "/api/v1/auth/login"),
}
CATALOGUE = {  # the law and the tenant's rules: the same for every signed-in person
    ("GET", "/api/v1/catalogue/awards"),
    ("GET", "/api/v1/catalogue/awards/{code}"),
    ("GET", "/api/v1/catalogue/dossier-kinds"),
    ("GET", "/api/v1/imports/template"),  # the empty workbook to fill in
    ("GET", "/api/v1/nominee-lists/template"),
}
MINE = {  # about the caller alone: nobody else's records to probe
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/me/password"),
    ("POST", "/api/v1/me/tokens"),
    ("GET", "/api/v1/inbox"),
    ("GET", "/api/v1/status"),
    ("GET", "/api/v1/imports"),
    # the units in the caller's charge (tests/test_excel.py: nothing outside them, 403 for others)
    ("POST", "/api/v1/imports"),
    ("GET", "/api/v1/exports/people"),
    # statistics and conferences of the units in the caller's charge (tests/test_reports_api.py)
    ("GET", "/api/v1/statistics"),
    ("GET", "/api/v1/statistics/forms"),
    ("GET", "/api/v1/conferences"),
    ("POST", "/api/v1/conferences"),
    ("GET", "/api/v1/registration-queue"),  # the registrations waiting for the caller's approval
}
# list → the record of the season it must not show an outsider
LISTS = {
    "/api/v1/nominations": "good",
    "/api/v1/queues/intake": "fighter",
    "/api/v1/queues/returned": "good",
    "/api/v1/queues/agenda": "good",
    "/api/v1/queues/signature": "decision",
    "/api/v1/queues/appraisal-signature": "batch",
    "/api/v1/submissions": "batch",
    "/api/v1/council-sessions": "meeting",
    "/api/v1/decisions": "decision",
    "/api/v1/units": "stc",
    "/api/v1/people": "good_person",
    "/api/v1/councils": "council",
    "/api/v1/campaigns": "campaign",
    "/api/v1/users": "user",
    "/api/v1/grants": "grant",
    "/api/v1/clusters": "cluster",
}
# a route that creates or acts on records named in its body → the field that names the record
# probed, and a body naming the season's records
CREATES = {
    "/api/v1/campaigns": (
        "organiser_unit_id",
        lambda r: {
            "organiser_unit_id": r["stc"],
            "name": "Thi đua",
            "year": 2025,
            "launched_on": "2025-01-15",
        },
    ),
    "/api/v1/nominations": (
        "person_id",
        lambda r: {"award_code": "LDTT", "campaign_id": r["campaign"], "person_id": r["good_person"]},
    ),
    "/api/v1/submissions": ("nomination_ids", lambda r: {"nomination_ids": [r["good"]]}),
    "/api/v1/nominations/actions/{action}": ("nomination_ids", lambda r: {"nomination_ids": [r["fighter"]]}),
    "/api/v1/council-sessions": (
        "council_id",
        lambda r: {
            "council_id": r["council"],
            "held_at": "2025-12-19T08:00:00+07:00",
            "place": "Phòng họp",
            "chair_id": r["member_person"],
            "secretary_id": r["member_person"],
            "nomination_ids": [r["good"]],
        },
    ),
    "/api/v1/decisions": ("nomination_ids", lambda r: {"nomination_ids": [r["good"]]}),
    "/api/v1/appraisals": ("nomination_ids", lambda r: {"nomination_ids": [r["fighter"]]}),
    "/api/v1/proposals": (
        "nomination_ids",
        lambda r: {"nomination_ids": [r["fighter"]], "signed_on": "2025-12-22"},
    ),
    "/api/v1/users": (
        "person_id",
        lambda r: {"username": "ke.la", "person_id": r["good_person"], "password": "mật khẩu dài"},
    ),
    "/api/v1/grants": (
        "person_id",
        lambda r: {"person_id": r["good_person"], "role": "unit_officer", "unit_id": r["stc"]},
    ),
}
# path parameter → the season's record it names
NAMES = {
    "nomination_id": "good",
    "submission_id": "batch",
    "session_id": "meeting",
    "decision_id": "decision",
    "document_id": "document",
    "file_id": "file",
    "unit_id": "stc",
    "person_id": "good_person",
    "council_id": "council",
    "campaign_id": "campaign",
    "notification_id": "notification",
    "run_id": "run",
    "user_id": "user",
    "grant_id": "grant",
    "job_id": "import",
    "conference_id": "conference",
    "cluster_id": "cluster",
    "covenant_id": "covenant",
    "batch_id": "registration",
}
BODIES = {  # a valid body for each write that names its record in the path
    ("POST", "/api/v1/campaigns/{campaign_id}/launch"): {},
    ("POST", "/api/v1/campaigns/{campaign_id}/reviews"): {"json": {"review": "so_ket"}},
    ("POST", "/api/v1/campaigns/{campaign_id}/registrations"): {
        "json": {"unit_id": 1, "entries": [{"award_code": "LDTT", "person_id": 1}]}
    },
    ("POST", "/api/v1/registrations/{batch_id}/decision"): {"json": {"approve": True}},
    ("PATCH", "/api/v1/nominations/{nomination_id}"): {"json": {"version": 1, "achievement": "Thêm"}},
    ("DELETE", "/api/v1/nominations/{nomination_id}"): {"params": {"version": 1}},
    ("POST", "/api/v1/nominations/{nomination_id}/documents"): {
        "data": {"kind": "bao_cao_thanh_tich"},
        "files": {"file": ("a.pdf", PDF, "application/pdf")},
    },
    ("POST", "/api/v1/submissions/{submission_id}/documents"): {
        "data": {"kind": "y_kien"},
        "files": {"file": ("a.pdf", PDF, "application/pdf")},
    },
    ("POST", "/api/v1/nominations/{nomination_id}/{action}"): {"json": {}},
    ("POST", "/api/v1/council-sessions/{session_id}/attendance"): {"json": {"member_id": 1, "present": True}},
    ("POST", "/api/v1/council-sessions/{session_id}/ballots"): {"json": {"choices": {"1": "yes"}}},
    ("POST", "/api/v1/council-sessions/{session_id}/close"): {},
    ("POST", "/api/v1/decisions/{decision_id}/sign"): {"json": {"signed_on": "2025-12-20"}},
    ("POST", "/api/v1/appraisals/{submission_id}/sign"): {"json": {"signed_on": "2025-12-20"}},
    ("POST", "/api/v1/inbox/{notification_id}/read"): {},
    ("POST", "/api/v1/flow-runs/{run_id}/retry"): {},
    ("PATCH", "/api/v1/users/{user_id}"): {"json": {"active": True}},
    ("POST", "/api/v1/campaigns/{campaign_id}/nominee-list"): {"files": {"file": ("a.xlsx", b"PK", XLSX)}},
    ("POST", "/api/v1/grants/{grant_id}/end"): {"json": {"valid_to": "2026-01-01"}},
    ("POST", "/api/v1/conferences/{conference_id}/honourees"): {"json": {"person_id": 1}},
    ("POST", "/api/v1/conferences/{conference_id}/report"): {},
    ("POST", "/api/v1/clusters/{cluster_id}/terms"): {"json": {"year": 2025, "chosen_on": "2025-01-15"}},
    ("POST", "/api/v1/clusters/{cluster_id}/covenants"): {
        "json": {"year": 2026, "criteria": [{"name": "Nhiệm vụ", "max_score": 10}]}
    },
    ("POST", "/api/v1/covenants/{covenant_id}/signatures"): {"json": {"signed_on": "2025-02-20"}},
    ("POST", "/api/v1/covenants/{covenant_id}/scoring"): {},
    ("POST", "/api/v1/covenants/{covenant_id}/scores"): {"json": {"unit_id": 1, "points": {"1": 5}}},
    ("POST", "/api/v1/covenants/{covenant_id}/verifications"): {
        "json": {"unit_id": 1, "criterion_id": 1, "points": 5}
    },
    ("POST", "/api/v1/covenants/{covenant_id}/vote"): {"json": {"review_on": "2025-12-10", "present": [1]}},
    ("POST", "/api/v1/covenants/{covenant_id}/ballots"): {"json": {"choices": [1]}},
    ("POST", "/api/v1/covenants/{covenant_id}/close"): {},
}


def operations(client) -> list[tuple[str, str]]:
    paths = ok(client.get("/openapi.json"))["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def records(app_db, prov, api) -> dict[str, int | str]:
    s = season(app_db, prov, api)
    officer = api["officer"]
    with session_scope(app_db) as session:
        user, _ = create_user(
            session, system_actor(), "hoa.tran", prov.people["officer"].id, "mật khẩu dài 1"
        )
        user_id = user.id
        block = make_block(session, prov)
        covenant = signed_covenant(session, block).id
    upload = {
        "file": ("du_lieu.xlsx", book({"Cá nhân": [PEOPLE, ["Âu Văn Khải", "", "QNG-STC", "Nam", ""]]}))
    }
    api["unit_secretariat"].post("/api/v1/imports", files=upload)
    with Session(app_db) as session:
        grant = session.exec(
            select(RoleGrant.id).where(RoleGrant.person_id == prov.people["officer"].id)
        ).first()
        run = session.exec(select(FlowRun.id)).first()
    return s | {
        "document": ok(officer.get(f"/api/v1/nominations/{s['good']}/documents"))[0]["id"],
        "file": ok(officer.get(f"/api/v1/decisions/{s['decision']}/files"))[0]["id"],
        "notification": ok(officer.get("/api/v1/inbox"))[0]["id"],
        "stc": prov.units["stc"].id,
        "good_person": prov.people["good"].id,
        "council": prov.councils["stc"].id,
        "member_person": prov.members["stc"][0].person_id,
        "campaign": prov.campaign.id,
        "run": run,
        "user": user_id,
        "grant": grant,
        "import": ok(api["unit_secretariat"].get("/api/v1/imports"))[0]["id"],
        "cluster": block.cluster.id,
        "covenant": covenant,
        "conference": ok(
            api["unit_secretariat"].post(
                "/api/v1/conferences", json=CONFERENCE | {"organiser_unit_id": prov.units["stc"].id}
            ),
            201,
        )["id"],
        "registration": ok(
            officer.post(
                f"/api/v1/campaigns/{prov.campaign.id}/registrations",
                json={
                    "unit_id": prov.units["stc"].id,
                    "entries": [{"award_code": "LDTT", "person_id": prov.people["good"].id}],
                },
            ),
            201,
        )["id"],
    }


def same(answer, named) -> tuple[int, str, str]:
    """An answer without the record it names: what a caller could compare."""
    body, message = answer.json(), answer.json().get("message", "")
    for value in sorted(map(str, named), key=len, reverse=True):  # 2147483647 before 1
        message = message.replace(value, "#")
    return answer.status_code, body.get("error"), message


def test_every_route_is_closed_to_strangers_and_says_not_found_alike(app_db, prov, api):
    r = records(app_db, prov, api)
    stranger, anonymous = api["ministry_officer"], api["anonymous"]
    problems = []
    for method, path in operations(anonymous):
        key = (method, path)
        if key in PUBLIC or not path.startswith("/api/v1"):
            continue
        concrete = path.replace("{action}", "accept").replace("{code}", "LDTT")
        if anonymous.request(method, concrete.format(**dict.fromkeys(NAMES, 1))).status_code != 401:
            problems.append(f"{method} {path}: not 401 without a login")
        names = [n for n in NAMES if "{" + n + "}" in path]
        if key in CATALOGUE | MINE:
            continue
        if method == "GET" and not names:
            if path not in LISTS:
                problems.append(f"{method} {path}: a list not in LISTS")
                continue
            answer = stranger.get(path)
            listed = answer.json() if answer.status_code == 200 else []
            shown = {item["id"] for item in (listed if isinstance(listed, list) else listed.get("items", []))}
            if answer.status_code not in (200, 404) or r[LISTS[path]] in shown:
                problems.append(f"{method} {path}: shows a stranger {LISTS[path]} ({answer.status_code})")
            continue
        if not names:
            if path not in CREATES:
                problems.append(f"{method} {path}: a write not in CREATES")
                continue
            probed, body_of = CREATES[path]
            body = body_of(r)
            named = body[probed] if isinstance(body[probed], list) else [body[probed]]
            theirs = stranger.request(method, concrete, json=body)
            missing = [MAX_ID] if isinstance(body[probed], list) else MAX_ID
            nothing = stranger.request(method, concrete, json=body | {probed: missing})
        else:
            if method != "GET" and key not in BODIES:
                problems.append(f"{method} {path}: a write not in BODIES")
                continue
            kwargs, named = BODIES.get(key, {}), [r[NAMES[n]] for n in names]
            theirs = stranger.request(method, concrete.format(**{n: r[NAMES[n]] for n in names}), **kwargs)
            nothing = stranger.request(method, concrete.format(**dict.fromkeys(names, MAX_ID)), **kwargs)
        named = [*named, MAX_ID]
        if theirs.status_code != 404 or same(theirs, named) != same(nothing, named):
            problems.append(
                f"{method} {path}: a stranger gets {same(theirs, named)}, a missing record {same(nothing, named)}"
            )
    assert problems == [], "\n".join(problems)
