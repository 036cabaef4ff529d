"""The administrator's pages (/quan-tri) through FastAPI's TestClient: finding and creating an
account (its generated password shown once), disabling, unlocking and resetting it, giving and
ending a role and a council seat — each as the API's administration routes do it, audited; to
anyone else the pages do not exist (404); bad input answers with the page and why."""

import re

import pytest
from sqlmodel import Session, select

from models.access import system_actor
from models.accounts import UserAccount, create_user, new_person
from models.audit import Event
from models.db import session_scope
from models.org import Role, RoleGrant
from tests.factories import password_of


@pytest.fixture
def admin(app_db, prov, browse):
    with session_scope(app_db) as session:
        person = new_person(session, system_actor(), "Quản Trị Viên", prov.units["province"].id)
        session.add(RoleGrant(person_id=person.id, role=Role.ADMIN, unit_id=prov.units["province"].id))
        create_user(session, system_actor(), "quantri", person.id, password_of("quantri"))
    return browse("quantri")


def form(client, url: str, **fields):
    return client.post(url, data={"csrf_token": client.csrf, **fields})


def user_id(page: str) -> int:
    return int(re.search(r'action="/quan-tri/tai-khoan/(\d+)"', page).group(1))


def test_an_administrator_creates_an_account_and_gives_it_a_role(app_db, prov, admin, browse):
    assert "Quản trị" in admin.get("/").text  # in the role pages' navigation
    listed = admin.get("/quan-tri?q=offic")
    assert (
        listed.status_code == 200 and ">officer</a>" in listed.text and "unit_secretariat" not in listed.text
    )

    created = form(
        admin, "/quan-tri/tai-khoan", username="lan.vo", full_name="Võ Thị Lan", unit_code="qng-stc"
    )
    assert created.status_code == 201, created.text
    generated = re.search(r"Mật khẩu của tài khoản: <code>([^<]+)</code>", created.text).group(1)
    new = user_id(created.text)
    assert "Võ Thị Lan" in created.text and "Người này chưa giữ vai trò nào" in created.text
    assert generated not in admin.get(f"/quan-tri/tai-khoan/{new}").text  # shown once

    given = form(
        admin,
        f"/quan-tri/tai-khoan/{new}/vai-tro",
        role="unit_officer",
        unit_code="QNG-STC",
        valid_from="2025-01-01",
    )
    assert given.status_code == 303
    page = admin.get(given.headers["location"])
    assert "Đã giao: Cán bộ thi đua, khen thưởng của đơn vị" in page.text and "Đang có hiệu lực" in page.text
    seat = form(
        admin, f"/quan-tri/tai-khoan/{new}/vai-tro", role="council_member", council_id=prov.councils["stc"].id
    )
    assert seat.status_code == 303

    lan = browse()  # she logs in with the generated password and works as a unit officer
    login = lan.get("/dang-nhap")
    fields = {
        "username": "lan.vo",
        "password": generated,
        "csrf_token": login.cookies.get("vinhdanh_login_csrf"),
    }
    fields["csrf_token"] = fields["csrf_token"] or lan.cookies["vinhdanh_login_csrf"]
    assert lan.post("/dang-nhap", data=fields).status_code == 303
    me = lan.get("/api/v1/me").json()
    assert {g["role"] for g in me["grants"]} >= {"unit_officer"} and me["councils"]

    role = next(g for g in me["grants"] if g["role"] == "unit_officer" and g["kind"] == "role")
    ended = form(admin, f"/quan-tri/tai-khoan/{new}/vai-tro/{role['id']}/ket-thuc", valid_to="2025-06-30")
    assert ended.status_code == 303
    assert "Đã kết thúc vai trò" in admin.get(ended.headers["location"]).text
    with Session(app_db) as session:
        grant = session.exec(select(RoleGrant).where(RoleGrant.id == role["id"])).one()
        assert str(grant.valid_to) == "2025-06-30"
        created_by = session.exec(
            select(Event.actor).where(
                Event.entity == "user", Event.entity_id == new, Event.action == "create_user"
            )
        ).one()
    assert created_by == "Quản Trị Viên"  # in the audit log, by whom


def test_disable_unlock_and_reset_a_password(app_db, prov, admin, browse):
    officer = browse("officer")
    with Session(app_db) as session:
        account = session.exec(select(UserAccount).where(UserAccount.username == "officer")).one()
    url = f"/quan-tri/tai-khoan/{account.id}"
    disabled = form(admin, url, action="disable")
    assert disabled.status_code == 303 and "Đã khoá tài khoản" in admin.get(url).text
    assert officer.get("/api/v1/me").status_code == 401  # her session ended
    assert form(admin, url, action="enable").status_code == 303
    reset = form(admin, url, action="reset")
    assert reset.status_code == 200 and re.search(
        r"Mật khẩu của tài khoản: <code>[^<]{10,}</code>", reset.text
    )
    with Session(app_db) as session:
        logged = session.exec(
            select(Event.action).where(Event.entity == "user", Event.entity_id == account.id)
        )
        actions = [a for a in logged if a in ("disable_user", "enable_user", "set_password")]
    assert actions == ["disable_user", "enable_user", "set_password"]


def test_others_get_no_such_page_and_bad_input_is_explained(app_db, prov, admin, browse):
    secretariat = browse("unit_secretariat")
    for url in ("/quan-tri", "/quan-tri/tai-khoan/1"):
        assert secretariat.get(url).status_code == 404
    assert (
        form(secretariat, "/quan-tri/tai-khoan", username="x", full_name="X", unit_code="QNG-STC").status_code
        == 404
    )
    assert "Quản trị" not in secretariat.get("/").text.split("</nav>")[0]

    unknown = form(admin, "/quan-tri/tai-khoan", username="a.b", full_name="A B", unit_code="KHONGCO")
    assert (
        unknown.status_code == 422 and "Không có đơn vị mã" in unknown.text and 'value="A B"' in unknown.text
    )
    nobody = form(admin, "/quan-tri/tai-khoan", username="a.b")
    assert nobody.status_code == 422 and "person_id" in nobody.text
    taken = form(admin, "/quan-tri/tai-khoan", username="officer", full_name="A B", unit_code="QNG-STC")
    assert taken.status_code == 409, taken.text
    with Session(app_db) as session:
        account = session.exec(select(UserAccount).where(UserAccount.username == "officer")).one()
    url = f"/quan-tri/tai-khoan/{account.id}"
    no_scope = form(admin, f"{url}/vai-tro", role="authority")
    assert no_scope.status_code == 422 and "unit_id" in no_scope.text
    assert form(admin, url, action="explode").status_code == 422
    assert form(admin, f"{url}/vai-tro/999999/ket-thuc", valid_to="2025-01-01").status_code == 422
    assert admin.get("/quan-tri/tai-khoan/999999").status_code == 404
