"""What evaluating a group needs to know about the block it goes into: the round, the chain's
identity, the consensus parameters and the look-ups into earlier blocks (txids, leases,
timestamps, seeds). The ledger builds one per block (`Ledger.block_context`); tests may build
one by hand to apply transactions to an in-memory state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .eval_hooks import EvalHooks
from .params import ConsensusParams


@dataclass(frozen=True, slots=True)
class BlockContext:
    """What the evaluator needs to know about the block being built."""

    round: int
    genesis_id: str
    genesis_hash: bytes
    fee_sink: bytes
    params: ConsensusParams
    is_known_txid: Callable[[bytes], bool]
    lease_in_use: Callable[[bytes, bytes], bool]
    block_timestamp: Callable[[int], int | None] | None = None
    block_seed: Callable[[int], bytes | None] | None = None
    block_header: Callable[[int], Mapping[str, Any] | None] | None = None  # for `block`
    latest_timestamp: int = 0  # the previous block's (go: global LatestTimestamp)
    hooks: EvalHooks | None = None  # simulate's overrides and tracers; None when submitting
