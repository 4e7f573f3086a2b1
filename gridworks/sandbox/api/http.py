"""What the algod and kmd routes share: token checks, JSON/msgpack bodies, error shapes.

Routes translate between HTTP and the sandbox's Python API; they hold no ledger logic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import msgpack
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


class ApiError(Exception):
    """An HTTP error with a message in the server's own wording."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")).encode(),
        status_code=status,
        media_type="application/json",
    )


def msgpack_response(body: Any, status: int = 200) -> Response:
    return Response(
        msgpack.packb(body, use_bin_type=True),
        status_code=status,
        media_type="application/msgpack",
    )


def wants_msgpack(request: Request) -> bool:
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "msgpack"):
        raise ApiError(400, f"invalid format {fmt!r}: expected json or msgpack")
    return fmt == "msgpack"


def int_param(value: str, name: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"invalid {name} {value!r}: expected an unsigned integer") from None
    if number < minimum or number >= 2**64:
        raise ApiError(400, f"invalid {name} {value!r}: out of range")
    return number


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    return body


def with_cors(app: ASGIApp) -> ASGIApp:
    """Any origin may call, as with algod and kmd, so browser-based tools reach the sandbox.

    Preflight requests are answered before the token check (browsers send them without one).
    """
    return CORSMiddleware(app, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])


class TokenGuard:
    """Pure ASGI middleware: rejects requests without the API token, except on open paths."""

    def __init__(
        self,
        app: ASGIApp,
        header: str | Iterable[str],
        token: str,
        open_paths: Iterable[str],
        error_body: Any,
    ) -> None:
        """`header`: the token's header name, or several names any one of which may carry it."""
        self.app = app
        names = [header] if isinstance(header, str) else list(header)
        self.headers = frozenset(name.lower().encode() for name in names)
        self.token = token.encode()
        self.open_paths = frozenset(open_paths)
        self.error_body = json.dumps(error_body).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths or not self.token:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name in self.headers and value == self.token:
                await self.app(scope, receive, send)
                return
            if name == b"authorization" and value == b"Bearer " + self.token:
                await self.app(scope, receive, send)
                return
        response = Response(self.error_body, status_code=401, media_type="application/json")
        await response(scope, receive, send)
