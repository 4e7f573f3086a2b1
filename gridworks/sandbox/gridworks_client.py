"""A client for the sandbox's `/gridworks/v1/` REST API (snapshots, time, dumps), for a sandbox
in another process (`gridworks sandbox start`); in-process, EmbeddedSandbox has the same methods.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from .embedded import DEFAULT_TOKEN

DEFAULT_ALGOD_URL = "http://127.0.0.1:4001"


class GridworksApiError(Exception):
    """The sandbox refused a request; `message` is its own wording."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class GridworksClient:
    def __init__(
        self, algod_url: str = DEFAULT_ALGOD_URL, token: str = DEFAULT_TOKEN, timeout: float = 60
    ) -> None:
        self.base = algod_url.rstrip("/") + "/gridworks/v1"
        self.token = token
        self.timeout = timeout

    def snapshot(self) -> dict[str, Any]:
        """Takes a snapshot: {"id", "round", "created"}."""
        return self._json("POST", "/snapshots")

    def snapshots(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/snapshots")["snapshots"])

    def revert(self, snapshot_id: int | str) -> dict[str, Any]:
        """Back to the snapshot (kept); {"id", "round", "created", "dropped": [later ids]}."""
        return self._json("POST", f"/snapshots/{snapshot_id}/revert")

    def reset(self) -> dict[str, Any]:
        return self._json("POST", "/reset")

    def set_next_timestamp(self, timestamp: int) -> dict[str, Any]:
        return self._json("POST", "/blocks/timestamp", {"timestamp": timestamp})

    def advance(self, rounds: int) -> dict[str, Any]:
        """Adds `rounds` empty blocks: {"round": the last one}."""
        return self._json("POST", "/blocks/advance", {"rounds": rounds})

    def dump(self, path: Path) -> int:
        """Writes the sandbox's whole state to `path`; returns its size in bytes."""
        data = self._request("GET", "/dump")
        path.write_bytes(data)
        return len(data)

    def _json(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return json.loads(self._request(method, path, body))

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"X-Algo-API-Token": self.token, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                message = json.loads(raw)["message"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode(errors="replace") or exc.reason
            raise GridworksApiError(exc.code, str(message)) from None
