"""Channel names and their conflux.type.v1.Channel values."""

from __future__ import annotations

import pytest

from chassis.vocabulary import (
    CHANNEL_NAMES,
    DOCUMENT_CHANNELS,
    SHORT_MESSAGE_CHANNELS,
    Channel,
    channel_proto,
)
from conflux.type.v1 import channel_pb2


@pytest.mark.parametrize("channel", list(Channel))
def test_every_channel_round_trips_through_the_proto_enum(channel: Channel) -> None:
    value = channel.to_proto()

    assert channel_pb2.Channel.Name(value) == f"CHANNEL_{channel.value.upper()}"
    assert Channel.from_proto(value) is channel


def test_every_proto_value_has_a_channel() -> None:
    values = [v for v in channel_pb2.Channel.values() if v != channel_pb2.CHANNEL_UNSPECIFIED]

    assert {Channel.from_proto(v) for v in values} == set(Channel)


@pytest.mark.parametrize("value", [channel_pb2.CHANNEL_UNSPECIFIED, 99, -1])
def test_unspecified_or_unknown_values_have_no_channel(value: int) -> None:
    assert Channel.from_proto(value) is None


def test_channel_proto_of_none_is_unspecified() -> None:
    assert channel_proto(None) == channel_pb2.CHANNEL_UNSPECIFIED
    assert channel_proto(Channel.FAX) == channel_pb2.CHANNEL_FAX


def test_channels_are_stored_by_lower_case_name() -> None:
    assert Channel("email") is Channel.EMAIL
    assert f"{Channel.MAIL}" == "mail"
    assert {"email", "mail", "fax", "sms", "chat", "social", "phone", "form"} == CHANNEL_NAMES


def test_short_messages_and_documents() -> None:
    assert {c for c in Channel if c.is_short_message} == SHORT_MESSAGE_CHANNELS
    assert Channel.SMS.is_short_message
    assert not Channel.EMAIL.is_short_message
    assert not SHORT_MESSAGE_CHANNELS & DOCUMENT_CHANNELS
    assert {Channel.MAIL, Channel.FAX} == DOCUMENT_CHANNELS
