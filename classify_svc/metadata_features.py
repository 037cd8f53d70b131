"""Dense features from what surrounds the text: channel, attachments, whether the party is known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classify_svc.examples import Example

# Attachment media types grouped by what they usually carry (a PDF form, a photo of a damage,
# an office document); a count per family generalises where exact media types are too sparse.
ATTACHMENT_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pdf", ("application/pdf",)),
    ("image", ("image/",)),
    ("text", ("text/",)),
    (
        "office",
        (
            "application/msword",
            "application/vnd.ms-",
            "application/vnd.openxmlformats-officedocument.",
            "application/vnd.oasis.opendocument.",
            "application/rtf",
        ),
    ),
)


@dataclass(frozen=True)
class MetadataFeaturizer:
    """Channel one-hot (over the channels seen in training), attachment counts, party known.

    A channel never seen in training gets an all-zero one-hot rather than an error: the text
    still decides.
    """

    channels: tuple[str, ...]

    @classmethod
    def fit(cls, examples: Sequence[Example]) -> MetadataFeaturizer:
        """Learn the channel vocabulary from training examples."""
        return cls(tuple(sorted({_channel_key(example.channel) for example in examples})))

    @property
    def names(self) -> tuple[str, ...]:
        """The name of each feature column, in order."""
        family_names = tuple(f"attachments_{name}" for name, _ in ATTACHMENT_FAMILIES)
        return (
            *(f"channel_{channel or 'none'}" for channel in self.channels),
            *family_names,
            "attachments_other",
            "attachments_total",
            "party_known",
        )

    def transform(self, examples: Sequence[Example]) -> NDArray[np.float32]:
        """One row of ``len(names)`` float32 features per example."""
        column_of_channel = {channel: index for index, channel in enumerate(self.channels)}
        rows = np.zeros((len(examples), len(self.names)), dtype=np.float32)
        first_family = len(self.channels)
        other = first_family + len(ATTACHMENT_FAMILIES)
        for row, example in zip(rows, examples, strict=True):
            channel_column = column_of_channel.get(_channel_key(example.channel))
            if channel_column is not None:
                row[channel_column] = 1
            for media_type in example.attachment_media_types:
                row[first_family + _family_index(media_type, default=other - first_family)] += 1
            row[other + 1] = len(example.attachment_media_types)
            row[other + 2] = float(example.party_known)
        return rows

    def config(self) -> dict[str, Any]:
        """The channel vocabulary and the attachment families, for the model's metadata."""
        return {
            "channels": list(self.channels),
            "attachment_families": {name: list(prefixes) for name, prefixes in ATTACHMENT_FAMILIES},
        }


def _channel_key(channel: str) -> str:
    return channel.strip().lower()


def _family_index(media_type: str, default: int) -> int:
    normalised = media_type.strip().lower()
    for index, (_, prefixes) in enumerate(ATTACHMENT_FAMILIES):
        if normalised.startswith(prefixes):
            return index
    return default
