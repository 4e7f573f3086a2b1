"""The gridworks pytest plugin (registered through the `pytest11` entry point).

Fixtures: `network` (session: the embedded sandbox on free ports, in memory, or the external node
named by ALGOD_SERVER & co.), `algod`, `kmd`, `dev_accounts`, `sandbox` (the embedded sandbox
itself; tests that use it are skipped against an external node) and `account_factory`, which makes
fresh funded accounts so tests stay independent of each other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from algosdk.kmd import KMDClient
    from algosdk.v2client.algod import AlgodClient

    from gridworks.sandbox import DevAccount, EmbeddedSandbox, Network


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_only: uses the embedded sandbox's Python API (not an external node)"
    )


@pytest.fixture(scope="session")
def network() -> Iterator[Network]:
    from gridworks.sandbox import connect

    net = connect()
    try:
        yield net
    finally:
        net.close()


@pytest.fixture(scope="session")
def algod(network: Network) -> AlgodClient:
    return network.algod


@pytest.fixture(scope="session")
def kmd(network: Network) -> KMDClient:
    return network.kmd


@pytest.fixture(scope="session")
def dev_accounts(network: Network) -> list[DevAccount]:
    return network.dev_accounts()


@pytest.fixture(scope="session")
def sandbox(network: Network) -> EmbeddedSandbox:
    if network.sandbox is None:
        pytest.skip(f"needs the embedded sandbox; ALGOD_SERVER={os.environ.get('ALGOD_SERVER')}")
    return network.sandbox


@pytest.fixture
def account_factory(network: Network, dev_accounts: list[DevAccount]) -> Callable[..., DevAccount]:
    def make(micro_algos: int = 10_000_000) -> DevAccount:
        return network.new_account(micro_algos, funder=dev_accounts[0])

    return make
