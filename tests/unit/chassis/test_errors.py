"""Domain errors: their codes, the status they become, and how a client reads it back."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from chassis.errors import (
    ERROR_DOMAIN,
    AlreadyExistsError,
    ConfluxError,
    DeadlineExceededError,
    ErrorDetails,
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
    read_error_details,
)

_DETAILS_KEY = "grpc-status-details-bin"

ERRORS_AND_CODES = [
    (ConfluxError, grpc.StatusCode.UNKNOWN),
    (InvalidArgumentError, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFoundError, grpc.StatusCode.NOT_FOUND),
    (AlreadyExistsError, grpc.StatusCode.ALREADY_EXISTS),
    (FailedPreconditionError, grpc.StatusCode.FAILED_PRECONDITION),
    (ResourceExhaustedError, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (UnauthenticatedError, grpc.StatusCode.UNAUTHENTICATED),
    (PermissionDeniedError, grpc.StatusCode.PERMISSION_DENIED),
    (DeadlineExceededError, grpc.StatusCode.DEADLINE_EXCEEDED),
    (UnavailableError, grpc.StatusCode.UNAVAILABLE),
]


class FailedCall(grpc.RpcError):
    """What a failed call looks like to a client: code, message and trailing metadata.

    grpc returns trailing metadata as (key, value) pairs; its type stubs declare another type,
    hence the ``type: ignore[override]`` on ``trailing_metadata`` here and below.
    """

    def __init__(self, status: grpc.Status) -> None:
        super().__init__()
        self._status = status

    def code(self) -> grpc.StatusCode:
        return self._status.code

    def details(self) -> str:
        return self._status.details

    def trailing_metadata(self) -> Sequence[tuple[str, str | bytes]]:  # type: ignore[override]
        return tuple(self._status.trailing_metadata)


def _rpc_status(status: grpc.Status) -> status_pb2.Status:
    trailers = dict(status.trailing_metadata)
    return status_pb2.Status.FromString(trailers[_DETAILS_KEY])


@pytest.mark.parametrize(("error_type", "code"), ERRORS_AND_CODES)
def test_each_error_maps_to_its_status_code(
    error_type: type[ConfluxError], code: grpc.StatusCode
) -> None:
    error = error_type("SOMETHING_WRONG", "something is wrong")

    status = error.to_status()

    assert error_type.code is code
    assert status.code is code
    assert status.details == "something is wrong"
    assert _rpc_status(status).code == code.value[0]


@pytest.mark.parametrize(("error_type", "code"), ERRORS_AND_CODES)
def test_every_error_is_a_conflux_error_and_an_exception(
    error_type: type[ConfluxError], code: grpc.StatusCode
) -> None:
    error = error_type("R", "message")

    assert isinstance(error, ConfluxError)
    assert str(error) == "message"
    assert (error.reason, error.message) == ("R", "message")


def test_status_carries_error_info_with_reason_domain_and_metadata() -> None:
    error = NotFoundError("PARTY_NOT_FOUND", "no party p-1", {"party_id": "p-1"})

    details = _rpc_status(error.to_status()).details

    assert len(details) == 1
    info = error_details_pb2.ErrorInfo()
    assert details[0].Unpack(info)
    assert info.reason == "PARTY_NOT_FOUND"
    assert info.domain == ERROR_DOMAIN
    assert dict(info.metadata) == {"party_id": "p-1"}


def test_invalid_argument_carries_bad_request_field_violations() -> None:
    error = InvalidArgumentError(
        "MALFORMED_REQUEST",
        "two fields are wrong",
        [
            FieldViolation("header.channel", "must be set"),
            FieldViolation("texts[0].text", "must not be empty"),
        ],
    )

    details = _rpc_status(error.to_status()).details

    assert details[0].Is(error_details_pb2.ErrorInfo.DESCRIPTOR)
    bad_request = error_details_pb2.BadRequest()
    assert details[1].Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("header.channel", "must be set"),
        ("texts[0].text", "must not be empty"),
    ]


def test_invalid_argument_without_violations_sends_no_bad_request() -> None:
    error = InvalidArgumentError("MALFORMED_REQUEST", "wrong")

    details = _rpc_status(error.to_status()).details

    assert len(details) == 1
    assert details[0].Is(error_details_pb2.ErrorInfo.DESCRIPTOR)


def test_read_error_details_decodes_what_to_status_produced() -> None:
    violations = (FieldViolation("page_size", "must be positive"),)
    error = InvalidArgumentError("INVALID_PAGE_SIZE", "page_size is negative", violations)

    details = read_error_details(FailedCall(error.to_status()))

    assert details == ErrorDetails(
        grpc.StatusCode.INVALID_ARGUMENT, "page_size is negative", "INVALID_PAGE_SIZE", violations
    )


def test_read_error_details_of_an_error_without_violations() -> None:
    call = FailedCall(UnavailableError("OCR_DOWN", "the OCR service is down").to_status())

    details = read_error_details(call)

    assert details.code is grpc.StatusCode.UNAVAILABLE
    assert details.reason == "OCR_DOWN"
    assert details.violations == ()


def test_read_error_details_ignores_other_trailers() -> None:
    status = NotFoundError("GONE", "gone").to_status()

    class WithOtherTrailers(FailedCall):
        def trailing_metadata(self) -> Sequence[tuple[str, str | bytes]]:  # type: ignore[override]
            return (("x-trace", "abc"), (_DETAILS_KEY, "not bytes"), *super().trailing_metadata())

    assert read_error_details(WithOtherTrailers(status)).reason == "GONE"


def test_read_error_details_of_a_status_without_details() -> None:
    class Plain(grpc.RpcError):
        def code(self) -> grpc.StatusCode:
            return grpc.StatusCode.INTERNAL

        def details(self) -> str | None:
            return None

        def trailing_metadata(self) -> None:  # type: ignore[override]
            return None

    assert read_error_details(Plain()) == ErrorDetails(grpc.StatusCode.INTERNAL, "", "", ())


def test_read_error_details_of_an_error_that_is_not_a_call() -> None:
    details = read_error_details(grpc.RpcError("channel closed"))

    assert details == ErrorDetails(grpc.StatusCode.UNKNOWN, "channel closed", "", ())
