"""A certificate's history page: issued, delivered, moved, newest first, paged; and look-alike
certificates, whose names and notes are anyone's text, shown as text and not as the factory's."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from algosdk import transaction
from algosdk.v2client.algod import AlgodClient

from gridworks.contracts.provision import Device, FactorySetup, funded_key, provision_device
from gridworks.identity.certificates import CertificateKind
from gridworks.sandbox import DevAccount, Network
from tests.conftest import mint_look_alike, send
from tests.explorer.gnode_pages import get, next_link, rows

pytestmark = pytest.mark.embedded_only  # the explorer's links are under /explorer/

HOSTILE_NAME = "<script>window.__pwned=1</script>"
HOSTILE_NOTE = '<img src=x onerror="window.__pwned=1">'


def cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)


@pytest.fixture(scope="module")
def device(network: Network, gnode_factory: FactorySetup) -> Device:
    """A TerminalAsset the read-only tests of this module share."""
    alias = f"d1.test.x{uuid.uuid4().hex[:16]}"
    return provision_device(network, alias, on=gnode_factory, micro_algos=1_000_000)


def test_a_moved_certificate_shows_the_move_newest_first(
    explorer: str, network: Network, certified_device: Device
) -> None:
    d = certified_device
    app_id, ta = d.factory.app_id, d.terminal_asset_alias
    record = d.factory.record(ta)
    assert record is not None
    new_trader = funded_key(network, 1_000_000)
    d.factory.move_trading_rights(d.atomic_tnode, ta, new_trader)

    certs = dict(rows(get(explorer, f"gnode/{app_id}/{ta}").text, "data-kind"))
    assert f'href="/explorer/account/{new_trader.address}"' in certs["TaTradingRights"]
    assert '<span class="ok">ok</span>' in certs["TaTradingRights"]

    page = get(explorer, f"cert/{record.trading_rights}")
    assert page.status_code == 200
    assert '<span class="ok">GNodeFactory</span>' in page.text
    assert f'href="/explorer/gnode/{app_id}/{ta}"' in page.text
    events = rows(page.text, "data-event")
    moves = [(what, cells(row)) for what, row in events if what not in ("opted in",)]
    assert [what for what, _ in moves] == ["clawed back, moved", "delivered", "issued"]
    _, moved = moves[0]
    assert d.atomic_tnode.address in moved[1] and new_trader.address in moved[2]  # from → to
    assert "move_trading_rights" in moved[0]
    _, delivered = moves[1]
    assert d.factory.address in delivered[1] and d.atomic_tnode.address in delivered[2]
    assert re.search(r'href="/explorer/txn/[A-Z2-7]{52}"', moved[5])
    assert re.search(r'href="/explorer/block/\d+"', moved[4])


def test_the_history_is_paged_by_the_indexers_next_token(explorer: str, device: Device) -> None:
    d = device
    record = d.factory.record(d.terminal_asset_alias)
    assert record is not None
    everything = [
        w for w, _ in rows(get(explorer, f"cert/{record.primary_cert}").text, "data-event")
    ]
    path: str | None = f"cert/{record.primary_cert}?size=1"
    pages: list[list[str]] = []
    while path is not None:
        page = get(explorer, path)
        assert page.status_code == 200
        assert '<span class="ok">GNodeFactory</span>' in page.text  # on every page
        pages.append([w for w, _ in rows(page.text, "data-event")])
        path = next_link(page.text)
    # each page is one top-level transaction's events; the pages run oldest first
    assert [w for page in reversed(pages) for w in page] == everything
    assert pages[0] == ["issued"]
    assert len(pages) >= 3  # creation, the owner's opt-in, the delivery


def test_a_look_alike_is_not_the_factorys_and_its_markup_is_text(
    explorer: str,
    algod: AlgodClient,
    account_factory: Callable[[], DevAccount],
    device: Device,
) -> None:
    forger = account_factory()
    ta = device.terminal_asset_alias
    look_alike = mint_look_alike(algod, forger, CertificateKind.TaDeed, ta, exact=True)
    page = get(explorer, f"cert/{look_alike}")
    assert page.status_code == 200
    assert '<span class="no">not a GNodeFactory</span>' in page.text
    assert f"<dd>{ta}</dd>" in page.text  # its name copies the alias: shown, not trusted
    assert "TaDeed" in page.text

    txn = transaction.AssetCreateTxn(
        forger.address,
        algod.suggested_params(),
        total=1,
        decimals=0,
        default_frozen=False,
        unit_name="VLDTR",
        asset_name=HOSTILE_NAME[:32],
        manager=forger.address,
        note=HOSTILE_NOTE.encode(),
    )
    hostile = int(send(algod, forger.signer.sign_transactions([txn], [0])[0])[0]["asset-index"])
    page = get(explorer, f"cert/{hostile}")
    assert page.status_code == 200
    assert "<script>window" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;window.__pwned=1&lt;/scri" in page.text
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in page.text
    assert '<span class="no">not a GNodeFactory</span>' in page.text
