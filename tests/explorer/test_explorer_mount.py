"""The explorer as the sandbox serves it: at /explorer/ on the algod port, beside algod's API.

The explorer's pages need no API token (a browser sends none; the explorer reads with its own),
while algod's routes keep theirs; `--no-explorer` leaves only algod's API on the port.
"""

from __future__ import annotations

import re

import httpx
import pytest

from gridworks.sandbox import EmbeddedSandbox, SandboxConfig
from gridworks.sandbox.network import Network
from gridworks.sandbox.server import free_port
from tests.sandbox_process import Start, needs_gridworks_script, start  # noqa: F401

pytestmark = pytest.mark.embedded_only


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    with httpx.Client(timeout=10) as http:
        yield http


def test_the_explorer_needs_no_token_and_algod_still_does(
    explorer: str, network: Network, client: httpx.Client
) -> None:
    page = client.get(explorer)
    assert page.status_code == 200
    assert "Latest blocks" in page.text
    root = explorer.removesuffix("/explorer/")
    assert client.get(f"{root}/v2/status").status_code == 401
    status = client.get(f"{root}/v2/status", headers={"X-Algo-API-Token": "a" * 64})
    assert status.status_code == 200
    assert f">{status.json()['last-round']}</a>" in page.text  # the newest block heads the list


def test_the_prefix_without_its_slash_is_redirected(explorer: str, client: httpx.Client) -> None:
    answer = client.get(explorer.rstrip("/"))
    assert answer.status_code == 307
    assert answer.headers["location"] == "/explorer/"


def test_the_explorer_is_read_only(explorer: str, client: httpx.Client) -> None:
    for method in ("POST", "PUT", "DELETE"):
        answer = client.request(method, explorer)
        assert answer.status_code == 405, method
        assert "read-only" in answer.text


def test_unknown_pages_and_bad_parameters_get_error_pages(
    explorer: str, client: httpx.Client
) -> None:
    missing = client.get(explorer + "no/such/page")
    assert missing.status_code == 404
    assert "no such page" in missing.text
    bad = client.get(explorer + "?before=ten")
    assert bad.status_code == 400
    assert "before must be an unsigned integer, not &#39;ten&#39;" in bad.text
    negative = client.get(explorer + "?before=-3")
    assert negative.status_code == 400
    assert "out of range" in negative.text
    assert client.get(explorer + "block/99999999").status_code == 404
    assert "no block 99999999" in client.get(explorer + "block/99999999").text
    assert client.get(explorer + "live/blocks").status_code == 400


def test_live_rows_bring_the_blocks_after_a_cursor(
    explorer: str, network: Network, account_factory, client: httpx.Client
) -> None:
    before = network.algod.status()["last-round"]
    assert client.get(explorer + f"live/blocks?after={before}").text.strip() == ""
    account_factory(1_000_000)  # one payment: one block
    answer = client.get(explorer + f"live/blocks?after={before}")
    assert answer.status_code == 200
    rounds = [int(r) for r in re.findall(r'data-round="(\d+)"', answer.text)]
    assert rounds and rounds[-1] == before + 1
    assert rounds == sorted(rounds, reverse=True)
    assert int(answer.headers["X-Live-After"]) == rounds[0]


def test_older_blocks_are_paged(explorer: str, network: Network, client: httpx.Client) -> None:
    last = network.algod.status()["last-round"]
    page = client.get(explorer + f"?before={last}")
    assert page.status_code == 200
    rounds = [int(r) for r in re.findall(r'data-round="(\d+)"', page.text)]
    assert rounds[0] == last - 1
    assert len(rounds) == min(25, last)
    assert "data-live" not in page.text  # a page of the past is not live


def test_no_explorer_leaves_only_algods_api() -> None:
    config = SandboxConfig(
        data_dir=None,
        algod_port=free_port(),
        kmd_port=free_port(),
        indexer_port=free_port(),
        explorer=False,
    )
    with EmbeddedSandbox(config) as box:
        assert box.explorer_address is None
        answer = httpx.get(f"{box.algod_address}/explorer/")
        assert answer.status_code == 401  # algod's token check: there is no open page there


@needs_gridworks_script
def test_sandbox_start_prints_the_explorers_address(start: Start) -> None:  # noqa: F811
    box = start("--ephemeral")
    match = box.wait_ready()
    line = box.lines.get(timeout=10)  # the line after the ready line
    assert line == f"explorer: {match['algod']}/explorer/"
    assert httpx.get(line.removeprefix("explorer: ")).status_code == 200
    box.stop()


def test_a_cursor_past_the_chain_asks_the_page_to_start_again(
    explorer: str, network: Network, client: httpx.Client
) -> None:
    """After a sandbox revert or reset the chain is shorter than the page's cursor."""
    last = network.algod.status()["last-round"]
    answer = client.get(explorer + f"live/blocks?after={last + 100}")
    assert answer.status_code == 200
    assert answer.text == ""
    assert answer.headers["X-Live-Reset"] == "1"
    assert int(answer.headers["X-Live-After"]) >= last
    assert "X-Live-Reset" not in client.get(explorer + f"live/blocks?after={last}").headers


def test_a_sandbox_imports_the_explorer_only_when_a_page_is_asked_for() -> None:
    import subprocess
    import sys

    probe = """
import sys
from gridworks.sandbox import EmbeddedSandbox, SandboxConfig
from gridworks.sandbox.server import free_port
import httpx
config = SandboxConfig(
    data_dir=None, algod_port=free_port(), kmd_port=free_port(), indexer_port=free_port()
)
with EmbeddedSandbox(config) as box:
    before = "jinja2" in sys.modules or "gridworks.explorer.app" in sys.modules
    page = httpx.get(box.explorer_address)
    print(before, page.status_code, "jinja2" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "200", "True"]
