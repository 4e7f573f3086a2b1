"""Consensus parameters: the numbers the ledger enforces, kept as data in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConsensusParams:
    name: str = "future"
    min_fee: int = 1_000
    min_balance: int = 100_000
    asset_min_balance: int = 100_000
    max_txn_life: int = 1_000
    max_group_size: int = 16
    max_note_bytes: int = 1_024
    max_asset_decimals: int = 19
    max_asset_unit_name_bytes: int = 8
    max_asset_name_bytes: int = 32
    max_asset_url_bytes: int = 96
    asset_metadata_hash_bytes: int = 32
    max_multisig_subsigs: int = 255
    logic_sig_version: int = 10
    max_logic_sig_size: int = 1_000  # program and arguments together
    max_logic_sig_args: int = 255
    logic_sig_max_cost: int = 20_000  # per transaction of the group, pooled
    first_created_index: int = 1_000  # the first asset or app id is this + 1

    def minimum_balance(self, total_assets: int) -> int:
        return self.min_balance + self.asset_min_balance * total_assets


CURRENT = ConsensusParams()
