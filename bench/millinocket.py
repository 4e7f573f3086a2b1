"""The Millinocket simulation at scale: N homes for D days over RabbitMQ, every message signed
and verified against the chain (`gridworks sim millinocket`'s run, adversaries included).

Reported per phase (chain registration, broker provisioning, the market run, the baseline), the
market run's simulated hours per second and home-hours per second, and the projection of a whole
year (8,784 hours) at that rate. The same-run reference is `engine.reference_run` of the same
homes and hours: the same bids, clearings and plant steps computed in one loop with no broker and
no signatures, so the ratio is what running it as signed messages between actors costs.

    .venv/bin/python bench/millinocket.py [--homes 400] [--days 7] [--start 2020-01-16]
        [--workers W]

Needs the dev broker (`scripts/broker start`). Goals (issue 12): 400 homes for a week under
60 s wall; 400 homes for a year under an hour.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

from gridworks.sandbox import connect as connect_chain
from gridworks.sim import engine
from gridworks.sim.homes import make_homes
from gridworks.sim.millinocket import SimConfig, run
from gridworks.table import format_table

YEAR_HOURS = 8784


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=400)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--start", default="2020-01-16")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="worker processes for homes")
    args = parser.parse_args()
    logging.getLogger("gridworks.actors").setLevel(logging.ERROR)
    load = os.getloadavg()
    config = SimConfig(
        homes=args.homes,
        days=args.days,
        start=args.start,
        seed=args.seed,
        workers=args.workers,
        progress=False,
    )
    network = connect_chain()
    try:
        began = time.perf_counter()
        output = run(network, config, print)
        total = time.perf_counter() - began
    finally:
        network.close()
    hours = output.summary.hours
    began = time.perf_counter()
    reference = engine.reference_run(
        make_homes(args.homes, args.seed),
        engine.first_hour(args.start),
        hours,
        config.feeder_kw,
        kind=config.kind,
    )
    reference_s = time.perf_counter() - began
    same = reference.model_dump() == output.market.model_dump()
    phases = output.phases_s
    market_s = phases["market"]
    rate = hours / market_s
    messages = output.summary.messages
    rows = [
        ["chain: register every GNode", f"{phases['chain']:.1f} s", ""],
        ["broker: vhost and host logins", f"{phases['broker']:.1f} s", ""],
        [
            f"market run over RabbitMQ ({args.homes} homes x {hours} h, "
            f"{args.workers} worker processes)",
            f"{market_s:.1f} s",
            "< 60 s for 400 homes x 168 h",
        ],
        ["  simulated hours per second", f"{rate:.2f}", ""],
        ["  home-hours per second", f"{rate * args.homes:,.0f}", ""],
        [
            "  messages sent / verified / refused",
            f"{messages.sent:,} / {messages.verified:,} / {messages.refused:,}",
            "",
        ],
        ["  messages sent per second", f"{messages.sent / market_s:,.0f}", ""],
        [
            f"  a year ({YEAR_HOURS:,} h) at this rate",
            f"{YEAR_HOURS / rate / 3600:.2f} h",
            "< 1 h for 400 homes",
        ],
        ["baseline (reference loop, on-demand bids)", f"{phases['baseline']:.1f} s", ""],
        [
            "same-run reference: the market computed in one loop",
            f"{reference_s:.1f} s ({market_s / reference_s:.1f} x faster than over RabbitMQ)",
            "",
        ],
        ["  the broker run equals the reference", "yes" if same else "NO", "yes"],
        ["whole run (wall)", f"{total:.1f} s", ""],
    ]
    print()
    print(
        f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "at the start"
    )
    print(format_table(["", "result", "goal"], rows))


if __name__ == "__main__":
    main()
