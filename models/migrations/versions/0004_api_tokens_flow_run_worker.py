"""api tokens, flow run worker

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 19:56:29.904395
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apitoken_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.drop_column("worker")

    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apitoken_person_id"))

    op.drop_table("apitoken")
