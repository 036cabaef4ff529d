"""batch indexes: a unit's nominations of an award in a campaign, by state

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 13:40:00

The quota guard (models/guards.py) counts, once per batch, what each unit has taken of an award
in a campaign and who it has nominated for the award a quota is a share of. With this index the
count reads the unit's rows of that award alone, not the campaign's whole award
(ix_nomination_campaign) or every nomination the unit ever made (ix_nomination_unit) — at
100,000 nominations the guard took 462 ms a call (issue 13).
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nomination_quota", ["campaign_id", "unit_id", "award_code", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_quota")
