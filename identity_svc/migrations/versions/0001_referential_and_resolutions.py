"""referential and resolutions

Revision ID: d87244ad1feb
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "d87244ad1feb"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_parties",
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=500), nullable=False),
        sa.Column("postal_address", sa.Text(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("party_id"),
    )
    op.create_table(
        "identity_resolutions",
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id"),
    )
    op.create_table(
        "identity_identifiers",
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["identity_parties.party_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("party_id", "kind", "value"),
    )
    with op.batch_alter_table("identity_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_identity_identifiers_value", ["value", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identity_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_identifiers_value")

    op.drop_table("identity_identifiers")
    op.drop_table("identity_resolutions")
    op.drop_table("identity_parties")
