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
    reads_at_once: int = 1
    """How many reads of one page may be in flight together (the GNode tree's record reads).
    Over a network, overlapping round trips saves most of a page's time; a node served by the
    explorer's own process gains nothing from it (one process answers both sides)."""

    @classmethod
    def connect(
        cls,
        algod_url: str,
        indexer_url: str,
        algod_token: str,
        indexer_token: str | None = None,
        reads_at_once: int = 1,
    ) -> ChainSources:
        """Clients that keep their HTTP connections alive (`keepalive`, one a thread): a page
        makes tens of calls."""
        from .keepalive import KeepAliveAlgodClient, KeepAliveIndexerClient

        return cls(
            KeepAliveAlgodClient(algod_token, algod_url),
            KeepAliveIndexerClient(
                algod_token if indexer_token is None else indexer_token, indexer_url
            ),
            reads_at_once,
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
