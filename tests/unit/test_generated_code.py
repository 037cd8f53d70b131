"""The generated Python code of the protos is what the protos produce today (no drift)."""

from __future__ import annotations

import filecmp
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [f"only in the repository: {left / n}" for n in comparison.left_only]
    found += [f"missing from the repository: {left / n}" for n in comparison.right_only]
    found += [f"differs: {left / n}" for n in comparison.diff_files]
    for name in comparison.common_dirs:
        found += _differences(left / name, right / name)
    return found


def test_generated_code_matches_the_protos(tmp_path: Path) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "gen_protos.sh"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    drift = _differences(ROOT / "conflux", tmp_path / "conflux")
    assert not drift, "run `make protos`: " + "; ".join(drift)
