"""The model registry on SQLite and PostgreSQL: versions listed newest first, described without
unpickling, promoted (and rolled back) only once their file checks out."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from chassis.database import Database
from classify_svc.model import TrainedModel
from classify_svc.model_store import ModelNotFoundError, ModelStore, ModelTamperedError
from classify_svc.registry import ModelRecord, ModelRegistry


def _versions(model: TrainedModel, count: int) -> list[TrainedModel]:
    """``count`` copies of ``model`` created a minute apart, oldest first."""
    copies = []
    for minute in range(count):
        created = model.created + timedelta(minutes=minute)
        version = f"m-{created:%Y%m%d%H%M%S}-{model.data_sha256[:8]}"
        copies.append(dataclasses.replace(model, version=version, created=created))
    return copies


@pytest.fixture
def registry(database: Database, tmp_path: Path) -> ModelRegistry:
    """An empty registry with its model directory."""
    return ModelRegistry(database, ModelStore(tmp_path / "models"))


def test_the_last_trained_version_is_in_service(
    registry: ModelRegistry, model: TrainedModel
) -> None:
    assert registry.load_in_service() is None
    first, second = _versions(model, 2)
    assert registry.add_and_serve(first) == ModelRecord.of(first, in_service=True)
    registry.add_and_serve(second)
    loaded = registry.load_in_service()
    assert loaded is not None and loaded.version == second.version
    assert not registry.record(first.version).in_service


def test_records_keep_the_whole_evaluation(registry: ModelRegistry, model: TrainedModel) -> None:
    registry.add_and_serve(model)
    assert registry.record(model.version) == ModelRecord.of(model, in_service=True)
    with pytest.raises(ModelNotFoundError):
        registry.record("m-19990101000000-00000000")


def test_versions_are_listed_newest_first_a_page_at_a_time(
    registry: ModelRegistry, model: TrainedModel
) -> None:
    versions = _versions(model, 3)
    for version in versions:
        registry.add_and_serve(version)
    newest_first = [v.version for v in reversed(versions)]
    first_page = registry.records(2)
    assert [r.version for r in first_page] == newest_first[:2]
    assert [r.in_service for r in first_page] == [True, False]
    rest = registry.records(2, after=first_page[-1].version)
    assert [r.version for r in rest] == newest_first[2:]


def test_promoting_an_older_version_rolls_back(
    registry: ModelRegistry, model: TrainedModel
) -> None:
    older, newer = _versions(model, 2)
    registry.add_and_serve(older)
    registry.add_and_serve(newer)
    assert registry.promote(older.version).version == older.version
    in_service = registry.load_in_service()
    assert in_service is not None and in_service.version == older.version
    assert [r.in_service for r in registry.records(10)] == [False, True]
    registry.promote(newer.version)
    assert [r.in_service for r in registry.records(10)] == [True, False]


def test_unknown_or_altered_versions_are_not_promoted(
    registry: ModelRegistry, model: TrainedModel, tmp_path: Path
) -> None:
    older, newer = _versions(model, 2)
    registry.add_and_serve(older)
    registry.add_and_serve(newer)
    with pytest.raises(ModelNotFoundError):
        registry.promote("m-19990101000000-00000000")
    with pytest.raises(ModelNotFoundError):
        registry.promote("../escape")
    path = tmp_path / "models" / f"{older.version}.pkl"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelTamperedError):
        registry.promote(older.version)
    assert registry.record(newer.version).in_service
