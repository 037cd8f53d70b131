from __future__ import annotations

import pytest

from classify_svc.model import Evaluation
from classify_svc.servicer import TrainingPolicy
from conflux.classify.v1 import classify_service_pb2 as pb

POLICY = TrainingPolicy(threads=2, holdout_min_examples=1000)


@pytest.mark.parametrize(
    ("requested", "count", "expected"),
    [
        (pb.EVALUATION_METHOD_UNSPECIFIED, 999, Evaluation.CROSS_VALIDATION),
        (pb.EVALUATION_METHOD_UNSPECIFIED, 1000, Evaluation.HOLDOUT),
        (pb.EVALUATION_METHOD_CROSS_VALIDATION, 50_000, Evaluation.CROSS_VALIDATION),
        (pb.EVALUATION_METHOD_HOLDOUT, 10, Evaluation.HOLDOUT),
    ],
)
def test_the_caller_chooses_or_the_size_decides(
    requested: pb.EvaluationMethod.ValueType, count: int, expected: Evaluation
) -> None:
    assert POLICY.evaluation(requested, count) is expected
