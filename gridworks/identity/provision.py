"""A certified device in one call: the set-up every demo, benchmark and integration test needs.

`provision_device` funds fresh accounts, deploys a GNodeFactory (unless one is given), certifies
a validator and registers the TerminalAsset with its TaDeed (owner), TaTradingRights (the
AtomicTNode's account) and ScadaCert (the Scada's account), all delivered.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridworks.identity.authority import SCADA_WORD, TA_WORD
from gridworks.identity.chain import Factory
from gridworks.identity.keys import ActorKey
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


def provision_device(
    network: Network,
    atomic_tnode_alias: str,
    *,
    validator_alias: str = "d1.isone.ver.validator",
    factory: Factory | None = None,
    admin: ActorKey | None = None,
    validator: ActorKey | None = None,
    micro_algos: int = 20_000_000,
) -> Device:
    """Register `<atomic_tnode_alias>.ta` with all three certificates delivered.

    Pass `factory`, `admin` and `validator` to add a device to an existing factory (the
    validator must be certified already); otherwise a new factory and validator are made.
    """

    def fund() -> ActorKey:
        return ActorKey.from_dev_account(network.new_account(micro_algos))

    if factory is None:
        admin, validator = fund(), fund()
        factory = Factory.deploy(network, admin)
        factory.certify_validator(admin, validator, validator_alias)
    if admin is None or validator is None:
        raise ValueError("with an existing factory, pass its admin and a certified validator")
    owner, atomic_tnode, scada = fund(), fund(), fund()
    ta = f"{atomic_tnode_alias}.{TA_WORD}"
    factory.create_terminal_asset(validator, ta, owner, atomic_tnode)
    factory.issue_scada_cert(owner, ta, scada)
    return Device(
        factory=factory,
        admin=admin,
        validator=validator,
        owner=owner,
        atomic_tnode=atomic_tnode,
        scada=scada,
        atomic_tnode_alias=atomic_tnode_alias,
        genesis_hash=str(network.algod.suggested_params().gh),
    )
