"""`gridworks explorer`: the same pages for a node the explorer does not live in, read only
through that node's public algod and indexer APIs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from gridworks.sandbox.network import Network
from gridworks.sandbox.server import free_port

GRIDWORKS = Path(sys.executable).with_name("gridworks")

pytestmark = [
    pytest.mark.embedded_only,
    pytest.mark.skipif(not GRIDWORKS.exists(), reason=f"no {GRIDWORKS}"),
]


def test_the_explorer_command_serves_another_nodes_pages(sandbox, network: Network) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(GRIDWORKS),
            "explorer",
            "--algod-url",
            sandbox.algod_address,
            "--indexer-url",
            sandbox.indexer_address,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith(f"explorer: http://127.0.0.1:{port}/ (algod "), proc.stderr
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200
        last = network.algod.status()["last-round"]
        assert f'href="/block/{last}"' in page.text  # links are the standalone server's own
        assert httpx.get(f"http://127.0.0.1:{port}/block/{last}").status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(15) == 0


def test_a_wrong_token_is_a_clear_error_page(sandbox) -> None:
    from gridworks.explorer import ChainSources, create_explorer_app
    from gridworks.sandbox.server import Listener, ServerGroup

    sources = ChainSources.connect(sandbox.algod_address, sandbox.indexer_address, "b" * 64)
    port = free_port()
    servers = ServerGroup([Listener(create_explorer_app(sources), "127.0.0.1", port)])
    servers.start_in_thread()
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
    finally:
        servers.join()
    assert page.status_code == 502
    assert "the node did not answer" in page.text
    assert "Invalid API Token" in page.text


def test_a_file_that_is_no_app_spec_is_refused_before_serving(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gridworks.cli import main

    spec = tmp_path / "broken.arc32.json"
    spec.write_text('{"name": "no methods here"}')
    result = CliRunner().invoke(main, ["explorer", "--app-spec", str(spec), "--port", "0"])
    assert result.exit_code == 1
    assert "cannot load the app specs: not an ARC-32 or ARC-56 spec" in result.output
    spec.write_text("[1, 2")
    result = CliRunner().invoke(main, ["explorer", "--app-spec", str(spec), "--port", "0"])
    assert result.exit_code == 1
    assert "cannot load the app specs" in result.output


@pytest.mark.parametrize("value", ["0", "33", "many"])
def test_reads_at_once_out_of_range_is_refused_before_serving(value: str) -> None:
    from click.testing import CliRunner

    from gridworks.cli import main

    result = CliRunner().invoke(
        main,
        ["explorer", "--algod-url", "http://127.0.0.1:1", "--indexer-url", "http://127.0.0.1:1",
         "--reads-at-once", value],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Invalid value for '--reads-at-once'" in result.output
    assert "explorer: http" not in result.output
