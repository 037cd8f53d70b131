"""The Dockerfile builds the image the Kubernetes manifests expect, checked without Docker.

Its runtime stage: Python 3.11 on slim bookworm (the project's interpreter), the Debian
packages the Makefile installs for development, the `conflux` console script as entry point,
and the non-root numeric user the pods run as. The build context holds only the project.
"""

import re
from pathlib import Path
from typing import Any, Final

import pytest

from .dockerfile import Stage, parse_dockerfile
from .rendering import REPOSITORY_ROOT
from .topology import CONTAINER_UID, GRPC_PORT

RUNTIME_BASE: Final = "python:3.11-slim-bookworm"
VIRTUALENV: Final = "/opt/conflux"


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    """The stages of the repository's Dockerfile."""
    return parse_dockerfile((REPOSITORY_ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def runtime(stages: list[Stage]) -> Stage:
    """The final stage: what the image runs."""
    return stages[-1]


def test_runtime_is_the_project_python_on_slim_bookworm(
    runtime: Stage, pyproject: dict[str, Any]
) -> None:
    """The runtime image is the slim Debian bookworm Python 3.11 that pyproject requires."""
    assert runtime.base == RUNTIME_BASE
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.12"


def test_runtime_copies_the_virtualenv_built_on_the_same_base(
    stages: list[Stage], runtime: Stage
) -> None:
    """The builder installs the project into a virtualenv; the runtime copies it and uses it."""
    builder = next(stage for stage in stages[:-1] if stage.name == "builder")
    assert builder.base == runtime.base, "the virtualenv's python links to the builder's"
    assert any(f"{VIRTUALENV}/bin/pip install" in run.arguments for run in builder.of("RUN"))
    copies = [copy.words() for copy in runtime.of("COPY")]
    assert ["--from=builder", VIRTUALENV, VIRTUALENV] in copies
    path = next(env for env in runtime.of("ENV") if "PATH=" in env.arguments)
    assert f"PATH={VIRTUALENV}/bin:$PATH" in path.words()


def test_runtime_installs_the_makefile_debian_packages(runtime: Stage) -> None:
    """The apt packages are those `make system-deps` installs, without recommends or lists."""
    makefile = (REPOSITORY_ROOT / "Makefile").read_text()
    declared = re.search(r"^APT_PACKAGES\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert declared is not None, "Makefile: APT_PACKAGES is gone"
    installs = [run for run in runtime.of("RUN") if "apt-get install" in run.arguments]
    assert len(installs) == 1
    command = installs[0].arguments.split("&&")
    install = next(part.split() for part in command if "apt-get install" in part)
    assert "--no-install-recommends" in install
    packages = {word for word in install[2:] if not word.startswith("-")}
    assert packages == set(declared[1].split())
    assert "rm -rf /var/lib/apt/lists/*" in installs[0].arguments


def test_runtime_runs_as_the_unprivileged_user_of_the_pods(runtime: Stage) -> None:
    """The last USER is numeric (so runAsNonRoot can verify it) and the pods' 10001."""
    user = runtime.of("USER")[-1].arguments
    assert re.fullmatch(r"\d+(:\d+)?", user), f"USER {user} is not numeric"
    assert {int(part) for part in user.split(":")} == {CONTAINER_UID}


def test_entrypoint_is_the_conflux_console_script(
    runtime: Stage, pyproject: dict[str, Any]
) -> None:
    """ENTRYPOINT runs the `conflux` script that pyproject declares; CMD serves everything."""
    assert runtime.of("ENTRYPOINT")[-1].exec_form() == ["conflux"]
    assert runtime.of("CMD")[-1].exec_form() == ["serve"]
    assert "conflux" in pyproject["project"]["scripts"]


def test_image_listens_where_the_manifests_expect(runtime: Stage) -> None:
    """The image exposes and listens on the gRPC port, on every interface of the container."""
    assert [expose.arguments for expose in runtime.of("EXPOSE")] == [str(GRPC_PORT)]
    environment = [word for env in runtime.of("ENV") for word in env.words()]
    assert f"CONFLUX_LISTEN_ADDRESS=0.0.0.0:{GRPC_PORT}" in environment


def test_no_secret_is_baked_in(stages: list[Stage]) -> None:
    """No ENV or ARG carries a token, a password or a database URL."""
    secret = re.compile(r"TOKEN|PASSWORD|SECRET|DATABASE_URL|OPENSEARCH_URL", re.IGNORECASE)
    for stage in stages:
        for instruction in stage.of("ENV") + stage.of("ARG"):
            assert not secret.search(instruction.arguments), instruction.arguments


def test_build_context_holds_only_the_project(pyproject: dict[str, Any]) -> None:
    """.dockerignore excludes everything, then lets in pyproject, README and each package."""
    patterns = [
        line.strip()
        for line in (REPOSITORY_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"
    allowed = {pattern.removeprefix("!") for pattern in patterns if pattern.startswith("!")}
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    package_roots = {package.removesuffix("*") for package in packages}
    assert allowed == package_roots | {"pyproject.toml", pyproject["project"]["readme"]}
    assert all(Path(REPOSITORY_ROOT, root).is_dir() for root in package_roots)
