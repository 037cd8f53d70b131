"""Fixtures of the correlate tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.correlate_svc.ledger_fixtures import Store, open_store


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[Store]:
    """A fresh ledger on ``backend``."""
    yield from open_store(backend, tmp_path)
