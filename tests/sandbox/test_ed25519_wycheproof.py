"""The one Ed25519 primitive (the sandbox's signature checks and the identity layer's envelope
verifier both call it) gives Wycheproof's verdict on all 151 vectors."""

from __future__ import annotations

import json
from pathlib import Path

from gridworks.identity import verifier as envelope_verifier
from gridworks.sandbox import ed25519
from gridworks.sandbox.ed25519 import verify

VECTORS = Path(__file__).resolve().parents[1] / "data/wycheproof-ed25519.json"


def test_every_wycheproof_vector_gets_its_expected_verdict() -> None:
    suite = json.loads(VECTORS.read_text())
    verdicts = []
    for group in suite["testGroups"]:
        key = bytes.fromhex(group["publicKey"]["pk"])
        for case in group["tests"]:
            got = verify(key, bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"]))
            verdicts.append((case["tcId"], got, case["result"] == "valid"))
    assert len(verdicts) == suite["numberOfTests"] == 151
    wrong = [tc for tc, got, want in verdicts if got != want]
    assert wrong == []
    assert any(want for _, _, want in verdicts) and not all(want for _, _, want in verdicts)


def test_the_envelope_verifier_checks_signatures_with_this_primitive() -> None:
    assert envelope_verifier.ed25519 is ed25519
