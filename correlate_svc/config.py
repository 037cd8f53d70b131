"""Settings of the correlate service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from chassis.config import CommonSettings, Environment
from correlate_svc.decision import Thresholds, Weights


@dataclass(frozen=True)
class CorrelateSettings:
    """Where the ledger and the index live, and how decisions are made."""

    database_url: str
    index_dir: Path
    weights: Weights
    thresholds: Thresholds
    reopen_window: timedelta


def load_settings(env: Environment, common: CommonSettings) -> CorrelateSettings:
    """Reads ``CONFLUX_CORRELATE_*`` (problems recorded in ``env``)."""
    if common.opensearch_url:
        env.problem(
            "CONFLUX_OPENSEARCH_URL is set, but this version's correlate service only has the "
            "embedded index; unset it"
        )
    duplicate = env.number("CONFLUX_CORRELATE_DUPLICATE_THRESHOLD", 0.60)
    related = env.number("CONFLUX_CORRELATE_RELATED_THRESHOLD", 0.35)
    if related > duplicate:
        env.problem(
            "CONFLUX_CORRELATE_RELATED_THRESHOLD must not exceed "
            f"CONFLUX_CORRELATE_DUPLICATE_THRESHOLD ({related} > {duplicate})"
        )
    return CorrelateSettings(
        database_url=common.database_url(env, "correlate"),
        index_dir=Path(
            env.text("CONFLUX_CORRELATE_INDEX_DIR", str(common.data_dir / "correlate-index"))
        ),
        weights=Weights(),
        thresholds=Thresholds(
            duplicate=duplicate,
            related=related,
            window=timedelta(days=env.integer("CONFLUX_CORRELATE_WINDOW_DAYS", 60, minimum=1)),
        ),
        reopen_window=timedelta(days=env.integer("CONFLUX_CORRELATE_REOPEN_DAYS", 14)),
    )
