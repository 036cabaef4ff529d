"""two-level local government: a unit records the unit it was merged into

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:00:00

From 1 July 2025 the districts are gone and 34 provinces replace 63 (Resolution 202/2025/QH15).
A merged unit keeps its row, its end date (valid_to) and now its successor: nominations routed
after the merger go the successor's way, and the successor's record and sight include its own.
The new unit kind "district" needs no change: kinds are stored as plain strings (models/db.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_unit_successor_id"), ["successor_id"], unique=False)
        batch_op.create_foreign_key("fk_unit_successor_id_unit", "unit", ["successor_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_constraint("fk_unit_successor_id_unit", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_unit_successor_id"))
        batch_op.drop_column("successor_id")
