"""The web pages' foundation through FastAPI's TestClient: the login page (the API's login
session, its locks, the login form's own CSRF check, `next` only to a local path), logging out,
changing one's password, the redirect to the login page, the CSRF refusal, flash messages and the
HTML error page."""

import pytest

from service.web.pages import FLASH, local
from tests.factories import password_of


def login_form(client, username: str, password: str, **extra) -> object:
    client.get("/dang-nhap")
    fields = {"username": username, "password": password, "csrf_token": client.cookies["vinhdanh_login_csrf"]}
    return client.post("/dang-nhap", data=fields | extra)


@pytest.mark.parametrize(
    ("target", "goes_to"),
    [
        ("/ho-so/12", "/ho-so/12"),
        ("/thu-ky?page=2", "/thu-ky?page=2"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_after_login_only_a_local_path_is_followed(target, goes_to):
    assert local(target) == goes_to


def test_nobody_is_sent_to_the_login_page_and_back(browse):
    client = browse()
    assert client.get("/").headers["location"] == "/dang-nhap"
    answer = client.get("/doi-mat-khau")
    assert answer.status_code == 303 and answer.headers["location"] == "/dang-nhap?next=/doi-mat-khau"
    back = login_form(client, "officer", password_of("officer"), next="/doi-mat-khau")
    assert back.status_code == 303 and back.headers["location"] == "/doi-mat-khau"
    assert client.get("/doi-mat-khau").status_code == 200


def test_the_login_page_opens_the_same_session_as_the_api(browse):
    client = browse()
    answer = login_form(client, "director", password_of("director"), next="https://evil.example/")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "vinhdanh_session" in client.cookies
    me = client.get("/api/v1/me").json()
    assert me["person"]["full_name"] == "Phạm Minh Tuấn" and me["csrf_token"]
    home = client.get("/")
    assert home.status_code == 200 and "Việc cần làm" in home.text and "Phạm Minh Tuấn" in home.text
    assert 'href="/ky-duyet"' in home.text  # the director's role page, and no other's
    assert 'href="/don-vi"' not in home.text and 'href="/thu-ky"' not in home.text


def test_a_login_form_without_its_token_is_refused(browse):
    client = browse()
    client.get("/dang-nhap")
    for forged in ("forged", "mã giả"):  # accented text too: a 403, never a 500
        form = {"username": "officer", "password": password_of("officer"), "csrf_token": forged}
        answer = client.post("/dang-nhap", data=form)
        assert answer.status_code == 403 and "hết hạn" in answer.text
    assert "vinhdanh_session" not in client.cookies


def test_a_wrong_password_reshows_the_form_and_five_lock_the_account(browse):
    client = browse()
    for _ in range(5):
        answer = login_form(client, "officer", "sai mật khẩu rồi")
        assert answer.status_code == 401 and "không đúng" in answer.text
        assert 'value="officer"' in answer.text  # the username stays in the form
    locked = login_form(client, "officer", password_of("officer"))
    assert locked.status_code == 401 and "tạm khoá" in locked.text
    assert int(locked.headers["retry-after"]) > 0


def test_an_empty_field_is_named(browse):
    answer = login_form(browse(), "", "x")
    assert answer.status_code == 422 and "Tên đăng nhập" in answer.text


def test_logging_out_needs_the_csrf_token_and_ends_the_session(browse):
    client = browse("officer")
    refused = client.post("/dang-xuat")
    assert refused.status_code == 403 and "CSRF" in refused.text and "<html" in refused.text
    answer = client.post("/dang-xuat", data={"csrf_token": client.csrf})
    assert answer.status_code == 303 and answer.headers["location"] == "/dang-nhap"
    assert client.get("/").headers["location"] == "/dang-nhap"
    assert client.get("/api/v1/me").status_code == 401


def test_changing_the_password(browse):
    client = browse("officer")
    new = "một mật khẩu mới dài"
    form = {"csrf_token": client.csrf, "current": password_of("officer"), "new": new}
    mismatch = client.post("/doi-mat-khau", data=form | {"again": "khác"})
    assert mismatch.status_code == 422 and "không khớp" in mismatch.text
    short = client.post("/doi-mat-khau", data=form | {"new": "ngắn", "again": "ngắn"})
    assert short.status_code == 422 and "ít nhất 10 ký tự" in short.text
    wrong = client.post("/doi-mat-khau", data=form | {"current": "không phải", "again": new})
    assert wrong.status_code == 422 and "hiện tại không đúng" in wrong.text
    done = client.post("/doi-mat-khau", data=form | {"again": new})
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = client.get("/")
    assert "Đã đổi mật khẩu" in home.text  # the flash message, once
    assert "Đã đổi mật khẩu" not in client.get("/").text
    assert login_form(browse(), "officer", new).status_code == 303


def test_a_forged_flash_message_is_not_shown(browse):
    client = browse("officer")
    client.cookies.set(FLASH, "SGFja2Vk.0123456789abcdef0123456789abcdef")  # "Hacked"
    assert "Hacked" not in client.get("/").text


def test_errors_answer_as_pages_but_under_the_api(browse):
    client = browse("officer")
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in missing.text
    assert client.get("/api/v1/khong-co").json() == {"detail": "Not Found"}
    wrong_method = client.put("/doi-mat-khau")
    assert wrong_method.status_code == 405 and "<html" in wrong_method.text
