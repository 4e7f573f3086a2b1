"""The local Algorand network: an embedded sandbox speaking algod's and kmd's REST APIs.

`connect()` is the one entry point: it returns algod and kmd clients and funded dev accounts,
for the embedded sandbox by default or for an external node when AlgoKit's env vars are set.
"""

from typing import TYPE_CHECKING, Any

from .embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig

if TYPE_CHECKING:
    from .network import DevAccount, Network, connect


def __getattr__(name: str) -> Any:
    # The client side (py-algorand-sdk) loads only when asked for: `sandbox start` needs none.
    if name in ("DevAccount", "Network", "connect"):
        from . import network

        return getattr(network, name)
    raise AttributeError(name)


__all__ = [
    "DEFAULT_TOKEN",
    "DevAccount",
    "EmbeddedSandbox",
    "Network",
    "SandboxConfig",
    "connect",
]
