"""Everyone's way in, in a real browser: log in, the home page, log out; each page axe-checked."""

import re

from playwright.sync_api import expect

from tests.factories import password_of


def test_an_officer_logs_in_sees_the_home_page_and_logs_out(page, login, axe):
    page.goto("/doi-mat-khau")
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=/doi-mat-khau$"))
    axe(page)
    page.get_by_label("Tên đăng nhập").fill("officer")
    page.get_by_label("Mật khẩu").fill(password_of("officer"))
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/doi-mat-khau$"))  # back where the login was asked from
    axe(page)
    page.get_by_role("link", name="Việc cần làm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    expect(page.get_by_text("Trần Thị Hoa")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap$"))


def test_login_helper_lands_on_the_home_page(page, login):
    login(page, "director")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")


def test_a_wrong_password_is_refused_on_the_login_page(page, axe):
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("director")
    page.get_by_label("Mật khẩu").fill("không phải mật khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    axe(page)
