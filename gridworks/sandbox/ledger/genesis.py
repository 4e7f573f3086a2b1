"""A new dev network: its genesis document and hash, and the dev accounts it funds.

The dev accounts' keys are made fresh for every new data dir and handed to kmd only; they are
never written to the ledger's database, a config file or a log.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from ..ed25519 import public_key_of
from ..encoding import b64, encode_address, hash_obj, sha512_256
from .params import CURRENT

FEE_SINK = sha512_256(b"gridworks-sandbox/fee-sink")
REWARDS_POOL = sha512_256(b"gridworks-sandbox/rewards-pool")


@dataclass(frozen=True)
class GenesisSpec:
    network: str = "sandnet"  # genesis id is "<network>-v1": "sandnet-v1" is a known local network
    dev_accounts: int = 3
    dev_micro_algos: int = 10_000_000 * 1_000_000
    proto: str = CURRENT.name  # the consensus protocol, as the genesis document names it


def make_genesis(spec: GenesisSpec) -> tuple[dict[str, Any], list[bytes]]:
    """A genesis document for a brand-new network, and the seeds of its dev accounts."""
    seeds = [os.urandom(32) for _ in range(spec.dev_accounts)]
    alloc = [
        {
            "addr": encode_address(public_key_of(seed)),
            # LocalNet's and go-algorand's network templates' names: AlgoKit finds its dispenser
            # as the account whose comment is Wallet1
            "comment": f"Wallet{index + 1}",
            # Online, as the genesis accounts of a private network are: tools such as AlgoKit
            # pick their dispenser among online accounts. Only public participation keys here.
            "state": {
                "algo": spec.dev_micro_algos,
                "onl": 1,
                "vote": b64(os.urandom(32)),
                "sel": b64(os.urandom(32)),
                "voteFst": 0,
                "voteLst": 3_000_000,
                "voteKD": 10_000,
            },
        }
        for index, seed in enumerate(seeds)
    ]
    alloc.append(
        {"addr": encode_address(FEE_SINK), "comment": "FeeSink", "state": {"algo": 100_000}}
    )
    alloc.append(
        {
            "addr": encode_address(REWARDS_POOL),
            "comment": "RewardsPool",
            "state": {"algo": 100_000},
        }
    )
    document = {
        "alloc": alloc,
        "fees": encode_address(FEE_SINK),
        "id": "v1",
        "network": spec.network,
        "proto": spec.proto,
        "rwd": encode_address(REWARDS_POOL),
        "timestamp": int(time.time()),
    }
    return document, seeds


def genesis_id(document: dict[str, Any]) -> str:
    return f"{document['network']}-{document['id']}"


def genesis_hash(document: dict[str, Any]) -> bytes:
    return hash_obj(b"GE", document)
