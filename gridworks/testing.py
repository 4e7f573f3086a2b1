"""The gridworks pytest plugin (registered through the `pytest11` entry point).

Fixtures: `network` (session: the embedded sandbox on free ports, in memory, or the external node
named by ALGOD_SERVER & co.), `algod`, `kmd`, `indexer`, `dev_accounts`, `sandbox` (the embedded
sandbox itself; tests that use it are skipped against an external node) and `account_factory`,
which makes fresh funded accounts so tests stay independent of each other.

`explorer` is the explorer's address for `network` (gridworks.explorer).

`fresh_chain` gives each test a chain at the session's starting state: a second embedded sandbox
(in memory, on free ports, never the one behind `network`, whose session fixtures keep state),
taken back to its genesis before each test with `reset()` (a revert to the start of its session:
it costs what the previous test changed). A test may take and revert snapshots of its own.

For the identity layer and actors: `gnode_factory` (session: a deployed GNodeFactory with a
certified validator), `certified_device` (a new TerminalAsset on it, with its TaDeed,
TaTradingRights and ScadaCert delivered to fresh accounts: a `gridworks.contracts.provision.Device`)
and `broker_config` (a `BrokerConfig` with exchanges and queues of the test's own on the dev
broker, deleted afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from algosdk.kmd import KMDClient
    from algosdk.v2client.algod import AlgodClient
    from algosdk.v2client.indexer import IndexerClient

    from gridworks.actors.broker import BrokerConfig
    from gridworks.contracts.provision import Device, FactorySetup
    from gridworks.identity.keys import ActorKey
    from gridworks.identity.roles import GNodeRole
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
def indexer(network: Network) -> IndexerClient:
    """The network's indexer client (the embedded sandbox's, or INDEXER_SERVER & co.'s)."""
    if network.indexer is None:
        pytest.skip("needs an indexer; ALGOD_SERVER is set and INDEXER_SERVER is not")
    return network.indexer


@pytest.fixture(scope="session")
def dev_accounts(network: Network) -> list[DevAccount]:
    return network.dev_accounts()


@pytest.fixture(scope="session")
def sandbox(network: Network) -> EmbeddedSandbox:
    if network.sandbox is None:
        pytest.skip(f"needs the embedded sandbox; ALGOD_SERVER={os.environ.get('ALGOD_SERVER')}")
    return network.sandbox


@pytest.fixture(scope="session")
def explorer(network: Network) -> Iterator[str]:
    """The explorer's first page (ending in "/") for `network`: the embedded sandbox's own at
    /explorer/, or, against an external node, one served on a free port of this process that
    reads that node's algod and indexer."""
    if network.sandbox is not None and network.sandbox.explorer_address:
        yield network.sandbox.explorer_address
        return
    if network.indexer is None:
        pytest.skip("the explorer needs an indexer; ALGOD_SERVER is set and INDEXER_SERVER is not")
    from gridworks.explorer import ChainSources, create_explorer_app
    from gridworks.sandbox.server import Listener, ServerGroup, free_port

    sources = ChainSources(network.algod, network.indexer)
    port = free_port()
    servers = ServerGroup(
        [Listener(create_explorer_app(sources), "127.0.0.1", port)], name="explorer"
    )
    servers.start_in_thread()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        servers.join()


@pytest.fixture(scope="session")
def fresh_chain_network() -> Iterator[Network]:
    """The embedded sandbox behind `fresh_chain`, started at genesis for the session."""
    if os.environ.get("ALGOD_SERVER"):
        pytest.skip("fresh_chain resets an embedded sandbox of its own; ALGOD_SERVER is set")
    from gridworks.sandbox import connect

    net = connect(env={})
    try:
        yield net
    finally:
        net.close()


@pytest.fixture
def fresh_chain(fresh_chain_network: Network) -> Network:
    """A Network whose chain (ledger, indexer, kmd) is back at the session's start: genesis,
    with the dev wallet as it was then."""
    assert fresh_chain_network.sandbox is not None
    fresh_chain_network.sandbox.reset()
    return fresh_chain_network


@pytest.fixture
def account_factory(network: Network, dev_accounts: list[DevAccount]) -> Callable[..., DevAccount]:
    def make(micro_algos: int = 10_000_000) -> DevAccount:
        return network.new_account(micro_algos, funder=dev_accounts[0])

    return make


@pytest.fixture(scope="session")
def gnode_factory(network: Network) -> FactorySetup:
    from gridworks.contracts.provision import provision_factory

    return provision_factory(network, validator_alias="d1.test.validator")


@pytest.fixture
def certified_device(network: Network, gnode_factory: FactorySetup) -> Device:
    """A fresh TerminalAsset `d1.test.x<random>.ta` with all three certificates delivered."""
    import uuid

    from gridworks.contracts.provision import provision_device

    alias = f"d1.test.x{uuid.uuid4().hex[:16]}"
    return provision_device(network, alias, on=gnode_factory, micro_algos=5_000_000)


@pytest.fixture
def certified_service(
    network: Network, gnode_factory: FactorySetup
) -> Callable[[GNodeRole | str], tuple[str, ActorKey]]:
    """`certified_service(role)`: a fresh service GNode `d1.s<random>` of `role` (e.g.
    "TimeCoordinator") on the session factory; returns its alias and the key holding its
    ServiceCert."""
    import uuid

    from gridworks.contracts.provision import provision_service

    def make(role: GNodeRole | str) -> tuple[str, ActorKey]:
        alias = f"d1.s{uuid.uuid4().hex[:12]}"
        return alias, provision_service(network, alias, role, on=gnode_factory)

    return make


@pytest.fixture
def broker_config() -> Iterator[BrokerConfig]:
    """Exchanges and a dead-letter queue named for this test; its actor queues expire when idle."""
    import uuid

    from gridworks.actors.broker import BrokerConfig, BrokerError, connect

    tag = uuid.uuid4().hex[:12]
    config = BrokerConfig(
        exchange=f"gridworks.test.{tag}",
        dead_letter_exchange=f"gridworks.test.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.test.{tag}.dead-letter",
        queue_expires_ms=60_000,
    )
    yield config
    try:
        connection = connect(config)
    except BrokerError:
        return
    try:
        channel = connection.channel()
        channel.queue_delete(config.dead_letter_queue)
        channel.queue_delete(config.ear_queue)
        channel.exchange_delete(config.exchange)
        channel.exchange_delete(config.dead_letter_exchange)
    finally:
        connection.close()
