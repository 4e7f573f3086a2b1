"""A certified device in one call: the set-up every demo, benchmark and integration test needs.

`provision_factory` deploys a GNodeFactory and certifies a validator; `provision_device`
registers a TerminalAsset on it (or on a new one) with its TaDeed (owner), TaTradingRights (the
AtomicTNode's account) and ScadaCert (the Scada's account), all delivered to fresh funded
accounts; `provision_service` certifies a service GNode (TimeCoordinator, Supervisor,
MarketMaker, PriceService, WeatherService) and delivers its ServiceCert to a fresh funded
account. The pytest plugin's `gnode_factory` and `certified_device` fixtures call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from algosdk import transaction

from gridworks.contracts.factory import Factory
from gridworks.identity.chain import genesis_hash
from gridworks.identity.keys import ActorKey
from gridworks.identity.roles import SCADA_WORD, TA_WORD, GNodeRole
from gridworks.sandbox import Network


@dataclass(frozen=True)
class Device:
    """A TerminalAsset on chain, the keys that hold its certificates, and its actors' aliases."""

    factory: Factory
    admin: ActorKey
    validator: ActorKey
    owner: ActorKey
    atomic_tnode: ActorKey
    scada: ActorKey
    atomic_tnode_alias: str
    genesis_hash: str

    @property
    def terminal_asset_alias(self) -> str:
        return f"{self.atomic_tnode_alias}.{TA_WORD}"

    @property
    def scada_alias(self) -> str:
        return f"{self.atomic_tnode_alias}.{SCADA_WORD}"


@dataclass(frozen=True)
class FactorySetup:
    """A deployed GNodeFactory, its admin, and a validator it has certified."""

    factory: Factory
    admin: ActorKey
    validator: ActorKey
    validator_alias: str


def funded_key(network: Network, micro_algos: int = 20_000_000) -> ActorKey:
    """A fresh account funded from the network's richest dev account."""
    return ActorKey.from_dev_account(network.new_account(micro_algos))


GROUP_SIZE = 16
"""The most transactions an atomic group holds."""


def funded_keys(network: Network, count: int, micro_algos: int = 1_000_000) -> list[ActorKey]:
    """`count` fresh accounts funded from the network's richest dev account, in batches: one
    atomic group of payments per 16 accounts, all sent before the last is waited for (a few
    rounds in all, where `funded_key` waits a round for each)."""
    funder = network.dev_accounts()[0]
    keys = [ActorKey.generate() for _ in range(count)]
    params = network.algod.suggested_params()
    last = None
    for start in range(0, count, GROUP_SIZE):
        payments: list[transaction.Transaction] = [
            transaction.PaymentTxn(funder.address, params, key.address, micro_algos)
            for key in keys[start : start + GROUP_SIZE]
        ]
        if len(payments) > 1:
            transaction.assign_group_id(payments)
        signed = funder.signer.sign_transactions(payments, list(range(len(payments))))
        last = network.algod.send_transactions(signed)
    if last is not None:
        transaction.wait_for_confirmation(network.algod, last, 10)
    return keys


TERMINAL_ASSET_COST = 350_000
"""What one TerminalAsset costs its validator at most, in micro-Algos: the deposit for the
longest alias (329,300: two certificates and a 64-byte-key record box) plus the fees."""


def provision_factory(
    network: Network,
    *,
    validator_alias: str = "d1.isone.ver.validator",
    micro_algos: int = 20_000_000,
    terminal_assets: int = 200,
) -> FactorySetup:
    """Deploy a GNodeFactory with a fresh admin and certify a fresh validator, funded to pay the
    deposits of `terminal_assets` TerminalAssets on top of `micro_algos`."""
    admin = funded_key(network, micro_algos)
    validator = funded_key(network, micro_algos + terminal_assets * TERMINAL_ASSET_COST)
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, validator_alias)
    return FactorySetup(factory, admin, validator, validator_alias)


def provision_device(
    network: Network,
    atomic_tnode_alias: str,
    *,
    on: FactorySetup | None = None,
    micro_algos: int = 20_000_000,
) -> Device:
    """Register `<atomic_tnode_alias>.ta` with all three certificates delivered to fresh
    accounts, on the factory `on` (a new one when not given)."""
    setup = on or provision_factory(network, micro_algos=micro_algos)
    owner, atomic_tnode, scada = (funded_key(network, micro_algos) for _ in range(3))
    ta = f"{atomic_tnode_alias}.{TA_WORD}"
    setup.factory.create_terminal_asset(setup.validator, ta, owner, atomic_tnode)
    setup.factory.issue_scada_cert(owner, ta, scada)
    return Device(
        factory=setup.factory,
        admin=setup.admin,
        validator=setup.validator,
        owner=owner,
        atomic_tnode=atomic_tnode,
        scada=scada,
        atomic_tnode_alias=atomic_tnode_alias,
        genesis_hash=genesis_hash(network.algod),
    )


def provision_service(
    network: Network,
    alias: str,
    role: GNodeRole | str,
    *,
    on: FactorySetup | None = None,
    micro_algos: int = 20_000_000,
) -> ActorKey:
    """Certify the service GNode `alias` as `role` on the factory `on` (a new one when not given):
    its admin registers it, and its ServiceCert is delivered to a fresh account funded with
    `micro_algos`, whose key is returned (the service signs its messages with it)."""
    setup = on or provision_factory(network, micro_algos=micro_algos)
    holder = funded_key(network, micro_algos)
    setup.factory.certify_service(setup.admin, alias, role, holder)
    return holder
