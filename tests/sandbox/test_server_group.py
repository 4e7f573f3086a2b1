"""`ServerGroup`: its thread and its errors say which servers they are."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gridworks.sandbox.server import Listener, ServerGroup, free_port


def hello_app() -> Starlette:
    return Starlette(routes=[Route("/", lambda _request: PlainTextResponse("hello"))])


def test_its_thread_is_named_after_what_it_serves() -> None:
    port = free_port()
    group = ServerGroup([Listener(hello_app(), "127.0.0.1", port)], name="dashboard")
    group.start_in_thread()
    try:
        names = {thread.name for thread in threading.enumerate()}
        assert "gridworks-dashboard-http" in names
        assert httpx.get(f"http://127.0.0.1:{port}/").text == "hello"
    finally:
        group.join()
    assert "gridworks-dashboard-http" not in {t.name for t in threading.enumerate()}


def test_a_port_in_use_is_an_error_naming_the_servers() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        group = ServerGroup([Listener(hello_app(), "127.0.0.1", port)], name="explorer")
        with pytest.raises(RuntimeError) as info:
            group.start_in_thread()
    assert str(info.value) == (
        f"explorer HTTP servers did not start: cannot listen on 127.0.0.1:{port}: "
        "address already in use"
    )
