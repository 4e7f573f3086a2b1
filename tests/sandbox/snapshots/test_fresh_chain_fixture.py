"""The `fresh_chain` fixture: each test starts from the session's starting chain, whatever the
test before it did (these two run in file order), and it is not the `network` fixture's."""

from __future__ import annotations

from algosdk import account
from snapshot_helpers import create_app, default_handle, pay  # type: ignore[import-not-found]

from gridworks.sandbox import Network

TOUCHED = account.generate_account()[1]


def test_a_test_that_changes_everything(fresh_chain: Network) -> None:
    assert fresh_chain.sandbox is not None
    assert fresh_chain.sandbox.ledger.round == 0
    rich = fresh_chain.dev_accounts()[0]
    pay(fresh_chain, rich, TOUCHED, 2_000_000)
    create_app(fresh_chain, rich)
    handle = default_handle(fresh_chain)
    fresh_chain.kmd.generate_key(handle)
    fresh_chain.kmd.create_wallet("left-behind", "pw")
    fresh_chain.sandbox.snapshot()
    assert fresh_chain.sandbox.ledger.round > 0


def test_the_next_test_sees_none_of_it(fresh_chain: Network, network: Network) -> None:
    assert fresh_chain.sandbox is not None
    assert fresh_chain.sandbox.ledger.round == 0
    assert fresh_chain.balance(TOUCHED) == 0
    assert "left-behind" not in [w["name"] for w in fresh_chain.kmd.list_wallets()]
    assert len(fresh_chain.dev_accounts()) == 3
    assert fresh_chain.sandbox.snapshots() == []
    assert fresh_chain.sandbox is not network.sandbox
