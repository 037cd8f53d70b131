"""Each service's migrations build exactly the tables its code declares, on SQLite and on
PostgreSQL, and can run twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from chassis.database import Database
from chassis.migrations import current_revision, upgrade
from conflux_cli.services import DEFINITIONS
from tests.support.databases import database_url


@pytest.mark.parametrize("service", sorted(DEFINITIONS))
def test_migrations_match_the_declared_tables(service: str, backend: str, tmp_path: Path) -> None:
    metadata = DEFINITIONS[service].metadata
    migrations = DEFINITIONS[service].migrations
    with database_url(backend, tmp_path, service) as url:
        database = Database(url)
        try:
            upgrade(database, migrations, service)
            upgrade(database, migrations, service)
            assert current_revision(database, migrations, service) is not None
            with database.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection,
                    opts={"compare_type": True, "version_table": f"alembic_version_{service}"},
                )
                differences = compare_metadata(context, metadata)
            assert differences == []
        finally:
            database.dispose()
