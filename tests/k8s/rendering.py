"""The kustomizations under k8s/, rendered by `kubectl kustomize`, and what tests read from them."""

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import yaml

REPOSITORY_ROOT: Final = Path(__file__).resolve().parents[2]
K8S_ROOT: Final = REPOSITORY_ROOT / "k8s"

RENDERINGS: Final[dict[str, Path]] = {
    "base": K8S_ROOT / "base",
    "dev": K8S_ROOT / "overlays" / "dev",
    "prod": K8S_ROOT / "overlays" / "prod",
}
"""Every combination of base, overlays and components that is meant to build."""

Manifest = dict[str, Any]

WORKLOAD_KINDS: Final = frozenset({"Deployment", "Job"})

_QUANTITY: Final = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<suffix>m|k|M|G|Ki|Mi|Gi|Ti)?")
_QUANTITY_SUFFIXES: Final[dict[str, Fraction]] = {
    "": Fraction(1),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
}


class RenderError(Exception):
    """`kubectl kustomize` refused a kustomization; the message is kubectl's."""


@dataclass(frozen=True)
class Rendering:
    """The objects one kustomization renders to, as kubectl printed them."""

    name: str
    text: str
    manifests: tuple[Manifest, ...]

    def of_kind(self, kind: str) -> list[Manifest]:
        """Return the objects of one kind, in rendering order."""
        return [manifest for manifest in self.manifests if manifest["kind"] == kind]

    def find(self, kind: str, name: str) -> Manifest | None:
        """Return the object of that kind and name, or None when the rendering has none."""
        for manifest in self.of_kind(kind):
            if manifest["metadata"]["name"] == name:
                return manifest
        return None

    def get(self, kind: str, name: str) -> Manifest:
        """Return the object of that kind and name; fail the test naming it when it is missing."""
        manifest = self.find(kind, name)
        assert manifest is not None, f"{self.name}: no {kind} named {name!r}"
        return manifest

    def workloads(self) -> list[Manifest]:
        """Return every object that runs pods (Deployments and Jobs)."""
        return [manifest for manifest in self.manifests if manifest["kind"] in WORKLOAD_KINDS]


def render(kubectl: str, name: str) -> Rendering:
    """Render the named kustomization with `kubectl kustomize`; raise RenderError when it fails."""
    completed = subprocess.run(
        [kubectl, "kustomize", str(RENDERINGS[name])],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if completed.returncode != 0:
        raise RenderError(f"kubectl kustomize {RENDERINGS[name]}: {completed.stderr.strip()}")
    manifests = tuple(doc for doc in yaml.safe_load_all(completed.stdout) if doc)
    return Rendering(name=name, text=completed.stdout, manifests=manifests)


def service_name(manifest: Manifest) -> str:
    """Return the Conflux service an object belongs to (its app.kubernetes.io/name label)."""
    return str(manifest["metadata"]["labels"]["app.kubernetes.io/name"])


def pod_template(workload: Manifest) -> Manifest:
    """Return the pod template (metadata and spec) of a Deployment or Job."""
    return dict(workload["spec"]["template"])


def only_container(workload: Manifest) -> Manifest:
    """Return the single container of a workload; fail when there is not exactly one."""
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: expected one container"
    return dict(containers[0])


def env_entries(container: Manifest) -> dict[str, Manifest]:
    """Return a container's environment entries by variable name."""
    return {entry["name"]: entry for entry in container.get("env", [])}


def env_value(container: Manifest, name: str) -> str | None:
    """Return the literal value of an environment variable, None when unset or not literal."""
    entry = env_entries(container).get(name)
    return None if entry is None else entry.get("value")


def quantity(text: str | int) -> Fraction:
    """Return a Kubernetes resource quantity ("250m", "2", "512Mi") as an exact number."""
    match = _QUANTITY.fullmatch(str(text))
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    return Fraction(match["number"]) * _QUANTITY_SUFFIXES[match["suffix"] or ""]
