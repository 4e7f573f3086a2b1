"""Serving ASGI apps with uvicorn: in the foreground (the CLI) or on a background thread (tests)."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.types import ASGIApp


@dataclass(frozen=True)
class Listener:
    app: ASGIApp
    host: str
    port: int


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Runs `main` on uvloop when it is installed (it is, with uvicorn[standard]), else asyncio."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ListenError(OSError):
    """A listener's address cannot be bound (a port in use, say), in one line."""

    def __str__(self) -> str:
        return str(self.args[0])


def _bind(config: uvicorn.Config) -> socket.socket:
    """Binds the listening socket up front: uvicorn itself would sys.exit() from a task."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((config.host, config.port))
    except OSError as exc:
        sock.close()
        in_use = exc.errno == errno.EADDRINUSE
        reason = "address already in use" if in_use else (exc.strerror or str(exc))
        raise ListenError(f"cannot listen on {config.host}:{config.port}: {reason}") from None
    return sock


def _server(listener: Listener) -> uvicorn.Server:
    config = uvicorn.Config(
        listener.app,
        host=listener.host,
        port=listener.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="httptools",
        loop="none",
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


class ServerGroup:
    """Several uvicorn servers on one event loop, started and stopped together."""

    def __init__(
        self,
        listeners: list[Listener],
        on_stop: Callable[[], None] | None = None,
        name: str = "sandbox",
    ) -> None:
        self.name = name
        """What the servers are (their thread is gridworks-<name>-http; errors name it)."""
        self.servers = [_server(listener) for listener in listeners]
        self.on_stop = on_stop  # called first on stop(): lets apps end long polls
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def serve(self, on_ready: object = None) -> None:
        self.loop = asyncio.get_running_loop()
        sockets: list[socket.socket] = []
        try:
            for server in self.servers:
                sockets.append(_bind(server.config))
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        # _serve skips uvicorn's own signal capture: the owner of the loop decides on shutdown.
        tasks = [
            asyncio.create_task(server._serve(sockets=[sock]))
            for server, sock in zip(self.servers, sockets, strict=True)
        ]
        while not all(server.started for server in self.servers):
            if any(task.done() for task in tasks):
                break
            await asyncio.sleep(0.005)
        if callable(on_ready) and all(server.started for server in self.servers):
            on_ready()
        await asyncio.gather(*tasks, return_exceptions=False)

    def stop(self) -> None:
        if self.on_stop is not None:
            self.on_stop()
        for server in self.servers:
            server.should_exit = True

    @property
    def started(self) -> bool:
        return all(server.started for server in self.servers)

    def start_in_thread(self, timeout: float = 10.0) -> None:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                run_loop(self.serve(on_ready=ready.set))
            except BaseException as exc:  # reported to the starting thread
                errors.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name=f"gridworks-{self.name}-http", daemon=True)
        self._thread.start()
        if not ready.wait(timeout) or errors or not self.started:
            self.stop()
            why = "; ".join(str(error) for error in errors) or f"not ready in {timeout:g} s"
            raise RuntimeError(f"{self.name} HTTP servers did not start: {why}")

    def join(self, timeout: float = 10.0) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout)
