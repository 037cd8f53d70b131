"""items and attachments

Revision ID: 13286a1abd8e
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "13286a1abd8e"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_items",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("dedup_key", sa.String(length=600), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("triage_reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("receive_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sender", sa.String(length=500), nullable=False),
        sa.Column("sender_name", sa.String(length=500), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("thread_message_ids", sa.JSON(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_size", sa.BigInteger(), nullable=False),
        sa.Column("raw_media_type", sa.String(length=200), nullable=False),
        sa.Column("raw_file_name", sa.String(length=1000), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("sequence"),
        sa.UniqueConstraint("dedup_key"),
        sa.UniqueConstraint("item_id"),
    )
    op.create_table(
        "ingest_attachments",
        sa.Column(
            "item_sequence", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=1000), nullable=False),
        sa.Column("content_id", sa.String(length=500), nullable=False),
        sa.Column("inline", sa.Boolean(), nullable=False),
        sa.Column("nesting_path", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["item_sequence"], ["ingest_items.sequence"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_sequence", "position"),
    )
    with op.batch_alter_table("ingest_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_attachments_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ingest_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_attachments_sha256"))

    op.drop_table("ingest_attachments")
    op.drop_table("ingest_items")
