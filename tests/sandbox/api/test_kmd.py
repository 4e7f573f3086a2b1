"""The sandbox's kmd, exercised through algosdk's own KMDClient and Wallet over real HTTP."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from algosdk import account, encoding, transaction
from algosdk.error import KMDHTTPError
from algosdk.kmd import KMDClient
from algosdk.wallet import Wallet

from gridworks.sandbox import ed25519
from gridworks.sandbox.api.kmd import create_kmd_app
from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.kmd.wallets import (
    DEFAULT_WALLET_NAME,
    InvalidHandleError,
    WalletStore,
    WrongPasswordError,
)
from gridworks.sandbox.server import Listener, ServerGroup, free_port

TOKEN = "a" * 64


def _address(seed: bytes) -> str:
    return encode_address(ed25519.public_key_of(seed))


def _private_key(seed: bytes) -> str:
    """algosdk's private-key form: base64 of seed followed by public key."""
    return base64.b64encode(seed + ed25519.public_key_of(seed)).decode()


@pytest.fixture(scope="module")
def default_seeds() -> list[bytes]:
    return [os.urandom(32) for _ in range(3)]


@pytest.fixture(scope="module")
def kmd(default_seeds: list[bytes]) -> Iterator[KMDClient]:
    store = WalletStore(None)
    store.ensure_default_wallet(default_seeds)
    group = ServerGroup([Listener(create_kmd_app(store, TOKEN), "127.0.0.1", free_port())])
    group.start_in_thread()
    server = group.servers[0].config
    try:
        yield KMDClient(TOKEN, f"http://{server.host}:{server.port}")
    finally:
        group.join()
        store.close()


def _post(
    kmd: KMDClient, path: str, body: Any, token: str | None = TOKEN, method: str = "POST"
) -> httpx.Response:
    headers = {} if token is None else {"X-KMD-API-Token": token}
    content = body if isinstance(body, (bytes, str)) else None
    return httpx.request(
        method,
        kmd.kmd_address + path,
        headers=headers,
        content=content,
        json=None if content is not None else body,
    )


def _params() -> transaction.SuggestedParams:
    return transaction.SuggestedParams(
        fee=1000,
        first=10,
        last=1010,
        gh=base64.b64encode(bytes(range(32))).decode(),
        gen="sandnet-v1",
        flat_fee=True,
    )


def _txn_message(txn: transaction.Transaction) -> bytes:
    return b"TX" + base64.b64decode(encoding.msgpack_encode(txn))


def _new_wallet(kmd: KMDClient, password: str = "correct horse") -> Wallet:
    return Wallet(f"w-{secrets.token_hex(4)}", password, kmd)


# wallets and handles


def test_versions_and_health_need_no_token(kmd: KMDClient) -> None:
    assert _post(kmd, "/versions", None, token=None, method="GET").json() == {"versions": ["v1"]}
    assert _post(kmd, "/health", None, token=None, method="GET").status_code == 200
    assert kmd.versions() == ["v1"]
    paths = _post(kmd, "/swagger.json", None, token=None, method="GET").json()["paths"]
    assert "/v1/transaction/sign" in paths


def test_default_wallet_holds_the_genesis_seeds(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    wallets = {w["name"]: w for w in kmd.list_wallets()}
    default = wallets[DEFAULT_WALLET_NAME]
    assert default["driver_name"] == "sqlite"
    assert {"id", "driver_version", "mnemonic_ux", "supported_txs"} <= default.keys()

    handle = kmd.init_wallet_handle(default["id"], "")
    try:
        assert sorted(kmd.list_keys(handle)) == sorted(_address(s) for s in default_seeds)
        for seed in default_seeds:
            assert kmd.export_key(handle, "", _address(seed)) == _private_key(seed)
    finally:
        assert kmd.release_wallet_handle(handle) is True


def test_beaker_localnet_get_accounts(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    localnet = pytest.importorskip("beaker.localnet")
    accounts = localnet.get_accounts(kmd_address=kmd.kmd_address, kmd_token=TOKEN)
    assert sorted(a.address for a in accounts) == sorted(_address(s) for s in default_seeds)
    assert {a.private_key for a in accounts} == {_private_key(s) for s in default_seeds}


def test_password_wallet_keys_lifecycle(kmd: KMDClient) -> None:
    wallet = _new_wallet(kmd, "s3cret")
    with pytest.raises(KMDHTTPError, match="wrong password"):
        kmd.init_wallet_handle(wallet.id, "not it")
    with pytest.raises(KMDHTTPError, match="already exists"):
        kmd.create_wallet(wallet.name, "other")

    generated = wallet.generate_key()
    private_key, address = account.generate_account()
    assert wallet.import_key(private_key) == address
    with pytest.raises(KMDHTTPError, match="already exists"):
        wallet.import_key(private_key)
    assert wallet.list_keys() == [generated, address]
    assert wallet.export_key(address) == private_key
    assert account.address_from_private_key(wallet.export_key(generated)) == generated
    with pytest.raises(KMDHTTPError, match="wrong password"):
        kmd.export_key(wallet.handle, "nope", address)

    assert wallet.delete_key(address) is True
    assert wallet.list_keys() == [generated]
    with pytest.raises(KMDHTTPError, match="not found"):
        wallet.export_key(address)
    with pytest.raises(KMDHTTPError, match="wrong password"):
        kmd.delete_key(wallet.handle, "nope", generated)


def test_generated_keys_follow_the_master_derivation_key(kmd: KMDClient) -> None:
    original = _new_wallet(kmd)
    first, second = original.generate_key(), original.generate_key()
    assert first != second
    mdk = original.export_master_derivation_key()
    assert len(base64.b64decode(mdk)) == 32

    recovered = Wallet(f"r-{secrets.token_hex(4)}", "other", kmd, mdk=mdk)
    assert [recovered.generate_key(), recovered.generate_key()] == [first, second]
    assert recovered.get_mnemonic() == original.get_mnemonic()


def test_handle_info_renew_release_and_rename(kmd: KMDClient) -> None:
    wallet = _new_wallet(kmd)
    info = kmd.get_wallet(wallet.handle)
    assert info["wallet"]["id"] == wallet.id
    assert 0 < info["expires_seconds"] <= 60
    assert kmd.renew_wallet_handle(wallet.handle)["wallet"]["name"] == wallet.name

    new_name = f"renamed-{secrets.token_hex(4)}"
    assert wallet.rename(new_name)["name"] == new_name
    assert new_name in {w["name"] for w in kmd.list_wallets()}

    handle = wallet.handle
    assert kmd.release_wallet_handle(handle) is True
    for call in (kmd.list_keys, kmd.get_wallet, kmd.renew_wallet_handle):
        with pytest.raises(KMDHTTPError, match="handle"):
            call(handle)
    with pytest.raises(KMDHTTPError, match="handle"):
        kmd.release_wallet_handle(handle)


def test_handles_expire_and_renew_extends_them() -> None:
    now = [1000.0]
    store = WalletStore(None, handle_ttl=60.0, clock=lambda: now[0])
    wallet = store.create_wallet("w", "pw")
    handle = store.init_handle(wallet.id, "pw")
    now[0] += 50
    assert store.renew_handle(handle).expires_seconds == 60
    now[0] += 59
    assert store.list_keys(handle) == []
    now[0] += 1
    with pytest.raises(InvalidHandleError):
        store.list_keys(handle)
    with pytest.raises(WrongPasswordError):
        store.init_handle(wallet.id, "PW")
    store.close()


# signing


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sign_payment_matches_algosdk(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    seed = default_seeds[0]
    sender = _address(seed)
    txn = transaction.PaymentTxn(sender, _params(), _address(default_seeds[1]), 12345, note=b"hi")
    wallet = Wallet(DEFAULT_WALLET_NAME, "", kmd)

    signed = wallet.sign_transaction(txn)

    assert isinstance(signed, transaction.SignedTransaction)
    assert signed.authorizing_address is None
    sig = base64.b64decode(signed.signature)
    assert ed25519.verify(ed25519.public_key_of(seed), _txn_message(txn), sig)
    expected = txn.sign(_private_key(seed))
    assert encoding.msgpack_encode(signed) == encoding.msgpack_encode(expected)

    # Go clients send the zero key to mean "the sender's key"
    body = {
        "wallet_handle_token": wallet.handle,
        "wallet_password": "",
        "transaction": encoding.msgpack_encode(txn),
        "public_key": base64.b64encode(bytes(32)).decode(),
    }
    response = _post(kmd, "/v1/transaction/sign", body)
    assert response.json() == {"signed_transaction": encoding.msgpack_encode(expected)}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sign_for_rekeyed_sender_sets_sgnr(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    signer_seed = default_seeds[2]
    signer = _address(signer_seed)
    _, rekeyed_sender = account.generate_account()
    txn = transaction.PaymentTxn(rekeyed_sender, _params(), signer, 1)
    wallet = Wallet(DEFAULT_WALLET_NAME, "", kmd)

    signed = kmd.sign_transaction(wallet.handle, "", txn, signing_address=signer)

    assert signed.authorizing_address == signer
    sig = base64.b64decode(signed.signature)
    assert ed25519.verify(ed25519.public_key_of(signer_seed), _txn_message(txn), sig)
    expected = txn.sign(_private_key(signer_seed))
    assert encoding.msgpack_encode(signed) == encoding.msgpack_encode(expected)

    # kmd's own form of public_key is base64 of the 32 key bytes
    body = {
        "wallet_handle_token": wallet.handle,
        "wallet_password": "",
        "transaction": encoding.msgpack_encode(txn),
        "public_key": base64.b64encode(encoding.decode_address(signer)).decode(),
    }
    response = _post(kmd, "/v1/transaction/sign", body)
    assert response.status_code == 200
    assert response.json()["signed_transaction"] == encoding.msgpack_encode(expected)

    # without public_key the sender's key is needed, and the wallet does not have it
    with pytest.raises(KMDHTTPError, match="not found"):
        wallet.sign_transaction(txn)
    with pytest.raises(KMDHTTPError, match="wrong password"):
        kmd.sign_transaction(wallet.handle, "x", txn, signing_address=signer)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_multisig_two_of_three(kmd: KMDClient) -> None:
    wallet = _new_wallet(kmd)
    owned = [wallet.generate_key(), wallet.generate_key()]
    outside_key, outside = account.generate_account()
    msig = transaction.Multisig(1, 2, [owned[0], outside, owned[1]])

    address = wallet.import_multisig(msig)
    assert address == msig.address()
    assert wallet.list_multisig() == [address]
    exported = wallet.export_multisig(address)
    assert (exported.version, exported.threshold) == (1, 2)
    assert exported.get_public_keys() == [owned[0], outside, owned[1]]

    txn = transaction.PaymentTxn(address, _params(), outside, 5000)
    mtx = transaction.MultisigTransaction(txn, msig.get_multisig_account())
    mtx = wallet.sign_multisig_transaction(owned[0], mtx)
    assert not mtx.multisig.verify(_txn_message(txn))  # one of two signatures
    mtx = wallet.sign_multisig_transaction(owned[1], mtx)

    mtx.multisig.validate()
    assert mtx.multisig.address() == address
    assert mtx.multisig.verify(_txn_message(txn))
    assert mtx.multisig.subsigs[1].signature is None

    expected = transaction.MultisigTransaction(txn, msig.get_multisig_account())
    expected.sign(wallet.export_key(owned[0]))
    expected.sign(wallet.export_key(owned[1]))
    assert encoding.msgpack_encode(mtx) == encoding.msgpack_encode(expected)

    with pytest.raises(KMDHTTPError, match="not found"):
        wallet.sign_multisig_transaction(outside, mtx)

    # the sender rekeyed to another multisig: algosdk sends it as `signer`
    other = transaction.Multisig(1, 1, [owned[0], outside])
    rekeyed = wallet.sign_multisig_transaction(
        owned[0], transaction.MultisigTransaction(txn, other)
    )
    assert rekeyed.auth_addr == other.address()
    assert rekeyed.multisig.verify(_txn_message(txn))

    # without `signer`, a partial multisig that is not the sender's is refused
    body = {
        "wallet_handle_token": wallet.handle,
        "wallet_password": wallet.pswd,
        "transaction": encoding.msgpack_encode(txn),
        "public_key": base64.b64encode(encoding.decode_address(owned[0])).decode(),
        "partial_multisig": other.json_dictify(),
    }
    response = _post(kmd, "/v1/multisig/sign", body)
    assert response.status_code == 400
    assert "does not match" in response.json()["message"]
    # ... and without partial_multisig the wallet's imported preimage is used
    del body["partial_multisig"]
    response = _post(kmd, "/v1/multisig/sign", body)
    assert response.status_code == 200, response.text
    partial = encoding.msgpack_decode(response.json()["multisig"])
    assert partial.address() == address and partial.subsigs[0].signature
    assert outside_key  # the outside key stays outside the wallet

    assert wallet.delete_multisig(address) is True
    assert wallet.list_multisig() == []
    with pytest.raises(KMDHTTPError, match="not found"):
        wallet.export_multisig(address)


def test_multisig_import_rejects_bad_preimages(kmd: KMDClient) -> None:
    wallet = _new_wallet(kmd)
    pk = base64.b64encode(os.urandom(32)).decode()
    base = {"wallet_handle_token": wallet.handle, "multisig_version": 1, "pks": [pk, pk]}
    for extra, needle in (
        ({"threshold": 3}, "threshold"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1, "multisig_version": 2}, "version"),
        ({"threshold": 1, "pks": [pk, "AAAA"]}, "pks[1]"),
        ({"threshold": "1"}, "threshold"),
    ):
        response = _post(kmd, "/v1/multisig/import", {**base, **extra})
        assert response.status_code == 400, extra
        assert needle in response.json()["message"]


# malformed requests


def test_malformed_requests_get_4xx_json(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    wallet = Wallet(DEFAULT_WALLET_NAME, "", kmd)
    handle = wallet.handle
    cases: list[tuple[str, Any, int, str, str]] = [
        ("/v1/wallet/init", b"{not json", 400, "not valid JSON", "POST"),
        ("/v1/wallet/init", b"[1, 2]", 400, "JSON object", "POST"),
        ("/v1/wallet/init", {"wallet_password": ""}, 400, "wallet_id", "POST"),
        ("/v1/wallet/init", {"wallet_id": "nope", "wallet_password": ""}, 404, "not found", "POST"),
        ("/v1/wallet", {"wallet_password": "x"}, 400, "wallet_name", "POST"),
        ("/v1/wallet", {"wallet_name": "", "wallet_password": "x"}, 400, "name", "POST"),
        ("/v1/key/list", {}, 400, "wallet_handle_token", "POST"),
        ("/v1/key/list", {"wallet_handle_token": "bogus"}, 401, "handle", "POST"),
        ("/v1/key/list", {"wallet_handle_token": 7}, 400, "wallet_handle_token", "POST"),
        (
            "/v1/key/import",
            {"wallet_handle_token": handle, "private_key": "***"},
            400,
            "private_key",
            "POST",
        ),
        (
            "/v1/key/import",
            {"wallet_handle_token": handle, "private_key": base64.b64encode(b"short").decode()},
            400,
            "private_key",
            "POST",
        ),
        (
            "/v1/key/export",
            {"wallet_handle_token": handle, "wallet_password": "", "address": "XYZ"},
            400,
            "address",
            "POST",
        ),
        (
            "/v1/key",
            {"wallet_handle_token": handle, "wallet_password": ""},
            400,
            "address",
            "DELETE",
        ),
        (
            "/v1/transaction/sign",
            {"wallet_handle_token": handle, "wallet_password": "", "transaction": "!!"},
            400,
            "transaction",
            "POST",
        ),
        (
            "/v1/transaction/sign",
            {
                "wallet_handle_token": handle,
                "wallet_password": "",
                "transaction": base64.b64encode(b"\xc1").decode(),
            },
            400,
            "transaction",
            "POST",
        ),
        (
            "/v1/multisig/sign",
            {"wallet_handle_token": handle, "wallet_password": ""},
            400,
            "transaction",
            "POST",
        ),
        ("/v1/no/such/route", {}, 404, "no such kmd endpoint", "POST"),
        ("/v1/key/list", None, 405, "not allowed", "GET"),
    ]
    for path, body, status, needle, method in cases:
        response = _post(kmd, path, body, method=method)
        assert response.status_code == status, (path, body, response.text)
        assert response.headers["content-type"] == "application/json"
        payload = response.json()
        assert payload["error"] is True
        assert needle in payload["message"], (path, payload)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_signed_transaction_is_refused_as_input(kmd: KMDClient, default_seeds: list[bytes]) -> None:
    seed = default_seeds[0]
    txn = transaction.PaymentTxn(_address(seed), _params(), _address(seed), 0)
    body = {
        "wallet_handle_token": Wallet(DEFAULT_WALLET_NAME, "", kmd).handle,
        "wallet_password": "",
        "transaction": encoding.msgpack_encode(txn.sign(_private_key(seed))),
    }
    response = _post(kmd, "/v1/transaction/sign", body)
    assert response.status_code == 400
    assert "unsigned" in response.json()["message"]


def test_token_is_required(kmd: KMDClient) -> None:
    for token in (None, "b" * 64):
        response = _post(kmd, "/v1/wallets", None, token=token, method="GET")
        assert response.status_code == 401
        assert response.json()["error"] is True
    with pytest.raises(KMDHTTPError):
        KMDClient("wrong", kmd.kmd_address).list_wallets()


# persistence


def test_file_store_persists_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "kmd" / "wallets.sqlite"
    default_seed, imported_seed = os.urandom(32), os.urandom(32)

    store = WalletStore(path)
    store.ensure_default_wallet([default_seed])
    wallet = store.create_wallet("mine", "pw")
    handle = store.init_handle(wallet.id, "pw")
    store.import_key(handle, imported_seed)
    generated = store.generate_key(handle)
    master_key = store.export_master_key(handle, "pw")
    store.close()

    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir())
    for secret in (default_seed, imported_seed, master_key):
        assert secret not in on_disk

    reopened = WalletStore(path)
    reopened.ensure_default_wallet([os.urandom(32)])  # exists already: left alone
    assert sorted(w.name for w in reopened.list_wallets()) == ["mine", DEFAULT_WALLET_NAME]
    handle = reopened.init_handle(wallet.id, "pw")
    assert reopened.list_keys(handle) == [_address(imported_seed), generated]
    public_key = ed25519.public_key_of(imported_seed)
    assert reopened.export_key(handle, "pw", public_key) == imported_seed + public_key
    assert reopened.export_master_key(handle, "pw") == master_key
    default_id = next(w.id for w in reopened.list_wallets() if w.name == DEFAULT_WALLET_NAME)
    assert reopened.list_keys(reopened.init_handle(default_id, "")) == [_address(default_seed)]
    with pytest.raises(WrongPasswordError):
        reopened.init_handle(wallet.id, "")
    reopened.close()
