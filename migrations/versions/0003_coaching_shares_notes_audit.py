"""coaching: owner-level shares, note tags and edits, live notes switch, audit events

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE shares SET owner_id = "
        "(SELECT owner_id FROM practice_sessions WHERE practice_sessions.id = shares.session_id)"
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.alter_column("owner_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("session_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.create_foreign_key("fk_shares_owner_id_users", "users", ["owner_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_shares_owner_id"), ["owner_id"], unique=False)

    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tag", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_notes", sa.Boolean(), server_default=sa.true(), nullable=False))

    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_created_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
    op.drop_table("audit_events")

    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_column("live_notes")

    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("tag")

    op.execute("DELETE FROM shares WHERE session_id IS NULL")
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shares_owner_id"))
        batch_op.drop_constraint("fk_shares_owner_id_users", type_="foreignkey")
        batch_op.alter_column("session_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("owner_id")
