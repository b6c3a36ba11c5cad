"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 12:12:33.293867
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("speaker", "coach", "admin", name="user_role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_email"), ["email"], unique=True)

    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "source",
            sa.Enum("live", "upload", name="session_source", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "created",
                "live",
                "ended",
                "analyzing",
                "analyzed",
                "failed",
                name="session_state",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_sessions_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_state"), ["state"], unique=False)

    op.create_table(
        "analysis_reports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "schema_version", name="uq_report_session_version"),
    )
    with op.batch_alter_table("analysis_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analysis_reports_session_id"), ["session_id"], unique=False)

    op.create_table(
        "coach_notes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("media_time_s", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_notes_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coach_notes_session_id"), ["session_id"], unique=False)

    op.create_table(
        "recordings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("container", sa.String(length=32), nullable=False),
        sa.Column("audio_codec", sa.String(length=32), nullable=True),
        sa.Column("video_codec", sa.String(length=32), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("blob_key"),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordings_session_id"), ["session_id"], unique=False)

    op.create_table(
        "shares",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("coach_id", sa.String(length=32), nullable=False),
        sa.Column(
            "permission",
            sa.Enum("view", "comment", name="share_permission", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coach_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "coach_id", name="uq_share_session_coach"),
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shares_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shares_session_id"), ["session_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shares_session_id"))
        batch_op.drop_index(batch_op.f("ix_shares_coach_id"))

    op.drop_table("shares")
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordings_session_id"))

    op.drop_table("recordings")
    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_notes_session_id"))
        batch_op.drop_index(batch_op.f("ix_coach_notes_author_id"))

    op.drop_table("coach_notes")
    with op.batch_alter_table("analysis_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analysis_reports_session_id"))

    op.drop_table("analysis_reports")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_sessions_state"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_created_at"))

    op.drop_table("practice_sessions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email"))

    op.drop_table("users")
