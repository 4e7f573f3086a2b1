"""The explorer's ASGI app: its pages, its static files, and its error pages."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from . import accounts, applications, assets, blocks, search, transactions
from .app_specs import AppSpec, AppSpecs, AppSpecSource
from .errors import ExplorerError
from .gnodes import routes as gnode_routes
from .render import render
from .sources import ChainSources


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
