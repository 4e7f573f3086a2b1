"""algod's v2 REST API over the embedded ledger. Translation only: the ledger decides."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from ... import __version__
from ..encoding import (
    EncodingError,
    b64,
    b64decode,
    decode_address,
    decode_txid,
    encode_address,
)
from ..ledger.errors import DecodeError, LedgerError, NotFound, TransactionRejected
from ..ledger.ledger import Ledger
from . import algod_blocks
from .algod_account_lists import routes as account_list_routes
from .algod_shapes import (
    account_json,
    app_json,
    asset_params_json,
    block_json,
    block_wire,
    holding_json,
    local_state_json,
    pending_json,
)
from .http import (
    ApiError,
    TokenGuard,
    int_param,
    json_response,
    msgpack_response,
    wants_msgpack,
    with_cors,
)

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_TEAL_BYTES = 200_000  # algod's MaxTealSourceBytes, for /v2/teal/compile and disassemble
WAIT_FOR_BLOCK_TIMEOUT = 60.0
STOPPING_POLL_SECONDS = 0.2  # how soon a pending wait notices the server stopping
OPEN_PATHS = {"/health", "/ready", "/versions", "/genesis", "/swagger.json"}


class BlockWaiter:
    """Wakes `wait-for-block-after` requests when the ledger adds a block, or the server stops
    (else a pending long poll holds up shutdown for up to a minute).

    It listens to the ledger from the first wait until `stop()`, which the server calls as it
    stops: a stopped server leaves no listener on a ledger that lives on."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.stopping = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None
        self._lock = threading.Lock()  # orders subscribing (loop thread) and stop (any thread)

    def stop(self) -> None:
        """Releases pending waits at once and stops listening to the ledger."""
        with self._lock:
            self.stopping.set()
            self.ledger.unsubscribe(self._on_block)

    def _bind(self) -> asyncio.Event:
        with self._lock:
            if self.loop is None:
                self.loop = asyncio.get_running_loop()
                self.event = asyncio.Event()
                if not self.stopping.is_set():
                    self.ledger.subscribe(self._on_block)
        assert self.event is not None
        return self.event

    def _on_block(self, _round: int) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        if self.event is not None:
            self.event.set()
        self.event = asyncio.Event()

    async def wait_after(self, round_: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.ledger.round <= round_ and not self.stopping.is_set():
            event = self._bind()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(event.wait(), min(remaining, STOPPING_POLL_SECONDS))
            except TimeoutError:
                continue


def box_name_param(text: str | None) -> bytes:
    """algod's box name query: `str:`, `int:` (8 bytes big-endian), `b64:` or `addr:`."""
    if not text:
        raise ApiError(400, "box name is required: name=<encoding>:<value>")
    encoding, sep, value = text.partition(":")
    if not sep:
        raise ApiError(400, f"invalid box name {text!r}: expected <encoding>:<value>")
    try:
        if encoding == "str":
            return value.encode()
        if encoding == "int":
            return int_param(value, "box name").to_bytes(8, "big")
        if encoding == "b64":
            return b64decode(value, "box name")
        if encoding == "addr":
            return decode_address(value)
    except EncodingError as exc:
        raise ApiError(400, f"invalid box name: {exc}") from None
    raise ApiError(400, f"invalid box name encoding {encoding!r}: use str, int, b64 or addr")


def _address(text: str) -> bytes:
    try:
        key = decode_address(text)
    except EncodingError as exc:
        raise ApiError(400, f"failed to parse the address: {exc}") from None
    if encode_address(key) != text:  # base32 padding bits set: algod refuses these too
        raise ApiError(400, f"failed to parse the address: address {text} is non-canonical")
    return key


async def _teal_body(request: Request) -> bytes:
    """The raw body of a /v2/teal request, limited in size as algod limits it."""
    body = await request.body()
    if len(body) > MAX_TEAL_BYTES:
        raise ApiError(400, "http: request body too large")
    return body


def create_algod_app(
    ledger: Ledger,
    token: str,
    wait_timeout: float = WAIT_FOR_BLOCK_TIMEOUT,
    waiter: BlockWaiter | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> ASGIApp:
    """`extra_routes`: served beside algod's with its token (the sandbox's /gridworks/v1).

    `waiter`: the server's, to `stop()` as it stops (pending `wait-for-block-after`
    requests return at once and the ledger is left without its listener)."""
    waiter = waiter or BlockWaiter(ledger)

    def status() -> dict[str, Any]:
        return {
            "catchup-time": 0,
            "last-round": ledger.round,
            "last-version": ledger.params.name,
            "next-version": ledger.params.name,
            "next-version-round": ledger.round + 1,
            "next-version-supported": True,
            "stopped-at-unsupported-round": False,
            "time-since-last-round": int(ledger.seconds_since_last_block() * 1e9),
        }

    async def health(request: Request) -> Response:
        return json_response(None)  # algod answers JSON null

    async def versions(request: Request) -> Response:
        return json_response(
            {
                "build": {
                    "branch": "gridworks-sandbox",
                    "build_number": 0,
                    "channel": "dev",
                    "commit_hash": "",
                    "major": int(__version__.split(".")[0]),
                    "minor": int(__version__.split(".")[1]),
                    "build_number_str": __version__,
                    "patch": 0,
                },
                "genesis_hash_b64": b64(ledger.genesis_hash),
                "genesis_id": ledger.genesis_id,
                "versions": ["v2"],
            }
        )

    async def genesis(request: Request) -> Response:
        return json_response(ledger.genesis)

    async def get_status(request: Request) -> Response:
        return json_response(status())

    async def wait_for_block(request: Request) -> Response:
        round_ = int_param(request.path_params["round"], "round")
        await waiter.wait_after(round_, wait_timeout)
        return json_response(status())

    async def params(request: Request) -> Response:
        return json_response(
            {
                "consensus-version": ledger.params.name,
                "fee": 0,
                "genesis-hash": b64(ledger.genesis_hash),
                "genesis-id": ledger.genesis_id,
                "last-round": ledger.round,
                "min-fee": ledger.params.min_fee,
            }
        )

    async def send(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise ApiError(413, f"request body too large: {len(body)} > {MAX_BODY_BYTES} bytes")
        try:
            txids = ledger.submit(body)
        except TransactionRejected as exc:
            raise ApiError(400, f"TransactionPool.Remember: {exc.message}") from None
        except LedgerError as exc:
            raise ApiError(400, exc.message) from None
        return json_response({"txId": txids[0]})

    # The assembler, disassembler and simulator load on first use: `sandbox start` stays fast.
    async def simulate(request: Request) -> Response:
        from ..ledger.simulate import SimulateRequestError
        from ..ledger.simulate import simulate as simulate_groups
        from .simulate_models import SimulateBodyError, parse_simulate_body
        from .simulate_shapes import simulation_body

        as_msgpack = wants_msgpack(request)
        try:
            groups, options = parse_simulate_body(await request.body(), as_msgpack)
            result = simulate_groups(ledger, groups, options)
        except SimulateBodyError as exc:
            raise ApiError(400, str(exc)) from None
        except SimulateRequestError as exc:
            raise ApiError(400, exc.message) from None
        body = simulation_body(result, as_msgpack)
        return msgpack_response(body) if as_msgpack else json_response(body)

    async def pending_list(request: Request) -> Response:
        int_param(request.query_params.get("max", "0"), "max")  # (the pool is always empty)
        body = {"top-transactions": [], "total-transactions": 0}
        return msgpack_response(body) if wants_msgpack(request) else json_response(body)

    async def pending(request: Request) -> Response:
        as_msgpack = wants_msgpack(request)
        try:
            digest = decode_txid(request.path_params["txid"])
        except EncodingError as exc:
            raise ApiError(400, str(exc)) from None
        confirmed = ledger.confirmed(digest)
        if confirmed is None:
            raise ApiError(404, "txn does not exist")
        body = pending_json(confirmed, as_msgpack)
        return msgpack_response(body) if as_msgpack else json_response(body)

    async def account(request: Request) -> Response:
        as_msgpack = wants_msgpack(request)
        exclude = request.query_params.get("exclude", "none")
        if exclude not in ("all", "none"):
            raise ApiError(400, f"invalid exclude {exclude!r}: expected all or none")
        body = account_json(ledger, _address(request.path_params["address"]), exclude == "all")
        return msgpack_response(body) if as_msgpack else json_response(body)

    async def account_asset(request: Request) -> Response:
        as_msgpack = wants_msgpack(request)
        addr = _address(request.path_params["address"])
        asset_id = int_param(request.path_params["asset_id"], "asset-id")
        holding = ledger.holding(addr, asset_id)
        if holding is None:
            raise ApiError(404, "account asset info not found")
        body: dict[str, Any] = {
            "round": ledger.round,
            "asset-holding": holding_json(asset_id, holding),
        }
        params = ledger.asset(asset_id)
        if params is not None and params.creator == addr:
            body["created-asset"] = asset_params_json(params)
        return msgpack_response(body) if as_msgpack else json_response(body)

    async def asset(request: Request) -> Response:
        asset_id = int_param(request.path_params["asset_id"], "asset-id")
        params = ledger.asset(asset_id)
        if params is None:
            raise ApiError(404, "asset does not exist")
        return json_response({"index": asset_id, "params": asset_params_json(params)})

    async def application(request: Request) -> Response:
        app_id = int_param(request.path_params["app_id"], "application-id")
        params = ledger.app(app_id)
        if params is None:
            raise ApiError(404, "application does not exist")
        return json_response(app_json(app_id, params))

    async def application_boxes(request: Request) -> Response:
        app_id = int_param(request.path_params["app_id"], "application-id")
        if ledger.app(app_id) is None:
            raise ApiError(404, "application does not exist")
        names = ledger.box_names(app_id)
        limit = int_param(request.query_params.get("max", "0"), "max")
        if limit:  # algod: 0 means no limit
            names = names[:limit]
        return json_response({"boxes": [{"name": b64(name)} for name in names]})

    async def application_box(request: Request) -> Response:
        app_id = int_param(request.path_params["app_id"], "application-id")
        name = box_name_param(request.query_params.get("name"))
        value = ledger.box(app_id, name)
        if value is None:
            raise ApiError(404, "box not found")
        return json_response({"name": b64(name), "round": ledger.round, "value": b64(value)})

    async def account_application(request: Request) -> Response:
        as_msgpack = wants_msgpack(request)
        addr = _address(request.path_params["address"])
        app_id = int_param(request.path_params["app_id"], "application-id")
        body: dict[str, Any] = {"round": ledger.round}
        local = ledger.local_state(addr, app_id)
        if local is not None:
            body["app-local-state"] = local_state_json(app_id, local)
        params = ledger.app(app_id)
        if params is not None and params.creator == addr:
            body["created-app"] = app_json(app_id, params)["params"]
        if len(body) == 1:
            raise ApiError(404, "account application info not found")
        return msgpack_response(body) if as_msgpack else json_response(body)

    async def block(request: Request) -> Response:
        as_msgpack = wants_msgpack(request)
        round_ = int_param(request.path_params["round"], "round")
        try:
            stored = ledger.block(round_)
        except NotFound as exc:
            raise ApiError(404, exc.message) from None
        if as_msgpack:
            return msgpack_response({"block": block_wire(stored)})
        return json_response({"block": block_json(stored)})

    async def supply(request: Request) -> Response:
        total, online = ledger.supply()
        return json_response(
            {"current_round": ledger.round, "online-money": online, "total-money": total}
        )

    async def set_offset(request: Request) -> Response:
        offset = int_param(request.path_params["offset"], "offset")
        ledger.set_timestamp_offset(offset)
        return Response(b"", status_code=200)

    async def get_offset(request: Request) -> Response:
        return json_response({"offset": ledger.timestamp_offset})

    async def teal_compile(request: Request) -> Response:
        from ..avm.assembler import AssemblyError, assemble, logic_sig_address
        from ..avm.assembler.go_text import parse_bool

        flag = request.query_params.get("sourcemap", "false")
        try:
            with_map = parse_bool(flag)
        except ValueError as exc:
            raise ApiError(400, f"Invalid format for parameter sourcemap: {exc}") from None
        source = await _teal_body(request)
        try:
            assembled = assemble(source)
        except AssemblyError as exc:
            raise ApiError(400, exc.report) from None
        body: dict[str, Any] = {
            "hash": logic_sig_address(assembled.bytecode),
            "result": b64(assembled.bytecode),
        }
        if with_map:
            body["sourcemap"] = assembled.sourcemap
        return json_response(body)

    async def teal_disassemble(request: Request) -> Response:
        from ..avm.disassembler import DisassemblyError, disassemble

        try:
            text = disassemble(await _teal_body(request))
        except DisassemblyError as exc:
            raise ApiError(400, str(exc)) from None
        return json_response({"result": text})

    routes: list[BaseRoute] = [
        Route("/health", health),
        Route("/ready", health),
        Route("/versions", versions),
        Route("/genesis", genesis),
        Route("/v2/status", get_status),
        Route("/v2/status/wait-for-block-after/{round}", wait_for_block),
        Route("/v2/transactions/params", params),
        Route("/v2/transactions", send, methods=["POST"]),
        Route("/v2/transactions/simulate", simulate, methods=["POST"]),
        Route("/v2/transactions/pending", pending_list),
        Route("/v2/transactions/pending/{txid}", pending),
        Route("/v2/accounts/{address}", account),
        *account_list_routes(ledger, pending_list, _address),
        Route("/v2/accounts/{address}/assets/{asset_id}", account_asset),
        Route("/v2/assets/{asset_id}", asset),
        Route("/v2/applications/{app_id}", application),
        Route("/v2/applications/{app_id}/boxes", application_boxes),
        Route("/v2/applications/{app_id}/box", application_box),
        Route("/v2/accounts/{address}/applications/{app_id}", account_application),
        Route("/v2/blocks/{round}", block),
        *algod_blocks.routes(ledger),
        Route("/v2/ledger/supply", supply),
        Route("/v2/devmode/blocks/offset/{offset}", set_offset, methods=["POST"]),
        Route("/v2/devmode/blocks/offset", get_offset),
        Route("/v2/teal/compile", teal_compile, methods=["POST"]),
        Route("/v2/teal/disassemble", teal_disassemble, methods=["POST"]),
    ]
    routes.extend(extra_routes)
    app = Starlette(routes=routes, exception_handlers=_EXCEPTION_HANDLERS)
    return with_cors(
        TokenGuard(
            app,
            header="X-Algo-API-Token",
            token=token,
            open_paths=OPEN_PATHS,
            error_body={"message": "Invalid API Token"},
        )
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_response({"message": exc.message}, status=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return json_response({"message": exc.detail}, status=exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DecodeError):
        return json_response({"message": exc.message}, status=400)
    return json_response({"message": f"internal error: {type(exc).__name__}: {exc}"}, status=500)


_EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
