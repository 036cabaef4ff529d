"""name search: the folded words of people's and units' names; indexes for the lists and queues

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00

`nametoken` holds each name without diacritics, in lower case, from each of its words on
(models/search.py), in a B-tree that a prefix range reads; on PostgreSQL its tokens compare in the
"C" collation, so that the range of words beginning with a prefix is exactly that. The upgrade
indexes the names already there. The nomination indexes serve the work queues (a stage at a unit,
in due order) and a unit's own nominations; submission.from_unit_id, what a unit sent (who may see
a nomination).
"""

import sqlalchemy as sa
from alembic import op

from models.search import Token, phrases

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000

nametoken = sa.table(
    "nametoken", sa.column("entity", sa.String), sa.column("token", sa.String), sa.column("entity_id")
)
NAMES = {
    "person": "SELECT id, full_name FROM person ORDER BY id",
    "unit": "SELECT id, name || ' ' || abbreviation FROM unit ORDER BY id",
}


def upgrade() -> None:
    op.create_table(
        "nametoken",
        sa.Column("entity", sa.String(length=10), nullable=False),
        sa.Column("token", Token, nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "token", "entity_id"),
    )
    with op.batch_alter_table("nametoken", schema=None) as batch_op:
        batch_op.create_index("ix_nametoken_entity", ["entity", "entity_id"], unique=False)
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index("ix_nomination_queue", ["state", "handling_unit_id", "due_on"], unique=False)
        batch_op.create_index("ix_nomination_unit", ["unit_id", "state"], unique=False)
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_from_unit_id"), ["from_unit_id"], unique=False)

    connection = op.get_bind()
    for entity, query in NAMES.items():
        result = connection.exec_driver_sql(query)
        while chunk := result.fetchmany(BATCH):
            rows = [
                {"entity": entity, "entity_id": i, "token": w} for i, name in chunk for w in phrases(name)
            ]
            if rows:
                connection.execute(nametoken.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_from_unit_id"))
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_unit")
        batch_op.drop_index("ix_nomination_queue")
    with op.batch_alter_table("nametoken", schema=None) as batch_op:
        batch_op.drop_index("ix_nametoken_entity")
    op.drop_table("nametoken")
