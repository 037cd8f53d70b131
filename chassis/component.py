"""What every service component has in common: its own database, a pool for blocking work,
and readiness that starts with its database answering.

A service subclasses ``DatabaseComponent``, registers its servicers, and adds probes or
background work where it has them.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from chassis.database import Database
from chassis.health import Probe, database_probe
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
