"""`appl` applied to an in-memory state: create, run, opt in, close out, clear, update, delete."""

from __future__ import annotations

from mock_ledger import ALICE, BOB, MockLedger, program, txn

from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.ledger.records import LocalState

OPT_IN, CLOSE_OUT, CLEAR_STATE, UPDATE, DELETE = 1, 2, 3, 4, 5
APPROVE = program("int 1")
COUNTER = program('byte "n"\nbyte "n"\napp_global_get\nint 1\n+\napp_global_put\nint 1')


def test_creating_an_app_reserves_its_schema_and_runs_the_program() -> None:
    ledger = MockLedger().fund(ALICE)
    created = txn("appl", apap=COUNTER, apsu=APPROVE, apgs={"nui": 1}, apls={"nbs": 2}, apep=1)
    ad = ledger.apply_app_call(created)
    app_id = ad.created_app
    assert app_id == ledger.state.txn_counter
    app = ledger.state.app(app_id)
    assert app is not None
    assert (app.creator, app.global_schema, app.local_schema) == (ALICE, (1, 0), (0, 2))
    assert app.global_state == {b"n": 1}
    assert ad.global_delta == {b"n": {"at": 2, "ui": 1}}
    acct = ledger.account(ALICE)
    assert (acct.total_created_apps, acct.total_uints, acct.total_extra_app_pages) == (1, 1, 1)


def test_a_call_keeps_what_the_program_wrote_and_logged() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, COUNTER, global_schema=(1, 0))
    ledger.apply_app_call(txn("appl", apid=app_id))
    logging = program('byte "hello"\nlog\nint 1')
    logger = ledger.add_app(ALICE, logging)
    ad = ledger.apply_app_call(txn("appl", apid=logger))
    assert ledger.state.apps[app_id].global_state == {b"n": 1}
    assert ad.logs == [b"hello"]


def test_a_rejecting_program_changes_nothing() -> None:
    ledger = MockLedger().fund(ALICE)
    writes_then_rejects = program('byte "n"\nint 5\napp_global_put\nint 0')
    app_id = ledger.add_app(ALICE, writes_then_rejects, global_schema=(1, 0))
    message = ledger.refuse(ledger.app_call(), txn("appl", apid=app_id))
    assert message == "transaction rejected by ApprovalProgram"
    assert ledger.state.apps[app_id].global_state == {}


def test_a_failing_program_is_refused_with_the_avms_reason() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, program("err"))
    message = ledger.refuse(ledger.app_call(), txn("appl", apid=app_id))
    assert message == f"logic eval error: err opcode executed. Details: app={app_id}, pc=1"


def test_opting_in_then_closing_out() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    app_id = ledger.add_app(ALICE, APPROVE, local_schema=(1, 1))
    ledger.apply_app_call(txn("appl", BOB, apid=app_id, apan=OPT_IN))
    assert ledger.state.local_state(BOB, app_id) == LocalState((1, 1), {})
    acct = ledger.account(BOB)
    assert (acct.total_apps_opted_in, acct.total_uints, acct.total_byte_slices) == (1, 1, 1)
    message = ledger.refuse(ledger.app_call(), txn("appl", BOB, apid=app_id, apan=OPT_IN))
    assert message == f"account {encode_address(BOB)} has already opted in to app {app_id}"
    ledger.apply_app_call(txn("appl", BOB, apid=app_id, apan=CLOSE_OUT))
    assert ledger.state.local_state(BOB, app_id) is None
    acct = ledger.account(BOB)
    assert (acct.total_apps_opted_in, acct.total_uints, acct.total_byte_slices) == (0, 0, 0)
    message = ledger.refuse(ledger.app_call(), txn("appl", BOB, apid=app_id, apan=CLOSE_OUT))
    assert message == f"account {encode_address(BOB)} is not opted in to app {app_id}"


def test_clear_state_clears_even_when_the_clear_program_fails() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    app_id = ledger.add_app(ALICE, APPROVE, program('byte "x"\nlog\nerr'), local_schema=(1, 0))
    ledger.opt_in_app(BOB, app_id, {b"k": 3})
    ad = ledger.apply_app_call(txn("appl", BOB, apid=app_id, apan=CLEAR_STATE))
    assert ledger.state.local_state(BOB, app_id) is None
    assert ledger.account(BOB).total_apps_opted_in == 0
    assert ad.logs == []  # the failed clear program's effects are dropped


def test_only_clear_state_reaches_a_deleted_app() -> None:
    ledger = MockLedger().fund(ALICE)
    message = ledger.refuse(ledger.app_call(), txn("appl", apid=999))
    assert message == "only ClearState is supported for an application (999) that does not exist"


def test_deleting_gives_the_creator_its_schema_back() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, APPROVE, global_schema=(2, 1))
    ledger.apply_app_call(txn("appl", apid=app_id, apan=DELETE))
    assert ledger.state.app(app_id) is None
    acct = ledger.account(ALICE)
    assert (acct.total_created_apps, acct.total_uints, acct.total_byte_slices) == (0, 0, 0)


def test_updating_replaces_the_programs_but_never_downgrades_them() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, APPROVE)
    newer = program("int 1\nint 1\n==")
    ledger.apply_app_call(txn("appl", apid=app_id, apan=UPDATE, apap=newer, apsu=APPROVE))
    assert ledger.state.apps[app_id].approval_program == newer
    old = program("int 1", version=5)
    message = ledger.refuse(
        ledger.app_call(), txn("appl", apid=app_id, apan=UPDATE, apap=old, apsu=old)
    )
    assert message == "approval program version downgrade: 5 < 10"
