"""What every transaction type needs: moving Algos and asset units, and the apply results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...encoding import encode_address
from ..errors import TransactionRejected
from ..records import Holding
from ..state import Overlay
from ..transaction import U64_MAX

# go's basics.DeltaAction: what a ValueDelta (`at`) does to a state key.
SET_BYTES, SET_UINT, DELETE = 1, 2, 3


def value_delta(value: int | bytes | None) -> dict[str, Any]:
    """go's ValueDelta on the wire: {at, bs} or {at, ui}, or {at: 3} for a deletion."""
    if value is None:
        return {"at": DELETE}
    if isinstance(value, bytes):
        return {"at": SET_BYTES, "bs": value}
    return {"at": SET_UINT, "ui": value}


@dataclass(slots=True)
class ApplyData:
    """What applying a transaction produced, as go's ApplyData; `to_wire()` is its msgpack form
    in a block: `ca`, `aca`, `caid`, `apid`, and `dt` (go's EvalDelta) holding `gd` (global
    delta: key -> ValueDelta), `ld` (local deltas: account index -> key -> ValueDelta; 0 is the
    sender, i the i-th of `apat`, beyond them `sa`), `sa` (shared accounts), `lg` (logs) and
    `itx` (inner transactions, each {"txn": ..., plus its own apply data})."""

    closing_amount: int = 0
    asset_closing_amount: int = 0
    created_asset: int = 0
    created_app: int = 0
    global_delta: dict[bytes, dict[str, Any]] = field(default_factory=dict)
    local_deltas: dict[int, dict[bytes, dict[str, Any]]] = field(default_factory=dict)
    shared_accounts: list[bytes] = field(default_factory=list)
    logs: list[bytes] = field(default_factory=list)
    inner: list[dict[str, Any]] = field(default_factory=list)

    def eval_delta(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (
                ("gd", self.global_delta),
                ("ld", self.local_deltas),
                ("sa", self.shared_accounts),
                ("lg", self.logs),
                ("itx", self.inner),
            )
            if value
        }

    def clear_eval_delta(self) -> None:
        """go drops the EvalDelta of a clear-state program that fails or rejects."""
        self.global_delta = {}
        self.local_deltas = {}
        self.shared_accounts = []
        self.logs = []
        self.inner = []

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            key: value
            for key, value in (
                ("ca", self.closing_amount),
                ("aca", self.asset_closing_amount),
                ("caid", self.created_asset),
                ("apid", self.created_app),
            )
            if value
        }
        if self.global_delta or self.local_deltas or self.logs or self.inner:
            wire["dt"] = self.eval_delta()
        return wire


def move_algos(ov: Overlay, sender: bytes, receiver: bytes, amount: int) -> None:
    source = ov.account_for_update(sender)
    if source.micro_algos < amount:
        raise TransactionRejected(
            f"overspend (account {encode_address(sender)}, data {{MicroAlgos:{{Raw:"
            f"{source.micro_algos}}}}}, tried to spend {{{amount}}})"
        )
    source.micro_algos -= amount
    target = ov.account_for_update(receiver)
    if target.micro_algos + amount > U64_MAX:
        raise TransactionRejected(
            f"overflowed account balance when applying payment to {encode_address(receiver)}"
        )
    target.micro_algos += amount


def _holding(ov: Overlay, addr: bytes, asset_id: int, *, receiving: bool = False) -> Holding:
    holding = ov.holding_for_update(addr, asset_id)
    if holding is None:
        missing = f"asset {asset_id} missing from {encode_address(addr)}"
        # algod's words for a receiver that never opted in (AlgoKit and others match on them)
        raise TransactionRejected(
            f"receiver error: must optin, {missing}" if receiving else missing
        )
    return holding


def take_asset(ov: Overlay, addr: bytes, asset_id: int, amount: int, bypass_freeze: bool) -> None:
    if amount == 0:  # algod: a zero move looks nothing up (no holding needed, freeze ignored)
        return
    holding = _holding(ov, addr, asset_id)
    if holding.frozen and not bypass_freeze:
        raise TransactionRejected(f"asset {asset_id} frozen in {encode_address(addr)}")
    if holding.amount < amount:
        raise TransactionRejected(
            f"underflow on subtracting {amount} from sender amount {holding.amount}"
        )
    holding.amount -= amount


def put_asset(ov: Overlay, addr: bytes, asset_id: int, amount: int, bypass_freeze: bool) -> None:
    if amount == 0:
        return
    holding = _holding(ov, addr, asset_id, receiving=True)
    if holding.frozen and not bypass_freeze:
        raise TransactionRejected(f"asset {asset_id} frozen in {encode_address(addr)}")
    if holding.amount + amount > U64_MAX:
        raise TransactionRejected(
            f"overflow on adding {amount} to receiver amount {holding.amount}"
        )
    holding.amount += amount


def missing_asset(asset_id: int) -> TransactionRejected:
    return TransactionRejected(f"asset {asset_id} does not exist or has been deleted")
