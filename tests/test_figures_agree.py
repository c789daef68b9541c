"""Issue 27's "figures that disagree", each held by a test that failed before its fix."""

import json

from history import History


def test_stats_overdue_counts_a_card_buried_yesterday(cli, mini_collection):
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-01 10:00")  # due 2026-03-02
    history.answer("c1", 4, "2026-03-01 10:01")
    history.close()
    assert cli("--now", "2026-03-03 09:00", "bury", "b1", "-y").code == 0  # buried for 2026-03-03 only
    today = json.loads(cli("--now", "2026-03-04 09:00", "stats", "--json").out)["today"]
    assert (today["due"], today["overdue"]) == (2, 2)  # both due on 03-02, both overdue on 03-04


def test_a_day_with_only_a_practice_exam_says_so(cli, mini_collection):
    import datetime

    from mlsquiz.store.practice import save_practice_answer, start_attempt

    history = History(mini_collection)
    day = datetime.date(2026, 3, 5)
    attempt = start_attempt(history.collection, "mini", "2026-03-05T10:00:00.000+00:00", day, 600,
                            [(history.ids["b1"], "basics"), (history.ids["c1"], "basics")])
    save_practice_answer(history.collection, attempt, 0, history.ids["b1"], "x", True,
                         "2026-03-05T10:00:30.000+00:00", day, 30_000)
    save_practice_answer(history.collection, attempt, 1, history.ids["c1"], "y", False,
                         "2026-03-05T10:01:15.000+00:00", day, 45_000)
    history.close()
    figures = json.loads(cli("--now", "2026-03-05 12:00", "stats", "--json").out)
    assert figures["today"]["practice_answers"] == 2 and figures["today"]["practice_seconds"] == 75
    assert figures["today"]["reviews_done"] == 0  # practice answers are not study answers
    assert figures["history"][-1] == {"date": "2026-03-05", "reviews": 2}  # the history counts them
    text = cli("--now", "2026-03-05 12:00", "stats").out
    assert "today: 0 cards reviewed in 0m 00s; 2 practice-exam answers in 1m 15s" in text


def test_exam_plan_says_today_s_new_cards_are_done_and_how_many(cli, mini_collection):
    assert cli("exam", "date", "2026-04-01", "--deck", "mini").code == 0  # one new card a day is the pace
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-02 10:00")
    history.close()
    plan = cli("exam", "plan", "--deck", "mini")
    assert "New cards today: done (1 introduced today)" in plan.out, plan.out
    figures = json.loads(cli("exam", "plan", "--deck", "mini", "--json").out)
    assert (figures["new_today"], figures["introduced_today"]) == (0, 1)
