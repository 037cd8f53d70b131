"""Which model versions exist and which one is in service.

The registry records each saved model's file hash and a summary (its evaluation included), so
that versions can be listed and described without unpickling them. A model is loaded only if
its file still has that hash (``ModelStore`` checks its own metadata too), so a file replaced on
disk is refused (``ModelTamperedError``) rather than unpickled. Putting a version in service is
one transaction: exactly one version is in service once any was trained.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from chassis.database import Database
from chassis.timestamps import utc_now
from classify_svc.evaluation import Metrics
from classify_svc.model import TrainedModel
from classify_svc.model_store import ModelNotFoundError, ModelStore
from classify_svc.tables import ModelRow


@dataclass(frozen=True)
class ModelRecord:
    """What the registry knows of a model version without loading it."""

    version: str
    categories: tuple[str, ...]
    training_count: int
    metrics: Metrics
    abstention_threshold: float
    data_sha256: str
    created: datetime
    in_service: bool

    @classmethod
    def of(cls, model: TrainedModel, *, in_service: bool) -> ModelRecord:
        """The record of a trained model."""
        return cls(
            version=model.version,
            categories=model.categories,
            training_count=model.training_count,
            metrics=model.metrics,
            abstention_threshold=model.abstention_threshold,
            data_sha256=model.data_sha256,
            created=model.created,
            in_service=in_service,
        )


class ModelRegistry:
    """Model versions and the one in service."""

    def __init__(self, database: Database, store: ModelStore) -> None:
        self._database = database
        self._store = store

    def add_and_serve(self, model: TrainedModel) -> ModelRecord:
        """Saves ``model`` (atomically), records it, and puts it in service."""
        path = self._store.save(model)
        with self._database.writing() as session:
            session.execute(update(ModelRow).values(in_service=False))
            session.add(
                ModelRow(
                    version=model.version,
                    file_sha256=_sha256(path),
                    summary=summary(model),
                    in_service=True,
                    create_time=utc_now(),
                )
            )
        return ModelRecord.of(model, in_service=True)

    def load_in_service(self) -> TrainedModel | None:
        """The model in service, verified; None when no model was ever trained."""
        with self._database.reading() as session:
            row = session.scalars(select(ModelRow).where(ModelRow.in_service)).first()
        if row is None:
            return None
        return self._store.load(row.version, expected_sha256=row.file_sha256)

    def promote(self, version: str) -> TrainedModel:
        """Loads ``version`` (verified against its recorded hash), then puts it in service.

        Raises ``ModelNotFoundError`` for a version the registry does not hold, and the
        ``ModelStore`` errors when its file is missing, altered or unreadable; the version in
        service is unchanged then.
        """
        with self._database.reading() as session:
            row = session.get(ModelRow, version)
        if row is None:
            raise ModelNotFoundError(f"no model {version} in the registry")
        model = self._store.load(version, expected_sha256=row.file_sha256)
        with self._database.writing() as session:
            session.execute(update(ModelRow).values(in_service=ModelRow.version == version))
        return model

    def record(self, version: str) -> ModelRecord:
        """The record of ``version``; ``ModelNotFoundError`` when the registry lacks it."""
        with self._database.reading() as session:
            row = session.get(ModelRow, version)
        if row is None:
            raise ModelNotFoundError(f"no model {version} in the registry")
        return _record(row)

    def records(self, limit: int, *, after: str | None = None) -> list[ModelRecord]:
        """Up to ``limit`` records, newest first (versions sort by creation time), starting
        after version ``after`` when given."""
        query = select(ModelRow).order_by(ModelRow.version.desc()).limit(limit)
        if after is not None:
            query = query.where(ModelRow.version < after)
        with self._database.reading() as session:
            return [_record(row) for row in session.scalars(query)]


def summary(model: TrainedModel) -> dict[str, Any]:
    """What the registry keeps of a model besides its file: everything in its record."""
    return {
        "categories": list(model.categories),
        "training_count": model.training_count,
        "metrics": dataclasses.asdict(model.metrics),
        "abstention_threshold": model.abstention_threshold,
        "data_sha256": model.data_sha256,
        "created": model.created.isoformat(),
    }


def _record(row: ModelRow) -> ModelRecord:
    kept = row.summary
    metrics = dict(kept["metrics"])
    metrics["per_class"] = {
        category: (precision, recall, f1)
        for category, (precision, recall, f1) in metrics["per_class"].items()
    }
    return ModelRecord(
        version=row.version,
        categories=tuple(kept["categories"]),
        training_count=int(kept["training_count"]),
        metrics=Metrics(**metrics),
        abstention_threshold=float(kept["abstention_threshold"]),
        data_sha256=str(kept["data_sha256"]),
        created=datetime.fromisoformat(kept["created"]),
        in_service=row.in_service,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
