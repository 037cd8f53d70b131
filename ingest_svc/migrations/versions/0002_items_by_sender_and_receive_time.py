"""items by sender and receive time, for the flood guard

Revision ID: 73bd9c0066c7
Revises: 13286a1abd8e
"""

from alembic import op

revision = "73bd9c0066c7"
down_revision = "13286a1abd8e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ingest_items_sender_receive_time", ["sender", "receive_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ingest_items", schema=None) as batch_op:
        batch_op.drop_index("ix_ingest_items_sender_receive_time")
