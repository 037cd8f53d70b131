"""The network policies of both overlays let through the pipeline's call paths and nothing else.

Reachability is computed from the rendered NetworkPolicies (see network_reachability), for the
pods of the rendered workloads and a few outsiders: a CRM/GED connector, an unrelated pod, the
cluster DNS, the telemetry collector and addresses outside the cluster.
"""

import pytest

from .network_reachability import Endpoint, connection_allowed
from .rendering import Manifest, Rendering, pod_template, service_name
from .topology import CALL_PATHS, CONNECTOR_ENTRY_POINTS, GRPC_PORT, OPENSEARCH_CLIENTS, SERVICES

CLUSTER_DNS = Endpoint("kube-system", {"k8s-app": "kube-dns"})
COLLECTOR = Endpoint("observability", {"app.kubernetes.io/name": "opentelemetry-collector"})
CONNECTOR = Endpoint("crm", {"conflux/connector": "true"})
STRANGER = Endpoint("crm", {"app": "reporting"})
OUTSIDE = Endpoint(None)


def test_servers_reach_exactly_the_call_paths(overlay: Rendering) -> None:
    """A server reaches another's gRPC port only along a call path of the pipeline."""
    servers = _servers(overlay)
    allowed = {
        (caller, callee)
        for caller in SERVICES
        for callee in SERVICES
        if caller != callee and _allowed(overlay, servers[caller], servers[callee], GRPC_PORT)
    }
    assert allowed == CALL_PATHS


def test_connectors_reach_only_the_entry_points(overlay: Rendering) -> None:
    """Labelled connectors reach gateway and ingest; other pods and outsiders reach nothing."""
    servers = _servers(overlay)
    reached = {name for name in SERVICES if _allowed(overlay, CONNECTOR, servers[name], GRPC_PORT)}
    assert reached == CONNECTOR_ENTRY_POINTS
    neighbour = Endpoint(servers["gateway"].namespace, {"app": "debug-shell"})
    for intruder in (STRANGER, OUTSIDE, neighbour):
        assert not [
            name for name in SERVICES if _allowed(overlay, intruder, servers[name], GRPC_PORT)
        ]


def test_every_pod_resolves_names_and_exports_telemetry(overlay: Rendering) -> None:
    """Each workload may ask the cluster DNS and send OTLP to the collector's namespace."""
    for pod in _pods(overlay):
        assert _allowed(overlay, pod, CLUSTER_DNS, 53, "UDP")
        assert _allowed(overlay, pod, CLUSTER_DNS, 53, "TCP")
        assert _allowed(overlay, pod, COLLECTOR, 4317)


@pytest.mark.parametrize("port", [443, 5432, 9200])
def test_dev_goes_nowhere_outside(dev: Rendering, port: int) -> None:
    """dev's stores are embedded: nothing leaves the cluster."""
    for pod in _pods(dev):
        assert not _allowed(dev, pod, OUTSIDE, port)


def test_prod_reaches_its_datastores_and_nothing_else_outside(prod: Rendering) -> None:
    """prod: PostgreSQL from every workload, OpenSearch from identity and correlate, no more."""
    for workload in prod.workloads():
        pod = _pod(workload)
        assert _allowed(prod, pod, OUTSIDE, 5432)
        assert _allowed(prod, pod, OUTSIDE, 9200) == (service_name(workload) in OPENSEARCH_CLIENTS)
        assert not _allowed(prod, pod, OUTSIDE, 443)


def _allowed(
    rendering: Rendering, source: Endpoint, destination: Endpoint, port: int, protocol: str = "TCP"
) -> bool:
    policies = rendering.of_kind("NetworkPolicy")
    return connection_allowed(policies, source, destination, port, protocol)


def _pod(workload: Manifest) -> Endpoint:
    return Endpoint(workload["metadata"]["namespace"], pod_template(workload)["metadata"]["labels"])


def _pods(rendering: Rendering) -> list[Endpoint]:
    return [_pod(workload) for workload in rendering.workloads()]


def _servers(rendering: Rendering) -> dict[str, Endpoint]:
    return {service_name(d): _pod(d) for d in rendering.of_kind("Deployment")}
