"""The explorer: web pages of a chain and its GNodes, read through algod's and indexer's APIs.

`gridworks sandbox start` serves it at http://127.0.0.1:4001/explorer/ (the algod port); against
any other node, `create_explorer_app(ChainSources.connect(...))` serves the same pages. It only
reads through the public algod and indexer v2 APIs (the same calls any client makes), signs
nothing and holds no key. Pages are rendered on the server by Jinja2 with autoescaping, so a
note, asset name or alias holding markup is shown as text; a little script (static/live.js)
updates live regions by asking the server for more rendered rows.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_explorer_app
    from .app_specs import load_app_spec
    from .sources import ChainSources

__all__ = ["ChainSources", "create_explorer_app", "load_app_spec"]

_WHERE = {"ChainSources": "sources", "create_explorer_app": "app", "load_app_spec": "app_specs"}


def __getattr__(name: str) -> Any:
    """The exports, imported when first asked for: `gridworks.explorer.mount` (which the sandbox
    imports at start) must not pull in Jinja2 and the pages."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
