"""Which model versions exist and which one is in service.

The registry records each saved model's file hash; a model is loaded only if its file still has
that hash (``ModelStore`` checks its own metadata too), so a file replaced on disk is refused
(``ModelTamperedError``) rather than unpickled.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from chassis.database import Database
from chassis.timestamps import utc_now
from classify_svc.model import TrainedModel
from classify_svc.model_store import ModelStore
from classify_svc.tables import ModelRow


class ModelRegistry:
    """Model versions and the one in service."""

    def __init__(self, database: Database, store: ModelStore) -> None:
        self._database = database
        self._store = store

    def add_and_serve(self, model: TrainedModel) -> None:
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

    def load_in_service(self) -> TrainedModel | None:
        """The model in service, verified; None when no model was ever trained."""
        with self._database.reading() as session:
            row = session.scalars(select(ModelRow).where(ModelRow.in_service)).first()
        if row is None:
            return None
        return self._store.load(row.version, expected_sha256=row.file_sha256)


def summary(model: TrainedModel) -> dict[str, Any]:
    """What the registry keeps of a model besides its file."""
    return {
        "categories": list(model.categories),
        "training_count": model.training_count,
        "accuracy": model.metrics.accuracy,
        "macro_f1": model.metrics.macro_f1,
        "evaluation_count": model.metrics.evaluation_count,
        "evaluation_method": model.metrics.evaluation_method,
        "abstention_threshold": model.abstention_threshold,
        "data_sha256": model.data_sha256,
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
