"""The dashboard's HTTP app (Starlette), read-only: GET only, JSON errors.

- `GET /`: the page; `GET /static/<name>`: its script and styles (`assets.SERVED` only);
- `GET /api/state`: the run, its slots, message rates and counts, the homes, the books kept;
- `GET /api/homes/<alias>`: one home's store energy and power, slot by slot;
- `GET /api/books/<slot start, Unix s>` or `/api/books/latest`: a cleared slot's book.

An unknown path or home, or a slot with no book, is 404; a slot that is not a whole number is
400; any method but GET (and HEAD) is 405; each with `{"error": ..., "status": ...}`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from gridworks.sim.dashboard import assets
from gridworks.sim.dashboard.page import live_page
from gridworks.sim.dashboard.recorder import Recorder

NO_STORE = {"Cache-Control": "no-store"}


def _json(document: str) -> Response:
    return Response(document, media_type="application/json", headers=NO_STORE)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error(405, f"{request.method} is not allowed: the dashboard is read-only (GET)",
                     {"Allow": "GET, HEAD"})  # fmt: skip
    if exc.status_code == 404:
        return error(404, f"no such page: {request.url.path}")
    return error(exc.status_code, str(exc.detail))


def dashboard_app(recorder: Recorder, title: str = "Millinocket simulation") -> Starlette:
    page = live_page(title)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers=NO_STORE)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets.SERVED:
            return error(404, f"no such file: {name}")
        return Response(assets.text(name), media_type=assets.content_type(name))

    async def state(request: Request) -> Response:
        return _json(recorder.state().model_dump_json())

    async def home(request: Request) -> Response:
        alias = request.path_params["alias"]
        try:
            return _json(recorder.home(alias).model_dump_json())
        except KeyError:
            return error(404, f"this run has no home {alias!r}")

    async def book(request: Request) -> Response:
        slot = request.path_params["slot"]
        start: int | None = None
        if slot != "latest":
            try:
                start = int(slot)
            except ValueError:
                return error(400, f"a slot is its start in Unix seconds or 'latest', not {slot!r}")
        try:
            return _json(recorder.book(start).model_dump_json())
        except KeyError:
            what = "no slot has cleared yet" if start is None else f"no book kept for slot {start}"
            return error(404, what)

    return Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/static/{name:path}", static, methods=["GET"]),
            Route("/api/state", state, methods=["GET"]),
            Route("/api/homes/{alias:path}", home, methods=["GET"]),  # an alias may hold "/"
            Route("/api/books/{slot}", book, methods=["GET"]),
        ],
        exception_handlers={HTTPException: _http_error},
    )
