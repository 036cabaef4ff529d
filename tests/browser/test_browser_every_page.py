"""Every page of the site, opened in the browser by a user it is for and checked with axe-core: no
serious or critical violation. The pages are the app's own GET routes (service.web), so that a new
page fails this sweep until PAGES says who opens it and with which record."""

import re
from datetime import date

from sqlmodel import select

from models import conferences, imports
from models.access import system_actor
from models.accounts import UserAccount, create_user, new_person
from models.cluster_year import open_scoring
from models.conferences import ConferenceKind
from models.db import session_scope
from models.decide import draft_decision
from models.nominations import SubmissionItem
from models.org import Role, RoleGrant
from models.workflow import apply, submit
from service.web import router
from tests.browser.test_browser_council import convened
from tests.factories import NOW, history, password_of, person
from tests.test_clusters import CRITERIA_OF_THE_YEAR, make_block, signed_covenant
from tests.test_excel import PEOPLE, book
from tests.test_workflow import draft, report, through_unit_council

# htmx fragments, shown inside pages the sweep opens; file downloads, which are not pages
NOT_PAGES = re.compile(r"/tien-do$|/tep/")
# each page → who opens it (None: nobody logged in) and the record in its address (seeded below)
PAGES = {
    "/dang-nhap": (None, {}),
    "/": ("officer", {}),
    "/doi-mat-khau": ("officer", {}),
    "/ho-so/{nomination_id}": ("officer", {"nomination_id": "returned"}),
    "/lich-su/ca-nhan/{person_id}": ("officer", {"person_id": "nominee"}),
    "/lich-su/tap-the/{unit_id}": ("officer", {"unit_id": "unit"}),
    "/don-vi": ("officer", {}),
    "/don-vi/{unit_id}": ("officer", {"unit_id": "unit"}),
    "/don-vi/{unit_id}/to-trinh": ("officer", {"unit_id": "unit"}),
    "/don-vi/to-trinh/{submission_id}": ("officer", {"submission_id": "batch"}),
    "/don-vi/ho-so/{nomination_id}": ("officer", {"nomination_id": "returned"}),
    "/hoi-dong": ("stc.0", {}),
    "/hoi-dong/phien/{session_id}": ("stc.0", {"session_id": "meeting"}),
    "/hoi-dong/phien/{session_id}/bo-phieu": ("stc.0", {"session_id": "meeting"}),
    "/thu-ky": ("unit_secretariat", {}),
    "/thu-ky/tiep-nhan/{nomination_id}": ("unit_secretariat", {"nomination_id": "waiting"}),
    "/thu-ky/phien-hop": ("unit_secretariat", {}),
    "/thu-ky/phien-hop/moi": ("unit_secretariat", {}),
    "/thu-ky/phien-hop/{session_id}": ("unit_secretariat", {"session_id": "meeting"}),
    "/thu-ky/tong-quan": ("unit_secretariat", {}),
    "/thu-ky/quyet-dinh": ("unit_secretariat", {}),
    "/thu-ky/quyet-dinh/nhom": ("unit_secretariat", {}),  # its group's query: the link on the page above
    "/thu-ky/quyet-dinh/danh-sach": ("unit_secretariat", {}),
    "/thu-ky/quyet-dinh/to-trinh": ("unit_secretariat", {}),
    "/thu-ky/quyet-dinh/to-trinh/{submission_id}": ("unit_secretariat", {"submission_id": "batch"}),
    "/thu-ky/quyet-dinh/{decision_id}": ("unit_secretariat", {"decision_id": "decision"}),
    "/thu-ky/so-vang": ("unit_secretariat", {}),
    "/thu-ky/nhap-excel": ("unit_secretariat", {}),
    "/thu-ky/nhap-excel/{job_id}": ("unit_secretariat", {"job_id": "import"}),
    "/thu-ky/thong-ke": ("unit_secretariat", {}),
    "/thu-ky/hoi-nghi": ("unit_secretariat", {}),
    "/thu-ky/hoi-nghi/{conference_id}": ("unit_secretariat", {"conference_id": "conference"}),
    "/ky-duyet": ("director", {}),
    "/ky-duyet/{decision_id}": ("director", {"decision_id": "decision"}),
    "/phong-trao": ("officer", {}),
    "/phong-trao/cho-duyet": ("unit_secretariat", {}),
    "/phong-trao/{campaign_id}": ("officer", {"campaign_id": "campaign"}),
    "/phong-trao/{campaign_id}/dang-ky/{unit_id}": (
        "officer",
        {"campaign_id": "campaign", "unit_id": "unit"},
    ),
    "/quan-tri": ("quantri", {}),
    "/quan-tri/tai-khoan/{user_id}": ("quantri", {"user_id": "account"}),
    "/cum-thi-dua": ("province_secretariat", {}),
    "/cum-thi-dua/{cluster_id}": ("province_secretariat", {"cluster_id": "cluster"}),
    "/cum-thi-dua/nam/{covenant_id}": ("province_secretariat", {"covenant_id": "covenant"}),
    "/cum-thi-dua/nam/{covenant_id}/cham-diem": ("truongban0", {"covenant_id": "covenant"}),
}


def routes(of) -> list:
    """A router's routes, those of the routers it includes (no prefix at their inclusion) too."""
    found = []
    for route in of.routes:
        found += routes(route.original_router) if hasattr(route, "original_router") else [route]
    return found


def page_routes() -> set[str]:
    return {r.path for r in routes(router) if "GET" in r.methods and not NOT_PAGES.search(r.path)}


def seeded(site) -> dict[str, int]:
    """Records of their own (other browser tests nominate the province's people): a nomination
    returned with a reason, one waiting at intake, a council session with its members present,
    a decision drafted and waiting for its signature, a recommended one waiting for one; and an
    administrator."""
    _, prov, engine = site
    with session_scope(engine) as session:
        names = ("Lò Văn Quét", "Cầm Thị Duyệt", "Hà Văn Trang", "Vi Thị Khắp")
        for i, name in enumerate(names):
            prov.people[f"sweep_{i}"] = person(session, name, prov.units["ns"])
            history(session, prov.people[f"sweep_{i}"], dict.fromkeys(range(2021, 2026), "HTT"), {})
        returned, waiting = (draft(session, prov, key=f"sweep_{i}") for i in (0, 1))
        for n in (returned, waiting):
            report(session, prov, n)
        submit(session, prov.actors["officer"], [returned, waiting], now=NOW)
        apply(session, returned, "return", prov.actors["unit_secretariat"], reason="Thiếu biên bản", now=NOW)
        decided, left = (draft(session, prov, key=f"sweep_{i}", award="GK") for i in (2, 3))
        through_unit_council(session, prov, [decided, left])
        decision = draft_decision(session, prov.actors["unit_secretariat"], [decided], now=NOW)
        batch = session.exec(
            select(SubmissionItem.submission_id).where(SubmissionItem.nomination_id == returned.id)
        ).one()
        admin = new_person(session, system_actor(), "Quản Trị Viên", prov.units["province"].id)
        session.add(RoleGrant(person_id=admin.id, role=Role.ADMIN, unit_id=prov.units["province"].id))
        create_user(session, system_actor(), "quantri", admin.id, password_of("quantri"))
        officer = session.exec(select(UserAccount.id).where(UserAccount.username == "officer")).one()
        records = {
            "account": officer,
            "returned": returned.id,
            "waiting": waiting.id,
            "nominee": prov.people["sweep_0"].id,
            "unit": prov.units["stc"].id,
            "batch": batch,
            "decision": decision.id,
            "campaign": prov.campaign.id,
        }
    return (
        records
        | {
            "meeting": convened(engine, prov),
            "import": refused_import(engine, prov),
            "conference": held_conference(engine, prov),
        }
        | block_year(engine, prov)
    )


def held_conference(engine, prov) -> int:
    """A conference of the Sở's advanced examples, with one person honoured."""
    with session_scope(engine) as session:
        clerk = prov.actors["unit_secretariat"]
        held = conferences.create(
            session,
            clerk,
            organiser_unit_id=prov.units["stc"].id,
            kind=ConferenceKind.ADVANCED_EXAMPLES,
            name="Hội nghị điển hình tiên tiến giai đoạn 2021–2025",
            first_year=2021,
            last_year=2025,
            held_on=date(2025, 11, 20),
        )
        conferences.honour(session, clerk, held.id, person_id=prov.people["good"].id)
        return held.id


def block_year(engine, prov) -> dict[str, int]:
    """The block of six boards in its scoring round; a login for the first board's head."""
    with session_scope(engine) as session:
        block = make_block(session, prov)
        create_user(
            session, system_actor(), "truongban0", block.heads[0].person_id, password_of("truongban0")
        )
        covenant = signed_covenant(session, block, CRITERIA_OF_THE_YEAR)
        open_scoring(session, block.organiser, covenant.id)
        return {"cluster": block.cluster.id, "covenant": covenant.id}


def refused_import(engine, prov) -> int:
    """An import of the secretariat refused with its table of problems."""
    rows = [PEOPLE, ["Khúc Văn Ba", "31/02/1990", "QNG-SNV", "Nam", ""]]
    with session_scope(engine) as session:
        job, _ = imports.submit(
            session, prov.actors["unit_secretariat"], "loi.xlsx", "", book({"Cá nhân": rows})
        )
    imports.run(lambda: session_scope(engine), job.id)
    return job.id


def test_every_page_is_listed_in_the_sweep():
    assert page_routes() == set(PAGES), "a page the sweep does not open, or one it opens that is gone"


def test_every_page_opens_for_its_user_and_passes_axe(chromium, base_url, site, login, axe):
    records = seeded(site)
    contexts = {}
    for path, (username, wanted) in PAGES.items():
        if username not in contexts:
            context = chromium.new_context(base_url=base_url, locale="vi-VN")
            context.set_default_timeout(10_000)
            contexts[username] = context.new_page()
            if username:
                login(contexts[username], username)
        page = contexts[username]
        url = path.format(**{name: records[record] for name, record in wanted.items()})
        if path == "/thu-ky/quyet-dinh/nhom":
            page.goto("/thu-ky/quyet-dinh")
            url = page.locator('a[href^="/thu-ky/quyet-dinh/nhom?"]').first.get_attribute("href")
        answer = page.goto(url)
        assert answer.status == 200, f"{url} as {username}: {answer.status}"
        axe(page)
    for page in contexts.values():
        page.context.close()
