"""The domain: tables, the award catalogue, eligibility, the workflow, calendar and tallies.
Importing the package registers every table on SQLModel.metadata (for Alembic)."""

from models import (  # noqa: F401
    audit,
    calendar,
    campaigns,
    councils,
    decisions,
    history,
    nominations,
    org,
)
