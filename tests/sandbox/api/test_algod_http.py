"""algod's REST API, through algosdk's AlgodClient and through raw HTTP.

Tests that take the `sandbox` fixture depend on dev-mode details of the embedded sandbox (one
block per group, nothing else moving money, its genesis encoding) and are skipped against an
external node.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import msgpack
import pytest
from algosdk import account, encoding, transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.sandbox import DevAccount, EmbeddedSandbox, Network, connect
from gridworks.sandbox.api.algod import WAIT_FOR_BLOCK_TIMEOUT

TOKEN_HEADER = "X-Algo-API-Token"
MIN_FEE = 1000
MIN_BALANCE = 100_000


# helpers


def _is_zero(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return value is None or value is False
    if isinstance(value, int):
        return value == 0
    return value in ("", b"", [], {}, bytes(32))  # a zero address is empty too


def _canonical(value: Any) -> Any:
    """Algorand's canonical form, written out independently of the sandbox's encoder: map keys
    sorted, zero values (Go's omitempty) dropped from maps."""
    if isinstance(value, dict):
        items = ((key, _canonical(value[key])) for key in sorted(value))
        return {key: item for key, item in items if not _is_zero(item)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _hash(prefix: bytes, value: Any) -> bytes:
    packed = msgpack.packb(_canonical(value), use_bin_type=True)
    return hashlib.new("sha512_256", prefix + packed).digest()


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def _raw(signed: transaction.SignedTransaction) -> bytes:
    return base64.b64decode(encoding.msgpack_encode(signed))


def _pay(
    algod: AlgodClient, sender: DevAccount, receiver: str, amount: int, note: bytes = b""
) -> transaction.SignedTransaction:
    params = algod.suggested_params()
    txn = transaction.PaymentTxn(sender.address, params, receiver, amount, note=note or None)
    return txn.sign(sender.private_key)


def _create_asset(algod: AlgodClient, creator: DevAccount, total: int = 1_000) -> int:
    params = algod.suggested_params()
    txn = transaction.AssetCreateTxn(
        creator.address,
        params,
        total=total,
        decimals=2,
        default_frozen=False,
        unit_name="GW",
        asset_name="Gridworks Test",
        url="https://example.org/gw",
        manager=creator.address,
    )
    info = send(algod, txn.sign(creator.private_key))[0]
    return int(info["asset-index"])


def _assert_json_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["message"]
    assert isinstance(message, str) and message
    return message


@pytest.fixture(scope="module")
def http(algod: AlgodClient) -> Iterator[httpx.Client]:
    headers = {TOKEN_HEADER: algod.algod_token}
    with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as client:
        yield client


@pytest.fixture(scope="module")
def anonymous(algod: AlgodClient) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=algod.algod_address, timeout=15) as client:
        yield client


@pytest.fixture
def funded(account_factory: Any) -> DevAccount:
    return account_factory(10_000_000)


# node information


def test_health_and_ready_answer_200_without_a_token(anonymous: httpx.Client) -> None:
    assert anonymous.get("/health").status_code == 200
    assert anonymous.get("/ready").status_code == 200


def test_versions_names_the_network_of_the_suggested_params(
    algod: AlgodClient, anonymous: httpx.Client
) -> None:
    response = anonymous.get("/versions")
    assert response.status_code == 200
    body = response.json()
    params = algod.suggested_params()
    assert body["genesis_id"] == params.gen
    assert body["genesis_hash_b64"] == params.gh
    assert len(base64.b64decode(body["genesis_hash_b64"])) == 32
    assert "v2" in body["versions"]
    assert isinstance(body["build"]["major"], int)
    assert algod.versions()["genesis_id"] == params.gen


def test_genesis_document_hashes_to_the_genesis_hash(
    sandbox: EmbeddedSandbox, anonymous: httpx.Client, dev_accounts: list[DevAccount]
) -> None:
    response = anonymous.get("/genesis")
    assert response.status_code == 200
    document = response.json()
    versions = anonymous.get("/versions").json()
    assert f"{document['network']}-{document['id']}" == versions["genesis_id"]
    assert _hash(b"GE", document) == base64.b64decode(versions["genesis_hash_b64"])
    allocated = {entry["addr"] for entry in document["alloc"]}
    assert {a.address for a in dev_accounts} <= allocated
    assert document["fees"] in allocated and document["rwd"] in allocated


def test_status_reports_the_last_round(algod: AlgodClient, http: httpx.Client) -> None:
    response = http.get("/v2/status")
    assert response.status_code == 200
    body = response.json()
    assert body["last-round"] == algod.status()["last-round"]
    assert body["last-version"] and body["next-version"]
    assert body["catchup-time"] == 0
    assert isinstance(body["time-since-last-round"], int) and body["time-since-last-round"] >= 0
    assert body["stopped-at-unsupported-round"] is False


def test_suggested_params(algod: AlgodClient, http: httpx.Client) -> None:
    body = http.get("/v2/transactions/params").json()
    assert body["min-fee"] == MIN_FEE
    assert body["fee"] == 0
    assert body["last-round"] == http.get("/v2/status").json()["last-round"]
    assert body["consensus-version"] == http.get("/v2/status").json()["last-version"]
    versions = http.get("/versions").json()
    assert body["genesis-id"] == versions["genesis_id"]
    assert body["genesis-hash"] == versions["genesis_hash_b64"]
    params = algod.suggested_params()
    assert params.min_fee == MIN_FEE
    assert params.first == body["last-round"]
    assert params.last == params.first + 1000


# transactions


def test_post_transaction_returns_its_id_and_pending_info_in_json_and_msgpack(
    algod: AlgodClient, http: httpx.Client, funded: DevAccount
) -> None:
    receiver = account.generate_account()[1]
    signed = _pay(algod, funded, receiver, 250_000, note=b"http pending")
    raw = _raw(signed)
    response = http.post(
        "/v2/transactions", content=raw, headers={"Content-Type": "application/x-binary"}
    )
    assert response.status_code == 200, response.text
    txid = signed.get_txid()
    assert response.json() == {"txId": txid}

    info = http.get(f"/v2/transactions/pending/{txid}").json()
    assert info["confirmed-round"] >= 1
    assert info["pool-error"] == ""
    stxn = info["txn"]
    assert stxn["sig"] == signed.signature
    assert stxn["txn"]["type"] == "pay"
    assert stxn["txn"]["snd"] == funded.address
    assert stxn["txn"]["rcv"] == receiver
    assert stxn["txn"]["amt"] == 250_000
    assert stxn["txn"]["fee"] == MIN_FEE
    assert base64.b64decode(stxn["txn"]["note"]) == b"http pending"
    assert stxn["txn"]["gh"] == algod.suggested_params().gh

    packed = http.get(f"/v2/transactions/pending/{txid}", params={"format": "msgpack"})
    assert packed.status_code == 200
    assert packed.headers["content-type"].startswith("application/msgpack")
    decoded = _unpack(packed.content)
    assert decoded["confirmed-round"] == info["confirmed-round"]
    assert decoded["txn"] == _unpack(raw)

    assert algod.pending_transaction_info(txid)["confirmed-round"] == info["confirmed-round"]
    assert algod.account_info(receiver)["amount"] == 250_000


def test_pending_info_of_an_unknown_txid_is_404(algod: AlgodClient, http: httpx.Client) -> None:
    unknown = base64.b32encode(hashlib.sha256(b"no such transaction").digest()).decode()
    unknown = unknown.rstrip("=")
    assert len(unknown) == 52
    assert _assert_json_error(http.get(f"/v2/transactions/pending/{unknown}"), 404) == (
        "txn does not exist"
    )
    with pytest.raises(AlgodHTTPError) as info:
        algod.pending_transaction_info(unknown)
    assert info.value.code == 404


@pytest.mark.parametrize("txid", ["XYZ", "1" * 52, "a" * 52 + "A", "A" * 51 + "="])
def test_pending_info_of_a_malformed_txid_is_400(
    algod: AlgodClient, http: httpx.Client, txid: str
) -> None:
    _assert_json_error(http.get(f"/v2/transactions/pending/{txid}"), 400)
    with pytest.raises(AlgodHTTPError) as info:
        algod.pending_transaction_info(txid)
    assert info.value.code == 400


@pytest.mark.parametrize("value", ["abc", "-1", "1.5"])
def test_the_pool_listing_refuses_a_max_that_is_no_count(http: httpx.Client, value: str) -> None:
    assert "max" in _assert_json_error(
        http.get("/v2/transactions/pending", params={"max": value}), 400
    )
    listed = http.get("/v2/transactions/pending", params={"max": "5"})
    assert listed.json() == {"top-transactions": [], "total-transactions": 0}


# accounts and assets

LIST_KEYS = ("assets", "created-assets", "apps-local-state", "created-apps")


def test_account_information_shape(
    algod: AlgodClient, http: httpx.Client, funded: DevAccount
) -> None:
    body = http.get(f"/v2/accounts/{funded.address}").json()
    assert body["address"] == funded.address
    assert body["amount"] == 10_000_000
    assert body["amount-without-pending-rewards"] == 10_000_000
    assert body["min-balance"] == MIN_BALANCE
    assert body["status"] == "Offline"
    assert body["round"] == algod.status()["last-round"]
    assert body["assets"] == [] and body["created-assets"] == []
    assert body["total-assets-opted-in"] == 0 and body["total-created-assets"] == 0
    assert "auth-addr" not in body

    asset_id = _create_asset(algod, funded, total=5_000)
    body = http.get(f"/v2/accounts/{funded.address}").json()
    assert body["amount"] == 10_000_000 - MIN_FEE
    assert body["min-balance"] == 2 * MIN_BALANCE
    assert body["assets"] == [{"amount": 5_000, "asset-id": asset_id, "is-frozen": False}]
    [created] = body["created-assets"]
    assert created["index"] == asset_id
    assert created["params"]["creator"] == funded.address
    assert created["params"]["total"] == 5_000
    assert created["params"]["unit-name"] == "GW"
    assert body["total-assets-opted-in"] == 1 and body["total-created-assets"] == 1
    assert algod.account_info(funded.address) == body

    slim = http.get(f"/v2/accounts/{funded.address}", params={"exclude": "all"}).json()
    for key in LIST_KEYS:
        assert key not in slim
    assert slim["amount"] == body["amount"]
    assert slim["total-assets-opted-in"] == 1
    assert slim == {k: v for k, v in body.items() if k not in LIST_KEYS}
    full = http.get(f"/v2/accounts/{funded.address}", params={"exclude": "none"}).json()
    assert full == body


def test_dev_accounts_are_online(http: httpx.Client, dev_accounts: list[DevAccount]) -> None:
    body = http.get(f"/v2/accounts/{dev_accounts[0].address}").json()
    assert body["status"] == "Online"
    assert body["amount"] > 0


@pytest.mark.parametrize(
    "address",
    [
        "ABC",
        "A" * 58,  # right length, wrong checksum
        "a" * 58,
        "0" * 58,
    ],
)
def test_account_with_a_malformed_address_is_400(
    algod: AlgodClient, http: httpx.Client, address: str
) -> None:
    _assert_json_error(http.get(f"/v2/accounts/{address}"), 400)
    with pytest.raises(AlgodHTTPError) as info:
        algod.account_info(address)
    assert info.value.code == 400


BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_account_with_a_wrong_checksum_is_400(http: httpx.Client, funded: DevAccount) -> None:
    # the last character carries three checksum bits (then two padding bits): flip one of them
    last = BASE32.index(funded.address[-1])
    wrong = funded.address[:-1] + BASE32[last ^ 0b10000]
    _assert_json_error(http.get(f"/v2/accounts/{wrong}"), 400)


@pytest.mark.parametrize("padding", [0b01, 0b10, 0b11])
def test_account_with_a_non_canonical_address_is_400(
    http: httpx.Client, funded: DevAccount, padding: int
) -> None:
    # same key and checksum, but padding bits set: algod refuses it as non-canonical
    last = BASE32.index(funded.address[-1])
    assert last & 0b11 == 0
    variant = funded.address[:-1] + BASE32[last | padding]
    assert base64.b32decode(variant + "======") == base64.b32decode(funded.address + "======")
    _assert_json_error(http.get(f"/v2/accounts/{variant}"), 400)
    _assert_json_error(http.get(f"/v2/accounts/{variant}/assets/1"), 400)


def test_unknown_but_valid_address_has_nothing(algod: AlgodClient, http: httpx.Client) -> None:
    address = account.generate_account()[1]
    body = http.get(f"/v2/accounts/{address}").json()
    assert body["address"] == address
    assert body["amount"] == 0
    assert body["status"] == "Offline"
    assert body["assets"] == [] and body["created-assets"] == []
    # algod reports the protocol's base minimum balance even for an account it has never seen
    assert body["min-balance"] == MIN_BALANCE
    assert algod.account_info(address)["amount"] == 0


def test_account_asset_information(
    algod: AlgodClient, http: httpx.Client, funded: DevAccount, account_factory: Any
) -> None:
    asset_id = _create_asset(algod, funded, total=1_000)
    holder = account_factory(1_000_000)
    params = algod.suggested_params()
    opt_in = transaction.AssetOptInTxn(holder.address, params, asset_id)
    xfer = transaction.AssetTransferTxn(funded.address, params, holder.address, 300, asset_id)
    send(algod, opt_in.sign(holder.private_key))
    send(algod, xfer.sign(funded.private_key))

    creator = http.get(f"/v2/accounts/{funded.address}/assets/{asset_id}").json()
    assert creator["asset-holding"] == {"amount": 700, "asset-id": asset_id, "is-frozen": False}
    assert creator["created-asset"]["total"] == 1_000
    assert creator["created-asset"]["creator"] == funded.address
    assert creator["round"] == algod.status()["last-round"]

    held = http.get(f"/v2/accounts/{holder.address}/assets/{asset_id}").json()
    assert held["asset-holding"] == {"amount": 300, "asset-id": asset_id, "is-frozen": False}
    assert "created-asset" not in held  # only the creator gets the parameters
    assert algod.account_asset_info(holder.address, asset_id)["asset-holding"]["amount"] == 300

    stranger = account_factory(1_000_000)
    _assert_json_error(http.get(f"/v2/accounts/{stranger.address}/assets/{asset_id}"), 404)
    _assert_json_error(http.get(f"/v2/accounts/{holder.address}/assets/abc"), 400)


def test_asset_information(algod: AlgodClient, http: httpx.Client, funded: DevAccount) -> None:
    asset_id = _create_asset(algod, funded, total=42)
    body = http.get(f"/v2/assets/{asset_id}").json()
    assert body["index"] == asset_id
    params = body["params"]
    assert params["creator"] == funded.address
    assert params["manager"] == funded.address
    assert params["total"] == 42
    assert params["decimals"] == 2
    assert params["default-frozen"] is False
    assert params["name"] == "Gridworks Test"
    assert base64.b64decode(params["name-b64"]) == b"Gridworks Test"
    assert params["unit-name"] == "GW"
    assert params["url"] == "https://example.org/gw"
    assert algod.asset_info(asset_id) == body


def test_unknown_asset_is_404(algod: AlgodClient, http: httpx.Client) -> None:
    unknown = 2**63
    assert _assert_json_error(http.get(f"/v2/assets/{unknown}"), 404) == "asset does not exist"
    with pytest.raises(AlgodHTTPError) as info:
        algod.asset_info(unknown)
    assert info.value.code == 404


# blocks


def _block_json(http: httpx.Client, round_: int) -> dict[str, Any]:
    response = http.get(f"/v2/blocks/{round_}")
    assert response.status_code == 200, response.text
    return response.json()["block"]


def _block_msgpack(http: httpx.Client, round_: int) -> dict[str, Any]:
    response = http.get(f"/v2/blocks/{round_}", params={"format": "msgpack"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/msgpack")
    return _unpack(response.content)["block"]


def test_blocks_hold_each_group_in_a_round_of_its_own(
    sandbox: EmbeddedSandbox, algod: AlgodClient, http: httpx.Client, funded: DevAccount
) -> None:
    receiver = account.generate_account()[1]
    start = algod.status()["last-round"]

    params = algod.suggested_params()
    pair = [
        transaction.PaymentTxn(funded.address, params, receiver, 200_000, note=b"g1"),
        transaction.PaymentTxn(funded.address, params, receiver, 1_000, note=b"g2"),
    ]
    transaction.assign_group_id(pair)
    group = [t.sign(funded.private_key) for t in pair]
    algod.send_transactions(group)
    assert algod.status()["last-round"] == start + 1
    single = _pay(algod, funded, receiver, 3_000, note=b"s")
    algod.send_transaction(single)
    assert algod.status()["last-round"] == start + 2

    for stxn in [*group, single]:
        assert algod.pending_transaction_info(stxn.get_txid())["confirmed-round"] in (
            start + 1,
            start + 2,
        )

    grouped = _block_msgpack(http, start + 1)
    assert grouped["rnd"] == start + 1
    assert [entry["hgi"] for entry in grouped["txns"]] == [True, True]
    for entry, stxn in zip(grouped["txns"], group, strict=True):
        sent = _unpack(_raw(stxn))
        assert entry["sig"] == sent["sig"]
        assert "gen" not in entry["txn"] and "gh" not in entry["txn"]
        assert entry["txn"] == {k: v for k, v in sent["txn"].items() if k not in ("gen", "gh")}
    assert grouped["gh"] == base64.b64decode(params.gh)
    assert grouped["gen"] == params.gen

    as_json = _block_json(http, start + 2)
    assert as_json["rnd"] == start + 2
    [entry] = as_json["txns"]
    assert entry["hgi"] is True
    assert entry["txn"]["snd"] == funded.address
    assert entry["txn"]["rcv"] == receiver
    assert entry["txn"]["amt"] == 3_000
    assert base64.b64decode(entry["txn"]["note"]) == b"s"
    assert "gen" not in entry["txn"]

    # each block links to the one before it, and time does not run backwards
    previous = _block_msgpack(http, start)
    for round_ in (start + 1, start + 2):
        block = _block_msgpack(http, round_)
        header = {k: v for k, v in previous.items() if k != "txns"}
        assert block["prev"] == _hash(b"BH", header)
        assert block["ts"] >= previous["ts"]
        previous = block
    assert as_json["prev"] == "blk-" + base64.b32encode(previous["prev"]).decode().rstrip("=")


def test_genesis_block(http: httpx.Client, anonymous: httpx.Client) -> None:
    block = _block_json(http, 0)
    assert block["rnd"] == 0
    assert "prev" not in block
    assert "txns" not in block or block["txns"] == []
    versions = anonymous.get("/versions").json()
    assert block["gh"] == versions["genesis_hash_b64"]
    assert block["gen"] == versions["genesis_id"]


def test_missing_block_is_404(algod: AlgodClient, http: httpx.Client) -> None:
    missing = algod.status()["last-round"] + 1_000
    _assert_json_error(http.get(f"/v2/blocks/{missing}"), 404)
    _assert_json_error(http.get(f"/v2/blocks/{missing}", params={"format": "msgpack"}), 404)
    with pytest.raises(AlgodHTTPError) as info:
        algod.block_info(missing)
    assert info.value.code == 404


# waiting for blocks


def test_wait_for_block_after_an_existing_round_returns_at_once(
    algod: AlgodClient, http: httpx.Client, funded: DevAccount
) -> None:
    send(algod, _pay(algod, funded, funded.address, 0))
    last = algod.status()["last-round"]
    started = time.monotonic()
    response = http.get(f"/v2/status/wait-for-block-after/{last - 1}")
    # a wait for a round beyond `last` would end only at the server's timeout (no block is
    # coming): a quarter of it is no speed target, just "did not wait"
    assert time.monotonic() - started < WAIT_FOR_BLOCK_TIMEOUT / 4
    assert response.status_code == 200
    assert response.json()["last-round"] == last


def test_wait_for_block_after_the_last_round_returns_with_the_next_block(
    sandbox: EmbeddedSandbox, algod: AlgodClient, funded: DevAccount
) -> None:
    last = algod.status()["last-round"]
    signed = _pay(algod, funded, funded.address, 0, note=b"wake up")
    errors: list[BaseException] = []

    def later() -> None:
        try:
            time.sleep(0.4)
            algod.send_transaction(signed)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=later)
    started = time.monotonic()
    thread.start()
    try:
        status = algod.status_after_block(last)
    finally:
        thread.join(10)
    waited = time.monotonic() - started
    assert not errors
    assert status["last-round"] == last + 1
    assert 0.3 <= waited < 5
    assert algod.pending_transaction_info(signed.get_txid())["confirmed-round"] == last + 1


# dev mode


@pytest.fixture
def private_network() -> Iterator[Network]:
    """An embedded sandbox of its own, for a test that leaves its clock ahead (block timestamps
    never go backwards, so they stay an hour ahead after the offset is reset)."""
    network = connect(env={})
    try:
        yield network
    finally:
        network.close()


def test_devmode_timestamp_offset_moves_the_next_block_into_the_future(
    private_network: Network,
) -> None:
    algod = private_network.algod
    funded = private_network.new_account(10_000_000)
    headers = {TOKEN_HEADER: algod.algod_token}
    with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as http:
        assert http.get("/v2/devmode/blocks/offset").json() == {"offset": 0}
        [plain] = send(algod, _pay(algod, funded, funded.address, 0, note=b"before offset"))
        assert abs(_block_json(http, plain["confirmed-round"])["ts"] - time.time()) <= 10
        try:
            response = http.post("/v2/devmode/blocks/offset/3600")
            assert response.status_code == 200, response.text
            assert http.get("/v2/devmode/blocks/offset").json() == {"offset": 3600}
            [info] = send(algod, _pay(algod, funded, funded.address, 0, note=b"offset"))
            now = time.time()
            ts = _block_json(http, info["confirmed-round"])["ts"]
            assert abs(ts - (now + 3600)) <= 10, (ts, now)
        finally:
            assert http.post("/v2/devmode/blocks/offset/0").status_code == 200
        assert http.get("/v2/devmode/blocks/offset").json() == {"offset": 0}
        [after] = send(algod, _pay(algod, funded, funded.address, 0, note=b"after offset"))
        assert _block_json(http, after["confirmed-round"])["ts"] >= ts  # never backwards


# supply


def test_payments_move_money_without_changing_the_supply(
    sandbox: EmbeddedSandbox,
    algod: AlgodClient,
    http: httpx.Client,
    funded: DevAccount,
    account_factory: Any,
) -> None:
    other = account_factory(1_000_000)
    before = http.get("/v2/ledger/supply").json()
    newcomer = account.generate_account()[1]
    send(algod, _pay(algod, funded, other.address, 123_456))
    send(algod, _pay(algod, other, funded.address, 1))
    send(algod, _pay(algod, funded, newcomer, 500_000))
    after = http.get("/v2/ledger/supply").json()
    assert after["total-money"] == before["total-money"]
    assert after["online-money"] == before["online-money"]
    assert after["current_round"] == before["current_round"] + 3
    assert algod.ledger_supply()["total-money"] == before["total-money"]


# tokens

PROTECTED = [
    ("GET", "/v2/status"),
    ("GET", "/v2/status/wait-for-block-after/0"),
    ("GET", "/v2/transactions/params"),
    ("POST", "/v2/transactions"),
    ("GET", "/v2/transactions/pending/" + "A" * 52),
    ("GET", "/v2/accounts/" + "A" * 58),
    ("GET", "/v2/assets/1"),
    ("GET", "/v2/blocks/0"),
    ("GET", "/v2/ledger/supply"),
    ("POST", "/v2/devmode/blocks/offset/7200"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_requests_without_the_token_are_401(
    anonymous: httpx.Client, algod: AlgodClient, method: str, path: str
) -> None:
    assert _assert_json_error(anonymous.request(method, path), 401) == "Invalid API Token"
    wrong = {TOKEN_HEADER: "b" * 64}
    assert _assert_json_error(anonymous.request(method, path, headers=wrong), 401) == (
        "Invalid API Token"
    )


def test_a_refused_offset_request_changes_nothing(
    anonymous: httpx.Client, http: httpx.Client
) -> None:
    anonymous.post("/v2/devmode/blocks/offset/7200")
    assert http.get("/v2/devmode/blocks/offset").json() == {"offset": 0}


@pytest.mark.parametrize("path", ["/health", "/ready", "/versions", "/genesis"])
def test_open_paths_need_no_token(anonymous: httpx.Client, path: str) -> None:
    assert anonymous.get(path).status_code == 200


def test_algosdk_with_a_wrong_token_gets_401(algod: AlgodClient) -> None:
    client = AlgodClient("b" * 64, algod.algod_address)
    with pytest.raises(AlgodHTTPError) as info:
        client.status()
    assert info.value.code == 401


# malformed requests: always 4xx with a JSON message, never a 500

VALID_ADDRESS = encoding.encode_address(bytes(range(32)))  # fixed: test ids must not vary

MALFORMED: list[tuple[str, str, bytes | None, int]] = [
    ("GET", "/v2/blocks/0?format=xml", None, 400),
    ("GET", "/v2/blocks/0?format=", None, 400),
    ("GET", f"/v2/accounts/{VALID_ADDRESS}?format=text", None, 400),
    ("GET", f"/v2/accounts/{VALID_ADDRESS}?exclude=some", None, 400),
    ("GET", f"/v2/accounts/{VALID_ADDRESS}?exclude=", None, 400),
    ("GET", f"/v2/accounts/{VALID_ADDRESS}/assets/1?format=yaml", None, 400),
    ("GET", "/v2/transactions/pending/" + "A" * 52 + "?format=csv", None, 400),
    ("GET", "/v2/transactions/pending?format=csv", None, 400),
    ("GET", "/v2/blocks/abc", None, 400),
    ("GET", "/v2/blocks/-1", None, 400),
    ("GET", "/v2/blocks/1.5", None, 400),
    ("GET", "/v2/blocks/18446744073709551616", None, 400),
    ("GET", "/v2/status/wait-for-block-after/soon", None, 400),
    ("GET", "/v2/status/wait-for-block-after/-3", None, 400),
    ("GET", "/v2/assets/abc", None, 400),
    ("GET", "/v2/assets/-1", None, 400),
    ("GET", f"/v2/accounts/{VALID_ADDRESS}/assets/abc", None, 400),
    ("POST", "/v2/devmode/blocks/offset/-1", None, 400),
    ("POST", "/v2/devmode/blocks/offset/later", None, 400),
    ("GET", "/v2/no-such-route", None, 404),
    ("GET", "/v3/status", None, 404),
    ("GET", "/", None, 404),
    ("POST", "/v2/status", None, 405),
    ("GET", "/v2/transactions", None, 405),
    ("PUT", "/v2/transactions", b"", 405),
    ("DELETE", f"/v2/accounts/{VALID_ADDRESS}", None, 405),
    ("POST", "/v2/transactions", b"", 400),
    ("POST", "/v2/transactions", b"\xff\xfe junk \x00", 400),
    ("POST", "/v2/transactions", b"not msgpack at all", 400),
    ("POST", "/v2/transactions", b'{"txn": {"type": "pay", "amt": 1}}', 400),
    ("POST", "/v2/transactions", msgpack.packb([1, 2, 3]), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": "not a map"}), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": {"type": "pay"}}), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": {"type": "nope"}, "sig": b"x"}), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": {"type": "pay", "snd": b"short"}}), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": {"type": "pay", "fee": "1000"}}), 400),
    ("POST", "/v2/transactions", msgpack.packb({"txn": {"type": "pay", "amt": -5}}), 400),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), MALFORMED)
def test_malformed_requests_get_a_json_4xx(
    http: httpx.Client, method: str, path: str, body: bytes | None, status: int
) -> None:
    response = http.request(method, path, content=body)
    _assert_json_error(response, status)


def test_truncated_and_padded_transactions_are_400(
    algod: AlgodClient, http: httpx.Client, funded: DevAccount
) -> None:
    raw = _raw(_pay(algod, funded, funded.address, 0, note=b"truncated"))
    last = algod.status()["last-round"]
    _assert_json_error(http.post("/v2/transactions", content=raw[:-7]), 400)
    _assert_json_error(http.post("/v2/transactions", content=raw + b"\x01"), 400)
    bad_sig = _unpack(raw)
    bad_sig["sig"] = bytes(64)
    _assert_json_error(http.post("/v2/transactions", content=msgpack.packb(bad_sig)), 400)
    assert algod.status()["last-round"] == last
    # the intact transaction still goes through
    assert http.post("/v2/transactions", content=raw).status_code == 200


def test_any_origin_may_call_and_preflight_needs_no_token(
    anonymous: httpx.Client, http: httpx.Client
) -> None:
    preflight = anonymous.options(
        "/v2/status",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-algo-api-token",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "http://localhost:5173")
    response = http.get("/v2/status", headers={"Origin": "http://localhost:5173"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
