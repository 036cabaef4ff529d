"""Accounts and login, through real HTTP: the session cookie and its flags, the CSRF token a
cookie write must carry, the same answer for a wrong password and an unknown username, locks per
username and per client, sessions that end, effective-dated grants, the administrator's routes
(404 for anyone else) and the `vinhdanh user` commands."""

import statistics
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.access import system_actor, today
from models.accounts import LoginSession, UserAccount, create_user, hasher, new_person
from models.audit import Event
from models.config import configured
from models.db import session_scope, utcnow
from models.org import Role, RoleGrant
from service.app import create_app
from service.cli import cli

HOA, DIRECTOR, ADMIN = (
    ("hoa.tran", "Mật-khẩu-của-Hoa"),
    ("tuan.pham", "giám đốc 2025!"),
    ("quantri", "quản trị 12345"),
)
LOGIN = "/api/v1/auth/login"


@pytest.fixture
def people(app_db, prov):
    """Accounts for the unit officer and the director of Sở Tài chính, and an administrator."""
    with session_scope(app_db) as session:
        actor = system_actor()
        create_user(session, actor, HOA[0], prov.people["officer"].id, HOA[1])
        create_user(session, actor, DIRECTOR[0], prov.people["director"].id, DIRECTOR[1])
        admin = new_person(session, actor, "Quản Trị Viên", prov.units["province"].id)
        session.add(RoleGrant(person_id=admin.id, role=Role.ADMIN, unit_id=prov.units["province"].id))
        create_user(session, actor, ADMIN[0], admin.id, ADMIN[1])
    return prov


@pytest.fixture
def web(people):
    """A new browser: a client factory (another machine with `host`)."""
    with configured(prefect_mode="inline"):
        clients = []

        def browser(host: str = "testclient") -> TestClient:
            clients.append(TestClient(create_app(), client=(host, 50000)))
            return clients[-1]

        yield browser
        for c in clients:
            c.close()


@pytest.fixture
def admin(web, login) -> TestClient:
    client = web()
    login(client, *ADMIN)
    return client


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def refused(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text
    return response.json()


def attempt(client, username, password):
    return client.post(LOGIN, json={"username": username, "password": password})


def events(engine, action: str) -> list[Event]:
    with Session(engine) as session:
        return session.exec(select(Event).where(Event.action == action)).all()


# ------------------------------------------------------------------------------ logging in


def test_login_sets_an_httponly_lax_cookie_and_answers_who_i_am_with_my_roles(web, people, app_db):
    client = web()
    me = ok(attempt(client, "  Hoa.TRAN ", HOA[1]))  # usernames are trimmed and case-folded
    cookie = client.cookies.get("vinhdanh_session")
    assert cookie and cookie not in str(me)
    flags = [f.strip().lower() for f in attempt(web(), *HOA).headers["set-cookie"].split(";")]
    assert {"httponly", "path=/", "samesite=lax"} <= set(flags) and "secure" not in flags
    assert me["user"]["username"] == "hoa.tran" and me["person"]["full_name"] == "Trần Thị Hoa"
    assert [(g["role"], g["unit_name"], g["in_force"]) for g in me["grants"]] == [
        ("unit_officer", "Sở Tài chính", True)
    ]
    assert me["csrf_token"]
    # the cookie is a credential on its own; the same person's answer from GET /me
    again = ok(client.get("/api/v1/me"))
    assert again == me
    with Session(app_db) as session:  # only the token's digest is stored
        assert session.exec(select(LoginSession.digest)).first() != cookie
    assert [e.actor for e in events(app_db, "login")] == ["Trần Thị Hoa", "Trần Thị Hoa"]


def test_the_cookie_is_secure_when_configured(web):
    with configured(cookie_secure=True):
        header = attempt(web(), *HOA).headers["set-cookie"].lower()
    assert "; secure" in header and "httponly" in header


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer_in_about_the_same_time(web, app_db):
    client = web()
    answers, times = {"wrong": [], "unknown": []}, {"wrong": [], "unknown": []}
    for i in range(4):  # fewer than the five that lock a username
        for kind, username in (("wrong", HOA[0]), ("unknown", f"khong.co.{i}")):
            started = time.perf_counter()
            response = attempt(client, username, "sai mật khẩu rồi")
            times[kind].append(time.perf_counter() - started)
            answers[kind].append((response.status_code, response.json()))
    assert answers["wrong"] == answers["unknown"]
    assert answers["wrong"][0] == (
        401,
        {
            "error": "unauthorized",
            "message": "Tên đăng nhập hoặc mật khẩu không đúng (wrong username or password)",
            "details": {},
        },
    )
    # both checked a hash: neither answers measurably faster
    ratio = statistics.median(times["unknown"]) / statistics.median(times["wrong"])
    assert 0.5 < ratio < 2, times
    failed = events(app_db, "login_failed")
    assert len(failed) == 8 and all("sai mật khẩu" not in str(e.data) for e in failed)


def test_five_failures_lock_a_username_known_or_not_until_the_admin_unlocks_it(web, admin, app_db, people):
    client = web()
    for _ in range(5):
        refused(attempt(client, HOA[0], "không phải mật khẩu"), 401, "unauthorized")
    locked = attempt(client, *HOA)  # the right password, now refused
    body = refused(locked, 401, "account_locked")
    assert "tạm khoá" in body["message"] and "15 phút" in body["message"]
    assert 890 <= int(locked.headers["retry-after"]) <= 900
    for _ in range(5):
        attempt(client, "nobody.here", "không phải mật khẩu")
    unknown = refused(attempt(client, "nobody.here", "x"), 401, "account_locked")
    assert unknown["message"] == body["message"]  # a lock says nothing of whether the account exists
    assert [e.data["username"] for e in events(app_db, "lock_user")] == ["hoa.tran", "nobody.here"]
    users = ok(admin.get("/api/v1/users", params={"q": "hoa"}))
    assert users[0]["failed_logins"] == 5 and users[0]["locked_until"]
    ok(admin.patch(f"/api/v1/users/{users[0]['id']}", json={"unlock": True}))
    ok(attempt(client, *HOA))
    assert ok(admin.get(f"/api/v1/users/{users[0]['id']}"))["failed_logins"] == 0


def test_twenty_failures_from_one_client_get_429_with_retry_after(web):
    client = web("machine-a")
    for i in range(20):  # a different username each time: no username locks
        refused(attempt(client, f"user{i}", "đoán mò"), 401, "unauthorized")
    throttled = attempt(client, *HOA)
    body = refused(throttled, 429, "too_many_attempts")
    assert "thử lại sau 15 phút" in body["message"]
    assert 600 <= int(throttled.headers["retry-after"]) <= 900  # from the first of the twenty
    ok(attempt(web("machine-b"), *HOA))  # another client is not held back


def test_old_failures_are_pruned_as_new_ones_are_written(web, app_db):
    with session_scope(app_db) as session:
        from models.accounts import LoginFailure

        session.add(LoginFailure(username="old", client="x", at=utcnow() - timedelta(days=1)))
    attempt(web(), "someone", "wrong password")
    with Session(app_db) as session:
        assert [f.username for f in session.exec(select(LoginFailure))] == ["someone"]


def test_a_hash_made_with_other_parameters_is_rehashed_at_login(web, app_db):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with session_scope(app_db) as session:
        user = session.exec(select(UserAccount).where(UserAccount.username == HOA[0])).one()
        user.password_hash = cheap.hash(HOA[1])
        session.add(user)
    ok(attempt(web(), *HOA))
    with Session(app_db) as session:
        stored = session.exec(select(UserAccount.password_hash).where(UserAccount.username == HOA[0])).one()
    assert not hasher().check_needs_rehash(stored) and hasher().verify(stored, HOA[1])


# ------------------------------------------------------------------------------ the session


def test_a_cookie_write_needs_the_csrf_token_and_a_bearer_write_does_not(web, login):
    client = web()
    csrf = login(client, *HOA)["csrf_token"]
    del client.headers["X-CSRF-Token"]
    body = refused(client.post("/api/v1/me/tokens", json={"label": "máy tính"}), 403, "forbidden")
    assert "CSRF" in body["message"]
    refused(client.post("/api/v1/me/tokens", json={}, headers={"X-CSRF-Token": "sai"}), 403, "forbidden")
    accented = {"X-CSRF-Token": "mã-sai".encode()}  # any bytes a client sends: a 403, never a 500
    refused(client.post("/api/v1/me/tokens", json={}, headers=accented), 403, "forbidden")
    assert ok(client.get("/api/v1/me"))["csrf_token"] == csrf  # reads need none
    token = ok(
        client.post("/api/v1/me/tokens", json={"label": "máy tính"}, headers={"X-CSRF-Token": csrf}), 201
    )
    assert token["token"].startswith("vd_") and token["label"] == "máy tính"
    program = web()
    program.headers["Authorization"] = f"Bearer {token['token']}"
    me = ok(program.get("/api/v1/me"))
    assert me["user"]["username"] == HOA[0] and me["csrf_token"] is None
    ok(program.post("/api/v1/me/tokens", json={"label": "thêm"}), 201)  # no CSRF through a bearer token
    # a web page's form sends the token as a field
    form = client.post("/api/v1/auth/logout", data={"csrf_token": "sai"})
    refused(form, 403, "forbidden")
    assert client.post("/api/v1/auth/logout", data={"csrf_token": csrf}).status_code == 204


def test_logout_ends_the_session_and_clears_the_cookie(web, login, app_db):
    client = web()
    login(client, *HOA)
    stolen = client.cookies.get("vinhdanh_session")
    response = client.post("/api/v1/auth/logout")
    assert response.status_code == 204 and 'vinhdanh_session=""' in response.headers["set-cookie"]
    refused(client.get("/api/v1/me"), 401, "unauthorized")
    replay = web()
    replay.cookies.set("vinhdanh_session", stolen)
    refused(replay.get("/api/v1/me"), 401, "unauthorized")  # the row is revoked, not just the cookie
    assert len(events(app_db, "logout")) == 1


def test_changing_my_password_ends_my_other_sessions(web, login, app_db):
    here, there = web(), web()
    login(here, *HOA)
    login(there, *HOA)
    change = "/api/v1/me/password"
    assert (
        "ít nhất 10"
        in refused(here.post(change, json={"current": HOA[1], "new": "ngắn"}), 422, "invalid_input")[
            "message"
        ]
    )
    same = refused(here.post(change, json={"current": HOA[1], "new": "HOA.tran"}), 422, "invalid_input")
    assert "ít nhất" in same["message"] or "trùng" in same["message"]
    long_same = {"current": HOA[1], "new": "Hoa.Tran.Hoa.Tran"}
    ok(here.post(change, json=long_same), 204)  # only the username itself is refused
    bad = refused(here.post(change, json={"current": "sai", "new": "một mật khẩu mới"}), 422, "invalid_input")
    assert "hiện tại" in bad["message"]
    ok(here.post(change, json={"current": "Hoa.Tran.Hoa.Tran", "new": "một mật khẩu mới"}), 204)
    ok(here.get("/api/v1/me"))
    refused(there.get("/api/v1/me"), 401, "unauthorized")
    refused(attempt(web(), *HOA), 401, "unauthorized")
    ok(attempt(web(), HOA[0], "một mật khẩu mới"))
    assert len(events(app_db, "set_password")) == 2


def test_guessing_the_current_password_through_a_session_locks_the_account(web, login):
    client = web()
    login(client, *HOA)
    for _ in range(5):
        wrong = client.post("/api/v1/me/password", json={"current": "đoán thử", "new": "một mật khẩu mới"})
        refused(wrong, 422, "invalid_input")
    right = client.post("/api/v1/me/password", json={"current": HOA[1], "new": "một mật khẩu mới"})
    refused(right, 401, "account_locked")
    refused(attempt(web(), *HOA), 401, "account_locked")


def test_a_username_equal_to_the_password_is_refused(admin, people):
    body = {"username": "le.nam", "person_id": people.people["unit_secretariat"].id, "password": "Le.Nam"}
    assert "ít nhất" in refused(admin.post("/api/v1/users", json=body), 422, "invalid_input")["message"]
    body |= {"username": "lenamvanphong", "password": "LeNamVanPhong"}
    assert "trùng" in refused(admin.post("/api/v1/users", json=body), 422, "invalid_input")["message"]


@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_an_idle_or_expired_session_is_401(web, login, app_db, column):
    client = web()
    login(client, *HOA)
    with session_scope(app_db) as session:
        row = session.exec(select(LoginSession)).one()
        past = utcnow() - timedelta(minutes=61)
        setattr(row, column, past)
        if column == "expires_at":
            row.created_at = row.last_seen_at = past - timedelta(hours=1)
            row.last_seen_at = utcnow()
        session.add(row)
    assert "hết hạn" in refused(client.get("/api/v1/me"), 401, "unauthorized")["message"]


def test_a_request_marks_the_session_used_so_it_stays_open_while_used(web, login, app_db):
    client = web()
    login(client, *HOA)
    with session_scope(app_db) as session:
        row = session.exec(select(LoginSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=50)
        session.add(row)
    ok(client.get("/api/v1/me"))  # a GET: its own short write marks the session
    with Session(app_db) as session:
        assert utcnow() - session.exec(select(LoginSession.last_seen_at)).one() < timedelta(minutes=1)


def test_a_disabled_account_is_401_by_cookie_token_and_login(web, admin, login, people):
    client = web()
    login(client, *HOA)
    token = ok(client.post("/api/v1/me/tokens", json={}), 201)["token"]
    user_id = ok(admin.get("/api/v1/users", params={"q": HOA[0]}))[0]["id"]
    assert ok(admin.patch(f"/api/v1/users/{user_id}", json={"active": False}))["user"]["active"] is False
    refused(client.get("/api/v1/me"), 401, "unauthorized")
    refused(web().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    assert "ngừng hoạt động" in refused(attempt(web(), *HOA), 401, "unauthorized")["message"]
    ok(admin.patch(f"/api/v1/users/{user_id}", json={"active": True}))
    ok(web().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))  # its tokens work again


# ------------------------------------------------------------------------------ administration


ADMIN_ROUTES = [
    ("get", "/api/v1/users", None),
    ("post", "/api/v1/users", {"username": "moi.nguoi", "full_name": "Người Mới", "unit_id": 1}),
    ("get", "/api/v1/users/1", None),
    ("patch", "/api/v1/users/1", {"unlock": True}),
    ("get", "/api/v1/grants?person_id=1", None),
    ("post", "/api/v1/grants", {"person_id": 1, "role": "admin", "unit_id": 1}),
    ("post", "/api/v1/grants/1/end", {"valid_to": "2026-01-01"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_the_admin_routes_do_not_exist_for_anyone_else(web, login, admin, method, path, body, app_db):
    officer = web()
    login(officer, *HOA)
    answer = refused(getattr(officer, method)(path, **({"json": body} if body else {})), 404, "not_found")
    missing = refused(admin.get("/api/v1/users/999999"), 404, "not_found")
    assert set(answer) == set(missing) and answer["details"] == missing["details"] == {}
    refused(getattr(web(), method)(path, **({"json": body} if body else {})), 401, "unauthorized")
    assert not events(app_db, "create_user")[3:]  # nothing was written


def test_the_admin_creates_a_person_and_account_that_can_log_in(admin, people, web, app_db):
    stc = people.units["stc"].id
    created = ok(
        admin.post(
            "/api/v1/users", json={"username": "Ánh.Nguyễn", "full_name": "Nguyễn Văn Ánh", "unit_id": stc}
        ),
        201,
    )
    assert created["user"]["username"] == "ánh.nguyễn" and len(created["password"]) == 14
    me = ok(attempt(web(), "A\u0301NH.NGUYÊ\u0303N", created["password"]))  # NFD, upper case
    assert me["person"]["full_name"] == "Nguyễn Văn Ánh" and me["grants"] == []
    again = {"username": "ánh.nguyễn", "person_id": people.people["good"].id}
    refused(admin.post("/api/v1/users", json=again), 409, "already_exists")
    both = {"username": "x.y.z", "person_id": 1, "full_name": "Ai Đó", "unit_id": stc}
    refused(admin.post("/api/v1/users", json=both), 422, "invalid_input")
    reset = ok(admin.patch(f"/api/v1/users/{created['user']['id']}", json={"reset_password": True}))
    assert reset["password"] != created["password"]
    ok(attempt(web(), "ánh.nguyễn", reset["password"]))
    assert {"create_person", "create_user", "set_password"} <= {
        e.action
        for e in events(app_db, "create_person")
        + events(app_db, "create_user")
        + events(app_db, "set_password")
    }


def test_a_grant_counts_only_between_its_dates(admin, web, login, people):
    officer = web()
    login(officer, *HOA)
    person, province = people.people["officer"].id, people.units["province"].id
    day = today()
    grant = {"person_id": person, "role": "admin", "unit_id": province}
    ended = ok(admin.post("/api/v1/grants", json=grant | {"valid_to": str(day - timedelta(days=1))}), 201)
    future = ok(admin.post("/api/v1/grants", json=grant | {"valid_from": str(day + timedelta(days=1))}), 201)
    assert not ended["in_force"] and not future["in_force"]
    refused(officer.get("/api/v1/users"), 404, "not_found")  # neither gives the power
    now = ok(admin.post("/api/v1/grants", json=grant | {"valid_from": str(day), "valid_to": str(day)}), 201)
    assert now["in_force"]
    ok(officer.get("/api/v1/users"))
    listed = ok(admin.get("/api/v1/grants", params={"person_id": person}))
    assert [(g["id"], g["in_force"]) for g in listed if g["role"] == "admin"] == [
        (ended["id"], False),
        (future["id"], False),
        (now["id"], True),
    ]
    ok(admin.post(f"/api/v1/grants/{now['id']}/end", json={"valid_to": str(day - timedelta(days=1))}))
    refused(officer.get("/api/v1/users"), 404, "not_found")
    bad = {"valid_to": str(day - timedelta(days=2))}
    refused(admin.post(f"/api/v1/grants/{future['id']}/end", json=bad), 422, "invalid_input")
    refused(admin.post("/api/v1/grants/999999/end", json=bad), 404, "not_found")


def test_a_council_seat_is_granted_and_ended(admin, web, login, people):
    director = web()
    login(director, *DIRECTOR)
    council = people.members["province"][0].council_id
    person = people.people["director"].id
    seat = ok(
        admin.post(
            "/api/v1/grants", json={"person_id": person, "role": "council_member", "council_id": council}
        ),
        201,
    )
    assert seat["kind"] == "council" and seat["council_id"] == council
    assert council in [c["id"] for c in ok(director.get("/api/v1/me"))["councils"]]
    tomorrow = str(today() + timedelta(days=1))
    refused(
        admin.post(f"/api/v1/grants/{seat['id']}/end", json={"valid_to": tomorrow, "kind": "council"}),
        422,
        "invalid_input",
    )
    ended = ok(
        admin.post(f"/api/v1/grants/{seat['id']}/end", json={"valid_to": str(today()), "kind": "council"})
    )
    assert not ended["in_force"]
    assert council not in [c["id"] for c in ok(director.get("/api/v1/me"))["councils"]]
    mixed = {"person_id": person, "role": "council_member", "unit_id": people.units["stc"].id}
    refused(admin.post("/api/v1/grants", json=mixed), 422, "invalid_input")


# ------------------------------------------------------------------------------ the CLI


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_the_user_commands_create_grant_list_reset_and_unlock(people, web, app_db):
    code, out = run("user", "create", "mai.truong", "--name", "Trương Thị Mai", "--unit", "QNG-STC")
    assert code == 0, out
    password = out.split("Mật khẩu (chỉ hiện lần này): ")[1].split()[0]
    ok(attempt(web(), "mai.truong", password))
    assert (
        run(
            "user",
            "create",
            "x.person",
            "--person",
            str(people.people["good"].id),
            "--password",
            "mười ký tự ok",
        )[0]
        == 0
    )
    code, out = run("user", "grant", "mai.truong", "secretariat", "--unit", "QNG-STC", "--from", "2020-01-01")
    assert code == 0 and "secretariat tại QNG-STC" in out, out
    council = str(people.members["stc"][0].council_id)
    assert run("user", "grant", "mai.truong", "council_member", "--council", council)[0] == 0
    code, out = run("user", "list")
    assert (
        code == 0 and "mai.truong" in out and "secretariat@Sở Tài chính" in out and "council_member@" in out
    ), out
    for _ in range(5):
        attempt(web(), "mai.truong", "sai mật khẩu")
    assert "[tạm khoá]" in run("user", "list")[1]
    assert run("user", "unlock", "mai.truong") == (0, "Đã mở khoá mai.truong\n")
    code, out = run("user", "password", "mai.truong")
    new = out.strip().split(": ")[1].split()[0]
    ok(attempt(web(), "mai.truong", new))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "create", "a.b.c", "--name", "Ai Đó", "--unit", "KHONG"), "Không có đơn vị mã KHONG"),
        (("user", "create", "a.b.c"), "Cần --person ID"),
        (("user", "grant", "hoa.tran", "boss", "--unit", "QNG-STC"), "Vai trò boss không có"),
        (
            ("user", "grant", "hoa.tran", "admin", "--unit", "QNG", "--from", "hôm qua"),
            "Ngày hôm qua không hợp lệ",
        ),
        (("user", "grant", "ai.do", "admin", "--unit", "QNG"), "Không có tài khoản ai.do"),
        (("user", "create", "hoa.tran", "--person", "1", "--password", "mười ký tự ok"), "đã có"),
        (("user", "password", "hoa.tran", "--password", "ngắn"), "ít nhất 10"),
    ],
)
def test_a_user_command_refused_says_why_in_one_line(people, args, message):
    code, out = run(*args)
    assert code == 1 and message in out and out.count("\n") == 1, out


def test_commands_on_a_missing_or_unmigrated_database_say_so_in_one_line(tmp_path):
    for command in (("token", "issue", "1"), ("user", "list"), ("status",)):
        with configured(database_url=f"sqlite:///{tmp_path / 'none.db'}"):
            code, out = run(*command)
        assert code == 1 and out.startswith("Không có cơ sở dữ liệu") and out.count("\n") == 1, out
        assert not (tmp_path / "none.db").exists()
    (tmp_path / "empty.db").touch()
    with configured(database_url=f"sqlite:///{tmp_path / 'empty.db'}"):
        code, out = run("token", "issue", "1")
    assert (
        code == 1 and "chưa ở phiên bản" in out and "vinhdanh db upgrade" in out and out.count("\n") == 1
    ), out


def test_without_settings_the_commands_use_the_demos_database(tmp_path, monkeypatch):
    from models.config import get_settings
    from tests.conftest import fresh_engine

    engine = fresh_engine("demo_fallback")
    for name in ("VINHDANH_DATA_DIR", "VINHDANH_DATABASE_URL", "VINHDANH_TENANT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "var/demo").mkdir(parents=True)
    url = engine.url.render_as_string(hide_password=False)
    (tmp_path / "var/demo/vinhdanh.env").write_text(
        f"VINHDANH_DATABASE_URL={url}\nVINHDANH_DATA_DIR=var/demo\n"
    )
    get_settings.cache_clear()
    try:
        code, out = run("user", "list")
        assert (
            code == 0 and out.startswith("Dùng cơ sở dữ liệu của bản demo") and "Chưa có tài khoản" in out
        ), out
        (tmp_path / "var/vinhdanh.db").touch()  # a database of its own: the demo's is left alone
        get_settings.cache_clear()
        monkeypatch.delenv("VINHDANH_DATABASE_URL")
        monkeypatch.delenv("VINHDANH_DATA_DIR")
        code, out = run("user", "list")
        assert code == 1 and "var/vinhdanh.db" in out and "bản demo" not in out, out
    finally:
        get_settings.cache_clear()
        engine.dispose()


def test_a_lone_surrogate_in_a_login_is_invalid_input_not_a_server_error(web):
    for body in (
        b'{"username": "hoa.tran", "password": "\\ud800abc"}',
        b'{"username": "\\udfff", "password": "x"}',
    ):
        response = web().post(LOGIN, content=body, headers={"content-type": "application/json"})
        refused(response, 422, "invalid_input")


def test_a_role_that_ended_is_no_longer_told_of_the_units_work(session, province):
    from models.notify import holders

    stc = province.units["stc"].id
    assert holders(session, Role.SECRETARIAT, stc) == [province.people["unit_secretariat"].id]
    grant = session.exec(
        select(RoleGrant).where(RoleGrant.person_id == province.people["unit_secretariat"].id)
    ).one()
    grant.valid_to = today() - timedelta(days=1)
    session.add(grant)
    session.flush()
    assert holders(session, Role.SECRETARIAT, stc) == []
