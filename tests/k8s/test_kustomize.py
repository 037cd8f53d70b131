"""Every kustomization builds, renders valid Kubernetes objects, and passes checkov.

checkov failures are allowed only when k8s/checkov-skips.yaml lists them, with a reason, for
that rendering; a listed skip that no longer fails is an error too, so the list cannot rot.
"""

import json
import os
import subprocess
import sysconfig
from pathlib import Path
from typing import Any, Final

import kubernetes_validate
import pytest
import yaml

from .rendering import K8S_ROOT, RENDERINGS, Rendering, only_container

KUBERNETES_VERSIONS: Final = ("1.30.0", kubernetes_validate.latest_version())
"""The oldest Kubernetes the manifests support, and the newest that kubernetes-validate knows."""

CHECKOV_SKIPS: Final = K8S_ROOT / "checkov-skips.yaml"


def test_every_kustomization_builds(rendering: Rendering) -> None:
    """Each rendering has objects, all in the conflux namespace (or the dev one)."""
    assert rendering.manifests
    namespaces = {manifest["metadata"].get("namespace") for manifest in rendering.manifests}
    assert namespaces == {"conflux-dev" if rendering.name == "dev" else "conflux"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_objects_are_valid_kubernetes(rendering: Rendering, version: str) -> None:
    """Every object validates against the Kubernetes schema, unknown fields refused."""
    problems = []
    for manifest in rendering.manifests:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{manifest['kind']}/{manifest['metadata']['name']}: {error.message}")
    assert not problems, "\n".join(problems)


def test_overlays_pin_the_project_release(overlay: Rendering, pyproject: dict[str, Any]) -> None:
    """The overlays run the image of the version the repository builds."""
    release = f"conflux:{pyproject['project']['version']}"
    for workload in overlay.workloads():
        image = only_container(workload)["image"]
        repository_and_tag = image.split("@")[0].rpartition("/")[2]
        assert repository_and_tag == release, f"{workload['metadata']['name']}: {image}"


def test_checkov_skips_are_explained() -> None:
    """Each skip names a check, the renderings it applies to, and a reason of some substance."""
    for skip in _checkov_skips():
        assert skip["check"].startswith(("CKV_K8S_", "CKV2_K8S_")), skip
        assert skip["renderings"], skip
        assert set(skip["renderings"]) <= set(RENDERINGS), skip
        assert len(skip["reason"].split()) >= 10, f"{skip['check']}: say why"


@pytest.mark.slow
def test_checkov_finds_only_the_listed_skips(rendering: Rendering, tmp_path: Path) -> None:
    """checkov fails exactly the checks listed for this rendering, nothing more, nothing less."""
    failures = _checkov_failures(rendering, tmp_path)
    skips = {
        skip["check"]: skip for skip in _checkov_skips() if rendering.name in skip["renderings"]
    }
    unexplained = sorted(
        f"{failure['check_id']} ({failure['check_name']}): {failure['resource']}"
        for failure in failures
        if failure["check_id"] not in skips
    )
    assert not unexplained, f"not in {CHECKOV_SKIPS.name}:\n" + "\n".join(unexplained)
    stale = skips.keys() - {failure["check_id"] for failure in failures}
    assert not stale, f"listed for {rendering.name} but no longer failing: {sorted(stale)}"
    for failure in failures:
        assert skips[failure["check_id"]]["title"] == failure["check_name"]


def _checkov_skips() -> list[dict[str, Any]]:
    skips: list[dict[str, Any]] = yaml.safe_load(CHECKOV_SKIPS.read_text())["skips"]
    return skips


def _checkov_failures(rendering: Rendering, directory: Path) -> list[dict[str, Any]]:
    """Run checkov on a rendering; return its failed checks (check_id, check_name, resource)."""
    manifests = directory / f"{rendering.name}.yaml"
    manifests.write_text(rendering.text)
    checkov = Path(sysconfig.get_path("scripts")) / "checkov"
    assert checkov.exists(), "checkov is missing: install the dev extra (pip install -e '.[dev]')"
    completed = subprocess.run(
        [
            str(checkov),
            *("--file", str(manifests), "--framework", "kubernetes"),
            *("--output", "json", "--quiet", "--skip-download"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        # Offline: no download of the platform's guideline mappings.
        env=os.environ | {"BC_SKIP_MAPPING": "TRUE"},
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"checkov gave no JSON report:\n{completed.stderr}", pytrace=False)
    assert report["summary"]["parsing_errors"] == 0, completed.stderr
    failures: list[dict[str, Any]] = report["results"]["failed_checks"]
    return failures
