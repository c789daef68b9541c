"""Changes that reschedule every card at once (fitted FSRS parameters, the scheduler, the desired retention):
write the change and replay the whole review log under it, in one transaction."""

import datetime
import json

from .memory import current_scheduling
from .replay import recompute_states


def save_fit(collection, fit, day: datetime.date, bars=None) -> int:
    """Store fitted parameters and recompute every card's memory (and FSRS due dates) with them, atomically."""

    with collection.transaction() as conn:
        conn.execute(
            """INSERT INTO memory_parameters (fitted_on, reviews, log_loss_before, log_loss_after, parameters)
               VALUES (?, ?, ?, ?, ?)""",
            (day.isoformat(), fit.reviews, fit.log_loss_before, fit.log_loss_after, json.dumps(fit.parameters)),
        )
        return recompute_states(conn, snapshots=False, bars=bars)


def write_schedule_setting(collection, key: str, value, bars=None) -> int:
    """Change `scheduler` or `desired_retention` and recompute every state under it, in one transaction.
    Returns how many cards' states changed."""

    with collection.transaction() as conn:
        old = conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
        if old is not None and old[0] == str(value):
            return 0
        if key == "desired_retention" and current_scheduling(conn)[0].scheduler != "fsrs":
            return 0  # SM-2 ignores it; FSRS will use it when switched on
        return recompute_states(conn, snapshots=False, bars=bars)
