"""The hook the AVM's resource checks consult for a resource no transaction named (go:
`UnnamedResourcePolicy`).

Only simulate with `allow-unnamed-resources` sets one, on the group's `GroupResources.unnamed`;
the checks in `resources.py` ask it only after the ordinary rules said no, so normal evaluation
never reaches it. Each `available_`/`allows_` method says whether the resource may be used, and a
policy that says yes records it (simulate reports what it allowed). The box methods also let a
policy widen the box write budget; `ops/boxes.py` consults them only when a policy is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import EvalContext


class UnnamedResources:
    """Allows nothing; simulate's policy (`ledger/simulate_resources.py`) overrides it."""

    def available_account(self, cx: EvalContext, address: bytes) -> bool:
        return False

    def available_asset(self, cx: EvalContext, asset_id: int) -> bool:
        return False

    def available_app(self, cx: EvalContext, app_id: int) -> bool:
        return False

    def allows_holding(self, cx: EvalContext, address: bytes, asset_id: int) -> bool:
        """Asked once the account and the asset are themselves available."""
        return False

    def allows_locals(self, cx: EvalContext, address: bytes, app_id: int) -> bool:
        """Asked once the account and the app are themselves available."""
        return False

    def available_box(self, cx: EvalContext, app_id: int, name: bytes) -> bool:
        """A box of `app_id` (the running app) that no box reference names."""
        return False

    def box_read_surplus(self, surplus: int) -> None:
        """What the named box refs' budget left after the group's first box-read check."""

    def box_io_budget(self, named: int) -> int:
        """The box write budget, given the named refs' `named` bytes."""
        return named

    def box_bytes_written(self, dirty_bytes: int) -> None:
        """A box op left the group with `dirty_bytes` written, within the budget."""
