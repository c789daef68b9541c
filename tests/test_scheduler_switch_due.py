"""Issue 27: switching the scheduler back to SM-2 made cards due at once without a word: `config scheduler`
says how many cards become due today, the figure `due` then shows."""

import json

from history import History


def test_switching_back_to_sm2_says_how_many_become_due_today(cli, mini_collection):
    assert cli("--now", "2026-03-01 08:00", "config", "scheduler", "fsrs").code == 0
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-01 10:00")
    history.answer("c1", 5, "2026-03-01 10:01")
    history.close()
    before = json.loads(cli("--now", "2026-03-03 09:00", "due", "--deck", "mini", "--json").out)["due"]
    result = cli("--now", "2026-03-03 09:00", "config", "scheduler", "sm2")
    after = json.loads(cli("--now", "2026-03-03 09:00", "due", "--deck", "mini", "--json").out)["due"]
    assert (before, after) == (0, 2)  # FSRS: about a week after Easy; SM-2: one day
    assert result.out.strip() == "scheduler = sm2 (2 card schedules recomputed); 2 more cards due today (2 in all)"
    back = cli("--now", "2026-03-03 09:00", "config", "scheduler", "fsrs").out.strip()
    assert back == "scheduler = fsrs (2 card schedules recomputed); 2 fewer cards due today (0 in all)"
