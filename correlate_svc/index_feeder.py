"""Feeds the request index from the ledger's outbox, and rebuilds it when its schema changed.

Decisions never wait for the index: a request is searchable by the next decision through the
outbox (see ``Ledger._candidates``) before it reaches the index. The feeder drains the outbox in
batches, soon after each decision (``wake``) and periodically, so that one commit of the engine
serves many requests under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from chassis.search import SearchIndex
from chassis.workers import BlockingPool
from correlate_svc.ledger import Ledger
from correlate_svc.request_index import document_of

_log = logging.getLogger(__name__)
BATCH = 5000
"""Requests per engine commit: a tantivy commit costs the same for 10 documents or 5,000, and
a batch this size is read from the ledger and built in a fraction of a second."""


class IndexFeeder:
    """Moves outbox entries into the index."""

    def __init__(
        self,
        ledger: Ledger,
        index: SearchIndex,
        pool: BlockingPool,
        interval: float = 0.5,
        batch: int = BATCH,
    ) -> None:
        self._ledger = ledger
        self._index = index
        self._pool = pool
        self._interval = interval
        self._batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Asks for a drain soon (after a decision)."""
        self._wake.set()

    def rebuild_if_needed(self) -> int:
        """Empties the index and queues every request when the schema version changed."""
        if not self._index.needs_rebuild():
            return 0
        self._index.reset()
        queued = self._ledger.enqueue_all()
        _log.info("request index rebuilt from the ledger: %d requests queued", queued)
        return queued

    def drain_once(self) -> int:
        """Indexes one batch of the outbox; returns how many requests were indexed."""
        up_to, rows = self._ledger.pending_index_batch(self._batch)
        if not up_to:
            return 0
        self._index.upsert([document_of(row) for row in rows])
        self._ledger.acknowledge_indexed(up_to)
        return len(rows)

    async def run(self) -> None:
        """Drains forever; a failing engine is retried after the interval."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                while await self._pool.run(self.drain_once) == self._batch:
                    pass
            except Exception:
                _log.exception("indexing failed; the outbox keeps the requests for the next try")
