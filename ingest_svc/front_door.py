"""Where every channel hands over what arrived: validated, normalised, stored, then answered.

Two doors, one path to storage:

- ``submit``, for synchronous API callers, refuses a malformed item with a domain error naming the
  problem (INVALID_ARGUMENT, RESOURCE_EXHAUSTED): the caller is there to hear it, and nothing is
  stored;
- ``receive``, for channels that cannot refuse after the fact (SMTP after its acceptance, IMAP,
  a drop folder), never refuses: an item that cannot be normalised is stored as it came, in
  *triage*, with the reason, so that a human sees it and nothing is lost.

Both doors go through the flood guard: an item of a flood is stored like any other, flagged.
"""

from __future__ import annotations

from chassis.errors import ConfluxError
from chassis.workers import BlockingPool
from ingest_svc.flood_guard import FloodGuard
from ingest_svc.intake import Limits, NormalisedItem, Submission, normalise, triage_item
from ingest_svc.repository import ACCEPTED, TRIAGE, ItemRepository, StoreResult


class FrontDoor:
    """Normalisation and durable storage of items, off the event loop."""

    def __init__(
        self,
        repository: ItemRepository,
        limits: Limits,
        pool: BlockingPool,
        flood_guard: FloodGuard,
    ) -> None:
        self._repository = repository
        self.limits = limits
        self._pool = pool
        self._flood_guard = flood_guard

    async def submit(self, submission: Submission) -> StoreResult:
        """Stores a valid item and returns it; raises a domain error for an invalid one."""
        item = await self._pool.run(normalise, submission, self.limits)
        return await self._pool.run(self._store, item, ACCEPTED, "")

    async def receive(self, submission: Submission) -> StoreResult:
        """Stores the item, valid or not: an invalid one goes to triage with its reason."""
        try:
            item = await self._pool.run(normalise, submission, self.limits)
        except ConfluxError as refused:
            triaged = triage_item(submission)
            return await self._pool.run(self._store, triaged, TRIAGE, refused.message)
        return await self._pool.run(self._store, item, ACCEPTED, "")

    def _store(self, item: NormalisedItem, state: str, reason: str) -> StoreResult:
        return self._repository.store(self._flood_guard.flag(item), state=state, reason=reason)
