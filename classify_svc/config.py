"""Settings of the classify service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chassis.config import CommonSettings, Environment
from chassis.workers import default_pool_size


@dataclass(frozen=True)
class ClassifySettings:
    """Where examples, the registry and the model files live, and training threads."""

    database_url: str
    model_dir: Path
    training_threads: int


def load_settings(env: Environment, common: CommonSettings) -> ClassifySettings:
    """Reads ``CONFLUX_CLASSIFY_*`` (problems recorded in ``env``)."""
    return ClassifySettings(
        database_url=common.database_url(env, "classify"),
        model_dir=Path(env.text("CONFLUX_CLASSIFY_MODEL_DIR", str(common.data_dir / "models"))),
        training_threads=env.integer(
            "CONFLUX_CLASSIFY_TRAINING_THREADS", default_pool_size(), minimum=1
        ),
    )
