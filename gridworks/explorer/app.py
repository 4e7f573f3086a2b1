"""The explorer's ASGI app: its pages, its static files, and its error pages."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from . import accounts, applications, assets, blocks, search, transactions
from .app_specs import AppSpec, AppSpecs, AppSpecSource
from .errors import ExplorerError
from .gnodes import routes as gnode_routes
from .render import render
from .sources import ChainSources

PREFIX = "/explorer"
"""Where the sandbox serves the explorer, on the algod port."""


def create_explorer_app(
    sources: ChainSources, app_specs: Iterable[AppSpecSource | AppSpec] = ()
) -> Starlette:
    """The explorer's pages at "/", reading only through `sources`' algod and indexer; app
    calls are decoded with `app_specs` (ARC-32/ARC-56 JSON dicts or paths) and the package's."""
    specs = AppSpecs.with_package_specs(app_specs)
    routes: list[BaseRoute] = [
        *blocks.routes(sources),
        *transactions.routes(sources, specs),
        *accounts.routes(sources),
        *assets.routes(sources),
        *applications.routes(sources, specs),
        *search.routes(sources),
        *gnode_routes(sources),  # /gnodes, /factory, /gnode, /cert
        Mount("/static", StaticFiles(packages=[("gridworks.explorer", "static")]), name="static"),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={ExplorerError: _explorer_error, HTTPException: _http_error},
    )


async def _explorer_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ExplorerError)
    return render(
        request, "error.html", status=exc.status, status_code=exc.status, message=exc.message
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "no such page", 405: "the explorer is read-only: only GET is served"}.get(
        exc.status_code, str(exc.detail)
    )
    return render(
        request, "error.html", status=exc.status_code, status_code=exc.status_code, message=message
    )


def with_explorer(app: ASGIApp, explorer: ASGIApp, prefix: str = PREFIX) -> ASGIApp:
    """`app`, with requests under `prefix` going to `explorer` instead (ahead of `app`'s token
    check: a browser sends no API token; the explorer reads with its own)."""
    mounted = Starlette(routes=[Mount(prefix, app=explorer)])

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == prefix:
            await RedirectResponse(prefix + "/")(scope, receive, send)
        elif path.startswith(prefix + "/"):
            await mounted(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch
