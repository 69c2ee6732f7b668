"""Timestamps are stored in UTC; the UI shows them in the district's time zone."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
