"""The authentication hook of every server.

An ``Authenticator`` decides who is calling from the call's metadata and TLS peer identity.
The default lets every call through; ``BearerTokenAuthenticator`` requires
``authorization: Bearer <token>``. With mTLS (``CONFLUX_TLS_CLIENT_CA_FILE``), the transport has
already refused clients without a certificate signed by that CA, and the certificate's subject
names the principal. The standard health service is never authenticated: Kubernetes probes carry
no credentials.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from chassis.errors import UnauthenticatedError

UNAUTHENTICATED_SERVICES = ("grpc.health.v1.Health",)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a name, and how they proved it ("anonymous", "token", "mtls")."""

    name: str
    method: str


ANONYMOUS = Principal("anonymous", "anonymous")


class Authenticator(Protocol):
    """Decides who makes a call; SHALL raise ``UnauthenticatedError`` to refuse it."""

    def authenticate(
        self, metadata: Sequence[tuple[str, str | bytes]], peer_identities: Sequence[bytes]
    ) -> Principal:
        """Returns the caller, from its metadata and its TLS certificate names (if any)."""
        ...


class AllowAll:
    """Accepts every call; the caller is named by its client certificate when there is one."""

    def authenticate(
        self, metadata: Sequence[tuple[str, str | bytes]], peer_identities: Sequence[bytes]
    ) -> Principal:
        """Anonymous, or the certificate's first name under mTLS."""
        if peer_identities:
            return Principal(peer_identities[0].decode(errors="replace"), "mtls")
        return ANONYMOUS


class BearerTokenAuthenticator:
    """Requires ``authorization: Bearer <token>`` with the configured shared token."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    def authenticate(
        self, metadata: Sequence[tuple[str, str | bytes]], peer_identities: Sequence[bytes]
    ) -> Principal:
        """The token's holder, or ``UnauthenticatedError`` naming what is missing."""
        for key, value in metadata:
            if key != "authorization":
                continue
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), self._token):
                name = peer_identities[0].decode(errors="replace") if peer_identities else "token"
                return Principal(name, "token")
            raise UnauthenticatedError("INVALID_TOKEN", "the bearer token is not valid")
        raise UnauthenticatedError(
            "MISSING_TOKEN", "the call carries no 'authorization: Bearer' token"
        )
