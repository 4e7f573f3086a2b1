"""Reset: back to genesis with the dev wallet as it was then, every snapshot dropped."""

from __future__ import annotations

from algosdk import account
from snapshot_helpers import (  # type: ignore[import-not-found]
    create_app,
    default_handle,
    exists,
    pay,
    picture,
)

from gridworks.sandbox import Network


def test_reset_goes_back_to_genesis_keeping_the_dev_wallet(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    dev = net.dev_accounts()
    addresses = [a.address for a in dev]
    genesis = picture(net, addresses, [])
    assert genesis["round"] == 0
    app_id = create_app(net, dev[0])
    pay(net, dev[0], account.generate_account()[1], 1_000_000)
    handle = default_handle(net)
    net.kmd.generate_key(handle)
    net.kmd.release_wallet_handle(handle)
    net.kmd.create_wallet("made-later", "pw")
    sandbox.snapshot()
    sandbox.advance(3)

    sandbox.reset()

    assert picture(net, addresses, []) == genesis
    assert not exists(net.algod.application_info, app_id)
    assert sandbox.snapshots() == []
    assert [a.address for a in net.dev_accounts()] == addresses
    # and the chain goes on from genesis
    pay(net, dev[0], dev[1].address, 1)
    assert sandbox.ledger.round == 1


def test_reset_of_a_fresh_chain_changes_nothing(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    before = picture(net, [a.address for a in net.dev_accounts()], [])
    net.sandbox.reset()
    assert picture(net, [a.address for a in net.dev_accounts()], []) == before
