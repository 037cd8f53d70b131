"""datetime <-> google.protobuf.Timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp

from chassis.timestamps import as_utc, from_timestamp, to_timestamp, utc_now

PARIS_SUMMER = timezone(timedelta(hours=2))


def test_none_has_no_timestamp() -> None:
    assert to_timestamp(None) is None


def test_an_aware_moment_round_trips_to_utc() -> None:
    moment = datetime(2026, 7, 14, 10, 30, 15, 123456, tzinfo=PARIS_SUMMER)

    stamp = to_timestamp(moment)

    assert stamp is not None
    assert stamp.seconds == int(moment.timestamp())
    back = from_timestamp(stamp)
    assert back == moment
    assert back is not None and back.tzinfo is UTC
    assert back.hour == 8


def test_a_naive_moment_is_taken_as_utc() -> None:
    stamp = to_timestamp(datetime(2026, 1, 2, 3, 4, 5))

    assert stamp is not None
    assert from_timestamp(stamp) == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_unset_field_is_none() -> None:
    assert from_timestamp(Timestamp(), present=False) is None


def test_a_zero_timestamp_that_is_present_is_the_epoch() -> None:
    assert from_timestamp(Timestamp()) == datetime(1970, 1, 1, tzinfo=UTC)


def test_utc_now_is_aware_and_current() -> None:
    before = datetime.now(UTC)
    now = utc_now()

    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_as_utc() -> None:
    naive = datetime(2026, 3, 1, 12, 0)
    aware = datetime(2026, 3, 1, 14, 0, tzinfo=PARIS_SUMMER)

    assert as_utc(naive) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert as_utc(aware).tzinfo is UTC
    assert as_utc(aware).hour == 12
