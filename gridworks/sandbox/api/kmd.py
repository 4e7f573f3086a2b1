"""kmd's REST API (v1) over a WalletStore, shaped so algosdk's KMDClient works unchanged.

Like kmd, successes carry only their own fields (an empty success is `{}`, which algosdk's
release/delete calls test for) and failures are `{"error": true, "message": ...}` with a 4xx.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from gridworks.sandbox.api.http import ApiError, TokenGuard, json_body, json_response, with_cors
from gridworks.sandbox.ed25519 import public_key_of
from gridworks.sandbox.encoding import (
    EncodingError,
    b64,
    b64decode,
    canonical_msgpack,
    decode_address,
    encode_address,
    unpack,
)
from gridworks.sandbox.kmd.wallets import (
    DRIVER_NAME,
    HandleInfo,
    KmdError,
    MultisigPreimage,
    WalletInfo,
    WalletStore,
    multisig_address,
)

KMD_TOKEN_HEADER = "X-KMD-API-Token"
SUPPORTED_TXS = ["pay", "keyreg"]
_TX_PREFIX = b"TX"


def _error(status: int, message: str) -> Response:
    return json_response({"error": True, "message": message}, status)


def _b64_value(value: Any, name: str, sizes: tuple[int, ...] = ()) -> bytes:
    if value is None:
        raise ApiError(400, f"missing field {name}")
    if not isinstance(value, str):
        raise ApiError(400, f"field {name} must be a base64 string")
    try:
        data = b64decode(value, name)
    except EncodingError:
        raise ApiError(400, f"field {name} is not valid base64") from None
    if sizes and len(data) not in sizes:
        wanted = " or ".join(str(size) for size in sizes)
        raise ApiError(400, f"field {name} must decode to {wanted} bytes, got {len(data)}")
    return data


def _small_uint(value: Any, name: str) -> int:
    if value is None:
        raise ApiError(400, f"missing field {name}")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise ApiError(400, f"field {name} must be an integer from 0 to 255")
    return value


class _Fields:
    """Typed access to a JSON request body; every refusal names the offending field."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def given(self, name: str) -> bool:
        return self.body.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str:
        value = self.body.get(name, default)
        if value is None:
            raise ApiError(400, f"missing field {name}")
        if not isinstance(value, str):
            raise ApiError(400, f"field {name} must be a string")
        return value

    def raw(self, name: str, sizes: tuple[int, ...] = ()) -> bytes:
        return _b64_value(self.body.get(name), name, sizes)

    def optional_key(self, name: str) -> bytes | None:
        """An optional 32-byte key; absent, empty or all zero (Go's zero value) is None."""
        if not self.given(name):
            return None
        key = self.public_key(name)
        return None if key == bytes(32) else key

    def public_key(self, name: str) -> bytes:
        """32 bytes as base64 (kmd's form) or as an address (what algosdk's
        sign_transaction sends for signing_address); 58 characters is never base64."""
        value = self.text(name)
        if len(value) == 58:
            return self.address(name)
        return self.raw(name, (32,))

    def address(self, name: str) -> bytes:
        value = self.text(name)
        try:
            return decode_address(value)
        except EncodingError as exc:
            raise ApiError(400, f"field {name}: {exc}") from None

    @property
    def handle(self) -> str:
        return self.text("wallet_handle_token")

    @property
    def password(self) -> str:
        return self.text("wallet_password")


def _wallet_json(wallet: WalletInfo) -> dict[str, Any]:
    return {
        "id": wallet.id,
        "name": wallet.name,
        "driver_name": wallet.driver_name,
        "driver_version": wallet.driver_version,
        "mnemonic_ux": False,
        "supported_txs": SUPPORTED_TXS,
    }


def _decode_transaction(data: bytes) -> dict[str, Any]:
    """An unsigned transaction as a msgpack map; a signed one is refused, not unwrapped."""
    try:
        txn = unpack(data)
    except Exception:
        raise ApiError(400, "field transaction is not valid msgpack") from None
    if not isinstance(txn, dict) or not all(isinstance(key, str) for key in txn):
        raise ApiError(400, "field transaction must encode a transaction map")
    if "type" not in txn:
        if "txn" in txn:
            raise ApiError(400, "field transaction must be an unsigned transaction, not signed")
        raise ApiError(400, "field transaction has no type")
    sender = txn.get("snd")
    if not isinstance(sender, bytes) or len(sender) != 32:
        raise ApiError(400, "field transaction has no valid sender (snd)")
    return txn


def _partial_given(value: Any) -> bool:
    """Go clients send an empty MultisigSig (no subsigs, v and thr 0) to mean none."""
    if not isinstance(value, dict):
        return value is not None
    return any(
        value.get(name) for name in ("subsig", "thr", "v", "Subsigs", "Threshold", "Version")
    )


def _partial_multisig(value: Any) -> tuple[MultisigPreimage, list[bytes | None]]:
    """Accepts go-algorand's codec names (subsig/thr/v/pk/s, what algosdk sends) or the
    swagger's struct names (Subsigs/Threshold/Version/Key/Sig)."""
    if not isinstance(value, dict):
        raise ApiError(400, "field partial_multisig must be an object")
    subsigs = value.get("subsig", value.get("Subsigs"))
    version = _small_uint(value.get("v", value.get("Version")), "partial_multisig.v")
    threshold = _small_uint(value.get("thr", value.get("Threshold")), "partial_multisig.thr")
    if not isinstance(subsigs, list) or not subsigs:
        raise ApiError(400, "field partial_multisig.subsig must be a non-empty list")
    keys: list[bytes] = []
    sigs: list[bytes | None] = []
    for index, sub in enumerate(subsigs):
        where = f"partial_multisig.subsig[{index}]"
        if not isinstance(sub, dict):
            raise ApiError(400, f"field {where} must be an object")
        keys.append(_b64_value(sub.get("pk", sub.get("Key")), f"{where}.pk", (32,)))
        sig = sub.get("s", sub.get("Sig"))
        sigs.append(_b64_value(sig, f"{where}.s", (64,)) if sig else None)
    preimage = MultisigPreimage(version, threshold, tuple(keys))
    try:
        multisig_address(version, threshold, keys)
    except KmdError as exc:
        raise ApiError(400, f"field partial_multisig: {exc.message}") from None
    return preimage, sigs


class _KmdRoutes:
    """One method per kmd endpoint; all state lives in the WalletStore."""

    def __init__(self, store: WalletStore) -> None:
        self.store = store

    async def health(self, request: Request) -> Response:
        return json_response({})

    async def versions(self, request: Request) -> Response:
        return json_response({"versions": ["v1"]})

    async def swagger(self, request: Request) -> Response:
        paths: dict[str, dict[str, Any]] = {}
        for route in _ROUTES:
            for method in route[1]:
                paths.setdefault(route[0], {})[method.lower()] = {}
        body = {"swagger": "2.0", "info": {"title": "kmd (gridworks sandbox)", "version": "v1"}}
        return json_response({**body, "paths": paths})

    async def list_wallets(self, request: Request) -> Response:
        return json_response({"wallets": [_wallet_json(w) for w in self.store.list_wallets()]})

    async def create_wallet(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        driver = f.text("wallet_driver_name", DRIVER_NAME) or DRIVER_NAME
        if driver != DRIVER_NAME:
            raise ApiError(400, f"unknown wallet_driver_name {driver!r}: only sqlite exists")
        mdk = f.raw("master_derivation_key", (32,)) if f.given("master_derivation_key") else None
        name, password = f.text("wallet_name"), f.password
        # scrypt takes tens of milliseconds: keep it off the event loop
        wallet = await run_in_threadpool(self.store.create_wallet, name, password, mdk)
        return json_response({"wallet": _wallet_json(wallet)})

    async def init_handle(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        token = await run_in_threadpool(self.store.init_handle, f.text("wallet_id"), f.password)
        return json_response({"wallet_handle_token": token})

    async def release_handle(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        self.store.release_handle(f.handle)
        return json_response({})

    async def renew_handle(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        return self._handle_response(self.store.renew_handle(f.handle))

    async def wallet_info(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        return self._handle_response(self.store.handle_info(f.handle))

    @staticmethod
    def _handle_response(info: HandleInfo) -> Response:
        return json_response(
            {
                "wallet_handle": {
                    "expires_seconds": info.expires_seconds,
                    "wallet": _wallet_json(info.wallet),
                }
            }
        )

    async def rename_wallet(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        args = (f.text("wallet_id"), f.password, f.text("wallet_name"))
        wallet = await run_in_threadpool(self.store.rename_wallet, *args)
        return json_response({"wallet": _wallet_json(wallet)})

    async def export_master_key(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        mdk = self.store.export_master_key(f.handle, f.password)
        return json_response({"master_derivation_key": b64(mdk)})

    async def list_keys(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        return json_response({"addresses": self.store.list_keys(f.handle)})

    async def generate_key(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        return json_response({"address": self.store.generate_key(f.handle)})

    async def import_key(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle = f.handle
        private_key = f.raw("private_key", (32, 64))
        seed = private_key[:32]
        if len(private_key) == 64 and public_key_of(seed) != private_key[32:]:
            raise ApiError(400, "field private_key: public half does not match the seed")
        return json_response({"address": self.store.import_key(handle, seed)})

    async def export_key(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle, password = f.handle, f.password
        private_key = self.store.export_key(handle, password, f.address("address"))
        return json_response({"private_key": b64(private_key)})

    async def delete_key(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle, password = f.handle, f.password
        self.store.delete_key(handle, password, f.address("address"))
        return json_response({})

    async def sign_transaction(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle, password = f.handle, f.password
        txn = _decode_transaction(f.raw("transaction"))
        sender: bytes = txn["snd"]
        signer = f.optional_key("public_key") or sender
        sig = self.store.sign(handle, password, signer, _TX_PREFIX + canonical_msgpack(txn))
        signed: dict[str, Any] = {"sig": sig, "txn": txn}
        if signer != sender:
            signed["sgnr"] = signer
        return json_response({"signed_transaction": b64(canonical_msgpack(signed))})

    async def import_multisig(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle = f.handle
        version = _small_uint(f.body.get("multisig_version"), "multisig_version")
        threshold = _small_uint(f.body.get("threshold"), "threshold")
        pks = f.body.get("pks")
        if not isinstance(pks, list):
            raise ApiError(400, "field pks must be a list of base64 public keys")
        keys = [_b64_value(pk, f"pks[{i}]", (32,)) for i, pk in enumerate(pks)]
        address = self.store.import_multisig(handle, version, threshold, keys)
        return json_response({"address": address})

    async def list_multisig(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        return json_response({"addresses": self.store.list_multisig(f.handle)})

    async def export_multisig(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle = f.handle
        f.address("address")
        preimage = self.store.export_multisig(handle, f.text("address"))
        return json_response(
            {
                "multisig_version": preimage.version,
                "threshold": preimage.threshold,
                "pks": [b64(pk) for pk in preimage.public_keys],
            }
        )

    async def delete_multisig(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle, password = f.handle, f.password
        f.address("address")
        self.store.delete_multisig(handle, password, f.text("address"))
        return json_response({})

    async def sign_multisig(self, request: Request) -> Response:
        f = _Fields(await json_body(request))
        handle, password = f.handle, f.password
        txn = _decode_transaction(f.raw("transaction"))
        public_key = f.public_key("public_key")
        signer = f.optional_key("signer")
        authorizer = signer or txn["snd"]
        if _partial_given(f.body.get("partial_multisig")):
            preimage, sigs = _partial_multisig(f.body["partial_multisig"])
        else:
            preimage = self.store.export_multisig(handle, encode_address(authorizer))
            sigs = [None] * len(preimage.public_keys)
        address = multisig_address(preimage.version, preimage.threshold, preimage.public_keys)
        if address != encode_address(authorizer):
            raise ApiError(
                400,
                f"multisig address {address} does not match the transaction's "
                f"{'signer' if signer else 'sender'} {encode_address(authorizer)}",
            )
        if public_key not in preimage.public_keys:
            raise ApiError(400, "field public_key is not one of the multisig's public keys")
        sig = self.store.sign(handle, password, public_key, _TX_PREFIX + canonical_msgpack(txn))
        subsigs: list[dict[str, Any]] = []
        for pk, old in zip(preimage.public_keys, sigs, strict=True):
            subsig: dict[str, Any] = {"pk": pk}
            new = sig if pk == public_key else old
            if new is not None:
                subsig["s"] = new
            subsigs.append(subsig)
        msig = {"subsig": subsigs, "thr": preimage.threshold, "v": preimage.version}
        return json_response({"multisig": b64(canonical_msgpack(msig))})


_ROUTES: list[tuple[str, list[str], str]] = [
    ("/health", ["GET"], "health"),
    ("/versions", ["GET"], "versions"),
    ("/swagger.json", ["GET"], "swagger"),
    ("/v1/wallets", ["GET"], "list_wallets"),
    ("/v1/wallet", ["POST"], "create_wallet"),
    ("/v1/wallet/init", ["POST"], "init_handle"),
    ("/v1/wallet/release", ["POST"], "release_handle"),
    ("/v1/wallet/renew", ["POST"], "renew_handle"),
    ("/v1/wallet/info", ["POST"], "wallet_info"),
    ("/v1/wallet/rename", ["POST"], "rename_wallet"),
    ("/v1/master-key/export", ["POST"], "export_master_key"),
    ("/v1/key/list", ["POST"], "list_keys"),
    ("/v1/key/import", ["POST"], "import_key"),
    ("/v1/key/export", ["POST"], "export_key"),
    ("/v1/key", ["POST"], "generate_key"),
    ("/v1/key", ["DELETE"], "delete_key"),
    ("/v1/transaction/sign", ["POST"], "sign_transaction"),
    ("/v1/multisig/import", ["POST"], "import_multisig"),
    ("/v1/multisig/list", ["POST"], "list_multisig"),
    ("/v1/multisig/export", ["POST"], "export_multisig"),
    ("/v1/multisig/sign", ["POST"], "sign_multisig"),
    ("/v1/multisig", ["DELETE"], "delete_multisig"),
]


async def _kmd_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KmdError)
    return _error(exc.status, exc.message)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.message)


async def _encoding_error(request: Request, exc: Exception) -> Response:
    return _error(400, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _error(404, f"no such kmd endpoint: {request.method} {request.url.path}")
    if exc.status_code == 405:
        return _error(405, f"method {request.method} not allowed on {request.url.path}")
    return _error(exc.status_code, str(exc.detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"internal error: {type(exc).__name__}")


def create_kmd_app(store: WalletStore, token: str) -> ASGIApp:
    """kmd's API behind its token header; /health, /versions and /swagger.json stay open."""
    handlers = _KmdRoutes(store)
    routes = [
        Route(path, getattr(handlers, name), methods=methods) for path, methods, name in _ROUTES
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            KmdError: _kmd_error,
            ApiError: _api_error,
            EncodingError: _encoding_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    return with_cors(
        TokenGuard(
            app,
            header=KMD_TOKEN_HEADER,
            token=token,
            open_paths={"/health", "/versions", "/swagger.json"},
            error_body={"error": True, "message": f"missing or invalid {KMD_TOKEN_HEADER}"},
        )
    )
