"""gRPC surface of the identity service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.protobuf import json_format

from chassis.errors import FieldViolation, InvalidArgumentError, NotFoundError
from chassis.pagination import decode_token, next_page, page_size
from chassis.workers import BlockingPool
from conflux.identity.v1 import identity_service_pb2 as pb
from conflux.identity.v1 import identity_service_pb2_grpc as pb_grpc
from identity_svc.extraction import RequestText, extract_identifiers, sender_identifier
from identity_svc.identifiers import InvalidIdentifierError
from identity_svc.matching import Decision, Resolution, Thresholds, decide, found_kinds
from identity_svc.messages import KINDS, party_from_message, party_message
from identity_svc.referential import ImportReport, Party, normalise_party
from identity_svc.repository import ReferentialRepository

_IMPORT_BATCH = 500
_PARTIES_TOKEN = "identity.parties"
_DECISIONS = {
    Decision.IDENTIFIED: pb.DECISION_IDENTIFIED,
    Decision.AMBIGUOUS: pb.DECISION_AMBIGUOUS,
    Decision.UNKNOWN: pb.DECISION_UNKNOWN,
}


class IdentityServicer(pb_grpc.IdentityServiceServicer):
    """Resolution of senders and the referential's API."""

    def __init__(
        self,
        repository: ReferentialRepository,
        thresholds: Thresholds,
        phone_region: str,
        pool: BlockingPool,
    ) -> None:
        self._repository = repository
        self._thresholds = thresholds
        self._region = phone_region
        self._pool = pool

    async def ResolveParty(
        self, request: pb.ResolvePartyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ResolvePartyResponse:
        """Resolves once per request id; a replay returns the kept decision."""
        if not request.request_id:
            raise InvalidArgumentError(
                "MISSING_REQUEST_ID",
                "request_id is required",
                [FieldViolation("request_id", "required for idempotency")],
            )
        return await self._pool.run(self._resolve, request)

    def _resolve(self, request: pb.ResolvePartyRequest) -> pb.ResolvePartyResponse:
        kept = self._repository.resolution(request.request_id)
        if kept is not None:
            return json_format.ParseDict(kept, pb.ResolvePartyResponse())
        texts = [RequestText("subject", request.subject)]
        texts += [RequestText(part.location or "body", part.text) for part in request.texts]
        found = extract_identifiers(texts, self._region)
        sender = sender_identifier(request.sender, self._region)
        if sender is not None:
            found.insert(0, sender)
        holders = self._repository.holders(identifier.value for identifier in found)
        resolution = decide(found, holders, self._thresholds)
        response = _response(resolution, found_kinds(found, holders))
        detail = json_format.MessageToDict(response)
        kept = self._repository.keep_resolution(
            request.request_id,
            resolution.decision.value,
            resolution.party_id,
            resolution.confidence,
            detail,
        )
        return json_format.ParseDict(kept, pb.ResolvePartyResponse())

    async def ImportParties(
        self,
        request_iterator: AsyncIterator[pb.ImportPartiesRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> pb.ImportPartiesResponse:
        """Imports in batches; a party that cannot be read is refused with its reason."""
        report = ImportReport()
        batch: list[tuple[int, Party]] = []
        index = -1
        async for message in request_iterator:
            index += 1
            try:
                party, problems = normalise_party(party_from_message(message.party))
            except InvalidIdentifierError as error:
                report.reject(index, message.party.party_id, str(error))
                continue
            for problem in problems:
                report.reject(index, party.party_id, problem)
            batch.append((index, party))
            if len(batch) >= _IMPORT_BATCH:
                await self._pool.run(self._repository.upsert, batch, report)
                batch = []
        if batch:
            await self._pool.run(self._repository.upsert, batch, report)
        return pb.ImportPartiesResponse(
            created_count=report.created,
            updated_count=report.updated,
            rejections=[
                pb.ImportRejection(index=i, party_id=party_id, reason=reason)
                for i, party_id, reason in report.rejections
            ],
        )

    async def GetParty(
        self, request: pb.GetPartyRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetPartyResponse:
        """The party, or NOT_FOUND."""
        party = await self._pool.run(self._repository.get, request.party_id)
        if party is None:
            raise NotFoundError("PARTY_NOT_FOUND", f"no party {request.party_id!r}")
        return pb.GetPartyResponse(party=party_message(party))

    async def ListParties(
        self, request: pb.ListPartiesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListPartiesResponse:
        """A page of parties in id order."""
        size = page_size(request.page_size)
        position = decode_token(_PARTIES_TOKEN, request.page_token) or {"after": ""}
        fetched = await self._pool.run(self._repository.page, str(position["after"]), size + 1)
        parties, token = next_page(fetched, size, _PARTIES_TOKEN, lambda p: {"after": p.party_id})
        return pb.ListPartiesResponse(
            parties=[party_message(p) for p in parties], next_page_token=token
        )


def _response(resolution: Resolution, found: list[Any]) -> pb.ResolvePartyResponse:
    return pb.ResolvePartyResponse(
        decision=_DECISIONS[resolution.decision],
        party_id=resolution.party_id,
        confidence=resolution.confidence,
        evidence=[
            pb.Evidence(
                kind=KINDS[e.kind],
                value=e.value,
                location=e.location,
                party_id=e.party_id,
                weight=e.weight,
            )
            for e in resolution.evidence
        ],
        candidates=[
            pb.Candidate(party_id=party_id, confidence=confidence)
            for party_id, confidence in resolution.candidates
        ],
        found_identifiers=[
            pb.Identifier(kind=KINDS[identifier.kind], value=identifier.value)
            for identifier in found
        ],
    )
