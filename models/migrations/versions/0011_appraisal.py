"""appraisal: the Tờ trình thẩm định as a kind of Tờ trình, and who appraises for a unit

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 06:45:00

At a level that appraises (the catalogue's [levels.*] appraisal), the appraising body's head
proposes the nominations waiting for a decision in a Tờ trình thẩm định, numbered in its register;
the decision cites it. Which body appraises for a deciding unit is data: unit.appraiser_id.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("proposal", "appraisal", name="submissionkind", native_enum=False, length=32),
                nullable=False,
                server_default="proposal",
            )
        )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appraiser_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_unit_appraiser_id_unit", "unit", ["appraiser_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_constraint("fk_unit_appraiser_id_unit", type_="foreignkey")
        batch_op.drop_column("appraiser_id")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("kind")
