"""Shared test helpers. The fixtures themselves come from the gridworks pytest plugin."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import Network

Signed = (
    transaction.SignedTransaction
    | transaction.MultisigTransaction
    | transaction.LogicSigTransaction
)


def send(algod: AlgodClient, *signed: Signed) -> list[dict]:
    """Sends one transaction or a group and waits until each is confirmed."""
    algod.send_transactions(list(signed))
    return [transaction.wait_for_confirmation(algod, s.get_txid(), 4) for s in signed]


def rejected(algod: AlgodClient, *signed: Signed) -> str:
    """Sends, expecting algod to refuse with HTTP 400; returns the error message."""
    with pytest.raises(AlgodHTTPError) as info:
        algod.send_transactions(list(signed))
    assert info.value.code == 400, info.value
    return str(info.value)


@pytest.fixture
def unchanged(network: Network) -> Callable[..., contextlib.AbstractContextManager[None]]:
    """`with unchanged(*addresses):` asserts the block leaves the ledger exactly as it was.

    On the embedded sandbox the digest of the whole state and the round are compared; on an
    external node, the named accounts' full records.
    """

    @contextlib.contextmanager
    def check(*addresses: str) -> Iterator[None]:
        def snapshot() -> object:
            if network.sandbox is not None:
                ledger = network.sandbox.ledger
                return ledger.round, ledger.state_digest()
            infos = [network.algod.account_info(a) for a in addresses]
            for info in infos:
                info.pop("round", None)
            return infos

        before = snapshot()
        yield
        assert snapshot() == before, "a refused transaction changed the ledger"

    return check
