"""conferences: the conferences of advanced examples and the review conferences, and the people
and collectives honoured at them

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 10:00:00

`conference` and `honouree` (models/conferences.py).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "advanced_examples",
                "interim_review",
                "final_review",
                name="conferencekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("report_requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["organiser_unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organiser_unit_id", "kind", "first_year", "last_year"),
    )
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conference_organiser_unit_id"), ["organiser_unit_id"], unique=False
        )
    op.create_table(
        "honouree",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_id", sa.Integer(), nullable=True),
        sa.Column("recognition", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("achievement", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (collective_id IS NULL)", name="honouree_one_subject"),
        sa.ForeignKeyConstraint(["added_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["collective_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["conference_id"], ["conference.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conference_id", "collective_id", name="uq_honouree_collective"),
        sa.UniqueConstraint("conference_id", "person_id", name="uq_honouree_person"),
    )
    with op.batch_alter_table("honouree", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_honouree_conference_id"), ["conference_id"], unique=False)


def downgrade() -> None:
    op.drop_table("honouree")
    op.drop_table("conference")
