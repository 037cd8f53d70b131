"""extraction cache

Revision ID: e46e0595a63e
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "e46e0595a63e"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ocr_extractions",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "languages"),
    )


def downgrade() -> None:
    op.drop_table("ocr_extractions")
