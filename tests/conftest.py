"""Shared test helpers. The fixtures themselves come from the gridworks pytest plugin."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient

from gridworks.identity.certificates import CertificateKind, arc3_url, asset_name, metadata_hash
from gridworks.sandbox import Network

Signed = (
    transaction.SignedTransaction
    | transaction.MultisigTransaction
    | transaction.LogicSigTransaction
)


KEY_PASSWORD = "correct horse battery staple"
"""The password of the throw-away key files tests write (never a real key's)."""


def assert_no_secret(text: str, key: Any) -> None:
    """`text` shows none of `key`'s secrets (an ActorKey): mnemonic, private key, seed."""
    # single mnemonic words are short English words, so check a run of three, not one word alone
    words = key.mnemonic().split()
    assert " ".join(words[:3]) not in text
    for secret in (key.mnemonic(), key.private_key, base64.b64decode(key.private_key)[:32].hex()):
        assert secret not in text


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


def mint_look_alike(
    algod: AlgodClient, forger: Any, kind: CertificateKind, alias: str, *, exact: bool = False
) -> int:
    """An NFT dressed as the factory's `kind` certificate of `alias` (unit name, asset name,
    ARC-3 URL and metadata hash) but created by `forger`; returns its asset id. With `exact`
    it also copies default-frozen and points every role at the forger, as the factory's do."""
    roles = {"reserve": forger.address, "freeze": forger.address, "clawback": forger.address}
    txn = transaction.AssetCreateTxn(
        forger.address,
        algod.suggested_params(),
        total=1,
        decimals=0,
        default_frozen=exact,
        unit_name=kind.unit_name,
        asset_name=asset_name(alias),
        url=arc3_url(kind),
        metadata_hash=metadata_hash(kind, alias),
        manager=forger.address,
        **(roles if exact else {}),
    )
    signed = forger.signer.sign_transactions([txn], [0])[0]
    return int(send(algod, signed)[0]["asset-index"])


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, for one test module (tests/browser.py says why)."""
    from tests.browser import open_browser

    with open_browser() as opened:
        yield opened


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cookies or cache shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
