"""IMAP cursors: UIDVALIDITY and last UID per mailbox folder

Revision ID: 2cc4ca4d39a8
Revises: 73bd9c0066c7
"""

import sqlalchemy as sa
from alembic import op

revision = "2cc4ca4d39a8"
down_revision = "73bd9c0066c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_imap_cursors",
        sa.Column("mailbox", sa.String(length=100), nullable=False),
        sa.Column("folder", sa.String(length=500), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mailbox", "folder"),
    )


def downgrade() -> None:
    op.drop_table("ingest_imap_cursors")
