"""What every service component has in common: its own database, a pool for blocking work,
its migrations, and readiness that starts with its database answering.

A service subclasses ``DatabaseComponent``, registers its servicers, and adds probes or
background work where it has them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import grpc

from chassis.database import Database
from chassis.health import Probe, database_probe
from chassis.migrations import upgrade
from chassis.workers import BlockingPool, default_pool_size


class DatabaseComponent:
    """A component owning one database and one blocking pool."""

    service_names: Sequence[str] = ()

    def __init__(self, name: str, database_url: str, *, pool_size: int = 0) -> None:
        self.name = name
        self.database = Database(database_url)
        self.pool = BlockingPool(name, pool_size or max(2, default_pool_size()))

    def register(self, server: grpc.aio.Server) -> None:
        """Adds the servicers; every service overrides it."""
        raise NotImplementedError

    def probes(self) -> Sequence[Probe]:
        """The database; subclasses add the services they call."""
        return (database_probe(f"{self.name} database", self.database.ping, self.pool),)

    async def start(self) -> None:
        """No background work unless a subclass has some."""

    async def stop(self) -> None:
        """Releases the pool and the database."""
        self.pool.close()
        self.database.dispose()


def migrator(service: str, migrations: Path) -> Callable[[str], None]:
    """A function bringing ``service``'s tables, at a database URL, to the latest revision."""

    def migrate(database_url: str) -> None:
        database = Database(database_url)
        try:
            upgrade(database, migrations, service)
        finally:
            database.dispose()

    return migrate
