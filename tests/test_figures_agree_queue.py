"""Issue 27's "figures that disagree" about today's queue: `due`, `due --json`, the quiz and `exam plan` count the
same cards the same way. Each test failed before its fix."""

import datetime
import json
from types import SimpleNamespace


from history import History

QUIZ_ARGS = SimpleNamespace(cram=False, deck=None, limit=None, new=None, section=None, tag=None)


def quiz_counts(db_path, today: datetime.date) -> dict:
    """What the quiz's status line would say on its first card (due, new) for `today`."""
    from mlsquiz.commands.quiz import build_session
    from mlsquiz.settings import effective_settings
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.study import read_settings

    collection = open_synced(str(db_path))
    try:
        session = build_session(collection, QUIZ_ARGS, today, effective_settings(read_settings(collection)))
    finally:
        collection.close()
    return session.counts()


def set_exam_date(db_path, day: str) -> None:
    """Through the store: `exam date` is another command's (its plan is checked on its own below)."""
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.exam import set_exam_day

    collection = open_synced(str(db_path))
    set_exam_day(collection, "mini", datetime.date.fromisoformat(day), "2026-03-02T11:00:00.000+00:00")
    collection.close()


def backlog_in_the_window(cli, db_path):
    """Every mini card seen on 03-02 (due 03-03), exam on 03-12 (window from 03-05), nothing studied since: on 03-06
    all five are due, while the window's even share is one card a day."""
    history = History(db_path)
    for n, card in enumerate(("b1", "c1", "m1", "o1", "t1")):
        history.answer(card, 4, f"2026-03-02 10:0{n}")
    history.close()
    set_exam_date(db_path, "2026-03-12")


def test_due_and_the_quiz_show_every_card_due_in_the_window(cli, mini_collection):
    backlog_in_the_window(cli, mini_collection)
    figures = json.loads(cli("--now", "2026-03-06 09:00", "due", "--deck", "mini", "--json").out)
    counts = quiz_counts(mini_collection, datetime.date(2026, 3, 6))
    assert (figures["due"], figures["new"]) == (counts["due"], counts["new"]) == (5, 0)


def test_exam_plan_shows_today_the_cards_the_window_shows(cli, mini_collection):
    from mlsquiz.commands.exam_queue import window_today
    from mlsquiz.settings import effective_settings
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.study import read_settings

    backlog_in_the_window(cli, mini_collection)
    collection = open_synced(str(mini_collection))
    shown = window_today(collection, "mini", datetime.date(2026, 3, 6), effective_settings(read_settings(collection)))
    collection.close()
    plan = json.loads(cli("--now", "2026-03-06 09:00", "exam", "plan", "--deck", "mini", "--json").out)
    due = json.loads(cli("--now", "2026-03-06 09:00", "due", "--deck", "mini", "--json").out)["due"]
    assert plan["reviews"][0] == {"date": "2026-03-06", "reviews": 5, "new": 0}
    assert shown == due == 5


def test_due_says_next_due_as_the_json_and_the_quiz_do_after_bury(cli, mini_collection):
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-01 10:00")  # due 03-02
    history.close()
    assert cli("bury", "b1", "-y").code == 0  # buried for 03-02: back on 03-03
    figures = json.loads(cli("due", "--deck", "mini", "--json").out)
    assert (figures["next_due"], figures["days_until_next"]) == ("2026-03-03", 1)
    assert cli("due", "--deck", "mini").out.startswith("0 due, 4 new today")
    assert cli("config", "new_per_day", "0").code == 0
    assert cli("due", "--deck", "mini").out.strip() == "nothing due; next tomorrow"
    from mlsquiz.commands.quiz import nothing_to_do
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.study import next_due_date

    collection = open_synced(str(mini_collection))
    next_due = next_due_date(collection, "mini", datetime.date(2026, 3, 2))
    collection.close()
    assert next_due == datetime.date(2026, 3, 3)  # what the quiz summary says ("next card due tomorrow")
    assert nothing_to_do(next_due, datetime.date(2026, 3, 2), False) == \
        "Nothing to study today. Next card due tomorrow (2026-03-03)."


def test_requeued_never_seen_cards_count_as_due_in_due_and_in_the_quiz(cli, mini_collection):
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import requeue

    history = History(mini_collection)
    history.answer("c1", 5, "2026-03-02 09:00")  # due again on 03-03
    history.close()
    collection = open_synced(str(mini_collection))
    cards = dict(collection.conn.execute("SELECT card_id, id FROM cards WHERE deck = 'mini'").fetchall())
    requeue(collection, [cards["m1"], cards["t1"]], datetime.date(2026, 3, 3))  # never studied
    collection.close()
    assert cli("config", "new_per_day", "1").code == 0
    figures = json.loads(cli("--now", "2026-03-03 09:00", "due", "--deck", "mini", "--json").out)
    counts = quiz_counts(mini_collection, datetime.date(2026, 3, 3))
    assert (figures["due"], figures["new"]) == (counts["due"], counts["new"]) == (3, 1)
    assert cli("--now", "2026-03-03 09:00", "due", "--deck", "mini").out.startswith("3 due, 1 new today")


def test_a_requeued_card_in_the_window_is_counted_once(cli, mini_collection):
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import requeue

    history = History(mini_collection)
    for n, card in enumerate(("b1", "c1", "m1", "o1", "t1")):
        history.answer(card, 5, f"2026-03-01 10:0{n}")
    for n, card in enumerate(("b1", "c1", "m1", "o1", "t1")):
        history.answer(card, 5, f"2026-03-02 10:0{n}")  # due 03-08: none due on 03-06, all seen before 03-03
    history.close()
    set_exam_date(mini_collection, "2026-03-10")  # window from 03-03: two of the five shown on 03-06
    collection = open_synced(str(mini_collection))
    cards = dict(collection.conn.execute("SELECT card_id, id FROM cards WHERE deck = 'mini'").fetchall())
    requeue(collection, [cards[card] for card in ("b1", "c1", "m1", "o1", "t1")], datetime.date(2026, 3, 6))
    collection.close()
    figures = json.loads(cli("--now", "2026-03-06 09:00", "due", "--deck", "mini", "--json").out)
    counts = quiz_counts(mini_collection, datetime.date(2026, 3, 6))
    assert figures["due"] == counts["due"] == 5
