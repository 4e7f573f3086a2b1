"""Where the explorer reads from: an algod and an indexer, through their public v2 APIs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from algosdk.error import AlgodHTTPError, IndexerHTTPError
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from .errors import ExplorerError, not_found

T = TypeVar("T")


@dataclass(frozen=True)
class ChainSources:
    """The clients every page reads through; nothing here can sign or send."""

    algod: AlgodClient
    indexer: IndexerClient

    @classmethod
    def connect(
        cls, algod_url: str, indexer_url: str, algod_token: str, indexer_token: str | None = None
    ) -> ChainSources:
        """Clients that keep their HTTP connections alive (`keepalive`): a page makes tens of
        calls."""
        from .keepalive import KeepAliveAlgodClient, KeepAliveIndexerClient

        return cls(
            KeepAliveAlgodClient(algod_token, algod_url),
            KeepAliveIndexerClient(
                algod_token if indexer_token is None else indexer_token, indexer_url
            ),
        )


def read(call: Callable[[], T], missing: str) -> T:
    """`call()`, with a 404 from the node turned into the explorer's "`missing`" page, and any
    other failure of the node into a 502 naming it."""
    try:
        return call()
    except AlgodHTTPError as exc:
        if exc.code == 404:
            raise not_found(missing) from None
        if exc.code == 400:
            raise ExplorerError(400, f"{missing}: {exc}") from None
        raise ExplorerError(502, f"the node did not answer: {exc}") from None
    except IndexerHTTPError as exc:  # algosdk keeps the indexer's message, not its status
        if "invalid" in str(exc).lower():
            raise ExplorerError(400, f"{missing}: {exc}") from None
        raise not_found(missing) from None
    except OSError as exc:
        raise ExplorerError(502, f"the node did not answer: {exc}") from None


def as_dict(value: Any) -> dict[str, Any]:
    """algosdk's JSON answers are dicts; this says so to the type checker."""
    assert isinstance(value, dict), value
    return value
