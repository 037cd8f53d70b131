"""Cases in the ledger, on SQLite and PostgreSQL: decisions, merges and their undoing, splits,
closes and reopens, the timeline, and requests that reference a case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chassis.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError
from chassis.search import Term
from chassis.timestamps import utc_now
from correlate_svc.decision import Decision
from correlate_svc.tables import CaseState
from tests.unit.correlate_svc.ledger_fixtures import GAS_METER, MONDAY, Store, request

HOUR = timedelta(hours=1)


def _case_of(store: Store, request_id: str) -> str:
    return store.ledger.correlate(request(request_id)).case_id


# ---------------------------------------------------------------- decisions


def test_the_same_demand_by_two_channels_is_one_case(store: Store) -> None:
    first = store.ledger.correlate(request("mail-1", channel="mail"))
    second = store.ledger.correlate(request("call-1", channel="phone", sent_time=MONDAY + HOUR))

    assert first.decision is Decision.NEW
    assert second.decision is Decision.DUPLICATE
    assert second.case_id == first.case_id
    assert second.matched_request_id == "mail-1"


def test_a_duplicate_is_found_in_the_index_as_in_the_outbox(store: Store) -> None:
    first = store.ledger.correlate(request("mail-1"))
    store.index_everything()

    second = store.ledger.correlate(request("call-1", sent_time=MONDAY + HOUR))

    assert store.index.search(Term("request_id", "mail-1"), 1)
    assert second.case_id == first.case_id


def test_another_demand_of_the_same_party_is_a_new_case(store: Store) -> None:
    first = store.ledger.correlate(request("mail-1"))
    other = store.ledger.correlate(request("sms-1", channel="sms", **GAS_METER))

    assert other.decision is not Decision.DUPLICATE
    assert other.case_id != first.case_id


def test_a_request_is_correlated_once(store: Store) -> None:
    first = store.ledger.correlate(request("mail-1"))
    again = store.ledger.correlate(request("mail-1", party_id="someone-else"))

    assert again == first


# ---------------------------------------------------------------- the timeline


def test_a_case_shows_its_requests_in_time_order_across_channels(store: Store) -> None:
    store.ledger.correlate(request("call-1", channel="phone", sent_time=MONDAY + 2 * HOUR))
    store.ledger.correlate(request("mail-1", channel="mail", sent_time=MONDAY))
    case_id = store.ledger.correlate(request("email-1", sent_time=MONDAY + HOUR)).case_id

    view = store.cases.get(case_id)

    assert view is not None
    assert [(r.request_id, r.channel) for r in view.requests] == [
        ("mail-1", "mail"),
        ("email-1", "email"),
        ("call-1", "phone"),
    ]
    assert view.requests[1].explanation.startswith("duplicate of")


def test_an_unknown_case_is_none(store: Store) -> None:
    assert store.cases.get("case-unknown") is None


# ---------------------------------------------------------------- merges


def test_a_merge_moves_the_requests_and_the_merged_id_resolves_to_the_survivor(
    store: Store,
) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id

    view = store.cases.merge(survivor, merged)

    assert [r.request_id for r in view.requests] == ["mail-1", "sms-1"]
    assert view.merged_case_ids == [merged]
    resolved = store.cases.get(merged)
    assert resolved is not None
    assert resolved.case.case_id == survivor


def test_a_repeated_merge_returns_the_survivor(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(survivor, merged)

    again = store.cases.merge(survivor, merged)

    assert again.case.case_id == survivor
    assert len(again.requests) == 2


def test_requests_after_a_merge_join_the_survivor(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(survivor, merged)

    later = store.ledger.correlate(request("sms-2", sent_time=MONDAY + HOUR, **GAS_METER))

    assert later.decision is Decision.DUPLICATE
    assert later.case_id == survivor


def test_a_merge_reaches_the_index(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.index_everything()

    store.cases.merge(survivor, merged)
    store.index_everything()

    assert {h.id for h in store.index.search(Term("case_id", survivor), 10)} == {
        "mail-1",
        "sms-1",
    }


def test_merges_that_make_no_sense_are_refused(store: Store) -> None:
    jean = _case_of(store, "mail-1")
    marie = store.ledger.correlate(request("mail-2", party_id="marie")).case_id
    other = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(jean, other)

    with pytest.raises(InvalidArgumentError) as itself:
        store.cases.merge(jean, jean)
    with pytest.raises(FailedPreconditionError) as parties:
        store.cases.merge(jean, marie)
    with pytest.raises(FailedPreconditionError) as into_merged:
        store.cases.merge(other, marie)
    with pytest.raises(NotFoundError) as unknown:
        store.cases.merge(jean, "case-unknown")

    assert itself.value.reason == "SAME_CASE"
    assert parties.value.reason == "PARTIES_DIFFER"
    assert into_merged.value.reason == "CASE_MERGED"
    assert into_merged.value.metadata == {"merged_into_case_id": jean}
    assert unknown.value.reason == "CASE_NOT_FOUND"


def test_a_case_of_an_unknown_sender_merges_into_a_known_partys_case(store: Store) -> None:
    unknown = store.ledger.correlate(request("mail-1", party_id="")).case_id
    jean = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id

    survivor = store.cases.merge(unknown, jean)

    assert survivor.case.party_id == "jean"
    restored = store.cases.unmerge(jean)
    back = store.cases.get(unknown)
    assert back is not None
    assert back.case.party_id == ""
    assert restored.case.party_id == "jean"


# ---------------------------------------------------------------- undoing a merge


def test_undoing_a_merge_restores_the_case_as_it_was(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.close(merged, MONDAY + HOUR)
    store.cases.merge(survivor, merged)
    joined_later = store.ledger.correlate(request("call-1", sent_time=MONDAY + 2 * HOUR))

    restored = store.cases.unmerge(merged)

    assert restored.case.case_id == merged
    assert restored.case.state == CaseState.CLOSED
    assert [r.request_id for r in restored.requests] == ["sms-1"]
    survivor_view = store.cases.get(survivor)
    assert survivor_view is not None
    assert [r.request_id for r in survivor_view.requests] == ["mail-1", "call-1"]
    assert joined_later.case_id == survivor
    assert survivor_view.merged_case_ids == []


def test_a_merge_can_be_made_again_after_it_was_undone(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(survivor, merged)
    store.cases.unmerge(merged)

    again = store.cases.merge(survivor, merged)

    assert [r.request_id for r in again.requests] == ["mail-1", "sms-1"]
    assert store.cases.unmerge(merged).requests[0].request_id == "sms-1"


def test_merges_chain_and_unwind(store: Store) -> None:
    first = _case_of(store, "mail-1")
    second = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    third = store.ledger.correlate(
        request("fax-1", category="claim", subject="Sinistre", text="Dégât des eaux cuisine.")
    ).case_id
    store.cases.merge(second, third)
    store.cases.merge(first, second)

    chained = store.cases.get(third)
    assert chained is not None
    assert chained.case.case_id == first
    assert chained.merged_case_ids == sorted([second, third])

    with pytest.raises(FailedPreconditionError) as inner_first:
        store.cases.unmerge(third)
    store.cases.unmerge(second)

    back = store.cases.get(third)
    assert inner_first.value.reason == "CASE_MERGED"
    assert back is not None
    assert back.case.case_id == second
    assert sorted(r.request_id for r in back.requests) == ["fax-1", "sms-1"]


def test_only_a_merged_case_can_be_unmerged(store: Store) -> None:
    case_id = _case_of(store, "mail-1")

    with pytest.raises(FailedPreconditionError) as raised:
        store.cases.unmerge(case_id)
    with pytest.raises(NotFoundError):
        store.cases.unmerge("case-unknown")

    assert raised.value.reason == "CASE_NOT_MERGED"


# ---------------------------------------------------------------- splits


def test_a_split_moves_requests_into_a_new_case(store: Store) -> None:
    case_id = _case_of(store, "mail-1")
    store.ledger.correlate(request("call-1", channel="phone", sent_time=MONDAY + HOUR))
    store.ledger.correlate(request("email-2", sent_time=MONDAY + 2 * HOUR))

    split = store.cases.split(case_id, ["email-2", "call-1"])

    assert split.case.case_id != case_id
    assert split.case.split_from_case_id == case_id
    assert split.case.party_id == "jean"
    assert split.case.state == CaseState.OPEN
    assert [r.request_id for r in split.requests] == ["call-1", "email-2"]
    source = store.cases.get(case_id)
    assert source is not None
    assert [r.request_id for r in source.requests] == ["mail-1"]


def test_a_repeated_split_returns_the_case_it_made(store: Store) -> None:
    case_id = _case_of(store, "mail-1")
    store.ledger.correlate(request("call-1", sent_time=MONDAY + HOUR))
    first = store.cases.split(case_id, ["call-1"])

    again = store.cases.split(case_id, ["call-1"])

    assert again.case.case_id == first.case.case_id


def test_splits_that_make_no_sense_are_refused(store: Store) -> None:
    case_id = _case_of(store, "mail-1")
    store.ledger.correlate(request("call-1", sent_time=MONDAY + HOUR))
    other = store.ledger.correlate(request("sms-1", **GAS_METER))

    with pytest.raises(InvalidArgumentError) as nothing:
        store.cases.split(case_id, [])
    with pytest.raises(InvalidArgumentError) as foreign:
        store.cases.split(case_id, ["call-1", other.case_id, "sms-1"])
    with pytest.raises(FailedPreconditionError) as everything:
        store.cases.split(case_id, ["call-1", "mail-1"])

    assert nothing.value.reason == "NOTHING_TO_SPLIT"
    assert foreign.value.reason == "REQUEST_NOT_IN_CASE"
    assert [v.field for v in foreign.value.violations] == ["request_ids[1]", "request_ids[2]"]
    assert everything.value.reason == "SPLIT_EMPTIES_CASE"


def test_a_duplicate_of_a_split_out_request_joins_the_new_case(store: Store) -> None:
    case_id = _case_of(store, "mail-1")
    other = store.ledger.correlate(request("sms-1", sent_time=MONDAY + HOUR, **GAS_METER))
    store.cases.merge(case_id, other.case_id)
    split = store.cases.split(case_id, ["sms-1"])

    again = store.ledger.correlate(request("sms-2", sent_time=MONDAY + 2 * HOUR, **GAS_METER))

    assert again.case_id == split.case.case_id


# ---------------------------------------------------------------- closing and reopening


def test_close_and_reopen(store: Store) -> None:
    case_id = _case_of(store, "mail-1")

    closed = store.cases.close(case_id, MONDAY + HOUR)
    closed_again = store.cases.close(case_id, MONDAY + 2 * HOUR)
    reopened = store.cases.reopen(case_id)

    assert closed.case.state == CaseState.CLOSED
    assert closed_again.case.close_time is not None
    assert closed_again.case.close_time.replace(tzinfo=None) == (MONDAY + HOUR).replace(tzinfo=None)
    assert reopened.case.state == CaseState.OPEN
    assert reopened.case.close_time is None


def test_a_merged_case_cannot_be_closed_or_reopened(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(survivor, merged)

    with pytest.raises(FailedPreconditionError):
        store.cases.close(merged, None)
    with pytest.raises(FailedPreconditionError):
        store.cases.reopen(merged)


def test_a_copy_sent_before_the_close_joins_without_reopening(store: Store) -> None:
    case_id = _case_of(store, "mail-1")
    store.cases.close(case_id, utc_now())

    late_copy = store.ledger.correlate(request("letter-1", channel="mail", sent_time=MONDAY))

    view = store.cases.get(case_id)
    assert late_copy.case_id == case_id
    assert view is not None
    assert view.case.state == CaseState.CLOSED


def test_a_request_sent_after_the_close_reopens_the_case(store: Store) -> None:
    sent = utc_now() - timedelta(days=3)
    case_id = store.ledger.correlate(request("mail-1", sent_time=sent)).case_id
    store.cases.close(case_id, sent + HOUR)

    again = store.ledger.correlate(request("call-1", sent_time=sent + 2 * HOUR))

    view = store.cases.get(case_id)
    assert again.case_id == case_id
    assert view is not None
    assert view.case.state == CaseState.OPEN


def test_a_case_closed_beyond_the_reopen_window_attracts_nothing(store: Store) -> None:
    sent = utc_now() - timedelta(days=40)
    case_id = store.ledger.correlate(request("mail-1", sent_time=sent)).case_id
    store.cases.close(case_id, sent + timedelta(days=1))

    again = store.ledger.correlate(request("call-1", sent_time=sent + timedelta(days=30)))

    assert again.case_id != case_id


# ---------------------------------------------------------------- case references


def test_a_reply_quoting_the_case_id_joins_it_whatever_it_says(store: Store) -> None:
    case_id = _case_of(store, "mail-1")

    reply = store.ledger.correlate(
        request(
            "email-2",
            subject=f"RE: votre dossier {case_id.upper()}",
            **{k: v for k, v in GAS_METER.items() if k != "subject"},
        )
    )

    assert reply.decision is Decision.DUPLICATE
    assert reply.case_id == case_id
    assert f"follows up case {case_id}" in reply.explanation


def test_a_case_reference_from_the_channel_joins_the_case(store: Store) -> None:
    case_id = _case_of(store, "mail-1")

    reply = store.ledger.correlate(
        request("email-2", case_references=(case_id,), text="Oui, merci.", subject="RE:")
    )

    assert reply.case_id == case_id


def test_another_partys_case_reference_never_hijacks_the_case(store: Store) -> None:
    case_id = _case_of(store, "mail-1")

    intruder = store.ledger.correlate(
        request("email-9", party_id="mallory", subject=f"Dossier {case_id}")
    )

    view = store.cases.get(case_id)
    assert intruder.case_id != case_id
    assert "ignored: the case is another party's" in intruder.explanation
    assert view is not None
    assert [r.request_id for r in view.requests] == ["mail-1"]


def test_an_unknown_sender_joins_a_referenced_case_only_with_agreeing_evidence(
    store: Store,
) -> None:
    case_id = store.ledger.correlate(request("mail-1", references=("CTR20240871",))).case_id

    bare = store.ledger.correlate(
        request("email-2", party_id="", case_references=(case_id,), **GAS_METER)
    )
    with_contract = store.ledger.correlate(
        request(
            "email-3",
            party_id="",
            case_references=(case_id,),
            references=("CTR20240871",),
            **GAS_METER,
        )
    )

    assert bare.case_id != case_id
    assert "not followed" in bare.explanation
    assert with_contract.case_id == case_id
    assert "shared CTR20240871" in with_contract.explanation


def test_a_reference_to_a_merged_case_follows_the_merge(store: Store) -> None:
    survivor = _case_of(store, "mail-1")
    merged = store.ledger.correlate(request("sms-1", **GAS_METER)).case_id
    store.cases.merge(survivor, merged)

    reply = store.ledger.correlate(request("email-2", subject=f"Dossier {merged}", text="Et?"))

    assert reply.case_id == survivor


def test_a_reference_to_a_case_closed_long_ago_opens_a_related_case(store: Store) -> None:
    sent = utc_now() - timedelta(days=90)
    case_id = store.ledger.correlate(request("mail-1", sent_time=sent)).case_id
    store.cases.close(case_id, sent + timedelta(days=2))

    reply = store.ledger.correlate(request("email-2", subject=f"Dossier {case_id}"))

    assert reply.decision is Decision.RELATED
    assert reply.case_id != case_id
    view = store.cases.get(reply.case_id)
    assert view is not None
    assert view.related_case_ids == [case_id]
