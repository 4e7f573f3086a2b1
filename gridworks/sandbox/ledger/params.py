"""Consensus parameters: the numbers the ledger enforces, kept as data in one place.

The protocol is named as algod names it: go-algorand's `ConsensusCurrentVersion`, which in its
newest release (v5.0.0, config/consensus.go and protocol/consensus.go) is ConsensusV42, the
protocol of the specs commit below. V42 enables AVM version 13 (`LogicSigVersion`), so the
newest AVM version this sandbox runs is also the current protocol's: nothing needs the
"future" protocol. (Sandboxes made before kept "future" in their genesis document, and open as
before: the name is read from the document for the genesis block only.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..avm.fees import SizePricing
from ..avm.spec import MIN_INNER_APPL_VERSION

if TYPE_CHECKING:
    from .records import Account


# ConsensusV42: app size updates, Falcon-1024 signatures, load tracking, a per-byte surcharge,
# and AVM v13 (go-algorand protocol/consensus.go; current since go-algorand v5.0.0).
CONSENSUS_V42 = (
    "https://github.com/algorandfoundation/specs/tree/268b63433a907455d439995bf916f6b296018f4f"
)
CONSENSUS_V42_LOGIC_SIG_VERSION = 13


@dataclass(frozen=True, slots=True)
class ConsensusParams:
    name: str = CONSENSUS_V42
    min_fee: int = 1_000
    min_balance: int = 100_000
    asset_min_balance: int = 100_000
    max_txn_life: int = 1_000
    max_group_size: int = 16
    max_note_bytes: int = 1_024  # MaxTxnNoteBytes: what a note may hold without a surcharge
    max_absolute_note_bytes: int = 4_096  # MaxAbsoluteTxnNoteBytes (V42)
    max_asset_decimals: int = 19
    max_asset_unit_name_bytes: int = 8
    max_asset_name_bytes: int = 32
    max_asset_url_bytes: int = 96
    asset_metadata_hash_bytes: int = 32
    max_multisig_subsigs: int = 255
    logic_sig_version: int = CONSENSUS_V42_LOGIC_SIG_VERSION  # the newest AVM version it runs
    # LogicSigMaxSize: a logic sig's args allowance, and per transaction of the group the free
    # program bytes and the pool larger args draw on
    max_logic_sig_size: int = 1_000
    max_absolute_logic_sig_program_size: int = 16_000  # MaxAbsoluteLogicSigProgramSize (V40)
    max_logic_sig_args: int = 255
    logic_sig_max_cost: int = 20_000  # per transaction of the group, pooled
    first_created_index: int = 1_000  # the first asset or app id is this + 1

    app_flat_params_min_balance: int = 100_000  # per app created, and per extra page
    app_flat_opt_in_min_balance: int = 100_000  # per app opted into
    schema_min_balance_per_entry: int = 25_000
    schema_uint_min_balance: int = 3_500
    schema_bytes_min_balance: int = 25_000
    box_flat_min_balance: int = 2_500
    box_byte_min_balance: int = 400

    # App calls (go's names, snake-cased): what WellFormed and the apply step enforce.
    max_app_args: int = 16
    max_app_total_arg_len: int = 2_048  # what app args may total without a surcharge
    max_absolute_total_arg_len: int = 16_384  # MaxAbsoluteTotalArgLen (V42)
    max_avm_bytes: int = 4_096  # MaxAVMBytesSize: each app arg
    max_app_txn_accounts: int = 8  # V41 (4 before)
    max_app_txn_foreign_apps: int = 8
    max_app_txn_foreign_assets: int = 8
    max_app_box_references: int = 8
    max_app_total_txn_references: int = 8
    max_app_access: int = 16  # MaxAppAccess (V41): tx.Access ("al"), not decoded yet
    bytes_per_box_reference: int = 2_048  # BytesPerBoxReference (V41; 1,024 before)
    max_extra_app_program_pages: int = 3  # what programs may use without a surcharge
    max_absolute_extra_program_pages: int = 7  # MaxAbsoluteExtraProgramPages (V42)
    max_app_program_len: int = 2_048  # per page
    max_app_total_program_len: int = 2_048  # approval and clear together, per page
    max_local_schema_entries: int = 16
    max_global_schema_entries: int = 64
    max_app_key_len: int = 64
    min_inner_appl_version: int = MIN_INNER_APPL_VERSION
    per_byte_txn_surcharge: int = 100  # PerByteTxnSurcharge (V42): millionths of the min fee

    def size_pricing(self) -> SizePricing:
        """The numbers that price a transaction's sizes beyond the free ones (V42)."""
        return SizePricing(
            per_byte=self.per_byte_txn_surcharge,
            free_note_bytes=self.max_note_bytes,
            free_arg_bytes=self.max_app_total_arg_len,
            free_program_bytes=self.max_app_total_program_len
            * (1 + self.max_extra_app_program_pages),
            free_logic_sig_bytes=self.max_logic_sig_size,
        )

    def minimum_balance(self, acct: Account) -> int:
        """What `acct` must keep: the base, then per asset, app, schema entry and box byte."""
        return (
            self.min_balance
            + self.asset_min_balance * acct.total_assets
            + self.app_flat_params_min_balance
            * (acct.total_created_apps + acct.total_extra_app_pages)
            + self.app_flat_opt_in_min_balance * acct.total_apps_opted_in
            + (self.schema_min_balance_per_entry + self.schema_uint_min_balance) * acct.total_uints
            + (self.schema_min_balance_per_entry + self.schema_bytes_min_balance)
            * acct.total_byte_slices
            + self.box_flat_min_balance * acct.total_boxes
            + self.box_byte_min_balance * acct.total_box_bytes
        )


CURRENT = ConsensusParams()
