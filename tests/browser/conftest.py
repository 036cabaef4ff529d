"""The browser tests: the real app served by uvicorn on loopback, once for all of them, on a
database of its own seeded with the test province and a login per role (tests.factories); Debian's
Chromium driven by Playwright (never Playwright's own browser download); `login(page, username)`
and `axe(page)`, the accessibility check every page a test visits must pass.

Every test here is marked `browser`: `pytest -m "not browser"` leaves them out while working."""

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from models.config import configured
from models.db import session_scope
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import fresh_engine
from tests.factories import accounts, build_province, password_of

AXE = Path(__file__).parents[2] / "service" / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="package")
def site():
    """The served app's base URL and the seeded province. Package-scoped: the settings it sets
    (the database, flows inline) hold while the browser tests run and are undone after them."""
    engine = fresh_engine("browser")
    url = engine.url.render_as_string(hide_password=False)
    with configured(database_url=url, prefect_mode="inline"):
        from service.app import create_app

        with session_scope(engine) as session:
            prov = build_province(session)
            accounts(session, prov)
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", prov, engine
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            engine.dispose()


@pytest.fixture(scope="package")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def base_url(site) -> str:
    return site[0]


@pytest.fixture
def page(chromium, base_url):
    """A new browser profile per test (no cookies), opening URLs relative to the site."""
    context = chromium.new_context(base_url=base_url, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def login():
    """Log in through the login page as a test account; lands on the home page."""

    def log_in(page, username: str) -> None:
        page.goto("/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password_of(username))
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/")

    return log_in


def violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in found if v["impact"] in BLOCKING]


@pytest.fixture
def axe():
    """Check the page with axe-core: no serious or critical violation, or each is named."""

    def check(page) -> None:
        found = violations(page)
        assert not found, "\n".join(
            f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']]}" for v in found
        )

    return check
