"""The Vietnamese web pages (issue 10): server-rendered, working without JavaScript, built on the
API's own functions. One module per area, each with its `router`; the foundation is `pages`."""

from fastapi import APIRouter

from service.web import (
    account,
    admin,
    authority,
    campaigns,
    cases,
    clusters,
    council,
    decisions,
    imports,
    meetings,
    registers,
    reports,
    season,
    secretariat,
    unit,
)

router = APIRouter(include_in_schema=False)
router.include_router(account.router)
router.include_router(cases.router)
router.include_router(unit.router)
router.include_router(council.router)
router.include_router(secretariat.router)
router.include_router(meetings.router)
router.include_router(season.router)
router.include_router(decisions.router)
router.include_router(authority.router)
router.include_router(registers.router)
router.include_router(admin.router)
router.include_router(imports.router)
router.include_router(reports.router)
router.include_router(clusters.router)
router.include_router(campaigns.router)
