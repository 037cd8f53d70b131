"""Every Deployment and Job, in every rendering, is hardened and speaks the application's contract.

Hardened: its own ServiceAccount without an API token, a non-root numeric user, a read-only
root filesystem with writable scratch, no privilege escalation, no capabilities, the runtime's
seccomp profile, requests and limits. Contract: `conflux serve --only <service>` on gRPC 50051,
native gRPC probes (readiness on the service's own health name, liveness on the server), a
grace period longer than the drain, and the addresses of exactly the services it calls.
"""

import re

from .rendering import (
    Rendering,
    env_entries,
    env_value,
    only_container,
    pod_template,
    quantity,
    service_name,
)
from .topology import (
    CALL_PATHS,
    CONTAINER_UID,
    DEFAULT_DRAIN_SECONDS,
    GRPC_PORT,
    HEALTH_SERVICE_NAMES,
    SERVICES,
)

_VARIABLE_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def test_each_service_runs_as_one_deployment_behind_its_service(rendering: Rendering) -> None:
    """One Deployment and one Service per Conflux service, the Service reaching only its pods."""
    deployments = {service_name(d): d for d in rendering.of_kind("Deployment")}
    assert set(deployments) == SERVICES
    for name, deployment in deployments.items():
        assert deployment["metadata"]["name"] == name
        container = only_container(deployment)
        assert container["args"] == ["serve", "--only", name]
        assert {"name": "grpc", "containerPort": GRPC_PORT, "protocol": "TCP"} in container["ports"]
        service = rendering.get("Service", name)
        assert service["spec"]["ports"] == [
            {"name": "grpc", "port": GRPC_PORT, "targetPort": "grpc", "protocol": "TCP"}
        ]
        selected = [
            workload["metadata"]["name"]
            for workload in rendering.workloads()
            if _selects(service["spec"]["selector"], pod_template(workload)["metadata"]["labels"])
        ]
        assert selected == [name], f"Service {name} selects {selected}"


def test_pods_run_unprivileged(rendering: Rendering) -> None:
    """Pod and container security contexts drop everything a Conflux server does not need."""
    problems = []
    for workload in rendering.workloads():
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = pod_template(workload)["spec"]
        pod_context = spec.get("securityContext", {})
        if not (
            pod_context.get("runAsNonRoot") is True
            and pod_context.get("runAsUser") == CONTAINER_UID
            and pod_context.get("runAsGroup") == CONTAINER_UID
            and pod_context.get("seccompProfile") == {"type": "RuntimeDefault"}
        ):
            problems.append(f"{name}: pod securityContext {pod_context}")
        if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
            problems.append(f"{name}: shares a host namespace")
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container.get("securityContext", {})
            if not (
                context.get("allowPrivilegeEscalation") is False
                and context.get("readOnlyRootFilesystem") is True
                and context.get("privileged", False) is False
                and context.get("capabilities") == {"drop": ["ALL"]}
            ):
                problems.append(f"{name}/{container['name']}: securityContext {context}")
    assert not problems, "\n".join(problems)


def test_pods_have_their_own_identity_without_api_token(rendering: Rendering) -> None:
    """Each workload runs as its service's ServiceAccount, and no token is mounted."""
    for workload in rendering.workloads():
        spec = pod_template(workload)["spec"]
        account = rendering.get("ServiceAccount", spec["serviceAccountName"])
        assert spec["serviceAccountName"] == service_name(workload)
        assert account["automountServiceAccountToken"] is False
        assert spec["automountServiceAccountToken"] is False


def test_containers_have_requests_within_limits(rendering: Rendering) -> None:
    """CPU and memory are requested and limited, and no request exceeds its limit."""
    for workload in rendering.workloads():
        resources = only_container(workload)["resources"]
        for resource in ("cpu", "memory"):
            request = quantity(resources["requests"][resource])
            limit = quantity(resources["limits"][resource])
            assert 0 < request <= limit, f"{workload['metadata']['name']} {resource}"


def test_ocr_has_room_for_tesseract(rendering: Rendering) -> None:
    """ocr may use two CPUs and 2 GiB, and runs one OCR worker per CPU of its limit."""
    container = only_container(rendering.get("Deployment", "ocr"))
    assert quantity(container["resources"]["limits"]["cpu"]) == 2
    assert quantity(container["resources"]["limits"]["memory"]) >= quantity("2Gi")
    workers = env_entries(container)["CONFLUX_OCR_WORKERS"]
    assert workers["valueFrom"]["resourceFieldRef"] == {
        "containerName": container["name"],
        "resource": "limits.cpu",
        "divisor": "1",
    }


def test_writable_places_are_volumes(rendering: Rendering) -> None:
    """/tmp is an emptyDir, and the data directory is a mounted volume."""
    for workload in rendering.workloads():
        spec = pod_template(workload)["spec"]
        container = only_container(workload)
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], workload["metadata"]["name"]
        data_dir = env_value(container, "CONFLUX_DATA_DIR")
        assert data_dir in mounts, f"{workload['metadata']['name']}: {data_dir} is not mounted"


def test_probes_ask_the_grpc_health_service(rendering: Rendering) -> None:
    """Readiness asks for the service's own name, startup and liveness for the server ("")."""
    for deployment in rendering.of_kind("Deployment"):
        name = service_name(deployment)
        container = only_container(deployment)
        assert container["readinessProbe"]["grpc"] == {
            "port": GRPC_PORT,
            "service": HEALTH_SERVICE_NAMES[name],
        }
        for probe in ("startupProbe", "livenessProbe"):
            assert container[probe]["grpc"] in (
                {"port": GRPC_PORT},
                {"port": GRPC_PORT, "service": ""},
            )
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert set(container[probe]) - {"grpc"} <= {
                "initialDelaySeconds",
                "periodSeconds",
                "timeoutSeconds",
                "failureThreshold",
                "successThreshold",
            }, f"{name}: {probe} is not only a gRPC probe"


def test_servers_drain_before_they_are_killed(rendering: Rendering) -> None:
    """The grace period outlasts the drain that the server runs on SIGTERM."""
    for deployment in rendering.of_kind("Deployment"):
        container = only_container(deployment)
        drain = int(env_value(container, "CONFLUX_DRAIN_SECONDS") or DEFAULT_DRAIN_SECONDS)
        grace = pod_template(deployment)["spec"]["terminationGracePeriodSeconds"]
        assert grace > drain, deployment["metadata"]["name"]


def test_servers_listen_where_the_probes_and_services_look(rendering: Rendering) -> None:
    """Each server listens on every interface of the pod, on the gRPC port."""
    for deployment in rendering.of_kind("Deployment"):
        listen = env_value(only_container(deployment), "CONFLUX_LISTEN_ADDRESS")
        assert listen == f"0.0.0.0:{GRPC_PORT}", deployment["metadata"]["name"]


def test_callers_know_exactly_the_addresses_of_their_callees(rendering: Rendering) -> None:
    """A server has the address of each service it calls, pointing at that service's Service."""
    for deployment in rendering.of_kind("Deployment"):
        caller = service_name(deployment)
        container = only_container(deployment)
        addresses = {
            service: env_value(container, f"CONFLUX_{service.upper()}_ADDRESS")
            for service in SERVICES
            if f"CONFLUX_{service.upper()}_ADDRESS" in env_entries(container)
        }
        callees = {callee for source, callee in CALL_PATHS if source == caller}
        assert set(addresses) == callees, caller
        for callee, address in addresses.items():
            service = rendering.get("Service", callee)
            assert address == f"{callee}:{service['spec']['ports'][0]['port']}"


def test_environment_references_are_defined_before_use(rendering: Rendering) -> None:
    """A $(VAR) in a value names a variable defined earlier in the same container."""
    for workload in rendering.workloads():
        defined: set[str] = set()
        for entry in only_container(workload).get("env", []):
            for reference in _VARIABLE_REFERENCE.findall(entry.get("value", "")):
                assert reference in defined, f"{workload['metadata']['name']}: $({reference})"
            defined.add(entry["name"])


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())
