"""case merges, splits and case references

Revision ID: 3f6a0c2d9b71
Revises: 7d2c841154c0
"""

import sqlalchemy as sa
from alembic import op

revision = "3f6a0c2d9b71"
down_revision = "7d2c841154c0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correlate_case_merges",
        sa.Column("merge_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("merged_case_id", sa.String(length=40), nullable=False),
        sa.Column("moved_request_ids", sa.JSON(), nullable=False),
        sa.Column("merged_state", sa.String(length=16), nullable=False),
        sa.Column("merged_close_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_party", sa.Boolean(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undo_time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["correlate_cases.case_id"]),
        sa.ForeignKeyConstraint(["merged_case_id"], ["correlate_cases.case_id"]),
        sa.PrimaryKeyConstraint("merge_id"),
    )
    with op.batch_alter_table("correlate_case_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correlate_case_merges_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_correlate_case_merges_merged_case_id"), ["merged_case_id"], unique=False
        )

    # Server defaults fill the rows written before this revision.
    with op.batch_alter_table("correlate_cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "merged_into_case_id", sa.String(length=40), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("split_from_case_id", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_correlate_cases_merged_into_case_id"),
            ["merged_into_case_id"],
            unique=False,
        )

    with op.batch_alter_table("correlate_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("case_references", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("correlate_requests", schema=None) as batch_op:
        batch_op.drop_column("case_references")

    with op.batch_alter_table("correlate_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correlate_cases_merged_into_case_id"))
        batch_op.drop_column("split_from_case_id")
        batch_op.drop_column("merged_into_case_id")

    with op.batch_alter_table("correlate_case_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correlate_case_merges_merged_case_id"))
        batch_op.drop_index(batch_op.f("ix_correlate_case_merges_case_id"))

    op.drop_table("correlate_case_merges")
