"""Databases for the storage and pipeline tests: a SQLite file, or a PostgreSQL schema of its own.

PostgreSQL is the server named by ``CONFLUX_TEST_POSTGRES_URL`` (default: the local one at
127.0.0.1:5432, user postgres). When ``CONFLUX_REQUIRE_POSTGRES`` is set (``make test`` and CI set
it), an unreachable server fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgres")


def postgres_server_url() -> str:
    """The PostgreSQL server the tests use."""
    return os.environ.get("CONFLUX_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def require_postgres() -> None:
    """Skips (or, when PostgreSQL is required, fails) when the server does not answer."""
    url = postgres_server_url()
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as error:
        message = f"PostgreSQL is not reachable at {make_url(url).render_as_string()}: {error}"
        if os.environ.get("CONFLUX_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message + " (set CONFLUX_REQUIRE_POSTGRES=1 to make this a failure)")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped afterwards."""
    require_postgres()
    server = postgres_server_url()
    schema = f"conflux_test_{secrets.token_hex(6)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def database_url(backend: str, directory: Path, name: str) -> Iterator[str]:
    """A database for one service under test on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / name}.sqlite3"
    else:
        with postgres_schema() as url:
            yield url
