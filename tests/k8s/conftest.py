"""Fixtures of the Kubernetes tests: kubectl, the rendered kustomizations, the project metadata."""

import shutil
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from .rendering import RENDERINGS, REPOSITORY_ROOT, RenderError, Rendering, render


@pytest.fixture(scope="session")
def kubectl() -> str:
    """Return the kubectl executable; fail (not skip) when it is missing, saying why."""
    executable = shutil.which("kubectl")
    if executable is None:
        pytest.fail(
            "tests/k8s need kubectl on PATH: they build every kustomization with "
            "`kubectl kustomize` (kubectl >= 1.27)",
            pytrace=False,
        )
    return executable


@pytest.fixture(scope="session")
def rendered(kubectl: str) -> Callable[[str], Rendering]:
    """Return a function rendering a kustomization by name, once per session."""
    cache: dict[str, Rendering] = {}

    def rendered_named(name: str) -> Rendering:
        if name not in cache:
            try:
                cache[name] = render(kubectl, name)
            except RenderError as error:
                pytest.fail(str(error), pytrace=False)
        return cache[name]

    return rendered_named


@pytest.fixture(params=sorted(RENDERINGS))
def rendering(request: pytest.FixtureRequest, rendered: Callable[[str], Rendering]) -> Rendering:
    """Each rendering in turn: base alone, the dev overlay, the prod overlay."""
    return rendered(request.param)


@pytest.fixture(params=["dev", "prod"])
def overlay(request: pytest.FixtureRequest, rendered: Callable[[str], Rendering]) -> Rendering:
    """Each deployable rendering in turn: the dev overlay, the prod overlay."""
    return rendered(request.param)


@pytest.fixture
def dev(rendered: Callable[[str], Rendering]) -> Rendering:
    """The dev overlay: one replica each, embedded stores on volumes, network policies."""
    return rendered("dev")


@pytest.fixture
def prod(rendered: Callable[[str], Rendering]) -> Rendering:
    """The prod overlay: PostgreSQL and OpenSearch, migration Jobs, autoscaling, both components."""
    return rendered("prod")


@pytest.fixture(scope="session")
def pyproject() -> dict[str, Any]:
    """Return the parsed pyproject.toml of the repository."""
    with (REPOSITORY_ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)
