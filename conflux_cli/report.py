"""The readable report of processed requests: who, what, which case, duplicate of what, why."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import grpc

from conflux.correlate.v1 import correlate_service_pb2, correlate_service_pb2_grpc
from conflux.gateway.v1 import gateway_service_pb2
from conflux.identity.v1 import identity_service_pb2, identity_service_pb2_grpc
from conflux_cli.submission import result_line

Result = tuple[str, gateway_service_pb2.Request | None, dict[str, Any] | None]


async def print_report(channel: grpc.aio.Channel, results: list[Result]) -> None:
    """Prints one block per request, then the cases that gathered several requests."""
    identity = identity_service_pb2_grpc.IdentityServiceStub(channel)
    names: dict[str, str] = {}
    by_request = {r.request_id: Path(origin).name for origin, r, _ in results if r is not None}
    cases: dict[str, list[str]] = defaultdict(list)
    print()
    print("=" * 78)
    print(f"Conflux processed {len(results)} items")
    print("=" * 78)
    for origin, request, error in results:
        print(f"\n{Path(origin).name}")
        if request is None:
            print(f"  refused: {error}")
            continue
        line = result_line(origin, True, request)
        print(
            f"  channel   {line['channel']}   request {request.request_id}   state {line['state']}"
        )
        party = request.party_id
        if party and party not in names:
            names[party] = await _party_name(identity, party)
        who = (
            f"{names[party]} ({party})"
            if party
            else f"unknown sender ({request.identity_decision})"
        )
        print(f"  who       {who}, confidence {request.identity_confidence:.2f}")
        for evidence in (
            list(request.explanations)[:-1] if request.case_id else request.explanations
        ):
            print(f"            · {evidence}")
        what = (
            f"{request.category} (p={request.category_probability:.2f})"
            if request.category
            else f"to triage (best guess p={request.category_probability:.2f})"
        )
        print(f"  what      {what}")
        correlation = line["correlation"]["decision"]
        matched = request.matched_request_id
        if request.case_id:
            cases[request.case_id].append(Path(origin).name)
            relation = correlation or ""
            if correlation in ("duplicate", "related") and matched:
                relation = f"{correlation} of {by_request.get(matched, matched)}"
            print(f"  case      {request.case_id} ({relation})")
            print(f"            · {request.explanations[-1]}")
        if request.state_reason:
            print(f"  reason    {request.state_reason}")
    shared = {case: files for case, files in cases.items() if len(files) > 1}
    if shared:
        print("\nOne demand, one case — cases reached through several items:")
        correlate = correlate_service_pb2_grpc.CorrelateServiceStub(channel)
        for case_id, files in shared.items():
            case = await correlate.GetCase(correlate_service_pb2.GetCaseRequest(case_id=case_id))
            channels = [
                correlate_service_pb2.Decision.Name(r.decision).removeprefix("DECISION_").lower()
                for r in case.case.requests
            ]
            print(f"  {case_id}: {', '.join(files)} ({' → '.join(channels)})")
    print()


async def _party_name(
    stub: identity_service_pb2_grpc.IdentityServiceAsyncStub, party_id: str
) -> str:
    try:
        response = await stub.GetParty(identity_service_pb2.GetPartyRequest(party_id=party_id))
    except grpc.aio.AioRpcError:
        return party_id
    return str(response.party.display_name)
