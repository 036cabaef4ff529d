"""/docs and /redoc work on a network without the internet: every script, style and icon they
load is served by the app itself."""

import re

import pytest
from fastapi.testclient import TestClient

from service.app import create_app

REFERENCE = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|\burl\s*:\s*["']([^"']+)["']""")


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_nothing_from_elsewhere(client, page):
    html = client.get(page).text
    references = {a or b for a, b in REFERENCE.findall(html)}
    assert references, html  # the page names its assets: the pattern above must see them
    assert not re.search(r"https?://", html), html
    for url in references:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert len(answer.content) > 40, url


def test_the_docs_assets_are_the_pinned_packages(client):
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert len(bundle.content) > 1_000_000  # the whole bundle, not a placeholder
    assert client.get("/static/vendor/redoc/redoc.standalone.js").status_code == 200
    assert "swagger-ui-dist@5" in client.get("/static/vendor/VERSIONS").text


def test_the_pages_link_to_the_docs(client):
    login_page = client.get("/dang-nhap")
    assert 'href="/docs"' in login_page.text and 'href="/redoc"' in login_page.text
