"""Conversions between aware ``datetime`` values and ``google.protobuf.Timestamp``."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """The protobuf timestamp of ``moment`` (naive values are taken as UTC), None for None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def from_timestamp(stamp: Timestamp, *, present: bool = True) -> datetime | None:
    """The aware UTC datetime of ``stamp``; None when the field is unset (``present`` False)."""
    if not present:
        return None
    return stamp.ToDatetime(tzinfo=UTC)


def utc_now() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC; naive values (as SQLite returns them) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
