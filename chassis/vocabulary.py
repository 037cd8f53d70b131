"""The shared value types of ``conflux.type.v1`` as the services store and log them.

Databases keep readable lower-case names ("email", "mail"), not enum numbers, so that rows stay
meaningful to an operator and stable if the proto enum gains values.
"""

from __future__ import annotations

from enum import StrEnum

from conflux.type.v1 import channel_pb2


class Channel(StrEnum):
    """The way an item reached the company."""

    EMAIL = "email"
    MAIL = "mail"
    FAX = "fax"
    SMS = "sms"
    CHAT = "chat"
    SOCIAL = "social"
    PHONE = "phone"
    FORM = "form"

    @classmethod
    def from_proto(cls, value: channel_pb2.Channel.ValueType | int) -> Channel | None:
        """The channel of a ``conflux.type.v1.Channel`` value; None for UNSPECIFIED or unknown."""
        if value == channel_pb2.CHANNEL_UNSPECIFIED:
            return None
        try:
            name = channel_pb2.Channel.Name(channel_pb2.Channel.ValueType(value))
        except ValueError:
            return None
        return cls(name.removeprefix("CHANNEL_").lower())

    def to_proto(self) -> channel_pb2.Channel.ValueType:
        """The ``conflux.type.v1.Channel`` value."""
        return channel_pb2.Channel.Value(f"CHANNEL_{self.name}")

    @property
    def is_short_message(self) -> bool:
        """True for channels whose items are structured short messages, not raw bytes."""
        return self in SHORT_MESSAGE_CHANNELS


def channel_proto(channel: Channel | None) -> channel_pb2.Channel.ValueType:
    """The protobuf value of ``channel``; CHANNEL_UNSPECIFIED for None."""
    return channel.to_proto() if channel is not None else channel_pb2.CHANNEL_UNSPECIFIED


CHANNEL_NAMES = frozenset(channel.value for channel in Channel)
"""Every channel's name, to check a name before converting it."""

SHORT_MESSAGE_CHANNELS = frozenset(
    {Channel.SMS, Channel.CHAT, Channel.SOCIAL, Channel.PHONE, Channel.FORM}
)
DOCUMENT_CHANNELS = frozenset({Channel.MAIL, Channel.FAX})
