"""Serving the explorer beside another app (the sandbox's algod), built on its first request.

Importing the explorer (Jinja2, its templates, the identity layer for the GNode pages) costs
about a quarter of a second, which `gridworks sandbox start` would otherwise pay at every start
whether or not anyone opens a page. This module imports none of it.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/explorer"
"""Where the sandbox serves the explorer, on the algod port."""


def with_explorer(app: ASGIApp, build: Callable[[], ASGIApp], prefix: str = PREFIX) -> ASGIApp:
    """`app`, with requests under `prefix` going to the explorer `build()` makes (on the first
    such request) instead; ahead of `app`'s token check: a browser sends no API token, and the
    explorer reads with its own."""
    mounted: list[ASGIApp] = []

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == prefix:
            await RedirectResponse(prefix + "/")(scope, receive, send)
        elif path.startswith(prefix + "/"):
            if not mounted:
                mounted.append(Starlette(routes=[Mount(prefix, app=build())]))
            await mounted[0](scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch
