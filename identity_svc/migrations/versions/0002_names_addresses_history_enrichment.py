"""names, addresses, dates of birth, states; frequency keys, index outbox; history; enrichment

Revision ID: 5c1e0a9d2b47
Revises: d87244ad1feb

Frequency keys and the party index are derived data: they are filled when the service starts
and finds its party index missing (``IndexFeeder.rebuild_if_needed``).
"""

import sqlalchemy as sa
from alembic import op

revision = "5c1e0a9d2b47"
down_revision = "d87244ad1feb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_index_outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "identity_enrichments",
        sa.Column("enrichment_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decide_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["identity_parties.party_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("enrichment_id"),
    )
    with op.batch_alter_table("identity_enrichments", schema=None) as batch_op:
        batch_op.create_index("ix_identity_enrichments_party", ["party_id"], unique=False)
        batch_op.create_index("ix_identity_enrichments_state", ["state"], unique=False)
    op.create_table(
        "identity_party_keys",
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["identity_parties.party_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "party_id"),
    )
    with op.batch_alter_table("identity_party_keys", schema=None) as batch_op:
        batch_op.create_index("ix_identity_party_keys_party", ["party_id"], unique=False)
    op.create_table(
        "identity_sender_handles",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.Column("confirm_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["identity_parties.party_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("value", "party_id"),
    )
    with op.batch_alter_table("identity_identifiers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), nullable=False, server_default="crm")
        )
    with op.batch_alter_table("identity_parties", schema=None) as batch_op:
        for name, length in (("given_name", 200), ("family_name", 200), ("birth_date", 10)):
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("postal_addresses", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("change_time", sa.DateTime(timezone=True), nullable=True))
    parties = sa.table(
        "identity_parties",
        sa.column("party_id", sa.String()),
        sa.column("postal_address", sa.Text()),
        sa.column("postal_addresses", sa.JSON()),
    )
    connection = op.get_bind()
    for party_id, address in connection.execute(
        sa.select(parties.c.party_id, parties.c.postal_address)
    ).all():
        connection.execute(
            parties.update()
            .where(parties.c.party_id == party_id)
            .values(postal_addresses=[address] if address else [])
        )
    with op.batch_alter_table("identity_parties", schema=None) as batch_op:
        batch_op.alter_column("postal_addresses", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("postal_address")
        for name in ("given_name", "family_name", "birth_date", "state"):
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("identity_identifiers", schema=None) as batch_op:
        batch_op.alter_column("source", server_default=None)
    with op.batch_alter_table("identity_resolutions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "confirmed_party_id", sa.String(length=100), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("confirmed_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("confirm_time", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("identity_resolutions", schema=None) as batch_op:
        batch_op.alter_column("confirmed_party_id", server_default=None)
        batch_op.alter_column("confirmed_by", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("identity_resolutions", schema=None) as batch_op:
        batch_op.drop_column("confirm_time")
        batch_op.drop_column("confirmed_by")
        batch_op.drop_column("confirmed_party_id")
    with op.batch_alter_table("identity_parties", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("postal_address", sa.Text(), nullable=False, server_default="")
        )
        batch_op.drop_column("change_time")
        batch_op.drop_column("state")
        batch_op.drop_column("postal_addresses")
        batch_op.drop_column("birth_date")
        batch_op.drop_column("family_name")
        batch_op.drop_column("given_name")
    with op.batch_alter_table("identity_identifiers", schema=None) as batch_op:
        batch_op.drop_column("source")
    op.drop_table("identity_sender_handles")
    with op.batch_alter_table("identity_party_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_party_keys_party")
    op.drop_table("identity_party_keys")
    with op.batch_alter_table("identity_enrichments", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_enrichments_state")
        batch_op.drop_index("ix_identity_enrichments_party")
    op.drop_table("identity_enrichments")
    op.drop_table("identity_index_outbox")
