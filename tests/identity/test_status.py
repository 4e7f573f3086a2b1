"""The status transition table and transition()."""

import itertools

import pytest

from gridworks.identity import TRANSITIONS, GNodeStatus, StatusTransitionError, transition

S = GNodeStatus
ALLOWED = {
    (S.Pending, S.Active),
    (S.Active, S.Suspended),
    (S.Active, S.PermanentlyDeactivated),
    (S.Suspended, S.Active),
    (S.Suspended, S.PermanentlyDeactivated),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(GNodeStatus, GNodeStatus)))
def test_exactly_the_allowed_transitions(old: GNodeStatus, new: GNodeStatus) -> None:
    if (old, new) in ALLOWED:
        assert transition(old, new) is new
    else:
        with pytest.raises(StatusTransitionError, match=f"{old.value} -> {new.value}"):
            transition(old, new)


def test_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(GNodeStatus)


def test_final_status_says_so() -> None:
    with pytest.raises(StatusTransitionError, match="PermanentlyDeactivated is final"):
        transition(S.PermanentlyDeactivated, S.Active)


def test_message_lists_the_options() -> None:
    with pytest.raises(StatusTransitionError, match="only: Active$"):
        transition(S.Pending, S.Suspended)
