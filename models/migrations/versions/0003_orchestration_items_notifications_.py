"""orchestration: items, notifications, alerts, flow runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 19:11:10.033844
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Enum columns move to a fixed VARCHAR(32): adding a member will never change them again.
    op.create_table(
        "flowrun",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("flow", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flowrun_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("emailed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_person_id"), ["person_id"], unique=False)

    op.create_table(
        "stagealert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("stage_entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nomination_id", "stage_entered_at", "kind"),
    )
    with op.batch_alter_table("stagealert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stagealert_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "submissionitem",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.PrimaryKeyConstraint("submission_id", "nomination_id"),
    )
    with op.batch_alter_table("submissionitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissionitem_nomination_id"), ["nomination_id"], unique=False)

    with op.batch_alter_table("ballotentry", schema=None) as batch_op:
        batch_op.alter_column(
            "choice",
            existing_type=sa.VARCHAR(length=17),
            type_=sa.Enum("yes", "no", "invalid", name="choice", native_enum=False, length=32),
            existing_nullable=False,
        )

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.VARCHAR(length=18),
            type_=sa.Enum("annual", "thematic", name="campaignkind", native_enum=False, length=32),
            existing_nullable=False,
        )

    with op.batch_alter_table("councilmember", schema=None) as batch_op:
        batch_op.alter_column(
            "position",
            existing_type=sa.VARCHAR(length=20),
            type_=sa.Enum(
                "chair", "vice_chair", "standing", "member", name="position", native_enum=False, length=32
            ),
            existing_nullable=False,
        )

    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.Enum("open", "closed", "tallied", name="sessionstate", native_enum=False, length=32),
            existing_nullable=False,
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.alter_column(
            "state",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.Enum("draft", "signed", "issued", name="decisionstate", native_enum=False, length=32),
            existing_nullable=False,
        )

    with op.batch_alter_table("discipline", schema=None) as batch_op:
        batch_op.alter_column(
            "level",
            existing_type=sa.VARCHAR(length=24),
            type_=sa.Enum(
                "KHIEN_TRACH",
                "CANH_CAO",
                "HA_BAC_LUONG",
                "GIANG_CHUC",
                "CACH_CHUC",
                "BUOC_THOI_VIEC",
                name="disciplinelevel",
                native_enum=False,
                length=32,
            ),
            existing_nullable=False,
        )

    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sa.VARCHAR(length=18),
            type_=sa.Enum(
                "unit", "ministry", "province", "national", name="scope", native_enum=False, length=32
            ),
            existing_nullable=False,
        )

    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intake", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "state",
            existing_type=sa.VARCHAR(length=25),
            type_=sa.Enum(
                "draft",
                "submitted",
                "returned",
                "accepted",
                "on_agenda",
                "recommended",
                "conferred",
                "not_recommended",
                "rejected",
                "declined",
                "withdrawn",
                name="state",
                native_enum=False,
                length=32,
            ),
            existing_nullable=False,
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""
            )
        )

    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.alter_column(
            "level",
            existing_type=sa.VARCHAR(length=14),
            type_=sa.Enum("HTXS", "HTT", "HT", "KHT", name="ratinglevel", native_enum=False, length=32),
            existing_nullable=False,
        )

    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=sa.VARCHAR(length=26),
            type_=sa.Enum(
                "unit_officer",
                "secretariat",
                "secretariat_head",
                "authority",
                "admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            existing_nullable=False,
        )

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.VARCHAR(length=20),
            type_=sa.Enum(
                "central",
                "state",
                "ministry",
                "province",
                "agency",
                "enterprise",
                "commune",
                "subunit",
                name="unitkind",
                native_enum=False,
                length=32,
            ),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum(
                "central",
                "state",
                "ministry",
                "province",
                "agency",
                "enterprise",
                "commune",
                "subunit",
                name="unitkind",
                native_enum=False,
                length=32,
            ),
            type_=sa.VARCHAR(length=20),
            existing_nullable=False,
        )

    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=sa.Enum(
                "unit_officer",
                "secretariat",
                "secretariat_head",
                "authority",
                "admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            type_=sa.VARCHAR(length=26),
            existing_nullable=False,
        )

    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.alter_column(
            "level",
            existing_type=sa.Enum(
                "HTXS", "HTT", "HT", "KHT", name="ratinglevel", native_enum=False, length=32
            ),
            type_=sa.VARCHAR(length=14),
            existing_nullable=False,
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=sa.Enum(
                "draft",
                "submitted",
                "returned",
                "accepted",
                "on_agenda",
                "recommended",
                "conferred",
                "not_recommended",
                "rejected",
                "declined",
                "withdrawn",
                name="state",
                native_enum=False,
                length=32,
            ),
            type_=sa.VARCHAR(length=25),
            existing_nullable=False,
        )
        batch_op.drop_column("intake")

    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sa.Enum(
                "unit", "ministry", "province", "national", name="scope", native_enum=False, length=32
            ),
            type_=sa.VARCHAR(length=18),
            existing_nullable=False,
        )

    with op.batch_alter_table("discipline", schema=None) as batch_op:
        batch_op.alter_column(
            "level",
            existing_type=sa.Enum(
                "KHIEN_TRACH",
                "CANH_CAO",
                "HA_BAC_LUONG",
                "GIANG_CHUC",
                "CACH_CHUC",
                "BUOC_THOI_VIEC",
                name="disciplinelevel",
                native_enum=False,
                length=32,
            ),
            type_=sa.VARCHAR(length=24),
            existing_nullable=False,
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=sa.Enum(
                "draft", "signed", "issued", name="decisionstate", native_enum=False, length=32
            ),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )
        batch_op.drop_column("issued_at")

    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=sa.Enum(
                "open", "closed", "tallied", name="sessionstate", native_enum=False, length=32
            ),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )

    with op.batch_alter_table("councilmember", schema=None) as batch_op:
        batch_op.alter_column(
            "position",
            existing_type=sa.Enum(
                "chair", "vice_chair", "standing", "member", name="position", native_enum=False, length=32
            ),
            type_=sa.VARCHAR(length=20),
            existing_nullable=False,
        )

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum("annual", "thematic", name="campaignkind", native_enum=False, length=32),
            type_=sa.VARCHAR(length=18),
            existing_nullable=False,
        )

    with op.batch_alter_table("ballotentry", schema=None) as batch_op:
        batch_op.alter_column(
            "choice",
            existing_type=sa.Enum("yes", "no", "invalid", name="choice", native_enum=False, length=32),
            type_=sa.VARCHAR(length=17),
            existing_nullable=False,
        )

    with op.batch_alter_table("submissionitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissionitem_nomination_id"))

    op.drop_table("submissionitem")
    with op.batch_alter_table("stagealert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stagealert_nomination_id"))

    op.drop_table("stagealert")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_person_id"))

    op.drop_table("notification")
    with op.batch_alter_table("flowrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flowrun_entity_id"))

    op.drop_table("flowrun")
