"""What each overlay promises: where data lives, how schemas migrate, what scales, what is exported.

In every rendering ingest (blobs) and classify (model files) keep a single replica on their
volume. dev runs one replica of everything on embedded stores and migrates at start. prod
reads its datastores and its bearer token from Secrets, migrates with Jobs, autoscales the
stateless services behind disruption budgets, and exports telemetry over OTLP.
"""

from typing import Final

from .rendering import (
    K8S_ROOT,
    Manifest,
    Rendering,
    env_entries,
    env_value,
    only_container,
    pod_template,
    service_name,
)
from .topology import HORIZONTALLY_SCALED_IN_PROD, OPENSEARCH_CLIENTS, SERVICES, SINGLE_WRITERS

DATASTORES_SECRET: Final = "conflux-datastores"
AUTH_SECRET: Final = "conflux-auth"


def test_single_writers_keep_one_replica_on_their_volume(rendering: Rendering) -> None:
    """ingest and classify: one replica, replaced (not rolled), data on a claimed volume."""
    autoscaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in _autoscalers(rendering)}
    for name in SINGLE_WRITERS:
        deployment = rendering.get("Deployment", name)
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert _data_volume_claim(rendering, deployment) is not None, name
        assert name not in autoscaled


def test_dev_runs_everything_once_on_embedded_stores(dev: Rendering) -> None:
    """dev: one replica each, SQLite and tantivy on volumes, no external datastore."""
    for deployment in dev.of_kind("Deployment"):
        name = deployment["metadata"]["name"]
        container = only_container(deployment)
        assert deployment["spec"]["replicas"] == 1, name
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}, name
        assert _data_volume_claim(dev, deployment) is not None, f"{name}: data is not on a volume"
        assert not [variable for variable in env_entries(container) if variable.endswith("_URL")]
    assert not _autoscalers(dev)


def test_dev_migrates_schemas_at_start(dev: Rendering) -> None:
    """dev: no migration Job; each server migrates its own schema when it starts."""
    assert not dev.of_kind("Job")
    for deployment in dev.of_kind("Deployment"):
        assert env_value(only_container(deployment), "CONFLUX_MIGRATE_ON_START") in (None, "true")


def test_prod_reads_each_service_datastores_from_the_secret(prod: Rendering) -> None:
    """prod: each workload gets its own database URL, and OpenSearch where it searches, only."""
    for workload in prod.workloads():
        name = service_name(workload)
        expected = {f"CONFLUX_{name.upper()}_DATABASE_URL": f"{name}-database-url"}
        if name in OPENSEARCH_CLIENTS:
            expected["CONFLUX_OPENSEARCH_URL"] = "opensearch-url"
        entries = env_entries(only_container(workload))
        urls = {variable: entries[variable] for variable in entries if variable.endswith("_URL")}
        assert set(urls) == set(expected), workload["metadata"]["name"]
        for variable, key in expected.items():
            assert urls[variable]["valueFrom"]["secretKeyRef"] == {
                "name": DATASTORES_SECRET,
                "key": key,
            }


def test_prod_servers_require_the_bearer_token(prod: Rendering) -> None:
    """prod: every server requires (and sends) the token of the Secret conflux-auth."""
    for deployment in prod.of_kind("Deployment"):
        token = env_entries(only_container(deployment))["CONFLUX_AUTH_TOKEN"]
        assert token["valueFrom"]["secretKeyRef"] == {"name": AUTH_SECRET, "key": "token"}


def test_prod_migrates_with_one_job_per_service_before_start(prod: Rendering) -> None:
    """prod: servers do not migrate; one Job per service runs `conflux migrate --only` for it."""
    for deployment in prod.of_kind("Deployment"):
        assert env_value(only_container(deployment), "CONFLUX_MIGRATE_ON_START") == "false"
    jobs = {service_name(job): job for job in prod.of_kind("Job")}
    assert set(jobs) == SERVICES
    for name, job in jobs.items():
        assert only_container(job)["args"] == ["migrate", "--only", name]
        assert pod_template(job)["spec"]["restartPolicy"] in ("Never", "OnFailure")
        assert job["spec"]["backoffLimit"] >= 1
        assert pod_template(job)["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"


def test_prod_autoscales_the_stateless_services(prod: Rendering) -> None:
    """prod: an autoscaler of at least two replicas owns the replica count of each stateless one."""
    autoscalers = {hpa["spec"]["scaleTargetRef"]["name"]: hpa for hpa in _autoscalers(prod)}
    assert set(autoscalers) == HORIZONTALLY_SCALED_IN_PROD
    for name, hpa in autoscalers.items():
        deployment = prod.get("Deployment", name)
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert "replicas" not in deployment["spec"], f"{name}: a re-apply would reset the scale"
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_prod_budgets_disruptions_of_the_scaled_services(prod: Rendering) -> None:
    """prod: a drain keeps a server of each scaled service, and can still evict the others."""
    budgets = {service_name(pdb): pdb for pdb in prod.of_kind("PodDisruptionBudget")}
    assert set(budgets) == HORIZONTALLY_SCALED_IN_PROD
    for name, budget in budgets.items():
        labels = pod_template(prod.get("Deployment", name))["metadata"]["labels"]
        selector = budget["spec"]["selector"]["matchLabels"]
        assert all(labels.get(key) == value for key, value in selector.items()), name
        minimum = prod.get("HorizontalPodAutoscaler", name)["spec"]["minReplicas"]
        assert 1 <= budget["spec"]["minAvailable"] < minimum, name


def test_prod_exports_traces_and_metrics_over_otlp(prod: Rendering) -> None:
    """prod: each server exports to the collector under its own service name."""
    for deployment in prod.of_kind("Deployment"):
        container = only_container(deployment)
        assert env_value(container, "OTEL_TRACES_EXPORTER") == "otlp"
        assert env_value(container, "OTEL_METRICS_EXPORTER") == "otlp"
        endpoint = env_value(container, "OTEL_EXPORTER_OTLP_ENDPOINT") or ""
        assert endpoint.startswith("http://") and endpoint.endswith(":4317")
        service_name_source = env_entries(container)["OTEL_SERVICE_NAME"]["valueFrom"]
        label = service_name_source["fieldRef"]["fieldPath"]
        assert label == "metadata.labels['app.kubernetes.io/name']"
        assert pod_template(deployment)["metadata"]["labels"]["app.kubernetes.io/name"] in SERVICES


def test_prod_secret_keys_are_documented(prod: Rendering) -> None:
    """Every Secret key the prod overlay reads is described in k8s/README.md."""
    readme = (K8S_ROOT / "README.md").read_text()
    for workload in prod.workloads():
        for entry in env_entries(only_container(workload)).values():
            reference = entry.get("valueFrom", {}).get("secretKeyRef")
            if reference is not None:
                assert reference["name"] in readme
                assert f"`{reference['key']}`" in readme, reference["key"]


def _autoscalers(rendering: Rendering) -> list[Manifest]:
    return rendering.of_kind("HorizontalPodAutoscaler")


def _data_volume_claim(rendering: Rendering, deployment: Manifest) -> Manifest | None:
    """Return the PersistentVolumeClaim mounted at the data directory, if it is one."""
    container = only_container(deployment)
    data_dir = env_value(container, "CONFLUX_DATA_DIR")
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == data_dir)
    volume = next(
        v for v in pod_template(deployment)["spec"]["volumes"] if v["name"] == mount["name"]
    )
    if "persistentVolumeClaim" not in volume:
        return None
    return rendering.get("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
