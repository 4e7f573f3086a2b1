"""Bulk provisioning of per-actor broker users: N users (with their queue, binding, permissions
and topic permissions) in one definitions import, through `BrokerAdmin.provision`.

Needs a dev broker started by this version of ``scripts/broker`` (it has the admin credential
and the management API) on ``GRIDWORKS_BROKER_PORT`` (default 5672). Each run provisions into
a throw-away vhost, then deletes that vhost and the users; the logins file goes to a temporary
directory. Prints a table; writes nothing into the tree.

    .venv/bin/python bench/broker_users.py [N ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

from gridworks.actors import dev_broker
from gridworks.actors.broker_admin import admin_for
from gridworks.table import format_table


def main(argv: list[str]) -> int:
    sizes = [int(arg) for arg in argv] or [100, 1000, 3000]
    admin = admin_for(dev_broker.url(dev_broker.port()))
    print(f"broker users, one definitions import each ({admin.api})")
    rows: list[list[object]] = []
    for size in sizes:
        run = uuid.uuid4().hex[:8]
        aliases = [f"d1.bench{run}.ta{n:05d}" for n in range(size)]
        vhost = f"bench-{run}"
        with tempfile.TemporaryDirectory() as scratch:
            began = time.perf_counter()
            try:
                admin.provision(aliases, vhost=vhost, logins_file=Path(scratch, "logins.json"))
                took = time.perf_counter() - began
            finally:
                admin.delete_vhost(vhost)
                admin.delete_users(aliases)
        rows.append([f"{size:,}", f"{took:.2f} s", f"{took / size * 1000:.2f} ms"])
    print(format_table(["users", "provision (one import)", "per user"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
