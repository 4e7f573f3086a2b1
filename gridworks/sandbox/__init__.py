"""The local Algorand network: an embedded sandbox speaking algod's and kmd's REST APIs.

`connect()` is the one entry point: it returns algod and kmd clients and funded dev accounts,
for the embedded sandbox by default or for an external node when AlgoKit's env vars are set.
"""

from .embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig
from .network import DevAccount, Network, connect

__all__ = [
    "DEFAULT_TOKEN",
    "DevAccount",
    "EmbeddedSandbox",
    "Network",
    "SandboxConfig",
    "connect",
]
