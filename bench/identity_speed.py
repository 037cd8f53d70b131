"""Speed of the identity service as the referential grows, and the cost of importing.

Two ratios, measured in one run on synthetic referentials (``identity_referential_generator``):

- resolve latency (median over letters that carry a name and an address, no identifier: the
  fuzzy path, through the party index) with the large referential, over the same with the small
  one: it must stay under 2 (the work must not grow with the referential);
- importing (normalising, writing the tables and the frequency keys, feeding the index) over
  parsing and normalising the same parties alone: it must stay under 2.

Usage: .venv/bin/python bench/identity_speed.py [--small 10000] [--large 1000000] [--letters 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.identity_harness import EmbeddedIdentity  # noqa: E402
from bench.identity_referential_generator import letter_about, parties  # noqa: E402
from identity_svc.identifiers import IdentifierRules  # noqa: E402
from identity_svc.referential import normalise_party  # noqa: E402


def normalise_only(count: int) -> float:
    """Seconds to generate and normalise ``count`` parties (no storage)."""
    rules = IdentifierRules()
    started = time.perf_counter()
    for party in parties(count):
        normalise_party(party, rules)
    return time.perf_counter() - started


def import_and_resolve(count: int, letters: int) -> tuple[float, list[float]]:
    """Seconds to import ``count`` parties, and the latency of resolving ``letters`` letters."""
    with tempfile.TemporaryDirectory() as directory, EmbeddedIdentity(Path(directory)) as identity:
        started = time.perf_counter()
        identity.import_parties(parties(count))
        imported = time.perf_counter() - started
        step = max(1, count // letters)
        sample = [p for i, p in enumerate(parties(count)) if i % step == 0][:letters]
        latencies = []
        for party in sample:
            began = time.perf_counter()
            identity.assess(letter_about(party))
            latencies.append(time.perf_counter() - began)
        return imported, latencies


def main() -> None:
    """Prints the figures and the two ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--letters", type=int, default=300)
    arguments = parser.parse_args()
    results = {}
    for size in (arguments.small, arguments.large):
        parse = normalise_only(size)
        imported, latencies = import_and_resolve(size, arguments.letters)
        median = statistics.median(latencies)
        results[size] = (parse, imported, median)
        print(
            f"{size:>9} parties: parse+normalise {parse:8.1f} s "
            f"({parse / size * 1e3:.3f} ms each), "
            f"import {imported:8.1f} s ({imported / size * 1e3:.3f} ms each, "
            f"{imported / parse:.2f}x), resolve median {median * 1e3:.1f} ms, "
            f"p90 {statistics.quantiles(latencies, n=10)[-1] * 1e3:.1f} ms",
            flush=True,
        )
    small, large = results[arguments.small], results[arguments.large]
    print(f"resolve latency ratio {arguments.large} / {arguments.small}: {large[2] / small[2]:.2f}")
    print(f"import / (parse + normalise) at {arguments.large}: {large[1] / large[0]:.2f}")


if __name__ == "__main__":
    main()
