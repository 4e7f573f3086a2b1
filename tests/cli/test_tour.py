"""The tour, the README's main job: it really funds, mints and transfers."""

from __future__ import annotations

from gridworks.cli.stories.tour import run_tour


def test_tour_mints_and_transfers_an_nft() -> None:
    lines: list[str] = []
    rows = run_tour(lines.append)
    assert [row[2] for row in rows] == ["pay", "acfg", "axfer", "axfer"]
    rounds = [int(row[1]) for row in rows]
    assert rounds == sorted(rounds) and len(set(rounds)) == 4
    assert "now holds 1 of asset" in lines[-1]
    assert any("TADEED" in line for line in lines)
