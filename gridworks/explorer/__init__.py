"""The explorer: web pages of a chain and its GNodes, read through algod's and indexer's APIs.

`gridworks sandbox start` serves it at http://127.0.0.1:4001/explorer/ (the algod port); against
any other node, `create_explorer_app(ChainSources.connect(...))` serves the same pages. It only
reads through the public algod and indexer v2 APIs (the same calls any client makes), signs
nothing and holds no key. Pages are rendered on the server by Jinja2 with autoescaping, so a
note, asset name or alias holding markup is shown as text; a little script (static/live.js)
updates live regions by asking the server for more rendered rows.
"""

from .app import create_explorer_app
from .app_specs import load_app_spec
from .sources import ChainSources

__all__ = ["ChainSources", "create_explorer_app", "load_app_spec"]
