"""Domain errors and their mapping to gRPC status codes with ``google.rpc`` details.

Servicers and domain code raise these; one interceptor (``chassis.interceptors``) turns them into
a status. Every error carries a machine-readable ``reason`` (UPPER_SNAKE_CASE, stable, part of the
API) sent as ``google.rpc.ErrorInfo``; ``InvalidArgumentError`` also carries ``BadRequest`` field
violations.

    ConfluxError
    ├── InvalidArgumentError        INVALID_ARGUMENT (+ BadRequest field violations)
    ├── NotFoundError               NOT_FOUND
    ├── AlreadyExistsError          ALREADY_EXISTS
    ├── FailedPreconditionError     FAILED_PRECONDITION
    ├── ResourceExhaustedError      RESOURCE_EXHAUSTED
    ├── UnauthenticatedError        UNAUTHENTICATED
    ├── PermissionDeniedError       PERMISSION_DENIED
    ├── DeadlineExceededError       DEADLINE_EXCEEDED
    └── UnavailableError            UNAVAILABLE
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

ERROR_DOMAIN = "conflux.dev"


@dataclass(frozen=True)
class FieldViolation:
    """One invalid field of a request: its path (``header.channel``) and what is wrong."""

    field: str
    description: str


class ConfluxError(Exception):
    """Base of every domain error; maps to ``code`` with an ``ErrorInfo`` carrying ``reason``."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, reason: str, message: str, metadata: Mapping[str, str] | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.metadata = dict(metadata or {})

    def details(self) -> list[any_pb2.Any]:
        """The ``google.rpc`` detail messages, packed, that go with the status."""
        info = error_details_pb2.ErrorInfo(
            reason=self.reason, domain=ERROR_DOMAIN, metadata=self.metadata
        )
        packed = any_pb2.Any()
        packed.Pack(info)
        return [packed]

    def to_status(self) -> grpc.Status:
        """The gRPC status (code, message, ``grpc-status-details-bin`` trailer) for this error."""
        status = status_pb2.Status(
            code=_rpc_code(self.code), message=self.message, details=self.details()
        )
        converted: grpc.Status = rpc_status.to_status(status)
        return converted


class InvalidArgumentError(ConfluxError):
    """The request is malformed; ``violations`` name each bad field."""

    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(
        self,
        reason: str,
        message: str,
        violations: Sequence[FieldViolation] = (),
        metadata: Mapping[str, str] | None = None,
    ):
        super().__init__(reason, message, metadata)
        self.violations = tuple(violations)

    def details(self) -> list[any_pb2.Any]:
        """ErrorInfo, then BadRequest with the field violations."""
        details = super().details()
        if self.violations:
            bad_request = error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=v.field, description=v.description
                    )
                    for v in self.violations
                ]
            )
            packed = any_pb2.Any()
            packed.Pack(bad_request)
            details.append(packed)
        return details


class NotFoundError(ConfluxError):
    """The named resource does not exist."""

    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(ConfluxError):
    """The resource to create exists already."""

    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPreconditionError(ConfluxError):
    """The system is not in a state where the call can run (e.g. no model trained yet)."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhaustedError(ConfluxError):
    """A size or capacity limit was hit (message too large, queue full)."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class UnauthenticatedError(ConfluxError):
    """The call carries no valid credentials."""

    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDeniedError(ConfluxError):
    """The caller is authenticated but may not make this call."""

    code = grpc.StatusCode.PERMISSION_DENIED


class DeadlineExceededError(ConfluxError):
    """The work did not finish within its time limit."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


class UnavailableError(ConfluxError):
    """A dependency is down; the call may be retried."""

    code = grpc.StatusCode.UNAVAILABLE


@dataclass(frozen=True)
class ErrorDetails:
    """What a client reads back from a failed call: code, message, reason and violations."""

    code: grpc.StatusCode
    message: str
    reason: str
    violations: tuple[FieldViolation, ...]


def read_error_details(error: grpc.RpcError) -> ErrorDetails:
    """Decodes the status of a failed call (sync or aio), with its ``google.rpc`` details."""
    code_of = getattr(error, "code", None)
    details_of = getattr(error, "details", None)
    trailers_of = getattr(error, "trailing_metadata", None)
    code = code_of() if callable(code_of) else grpc.StatusCode.UNKNOWN
    message = details_of() if callable(details_of) else str(error)
    trailers = trailers_of() if callable(trailers_of) else None
    reason = ""
    violations: list[FieldViolation] = []
    for key, value in trailers or ():
        if key != _DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason = info.reason
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations.extend(
                    FieldViolation(v.field, v.description) for v in bad.field_violations
                )
    return ErrorDetails(code, message or "", reason, tuple(violations))


_DETAILS_KEY = "grpc-status-details-bin"


def _rpc_code(code: grpc.StatusCode) -> int:
    value: int = code.value[0]
    assert value == code_pb2.Code.Value(code.name), code
    return value
