"""The sandbox's own REST API, `/gridworks/v1/`, served on algod's port with algod's token:
snapshots, revert, reset, the next block's timestamp, empty rounds and a dump of the state.

Refusals are algod-shaped (`{"message": ...}`, 400 or 404) and change nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..dump import dump_bytes
from ..snapshots import SnapshotError, TimeMachine
from .http import ApiError, json_body, json_response

PREFIX = "/gridworks/v1"
M = TypeVar("M", bound=BaseModel)


class TimestampBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    timestamp: int  # Unix seconds: the next block's, exactly


class AdvanceBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    rounds: int  # how many empty blocks to add


def _parse(model: type[M], body: dict[str, Any]) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ApiError(400, f"invalid request body: {problems}") from None


def gridworks_routes(machine: TimeMachine) -> list[BaseRoute]:
    """The routes, to serve beside algod's (`create_algod_app(..., extra_routes=...)`)."""

    def refused(exc: SnapshotError) -> ApiError:
        return ApiError(exc.status, exc.message)

    async def take_snapshot(request: Request) -> Response:
        return json_response(machine.snapshot().to_json())

    async def list_snapshots(request: Request) -> Response:
        return json_response({"snapshots": [s.to_json() for s in machine.snapshots()]})

    async def revert(request: Request) -> Response:
        text = request.path_params["id"]
        if not text.isdigit():
            raise ApiError(404, f"snapshot {text!r} does not exist")
        try:
            snapshot, dropped = await run_in_threadpool(machine.revert, int(text))
        except SnapshotError as exc:
            raise refused(exc) from None
        return json_response({**snapshot.to_json(), "dropped": dropped})

    async def reset(request: Request) -> Response:
        try:
            round_ = await run_in_threadpool(machine.reset)
        except SnapshotError as exc:
            raise refused(exc) from None
        return json_response({"round": round_})

    async def set_timestamp(request: Request) -> Response:
        body = _parse(TimestampBody, await json_body(request))
        try:
            timestamp = machine.set_next_timestamp(body.timestamp)
        except SnapshotError as exc:
            raise refused(exc) from None
        return json_response({"next-timestamp": timestamp})

    async def advance(request: Request) -> Response:
        body = _parse(AdvanceBody, await json_body(request))
        try:
            round_ = await run_in_threadpool(machine.advance, body.rounds)
        except SnapshotError as exc:
            raise refused(exc) from None
        return json_response({"round": round_})

    async def dump(request: Request) -> Response:
        data = await run_in_threadpool(dump_bytes, machine.ledger, machine.wallets)
        name = f"{machine.ledger.genesis_id}-round-{machine.ledger.round}.gwdump"
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return [
        Route(f"{PREFIX}/snapshots", take_snapshot, methods=["POST"]),
        Route(f"{PREFIX}/snapshots", list_snapshots, methods=["GET"]),
        Route(f"{PREFIX}/snapshots/{{id}}/revert", revert, methods=["POST"]),
        Route(f"{PREFIX}/reset", reset, methods=["POST"]),
        Route(f"{PREFIX}/blocks/timestamp", set_timestamp, methods=["POST"]),
        Route(f"{PREFIX}/blocks/advance", advance, methods=["POST"]),
        Route(f"{PREFIX}/dump", dump, methods=["GET"]),
    ]
