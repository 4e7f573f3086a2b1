"""One place that turns the identity layer's errors into one-line CLI errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

T = TypeVar("T")


def reported(action: Callable[[], T]) -> T:
    """Run `action`; an `IdentityError` becomes a `click.ClickException` (one line, no trace)."""
    from gridworks.identity.errors import IdentityError  # on use: the identity layer is slow

    try:
        return action()
    except IdentityError as exc:
        raise click.ClickException(str(exc)) from exc
