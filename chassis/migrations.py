"""Alembic migrations, one history per service, run at start in the embedded mode and by a Job
in Kubernetes (``conflux migrate``).

A service keeps ``migrations/env.py`` (which calls ``run_env``) and ``migrations/versions/``.
Its version table is ``alembic_version_<service>`` so that services sharing a PostgreSQL
database keep separate histories.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from chassis.database import Database


def _config(migrations_dir: Path, service: str, connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = f"alembic_version_{service}"
    return config


def upgrade(database: Database, migrations_dir: Path, service: str) -> None:
    """Brings the service's tables to the latest revision."""
    with database.engine.begin() as connection:
        command.upgrade(_config(migrations_dir, service, connection), "head")


def current_revision(database: Database, migrations_dir: Path, service: str) -> str | None:
    """The revision the database is at, None before the first migration."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": f"alembic_version_{service}"}
        )
        return context.get_current_revision()


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``env.py``: migrate on the connection given by ``upgrade``."""
    attributes = context.config.attributes
    connection = attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
