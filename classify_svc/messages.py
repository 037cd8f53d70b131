"""Examples, model records and feedback as ``conflux.classify.v1`` carries them: both ways."""

from __future__ import annotations

from chassis.timestamps import to_timestamp
from chassis.vocabulary import Channel
from classify_svc.example_store import FeedbackOutcome
from classify_svc.examples import Example
from classify_svc.model import Evaluation
from classify_svc.registry import ModelRecord
from conflux.classify.v1 import classify_service_pb2 as pb

FEEDBACK_OUTCOMES = {
    FeedbackOutcome.CREATED: pb.FEEDBACK_OUTCOME_CREATED,
    FeedbackOutcome.UPDATED: pb.FEEDBACK_OUTCOME_UPDATED,
    FeedbackOutcome.UNCHANGED: pb.FEEDBACK_OUTCOME_UNCHANGED,
}
"""Each feedback outcome's protobuf value."""
EVALUATIONS = {
    pb.EVALUATION_METHOD_CROSS_VALIDATION: Evaluation.CROSS_VALIDATION,
    pb.EVALUATION_METHOD_HOLDOUT: Evaluation.HOLDOUT,
}
"""The evaluation each explicit protobuf method asks for (UNSPECIFIED: the service chooses)."""


def example_of(document: pb.Document, category: str | None) -> Example:
    """The example a document describes, labelled with ``category`` when given."""
    channel = Channel.from_proto(document.channel)
    return Example(
        subject=document.subject,
        text=document.text,
        channel=channel.value if channel else "",
        attachment_media_types=tuple(document.attachment_media_types),
        party_known=document.party_known,
        category=category,
    )


def model_message(record: ModelRecord, *, with_report: bool) -> pb.Model:
    """The model of ``record``; per-category metrics and the confusion matrix only
    ``with_report``."""
    metrics = record.metrics
    message = pb.Model(
        version=record.version,
        categories=list(record.categories),
        training_count=record.training_count,
        metrics=pb.ModelMetrics(
            accuracy=metrics.accuracy,
            macro_f1=metrics.macro_f1,
            evaluation_count=metrics.evaluation_count,
            evaluation_method=metrics.evaluation_method,
            expected_calibration_error=metrics.expected_calibration_error,
            abstention_rate=metrics.abstention_rate,
            accepted_accuracy=metrics.accepted_accuracy,
        ),
        create_time=to_timestamp(record.created),
        abstention_threshold=record.abstention_threshold,
        in_service=record.in_service,
        data_sha256=record.data_sha256,
    )
    if with_report:
        for category, row in zip(metrics.labels, metrics.confusion, strict=True):
            precision, recall, f1 = metrics.per_class[category]
            message.metrics.category_metrics.append(
                pb.CategoryMetrics(
                    category=category,
                    precision=precision,
                    recall=recall,
                    f1=f1,
                    support=sum(row),
                )
            )
            message.metrics.confusion_matrix.append(
                pb.ConfusionMatrixRow(category=category, predicted_counts=row)
            )
    return message
