"""session item by nomination: the council sessions a nomination was on, found by index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:45:00

A nomination's page, and who may see it (models.workflow.visible), look up the sessions whose
agenda held one nomination; the table's key begins with the session, so each lookup read the
whole table (250,000 rows at 200,000 nominations: bench/api.py).
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessionitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessionitem_nomination_id"), ["nomination_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessionitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessionitem_nomination_id"))
