"""The GNode pages in a real browser: from the factories to a device's GNode, its verdicts, a
certificate's history and the asset page, with a screenshot of each (test-artifacts/screenshots)."""

from __future__ import annotations

from typing import Any

import pytest

from gridworks.contracts.provision import Device
from tests.browser import screenshot

pytestmark = pytest.mark.embedded_only  # the explorer's links are under /explorer/

MAX_TREE_PAGES = 20
"""Tree pages the test turns, at most, looking for its device (the session factory is shared)."""


def test_from_the_factories_to_a_certificates_asset_page(
    explorer: str, certified_device: Device, browser_page: Any
) -> None:
    page = browser_page
    d = certified_device
    app_id, ta = d.factory.app_id, d.terminal_asset_alias
    record = d.factory.record(ta)
    assert record is not None

    page.goto(explorer + "gnodes")
    row = page.locator(f'#factories tr[data-app="{app_id}"]')
    assert row.locator(".ok").inner_text() == "GNodeFactory"
    screenshot(page, "gnodes")

    row.locator("a.factory-tree").click()
    page.wait_for_url(f"**/factory/{app_id}")
    device = page.locator(f'#tree li[data-alias="{ta}"] > a.gnode')
    for _ in range(MAX_TREE_PAGES):
        if device.count():
            break
        page.locator('.pager a[rel="next"]').click()
        page.wait_for_load_state()
    device.scroll_into_view_if_needed()
    tags = page.locator(f'#tree li[data-alias="{ta}"] > .tag').all_inner_texts()
    assert tags == ["TerminalAsset", "Active"]
    parent = page.locator(f'#tree li[data-alias="{d.atomic_tnode_alias}"]')
    assert parent.locator(f'li[data-alias="{ta}"]').count() == 1  # nested under its parent
    screenshot(page, "gnode-tree")

    device.click()
    page.wait_for_url(f"**/gnode/{app_id}/{ta}")
    verdicts = page.locator("#certificates td.verdict > span")
    assert verdicts.all_inner_texts() == ["ok", "ok", "ok"]
    assert all(v.is_visible() for v in verdicts.all())
    deed = page.locator('#certificates tr[data-kind="TaDeed"]')
    assert d.owner.address in deed.locator("a.addr").get_attribute("title")
    screenshot(page, "gnode")

    deed.locator("a.history").click()
    page.wait_for_url(f"**/cert/{record.primary_cert}")
    events = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.event)")
    assert events[0] == "delivered" and events[-1] == "issued"
    assert page.locator("#issuer .ok").inner_text() == "GNodeFactory"
    assert page.locator("#issuer a.gnode").inner_text() == ta
    screenshot(page, "cert-history")

    page.locator(f'#certificate a[href$="/asset/{record.primary_cert}"]').click()
    page.wait_for_url(f"**/asset/{record.primary_cert}")
    assert str(record.primary_cert) in page.locator("h1").inner_text()
