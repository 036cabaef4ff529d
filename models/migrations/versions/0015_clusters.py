"""clusters: the regulation of a cluster or block, its members' rotation, the year's leadership,
the covenant with its criteria and signatures, the scores, their verification and the acclamation vote

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 09:38:23

`cluster` gains its regulation's vote rule and counts; `clustermember` its place in the rotation and
its dates (existing rows: the defaults, as the models read them). New: `clusterterm`, `covenant`,
`criterion`, `signature`, `score`, `verification`, `votecast` (who voted) and `voteentry` (what was
voted, apart: models/clusters.py).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clusterterm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("leader_unit_id", sa.Integer(), nullable=False),
        sa.Column("deputy_unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "chosen",
            sa.Enum("rotation", "election", name="chosen", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("chosen_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint("leader_unit_id <> deputy_unit_id", name="clusterterm_two_units"),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deputy_unit_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["leader_unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "year"),
    )
    with op.batch_alter_table("clusterterm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clusterterm_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "covenant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "draft", "signed", "scoring", "voting", "closed", name="phase", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("present", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "year"),
    )
    with op.batch_alter_table("covenant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_covenant_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("bonus", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"],
            ["covenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("covenant_id", "position"),
    )
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_covenant_id"), ["covenant_id"], unique=False)

    op.create_table(
        "signature",
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"],
            ["covenant.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("covenant_id", "unit_id"),
    )
    op.create_table(
        "votecast",
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"],
            ["covenant.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("covenant_id", "unit_id"),
    )
    op.create_table(
        "voteentry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"],
            ["covenant.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voteentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voteentry_covenant_id"), ["covenant_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("by_unit_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_unit_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criterion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("criterion_id", "unit_id", "by_unit_id"),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_criterion_id"), ["criterion_id"], unique=False)

    op.create_table(
        "verification",
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("by_person_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criterion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("criterion_id", "unit_id"),
    )
    with op.batch_alter_table("cluster", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("cluster", "block", name="clusterkind", native_enum=False, length=32),
                nullable=False,
                server_default="cluster",
            )
        )
        batch_op.add_column(
            sa.Column(
                "regulation", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("threshold_pct", sa.Integer(), nullable=False, server_default="50"))
        batch_op.add_column(
            sa.Column(
                "vote_base",
                sa.Enum("members", "present", name="votebase", native_enum=False, length=32),
                nullable=False,
                server_default="members",
            )
        )
        batch_op.add_column(sa.Column("leaders", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("certificates", sa.Integer(), nullable=False, server_default="2"))
        batch_op.add_column(
            sa.Column(
                "aggregate",
                sa.Enum("peer_mean", "self", name="aggregate", native_enum=False, length=32),
                nullable=False,
                server_default="peer_mean",
            )
        )

    with op.batch_alter_table("clustermember", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rotation", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clustermember", schema=None) as batch_op:
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")
        batch_op.drop_column("rotation")

    with op.batch_alter_table("cluster", schema=None) as batch_op:
        batch_op.drop_column("aggregate")
        batch_op.drop_column("certificates")
        batch_op.drop_column("leaders")
        batch_op.drop_column("vote_base")
        batch_op.drop_column("threshold_pct")
        batch_op.drop_column("regulation")
        batch_op.drop_column("kind")

    op.drop_table("verification")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_criterion_id"))

    op.drop_table("score")
    with op.batch_alter_table("voteentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voteentry_covenant_id"))

    op.drop_table("voteentry")
    op.drop_table("votecast")
    op.drop_table("signature")
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_covenant_id"))

    op.drop_table("criterion")
    with op.batch_alter_table("covenant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_covenant_cluster_id"))

    op.drop_table("covenant")
    with op.batch_alter_table("clusterterm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusterterm_cluster_id"))

    op.drop_table("clusterterm")
