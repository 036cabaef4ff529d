"""flow run alive: when a flow run last showed a sign of life, so that the sweep restarts the
work of a run whose process died (kill -9, a lost machine) instead of waiting for it for ever

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 10:00:00

`flowrun.alive_at` (models/runs.py): set when the run starts and before each of its steps; a run
still `running` long after it is stale (models/followups.py `abandoned`). Existing rows take
their start time.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alive_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE flowrun SET alive_at = started_at")


def downgrade() -> None:
    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.drop_column("alive_at")
