"""Settings of the identity service."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.config import CommonSettings, Environment
from identity_svc.matching import Thresholds


@dataclass(frozen=True)
class IdentitySettings:
    """Where the referential lives, how phones are read, and the decision thresholds."""

    database_url: str
    phone_region: str
    thresholds: Thresholds


def load_settings(env: Environment, common: CommonSettings) -> IdentitySettings:
    """Reads ``CONFLUX_IDENTITY_*`` (problems recorded in ``env``)."""
    region = env.text("CONFLUX_IDENTITY_PHONE_REGION", "FR").upper()
    if len(region) != 2 or not region.isalpha():
        env.problem(f"CONFLUX_IDENTITY_PHONE_REGION={region!r} is not a two-letter country code")
    identify = env.number("CONFLUX_IDENTITY_THRESHOLD", 0.75)
    if identify > 1:
        env.problem(f"CONFLUX_IDENTITY_THRESHOLD={identify} is above 1")
    return IdentitySettings(
        database_url=common.database_url(env, "identity"),
        phone_region=region,
        thresholds=Thresholds(
            identify=identify, margin=env.number("CONFLUX_IDENTITY_MARGIN", 0.15)
        ),
    )
