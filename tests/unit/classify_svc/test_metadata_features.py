from __future__ import annotations

import numpy as np

from classify_svc.examples import Example
from classify_svc.metadata_features import MetadataFeaturizer


def _example(channel: str, media_types: tuple[str, ...] = (), party_known: bool = False) -> Example:
    return Example("", "text", channel, media_types, party_known)


def test_channels_are_one_hot_over_the_training_channels() -> None:
    featurizer = MetadataFeaturizer.fit([_example("email"), _example("Mail "), _example("email")])
    assert featurizer.channels == ("email", "mail")
    rows = featurizer.transform([_example("MAIL"), _example("fax")])
    channel_columns = rows[:, :2]
    np.testing.assert_array_equal(channel_columns, [[0, 1], [0, 0]])


def test_attachments_are_counted_by_family() -> None:
    featurizer = MetadataFeaturizer.fit([_example("email")])
    media_types = (
        "application/pdf",
        "image/jpeg",
        "IMAGE/PNG",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
    )
    row = featurizer.transform([_example("email", media_types, party_known=True)])[0]
    assert dict(zip(featurizer.names, row.tolist(), strict=True)) == {
        "channel_email": 1,
        "attachments_pdf": 1,
        "attachments_image": 2,
        "attachments_text": 1,
        "attachments_office": 1,
        "attachments_other": 1,
        "attachments_total": 6,
        "party_known": 1,
    }
