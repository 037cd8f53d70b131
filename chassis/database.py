"""Relational storage of one service: a SQLite file by default, PostgreSQL by URL.

Each service owns its tables (prefixed with its name) and its Alembic version table, so that
several services may share one PostgreSQL database without sharing a table. SQLite runs in WAL
mode with ``synchronous=FULL`` (a commit is on disk when it returns, which acknowledgements
rely on), and writes from this process are serialised by a lock, the embedded mode's single
writer; PostgreSQL runs concurrent writers and the code that needs mutual exclusion takes
explicit locks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """An engine, its sessions, and the single-writer lock of the embedded mode."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; rolled back at the end."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one transaction, committed when the block succeeds, else rolled back."""
        if self._write_lock is None:
            with self._sessions.begin() as session:
                yield session
            return
        with self._write_lock, self._sessions.begin() as session:
            yield session

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Closes every pooled connection."""
        self.engine.dispose()


def _make_engine(url: str, pool_size: int) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=pool_size, pool_pre_ping=True)
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine
