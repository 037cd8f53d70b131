"""Regenerate the samples that `make run` loads: `.venv/bin/python samples/generate.py`.

Writes referential.csv, training.jsonl and inbox/ (items, sidecars, EXPECTED.md) next to this
script. Every artefact has its own seeded generator, so the output is the same byte for byte on
every run, and editing one artefact's generator leaves the others unchanged. See README.md.
"""

import random
from pathlib import Path

from sample_generator.expected import expected_markdown
from sample_generator.inbox import build_inbox
from sample_generator.referential import build_referential, referential_csv
from sample_generator.training_set import build_training_set, training_jsonl

SAMPLES_DIRECTORY = Path(__file__).resolve().parent
SEED = "conflux-samples-2026"


def _rng(artefact: str) -> random.Random:
    """The seeded generator of one artefact."""
    return random.Random(f"{SEED}/{artefact}")


def write_samples(directory: Path) -> list[Path]:
    """Write every sample file under directory and return their paths.

    Files left in directory/inbox by an earlier version of the inbox are removed, so that the
    inbox holds exactly the items of EXPECTED.md.
    """
    referential = build_referential(_rng("referential"))
    training = build_training_set(_rng("training"), referential)
    inbox = build_inbox(_rng("inbox"), referential)
    inbox_directory = directory / "inbox"
    inbox_directory.mkdir(parents=True, exist_ok=True)
    outputs: dict[Path, bytes] = {
        directory / "referential.csv": referential_csv(referential).encode(),
        directory / "training.jsonl": training_jsonl(training).encode(),
        inbox_directory / "EXPECTED.md": expected_markdown(inbox).encode(),
    }
    for item in inbox:
        outputs[inbox_directory / item.file_name] = item.content
        if item.sidecar is not None:
            outputs[inbox_directory / f"{item.file_name}.meta.json"] = item.sidecar
    for stale in sorted(set(inbox_directory.iterdir()) - set(outputs)):
        stale.unlink()
    for path, content in outputs.items():
        path.write_bytes(content)
    return list(outputs)


def main() -> None:
    """Write the samples next to this script and list what was written."""
    for path in write_samples(SAMPLES_DIRECTORY):
        print(f"wrote {path.relative_to(SAMPLES_DIRECTORY.parent)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
