"""pipeline state and feed cursor

Revision ID: f2143ff15775
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "f2143ff15775"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_feed_cursors",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("token", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "gateway_requests",
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column(
            "item_sequence", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=False),
        sa.Column("next_step", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trace_parent", sa.String(length=100), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id"),
    )
    with op.batch_alter_table("gateway_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gateway_requests_due", ["state", "next_attempt_time"], unique=False
        )

    op.create_table(
        "gateway_step_outcomes",
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["gateway_requests.request_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("request_id", "step"),
    )


def downgrade() -> None:
    op.drop_table("gateway_step_outcomes")
    with op.batch_alter_table("gateway_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_gateway_requests_due")

    op.drop_table("gateway_requests")
    op.drop_table("gateway_feed_cursors")
