"""The explorer's chain pages against the live sandbox: each renders for real objects made here,
links to the others, and answers 404 for missing objects, 400 for malformed ids, 405 for POST."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import markupsafe
import pytest
from algosdk import transaction
from algosdk.account import generate_account
from algosdk.atomic_transaction_composer import MultisigTransactionSigner
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from gridworks.contracts.provision import Device
from gridworks.explorer.app_specs import package_specs
from gridworks.sandbox import DevAccount, Network
from tests.conftest import send
from tests.explorer.chain_objects import (
    ASSET_NAME,
    ASSET_URL,
    HOSTILE,
    IMG,
    LOG_LINE,
    SCRIPT,
    UNIT_NAME,
    Payment,
    StatefulApp,
    create_hostile_asset,
    create_stateful_app,
    pay_with_note,
)


@pytest.fixture(scope="module")
def web(explorer: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=explorer.rstrip("/"), timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def maker(network: Network, dev_accounts: list[DevAccount]) -> DevAccount:
    return network.new_account(20_000_000, funder=dev_accounts[0])


@pytest.fixture(scope="module")
def payment(algod: AlgodClient, maker: DevAccount, dev_accounts: list[DevAccount]) -> Payment:
    return pay_with_note(algod, maker, dev_accounts[1].address)


@dataclass(frozen=True)
class Batch:
    payee: str
    txids: list[str]


@pytest.fixture(scope="module")
def batch(algod: AlgodClient, maker: DevAccount) -> Batch:
    """Two groups of 16 payments to a fresh account: 32 transactions, more than a page."""
    payee = generate_account()[1]
    params = algod.suggested_params()
    txids = []
    for first in (0, 16):
        payments = [
            transaction.PaymentTxn(
                maker.address, params, payee, 100_000 + n, note=f"batch {n}".encode()
            )
            for n in range(first, first + 16)
        ]
        transaction.assign_group_id(payments)
        send(algod, *(maker.sign(p) for p in payments))
        txids.extend(p.get_txid() for p in payments)
    return Batch(payee, txids)


@pytest.fixture(scope="module")
def asset_id(algod: AlgodClient, maker: DevAccount) -> int:
    return create_hostile_asset(algod, maker)


@pytest.fixture(scope="module")
def stateful_app(algod: AlgodClient, maker: DevAccount) -> StatefulApp:
    return create_stateful_app(algod, maker)


def escaped(text: str) -> str:
    """`text` as autoescaping writes it into a page."""
    return str(markupsafe.escape(text))


def assert_shown_as_text(page: str, *values: str) -> None:
    for value in values:
        assert escaped(value) in page, value
    assert "<script>window" not in page
    assert "<img src=x" not in page
    assert "<svg onload" not in page


def get(web: httpx.Client, path: str, status: int = 200) -> str:
    response = web.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:2000])
    return response.text


def test_payment_page_shows_fields_and_the_note_as_text(
    web: httpx.Client, payment: Payment
) -> None:
    page = get(web, f"/txn/{payment.txid}")
    assert payment.txid in page
    assert "Payment" in page and "0.123456 Algo" in page
    assert f'/account/{payment.sender}"' in page and f'/account/{payment.receiver}"' in page
    assert f'/block/{payment.round}"' in page
    assert "single signature (Ed25519)" in page
    assert_shown_as_text(page, HOSTILE)


def test_asset_page_shows_params_holders_and_transactions(
    web: httpx.Client, asset_id: int, maker: DevAccount
) -> None:
    page = get(web, f"/asset/{asset_id}")
    assert_shown_as_text(page, ASSET_NAME, UNIT_NAME, ASSET_URL)
    assert "10,000.00" in page  # 1,000,000 base units with 2 decimals
    assert f'/account/{maker.address}"' in page
    assert base64.b64encode(bytes(range(32))).decode() in page  # the metadata hash
    assert 'id="holders"' in page and 'id="transactions"' in page
    # the creating transaction shows the params too, escaped
    created = [line for line in page.splitlines() if "/txn/" in line]
    assert created
    txid = created[0].split("/txn/")[1].split('"')[0]
    assert_shown_as_text(get(web, f"/txn/{txid}"), ASSET_NAME, ASSET_URL)


def test_app_page_shows_state_boxes_and_calls(web: httpx.Client, stateful_app: StatefulApp) -> None:
    app_id = stateful_app.app_id
    page = get(web, f"/app/{app_id}")
    assert f'/account/{stateful_app.creator}"' in page
    assert f'/account/{get_application_address(app_id)}"' in page
    assert_shown_as_text(page, HOSTILE, SCRIPT)  # global state value, box name
    assert ">count<" in page and ">7<" in page
    created_by = page.split("<dt>Created by</dt><dd>")[1].split("</dd>")[0]
    assert f'/txn/{stateful_app.create_txid}"' in created_by  # the creating transaction
    assert f'/txn/{stateful_app.call_txid}"' in page  # a recent call
    assert "1 uints, 1 byte slices" in page
    box = base64.urlsafe_b64encode(SCRIPT.encode()).decode().rstrip("=")
    assert f"?box={box}" in page
    chosen = get(web, f"/app/{app_id}?box={box}")
    assert_shown_as_text(chosen, SCRIPT, IMG)
    assert 'id="box-value"' in chosen
    plain = get(web, f"/app/{app_id}?box=" + base64.urlsafe_b64encode(b"plain").decode())
    assert "0x00ff10" in plain
    get(web, f"/app/{app_id}?box=bm8tc3VjaC1ib3g", 404)  # "no-such-box"
    get(web, f"/app/{app_id}?box=!!", 400)


def test_app_call_page_shows_raw_args_and_logs(
    web: httpx.Client, stateful_app: StatefulApp
) -> None:
    page = get(web, f"/txn/{stateful_app.call_txid}")
    assert "not-a-method" in page and "no known ARC-4 method" in page
    assert escaped(LOG_LINE) in page
    assert_shown_as_text(page, SCRIPT)  # a box reference's name


def test_account_page_lists_what_it_made(
    web: httpx.Client,
    maker: DevAccount,
    payment: Payment,
    asset_id: int,
    stateful_app: StatefulApp,
) -> None:
    page = get(web, f"/account/{maker.address}")
    assert "Balance" in page and "Minimum balance" in page and "Offline" in page
    assert f'/asset/{asset_id}"' in page and f'/app/{stateful_app.app_id}"' in page
    assert f'/txn/{payment.txid}"' in page
    assert_shown_as_text(page, ASSET_NAME, UNIT_NAME)
    held = page.split('id="assets-held"')[1].split("</table>")[0]
    assert f'/asset/{asset_id}"' in held
    assert "10,000.00" in held  # 1,000,000 base units at 2 decimals: the creator holds all
    assert_shown_as_text(held, ASSET_NAME, UNIT_NAME)


def test_lists_are_paged_with_the_next_token(web: httpx.Client, batch: Batch) -> None:
    first = get(web, f"/account/{batch.payee}")
    assert first.count("/txn/") == 25 and 'rel="next"' in first
    token = first.split("?txns=")[1].split('"')[0]
    second = get(web, f"/account/{batch.payee}?txns={token}")
    assert "First page" in second
    assert second.count("/txn/") == 32 - 25
    assert set(_txids(first)).isdisjoint(_txids(second))


def _txids(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split("/txn/")[1:]]


def test_group_page_shows_every_member(web: httpx.Client, batch: Batch) -> None:
    txn_page = get(web, f"/txn/{batch.txids[0]}")
    link = txn_page.split('class="group" href="')[1].split('"')[0]
    assert link.startswith("/explorer/group/") or link.startswith("/group/")
    path = link[link.index("/group/") :]
    assert "+" not in path and "=" not in path and path.count("/") == 3
    page = get(web, path)
    assert "16 transactions" in page
    for txid in batch.txids[:16]:
        assert f"/txn/{txid}" in page
    # the group id in standard base64 is understood too
    group_id = base64.urlsafe_b64decode(path.split("/")[-1] + "=")
    standard = base64.b64encode(group_id).decode().replace("/", "%2F").replace("+", "%2B")
    get(web, "/".join(path.split("/")[:-1]) + "/" + standard)


def test_factory_call_is_decoded_with_inner_transactions(
    web: httpx.Client, indexer: IndexerClient, certified_device: Device
) -> None:
    spec = next(s for s in package_specs() if s.name == "GNodeFactory")
    method = next(m for m in spec.methods if m.name == "issue_scada_cert")
    owner = certified_device.owner.address
    found = indexer.search_transactions_by_address(owner, txn_type="appl", limit=50)
    call = next(
        t
        for t in found["transactions"]
        if base64.b64decode(t["application-transaction"]["application-args"][0])
        == method.get_selector()
    )
    assert call["inner-txns"]
    returned = int.from_bytes(base64.b64decode(call["logs"][-1])[4:], "big")
    page = get(web, f"/txn/{call['id']}")
    assert '<span class="method">issue_scada_cert</span>' in page
    assert "GNodeFactory" in page and "issue_scada_cert(string,address)uint64" in page
    assert certified_device.terminal_asset_alias in page  # the string argument
    assert f'/account/{certified_device.scada.address}"' in page  # the address argument
    assert f'class="return-value">{returned}<' in page
    assert "Inner transaction 1" in page
    block = get(web, f"/block/{call['confirmed-round']}")
    assert f"/txn/{call['id']}" in block and f'/app/{certified_device.factory.app_id}"' in block
    app_page = get(web, f"/app/{certified_device.factory.app_id}")
    assert 'id="spec-name">GNodeFactory<' in app_page
    assert "create_terminal_asset(string,address,address)void" in app_page


def test_freeze_keyreg_multisig_logicsig_and_rekeying(
    web: httpx.Client, algod: AlgodClient, maker: DevAccount, asset_id: int
) -> None:
    params = algod.suggested_params()
    freeze = transaction.AssetFreezeTxn(maker.address, params, asset_id, maker.address, True)
    keyreg = transaction.KeyregOfflineTxn(maker.address, params)
    keys = [generate_account() for _ in range(2)]
    msig = transaction.Multisig(1, 2, [address for _, address in keys])
    program = base64.b64decode(algod.compile("#pragma version 8\nint 1\n")["result"])
    lsig = transaction.LogicSigAccount(program)
    rekeyed_key, rekeyed = generate_account()
    fund = [
        transaction.PaymentTxn(maker.address, params, to, 1_000_000)
        for to in (msig.address(), lsig.address(), rekeyed)
    ]
    for txn in (freeze, keyreg, *fund):
        send(algod, maker.sign(txn))
    signer = MultisigTransactionSigner(msig, [private_key for private_key, _ in keys])
    msig_pay = transaction.PaymentTxn(msig.address(), params, maker.address, 1_000)
    from_msig = signer.sign_transactions([msig_pay], [0])[0]
    from_lsig = transaction.LogicSigTransaction(
        transaction.PaymentTxn(lsig.address(), params, maker.address, 2_000), lsig
    )
    rekey = transaction.PaymentTxn(rekeyed, params, rekeyed, 0, rekey_to=maker.address)
    for signed in (from_msig, from_lsig, rekey.sign(rekeyed_key)):
        send(algod, signed)
    after_rekey = transaction.PaymentTxn(rekeyed, params, maker.address, 3_000)
    send(algod, maker.sign(after_rekey))  # the auth address signs now

    page = get(web, f"/txn/{freeze.get_txid()}")
    assert "Asset freeze" in page and f'/asset/{asset_id}"' in page
    assert "New freeze status</dt><dd>yes" in page
    assert "Key registration" in get(web, f"/txn/{keyreg.get_txid()}")
    page = get(web, f"/txn/{msig_pay.get_txid()}")
    assert "multisig v1: 2 of 2 (2 signed)" in page
    assert all(f'/account/{address}"' in page for _, address in keys)
    assert "logic signature (" in get(web, f"/txn/{from_lsig.get_txid()}")
    page = get(web, f"/txn/{rekey.get_txid()}")
    assert "Rekey to" in page and f'/account/{maker.address}"' in page
    page = get(web, f"/account/{rekeyed}")
    assert f'/account/{maker.address}"' in page and "(rekeyed)" in page
    page = get(web, f"/txn/{after_rekey.get_txid()}")
    assert "Auth addr" in page
    holding = get(web, f"/account/{maker.address}")
    assert f'/asset/{asset_id}"' in holding and "<td>yes</td>" in holding  # frozen


def test_missing_objects_are_404_and_malformed_ids_400(web: httpx.Client) -> None:
    get(web, "/txn/" + "A" * 52, 404)
    get(web, "/txn/not-a-txid", 400)
    get(web, "/asset/999999999", 404)
    get(web, "/asset/abc", 400)
    get(web, "/app/999999999", 404)
    get(web, "/app/-1", 400)
    page = get(web, "/account/NOTANADDRESS", 400)
    assert "is not an Algorand address" in page
    get(web, "/group/1/" + "A" * 43, 404)
    get(web, "/group/1/short", 400)
    get(web, "/group/x/" + "A" * 43, 400)
    never_seen = generate_account()[1]
    assert "0.000000 Algo" in get(web, f"/account/{never_seen}")  # every address is an account
    assert "No transactions." in get(web, f"/account/{never_seen}")
    page = get(web, f"/account/{never_seen}?txns=not-a-token", 400)
    assert "invalid next token" in page


def test_pages_are_read_only(web: httpx.Client, payment: Payment) -> None:
    for path in (f"/txn/{payment.txid}", "/search?q=1", f"/account/{payment.sender}"):
        response = web.post(path)
        assert response.status_code == 405, path
