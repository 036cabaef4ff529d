"""tally written opinions: ballots issued are those handed out at the meeting; absent members'
written opinions are counted apart

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 07:00:00

A tally recorded before counted the written opinions among the ballots issued, so minutes read
"11 ballots issued" with 10 members present. The written opinions are taken back out of them,
from the session's own record of who returned a ballot in writing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WRITTEN = (
    "(SELECT count(*) FROM ballotcast WHERE ballotcast.session_id = tallyresult.session_id "
    "AND ballotcast.written)"
)


def upgrade() -> None:
    with op.batch_alter_table("tallyresult", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written", sa.Integer(), nullable=False, server_default="0"))
    op.execute(f"UPDATE tallyresult SET written = {WRITTEN}")
    op.execute("UPDATE tallyresult SET ballots_issued = ballots_issued - written")


def downgrade() -> None:
    op.execute("UPDATE tallyresult SET ballots_issued = ballots_issued + written")
    with op.batch_alter_table("tallyresult", schema=None) as batch_op:
        batch_op.drop_column("written")
