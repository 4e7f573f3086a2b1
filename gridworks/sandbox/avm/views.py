"""What a program may read beyond its own state: its transaction group and the chain's globals.

The views hold the ledger's own `Transaction` objects (read by attribute, see
`ops/transaction.py`) and plain numbers, so the AVM imports nothing from the ledger at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..encoding import ZERO_ADDRESS
from .spec import APP_CALL_MIN_VERSION, MAX_VERSION, REKEY_MIN_VERSION

if TYPE_CHECKING:
    from ..ledger.params import ConsensusParams
    from ..ledger.transaction import Transaction
    from .group_resources import GroupResources


# Block proposal payouts (consensus v40 and later: every protocol with AVM v11+). A dev
# sandbox has no proposers, so nothing is ever paid out, but the protocol's parameters hold:
# `global Payouts*` reads them and going online with a fee of at least PAYOUTS_GO_ONLINE_FEE
# makes an account eligible.
PAYOUTS_ENABLED = True
PAYOUTS_GO_ONLINE_FEE = 2_000_000
PAYOUTS_PERCENT = 50
PAYOUTS_MIN_BALANCE = 30_000_000_000
PAYOUTS_MAX_BALANCE = 70_000_000_000_000
BALANCE_LOOKBACK = 320  # go: agreement.BalanceLookback, the rounds an online stake lags


@dataclass(slots=True)
class TxnEffects:
    """What applying a transaction produced, readable by later app calls of its group."""

    created_asset_id: int = 0
    created_app_id: int = 0
    logs: tuple[bytes, ...] = ()


@dataclass(slots=True)
class GroupView:
    """A transaction group as programs see it, with the effects and scratch of earlier members."""

    txns: Sequence[Transaction]
    effects: list[TxnEffects] = field(default_factory=list)
    # Scratch spaces of app calls that have run, by group index (for gload, gloads, gloadss).
    scratch: dict[int, list[int | bytes]] = field(default_factory=dict)
    # What the top-level group makes available to its app calls and what they share as they
    # run (built on first use; an inner group is given its top-level group's).
    resources: GroupResources | None = None
    # A top-level group's logic-sig program bytes, which its fees pay for beyond a free
    # allowance (V42) and so count in the fee credit its apps' inner groups may use.
    logic_sig_bytes: int = 0

    def __post_init__(self) -> None:
        while len(self.effects) < len(self.txns):
            self.effects.append(TxnEffects())

    def __len__(self) -> int:
        return len(self.txns)

    @property
    def min_version(self) -> int:
        """The oldest AVM version allowed to run in this group (go: computeMinAvmVersion)."""
        version = 0
        for txn in self.txns:
            if txn.rekey_to != ZERO_ADDRESS:
                version = max(version, REKEY_MIN_VERSION)
            if txn.type == "appl":
                version = max(version, APP_CALL_MIN_VERSION)
        return version


@dataclass(frozen=True, slots=True)
class GlobalView:
    """The consensus numbers and chain facts `global` reads; `None` where the caller has none."""

    min_txn_fee: int = 1_000
    min_balance: int = 100_000
    max_txn_life: int = 1_000
    logic_sig_version: int = MAX_VERSION
    genesis_hash: bytes = bytes(32)
    asset_create_min_balance: int = 100_000
    asset_opt_in_min_balance: int = 100_000
    round: int | None = None  # app mode only
    latest_timestamp: int | None = None  # app mode only
    block_timestamp: Callable[[int], int | None] | None = None  # FirstValidTime, block
    block_seed: Callable[[int], bytes | None] | None = None  # for block BlkSeed
    # A stored block header by round (msgpack keys as go's: "prp", "fc", "tc" ...), for
    # block's other fields; a key the header lacks reads as go's zero value.
    block_header: Callable[[int], Mapping[str, Any] | None] | None = None
    # v11+ `global Payouts*` (see PAYOUTS_ENABLED)
    payouts_enabled: bool = PAYOUTS_ENABLED
    payouts_go_online_fee: int = PAYOUTS_GO_ONLINE_FEE
    payouts_percent: int = PAYOUTS_PERCENT
    payouts_min_balance: int = PAYOUTS_MIN_BALANCE
    payouts_max_balance: int = PAYOUTS_MAX_BALANCE

    @classmethod
    def from_params(
        cls,
        params: ConsensusParams,
        *,
        genesis_hash: bytes,
        round: int | None = None,
        latest_timestamp: int | None = None,
        block_timestamp: Callable[[int], int | None] | None = None,
        block_seed: Callable[[int], bytes | None] | None = None,
        block_header: Callable[[int], Mapping[str, Any] | None] | None = None,
    ) -> GlobalView:
        return cls(
            min_txn_fee=params.min_fee,
            min_balance=params.min_balance,
            max_txn_life=params.max_txn_life,
            genesis_hash=genesis_hash,
            asset_create_min_balance=params.asset_min_balance,
            asset_opt_in_min_balance=params.asset_min_balance,
            round=round,
            latest_timestamp=latest_timestamp,
            block_timestamp=block_timestamp,
            block_seed=block_seed,
            block_header=block_header,
        )
