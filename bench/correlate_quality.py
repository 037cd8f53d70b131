"""Decision quality of correlation on a labelled cross-channel corpus, against exact-attribute
matching, with the weights and thresholds tuned on a training split.

1. Generates the corpus (``bench/correlate_corpus.py``, fixed seed) and splits it by customer:
   half the customers for training, half for testing (no customer, hence no demand, in both).
2. On the training half: scores every request against every candidate the ledger would give it
   (its party's requests in the window; when a party is unknown, requests sharing a reference or
   an attachment), fits the weights by logistic regression on those pairs (same demand or not),
   then picks the duplicate threshold that maximises F1 of duplicate detection, and the related
   threshold that maximises F1 of "another demand of the same customer and kind".
3. On the test half, in arrival order, through the real service code (``Ledger.correlate`` on a
   SQLite ledger with a tantivy index fed by the outbox): precision, recall and F1 of duplicate
   detection (a request is a true positive when it is marked duplicate and joins a case holding
   an earlier request of its demand), the share of work items avoided (requests that opened no
   case), for the tuned values, the shipped defaults, and exact-attribute matching (a request is
   a duplicate of the latest open request of its party with the same category in the window).
4. Sanity check of content similarity alone on MRPC (threshold tuned on its train split, F1 on
   its test split; the data README's reference: character TF-IDF cosine 0.80) and French STS-B
   (Spearman correlation with the human scores of its test split), when ``../shared/data`` is
   there.

Figures of the last run are in ``FIGURES`` below (each run prints its own); the tuned values
are the shipped defaults of ``correlate_svc.decision``. The goal of F1 0.95 is not reached:
the errors left are mostly a customer's second demand of the same kind within weeks (another
invoice, another claim) whose text gives no fact telling it from the first (an SMS "any news on
my claim?"), and unknown senders quoting no reference, which eligibility rules out by design.

Usage: .venv/bin/python bench/correlate_quality.py [--seed 7] [--customers 1200]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from correlate_corpus import CorpusRequest, generate  # noqa: E402

from chassis.database import Database  # noqa: E402
from chassis.migrations import upgrade  # noqa: E402
from chassis.search.tantivy_index import TantivyIndex  # noqa: E402
from chassis.workers import BlockingPool  # noqa: E402
from correlate_svc.decision import (  # noqa: E402
    Decision,
    RequestFacts,
    Scored,
    Signals,
    Thresholds,
    Weights,
    probability,
    score_candidates,
)
from correlate_svc.index_feeder import IndexFeeder  # noqa: E402
from correlate_svc.ledger import Ledger, NewRequest  # noqa: E402
from correlate_svc.request_index import SCHEMA  # noqa: E402
from correlate_svc.service import DEFINITION  # noqa: E402
from correlate_svc.similarity import cosine, term_vector  # noqa: E402

SIMILARITY = ROOT.parent / "shared" / "data" / "similarity"
WINDOW = timedelta(days=60)
SIGNAL_WEIGHTS = (
    "content",
    "shared_reference",
    "agreeing_facts",
    "conflicting_facts",
    "same_category",
    "other_category",
    "time",
    "other_channel",
)
"""The ``Weights`` fields, in the order of ``_features``."""

FIGURES = """
seed 7, 1,200 customers: 2,471 training and 2,576 test requests (796 duplicates, 30.9%)
tuned on train: bias=-8.6 content=5.3 shared_reference=-0.7 agreeing_facts=1.6
  conflicting_facts=-3.3 same_category=1.3 other_category=-2.0 time=6.2 other_channel=2.2;
  duplicate=0.38 related=0.10 (the shipped defaults)
test split, in arrival order through Ledger.correlate:
                          precision  recall    F1   work items avoided (ideal 30.9%)
  tuned (= defaults)        0.859    0.903   0.881     32.5% (4.6% wrongly)
  exact attributes          0.739    0.753   0.745     31.5% (8.2% wrongly)
content similarity alone: MRPC test F1 0.814 (always "paraphrase": 0.799; reference char
TF-IDF 0.80); French STS-B test Spearman 0.653
"""


@dataclass(frozen=True)
class Scores:
    """Duplicate detection on one split by one method."""

    true_positives: int
    false_positives: int
    false_negatives: int
    requests: int
    cases: int
    demands: int

    @property
    def precision(self) -> float:
        """Share of the duplicates found that are right."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of the true duplicates found."""
        truth = self.true_positives + self.false_negatives
        return self.true_positives / truth if truth else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / total if total else 1.0

    def line(self, name: str) -> str:
        """One line of the report."""
        avoided = (self.requests - self.cases) / self.requests
        wrongly = self.false_positives / self.requests
        return (
            f"  {name:<24}{self.precision:>7.3f}{self.recall:>9.3f}{self.f1:>8.3f}"
            f"{avoided:>10.1%} ({wrongly:.1%} wrongly)"
        )


def facts_of(request: CorpusRequest) -> RequestFacts:
    """The request as correlation sees it."""
    return RequestFacts(
        request_id=request.request_id,
        party_id=request.party_id,
        category=request.category,
        channel=request.channel,
        subject=request.subject,
        text=request.text,
        sent_time=datetime.fromisoformat(request.sent_time),
        references=frozenset(request.references),
        attachment_sha256s=frozenset(request.attachment_sha256s),
        case_id=request.demand_id,
    )


def split(corpus: Sequence[CorpusRequest]) -> tuple[list[CorpusRequest], list[CorpusRequest]]:
    """Training and test halves, by customer."""
    train, test = [], []
    for request in corpus:
        (train if zlib.crc32(request.customer_id.encode()) % 2 == 0 else test).append(request)
    return train, test


def candidate_pairs(requests: Sequence[CorpusRequest]) -> list[tuple[CorpusRequest, list[Scored]]]:
    """Each request with its eligible candidates scored (signals only matter: any weights)."""
    facts = [facts_of(r) for r in requests]
    pairs = []
    for position, request in enumerate(requests):
        new = facts[position]
        candidates = [
            c
            for c in facts[:position]
            if new.sent_time - c.sent_time <= WINDOW
            and (
                (new.party_id and c.party_id == new.party_id)
                or c.references & new.references
                or c.attachment_sha256s & new.attachment_sha256s
            )
        ]
        scored = [s for s in score_candidates(new, candidates, Weights(), WINDOW) if s.eligible]
        pairs.append((request, scored))
    return pairs


def _features(found: Signals) -> list[float]:
    return [
        found.content,
        float(bool(found.shared)),
        float(bool(found.agreeing)),
        float(bool(found.conflicting)),
        float(found.same_category),
        float(found.other_category),
        found.closeness,
        float(found.other_channel),
    ]


def fit_weights(pairs: Sequence[tuple[CorpusRequest, list[Scored]]]) -> Weights:
    """Logistic regression of "same demand" on the signals of every candidate pair."""
    rows, labels = [], []
    for request, scored in pairs:
        for candidate in scored:
            rows.append(_features(candidate.signals))
            labels.append(candidate.candidate.case_id == request.demand_id)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(np.array(rows), np.array(labels))
    values = dict(zip(SIGNAL_WEIGHTS, (round(float(w), 1) for w in model.coef_[0]), strict=True))
    return Weights(bias=round(float(model.intercept_[0]), 1), **values)


def _best(scored: Sequence[Scored], weights: Weights) -> tuple[float, Scored] | None:
    ranked = [(probability(s.signals, weights), s) for s in scored]
    return max(ranked, key=lambda pair: pair[0]) if ranked else None


def tune_thresholds(
    pairs: Sequence[tuple[CorpusRequest, list[Scored]]], weights: Weights
) -> Thresholds:
    """The duplicate threshold that maximises duplicate F1, then the related threshold that
    maximises F1 of "another demand of the same customer and kind", on these pairs."""
    earlier: set[str] = set()
    truth = set()
    for request, _ in pairs:
        if request.demand_id in earlier:
            truth.add(request.request_id)
        earlier.add(request.demand_id)
    bests = [(request, _best(scored, weights)) for request, scored in pairs]
    grid = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]

    def duplicate_f1(threshold: float) -> float:
        tp = fp = 0
        for request, best in bests:
            if best is not None and best[0] >= threshold:
                if best[1].candidate.case_id == request.demand_id:
                    tp += 1
                else:
                    fp += 1
        return 2 * tp / (2 * tp + fp + (len(truth) - tp))

    duplicate = max(grid, key=lambda t: (duplicate_f1(t), -t))
    kinds = {r.request_id: r.true_category for r, _ in pairs}

    def related_f1(threshold: float) -> float:
        tp = fp = fn = 0
        for request, best in bests:
            if best is None or best[0] >= duplicate:
                continue
            related = best[0] >= threshold
            right = (
                best[1].candidate.case_id != request.demand_id
                and kinds[best[1].candidate.request_id] == request.true_category
            )
            tp += related and right
            fp += related and not right
            fn += right and not related
        total = 2 * tp + fp + fn
        return 2 * tp / total if total else 0.0

    related = max((t for t in grid if t < duplicate), key=lambda t: (related_f1(t), -t))
    return Thresholds(duplicate=duplicate, related=related, window=WINDOW)


def run_ledger(
    requests: Sequence[CorpusRequest], weights: Weights, thresholds: Thresholds
) -> Scores:
    """Correlates the requests in order through the service's ledger; scores the outcome."""
    with tempfile.TemporaryDirectory() as directory:
        database = Database(f"sqlite:///{directory}/correlate.sqlite3")
        upgrade(database, DEFINITION.migrations, "correlate")
        index = TantivyIndex(SCHEMA, None)
        ledger = Ledger(database, index, weights, thresholds, timedelta(days=14))
        pool = BlockingPool("feeder", 1)
        feeder = IndexFeeder(ledger, index, pool)
        demand_of_case: dict[str, set[str]] = defaultdict(set)
        outcomes = []
        for position, request in enumerate(requests):
            correlation = ledger.correlate(_new_request(request))
            outcomes.append((request, correlation.decision, correlation.case_id))
            demand_of_case[correlation.case_id].add(request.demand_id)
            if position % 25 == 24:
                feeder.drain_once()
        pool.close()
        database.dispose()
    seen: set[str] = set()
    tp = fp = fn = 0
    cases = set()
    for request, decision, case_id in outcomes:
        duplicate = request.demand_id in seen
        seen.add(request.demand_id)
        if decision is Decision.DUPLICATE:
            # Right when the case it joins already held an earlier request of its demand.
            right = duplicate and _case_held_demand(outcomes, request, case_id)
            tp += right
            fp += not right
            fn += duplicate and not right
        else:
            cases.add(case_id)
            fn += duplicate
    return Scores(tp, fp, fn, len(requests), len(cases), len(seen))


def _case_held_demand(
    outcomes: Sequence[tuple[CorpusRequest, Decision, str]], request: CorpusRequest, case_id: str
) -> bool:
    for earlier, _, earlier_case in outcomes:
        if earlier.request_id == request.request_id:
            return False
        if earlier_case == case_id and earlier.demand_id == request.demand_id:
            return True
    return False


def _new_request(request: CorpusRequest) -> NewRequest:
    return NewRequest(
        request_id=request.request_id,
        channel=request.channel,
        party_id=request.party_id,
        category=request.category,
        subject=request.subject,
        text=request.text,
        sent_time=datetime.fromisoformat(request.sent_time),
        references=tuple(request.references),
        attachment_sha256s=tuple(request.attachment_sha256s),
    )


def exact_attributes(requests: Sequence[CorpusRequest]) -> Scores:
    """Same party and same category within the window: a duplicate of the latest such."""
    latest: dict[tuple[str, str], tuple[datetime, str, set[str]]] = {}
    seen: set[str] = set()
    tp = fp = fn = cases = 0
    for request in requests:
        duplicate = request.demand_id in seen
        seen.add(request.demand_id)
        sent = datetime.fromisoformat(request.sent_time)
        key = (request.party_id, request.category)
        match = latest.get(key) if request.party_id and request.category else None
        if match is not None and sent - match[0] <= WINDOW:
            right = duplicate and request.demand_id in match[2]
            tp += right
            fp += not right
            fn += duplicate and not right
            match[2].add(request.demand_id)
            latest[key] = (sent, match[1], match[2])
        else:
            cases += 1
            fn += duplicate
            if request.party_id and request.category:
                latest[key] = (sent, request.request_id, {request.demand_id})
    return Scores(tp, fp, fn, len(requests), cases, len(seen))


def mrpc_f1() -> tuple[float, float] | None:
    """Content similarity alone on MRPC: test F1 with the threshold tuned on train, and the F1
    of answering "paraphrase" always."""
    folder = SIMILARITY / "mrpc"
    if not folder.is_dir():
        return None

    def read(name: str) -> list[tuple[bool, float]]:
        with (folder / name).open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        return [(row[0] == "1", cosine(term_vector(row[3]), term_vector(row[4]))) for row in rows]

    def f1(pairs: Iterable[tuple[bool, float]], threshold: float) -> float:
        tp = fp = fn = 0
        for label, similarity in pairs:
            tp += label and similarity >= threshold
            fp += (not label) and similarity >= threshold
            fn += label and similarity < threshold
        return 2 * tp / (2 * tp + fp + fn)

    train, test = read("msr_paraphrase_train_original4076.txt"), read("msr_paraphrase_test.txt")
    threshold = max(np.arange(0.0, 1.0, 0.01), key=lambda t: f1(train, t))
    return f1(test, threshold), f1(test, 0.0)


def stsb_spearman() -> float | None:
    """Spearman correlation of content similarity with French STS-B test scores."""
    path = SIMILARITY / "stsb_multi_mt_fr" / "stsb-fr-test.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    ours = [cosine(term_vector(a), term_vector(b)) for a, b, _ in rows]
    return float(spearmanr(ours, [float(s) for _, _, s in rows]).statistic)


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=1200)
    arguments = parser.parse_args()

    train, test = split(generate(arguments.seed, arguments.customers))
    print(f"corpus: {len(train)} training and {len(test)} test requests")
    pairs = candidate_pairs(train)
    weights = fit_weights(pairs)
    thresholds = tune_thresholds(pairs, weights)
    print("tuned on the training split:")
    print("  " + ", ".join(f"{f.name}={getattr(weights, f.name)}" for f in fields(Weights)))
    print(f"  duplicate={thresholds.duplicate}, related={thresholds.related}")

    demands = len({r.demand_id for r in test})
    duplicates = len(test) - demands
    print(
        f"test split ({len(test)} requests, {duplicates} duplicates, "
        f"ideal work items avoided {duplicates / len(test):.1%}):"
    )
    print("                          precision  recall    F1   work items avoided")
    print(run_ledger(test, weights, thresholds).line("tuned"))
    print(run_ledger(test, Weights(), Thresholds()).line("shipped defaults"))
    print(exact_attributes(test).line("exact attributes"))

    mrpc = mrpc_f1()
    stsb = stsb_spearman()
    if mrpc is None or stsb is None:
        print(f"content similarity alone: {SIMILARITY} is absent, not measured")
    else:
        print(
            f"content similarity alone: MRPC test F1 {mrpc[0]:.3f} (always 'paraphrase': "
            f"{mrpc[1]:.3f}; reference char TF-IDF 0.80); French STS-B test Spearman {stsb:.3f}"
        )
    print(f"median request length: {statistics.median(len(r.text) for r in test)} characters")


if __name__ == "__main__":
    main()
