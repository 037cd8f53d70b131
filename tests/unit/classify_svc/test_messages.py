from __future__ import annotations

from classify_svc.messages import example_of, model_message
from classify_svc.model import TrainedModel
from classify_svc.registry import ModelRecord
from conflux.classify.v1 import classify_service_pb2 as pb
from conflux.type.v1 import channel_pb2


def test_a_document_becomes_an_example() -> None:
    document = pb.Document(
        subject="Sinistre",
        text="Dégât des eaux",
        channel=channel_pb2.CHANNEL_MAIL,
        attachment_media_types=["application/pdf"],
        party_known=True,
    )
    example = example_of(document, "claim")
    assert (example.subject, example.text, example.channel) == (
        "Sinistre",
        "Dégât des eaux",
        "mail",
    )
    assert example.attachment_media_types == ("application/pdf",)
    assert example.party_known
    assert example.category == "claim"
    assert example_of(pb.Document(text="x"), None).channel == ""


def test_the_report_is_sent_only_when_asked(model: TrainedModel) -> None:
    record = ModelRecord.of(model, in_service=True)
    full = model_message(record, with_report=True)
    metrics = full.metrics
    assert full.version == model.version and full.in_service
    assert full.data_sha256 == model.data_sha256
    assert [c.category for c in metrics.category_metrics] == list(model.categories)
    assert [r.category for r in metrics.confusion_matrix] == list(model.categories)
    assert [c.support for c in metrics.category_metrics] == [
        sum(row.predicted_counts) for row in metrics.confusion_matrix
    ]
    assert sum(c.support for c in metrics.category_metrics) == metrics.evaluation_count
    assert metrics.accepted_accuracy >= metrics.accuracy
    brief = model_message(record, with_report=False)
    assert not brief.metrics.category_metrics and not brief.metrics.confusion_matrix
    assert brief.metrics.accuracy == metrics.accuracy
