"""Settings of the classify service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chassis.config import CommonSettings, Environment
from chassis.workers import default_pool_size

# Cross-validation fits five models besides the final one; from this size on, a holdout's one
# (see ``classify_svc.model.Evaluation``) keeps training within minutes on two cores.
DEFAULT_HOLDOUT_MIN_EXAMPLES = 20_000


@dataclass(frozen=True)
class ClassifySettings:
    """Where examples, the registry and the model files live; training threads, and the
    number of examples from which training evaluates on a holdout rather than by
    cross-validation unless asked otherwise."""

    database_url: str
    model_dir: Path
    training_threads: int
    holdout_min_examples: int


def load_settings(env: Environment, common: CommonSettings) -> ClassifySettings:
    """Reads ``CONFLUX_CLASSIFY_*`` (problems recorded in ``env``)."""
    return ClassifySettings(
        database_url=common.database_url(env, "classify"),
        model_dir=Path(env.text("CONFLUX_CLASSIFY_MODEL_DIR", str(common.data_dir / "models"))),
        training_threads=env.integer(
            "CONFLUX_CLASSIFY_TRAINING_THREADS", default_pool_size(), minimum=1
        ),
        holdout_min_examples=env.integer(
            "CONFLUX_CLASSIFY_HOLDOUT_MIN_EXAMPLES", DEFAULT_HOLDOUT_MIN_EXAMPLES, minimum=1
        ),
    )
