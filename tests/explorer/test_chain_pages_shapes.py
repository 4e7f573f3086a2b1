"""Transaction shapes the sandbox does not make (heartbeats, state proofs, delegated logic
signatures, unknown fields) render through the same templates, escaped, without a node."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from algosdk.account import generate_account

from gridworks.explorer.app_specs import AppSpecs
from gridworks.explorer.errors import ExplorerError
from gridworks.explorer.render import ENVIRONMENT
from gridworks.explorer.txn_view import check_txid, group_url, parse_group, txn_view
from tests.explorer.chain_objects import HOSTILE, SCRIPT

ADDRESS = generate_account()[1]
B64 = base64.b64encode(b"\x01" * 32).decode()


def page(txn: dict[str, Any]) -> str:
    view = txn_view(txn, AppSpecs.with_package_specs())
    return ENVIRONMENT.get_template("txn.html").render(base="/x", t=view)


def common(kind: str, **body: Any) -> dict[str, Any]:
    return {
        "id": "A" * 52,
        "tx-type": kind,
        "sender": ADDRESS,
        "fee": 1000,
        "confirmed-round": 9,
        "round-time": 1_700_000_000,
        "first-valid": 1,
        "last-valid": 1001,
        **body,
    }


def test_a_heartbeat_shows_its_fields() -> None:
    html = page(
        common(
            "hb",
            **{
                "heartbeat-transaction": {
                    "hb-address": ADDRESS,
                    "hb-key-dilution": 10,
                    "hb-proof": {"hb-pk": B64, "hb-sig": B64},
                    "hb-seed": B64,
                    "hb-vote-id": B64,
                },
                "signature": {"sig": B64},
            },
        )
    )
    assert "Heartbeat" in html and f'href="/x/account/{ADDRESS}"' in html
    assert "Hb key dilution" in html and "Hb proof" in html and B64 in html


def test_a_state_proof_with_markup_in_an_unknown_field_is_escaped() -> None:
    html = page(
        common(
            "stpf",
            **{
                "state-proof-transaction": {
                    "message": {"block-headers-commitment": B64, "first-attested-round": 1},
                    "state-proof-type": 0,
                    "odd": [SCRIPT],
                }
            },
        )
    )
    assert "State proof" in html and "First attested round" in html
    assert "&lt;script&gt;" in html and "<script>window" not in html


def test_a_delegated_logic_signature_and_a_rekey() -> None:
    html = page(
        common(
            "pay",
            note=base64.b64encode(HOSTILE.encode()).decode(),
            **{
                "payment-transaction": {"amount": 5, "receiver": ADDRESS, "close-amount": 0},
                "signature": {
                    "logicsig": {
                        "logic": base64.b64encode(b"\x08\x81\x01").decode(),
                        "signature": B64,
                    }
                },
                "rekey-to": ADDRESS,
                "group": B64,
            },
        )
    )
    assert "logic signature (3-byte program) delegated by a signature" in html
    assert "Rekey to" in html
    assert f'href="/x/group/9/{group_url(B64)}"' in html
    assert "<script>window" not in html and "&lt;img src=x" in html


def test_ids_in_urls() -> None:
    raw = bytes(range(32))
    assert parse_group(group_url(base64.b64encode(raw).decode())) == raw
    assert parse_group(base64.b64encode(raw).decode()) == raw  # standard base64 too
    for bad in ("AAAA", "!!!!", "A" * 44):
        with pytest.raises(ExplorerError) as info:
            parse_group(bad)
        assert info.value.status == 400
    assert check_txid("B" * 52) == "B" * 52
    for bad in ("b" * 52, "B" * 51, "1" * 52):
        with pytest.raises(ExplorerError):
            check_txid(bad)
