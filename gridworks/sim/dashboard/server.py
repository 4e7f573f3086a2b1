"""Serving the dashboard on a background thread while the run goes on in the foreground."""

from __future__ import annotations

from dataclasses import dataclass

from gridworks.sandbox.server import Listener, ServerGroup, free_port
from gridworks.sim.dashboard.app import dashboard_app
from gridworks.sim.dashboard.recorder import Recorder

HOST = "127.0.0.1"


class DashboardError(RuntimeError):
    """The dashboard could not listen (its port taken, say)."""


@dataclass
class Dashboard:
    group: ServerGroup
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def stop(self) -> None:
        self.group.join()


def start_dashboard(recorder: Recorder, port: int = 0) -> Dashboard:
    """Serves `recorder` on 127.0.0.1:`port` (0: a free port the system picks)."""
    app = dashboard_app(recorder)
    if port == 0:
        port = free_port(HOST)  # the system's pick, known before uvicorn starts
    group = ServerGroup([Listener(app, HOST, port)], name="dashboard")
    try:
        group.start_in_thread()
    except RuntimeError as exc:  # "... did not start: cannot listen on HOST:PORT: why"
        raise DashboardError(str(exc).replace(" HTTP servers", "", 1)) from None
    return Dashboard(group, port)
