"""The corpus sweep's report: which files are messages and why, what ingestion did with them per
suite, why it refused what it refused, and where stored messages differ from their suites'
expectations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ingest_svc.media_types import TNEF
from tests.corpus.corpus_files import MESSAGE_KINDS, CorpusFile, FileKind
from tests.corpus.email_sweep import OUTLOOK_SUPPORT_MODULE, MessageOutcome
from tests.corpus.expected_message import Mismatch

_NAMES_SHOWN = 6
_COLUMNS = (
    ("messages", "messages"),
    ("accepted", "parsed and stored as accepted (receive)"),
    ("flagged", "accepted but flagged: automatic reply, flood or recovered damage"),
    ("auto", "flagged as automatic replies"),
    ("flood", "flagged as part of a flood (per-sender limits)"),
    ("damaged", "flagged with recovered damage (defects)"),
    ("refused", "refused by submit, stored in triage by receive"),
    ("dedup", "received as the item of an earlier file (same Message-ID or bytes)"),
    ("crashed", "raised something that is not a domain error"),
    ("compared", "with expected results in the corpus"),
    ("mismatch", "fields differing from the expected results"),
)


@dataclass
class _Counts:
    values: Counter[str]

    def row(self, label: str) -> str:
        cells = "".join(f"{self.values[key]:>9}" for key, _ in _COLUMNS)
        return f"  {label:<28}{cells}"


def sweep_summary(
    files: Sequence[CorpusFile],
    outcomes: Sequence[MessageOutcome],
    compared: Sequence[str],
    mismatches: Sequence[Mismatch],
    *,
    known_mismatches: Mapping[tuple[str, str], str],
    outlook_supported: bool,
) -> str:
    """The report, as lines of text; ``compared`` names the messages that had expectations,
    ``known_mismatches`` gives the documented reason of each known (message, field) mismatch."""
    lines = [
        "",
        "EMAIL CORPUS SWEEP",
        "",
        "Which files are messages, and why (first rule that matches):",
    ]
    groups = Counter((f.suite, f.kind, f.why) for f in files)
    for (suite, kind, why), count in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1].name)):
        marker = "*" if kind in MESSAGE_KINDS else " "
        lines.append(f" {marker} {suite:<26} {kind.value:<23} {count:>4}  {why}")
    lines.append("   (* swept through ingestion)")
    lines += ["", "What ingestion did, per suite:", _header()]
    per_suite: dict[str, Counter[str]] = defaultdict(Counter)
    mismatched = Counter(m.message for m in mismatches)
    compared_set = set(compared)
    for outcome in outcomes:
        _count(per_suite[outcome.file.suite], outcome, compared_set, mismatched)
    total: Counter[str] = Counter()
    for suite in sorted(per_suite):
        lines.append(_Counts(per_suite[suite]).row(suite))
        total.update(per_suite[suite])
    lines.append(_Counts(total).row("TOTAL"))
    lines += ["", "Columns:"] + [f"  {key:<9}{meaning}" for key, meaning in _COLUMNS]
    lines += _outlook_lines(outcomes, outlook_supported)
    lines += _refusal_lines(outcomes)
    lines += _mismatch_lines(mismatches, known_mismatches)
    return "\n".join(lines)


def _header() -> str:
    return "  " + " " * 28 + "".join(f"{key:>9}" for key, _ in _COLUMNS)


def _count(
    counts: Counter[str],
    outcome: MessageOutcome,
    compared: set[str],
    mismatched: Counter[str],
) -> None:
    counts["messages"] += 1
    counts["accepted"] += bool(outcome.state) and not outcome.triaged
    counts["flagged"] += outcome.flagged
    counts["auto"] += bool(outcome.auto_reply)
    counts["flood"] += bool(outcome.flood)
    counts["damaged"] += bool(outcome.defects) and not outcome.triaged
    counts["refused"] += bool(outcome.refusal)
    counts["dedup"] += bool(outcome.duplicate_of)
    counts["crashed"] += bool(outcome.crashes)
    counts["compared"] += outcome.file.label in compared
    counts["mismatch"] += mismatched[outcome.file.label]


def _outlook_lines(outcomes: Sequence[MessageOutcome], supported: bool) -> list[str]:
    status = "present" if supported else "absent: .msg and TNEF counted as NOT YET SUPPORTED"
    lines = ["", f"Outlook support ({OUTLOOK_SUPPORT_MODULE}): {status}"]
    msg = [o for o in outcomes if o.file.kind is FileKind.OUTLOOK_MSG]
    refused = [o for o in msg if o.refusal]
    lines.append(f"  .msg offered as is: {len(msg) - len(refused)} of {len(msg)} parsed")
    lines += [f"    refused {o.file.name}: {o.refusal}" for o in refused]
    tnef = [o for o in outcomes if o.file.kind is FileKind.TNEF]
    kept = [o for o in tnef if o.stored is None or TNEF in o.attachment_types]
    lines.append(f"  TNEF offered as winmail.dat: {len(tnef) - len(kept)} of {len(tnef)} unpacked")
    for outcome in kept:
        why = [d for d in outcome.defects if "TNEF" in d] or [outcome.refusal]
        lines.append(f"    not unpacked {outcome.file.name}: {'; '.join(why)}")
    return lines


def _refusal_lines(outcomes: Sequence[MessageOutcome]) -> list[str]:
    by_reason: dict[str, list[str]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.refusal:
            by_reason[_reason_key(outcome.refusal)].append(outcome.file.label)
    lines = ["", "Refusals (submit) = triage (receive), by reason:"]
    for reason, labels in sorted(by_reason.items(), key=lambda entry: -len(entry[1])):
        shown = ", ".join(labels[:_NAMES_SHOWN]) + (" ..." if len(labels) > _NAMES_SHOWN else "")
        lines.append(f"  {len(labels):>4}  {reason}")
        lines.append(f"        {shown}")
    return lines


def _reason_key(refusal: str) -> str:
    """A refusal without what differs from one file to the next (quoted bytes, sizes)."""
    return refusal.split(": the first line", maxsplit=1)[0].split(" (", maxsplit=1)[0]


def _mismatch_lines(
    mismatches: Sequence[Mismatch], known: Mapping[tuple[str, str], str]
) -> list[str]:
    lines = ["", f"Mismatches with the expected results: {len(mismatches)}"]
    for mismatch in mismatches:
        reason = known.get((mismatch.message, mismatch.field), "NEW: not a known mismatch")
        lines.append(f"  {mismatch.message} [{mismatch.field}] {reason}")
        lines.append(f"      expected {mismatch.expected}")
        lines.append(f"      stored   {mismatch.actual}")
    found = {(m.message, m.field) for m in mismatches}
    fixed = sorted(set(known) - found)
    if fixed:
        lines.append("Known mismatches no longer found (remove them from KNOWN_MISMATCHES):")
        lines += [f"  {message} [{field}]" for message, field in fixed]
    return lines
