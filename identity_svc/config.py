"""Settings of the identity service."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chassis.config import CommonSettings, Environment
from identity_svc.enrichment import EnrichmentPolicy
from identity_svc.identifiers import CheckDigits, IdentifierRules, NumberFormat
from identity_svc.matching import Thresholds


@dataclass(frozen=True)
class IdentitySettings:
    """Where the referential and the party index live, how identifiers are read, and the
    decision and enrichment thresholds."""

    database_url: str
    index_dir: Path
    rules: IdentifierRules
    thresholds: Thresholds
    enrichment: EnrichmentPolicy


def load_settings(env: Environment, common: CommonSettings) -> IdentitySettings:
    """Reads ``CONFLUX_IDENTITY_*`` (problems recorded in ``env``)."""
    if common.opensearch_url:
        env.problem(
            "CONFLUX_OPENSEARCH_URL is set, but this version's identity service only has the "
            "embedded party index; unset it"
        )
    region = env.text("CONFLUX_IDENTITY_PHONE_REGION", "FR").upper()
    if len(region) != 2 or not region.isalpha():
        env.problem(f"CONFLUX_IDENTITY_PHONE_REGION={region!r} is not a two-letter country code")
    identify = env.number("CONFLUX_IDENTITY_THRESHOLD", Thresholds().identify)
    if not 0.5 <= identify <= 1:
        env.problem(f"CONFLUX_IDENTITY_THRESHOLD={identify} is not between 0.5 and 1")
    apply_at = env.number("CONFLUX_IDENTITY_ENRICH_THRESHOLD", EnrichmentPolicy().apply_at)
    if apply_at > 1:
        env.problem(f"CONFLUX_IDENTITY_ENRICH_THRESHOLD={apply_at} is above 1")
    return IdentitySettings(
        database_url=common.database_url(env, "identity"),
        index_dir=Path(
            env.text("CONFLUX_IDENTITY_INDEX_DIR", str(common.data_dir / "identity-index"))
        ),
        rules=IdentifierRules(
            phone_region=region,
            customer_number=_number_format(
                env,
                "CONFLUX_IDENTITY_CUSTOMER_NUMBER_PATTERN",
                "CONFLUX_IDENTITY_CUSTOMER_NUMBER_CHECK",
            ),
            contract_number=_number_format(
                env,
                "CONFLUX_IDENTITY_CONTRACT_NUMBER_PATTERN",
                "CONFLUX_IDENTITY_CONTRACT_NUMBER_CHECK",
            ),
        ),
        thresholds=Thresholds(identify=identify),
        enrichment=EnrichmentPolicy(apply_at=apply_at),
    )


def _number_format(env: Environment, pattern_name: str, check_name: str) -> NumberFormat:
    text = env.text(pattern_name, "")
    pattern = None
    if text:
        try:
            pattern = re.compile(text)
        except re.error as error:
            env.problem(f"{pattern_name}={text!r} is not a regular expression: {error}")
    check = env.choice(check_name, CheckDigits.NONE.value, tuple(c.value for c in CheckDigits))
    return NumberFormat(pattern, CheckDigits(check))
