"""connect(): the embedded sandbox by default, an external node when AlgoKit's env vars say so."""

from __future__ import annotations

import base64
from urllib.error import URLError

import pytest
from algosdk import transaction

from gridworks.sandbox import DevAccount, EmbeddedSandbox, SandboxConfig, connect
from gridworks.sandbox.server import free_port


@pytest.fixture(scope="module")
def external_node():
    """A sandbox in this process standing in for an external node reached only over HTTP."""
    config = SandboxConfig(
        data_dir=None, algod_port=free_port(), kmd_port=free_port(), indexer_port=free_port()
    )
    with EmbeddedSandbox(config) as node:
        yield node


def test_env_vars_select_an_external_node(external_node: EmbeddedSandbox) -> None:
    env = {
        "ALGOD_SERVER": "http://127.0.0.1",
        "ALGOD_PORT": str(external_node.config.algod_port),
        "ALGOD_TOKEN": external_node.config.algod_token,
        "KMD_SERVER": "http://127.0.0.1",
        "KMD_PORT": str(external_node.config.kmd_port),
        "KMD_TOKEN": external_node.config.kmd_token,
    }
    network = connect(env)
    try:
        assert not network.is_embedded
        params = network.algod.suggested_params()
        assert base64.b64decode(params.gh) == external_node.ledger.genesis_hash
        assert params.gen == external_node.ledger.genesis_id
        accounts = network.dev_accounts()
        assert len(accounts) == 3
        fresh = network.new_account(2_000_000, funder=accounts[0])
        assert external_node.ledger.account(_key(fresh)).micro_algos == 2_000_000
    finally:
        network.close()


def test_default_is_an_embedded_sandbox_that_close_stops() -> None:
    network = connect({})
    assert network.is_embedded and network.sandbox is not None
    status = network.algod.status()
    assert status["last-round"] == 0
    balances = [network.balance(a.address) for a in network.dev_accounts()]
    assert balances == sorted(balances, reverse=True) and min(balances) >= 1_000_000 * 10**6
    network.close()
    with pytest.raises(URLError):  # nothing listens any more
        network.algod.status()


def test_new_accounts_are_funded_and_independent(network, dev_accounts) -> None:
    first, second = network.new_account(1_000_000), network.new_account(3_000_000)
    assert first.address != second.address
    assert network.balance(first.address) == 1_000_000
    assert network.balance(second.address) == 3_000_000
    params = network.algod.suggested_params()
    signed = transaction.PaymentTxn(first.address, params, second.address, 100_000).sign(
        first.private_key
    )
    transaction.wait_for_confirmation(network.algod, network.algod.send_transaction(signed), 4)
    assert network.balance(second.address) == 3_100_000


def test_dev_account_repr_hides_the_key(dev_accounts: list[DevAccount]) -> None:
    assert dev_accounts[0].private_key not in repr(dev_accounts[0])


def _key(account: DevAccount) -> bytes:
    from algosdk import encoding

    return encoding.decode_address(account.address)
