"""bench.load's exactly-once check: pushes are applied by seq as the clients do (docs/protocol.md), a
transport copy of a push already held is counted apart, and anything else out of place still fails."""

from __future__ import annotations

from bench.load import (
    APPLIED,
    SEQ_CONFLICT,
    TRANSPORT_DUPLICATE,
    Received,
    applied_verdict,
    apply_push,
    exactly_once,
    verdict,
)


def pushed(*pushes: tuple[int, int]) -> Received:
    """A conversation's pushes as (seq, message number), in arrival order."""
    received = Received()
    for seq, number in pushes:
        apply_push(received, seq, number)
    return received


def test_a_copy_of_a_push_already_held_is_a_transport_duplicate_and_not_applied() -> None:
    received = Received()
    assert apply_push(received, 2, 0) == APPLIED
    assert apply_push(received, 3, 1) == APPLIED
    assert apply_push(received, 2, 0) == TRANSPORT_DUPLICATE
    assert received.applied == {2: 0, 3: 1}
    assert received.pushes == [0, 1, 0]  # the raw record keeps the copy
    assert received.transport_duplicates == 1 and received.seq_conflicts == 0
    assert applied_verdict(received, [0, 1]) == "complete"


def test_another_message_under_a_seq_already_held_is_a_conflict_not_a_copy() -> None:
    received = Received()
    apply_push(received, 2, 0)
    assert apply_push(received, 2, 1) == SEQ_CONFLICT
    assert received.transport_duplicates == 0 and received.seq_conflicts == 1
    assert applied_verdict(received, [0]) == SEQ_CONFLICT


def test_one_message_under_two_seqs_fails() -> None:
    assert applied_verdict(pushed((2, 0), (3, 0), (4, 1)), [0, 1]) == "duplicate"
    assert verdict([0, 0, 1], [0, 1]) == "duplicate"  # the stored side: the same text stored twice


def test_reorder_fails_by_message_and_by_seq() -> None:
    assert applied_verdict(pushed((3, 1), (2, 0)), [0, 1]) == "out of order or gap"
    # Numbers in order but seqs going back: the pushes did not follow the stored order.
    assert applied_verdict(pushed((3, 0), (2, 1)), [0, 1]) == "out of order or gap"
    assert verdict([1, 0], [0, 1]) == "out of order or gap"


def test_a_gap_fails_and_a_missing_tail_is_late() -> None:
    assert applied_verdict(pushed((2, 0), (4, 2)), [0, 1, 2]) == "out of order or gap"
    assert applied_verdict(pushed((2, 0), (3, 1)), [0, 1, 2]) == "late"
    assert applied_verdict(Received(), [0]) == "late"


def test_transport_copies_leave_ok_true_and_are_reported() -> None:
    expected = {"c1": [0, 1], "c2": [0, 1]}
    received = {"c1": pushed((2, 0), (3, 1), (3, 1)), "c2": pushed((2, 0), (3, 1))}
    check = exactly_once(expected, received, {"c1": [0, 1], "c2": [0, 1]})
    assert check["ok"] is True and check["noDuplicateNoReorder"] is True
    assert check["transportDuplicatePushes"] == 1
    assert check["transportDuplicateConversations"] == {"c1": 1}
    assert check["appliedConversationsOk"] == 2 and check["missingPushes"] == 0
    # The raw pushes stay visible: 5 frames, c1's seen twice.
    assert check["rawPushes"] == 5 and check["rawPushed"] == {"complete": 1, "duplicate": 1}


def test_any_other_fault_makes_ok_false() -> None:
    expected = {"c1": [0, 1]}
    complete = {"c1": pushed((2, 0), (3, 1))}
    assert exactly_once(expected, complete, {"c1": [0, 1]})["ok"] is True
    faults = {
        "same text under two seqs": ({"c1": pushed((2, 0), (3, 0), (4, 1))}, {"c1": [0, 1]}),
        "conflict": ({"c1": pushed((2, 0), (2, 1))}, {"c1": [0, 1]}),
        "reordered": ({"c1": pushed((2, 1), (3, 0))}, {"c1": [0, 1]}),
        "missing push": ({"c1": pushed((2, 0))}, {"c1": [0, 1]}),
        "never pushed": ({}, {"c1": [0, 1]}),
        "stored twice": (complete, {"c1": [0, 0, 1]}),
        "stored with a gap": (complete, {"c1": [1]}),
    }
    for name, (received, stored) in faults.items():
        check = exactly_once(expected, received, stored)
        assert check["ok"] is False, name
        assert check["transportDuplicatePushes"] == 0, name
    assert exactly_once(expected, {"c1": pushed((2, 0))}, {"c1": [0, 1]})["missingPushes"] == 1
    assert exactly_once(expected, {"c1": pushed((2, 0), (2, 1))}, {"c1": [0, 1]})["seqConflicts"] == 1
