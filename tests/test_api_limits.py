"""The public routes stay cheap and never answer 500, whatever a caller sends: request bodies are
bounded in bytes, every list of the eligibility check in length, and dates to the calendar's range."""

import json

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from models.config import configured
from service.api.eligibility import MEMBERS, RECORDS
from service.app import BodyLimit, PayloadTooLarge, create_app, payload_too_large

CHECK = "/api/v1/eligibility/check"
YEARS = range(1945, 2101)  # every year a record may name


@pytest.fixture
def client():
    return TestClient(create_app())


def check_body(subject: dict, award: str = "CSTD_TINH") -> dict:
    return {"award": award, "as_of": "2026-01-10", "subject": {"kind": "individual", **subject}}


def chunks(body: bytes, size: int = 64 * 1024):
    """The body sent chunked: with no Content-Length for the server to look at first."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


TWO_MB = json.dumps(check_body({"name": "x" * 2_000_000})).encode()


@pytest.mark.parametrize("streamed", [False, True], ids=["content_length", "chunked"])
def test_a_two_megabyte_body_is_refused_with_413(client, streamed):
    content = chunks(TWO_MB) if streamed else TWO_MB
    response = client.post(CHECK, content=content, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert "1048576" in response.json()["message"]


def test_the_byte_limit_is_a_setting():
    with configured(max_request_bytes=2048):
        small = TestClient(create_app())
    body = json.dumps(check_body({"name": "x" * 2048}))
    response = small.post(CHECK, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "2048" in response.json()["message"]


def test_thirty_thousand_ratings_are_refused_by_the_list_bound(client):
    ratings = [{"year": YEARS[i % len(YEARS)], "level": "HTT"} for i in range(30_000)]
    body = json.dumps(check_body({"ratings": ratings})).encode()
    assert len(body) < 1024 * 1024  # under the byte limit: the list bound must refuse it
    response = client.post(CHECK, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "subject.ratings: List should have at most 156 items" in response.json()["message"]


ONE_TOO_MANY = {
    "ratings": [{"year": 2025, "level": "HTT"}] * (len(YEARS) + 1),
    "awards": [{"year": 2025, "code": "CSTDCS"}] * (RECORDS + 1),
    "initiatives": [{"year": 2025, "scope": "unit"}] * (RECORDS + 1),
    "discipline": [{"year": 2025, "level": "KHIEN_TRACH"}] * (RECORDS + 1),
    "clusters": [{"year": 2025, "organiser": "province"}] * (RECORDS + 1),
    "members": [{}] * (MEMBERS + 1),
}


@pytest.mark.parametrize("field", ONE_TOO_MANY)
def test_every_list_of_the_check_is_bounded(client, field):
    subject = {"kind": "collective", field: ONE_TOO_MANY[field]}
    response = client.post(CHECK, json={"award": "TTLDXS", "as_of": "2026-01-10", "subject": subject})
    assert response.status_code == 422
    assert f"subject.{field}: List should have at most" in response.json()["message"]


def test_a_member_s_lists_are_bounded_too(client):
    member = {"awards": ONE_TOO_MANY["awards"]}
    subject = {"kind": "collective", "members": [member]}
    response = client.post(CHECK, json={"award": "TTLDXS", "as_of": "2026-01-10", "subject": subject})
    assert response.status_code == 422
    assert "subject.members.0.awards: List should have at most" in response.json()["message"]


def largest(kind: str) -> dict:
    """A subject with every list at its bound (a collective's members with their review year)."""
    subject = {
        "kind": kind,
        "ratings": [{"year": y, "level": "HTXS"} for y in YEARS],
        "awards": [{"year": YEARS[i % len(YEARS)], "code": "CSTDCS"} for i in range(RECORDS)],
        "initiatives": [{"year": YEARS[i % len(YEARS)], "scope": "unit"} for i in range(RECORDS)],
        "discipline": [{"year": 1950, "level": "KHIEN_TRACH"}] * RECORDS,
    }
    if kind == "collective":
        member = {"ratings": [{"year": 2025, "level": "HTT"}], "awards": [{"year": 2025, "code": "LDTT"}]}
        subject["members"] = [member] * MEMBERS
        subject["clusters"] = [
            {"year": YEARS[i % len(YEARS)], "organiser": "province"} for i in range(RECORDS)
        ]
    return subject


@pytest.mark.parametrize(("award", "kind"), [("CSTD_TINH", "individual"), ("TTLDXS", "collective")])
def test_the_largest_valid_check_is_accepted(client, award, kind):
    body = json.dumps({"award": award, "as_of": "2026-01-10", "subject": largest(kind)}).encode()
    assert len(body) < 1024 * 1024
    response = client.post(CHECK, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_routes_under_a_prefix_may_allow_larger_bodies():
    app = FastAPI()
    app.add_exception_handler(PayloadTooLarge, payload_too_large)
    app.add_middleware(BodyLimit, limit=1000, larger={"/uploads": 5000, "/uploads/small": 2000})

    @app.post("/{path:path}")
    async def size(request: Request) -> int:
        return len(await request.body())

    client = TestClient(app)
    body = b"x" * 3000
    assert client.post("/uploads/file", content=body).json() == 3000
    assert client.post("/uploads/file", content=chunks(body, 500)).json() == 3000
    for path in ("/other", "/uploads/small/file"):  # the default, and the longest prefix
        assert client.post(path, content=body).status_code == 413
        assert client.post(path, content=chunks(body, 500)).status_code == 413


@pytest.mark.parametrize(
    ("start", "days"),
    [
        ("9999-12-31", 1),
        ("9999-12-24", 10),
        ("9990-01-01", 3650),
        ("0001-01-01", -1),
        ("0001-01-05", -3650),
    ],
)
def test_working_days_beyond_the_calendar_s_range_are_a_422(client, start, days):
    response = client.get("/api/v1/calendar/add-working-days", params={"start": start, "days": days})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "ngoài phạm vi lịch" in response.json()["message"]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [("9999-12-31", 0, "9999-12-31"), ("9999-12-30", 1, "9999-12-31"), ("0001-01-03", -1, "0001-01-02")],
)
def test_working_days_up_to_the_calendar_s_edges_are_answered(client, start, days, expected):
    response = client.get("/api/v1/calendar/add-working-days", params={"start": start, "days": days})
    assert response.json() == {"date": expected}
