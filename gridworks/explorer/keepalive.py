"""algosdk's algod and indexer clients over kept-alive HTTP connections, one per thread.

algosdk opens a new connection for every call (urllib's urlopen). A page of the explorer makes
tens of calls (a block list reads 26 block headers, a GNode tree page up to 200 record boxes),
so it keeps one HTTP/1.1 connection per worker thread and node instead, which halves what each
call costs both sides (bench/explorer.py). The requests and errors are algosdk's own: same
paths, headers and token, `AlgodHTTPError` with the status code, `IndexerHTTPError` with the
indexer's message; so `ChainSources` still reads only the public APIs, as any client does.
A connection the server has closed (its keep-alive timeout) is reopened once, transparently.
"""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any
from urllib import parse

from algosdk import constants
from algosdk.error import AlgodHTTPError, AlgodResponseError, IndexerHTTPError
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

API_PREFIX = "/v2"
RETRIABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class _Connections(threading.local):
    """This thread's open connections, by (scheme, host, port)."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}


_connections = _Connections()


def _key(url: parse.SplitResult) -> tuple[str, str, int | None]:
    return url.scheme, url.hostname or "", url.port


def _connection(url: parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    conn = _connections.open.get(_key(url))
    if conn is None:
        cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = cls(url.hostname or "", url.port, timeout=timeout)
        _connections.open[_key(url)] = conn
    return conn


def _forget(url: parse.SplitResult, conn: http.client.HTTPConnection) -> None:
    """Close `conn` and open a new one next time."""
    conn.close()
    _connections.open.pop(_key(url), None)


def request(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str],
    data: bytes | None,
    timeout: float,
) -> tuple[int, bytes]:
    """(status, body) of one request on this thread's kept-alive connection to `base`."""
    url = parse.urlsplit(base)
    target = url.path.rstrip("/") + path
    for attempt in (1, 2):
        conn = _connection(url, timeout)
        try:
            conn.request(method, target, body=data, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except RETRIABLE:
            _forget(url, conn)
            if attempt == 2:
                raise
            continue
        except OSError:
            _forget(url, conn)
            raise
        if response.will_close:
            _forget(url, conn)
        return response.status, body
    raise AssertionError("unreachable")


def _target(requrl: str, params: Any) -> str:
    if requrl not in constants.unversioned_paths:
        requrl = API_PREFIX + requrl
    if params:
        requrl += "?" + parse.urlencode(params)
    return requrl


def _message(body: bytes) -> tuple[str, Any]:
    try:
        parsed = json.loads(body)
        return str(parsed["message"]), parsed.get("data")
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", "replace"), None


def _send(
    base: str,
    auth: tuple[str, str],
    client_headers: dict[str, str] | None,
    method: str,
    requrl: str,
    params: Any,
    data: bytes | None,
    call_headers: dict[str, str] | None,
    timeout: int | None,
) -> tuple[int, bytes]:
    """One call as algosdk makes it: its path and query, headers (the client's, the call's,
    then `auth`, a header name and token, unless the path needs none), on the kept-alive
    connection."""
    header = {"User-Agent": "gridworks-explorer", "Connection": "keep-alive"}
    header.update(client_headers or {})
    header.update(call_headers or {})
    auth_header, token = auth
    if token and requrl not in constants.no_auth:
        header[auth_header] = token
    return request(base, method, _target(requrl, params), header, data, timeout or 30)


class KeepAliveAlgodClient(AlgodClient):
    def algod_request(  # type: ignore[override]
        self,
        method: str,
        requrl: str,
        params: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        response_format: str | None = "json",
        timeout: int | None = 30,
    ) -> Any:
        status, body = _send(
            self.algod_address,
            (constants.algod_auth_header, self.algod_token),
            self.headers,
            method,
            requrl,
            params,
            data,
            headers,
            timeout,
        )
        if status >= 400:
            message, extra = _message(body)
            raise AlgodHTTPError(message, status, extra)
        if response_format != "json":
            return body
        if not body:
            return {}
        try:
            return json.loads(body)
        except ValueError as error:
            raise AlgodResponseError("Failed to parse JSON response from algod") from error


class KeepAliveIndexerClient(IndexerClient):
    def indexer_request(  # type: ignore[override]
        self,
        method: str,
        requrl: str,
        params: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: int | None = 30,
    ) -> Any:
        status, body = _send(
            self.indexer_address,
            (constants.indexer_auth_header, self.indexer_token),
            self.headers,
            method,
            requrl,
            params,
            data,
            headers,
            timeout,
        )
        if status >= 400:
            raise IndexerHTTPError(_message(body)[0])
        return json.loads(body)
