"""Transaction fees as ConsensusV42 prices them (go-algorand v5.0.0: transaction size pricing).

A transaction's fee factor is counted in millionths of the minimum fee ("micros"): 1,000,000
for an ordinary transaction (0 for a state proof), plus `PerByteTxnSurcharge` (100) for each
byte beyond the free sizes that V42 lets a transaction exceed up to its absolute limits: the
note beyond 1,024 bytes, app args beyond 2,048 in total, approval and clear programs beyond
4 pages (8,192 bytes) together. A group adds the same per byte of its logic-sig programs beyond
1,000 bytes per transaction. A heartbeat claiming the challenge discount owes one minimum fee
less. The group owes `min_fee * usage / 1e6`, rounded up; the fraction of a microAlgo the
rounding overpays (the residue, in 1e-12 microAlgos) pays for later fractions, so that a
top-level group and the inner groups its apps submit round up once in aggregate (go:
SummarizeFees, FeeForUsage).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MICROS = 1_000_000  # one minimum fee
RESIDUE_SCALE = 10**12  # residues are in 1e-12 microAlgos


@dataclass(frozen=True, slots=True)
class SizePricing:
    """The consensus numbers that price sizes (go's names in the comments)."""

    per_byte: int = 100  # PerByteTxnSurcharge, in micros of the minimum fee
    free_note_bytes: int = 1_024  # MaxTxnNoteBytes
    free_arg_bytes: int = 2_048  # MaxAppTotalArgLen
    # MaxAppTotalProgramLen * (1 + MaxExtraAppProgramPages)
    free_program_bytes: int = 2_048 * (1 + 3)
    free_logic_sig_bytes: int = 1_000  # LogicSigMaxSize, per transaction of the group

    def surcharge(self, extra: int) -> int:
        return self.per_byte * extra if extra > 0 else 0


V42_PRICING = SizePricing()


def fee_factor(txn: Any, pricing: SizePricing = V42_PRICING) -> int:
    """What `txn` owes, in micros of the minimum fee (go: Transaction.feeFactor). Fields are
    read by attribute, absent ones as empty: a ledger transaction or an inner one."""
    if txn.type == "stpf":
        return 0
    note = getattr(txn, "note", b"")
    factor = MICROS + pricing.surcharge(len(note) - pricing.free_note_bytes)
    if txn.type == "hb":
        heartbeat = getattr(txn, "heartbeat", None)
        if heartbeat is not None and heartbeat.challenge_discount:
            factor = max(factor - MICROS, 0)  # the challenge discount (HbChallengeDiscount)
    if txn.type == "appl":
        programs = len(getattr(txn, "approval_program", b"")) + len(
            getattr(txn, "clear_state_program", b"")
        )
        factor += pricing.surcharge(programs - pricing.free_program_bytes)
        args = sum(len(arg) for arg in getattr(txn, "app_args", ()))
        factor += pricing.surcharge(args - pricing.free_arg_bytes)
    return factor


def group_usage(
    txns: Iterable[Any], logic_sig_bytes: Iterable[int] = (), pricing: SizePricing = V42_PRICING
) -> int:
    """The group's usage in micros (go: SummarizeFees): its transactions' factors, and the
    surcharge on its logic-sig program bytes beyond the free allowance."""
    txns = list(txns)
    usage = sum(fee_factor(txn, pricing) for txn in txns)
    lsig_bytes = sum(logic_sig_bytes)
    return usage + pricing.surcharge(lsig_bytes - len(txns) * pricing.free_logic_sig_bytes)


def fee_for_usage(min_fee: int, usage: int, residue: int = 0) -> tuple[int, int]:
    """The fee for `usage` and the new residue (go: FeeForUsage, with no cost multiplier)."""
    quotient, remainder = divmod(min_fee * usage * MICROS, RESIDUE_SCALE)
    if remainder == 0:
        return quotient, residue
    if remainder <= residue:
        return quotient, residue - remainder
    return quotient + 1, RESIDUE_SCALE - (remainder - residue)


def algos_text(micro_algos: int) -> str:
    """go's MicroAlgos.String: 0.0A, 999uA, 1mA, 1.500mA, 2A, 1.000001A."""
    if micro_algos == 0:
        return "0.0A"
    if micro_algos < 1_000:
        return f"{micro_algos}uA"
    if micro_algos < 1_000_000:
        millis, fraction = divmod(micro_algos, 1_000)
        return f"{millis}mA" if fraction == 0 else f"{millis}.{fraction:03d}mA"
    whole, fraction = divmod(micro_algos, 1_000_000)
    return f"{whole}A" if fraction == 0 else f"{whole}.{fraction:06d}A"


def micros_text(micros: int) -> str:
    """go's Micros.String: 1.000000."""
    return f"{micros // MICROS}.{micros % MICROS:06d}"
