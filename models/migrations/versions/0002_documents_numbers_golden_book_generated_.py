"""documents: numbers, golden book, generated documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 18:45:16.685885
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added to tables that already hold rows get a server default for those rows.
    op.create_table(
        "generateddocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("generated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("generated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "owner"),
    )
    with op.batch_alter_table("generateddocument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generateddocument_owner"), ["owner"], unique=False)

    with op.batch_alter_table("awardrecord", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "golden_book", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=""
            )
        )

    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "symbol", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=""
            )
        )

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "symbol", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("signed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("signer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_submission_signer", "person", ["signer_id"], ["id"])

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "organisation_basis",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("organisation_basis")

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submission_signer", type_="foreignkey")
        batch_op.drop_column("signer_id")
        batch_op.drop_column("signed_on")
        batch_op.drop_column("symbol")
        batch_op.drop_column("number")

    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.drop_column("symbol")
        batch_op.drop_column("number")

    with op.batch_alter_table("awardrecord", schema=None) as batch_op:
        batch_op.drop_column("golden_book")

    with op.batch_alter_table("generateddocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generateddocument_owner"))

    op.drop_table("generateddocument")
