"""feedback keyed by request: imports unique by content, feedback unique by request id

Revision ID: 7c1e5a9d4b20
Revises: 2f2430732f37
"""

import sqlalchemy as sa
from alembic import op

revision = "7c1e5a9d4b20"
down_revision = "2f2430732f37"
branch_labels = None
depends_on = None

_IMPORTS = sa.text("source = 'import'")
_FEEDBACK = sa.text("source = 'feedback'")
# SQLite keeps the first revision's unique constraint unnamed: batch mode names it to drop it.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_SQLITE_CONSTRAINT = "uq_classify_examples_content_sha256"
# PostgreSQL's own name for it.
_POSTGRESQL_CONSTRAINT = "classify_examples_content_sha256_key"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("classify_examples", naming_convention=_SQLITE_NAMES) as batch:
            batch.drop_constraint(_SQLITE_CONSTRAINT, type_="unique")
    else:
        op.drop_constraint(_POSTGRESQL_CONSTRAINT, "classify_examples", type_="unique")
    op.create_index(
        "ux_classify_examples_import_content",
        "classify_examples",
        ["content_sha256"],
        unique=True,
        sqlite_where=_IMPORTS,
        postgresql_where=_IMPORTS,
    )
    op.create_index(
        "ux_classify_examples_feedback_request",
        "classify_examples",
        ["request_id"],
        unique=True,
        sqlite_where=_FEEDBACK,
        postgresql_where=_FEEDBACK,
    )


def downgrade() -> None:
    op.drop_index("ux_classify_examples_feedback_request", "classify_examples")
    op.drop_index("ux_classify_examples_import_content", "classify_examples")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("classify_examples", naming_convention=_SQLITE_NAMES) as batch:
            batch.create_unique_constraint(_SQLITE_CONSTRAINT, ["content_sha256"])
    else:
        op.create_unique_constraint(_POSTGRESQL_CONSTRAINT, "classify_examples", ["content_sha256"])
