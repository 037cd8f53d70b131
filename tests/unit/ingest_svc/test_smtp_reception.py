"""SMTP settings: off unless an address is given, size limit within the item limit, recipient
queues parsed with every bad entry named. (The listener itself: tests/integration.)"""

from __future__ import annotations

import pytest

from chassis.config import ConfigError, Environment, load_common
from ingest_svc.smtp_reception import SmtpSettings, load_smtp_settings

ITEM_LIMIT = 1000


def _load(values: dict[str, str]) -> tuple[SmtpSettings | None, Environment]:
    env = Environment(values)
    return load_smtp_settings(env, load_common(env), ITEM_LIMIT), env


def _problems(env: Environment) -> str:
    with pytest.raises(ConfigError) as raised:
        env.check()
    return str(raised.value)


def test_smtp_is_off_without_an_address() -> None:
    settings, env = _load({"CONFLUX_INGEST_SMTP_QUEUES": "not even checked"})

    env.check()
    assert settings is None


def test_defaults_follow_the_item_limit() -> None:
    settings, env = _load({"CONFLUX_INGEST_SMTP_ADDRESS": "0.0.0.0:2525"})

    env.check()
    assert settings == SmtpSettings(
        address="0.0.0.0:2525",
        max_message_bytes=ITEM_LIMIT,
        max_received_headers=30,
        queues={},
        tls=None,
    )


def test_recipients_map_to_queues_whatever_their_case() -> None:
    settings, env = _load(
        {
            "CONFLUX_INGEST_SMTP_ADDRESS": "127.0.0.1:2525",
            "CONFLUX_INGEST_SMTP_QUEUES": " Support@Example.com = support ,claims@x.fr=claims,",
        }
    )

    env.check()
    assert settings is not None
    assert settings.queues == {"support@example.com": "support", "claims@x.fr": "claims"}


def test_every_bad_setting_is_named() -> None:
    _, env = _load(
        {
            "CONFLUX_INGEST_SMTP_ADDRESS": "127.0.0.1:2525",
            "CONFLUX_INGEST_SMTP_MAX_BYTES": str(ITEM_LIMIT + 1),
            "CONFLUX_INGEST_SMTP_MAX_RECEIVED_HEADERS": "0",
            "CONFLUX_INGEST_SMTP_QUEUES": "support=support,claims@example.com=,x@example.com",
        }
    )

    problems = _problems(env)
    assert "CONFLUX_INGEST_SMTP_MAX_BYTES must not exceed CONFLUX_INGEST_MAX_ITEM_BYTES" in problems
    assert "CONFLUX_INGEST_SMTP_MAX_RECEIVED_HEADERS=0 is below its minimum 1" in problems
    for entry in ("'support=support'", "'claims@example.com='", "'x@example.com'"):
        assert f"CONFLUX_INGEST_SMTP_QUEUES: {entry} is not recipient@domain=queue" in problems


def test_a_bad_address_is_named() -> None:
    _, env = _load({"CONFLUX_INGEST_SMTP_ADDRESS": "2525"})

    assert "CONFLUX_INGEST_SMTP_ADDRESS='2525' is not a host:port address" in _problems(env)
