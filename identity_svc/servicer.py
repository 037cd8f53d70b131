"""gRPC surface of the identity service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc

from chassis.errors import FieldViolation, InvalidArgumentError, NotFoundError
from chassis.pagination import decode_token, encode_token, next_page, page_size
from chassis.timestamps import to_timestamp
from chassis.workers import BlockingPool
from conflux.identity.v1 import identity_service_pb2 as pb
from conflux.identity.v1 import identity_service_pb2_grpc as pb_grpc
from identity_svc.enrichment import EnrichmentState
from identity_svc.enrichment_store import EnrichmentStore
from identity_svc.extraction import RequestText
from identity_svc.identifiers import IdentifierRules, InvalidIdentifierError
from identity_svc.index_feeder import IndexFeeder
from identity_svc.messages import (
    ENRICHMENT_STATES,
    change_from_message,
    enrichment_message,
    evidence_messages,
    note_message,
    party_from_message,
    party_message,
    resolve_response,
)
from identity_svc.party_store import PartyStore
from identity_svc.referential import ChangeAction, ImportReport, PartyChange, normalise_party
from identity_svc.request_features import Request
from identity_svc.resolver import Resolver

IMPORT_BATCH = 500
_PARTIES_TOKEN = "identity.parties"
_SEARCH_TOKEN = "identity.search"
_ENRICHMENTS_TOKEN = "identity.enrichments"
_SEARCH_DEFAULT = 20
_SEARCH_MAX = 100
_STATES = {value: state for state, value in ENRICHMENT_STATES.items()}


class IdentityServicer(pb_grpc.IdentityServiceServicer):
    """Resolution of senders, the referential's API, confirmations and the enrichment audit."""

    def __init__(
        self,
        resolver: Resolver,
        parties: PartyStore,
        enrichments: EnrichmentStore,
        feeder: IndexFeeder,
        *,
        rules: IdentifierRules,
        pool: BlockingPool,
    ) -> None:
        self._resolver = resolver
        self._parties = parties
        self._enrichments = enrichments
        self._feeder = feeder
        self._rules = rules
        self._pool = pool

    async def ResolveParty(
        self, request: pb.ResolvePartyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ResolvePartyResponse:
        """Resolves once per request id; a replay returns the kept decision."""
        _require(request.request_id, "request_id", "required for idempotency")
        texts = [RequestText("subject", request.subject)]
        texts += [RequestText(part.location or "body", part.text) for part in request.texts]
        subject = Request(request.sender, request.sender_name, tuple(texts))
        outcome = await self._pool.run(self._resolver.resolve, request.request_id, subject)
        return resolve_response(request.request_id, outcome)

    async def ConfirmResolution(
        self, request: pb.ConfirmResolutionRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ConfirmResolutionResponse:
        """Confirms or corrects the party of a resolved request."""
        _require(request.request_id, "request_id", "the resolved request")
        _require(request.party_id, "party_id", "the party that sent it")
        _require(request.actor, "actor", "who confirms, for the audit")
        confirmation = await self._pool.run(
            self._resolver.confirm, request.request_id, request.party_id, request.actor
        )
        return pb.ConfirmResolutionResponse(
            request_id=confirmation.request_id,
            party_id=confirmation.party_id,
            corrected=confirmation.corrected,
            confirmed_by=confirmation.confirmed_by,
            confirm_time=to_timestamp(confirmation.confirm_time),
            enrichments=[
                note_message(confirmation.party_id, confirmation.request_id, note)
                for note in confirmation.enrichments
            ],
        )

    async def ImportParties(
        self,
        request_iterator: AsyncIterator[pb.ImportPartiesRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> pb.ImportPartiesResponse:
        """Applies changes in batches; a change that cannot be read is refused with its reason.
        The parties are searchable when it returns."""
        report = ImportReport()
        batch: list[tuple[int, PartyChange]] = []
        index = -1
        async for message in request_iterator:
            index += 1
            change = self._read_change(index, message, report)
            if change is not None:
                batch.append((index, change))
            if len(batch) >= IMPORT_BATCH:
                await self._pool.run(self._parties.apply, batch, report)
                batch = []
        if batch:
            await self._pool.run(self._parties.apply, batch, report)
        await self._pool.run(self._feeder.drain)
        return pb.ImportPartiesResponse(
            created_count=report.created,
            updated_count=report.updated,
            deactivated_count=report.deactivated,
            erased_count=report.erased,
            ignored_count=report.ignored,
            rejections=[
                pb.ImportRejection(index=i, party_id=party_id, reason=reason)
                for i, party_id, reason in report.rejections
            ],
        )

    def _read_change(
        self, index: int, message: pb.ImportPartiesRequest, report: ImportReport
    ) -> PartyChange | None:
        try:
            party = party_from_message(message.party)
            change = change_from_message(message, party)
            if change.action is not ChangeAction.UPSERT:
                if not party.party_id.strip():
                    raise InvalidIdentifierError("the change has no party_id")
                return change
            normalised, problems = normalise_party(party, self._rules)
        except InvalidIdentifierError as error:
            report.reject(index, message.party.party_id, str(error))
            return None
        for problem in problems:
            report.reject(index, normalised.party_id, problem)
        return PartyChange(change.action, normalised, change.change_time)

    async def GetParty(
        self, request: pb.GetPartyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetPartyResponse:
        """The party, or NOT_FOUND."""
        party = await self._pool.run(self._parties.get, request.party_id)
        if party is None:
            raise NotFoundError("PARTY_NOT_FOUND", f"no party {request.party_id!r}")
        return pb.GetPartyResponse(party=party_message(party))

    async def ListParties(
        self, request: pb.ListPartiesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListPartiesResponse:
        """A page of parties in id order."""
        size = page_size(request.page_size)
        position = decode_token(_PARTIES_TOKEN, request.page_token) or {"after": ""}
        fetched = await self._pool.run(self._parties.page, str(position["after"]), size + 1)
        parties, token = next_page(fetched, size, _PARTIES_TOKEN, lambda p: {"after": p.party_id})
        return pb.ListPartiesResponse(
            parties=[party_message(p) for p in parties], next_page_token=token
        )

    async def SearchParties(
        self, request: pb.SearchPartiesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.SearchPartiesResponse:
        """Parties fitting the query, best first; pages follow the same ranking."""
        _require(request.query.strip(), "query", "a name, address, date or identifier")
        if request.page_size < 0:
            page_size(request.page_size)
        size = min(request.page_size or _SEARCH_DEFAULT, _SEARCH_MAX)
        position = decode_token(_SEARCH_TOKEN, request.page_token) or {"offset": 0}
        offset = int(position["offset"])
        found = await self._pool.run(self._resolver.search, request.query, offset + size + 1)
        page = found[offset : offset + size]
        more = len(found) > offset + size
        return pb.SearchPartiesResponse(
            matches=[
                pb.PartyMatch(
                    party=party_message(party),
                    confidence=candidate.confidence,
                    evidence=evidence_messages(party.party_id, candidate.evidence),
                )
                for party, candidate in page
            ],
            next_page_token=encode_token(_SEARCH_TOKEN, {"offset": offset + size}) if more else "",
        )

    async def ListEnrichments(
        self, request: pb.ListEnrichmentsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListEnrichmentsResponse:
        """A page of the audit in id order, of one party or in one state when asked."""
        size = page_size(request.page_size)
        position = decode_token(_ENRICHMENTS_TOKEN, request.page_token) or {"after": ""}
        state: EnrichmentState | None = _STATES.get(request.state)
        fetched = await self._pool.run(
            self._enrichments.page, request.party_id, state, str(position["after"]), size + 1
        )
        entries, token = next_page(
            fetched, size, _ENRICHMENTS_TOKEN, lambda e: {"after": e.enrichment_id}
        )
        return pb.ListEnrichmentsResponse(
            enrichments=[enrichment_message(e) for e in entries], next_page_token=token
        )

    async def AcceptEnrichment(
        self, request: pb.AcceptEnrichmentRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.AcceptEnrichmentResponse:
        """Adds a proposed identifier to its party."""
        _require(request.actor, "actor", "who accepts, for the audit")
        entry = await self._pool.run(self._enrichments.accept, request.enrichment_id, request.actor)
        return pb.AcceptEnrichmentResponse(enrichment=enrichment_message(entry))

    async def RejectEnrichment(
        self, request: pb.RejectEnrichmentRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.RejectEnrichmentResponse:
        """Rejects a proposed identifier."""
        _require(request.actor, "actor", "who rejects, for the audit")
        entry = await self._pool.run(self._enrichments.reject, request.enrichment_id, request.actor)
        return pb.RejectEnrichmentResponse(enrichment=enrichment_message(entry))

    async def RevertEnrichment(
        self, request: pb.RevertEnrichmentRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.RevertEnrichmentResponse:
        """Removes an added identifier from its party."""
        _require(request.actor, "actor", "who reverts, for the audit")
        entry = await self._pool.run(self._enrichments.revert, request.enrichment_id, request.actor)
        return pb.RevertEnrichmentResponse(enrichment=enrichment_message(entry))


def _require(value: str, field: str, description: str) -> None:
    if not value:
        raise InvalidArgumentError(
            f"MISSING_{field.upper()}", f"{field} is required", [FieldViolation(field, description)]
        )
