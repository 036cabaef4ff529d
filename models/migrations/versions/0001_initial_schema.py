"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 18:17:49.934901
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    audithead = op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The audit chain starts from one head row whose lock serialises writers.
    op.bulk_insert(audithead, [{"id": 1, "last_hash": "0" * 64}])
    op.create_table(
        "calendarday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant", "day"),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("gender", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("hometown", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_full_name"), ["full_name"], unique=False)

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("abbreviation", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
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
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("head_title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("flag_eligible", sa.Boolean(), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("annual", "thematic", name="campaignkind", native_enum=False, length=18),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organiser_unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_organiser_unit_id"), ["organiser_unit_id"], unique=False
        )

    op.create_table(
        "cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("organiser_unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "council",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id"),
    )
    op.create_table(
        "discipline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "KHIEN_TRACH",
                "CANH_CAO",
                "HA_BAC_LUONG",
                "GIANG_CHUC",
                "CACH_CHUC",
                "BUOC_THOI_VIEC",
                name="disciplinelevel",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("discipline", schema=None) as batch_op:
        batch_op.create_index("ix_discipline_person", ["person_id", "year"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("flow_run_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column(
            "scope",
            sa.Enum("unit", "ministry", "province", "national", name="scope", native_enum=False, length=18),
            nullable=False,
        ),
        sa.Column("recognised_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.create_index("ix_initiative_person", ["person_id", "year"], unique=False)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("post", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum("HTXS", "HTT", "HT", "KHT", name="ratinglevel", native_enum=False, length=14),
            nullable=False,
        ),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (collective_id IS NULL)", name="rating_one_subject"),
        sa.ForeignKeyConstraint(
            ["collective_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("collective_id", "year", name="uq_rating_collective_year"),
        sa.UniqueConstraint("person_id", "year", name="uq_rating_person_year"),
    )
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.create_index("ix_rating_person", ["person_id", "level", "year"], unique=False)

    op.create_table(
        "register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("doc_type", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer_unit_id", "year", "doc_type"),
    )
    op.create_table(
        "rolegrant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "unit_officer",
                "secretariat",
                "secretariat_head",
                "authority",
                "admin",
                name="role",
                native_enum=False,
                length=26,
            ),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rolegrant_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rolegrant_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "clusterlead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "year", "unit_id"),
    )
    with op.batch_alter_table("clusterlead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clusterlead_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "clustermember",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("cluster_id", "unit_id"),
    )
    op.create_table(
        "councilmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "chair", "vice_chair", "standing", "member", name="position", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["council.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("council_id", "person_id"),
    )
    with op.batch_alter_table("councilmember", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_councilmember_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_councilmember_person_id"), ["person_id"], unique=False)

    op.create_table(
        "councilsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("held_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("open", "closed", name="sessionstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["chair_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["council.id"],
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_councilsession_council_id"), ["council_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("award_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "signed", name="decisionstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("symbol", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issuer_unit_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_issuer_unit_id"), ["issuer_unit_id"], unique=False)

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_id", sa.Integer(), nullable=True),
        sa.Column("award_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (collective_id IS NULL)", name="registration_one_subject"),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["collective_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "person_id", "collective_id", "award_code"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["from_unit_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_to_unit_id"), ["to_unit_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("written_opinion", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["councilmember.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["councilsession.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "member_id"),
    )
    op.create_table(
        "awardrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decision_number", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (collective_id IS NULL)", name="award_one_subject"),
        sa.ForeignKeyConstraint(
            ["collective_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("awardrecord", schema=None) as batch_op:
        batch_op.create_index(
            "ix_award_collective", ["collective_id", "code", "year", "revoked"], unique=False
        )
        batch_op.create_index("ix_award_person", ["person_id", "code", "year", "revoked"], unique=False)

    op.create_table(
        "ballotcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("written", sa.Boolean(), nullable=False),
        sa.Column("cast_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["councilmember.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["councilsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "member_id"),
    )
    with op.batch_alter_table("ballotcast", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballotcast_session_id"), ["session_id"], unique=False)

    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("award_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("collective_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("achievement", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
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
                length=25,
            ),
            nullable=False,
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("handling_unit_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("stage_entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (collective_id IS NULL)", name="nomination_one_subject"),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["collective_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["handling_unit_id"],
            ["unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index("ix_nomination_campaign", ["campaign_id", "award_code", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_collective_id"), ["collective_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_nomination_stage", ["handling_unit_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "ballotentry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum("yes", "no", "invalid", name="choice", native_enum=False, length=17),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["councilmember.id"],
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["councilsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ballotentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballotentry_session_id"), ["session_id"], unique=False)

    op.create_table(
        "dossierdocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("(nomination_id IS NULL) <> (submission_id IS NULL)", name="document_one_owner"),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dossierdocument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossierdocument_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossierdocument_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "sessionitem",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["councilsession.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "nomination_id"),
    )
    op.create_table(
        "tallyresult",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("members_total", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("ballots_issued", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.Column("threshold", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("quorum_met", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["councilsession.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "nomination_id"),
    )


def downgrade() -> None:
    op.drop_table("tallyresult")
    op.drop_table("sessionitem")
    with op.batch_alter_table("dossierdocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossierdocument_submission_id"))
        batch_op.drop_index(batch_op.f("ix_dossierdocument_nomination_id"))

    op.drop_table("dossierdocument")
    with op.batch_alter_table("ballotentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballotentry_session_id"))

    op.drop_table("ballotentry")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_submission_id"))
        batch_op.drop_index("ix_nomination_stage")
        batch_op.drop_index(batch_op.f("ix_nomination_person_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_decision_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_collective_id"))
        batch_op.drop_index("ix_nomination_campaign")

    op.drop_table("nomination")
    with op.batch_alter_table("ballotcast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballotcast_session_id"))

    op.drop_table("ballotcast")
    with op.batch_alter_table("awardrecord", schema=None) as batch_op:
        batch_op.drop_index("ix_award_person")
        batch_op.drop_index("ix_award_collective")

    op.drop_table("awardrecord")
    op.drop_table("attendance")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_to_unit_id"))
        batch_op.drop_index(batch_op.f("ix_submission_campaign_id"))

    op.drop_table("submission")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_campaign_id"))

    op.drop_table("registration")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_issuer_unit_id"))

    op.drop_table("decision")
    with op.batch_alter_table("councilsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_councilsession_council_id"))

    op.drop_table("councilsession")
    with op.batch_alter_table("councilmember", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_councilmember_person_id"))
        batch_op.drop_index(batch_op.f("ix_councilmember_council_id"))

    op.drop_table("councilmember")
    op.drop_table("clustermember")
    with op.batch_alter_table("clusterlead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusterlead_unit_id"))

    op.drop_table("clusterlead")
    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rolegrant_unit_id"))
        batch_op.drop_index(batch_op.f("ix_rolegrant_person_id"))

    op.drop_table("rolegrant")
    op.drop_table("register")
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_person")

    op.drop_table("rating")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_unit_id"))
        batch_op.drop_index(batch_op.f("ix_membership_person_id"))

    op.drop_table("membership")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_person")

    op.drop_table("initiative")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_entity")

    op.drop_table("event")
    with op.batch_alter_table("discipline", schema=None) as batch_op:
        batch_op.drop_index("ix_discipline_person")

    op.drop_table("discipline")
    op.drop_table("council")
    op.drop_table("cluster")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_organiser_unit_id"))

    op.drop_table("campaign")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_parent_id"))

    op.drop_table("unit")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_full_name"))

    op.drop_table("person")
    op.drop_table("calendarday")
    op.drop_table("audithead")
