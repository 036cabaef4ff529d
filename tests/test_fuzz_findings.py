"""Server errors found by schemathesis (`.ci/schemathesis`, issue 8), each reproduced as the
request it sent. Both were found on PostgreSQL, which cannot compare text holding a NUL byte
(SQLite can): `make test` runs these on both."""

from tests.test_workflow_api import ok


def test_a_tenant_code_with_a_control_character_is_refused(api):
    # found as GET /api/v1/calendar/add-working-days?start=2227-07-03&days=-94&tenant=Z%00%C2%98%C3%848%C3%99%3A
    day = {"start": "2227-07-03", "days": -94}
    for tenant in ("Z\x00\x98Ä8Ù:", "QNG\n"):
        answer = api["anonymous"].get("/api/v1/calendar/add-working-days", params=day | {"tenant": tenant})
        assert answer.status_code == 422, answer.text
        assert answer.json()["problems"][0].startswith("tenant: String should match pattern")
    assert ok(api["anonymous"].get("/api/v1/calendar/add-working-days", params=day | {"tenant": "QNG"}))


def test_a_flow_run_id_with_a_control_character_is_refused(api):
    for run_id in ("%00", "run%00id", "run%1F"):
        answer = api["unit_secretariat"].post(f"/api/v1/flow-runs/{run_id}/retry")
        assert answer.status_code == 422, answer.text
        assert answer.json()["problems"][0].startswith("run_id: String should match pattern")
    unknown = api["unit_secretariat"].post("/api/v1/flow-runs/direct-0f1e/retry")
    assert unknown.status_code == 404 and unknown.json()["message"] == "Không có lượt chạy lỗi direct-0f1e"
