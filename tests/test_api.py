"""The HTTP API: the stateless eligibility check and working-day arithmetic."""

import pytest
from fastapi.testclient import TestClient

from service.app import app
from service.deps import get_session


@pytest.fixture
def client(session):
    app.dependency_overrides[get_session] = lambda: session
    yield TestClient(app)
    app.dependency_overrides.clear()


def chain(code: str, years, **subject) -> dict:
    return {"kind": "individual", "awards": [{"year": y, "code": code} for y in years], **subject}


def test_provincial_fighter_check_returns_articles_and_evidence(client):
    body = {
        "award": "CSTD_TINH",
        "as_of": "2026-01-10",
        "subject": chain("CSTDCS", (2023, 2024, 2025), initiatives=[{"year": 2025, "scope": "province"}]),
    }
    response = client.post("/api/v1/eligibility/check", json=body)
    assert response.status_code == 200
    verdict = response.json()
    assert verdict["eligible"] is True and verdict["review_year"] == 2025
    first = verdict["reasons"][0]
    assert (first["rule"], first["article"], first["passed"]) == (
        "three_consecutive_grassroots_fighter",
        "Law 06/2022 Art. 22(1)(a)",
        True,
    )
    assert [e["year"] for e in first["evidence"]] == [2023, 2024, 2025]


def test_non_consecutive_chain_fails_citing_article_22(client):
    body = {"award": "CSTD_TINH", "as_of": "2026-01-10", "subject": chain("CSTDCS", (2022, 2024, 2025))}
    verdict = client.post("/api/v1/eligibility/check", json=body).json()
    assert verdict["eligible"] is False and verdict["status"] == "ineligible"
    failed = {r["rule"]: r for r in verdict["reasons"] if not r["passed"]}
    assert failed["three_consecutive_grassroots_fighter"]["article"] == "Law 06/2022 Art. 22(1)(a)"
    missing = [
        e for e in failed["three_consecutive_grassroots_fighter"]["evidence"] if e["type"] == "missing"
    ]
    assert missing == [{"type": "missing", "codes": ["CSTDCS"], "year": 2023}]


def test_judgement_routes_are_reported_as_needing_the_council_never_as_a_pass(client):
    body = {"award": "BK_TINH", "as_of": "2026-01-10", "subject": {"kind": "individual"}}
    verdict = client.post("/api/v1/eligibility/check", json=body).json()
    assert verdict["eligible"] is False and verdict["status"] == "needs_judgement"
    judged = [r for r in verdict["reasons"] if r["needs_judgement"]]
    assert {r["article"] for r in judged} >= {"Law 06/2022 Art. 74(1)(b)"}
    assert all(r["passed"] is False for r in judged)


def test_collective_composition_uses_members_and_discipline(client):
    members = [{"name": f"CB {i}", "awards": [{"year": 2025, "code": "LDTT"}]} for i in range(7)]
    members += [
        {"name": "CB 8"},
        {"name": "CB 9"},
        {"name": "CB 10", "discipline": [{"year": 2025, "level": "CANH_CAO"}]},
    ]
    body = {
        "award": "TTLDTT",
        "as_of": "2025-12-20",
        "subject": {"kind": "collective", "ratings": [{"year": 2025, "level": "HTT"}], "members": members},
    }
    verdict = client.post("/api/v1/eligibility/check", json=body).json()
    outcome = {r["rule"]: r["passed"] for r in verdict["reasons"]}
    assert outcome == {
        "collective_rated_good_or_better": True,
        "members_advanced_worker_share": True,  # 7 of 10 is exactly 70%
        "no_member_warned_or_worse": False,
    }
    assert verdict["reasons"][2]["article"] == "Law 06/2022 Art. 28(1)(c)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"award": "XYZ", "as_of": "2026-01-10", "subject": {"kind": "individual"}},
            "unknown award code 'XYZ'",
        ),
        ({"award": "LDTT", "as_of": "2026-01-10", "subject": {"kind": "collective"}}, "not collective"),
        ({"award": "LDTT", "as_of": "2026-02-30", "subject": {"kind": "individual"}}, "as_of"),
        ({"award": "LDTT", "as_of": "2026-01-10", "subject": {"kind": "robot"}}, "subject.kind"),
        ({"award": "LDTT", "as_of": "2026-01-10"}, "subject: Field required"),
        (
            {
                "award": "LDTT",
                "as_of": "2026-01-10",
                "subject": {"kind": "individual", "ratings": [{"year": 2025, "level": "GOOD"}]},
            },
            "subject.ratings.0.level",
        ),
        (
            {"award": "LDTT", "as_of": "2026-01-10", "subject": chain("FOO", (2025,))},
            "unknown award codes in the history: ['FOO']",
        ),
        (
            {
                "award": "LDTT",
                "as_of": "2026-01-10",
                "subject": {
                    "kind": "individual",
                    "ratings": [{"year": 2025, "level": "HT"}, {"year": 2025, "level": "HTT"}],
                },
            },
            "one rating per year",
        ),
        (
            {"award": "LDTT", "as_of": "2026-01-10", "subject": {"kind": "individual", "members": [{}]}},
            "describe a collective",
        ),
        (
            {"award": "LDTT", "as_of": "2026-01-10", "subject": {"kind": "individual", "rating": []}},
            "subject.rating",
        ),
        (
            {"award": "LDTT", "as_of": "2021-06-01", "subject": {"kind": "individual"}},
            "no rule set is in force",
        ),
    ],
)
def test_malformed_input_gets_422_with_a_clear_message(client, body, message):
    response = client.post("/api/v1/eligibility/check", json=body)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_not_json_is_a_422_not_a_500(client):
    response = client.post(
        "/api/v1/eligibility/check", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_vietnamese_input_is_normalised_to_nfc(client):
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks
    members = [{"name": decomposed, "ratings": [{"year": 2025, "level": "KHT"}]}]
    body = {
        "award": "TTLDXS",
        "as_of": "2025-12-20",
        "subject": {"kind": "collective", "ratings": [{"year": 2025, "level": "HTXS"}], "members": members},
    }
    verdict = client.post("/api/v1/eligibility/check", json=body).json()
    below = next(r for r in verdict["reasons"] if r["rule"] == "all_members_completed_tasks")["evidence"][0][
        "below"
    ]
    assert below == ["Nguyễn"]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-02-13", 1, "2026-02-23"),  # Tết Nguyên Đán 16–20/2/2026
        ("2026-04-24", 1, "2026-04-28"),  # Giỗ Tổ Hùng Vương observed on Monday 27/4
        ("2026-08-21", 1, "2026-08-22"),  # Saturday 22/8/2026 is worked (swap for 31/8)
        ("2026-08-28", 1, "2026-09-03"),  # 31/8 swapped off, 1–2/9 National Day
        ("2025-12-15", 10, "2025-12-29"),
        ("2026-02-23", -1, "2026-02-13"),
        ("2026-02-23", 0, "2026-02-23"),
    ],
)
def test_add_working_days(client, start, days, expected):
    response = client.get("/api/v1/calendar/add-working-days", params={"start": start, "days": days})
    assert response.status_code == 200
    assert response.json() == {"date": expected}


def test_tenant_days_off_are_honoured(client, session):
    from datetime import date

    from models.calendar import CalendarDay

    session.add(CalendarDay(tenant="QNG", day=date(2025, 12, 16), working=False, note="Nghỉ bù của tỉnh"))
    session.flush()
    params = {"start": "2025-12-15", "days": 1, "tenant": "QNG"}
    assert client.get("/api/v1/calendar/add-working-days", params=params).json() == {"date": "2025-12-17"}


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01", "days": 1},
        {"start": "2026-01-01", "days": "many"},
        {"start": "2026-01-01", "days": 99999},
        {"days": 1},
    ],
)
def test_calendar_bad_input_is_422(client, params):
    response = client.get("/api/v1/calendar/add-working-days", params=params)
    assert response.status_code == 422 and response.json()["error"] == "invalid_input"


def test_openapi_describes_both_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/eligibility/check", "/api/v1/calendar/add-working-days"} <= set(paths)
