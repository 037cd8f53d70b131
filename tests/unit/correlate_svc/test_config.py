"""Correlate's settings, and the request index they select."""

from __future__ import annotations

from pathlib import Path

import pytest

from chassis.config import ConfigError, Environment, load_common
from chassis.search.opensearch_index import OpenSearchIndex
from chassis.search.tantivy_index import TantivyIndex
from correlate_svc.config import CorrelateSettings, load_settings
from correlate_svc.decision import Thresholds
from correlate_svc.service import request_index


def _settings(tmp_path: Path, **values: str) -> CorrelateSettings:
    env = Environment({"CONFLUX_DATA_DIR": str(tmp_path), **values})
    settings = load_settings(env, load_common(env))
    env.check()
    return settings


def test_defaults_are_the_tuned_thresholds_and_the_embedded_index(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    assert settings.thresholds == Thresholds()
    assert settings.opensearch_url == ""
    assert isinstance(request_index(settings), TantivyIndex)


def test_an_opensearch_url_selects_the_opensearch_adapter(tmp_path: Path) -> None:
    settings = _settings(tmp_path, CONFLUX_OPENSEARCH_URL="https://admin:secret@search:9200")

    index = request_index(settings)

    assert isinstance(index, OpenSearchIndex)
    assert index.alias == "conflux-requests"
    assert not (tmp_path / "correlate-index").exists()
    index.close()


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"CONFLUX_OPENSEARCH_URL": "search:9200"}, "http:// or https://"),
        ({"CONFLUX_CORRELATE_DUPLICATE_THRESHOLD": "1.5"}, "is a probability"),
        (
            {
                "CONFLUX_CORRELATE_DUPLICATE_THRESHOLD": "0.3",
                "CONFLUX_CORRELATE_RELATED_THRESHOLD": "0.4",
            },
            "must not exceed",
        ),
    ],
)
def test_wrong_values_are_refused_naming_the_variable(
    tmp_path: Path, values: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint):
        _settings(tmp_path, **values)
