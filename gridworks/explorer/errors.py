"""What the explorer's pages answer when a request cannot be served: a status and one line."""

from __future__ import annotations


class ExplorerError(Exception):
    """A request the explorer refuses or cannot answer: shown as an error page with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(message: str) -> ExplorerError:
    return ExplorerError(404, message)


def bad_request(message: str) -> ExplorerError:
    return ExplorerError(400, message)


def parse_uint(value: str | None, what: str) -> int:
    """`value` as an unsigned 64-bit integer, or a 400 naming `what`."""
    try:
        number = int(value or "")
    except ValueError:
        raise bad_request(f"{what} must be an unsigned integer, not {value!r}") from None
    if not 0 <= number < 2**64:
        raise bad_request(f"{what} {value!r} is out of range")
    return number
