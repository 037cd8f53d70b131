"""Decision quality of the identity service on real records, against recordlinkage's classic
pipeline in the same run.

Data (read from ../shared/data/record_linkage, never copied):
- dedupe: 3,337 Chicago early-childhood site records from 9 sources, 1,162 true entities
  (organisations: site name, street address, zip, phone);
- splink: 50,578 Wikidata people with injected errors, 5,156 true entities (names, date of
  birth, birth place, postcode).

Protocol (the issue's): the entities are split, by a hash of their id, into known (80 %) and
unknown (20 %). The referential holds one record per known entity (its first in the file).
Every other record is resolved, written as the text of a request would carry it (a letter
signed with the name, the address block, the date of birth in a sentence); a record of an
unknown entity must come out unknown. Precision = right identifications / identifications;
recall = right identifications / records whose entity is known; ambiguous counts as not
identified.

The baseline is recordlinkage's classic pipeline on the same split: blocking (a union of
blocks on each field), comparison (Jaro–Winkler ≥ 0.85 on strings, exact on the others),
ECM, and each record's best match above 0.5 as its decision. It reads the structured fields,
not the text.

The identity service runs in process on its real stores (SQLite, embedded tantivy index), with
its default thresholds. Figures are printed, twice for each system: on the half of the entities
used while the weights were set (tune) and on the other half (test), by a hash of the entity.

Usage: .venv/bin/python bench/identity_quality.py [--dataset dedupe|splink|all] [--sample N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import recordlinkage  # noqa: E402

from bench.identity_harness import EmbeddedIdentity  # noqa: E402
from identity_svc.extraction import RequestText  # noqa: E402
from identity_svc.matching import Decision  # noqa: E402
from identity_svc.referential import Identifier, Party, PartyKind  # noqa: E402
from identity_svc.request_features import Request  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "record_linkage"
DEDUPE = DATA / "dedupe_examples" / "csv_example" / "csv_example_input_with_true_ids.csv"
SPLINK = DATA / "splink_datasets" / "historical_figures_with_errors_50k.parquet"
KNOWN_SHARE = 0.8
BASELINE_THRESHOLD = 0.5


@dataclass(frozen=True)
class Record:
    """One record: its entity, its fields for the baseline, as a party, and as a request."""

    entity: str
    fields: dict[str, str]
    party: Party
    request: Request


def _share(entity: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{entity}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def dedupe_records() -> list[Record]:
    """The Chicago sites, each as an organisation and as a letter from it."""
    records = []
    with DEDUPE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fields = {
                "name": " ".join(_clean(row["Site name"]).split()),
                "address": " ".join(_clean(row["Address"]).split()),
                "zip": _clean(row["Zip"]),
                "phone": _clean(row["Phone"]),
            }
            address = ", ".join(v for v in (fields["address"], fields["zip"]) if v)
            party = Party(
                party_id=f"D{row['Id']}",
                kind=PartyKind.ORGANISATION,
                display_name=fields["name"] or "?",
                identifiers=(Identifier("phone", fields["phone"]),) if fields["phone"] else (),
                postal_addresses=(address,) if address else (),
            )
            lines = [
                fields["name"],
                fields["address"],
                f"Chicago, IL {fields['zip']}".strip(),
                "",
                "To whom it may concern,",
                "please update the enrolment figures we sent last month for our site.",
                "",
                "Best regards,",
                fields["name"],
            ]
            if fields["phone"]:
                lines.append(f"Phone: {fields['phone'][:3]}-{fields['phone'][3:]}")
            request = Request(texts=(RequestText("body", "\n".join(lines)),))
            records.append(Record(_clean(row["True Id"]), fields, party, request))
    return records


def splink_records() -> list[Record]:
    """The Wikidata people, each as a person and as a letter from them."""
    frame = pd.read_parquet(SPLINK)
    records = []
    for row in frame.itertuples(index=False):
        fields = {
            "first_name": _clean(row.first_name),
            "surname": _clean(row.surname),
            "dob": _clean(row.dob),
            "birth_place": _clean(row.birth_place),
            "postcode": _clean(row.postcode_fake),
        }
        full_name = _clean(row.full_name) or "?"
        address = ", ".join(v for v in (fields["birth_place"], fields["postcode"].upper()) if v)
        party = Party(
            party_id=f"S{row.unique_id}",
            kind=PartyKind.PERSON,
            display_name=full_name.title(),
            given_name=fields["first_name"].title(),
            family_name=fields["surname"].title(),
            birth_date=fields["dob"],
            postal_addresses=(address,) if address else (),
        )
        lines = ["Dear Sir or Madam,", "", "I am writing about my file with you."]
        if fields["dob"]:
            lines.append(f"For your records, my date of birth is {fields['dob']}.")
        lines += ["", "Yours faithfully,", full_name.title()]
        if fields["birth_place"]:
            lines.append(fields["birth_place"].title())
        if fields["postcode"]:
            lines.append(fields["postcode"].upper())
        request = Request(texts=(RequestText("body", "\n".join(lines)),))
        records.append(Record(_clean(row.cluster), fields, party, request))
    return records


@dataclass
class Split:
    """The referential (one record per known entity) and the records to resolve."""

    referential: list[Record]
    queries: list[Record]
    known: set[str]


def split(records: Sequence[Record], sample: int) -> Split:
    """Known entities by hash; the first record of each known entity is the referential."""
    known = {r.entity for r in records if _share(r.entity, "known") < KNOWN_SHARE}
    referential: dict[str, Record] = {}
    queries = []
    for record in records:
        if record.entity in known and record.entity not in referential:
            referential[record.entity] = record
        else:
            queries.append(record)
    if sample and sample < len(queries):
        queries = random.Random(7).sample(queries, sample)
    return Split(list(referential.values()), queries, known)


@dataclass
class Quality:
    """Counts and the figures made from them."""

    identified: int = 0
    right: int = 0
    answerable: int = 0
    ambiguous: int = 0

    @property
    def precision(self) -> float:
        """Right identifications / identifications."""
        return self.right / self.identified if self.identified else 1.0

    @property
    def recall(self) -> float:
        """Right identifications / records whose entity is known."""
        return self.right / self.answerable if self.answerable else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def evaluate(
    data: Split, decisions: Sequence[tuple[str | None, bool]], half: Callable[[str], bool]
) -> Quality:
    """The quality of ``decisions`` (identified entity or None, ambiguous) on one half."""
    quality = Quality()
    for record, (entity, ambiguous) in zip(data.queries, decisions, strict=True):
        if not half(record.entity):
            continue
        quality.answerable += record.entity in data.known
        quality.ambiguous += ambiguous
        if entity is not None:
            quality.identified += 1
            quality.right += entity == record.entity
    return quality


def run_conflux(data: Split, region: str) -> tuple[list[tuple[str | None, bool]], float]:
    """Imports the referential and resolves every query; returns decisions and seconds."""
    entity_of = {r.party.party_id: r.entity for r in data.referential}
    with (
        tempfile.TemporaryDirectory() as directory,
        EmbeddedIdentity(Path(directory), region) as identity,
    ):
        report = identity.import_parties([r.party for r in data.referential])
        if report.rejections:
            print(f"  referential: {len(report.rejections)} values left out on import")
        started = time.perf_counter()
        decisions: list[tuple[str | None, bool]] = []
        for record in data.queries:
            outcome = identity.assess(record.request)
            if outcome.decision is Decision.IDENTIFIED:
                decisions.append((entity_of[outcome.party_id], False))
            else:
                decisions.append((None, outcome.decision is Decision.AMBIGUOUS))
        return decisions, time.perf_counter() - started


def run_recordlinkage(
    data: Split, strings: Sequence[str], exact: Sequence[str]
) -> tuple[list[tuple[str | None, bool]], float]:
    """recordlinkage's classic pipeline; returns decisions and seconds."""
    started = time.perf_counter()
    columns = [*strings, *exact]
    referential = pd.DataFrame(
        [{c: r.fields[c] or None for c in columns} for r in data.referential]
    )
    queries = pd.DataFrame([{c: r.fields[c] or None for c in columns} for r in data.queries])
    indexer = recordlinkage.Index()
    for column in columns:
        indexer.block(column)
    pairs = indexer.index(queries, referential)
    compare = recordlinkage.Compare()
    for column in strings:
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in exact:
        compare.exact(column, column, label=column)
    features = compare.compute(pairs, queries, referential)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classifier = recordlinkage.ECMClassifier(binarize=0.5)
        classifier.fit(features)
        probability = classifier.prob(features)
    best: dict[int, tuple[float, int]] = {}
    for (query, candidate), value in probability.items():
        if value >= BASELINE_THRESHOLD and value > best.get(query, (0.0, -1))[0]:
            best[query] = (value, candidate)
    decisions: list[tuple[str | None, bool]] = []
    for position in range(len(data.queries)):
        if position in best:
            decisions.append((data.referential[best[position][1]].entity, False))
        else:
            decisions.append((None, False))
    return decisions, time.perf_counter() - started


def report(
    name: str, data: Split, results: dict[str, tuple[list[tuple[str | None, bool]], float]]
) -> None:
    """Prints the figures of each system on the tune and test halves."""
    print(f"\n{name}: {len(data.referential)} parties, {len(data.queries)} records resolved")
    print(
        f"  {'system':<16}{'half':<6}{'precision':>10}{'recall':>8}{'F1':>8}"
        f"{'ambiguous':>10}{'seconds':>9}"
    )
    for system, (decisions, seconds) in results.items():
        for half_name, half in (
            ("tune", lambda e: _share(e, "half") < 0.5),
            ("test", lambda e: _share(e, "half") >= 0.5),
        ):
            q = evaluate(data, decisions, half)
            print(
                f"  {system:<16}{half_name:<6}{q.precision:>10.4f}{q.recall:>8.4f}{q.f1:>8.4f}"
                f"{q.ambiguous:>10}{seconds:>9.1f}"
            )


def main() -> None:
    """Runs the chosen datasets and prints their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("dedupe", "splink", "all"), default="all")
    parser.add_argument("--sample", type=int, default=0, help="resolve only N records (0: all)")
    arguments = parser.parse_args()
    if arguments.dataset in ("dedupe", "all"):
        data = split(dedupe_records(), arguments.sample)
        report(
            "dedupe_examples (Chicago sites)",
            data,
            {
                "conflux": run_conflux(data, "US"),
                "recordlinkage": run_recordlinkage(data, ("name", "address"), ("zip", "phone")),
            },
        )
    if arguments.dataset in ("splink", "all"):
        data = split(splink_records(), arguments.sample)
        report(
            "splink historical_figures_with_errors_50k",
            data,
            {
                "conflux": run_conflux(data, "GB"),
                "recordlinkage": run_recordlinkage(
                    data, ("first_name", "surname", "birth_place"), ("dob", "postcode")
                ),
            },
        )


if __name__ == "__main__":
    main()
