"""Where every channel hands over what arrived: validated, normalised, stored, then answered.

Two doors, one path to storage:

- ``submit``, for synchronous API callers, refuses a malformed item with a domain error naming the
  problem (INVALID_ARGUMENT, RESOURCE_EXHAUSTED): the caller is there to hear it, and nothing is
  stored;
- ``receive``, for channels that cannot refuse after the fact (SMTP after its acceptance, IMAP,
  a drop folder), never refuses: an item that cannot be normalised is stored as it came, in
  *triage*, with the reason, so that a human sees it and nothing is lost.
"""

from __future__ import annotations

from chassis.errors import ConfluxError
from chassis.workers import BlockingPool
from ingest_svc.intake import Limits, Submission, normalise, triage_item
from ingest_svc.repository import TRIAGE, ItemRepository, StoreResult


class FrontDoor:
    """Normalisation and durable storage of items, off the event loop."""

    def __init__(self, repository: ItemRepository, limits: Limits, pool: BlockingPool) -> None:
        self._repository = repository
        self.limits = limits
        self._pool = pool

    async def submit(self, submission: Submission) -> StoreResult:
        """Stores a valid item and returns it; raises a domain error for an invalid one."""
        item = await self._pool.run(normalise, submission, self.limits)
        return await self._pool.run(self._repository.store, item)

    async def receive(self, submission: Submission) -> StoreResult:
        """Stores the item, valid or not: an invalid one goes to triage with its reason."""
        try:
            item = await self._pool.run(normalise, submission, self.limits)
        except ConfluxError as refused:
            triaged = triage_item(submission)
            return await self._pool.run(
                self._repository.store, triaged, state=TRIAGE, reason=refused.message
            )
        return await self._pool.run(self._repository.store, item)
