"""Client channels from one service to the others.

Every call between services goes through a channel made here, in Kubernetes as in the
all-in-one process: TLS when a CA is configured, the bearer token when one is set, OpenTelemetry
trace context propagated in the metadata, message-size limits, keepalive, and retries of
``UNAVAILABLE`` by gRPC's own retry policy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from chassis.config import ClientSettings

_RETRY_POLICY = {
    "methodConfig": [
        {
            "name": [{}],
            "retryPolicy": {
                "maxAttempts": 4,
                "initialBackoff": "0.1s",
                "maxBackoff": "2s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}


class _TokenCredentials(grpc.AuthMetadataPlugin):
    def __init__(self, token: str) -> None:
        self._metadata = (("authorization", f"Bearer {token}"),)

    def __call__(
        self, context: grpc.AuthMetadataContext, callback: grpc.AuthMetadataPluginCallback
    ) -> None:
        callback(self._metadata, None)


class _TokenInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
):
    """Adds the bearer token on plaintext channels (call credentials need TLS)."""

    def __init__(self, token: str) -> None:
        self._pair = ("authorization", f"Bearer {token}")

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        metadata.add(*self._pair)
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        """Adds the token."""
        return await continuation(self._details(details), request)

    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        """Adds the token."""
        return await continuation(self._details(details), request)

    async def intercept_stream_unary(self, continuation: Any, details: Any, requests: Any) -> Any:
        """Adds the token."""
        return await continuation(self._details(details), requests)


class ChannelFactory:
    """Makes and caches one channel per service address."""

    def __init__(self, settings: ClientSettings, own_address: str) -> None:
        self._settings = settings
        self._own_address = own_address
        self._channels: dict[str, grpc.aio.Channel] = {}

    def address_of(self, service: str) -> str:
        """Where ``service`` is reached."""
        return self._settings.address_of(service, self._own_address)

    def channel(self, service: str) -> grpc.aio.Channel:
        """The channel to ``service`` (one of ``chassis.config.SERVICE_NAMES``)."""
        address = self.address_of(service)
        channel = self._channels.get(address)
        if channel is None:
            channel = open_channel(address, self._settings)
            self._channels[address] = channel
        return channel

    async def close(self) -> None:
        """Closes every channel."""
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()


def open_channel(address: str, settings: ClientSettings) -> grpc.aio.Channel:
    """A new channel to ``address`` with the suite's client policy."""
    options: Sequence[tuple[str, Any]] = (
        ("grpc.max_send_message_length", settings.max_message_bytes),
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.enable_retries", 1),
        ("grpc.service_config", json.dumps(_RETRY_POLICY)),
    )
    interceptors: list[Any] = list(aio_client_interceptors())  # type: ignore[no-untyped-call]
    if settings.ca_file is not None:
        credentials = grpc.ssl_channel_credentials(settings.ca_file.read_bytes())
        if settings.auth_token:
            credentials = grpc.composite_channel_credentials(
                credentials,
                grpc.metadata_call_credentials(_TokenCredentials(settings.auth_token)),
            )
        return grpc.aio.secure_channel(address, credentials, options, interceptors=interceptors)
    if settings.auth_token:
        interceptors.append(_TokenInterceptor(settings.auth_token))
    return grpc.aio.insecure_channel(address, options, interceptors=interceptors)
