"""Writes a new Alembic revision for one service from the difference between its tables and
its migrations (what ``alembic revision --autogenerate`` does, without a template per service).

Usage: .venv/bin/python scripts/new_migration.py SERVICE "what changes"
"""

from __future__ import annotations

import re
import sys
import tempfile
import uuid

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from chassis.database import Database
from chassis.migrations import upgrade
from conflux_cli.services import DEFINITIONS


def main() -> None:
    """Generates the revision file and prints its path."""
    service, message = sys.argv[1], sys.argv[2]
    definition = DEFINITIONS[service]
    metadata, migrations = definition.metadata, definition.migrations
    (migrations / "versions").mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(migrations))
    head = ScriptDirectory.from_config(config).get_current_head()
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/scratch.sqlite3")
        upgrade(database, migrations, service)
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "render_as_batch": True,
                    "compare_type": True,
                    "version_table": f"alembic_version_{service}",
                },
            )
            script = produce_migrations(context, metadata)
        database.dispose()
    up = _without_banner(render_python_code(script.upgrade_ops, render_as_batch=True))
    down = _without_banner(render_python_code(script.downgrade_ops, render_as_batch=True))
    revision = uuid.uuid4().hex[:12]
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    number = len(list((migrations / "versions").glob("*.py"))) + 1
    target = migrations / "versions" / f"{number:04d}_{slug}.py"
    target.write_text(
        f'"""{message}\n\nRevision ID: {revision}\nRevises: {head}\n"""\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "{revision}"\ndown_revision = {head!r}\n'
        "branch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade() -> None:\n{up}\n\n\ndef downgrade() -> None:\n{down}\n"
    )
    print(target)


def _without_banner(code: str) -> str:
    """Alembic's rendered code without its "auto generated - please adjust" comment lines."""
    return "\n".join(line for line in code.splitlines() if "###" not in line)


if __name__ == "__main__":
    main()
