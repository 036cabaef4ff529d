"""campaigns and registrations: kinds (phase, movement), dates, targets, awards, the plan's number;
each unit's registration batch that the level above approves or returns

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 09:37:33

`campaign` gains its parent (a phase's campaign), theme, span, last year (a movement), targets,
awards, review dates and the Kế hoạch's number; `registrationbatch` (models/campaigns.py) holds a
unit's registrations for a campaign with their state, and `registration.batch_id` points to it.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registrationbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("submitted", "approved", "returned", name="batchstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "unit_id"),
    )
    with op.batch_alter_table("registrationbatch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrationbatch_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrationbatch_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "theme", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("targets", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("awards", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("interim_review_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("final_review_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("plan_number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "plan_symbol", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=""
            )
        )
        batch_op.create_index(batch_op.f("ix_campaign_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key("fk_campaign_parent_id", "campaign", ["parent_id"], ["id"])

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_registration_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key("fk_registration_batch_id", "registrationbatch", ["batch_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint("fk_registration_batch_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_registration_batch_id"))
        batch_op.drop_column("batch_id")

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("fk_campaign_parent_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_campaign_parent_id"))
        batch_op.drop_column("plan_symbol")
        batch_op.drop_column("plan_number")
        batch_op.drop_column("final_review_on")
        batch_op.drop_column("interim_review_on")
        batch_op.drop_column("awards")
        batch_op.drop_column("targets")
        batch_op.drop_column("last_year")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("theme")
        batch_op.drop_column("parent_id")

    with op.batch_alter_table("registrationbatch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrationbatch_unit_id"))
        batch_op.drop_index(batch_op.f("ix_registrationbatch_campaign_id"))

    op.drop_table("registrationbatch")
