"""The consensus protocol the sandbox names and follows: go-algorand's current one."""

from __future__ import annotations

from gridworks.sandbox.avm.spec import MAX_VERSION
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.params import CURRENT
from gridworks.sandbox.ledger.store import Store

# go-algorand protocol/consensus.go, ConsensusV42 (ConsensusCurrentVersion from v5.0.0)
V42 = "https://github.com/algorandfoundation/specs/tree/268b63433a907455d439995bf916f6b296018f4f"


def test_the_protocol_is_go_algorands_current_one() -> None:
    assert CURRENT.name == V42
    assert CURRENT.logic_sig_version == 13  # V42's LogicSigVersion


def test_the_avm_runs_every_version_the_protocol_allows() -> None:
    assert CURRENT.logic_sig_version <= MAX_VERSION


def test_a_new_network_names_the_protocol_in_its_genesis() -> None:
    document, _ = make_genesis(GenesisSpec())
    assert document["proto"] == V42
    store = Store(None)
    Ledger.initialize(store, document)
    ledger = Ledger(store)
    assert ledger.block(0)["proto"] == V42
    assert ledger.params.name == V42


def test_a_network_made_under_the_future_protocol_still_opens() -> None:
    """Sandboxes made before named "future" in their genesis: it stays there, as written."""
    document, _ = make_genesis(GenesisSpec(proto="future"))
    store = Store(None)
    Ledger.initialize(store, document)
    ledger = Ledger(store)
    assert ledger.genesis["proto"] == "future"
    assert ledger.block(0)["proto"] == "future"
    assert ledger.params.name == V42  # what its status and new blocks name
