"""The classify API on a real server: training with its report, versions listed, promoted and
rolled back without a restart, agents' feedback used by the next training, the version in
service reported. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Iterable
from pathlib import Path

import grpc
import pytest

from chassis.errors import read_error_details
from conflux.classify.v1 import classify_service_pb2 as pb
from conflux.classify.v1 import classify_service_pb2_grpc as pb_grpc
from conflux.type.v1 import channel_pb2
from conflux_cli.main import list_models, promote_model, train_model
from tests.support.suite import RunningSuite, running_suite

EXAMPLES = {
    "cancellation": (
        "Je souhaite résilier mon contrat d'assurance habitation.",
        "Merci de prendre en compte la résiliation de mon contrat auto.",
        "Demande de résiliation de mon contrat santé au 31 décembre.",
        "Please cancel my car insurance policy, I sold the car.",
        "I would like to cancel my health insurance contract.",
        "Cancel my contract please, I no longer need this insurance.",
    ),
    "claim": (
        "Un dégât des eaux a inondé ma cuisine, je déclare un sinistre.",
        "Je déclare un sinistre : ma voiture a été accidentée hier.",
        "Déclaration de sinistre suite au vol de mon vélo.",
        "I need to report a claim: water damage flooded my kitchen.",
        "My car was damaged in an accident yesterday, I want to file a claim.",
        "The storm damaged my roof, please open a claim.",
    ),
    "billing": (
        "Je conteste le montant de ma dernière facture, il est trop élevé.",
        "J'ai été prélevé deux fois ce mois-ci, merci de me rembourser.",
        "Erreur sur ma facture : le prélèvement mensuel est incorrect.",
        "I was charged twice this month, please refund the duplicate payment.",
        "My invoice amount is wrong, the premium is too high.",
        "Why did my monthly payment increase on the last invoice?",
    ),
}
COMPLAINTS = (
    "Votre conseiller a été désagréable au téléphone, je suis mécontent du service.",
    "I am unhappy with how rudely your agent treated me on the phone.",
)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def suite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSuite]:
    """Classify alone."""
    async with running_suite(
        tmp_path_factory.mktemp("classify"), backend=request.param, only=["classify"]
    ) as running:
        yield running


@pytest.fixture
def stub(suite: RunningSuite) -> pb_grpc.ClassifyServiceAsyncStub:
    """The classify API."""
    return pb_grpc.ClassifyServiceStub(suite.channel)


def _document(text: str) -> pb.Document:
    return pb.Document(text=text, channel=channel_pb2.CHANNEL_EMAIL, party_known=True)


async def _stream(
    examples: Iterable[tuple[str, str]], options: pb.TrainingOptions | None = None
) -> AsyncIterator[pb.TrainModelRequest]:
    if options is not None:
        yield pb.TrainModelRequest(options=options)
    for category, text in examples:
        yield pb.TrainModelRequest(document=_document(text), category=category)


async def _rejection(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def test_model_lifecycle(stub: pb_grpc.ClassifyServiceAsyncStub) -> None:
    """Train, classify, record feedback, retrain on it, list, promote, roll back."""
    missing = await _rejection(stub.GetModel(pb.GetModelRequest()))
    assert missing.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert read_error_details(missing).reason == "NO_MODEL"

    imported = [(category, text) for category, texts in EXAMPLES.items() for text in texts]
    first = await stub.TrainModel(_stream(imported))
    assert first.new_example_count == len(imported)
    v1 = first.model
    assert v1.in_service
    assert sorted(v1.categories) == sorted(EXAMPLES)
    assert v1.training_count == len(imported)
    assert v1.metrics.evaluation_method == "stratified_5_fold_cross_validation"
    assert [c.category for c in v1.metrics.category_metrics] == list(v1.categories)
    assert sum(c.support for c in v1.metrics.category_metrics) == len(imported)
    assert [len(row.predicted_counts) for row in v1.metrics.confusion_matrix] == [3, 3, 3]
    assert 0 < v1.abstention_threshold < 1

    answer = await stub.Classify(
        pb.ClassifyRequest(request_id="req-1", document=_document("Je veux résilier mon contrat"))
    )
    assert answer.model_version == v1.version
    assert answer.top_categories[0].category == "cancellation"

    # An agent files two requests under a category the model does not know yet.
    for index, text in enumerate(COMPLAINTS):
        recorded = await stub.RecordFeedback(
            pb.RecordFeedbackRequest(
                request_id=f"req-c{index}", document=_document(text), category="billing"
            )
        )
        assert recorded.outcome == pb.FEEDBACK_OUTCOME_CREATED
        corrected = await stub.RecordFeedback(
            pb.RecordFeedbackRequest(
                request_id=f"req-c{index}", document=_document(text), category="complaint"
            )
        )
        assert corrected.outcome == pb.FEEDBACK_OUTCOME_UPDATED
    again = await stub.RecordFeedback(
        pb.RecordFeedbackRequest(
            request_id="req-c1", document=_document(COMPLAINTS[1]), category="complaint"
        )
    )
    assert again.outcome == pb.FEEDBACK_OUTCOME_UNCHANGED

    # Retraining needs no new import: the service keeps the imports and the feedback.
    second = await stub.TrainModel(
        _stream([], pb.TrainingOptions(evaluation_method=pb.EVALUATION_METHOD_HOLDOUT))
    )
    v2 = second.model
    assert second.new_example_count == 0
    assert "complaint" in v2.categories
    assert v2.training_count == len(imported) + len(COMPLAINTS)
    assert v2.metrics.evaluation_method == "stratified_20_percent_holdout"
    assert v2.version != v1.version

    listed = await stub.ListModels(pb.ListModelsRequest(page_size=1))
    assert [(m.version, m.in_service) for m in listed.models] == [(v2.version, True)]
    assert not listed.models[0].metrics.category_metrics
    rest = await stub.ListModels(
        pb.ListModelsRequest(page_size=1, page_token=listed.next_page_token)
    )
    assert [(m.version, m.in_service) for m in rest.models] == [(v1.version, False)]
    assert rest.next_page_token == ""

    rolled_back = await stub.PromoteModel(pb.PromoteModelRequest(version=v1.version))
    assert rolled_back.previous_version == v2.version
    assert rolled_back.model.version == v1.version and rolled_back.model.in_service
    in_service = (await stub.GetModel(pb.GetModelRequest())).model
    assert (in_service.version, in_service.in_service) == (v1.version, True)
    assert len(in_service.metrics.confusion_matrix) == 3
    answer = await stub.Classify(pb.ClassifyRequest(document=_document(COMPLAINTS[0])))
    assert answer.model_version == v1.version
    assert "complaint" not in [score.category for score in answer.top_categories]

    older = (await stub.GetModel(pb.GetModelRequest(version=v2.version))).model
    assert not older.in_service and "complaint" in older.categories
    await stub.PromoteModel(pb.PromoteModelRequest(version=v2.version))
    answer = await stub.Classify(pb.ClassifyRequest(document=_document(COMPLAINTS[0])))
    assert answer.model_version == v2.version


async def test_feedback_without_request_id_category_or_text_is_refused(
    stub: pb_grpc.ClassifyServiceAsyncStub,
) -> None:
    error = await _rejection(stub.RecordFeedback(pb.RecordFeedbackRequest()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = read_error_details(error)
    assert details.reason == "INVALID_FEEDBACK"
    assert sorted(v.field for v in details.violations) == ["category", "document", "request_id"]
    too_long = pb.RecordFeedbackRequest(
        request_id="r" * 101, document=_document("texte"), category="claim"
    )
    error = await _rejection(stub.RecordFeedback(too_long))
    assert [v.field for v in read_error_details(error).violations] == ["request_id"]


async def test_unknown_or_missing_versions_are_refused(
    stub: pb_grpc.ClassifyServiceAsyncStub,
) -> None:
    for call, code, reason in (
        (
            stub.PromoteModel(pb.PromoteModelRequest(version="m-19990101000000-00000000")),
            grpc.StatusCode.NOT_FOUND,
            "MODEL_NOT_FOUND",
        ),
        (
            stub.PromoteModel(pb.PromoteModelRequest(version="../../etc/passwd")),
            grpc.StatusCode.NOT_FOUND,
            "MODEL_NOT_FOUND",
        ),
        (
            stub.PromoteModel(pb.PromoteModelRequest()),
            grpc.StatusCode.INVALID_ARGUMENT,
            "MISSING_VERSION",
        ),
        (
            stub.GetModel(pb.GetModelRequest(version="m-19990101000000-00000000")),
            grpc.StatusCode.NOT_FOUND,
            "MODEL_NOT_FOUND",
        ),
        (
            stub.ListModels(pb.ListModelsRequest(page_token="not-a-token")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_PAGE_TOKEN",
        ),
    ):
        error = await _rejection(call)
        assert (error.code(), read_error_details(error).reason) == (code, reason)


async def test_bad_training_streams_name_every_problem(
    stub: pb_grpc.ClassifyServiceAsyncStub,
) -> None:
    async def messages() -> AsyncIterator[pb.TrainModelRequest]:
        yield pb.TrainModelRequest(document=_document("texte"), category="claim")
        yield pb.TrainModelRequest(options=pb.TrainingOptions())
        yield pb.TrainModelRequest(document=_document("  "), category="")

    error = await _rejection(stub.TrainModel(messages()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in read_error_details(error).violations] == [
        "examples[1].options",
        "examples[2].category",
        "examples[2].document",
    ]


async def test_command_line_trains_with_a_report_lists_and_promotes(
    suite: RunningSuite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        "\n".join(
            json.dumps({"text": text, "category": category}, ensure_ascii=False)
            for category, texts in EXAMPLES.items()
            for text in texts[:4]
        ),
        encoding="utf-8",
    )
    assert await train_model(suite.address, labelled, report=True) == 0
    report = capsys.readouterr().out
    assert "(in service)" in report and "confusion matrix" in report
    assert all(category in report for category in EXAMPLES)

    assert await list_models(suite.address) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["in_service"] for line in listed] == [True] + [False] * (len(listed) - 1)
    oldest = listed[-1]["version"]

    assert await promote_model(suite.address, oldest) == 0
    promoted = json.loads(capsys.readouterr().out)
    assert (promoted["version"], promoted["previous_version"]) == (oldest, listed[0]["version"])
    assert await promote_model(suite.address, "m-19990101000000-00000000") == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "NOT_FOUND"
