"""The search box: rounds, transaction ids, addresses, asset and app ids, GNode aliases."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount, EmbeddedSandbox
from tests.explorer.chain_objects import (
    HOSTILE,
    create_hostile_asset,
    create_stateful_app,
    pay_with_note,
)


@pytest.fixture(scope="module")
def web(explorer: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=explorer.rstrip("/"), timeout=30) as client:
        yield client


def found(web: httpx.Client, query: str) -> str:
    """Where a search for `query` redirects, below the explorer's prefix."""
    response = web.get("/search", params={"q": query})
    assert response.status_code == 303, (query, response.status_code, response.text[:500])
    location = response.headers["location"]
    return (
        location[location.index("/explorer") + len("/explorer") :]
        if "/explorer/" in location
        else location
    )


def test_a_round_a_txid_and_an_address_lead_to_their_pages(
    web: httpx.Client, algod: AlgodClient, dev_accounts: list[DevAccount]
) -> None:
    payment = pay_with_note(algod, dev_accounts[0], dev_accounts[1].address, b"search me")
    answer = web.get("/search", params={"q": str(payment.round)})
    if answer.status_code == 200:  # the round is also an asset or app id here: a choice page
        assert f'/block/{payment.round}"' in answer.text
        assert "/asset/" in answer.text or "/app/" in answer.text
    else:
        assert found(web, str(payment.round)) == f"/block/{payment.round}"
    assert found(web, f"  {payment.txid} ") == f"/txn/{payment.txid}"
    assert found(web, payment.receiver) == f"/account/{payment.receiver}"
    assert web.get("/search", params={"q": "1"}, follow_redirects=True).status_code == 200


def test_asset_and_app_ids_lead_to_their_pages_or_to_a_choice_with_the_round(
    web: httpx.Client, algod: AlgodClient, dev_accounts: list[DevAccount], sandbox: EmbeddedSandbox
) -> None:
    asset_id = create_hostile_asset(algod, dev_accounts[0])
    app = create_stateful_app(algod, dev_accounts[0])
    last = int(algod.status()["last-round"])
    if asset_id > last:  # ids outnumber rounds on a young chain: search them before and after
        assert found(web, str(asset_id)) == f"/asset/{asset_id}"
        assert found(web, str(app.app_id)) == f"/app/{app.app_id}"
        sandbox.advance(app.app_id - last)
    page = web.get("/search", params={"q": str(asset_id)})
    assert page.status_code == 200
    assert f'/asset/{asset_id}"' in page.text and f'/block/{asset_id}"' in page.text
    assert f'/app/{asset_id}"' not in page.text
    choice = web.get("/search", params={"q": str(app.app_id)}).text
    assert f'/app/{app.app_id}"' in choice and f'/block/{app.app_id}"' in choice


def test_an_alias_goes_to_the_gnode_pages(web: httpx.Client) -> None:
    assert found(web, "d1.isone.ver.keene.holly.ta") == "/gnodes?alias=d1.isone.ver.keene.holly.ta"


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("", 400, "type a round"),
        ("nothing-like-anything", 404, "nothing matches &#39;nothing-like-anything&#39;"),
        (HOSTILE, 404, "&lt;script&gt;window.__pwned=1&lt;/script&gt;"),
        (str(2**63), 404, f"nothing is numbered {2**63}"),
        (str(2**64), 400, "larger than any round or id"),
        ("A" * 58, 404, "nothing matches"),  # 58 characters, but no address's checksum
        ("x" * 300, 400, "at most 200 characters"),
    ],
)
def test_anything_else_says_what_was_looked_for(
    web: httpx.Client, query: str, status: int, says: str
) -> None:
    response = web.get("/search", params={"q": query})
    assert response.status_code == status
    assert says in response.text
    assert "<script>window" not in response.text
