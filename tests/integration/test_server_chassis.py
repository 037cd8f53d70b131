"""What every server shares, on a real server: health per service name (following
dependencies), reflection, rich errors, authentication, TLS and mTLS, message-size limits,
per-method metrics, configuration validated at start."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2

from chassis.config import ConfigError, Environment
from chassis.errors import read_error_details
from chassis.server import SuiteServer
from conflux.ingest.v1 import ingest_service_pb2 as pb
from conflux.ingest.v1 import ingest_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli import services
from tests.conftest import METRICS
from tests.support.suite import RunningSuite, eventually, running_suite, suite_environment

SERVICES = [
    "conflux.ingest.v1.IngestService",
    "conflux.ocr.v1.OcrService",
    "conflux.identity.v1.IdentityService",
    "conflux.classify.v1.ClassifyService",
    "conflux.correlate.v1.CorrelateService",
    "conflux.gateway.v1.GatewayService",
]


@pytest.fixture(scope="module")
async def suite(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSuite]:
    """All six services on SQLite."""
    async with running_suite(tmp_path_factory.mktemp("chassis")) as running:
        yield running


async def _status(channel: grpc.aio.Channel, service: str) -> int:
    response = await health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service=service)
    )
    return int(response.status)


@pytest.mark.parametrize("version", ["v1alpha", "v1"])
async def test_reflection_lists_the_six_services(suite: RunningSuite, version: str) -> None:
    # v1 and v1alpha have the same messages on the wire: the v1alpha classes serve for both.
    call = suite.channel.stream_stream(
        f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )

    async def requests() -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
        yield reflection_pb2.ServerReflectionRequest(list_services="")
        yield reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="conflux.ingest.v1.IngestService"
        )

    responses = [response async for response in call(requests())]
    names = {s.name for s in responses[0].list_services_response.service}
    assert set(SERVICES) <= names
    assert "grpc.health.v1.Health" in names
    assert responses[1].file_descriptor_response.file_descriptor_proto


async def test_every_service_name_is_serving(suite: RunningSuite) -> None:
    async def all_serving() -> bool:
        statuses = [await _status(suite.channel, name) for name in ["", *SERVICES]]
        return all(s == health_pb2.HealthCheckResponse.SERVING for s in statuses)

    await eventually(all_serving, timeout=10)


async def test_a_service_whose_dependency_is_down_is_not_serving(tmp_path: Path) -> None:
    async with running_suite(
        tmp_path, only=["gateway"], extra_env={"CONFLUX_OCR_ADDRESS": "127.0.0.1:9"}
    ) as gateway_alone:
        assert await _status(gateway_alone.channel, "") == health_pb2.HealthCheckResponse.SERVING
        status = await _status(gateway_alone.channel, "conflux.gateway.v1.GatewayService")
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING


async def test_domain_errors_carry_reason_and_field_violations(suite: RunningSuite) -> None:
    stub = pb_grpc.IngestServiceStub(suite.channel)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.SubmitItem(pb.SubmitItemRequest(header=pb.ItemHeader(), raw=b"x"))
    details = read_error_details(raised.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.reason == "MISSING_CHANNEL"
    assert [v.field for v in details.violations] == ["header.channel"]


async def test_messages_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    async with running_suite(
        tmp_path,
        only=["ingest"],
        extra_env={"CONFLUX_MAX_MESSAGE_BYTES": "65536", "CONFLUX_INGEST_MAX_ITEM_BYTES": "60000"},
    ) as small:
        stub = pb_grpc.IngestServiceStub(small.channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.SubmitItem(
                pb.SubmitItemRequest(
                    header=pb.ItemHeader(channel=channel_pb2.CHANNEL_MAIL), raw=b"0" * 100_000
                )
            )
        assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_metrics_count_calls_per_method_and_status(suite: RunningSuite) -> None:
    stub = pb_grpc.IngestServiceStub(suite.channel)
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.GetItem(pb.GetItemRequest(item_id="req-missing"))
    data = METRICS.get_metrics_data()
    assert data is not None
    points = [
        point
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == "rpc.server.duration"
        for point in metric.data.data_points
    ]
    not_found = [
        p
        for p in points
        if p.attributes.get("rpc.method") == "GetItem"
        and p.attributes.get("rpc.grpc.status_code") == grpc.StatusCode.NOT_FOUND.value[0]
    ]
    assert not_found and not_found[0].count >= 1


async def test_a_token_is_required_when_configured(tmp_path: Path) -> None:
    async with running_suite(
        tmp_path, only=["ingest"], extra_env={"CONFLUX_AUTH_TOKEN": "s3cret"}
    ) as guarded:
        stub = pb_grpc.IngestServiceStub(guarded.channel)
        request = pb.GetItemRequest(item_id="req-x")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetItem(request)
        assert read_error_details(raised.value).reason == "MISSING_TOKEN"
        assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetItem(request, metadata=(("authorization", "Bearer wrong"),))
        assert read_error_details(raised.value).reason == "INVALID_TOKEN"
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetItem(request, metadata=(("authorization", "Bearer s3cret"),))
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
        # Probes carry no credentials: health stays open.
        assert await _status(guarded.channel, "") == health_pb2.HealthCheckResponse.SERVING


def _certificates(directory: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    (directory / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        run(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
        )
        run(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.cnf",
            "-out",
            f"{name}.pem",
        )
    return {
        name: directory / name
        for name in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")
    }


async def test_mutual_tls(tmp_path: Path) -> None:
    files = _certificates(tmp_path)
    async with running_suite(
        tmp_path / "data",
        only=["ingest"],
        extra_env={
            "CONFLUX_TLS_CERT_FILE": str(files["server.pem"]),
            "CONFLUX_TLS_KEY_FILE": str(files["server.key"]),
            "CONFLUX_TLS_CLIENT_CA_FILE": str(files["ca.pem"]),
        },
    ) as secured:
        ca = files["ca.pem"].read_bytes()
        with_certificate = grpc.ssl_channel_credentials(
            ca, files["client.key"].read_bytes(), files["client.pem"].read_bytes()
        )
        async with grpc.aio.secure_channel(secured.address, with_certificate) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await pb_grpc.IngestServiceStub(channel).GetItem(pb.GetItemRequest(item_id="x"))
            assert raised.value.code() == grpc.StatusCode.NOT_FOUND
        without = grpc.ssl_channel_credentials(ca)
        async with grpc.aio.secure_channel(secured.address, without) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await pb_grpc.IngestServiceStub(channel).GetItem(
                    pb.GetItemRequest(item_id="x"), timeout=5
                )
            assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_bad_configuration_fails_fast_naming_every_variable(tmp_path: Path) -> None:
    env = suite_environment(
        tmp_path,
        {
            "CONFLUX_DRAIN_SECONDS": "soon",
            "CONFLUX_INGEST_DATABASE_URL": "mysql://nope",
            "OTEL_TRACES_EXPORTER": "zipkin",
        },
    )
    with pytest.raises(ConfigError) as raised:
        await SuiteServer(services.select(None), Environment(env)).start()
    message = str(raised.value)
    for variable in (
        "CONFLUX_DRAIN_SECONDS",
        "CONFLUX_INGEST_DATABASE_URL",
        "OTEL_TRACES_EXPORTER",
    ):
        assert variable in message
