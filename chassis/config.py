"""Settings read from environment variables, validated at start-up.

Every variable is read through an ``Environment``, which records each problem instead of stopping
at the first; ``Environment.check()`` then raises one ``ConfigError`` naming every bad variable,
so a misconfigured Deployment fails fast with the whole list.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SERVICE_NAMES = ("ingest", "ocr", "identity", "classify", "correlate", "gateway")
"""The services of the suite, in pipeline order; each owns its database."""


class ConfigError(Exception):
    """One or more environment variables are missing or wrong; the message names each."""


class Environment:
    """Typed access to environment variables that collects every problem before failing."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(os.environ if values is None else values)
        self._problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        """The variable's value, or ``default`` when unset or empty."""
        value = self._values.get(name, "").strip()
        return value or default

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        """An integer at least ``minimum``."""
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            self._problems.append(f"{name}={raw!r} is not an integer")
            return default
        if value < minimum:
            self._problems.append(f"{name}={value} is below its minimum {minimum}")
            return default
        return value

    def number(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        """A decimal number at least ``minimum``."""
        raw = self.text(name, str(default))
        try:
            value = float(raw)
        except ValueError:
            self._problems.append(f"{name}={raw!r} is not a number")
            return default
        if not math.isfinite(value):
            self._problems.append(f"{name}={raw!r} is not a finite number")
            return default
        if value < minimum:
            self._problems.append(f"{name}={value} is below its minimum {minimum}")
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        """A boolean written true/false, 1/0, yes/no or on/off."""
        raw = self.text(name, "true" if default else "false").lower()
        if raw in ("1", "true", "yes", "on"):
            return True
        if raw in ("0", "false", "no", "off"):
            return False
        self._problems.append(f"{name}={raw!r} is not a boolean (true/false)")
        return default

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        """One of ``allowed``."""
        value = self.text(name, default)
        if value not in allowed:
            self._problems.append(f"{name}={value!r} is not one of {', '.join(allowed)}")
            return default
        return value

    def address(self, name: str, default: str) -> str:
        """A ``host:port`` address."""
        value = self.text(name, default)
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            self._problems.append(f"{name}={value!r} is not a host:port address")
            return default
        return value

    def existing_file(self, name: str) -> Path | None:
        """A path to a readable file, or None when unset."""
        value = self.text(name, "")
        if not value:
            return None
        path = Path(value)
        if not path.is_file():
            self._problems.append(f"{name}={value!r} is not a readable file")
            return None
        return path

    def database_url(self, name: str, default: str) -> str:
        """A SQLAlchemy URL for SQLite or PostgreSQL."""
        value = self.text(name, default)
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            self._problems.append(
                f"{name}={value!r} is not a sqlite:// or postgresql+psycopg:// URL"
            )
            return default
        return value

    def problem(self, message: str) -> None:
        """Records a problem found by a cross-variable check."""
        self._problems.append(message)

    def check(self) -> None:
        """Raises ``ConfigError`` listing every problem recorded so far."""
        if self._problems:
            raise ConfigError("invalid configuration:\n  " + "\n  ".join(self._problems))


@dataclass(frozen=True)
class TlsSettings:
    """Server certificate and key; with ``client_ca_file``, clients must present a certificate."""

    cert_file: Path
    key_file: Path
    client_ca_file: Path | None


@dataclass(frozen=True)
class ServerSettings:
    """How a server listens, limits and stops."""

    listen_address: str
    max_message_bytes: int
    drain_seconds: float
    tls: TlsSettings | None
    auth_token: str


@dataclass(frozen=True)
class ClientSettings:
    """How a service reaches the others: addresses, trust and credentials."""

    addresses: Mapping[str, str]
    """Explicit addresses by service name; a service absent here is served by this process."""
    ca_file: Path | None
    auth_token: str
    max_message_bytes: int

    def address_of(self, service: str, own_address: str) -> str:
        """The ``host:port`` of ``service``; ``own_address`` (this process) when not configured."""
        return self.addresses.get(service) or own_address


@dataclass(frozen=True)
class CommonSettings:
    """Settings every service shares."""

    data_dir: Path
    server: ServerSettings
    clients: ClientSettings
    migrate_on_start: bool
    log_level: str
    log_format: str
    opensearch_url: str

    def database_url(self, env: Environment, service: str) -> str:
        """The database of ``service``: ``CONFLUX_<SERVICE>_DATABASE_URL`` or its SQLite file."""
        default = f"sqlite:///{self.data_dir / service}.sqlite3"
        return env.database_url(f"CONFLUX_{service.upper()}_DATABASE_URL", default)


DEFAULT_LISTEN_ADDRESS = "127.0.0.1:50051"


def load_common(env: Environment) -> CommonSettings:
    """Reads the shared settings; problems are recorded in ``env`` (call ``env.check()``)."""
    listen = env.address("CONFLUX_LISTEN_ADDRESS", DEFAULT_LISTEN_ADDRESS)
    max_bytes = env.integer("CONFLUX_MAX_MESSAGE_BYTES", 32 * 1024 * 1024, minimum=1024)
    auth_token = env.text("CONFLUX_AUTH_TOKEN", "")
    cert = env.existing_file("CONFLUX_TLS_CERT_FILE")
    key = env.existing_file("CONFLUX_TLS_KEY_FILE")
    client_ca = env.existing_file("CONFLUX_TLS_CLIENT_CA_FILE")
    tls = None
    if cert and key:
        tls = TlsSettings(cert, key, client_ca)
    elif cert or key:
        env.problem("CONFLUX_TLS_CERT_FILE and CONFLUX_TLS_KEY_FILE must be set together")
    elif client_ca:
        env.problem("CONFLUX_TLS_CLIENT_CA_FILE needs CONFLUX_TLS_CERT_FILE and _KEY_FILE")
    addresses = {
        name: env.address(f"CONFLUX_{name.upper()}_ADDRESS", "")
        for name in SERVICE_NAMES
        if env.text(f"CONFLUX_{name.upper()}_ADDRESS", "")
    }
    return CommonSettings(
        data_dir=Path(env.text("CONFLUX_DATA_DIR", "var")).absolute(),
        server=ServerSettings(
            listen_address=listen,
            max_message_bytes=max_bytes,
            drain_seconds=env.number("CONFLUX_DRAIN_SECONDS", 15.0),
            tls=tls,
            auth_token=auth_token,
        ),
        clients=ClientSettings(
            addresses=addresses,
            ca_file=env.existing_file("CONFLUX_TLS_CA_FILE"),
            auth_token=auth_token,
            max_message_bytes=max_bytes,
        ),
        migrate_on_start=env.flag("CONFLUX_MIGRATE_ON_START", True),
        log_level=env.choice(
            "CONFLUX_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
        log_format=env.choice("CONFLUX_LOG_FORMAT", "text", ("text", "json")),
        opensearch_url=env.text("CONFLUX_OPENSEARCH_URL", ""),
    )


def dialable_address(listen_address: str, bound_port: int) -> str:
    """The address a client on this host dials to reach a server bound to ``bound_port``."""
    host = listen_address.rpartition(":")[0]
    if host in ("0.0.0.0", "[::]", "::", ""):
        host = "127.0.0.1"
    return f"{host}:{bound_port}"
