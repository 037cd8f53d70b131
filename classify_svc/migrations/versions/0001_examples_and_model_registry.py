"""examples and model registry

Revision ID: 2f2430732f37
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "2f2430732f37"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classify_examples",
        sa.Column(
            "example_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("attachment_media_types", sa.JSON(), nullable=False),
        sa.Column("party_known", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("example_id"),
        sa.UniqueConstraint("content_sha256"),
    )
    op.create_table(
        "classify_models",
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )


def downgrade() -> None:
    op.drop_table("classify_models")
    op.drop_table("classify_examples")
