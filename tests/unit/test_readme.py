"""The README documents every configuration variable the code reads, and its quick start is the
two commands a new user runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = (
    "chassis",
    "ingest_svc",
    "ocr_svc",
    "identity_svc",
    "classify_svc",
    "correlate_svc",
    "gateway",
    "conflux_cli",
)


def test_every_configuration_variable_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    variables = {
        match
        for package in PACKAGES
        for source in (ROOT / package).rglob("*.py")
        for match in re.findall(r'"((?:CONFLUX|OTEL)_[A-Z_]+)"', source.read_text())
    }
    assert variables
    undocumented = sorted(v for v in variables if f"`{v}`" not in readme)
    assert not undocumented, f"variables missing from README.md: {undocumented}"


def test_quick_start_is_make_run_and_make_test() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    assert quick_start.split() == ["make", "run", "make", "test"]
