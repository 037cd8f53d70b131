"""ledger cases links outbox

Revision ID: 7d2c841154c0
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "7d2c841154c0"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correlate_cases",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("close_time", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("case_id"),
    )
    with op.batch_alter_table("correlate_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correlate_cases_party_id"), ["party_id"], unique=False)

    op.create_table(
        "correlate_index_outbox",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("correlate_index_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correlate_index_outbox_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "correlate_case_links",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("related_case_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["correlate_cases.case_id"],
        ),
        sa.ForeignKeyConstraint(
            ["related_case_id"],
            ["correlate_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "related_case_id"),
    )
    op.create_table(
        "correlate_requests",
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("attachment_sha256s", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("matched_request_id", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["correlate_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("request_id"),
    )
    with op.batch_alter_table("correlate_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correlate_requests_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            "ix_correlate_requests_party_time", ["party_id", "sent_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("correlate_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_correlate_requests_party_time")
        batch_op.drop_index(batch_op.f("ix_correlate_requests_case_id"))

    op.drop_table("correlate_requests")
    op.drop_table("correlate_case_links")
    with op.batch_alter_table("correlate_index_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correlate_index_outbox_request_id"))

    op.drop_table("correlate_index_outbox")
    with op.batch_alter_table("correlate_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correlate_cases_party_id"))

    op.drop_table("correlate_cases")
