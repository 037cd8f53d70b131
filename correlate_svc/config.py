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
    opensearch_url: str
    """The OpenSearch cluster holding the request index; empty for the embedded index."""
    weights: Weights
    thresholds: Thresholds
    reopen_window: timedelta


def load_settings(env: Environment, common: CommonSettings) -> CorrelateSettings:
    """Reads ``CONFLUX_CORRELATE_*`` (problems recorded in ``env``)."""
    for url in common.opensearch_url.split(","):
        if url.strip() and not url.strip().startswith(("http://", "https://")):
            env.problem(
                f"CONFLUX_OPENSEARCH_URL must be http:// or https:// URLs (got {url.strip()!r})"
            )
    defaults = Thresholds()
    duplicate = env.number("CONFLUX_CORRELATE_DUPLICATE_THRESHOLD", defaults.duplicate)
    related = env.number("CONFLUX_CORRELATE_RELATED_THRESHOLD", defaults.related)
    if duplicate > 1:
        env.problem(f"CONFLUX_CORRELATE_DUPLICATE_THRESHOLD is a probability: {duplicate} > 1")
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
        opensearch_url=common.opensearch_url,
        weights=Weights(),
        thresholds=Thresholds(
            duplicate=duplicate,
            related=related,
            window=timedelta(days=env.integer("CONFLUX_CORRELATE_WINDOW_DAYS", 60, minimum=1)),
        ),
        reopen_window=timedelta(days=env.integer("CONFLUX_CORRELATE_REOPEN_DAYS", 14)),
    )
