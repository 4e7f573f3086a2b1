"""The dashboard's static files: the page's markup, script and style, and vendored uPlot."""

from __future__ import annotations

from functools import cache
from importlib import resources

UPLOT_VERSION = "1.6.32"

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}

SERVED = (
    "dashboard.js",
    "dashboard.css",
    "vendor/uPlot.iife.min.js",
    "vendor/uPlot.min.css",
    "vendor/LICENSE",
)
"""The files `GET /static/<name>` serves (nothing else under static/ is reachable)."""


@cache
def text(name: str) -> str:
    """A file under static/ (e.g. "vendor/uPlot.min.css")."""
    folder = resources.files("gridworks.sim.dashboard") / "static"
    for part in name.split("/"):
        folder = folder / part
    return folder.read_text(encoding="utf-8")


def content_type(name: str) -> str:
    for suffix, kind in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "text/plain; charset=utf-8"
