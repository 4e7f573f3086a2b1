"""Writing a file that holds a secret (a key file, broker logins): private from its first byte.

The data goes to a temporary file in the target's directory, mode 0600 before anything is
written, fsynced, and only then takes the target's name: a reader never sees a half-written
file, and a crash leaves no temporary behind. Standard library only.

(`gridworks/actors/dev_broker.py` keeps its own few lines for the broker's admin credential:
scripts/broker runs it by path in isolated mode, before any virtualenv, so it imports nothing.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to `path` with mode 0600, atomically.

    Unless `overwrite`, an existing `path` is kept and `FileExistsError` raised (the name is
    taken with a hard link, which, unlike a rename, never replaces a file). Other failures
    raise `OSError`.
    """
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
