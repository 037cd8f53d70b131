"""A channel that brings items in by itself (an SMTP listener, an IMAP poller, a drop folder),
as opposed to callers of the gRPC API.

An adapter SHALL hand every item to ``FrontDoor.receive`` (which never refuses: what cannot be
normalised is stored in triage with its reason), acknowledge or remove an item at its source only
after ``receive`` returned (the item is then durably stored), survive a lost connection by
retrying with backoff, and stop promptly when its ``run`` task is cancelled.
"""

from __future__ import annotations

from typing import Protocol


class ChannelAdapter(Protocol):
    """A source of items run by the ingest service in the background."""

    @property
    def name(self) -> str:
        """A short name for logs and health ("smtp", "imap:support", "drop:scanner")."""
        ...

    async def run(self) -> None:
        """Brings items in until cancelled."""
        ...
