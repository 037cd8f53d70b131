"""A model's evaluation report as text an operator reads: figures, per category, confusions."""

from __future__ import annotations

from collections.abc import Sequence

from conflux.classify.v1 import classify_service_pb2 as pb

# Up to this many categories the whole confusion matrix fits a terminal; beyond, only the
# largest off-diagonal cells are listed.
MAX_GRID_CATEGORIES = 12
MAX_LISTED_CONFUSIONS = 20


def render_report(model: pb.Model) -> str:
    """The report of ``model``: its evaluation figures, precision, recall, F1 and support per
    category, and the confusion matrix (or its largest confusions when it is too wide)."""
    metrics = model.metrics
    lines = [
        f"model {model.version}" + (" (in service)" if model.in_service else ""),
        f"evaluation: {metrics.evaluation_method} on {metrics.evaluation_count} examples "
        f"(trained on {model.training_count})",
        f"accuracy {metrics.accuracy:.4f}   macro-F1 {metrics.macro_f1:.4f}   "
        f"calibration error {metrics.expected_calibration_error:.4f}",
        f"abstention threshold {model.abstention_threshold:.4f}: "
        f"{metrics.abstention_rate:.1%} to triage, "
        f"accuracy {metrics.accepted_accuracy:.4f} on the rest",
        "",
    ]
    width = max([len("category"), *(len(c.category) for c in metrics.category_metrics)])
    lines.append(f"{'category':<{width}}  precision  recall      f1  support")
    lines.extend(
        f"{c.category:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  {c.f1:6.3f}  {c.support:7d}"
        for c in metrics.category_metrics
    )
    lines.append("")
    lines.extend(_confusion_lines(metrics.confusion_matrix, width))
    return "\n".join(lines)


def _confusion_lines(matrix: Sequence[pb.ConfusionMatrixRow], width: int) -> list[str]:
    if len(matrix) <= MAX_GRID_CATEGORIES:
        cell = max(4, *(len(str(count)) + 1 for row in matrix for count in row.predicted_counts))
        header = "".join(f"{index:>{cell}}" for index in range(1, len(matrix) + 1))
        lines = ["confusion matrix (rows: true category; columns: predicted, numbered as rows)"]
        lines.append(f"{'':<{width + 4}}{header}")
        lines.extend(
            f"{index:>2}. {row.category:<{width}}"
            + "".join(f"{count:>{cell}}" for count in row.predicted_counts)
            for index, row in enumerate(matrix, start=1)
        )
        return lines
    categories = [row.category for row in matrix]
    confusions = sorted(
        (
            (count, row.category, categories[column])
            for row in matrix
            for column, count in enumerate(row.predicted_counts)
            if count and categories[column] != row.category
        ),
        key=lambda confusion: (-confusion[0], confusion[1], confusion[2]),
    )
    lines = [f"largest confusions (true → predicted), {len(confusions)} pairs in all"]
    lines.extend(
        f"{count:5d}  {true} → {predicted}"
        for count, true, predicted in confusions[:MAX_LISTED_CONFUSIONS]
    )
    return lines
