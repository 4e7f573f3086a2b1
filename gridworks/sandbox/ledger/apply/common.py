"""What every transaction type needs: moving Algos and asset units, and the apply results."""

from __future__ import annotations

from dataclasses import dataclass

from ...encoding import encode_address
from ..errors import TransactionRejected
from ..records import Holding
from ..state import Overlay
from ..transaction import U64_MAX


@dataclass(slots=True)
class ApplyData:
    """What applying a transaction produced, reported back as algod does (`ca`, `aca`, `caid`)."""

    closing_amount: int = 0
    asset_closing_amount: int = 0
    created_asset: int = 0

    def to_wire(self) -> dict[str, int]:
        return {
            key: value
            for key, value in (
                ("ca", self.closing_amount),
                ("aca", self.asset_closing_amount),
                ("caid", self.created_asset),
            )
            if value
        }


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


def _holding(ov: Overlay, addr: bytes, asset_id: int) -> Holding:
    holding = ov.holding_for_update(addr, asset_id)
    if holding is None:
        raise TransactionRejected(f"asset {asset_id} missing from {encode_address(addr)}")
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
    holding = _holding(ov, addr, asset_id)
    if holding.frozen and not bypass_freeze:
        raise TransactionRejected(f"asset {asset_id} frozen in {encode_address(addr)}")
    if holding.amount + amount > U64_MAX:
        raise TransactionRejected(
            f"overflow on adding {amount} to receiver amount {holding.amount}"
        )
    holding.amount += amount


def missing_asset(asset_id: int) -> TransactionRejected:
    return TransactionRejected(f"asset {asset_id} does not exist or has been deleted")
