"""The GNodeFactory is immutable (issue 10, defect 6): every UpdateApplication and
DeleteApplication is refused, the admin's included, by a deliberate rule with its own message
(it used to be refused only because the router read a missing argument)."""

from __future__ import annotations

import pytest
from algosdk import transaction
from beaker.client import ApplicationClient
from conftest import rejected
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts import gnode_factory
from gridworks.contracts.build import checked_in_spec


def client_of(setup: Setup, who) -> ApplicationClient:  # type: ignore[no-untyped-def]
    return ApplicationClient(
        setup.factory.algod,
        checked_in_spec(gnode_factory.app),
        app_id=setup.factory.app.app_id,
        signer=who.signer,
        sender=who.address,
    )


@pytest.mark.parametrize("who", ["admin", "stranger"])
def test_a_bare_update_is_refused(setup: Setup, account_factory, unchanged, who: str) -> None:
    sender = setup.admin if who == "admin" else account_factory()
    with unchanged(), pytest.raises(Exception, match="the GNodeFactory is immutable: no update"):
        client_of(setup, sender).update()


@pytest.mark.parametrize("who", ["admin", "stranger"])
def test_a_bare_delete_is_refused(setup: Setup, account_factory, unchanged, who: str) -> None:
    sender = setup.admin if who == "admin" else account_factory()
    with unchanged(), pytest.raises(Exception, match="the GNodeFactory is immutable: no delete"):
        client_of(setup, sender).delete()


@pytest.mark.parametrize("action", ["update", "delete"])
def test_an_abi_method_called_with_update_or_delete_is_refused(
    setup: Setup, algod, unchanged, action: str
) -> None:
    """No method accepts those OnCompletes: the router refuses (its OnCompletion assert)."""
    import base64

    admin = setup.admin
    spec = checked_in_spec(gnode_factory.app)
    assert set(spec.bare_call_config) == {"update_application", "delete_application"}
    selector = spec.contract.get_method_by_name("get_gnode").get_selector()
    args = [selector, abi_string(VALIDATOR_ALIAS)]
    sp, app_id = algod.suggested_params(), setup.factory.app.app_id
    boxes = [(0, b"g" + VALIDATOR_ALIAS.encode())]
    if action == "update":
        approval, clear = (
            base64.b64decode(algod.compile(teal)["result"])
            for teal in (spec.approval_program, spec.clear_program)
        )
        txn: transaction.Transaction = transaction.ApplicationUpdateTxn(
            admin.address, sp, app_id, approval, clear, app_args=args, boxes=boxes
        )
    else:
        txn = transaction.ApplicationDeleteTxn(
            admin.address, sp, app_id, app_args=args, boxes=boxes
        )
    with unchanged():
        assert "assert" in rejected(algod, admin.sign(txn))


def abi_string(text: str) -> bytes:
    return len(text).to_bytes(2, "big") + text.encode()


def test_the_factory_works_on_after_the_refusals(setup: Setup, account_factory) -> None:
    for attempt in (client_of(setup, setup.admin).update, client_of(setup, setup.admin).delete):
        with pytest.raises(Exception, match="immutable"):
            attempt()
    owner = account_factory()
    record = setup.factory.create_terminal_asset(
        setup.validator, "d1.after.refusals.ta", owner.address, owner.address
    )
    assert record.alias == "d1.after.refusals.ta"
