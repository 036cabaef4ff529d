"""The domain: tables, the award catalogue, eligibility, the workflow, calendar and tallies.
Importing the package registers every table on SQLModel.metadata (for Alembic)."""

from models import (  # noqa: F401
    accounts,
    audit,
    calendar,
    campaigns,
    clusters,
    conferences,
    councils,
    deadlines,
    decisions,
    history,
    imports,
    nominations,
    notify,
    org,
    runs,
    search,
    tokens,
)
