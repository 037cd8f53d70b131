"""Feeds the party index from the referential's outbox, and rebuilds it when its schema changed.

An import drains the outbox before it returns, so that the parties it wrote are found by the
next resolution; a crash between the commit and the index write leaves the entries in the
outbox, drained at the next start.
"""

from __future__ import annotations

import logging

from chassis.search import SearchIndex
from identity_svc.party_index import document_of
from identity_svc.party_store import PartyStore
from identity_svc.profile import profile_of

_log = logging.getLogger(__name__)
BATCH = 1000


class IndexFeeder:
    """Moves outbox entries into the party index."""

    def __init__(self, parties: PartyStore, index: SearchIndex) -> None:
        self._parties = parties
        self._index = index

    def rebuild_if_needed(self) -> int:
        """Empties the index, recomputes the frequency keys and queues every party when the
        index is missing or its schema version changed."""
        if not self._index.needs_rebuild():
            return 0
        self._index.reset()
        queued = self._parties.rebuild_derived()
        _log.info("party index rebuilt from the referential: %d parties queued", queued)
        return queued

    def drain(self) -> int:
        """Indexes the whole outbox; returns how many entries it took."""
        total = 0
        while True:
            pending = self._parties.pending_index(BATCH)
            if not pending:
                return total
            ids = {party_id for _, party_id in pending}
            active = self._parties.parties(ids)
            self._index.upsert([document_of(profile_of(p)) for p in active])
            gone = ids - {p.party_id for p in active}
            self._index.delete(sorted(gone))
            self._parties.acknowledge_indexed([seq for seq, _ in pending])
            total += len(pending)
