"""The dashboard's HTTP app: the page, its files and the JSON endpoints; read-only, with JSON
errors for whatever it does not serve. Served as the run serves it (`start_dashboard`: uvicorn
on a background thread), asked over HTTP with httpx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from gridworks.sim.dashboard import assets
from gridworks.sim.dashboard.recorder import Recorder
from gridworks.sim.dashboard.server import start_dashboard
from tests.sim.test_dashboard_recorder import START, clear_slot, make_recorder

Client = httpx.Client


@contextmanager
def serve(recorder: Recorder) -> Iterator[Client]:
    dashboard = start_dashboard(recorder)
    try:
        with httpx.Client(base_url=dashboard.url) as client:
            yield client
    finally:
        dashboard.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    recorder = make_recorder()
    clear_slot(recorder, 0)
    clear_slot(recorder, 1, price=70.0)
    recorder.reported("h1", START, 12.5, 4.5)
    recorder.reported("h2", START, 3.0, 8.0)
    recorder.messages(5, 4, {"SCHEMA": 1})
    with serve(recorder) as served:
        yield served


def test_the_page_links_its_script_and_styles_and_they_are_served(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in ("static/vendor/uPlot.iife.min.js", "static/dashboard.js"):
        assert f'<script src="{name}"></script>' in page.text
    assert 'href="static/vendor/uPlot.min.css"' in page.text
    assert 'data-source="live"' in page.text and 'id="chart-price-load"' in page.text
    for name in assets.SERVED:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.text == assets.text(name)
    assert client.get("/static/dashboard.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/vendor/uPlot.iife.min.js").text.startswith(
        f"/*! https://github.com/leeoniya/uPlot (v{assets.UPLOT_VERSION}) */"
    )


def test_the_state_holds_the_slots_homes_messages_and_books(client: Client) -> None:
    response = client.get("/api/state")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    state = response.json()
    assert [s["price_usd_per_mwh"] for s in state["slots"]] == [50.0, 70.0]
    assert state["slots"][0]["load_kw"] == 12.5
    assert state["homes"] == [{"alias": "h1", "house": "kale"}, {"alias": "h2", "house": "holly"}]
    assert state["default_homes"] == ["h1", "h2"]
    assert state["books"] == [START, START + 3600]
    assert state["totals"] == {"sent": 5, "accepted": 4, "refused": {"SCHEMA": 1}}
    assert state["run"]["feeder_kw"] == 40.0


def test_a_home_and_a_book_by_slot_or_the_latest(client: Client) -> None:
    home = client.get("/api/homes/h1").json()
    assert (home["alias"], home["store_kwh_th"], home["power_kw"]) == ("h1", [12.5], [4.5])
    assert client.get(f"/api/books/{START}").json()["price_usd_per_mwh"] == 50.0
    latest = client.get("/api/books/latest").json()
    assert (latest["start_s"], latest["price_usd_per_mwh"]) == (START + 3600, 70.0)
    assert [b["award_kw"] for b in latest["bids"]] == [5.0, 8.0]


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/api/homes/h9", 404, "this run has no home 'h9'"),
        ("/api/homes/%3Cimg%20src%3Dx%3E", 404, "this run has no home '<img src=x>'"),
        ("/api/books/12", 404, "no book kept for slot 12"),
        ("/api/books/soon", 400, "a slot is its start in Unix seconds or 'latest', not 'soon'"),
        ("/api/books/1.5", 400, "not '1.5'"),
        ("/api/nothing", 404, "no such page: /api/nothing"),
        ("/static/../app.py", 404, "no such page"),
        ("/static/body.html", 404, "no such file: body.html"),
    ],
)
def test_wrong_requests_get_json_errors(client: Client, path: str, status: int, says: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status and says in body["error"]


def test_no_latest_book_before_the_first_clearing() -> None:
    with serve(make_recorder()) as client:
        response = client.get("/api/books/latest")
    assert response.status_code == 404
    assert response.json() == {"error": "no slot has cleared yet", "status": 404}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/api/state", "/api/homes/h1", "/api/books/latest"])
def test_it_is_read_only(client: Client, method: str, path: str) -> None:
    response = client.request(method, path, json={"price": 0})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json() == {
        "error": f"{method} is not allowed: the dashboard is read-only (GET)", "status": 405
    }  # fmt: skip
    assert client.get("/api/books/latest").json()["price_usd_per_mwh"] == 70.0


def test_the_run_stops_at_once_when_the_dashboard_port_is_taken(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    from click.testing import CliRunner

    from gridworks.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main,
            ["sim", "millinocket", "--homes", "1", "--days", "0.05", "--no-progress",
             "--out", str(tmp_path), "--dashboard-port", str(port)],
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert (
        f"dashboard did not start: cannot listen on 127.0.0.1:{port}: address already in use"
        in result.output
    )
    assert "chain:" not in result.output and not (tmp_path / "report.html").exists()


def test_without_the_dashboard_the_run_serves_nothing_and_the_report_still_has_its_charts(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from click.testing import CliRunner

    from gridworks.cli import main

    result = CliRunner().invoke(
        main,
        ["sim", "millinocket", "--homes", "1", "--days", "0.05", "--no-progress",
         "--no-adversaries", "--out", str(tmp_path), "--no-dashboard"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dashboard:" not in result.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="dashboard-data"' in page and '"phase":"done"' in page
    assert '"books":{"' in page  # the recorded run's book of its one slot
