"""Settings of the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.config import CommonSettings, Environment


@dataclass(frozen=True)
class GatewaySettings:
    """Where pipeline state lives, and how the pipeline runs and retries."""

    database_url: str
    workers: int
    max_attempts: int
    initial_backoff_seconds: float
    max_backoff_seconds: float
    step_timeout_seconds: float
    poll_seconds: float


def load_settings(env: Environment, common: CommonSettings) -> GatewaySettings:
    """Reads ``CONFLUX_GATEWAY_*`` (problems recorded in ``env``)."""
    return GatewaySettings(
        database_url=common.database_url(env, "gateway"),
        workers=env.integer("CONFLUX_GATEWAY_WORKERS", 4, minimum=1),
        max_attempts=env.integer("CONFLUX_GATEWAY_MAX_ATTEMPTS", 5, minimum=1),
        initial_backoff_seconds=env.number("CONFLUX_GATEWAY_INITIAL_BACKOFF_SECONDS", 0.5),
        max_backoff_seconds=env.number("CONFLUX_GATEWAY_MAX_BACKOFF_SECONDS", 60.0),
        step_timeout_seconds=env.number("CONFLUX_GATEWAY_STEP_TIMEOUT_SECONDS", 300.0, minimum=1),
        poll_seconds=env.number("CONFLUX_GATEWAY_POLL_SECONDS", 0.2, minimum=0.01),
    )
