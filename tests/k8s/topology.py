"""What the Kubernetes manifests must describe: the services, their health names, who calls whom.

Written from the application's contract (one image, `conflux serve --only <service>`, gRPC on
50051, the standard health service), not read back from the manifests, so that a manifest that
drifts from the application fails the tests.
"""

from typing import Final

GRPC_PORT: Final = 50051

HEALTH_SERVICE_NAMES: Final[dict[str, str]] = {
    "ingest": "conflux.ingest.v1.IngestService",
    "ocr": "conflux.ocr.v1.OcrService",
    "identity": "conflux.identity.v1.IdentityService",
    "classify": "conflux.classify.v1.ClassifyService",
    "correlate": "conflux.correlate.v1.CorrelateService",
    "gateway": "conflux.gateway.v1.GatewayService",
}
"""Each service's own name in `grpc.health.v1`; the server as a whole answers for ""."""

SERVICES: Final = frozenset(HEALTH_SERVICE_NAMES)

CALL_PATHS: Final[frozenset[tuple[str, str]]] = frozenset(
    {("gateway", callee) for callee in ("ingest", "ocr", "identity", "classify", "correlate")}
    | {("ocr", "ingest")}
)
"""(caller, callee) pairs between services; nothing else may talk to anything."""

CONNECTOR_ENTRY_POINTS: Final = frozenset({"gateway", "ingest"})
"""The services that CRM/GED connectors call from outside the namespace."""

SINGLE_WRITERS: Final = frozenset({"ingest", "classify"})
"""Services whose files (blobs, model files) sit on a ReadWriteOnce volume in every overlay."""

HORIZONTALLY_SCALED_IN_PROD: Final = SERVICES - SINGLE_WRITERS

OPENSEARCH_CLIENTS: Final = frozenset({"identity", "correlate"})

DEFAULT_DRAIN_SECONDS: Final = 15
"""What the server drains for on SIGTERM when CONFLUX_DRAIN_SECONDS is not set."""

CONTAINER_UID: Final = 10001
