from __future__ import annotations

from classify_svc.messages import model_message
from classify_svc.model import TrainedModel
from classify_svc.registry import ModelRecord
from classify_svc.training_report import MAX_GRID_CATEGORIES, render_report
from conflux.classify.v1 import classify_service_pb2 as pb


def test_a_few_categories_get_the_whole_confusion_matrix(model: TrainedModel) -> None:
    message = model_message(ModelRecord.of(model, in_service=True), with_report=True)
    report = render_report(message)
    assert f"model {model.version} (in service)" in report
    assert f"accuracy {model.metrics.accuracy:.4f}" in report
    assert "to triage" in report
    for category in model.categories:
        assert sum(line.split()[:1] == [category] for line in report.splitlines()) == 1
    assert "confusion matrix" in report
    grid = report.split("confusion matrix", 1)[1].splitlines()[2:]
    assert len(grid) == len(model.categories)
    for line, row in zip(grid, model.metrics.confusion, strict=True):
        assert [int(cell) for cell in line.split()[2:]] == row


def test_many_categories_get_their_largest_confusions() -> None:
    count = MAX_GRID_CATEGORIES + 1
    names = [f"c{index:02d}" for index in range(count)]
    rows = []
    for index, name in enumerate(names):
        counts = [0] * count
        counts[index] = 10
        counts[(index + 1) % count] = index % 3
        rows.append(pb.ConfusionMatrixRow(category=name, predicted_counts=counts))
    model = pb.Model(
        version="m-1", categories=names, metrics=pb.ModelMetrics(confusion_matrix=rows)
    )
    report = render_report(model)
    confusions = report.split("largest confusions", 1)[1].splitlines()
    assert "8 pairs in all" in confusions[0]
    assert confusions[1].split() == ["2", "c02", "→", "c03"]
    assert len(confusions) == 1 + 8
