"""Server interceptors applied to every Conflux server: authentication, error mapping, metrics.

One guard wraps each method handler, whatever its streaming kind:

1. it authenticates the call (``chassis.auth``) and publishes the caller in ``current_call``;
2. it maps ``ConfluxError`` to its status with ``google.rpc`` details, and any other exception to
   ``INTERNAL`` with a message that leaks nothing (the trace id is in the log line);
3. it records ``rpc.server.duration`` (milliseconds) per service, method and status code, which
   also counts the calls and the errors.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry import metrics

from chassis.auth import UNAUTHENTICATED_SERVICES, Authenticator, Principal
from chassis.errors import ConfluxError

_log = logging.getLogger(__name__)
_meter = metrics.get_meter("conflux.rpc")
_duration = _meter.create_histogram(
    "rpc.server.duration", unit="ms", description="Duration of inbound RPCs"
)


@dataclass(frozen=True)
class CallInfo:
    """The call being served: its full method name and its caller."""

    method: str
    principal: Principal


current_call: contextvars.ContextVar[CallInfo | None] = contextvars.ContextVar(
    "current_call", default=None
)


class ServerGuardInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates, maps domain errors to statuses, and measures every call."""

    def __init__(self, authenticator: Authenticator) -> None:
        self._authenticator = authenticator

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        """Wraps the handler's behaviour in the guard."""
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        metadata = tuple(handler_call_details.invocation_metadata or ())
        service, _, name = method.lstrip("/").rpartition("/")
        needs_auth = service not in UNAUTHENTICATED_SERVICES

        @asynccontextmanager
        async def guard(context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[None]:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                principal = self._principal(context, metadata) if needs_auth else None
                token = current_call.set(CallInfo(method, principal) if principal else None)
                try:
                    yield
                finally:
                    current_call.reset(token)
            except ConfluxError as error:
                code = error.code
                status = error.to_status()
                await context.abort(status.code, status.details, status.trailing_metadata)
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception:
                code = grpc.StatusCode.INTERNAL
                _log.exception("unexpected error in %s", method)
                await context.abort(grpc.StatusCode.INTERNAL, "internal error (see server logs)")
            finally:
                _duration.record(
                    (time.perf_counter() - started) * 1000.0,
                    {
                        "rpc.system": "grpc",
                        "rpc.service": service,
                        "rpc.method": name,
                        "rpc.grpc.status_code": code.value[0],
                    },
                )

        return _wrap(handler, guard)

    def _principal(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        metadata: tuple[Any, ...],
    ) -> Principal:
        auth_context = context.auth_context()
        identities = list(auth_context.get("x509_common_name", ())) or list(
            auth_context.get("x509_subject_alternative_name", ())
        )
        return self._authenticator.authenticate(metadata, identities)


Guard = Callable[[grpc.aio.ServicerContext[Any, Any]], Any]


def _wrap(
    handler: grpc.RpcMethodHandler[Any, Any], guard: Guard
) -> grpc.RpcMethodHandler[Any, Any]:
    """The same handler, with its behaviour run inside ``guard``."""
    deserializer = handler.request_deserializer
    serializer = handler.response_serializer
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(
            _unary_response(handler.unary_unary, guard), deserializer, serializer
        )
    if handler.stream_unary is not None:
        return grpc.stream_unary_rpc_method_handler(
            _unary_response(handler.stream_unary, guard), deserializer, serializer
        )
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            _stream_response(handler.unary_stream, guard), deserializer, serializer
        )
    assert handler.stream_stream is not None
    return grpc.stream_stream_rpc_method_handler(
        _stream_response(handler.stream_stream, guard), deserializer, serializer
    )


def _unary_response(behavior: Callable[..., Any], guard: Guard) -> Callable[..., Any]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        async with guard(context):
            result = behavior(request, context)
            return await result if inspect.isawaitable(result) else result

    return guarded


def _stream_response(behavior: Callable[..., Any], guard: Guard) -> Callable[..., Any]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        async with guard(context):
            result = behavior(request, context)
            if inspect.isawaitable(result):
                await result
                return
            async for response in result:
                yield response

    return guarded
