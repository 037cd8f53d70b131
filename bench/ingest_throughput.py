"""Ingestion throughput on a mixed corpus: parsing and normalisation alone, and with durable
storage, in the same run, on the same items.

The items: every message of the public email corpus (``../shared/data/email``: RFC 822, Outlook
.msg, TNEF as winmail.dat, offered as the corpus sweep offers them), and items generated with a
fixed seed: emails with one or two PDF attachments (a text layer each) and SMS as JSON. Each item
has its own request id, so that none is deduplicated and every one is stored.

It prints, per item kind and overall:

- (a) normalisation alone: ``intake.normalise`` in this thread, one item after the other;
- (b) the same plus durable storage: ``FrontDoor.submit`` of the service's own component
  (normalisation, the flood guard, blobs written and fsynced, the SQLite commit with
  ``synchronous=FULL``), each run in a fresh store;
- both with one client (item by item, (a) and (b) interleaved) and with ``--clients``
  concurrent clients ((a) in a worker pool of the component's size), and the throughput ratio
  (b)/(a) of each: the goal is >= 0.67 (storage costs at most half as much again as parsing);
- where storage time goes: the same items' blobs written alone (``BlobStore.put``: write, fsync,
  rename, directory fsync) and the rest (SQLite commit, flood guard, pool hops) by difference;
- ingest's rate beside the pipeline's, when ``--pipeline-rate`` gives it (requests/s, as
  ``bench/pipeline_throughput.py`` prints it).

The store lives in ``--directory`` (default: the system's temporary directory): fsync costs
what that file system's disk costs, so measure where the data directory will be. To see where
storage time goes line by line, run it under py-spy (installed in the venv), idle threads
included since fsync waits are the point:
``.venv/bin/py-spy record --idle --format raw -o profile.txt -- .venv/bin/python
bench/ingest_throughput.py`` and read the samples under ``FrontDoor._store``.

Usage: .venv/bin/python bench/ingest_throughput.py [--emails 200] [--sms 200] [--clients 4]
       [--seed 11] [--directory DIR] [--pipeline-rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from chassis.errors import ConfluxError  # noqa: E402
from chassis.vocabulary import Channel  # noqa: E402
from chassis.workers import BlockingPool, default_pool_size  # noqa: E402
from ingest_svc.blob_store import BlobStore  # noqa: E402
from ingest_svc.intake import NormalisedItem, Submission, normalise  # noqa: E402
from tests.corpus.corpus_files import EMAIL_CORPUS, MESSAGE_KINDS, corpus_files  # noqa: E402
from tests.corpus.email_sweep import corpus_submission  # noqa: E402
from tests.corpus.ingest_store import IngestStore, ingest_store  # noqa: E402
from tests.support.documents import email_bytes, short_message_json, text_layer_pdf  # noqa: E402

GOAL_RATIO = 0.67
FIRST_NAMES = ("Anne", "Bruno", "Chloé", "David", "Émilie", "Farid", "Gaëlle", "Hugo", "Inès")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand")
SUBJECTS = (
    "Déclaration de sinistre, contrat {contract}",
    "Attestation demandée pour le contrat {contract}",
    "Changement de RIB — {contract}",
    "Claim form for policy {contract}",
    "Résiliation du contrat {contract}",
)
BODIES = (
    "Bonjour,\n\nVeuillez trouver ci-joint {what} concernant le contrat {contract}.\n"
    "Je reste à votre disposition.\n\nCordialement,\n{name}",
    "Hello,\n\nPlease find attached {what} for policy {contract}. Could you confirm receipt?\n\n"
    "Best regards,\n{name}",
)
DOCUMENTS = ("la déclaration", "le RIB", "the signed form", "la facture", "le constat amiable")
SMS_TEXTS = (
    "Bonjour, mon prélèvement a été rejeté, contrat {contract}, pouvez-vous me rappeler ?",
    "Hello, I moved house, please update contract {contract}.",
    "Je souhaite résilier le contrat {contract} à l'échéance. Merci",
)


@dataclass(frozen=True)
class BenchItem:
    """One item of the mixed corpus and its kind (how the figures are grouped)."""

    kind: str
    submission: Submission


@dataclass(frozen=True)
class Timing:
    """Durations of one pass, per item, in seconds, and the pass's wall time."""

    per_item: list[tuple[str, float]]
    elapsed: float

    @classmethod
    def of(cls, per_item: list[tuple[str, float]]) -> Timing:
        """A pass whose items ran one after the other: its time is the sum of theirs."""
        return cls(per_item, sum(duration for _, duration in per_item))

    def rate(self) -> float:
        """Items per second over the pass."""
        return len(self.per_item) / self.elapsed

    def median_ms(self, kind: str = "") -> float:
        """The median duration of the items of ``kind`` (all when ""), in milliseconds."""
        values = [d for k, d in self.per_item if not kind or k == kind]
        return statistics.median(values) * 1000 if values else float("nan")


def mixed_corpus(emails: int, sms: int, seed: int) -> list[BenchItem]:
    """The corpus messages, then ``emails`` generated emails with PDFs and ``sms`` SMS, shuffled
    with ``seed``; every item has its own request id."""
    rng = random.Random(seed)
    items: list[BenchItem] = []
    if EMAIL_CORPUS.is_dir():
        for file in corpus_files():
            if file.kind in MESSAGE_KINDS:
                items.append(BenchItem(f"corpus {file.kind.value}", corpus_submission(file)))
    for number in range(emails):
        items.append(BenchItem("email + PDF", _generated_email(rng, number)))
    for number in range(sms):
        items.append(BenchItem("SMS JSON", _generated_sms(rng, number)))
    rng.shuffle(items)
    return [
        BenchItem(item.kind, replace(item.submission, request_id=f"bench-{seed}-{number}"))
        for number, item in enumerate(items)
    ]


def _generated_email(rng: random.Random, number: int) -> Submission:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    contract = f"CTR-{rng.randrange(10**8):08d}"
    name = f"{first} {last}"
    attachments = [
        (
            f"document-{number}-{index}.pdf",
            "application/pdf",
            text_layer_pdf(
                [[f"Contrat {contract}", f"Client {name}", f"Pièce {index + 1}", str(number)]]
                * rng.randint(1, 3)
            ),
        )
        for index in range(rng.randint(1, 2))
    ]
    raw = email_bytes(
        sender=f"{name} <{first.lower()}.{last.lower()}.{number}@example.com>",
        subject=rng.choice(SUBJECTS).format(contract=contract),
        body=rng.choice(BODIES).format(what=rng.choice(DOCUMENTS), contract=contract, name=name),
        attachments=attachments,
        message_id=f"<bench-{number}-{rng.randrange(10**9)}@example.com>",
    )
    return Submission(Channel.EMAIL, file_name=f"generated-{number}.eml", raw=raw)


def _generated_sms(rng: random.Random, number: int) -> Submission:
    contract = f"CTR-{rng.randrange(10**8):08d}"
    raw = short_message_json(
        sender=f"+336{rng.randrange(10**8):08d}",
        body=f"{rng.choice(SMS_TEXTS).format(contract=contract)} ({number})",
    )
    return Submission(Channel.SMS, file_name=f"sms-{number}.json", raw=raw)


async def normalise_and_store(
    items: list[BenchItem], store: IngestStore
) -> tuple[Timing, Timing, list[NormalisedItem]]:
    """(a) and (b) with one client, item by item: ``normalise`` of the item in this thread, then
    its ``FrontDoor.submit``; interleaved, so that both see the same machine. A refused item is
    timed too: it costs its parsing all the same."""
    parsing: list[tuple[str, float]] = []
    storing: list[tuple[str, float]] = []
    normalised: list[NormalisedItem] = []
    for item in items:
        begin = time.perf_counter()
        with contextlib.suppress(ConfluxError):
            normalised.append(normalise(item.submission, store.front_door.limits))
        parsing.append((item.kind, time.perf_counter() - begin))
        begin = time.perf_counter()
        with contextlib.suppress(ConfluxError):
            await store.front_door.submit(item.submission)
        storing.append((item.kind, time.perf_counter() - begin))
    return Timing.of(parsing), Timing.of(storing), normalised


async def concurrently(
    items: list[BenchItem], clients: int, handle: Callable[[Submission], Awaitable[object]]
) -> Timing:
    """``handle`` of every item by ``clients`` concurrent clients, each taking its share one
    item at a time; a refused item is timed too."""
    per_item: list[tuple[str, float]] = []

    async def client(share: list[BenchItem]) -> None:
        for item in share:
            begin = time.perf_counter()
            with contextlib.suppress(ConfluxError):
                await handle(item.submission)
            per_item.append((item.kind, time.perf_counter() - begin))

    started = time.perf_counter()
    await asyncio.gather(*(client(items[n::clients]) for n in range(clients)))
    return Timing(per_item, time.perf_counter() - started)


def blobs_alone(normalised: list[NormalisedItem], directory: Path) -> Timing:
    """The blobs of the normalised items (raw bytes and attachments) written by ``BlobStore``
    alone, in a fresh directory: the fsync part of storage."""
    blobs = BlobStore(directory)
    per_item: list[tuple[str, float]] = []
    for item in normalised:
        begin = time.perf_counter()
        blobs.put(item.raw)
        for attachment in item.attachments:
            blobs.put(attachment.data)
        per_item.append((item.channel.value, time.perf_counter() - begin))
    return Timing.of(per_item)


@dataclass(frozen=True)
class Measurements:
    """The passes of one run."""

    parsing: Timing
    """(a) ``normalise`` alone, one item after the other."""
    storing: Timing
    """(b) ``FrontDoor.submit``, one item after the other (interleaved with (a))."""
    parsing_concurrent: Timing
    """(a) by concurrent clients, in a worker pool."""
    storing_concurrent: Timing
    """(b) by concurrent clients."""
    blob_writes: Timing
    """The blobs of (b) written alone."""


def report(items: list[BenchItem], measured: Measurements, arguments: argparse.Namespace) -> None:
    """Prints the figures."""
    parsing, storing = measured.parsing, measured.storing
    blob_writes = measured.blob_writes
    kinds: dict[str, int] = defaultdict(int)
    for item in items:
        kinds[item.kind] += 1
    print(f"ingest throughput: {len(items)} items, seed {arguments.seed}")
    print(f"  {'median per item':<32}{'(a) normalise':>14}{'(b) + storage':>15}")
    for kind, count in sorted(kinds.items()):
        print(
            f"  {kind:<24}{count:>5} x {parsing.median_ms(kind):10.2f} ms"
            f"{storing.median_ms(kind):12.2f} ms"
        )
    print(f"  {'throughput':<32}{'(a) items/s':>14}{'(b) items/s':>15}{'(b)/(a)':>10}")
    for label, normalising, durable in (
        ("1 client", parsing, storing),
        (f"{arguments.clients} clients", measured.parsing_concurrent, measured.storing_concurrent),
    ):
        ratio = durable.rate() / normalising.rate()
        verdict = "meets" if ratio >= GOAL_RATIO else "misses"
        print(
            f"  {label:<32}{normalising.rate():14.1f}{durable.rate():15.1f}{ratio:10.3f}"
            f"   {verdict} the goal >= {GOAL_RATIO}"
        )
    # (a) and (b) with one client ran item by item, in the same order: their difference is what
    # storing one item costs.
    storage_ms = 1000 * statistics.median(
        stored - parsed
        for (_, stored), (_, parsed) in zip(storing.per_item, parsing.per_item, strict=True)
    )
    print(
        f"  storage per item (median of (b) - (a), 1 client) {storage_ms:6.2f} ms, of which the "
        f"blobs written and fsynced alone take {blob_writes.median_ms():6.2f} ms "
        f"({blob_writes.rate():.1f} items/s); the rest is the SQLite commit, the flood guard "
        "and the pool hops"
    )
    if arguments.pipeline_rate:
        pipeline = arguments.pipeline_rate
        print(
            f"  pipeline {pipeline:.1f} requests/s: ingest with storage takes "
            f"{measured.storing_concurrent.rate() / pipeline:.1f}x that with "
            f"{arguments.clients} clients, {storing.rate() / pipeline:.1f}x with one"
        )


async def _run(arguments: argparse.Namespace) -> None:
    items = mixed_corpus(arguments.emails, arguments.sms, arguments.seed)
    clients = arguments.clients
    with tempfile.TemporaryDirectory(dir=arguments.directory) as directory:
        base = Path(directory)
        async with ingest_store(base / "one-client") as store:
            limits = store.front_door.limits
            for item in items[:20]:  # imports and caches warm, not measured
                with contextlib.suppress(ConfluxError):
                    normalise(item.submission, limits)
            parsing, storing, normalised = await normalise_and_store(items, store)
        # Parsing alone at the same concurrency, in a pool of the size the component gives its
        # own, right before the concurrent storing pass.
        pool = BlockingPool("parse", max(2, default_pool_size()))

        async def parse(submission: Submission) -> NormalisedItem:
            return await pool.run(normalise, submission, limits)

        try:
            parsing_concurrent = await concurrently(items, clients, parse)
        finally:
            pool.close()
        async with ingest_store(base / "clients") as store:
            storing_concurrent = await concurrently(items, clients, store.front_door.submit)
        blob_writes = blobs_alone(normalised, base / "blobs-alone")
    measured = Measurements(parsing, storing, parsing_concurrent, storing_concurrent, blob_writes)
    report(items, measured, arguments)


def main() -> None:
    """Runs the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--sms", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--directory", type=Path, default=None)
    parser.add_argument("--pipeline-rate", type=float, default=0.0)
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
