import datetime

from history import History
from mlsquiz.study.session import REDRILL_GAP, Session, studied_phrase, todays_allowance


def card(n, new=False):
    return {"id": n, "card_id": f"c{n}", "last_review": None if new else "2026-03-01T09:00:00Z"}


def test_due_cards_come_before_new_ones_in_the_order_given():
    session = Session.build([card(1), card(2)], [card(3, new=True)])
    assert [s.card["id"] for s in session.queue] == [1, 2, 3]
    assert session.counts() == {"due": 2, "new": 1, "cram": 0, "redrill": 0}


def test_a_grade_below_four_comes_back_as_a_drill_until_passed():
    session = Session.build([card(n) for n in range(1, 6)], [])
    session.record(3, review_id=1)  # card 1 graded 3: back after REDRILL_GAP other cards
    kinds = [(s.card["id"], s.kind) for s in session.queue]
    assert kinds[REDRILL_GAP] == (1, "drill")
    for review_id in range(2, 2 + REDRILL_GAP):
        session.record(5, review_id)
    assert session.next_step().kind == "drill"
    session.record(2, review_id=10)  # failed again: another drill
    assert any(s.card["id"] == 1 and s.kind == "drill" for s in session.queue)
    while session.next_step().card["id"] != 1:
        session.record(5, 20)
    session.record(4, 30)
    assert all(s.card["id"] != 1 for s in session.queue)
    assert session.summary() == {"reviewed": 5, "right_first_try": 5, "redrilled": 1, "redrill_left": 0,
                                 "answers": 7, "answer_ms": 0}


def test_redrill_goes_to_the_end_when_few_cards_remain():
    session = Session.build([card(1), card(2)], [])
    session.record(1, 1)
    assert [(s.card["id"], s.kind) for s in session.queue] == [(2, "review"), (1, "drill")]


def test_undo_puts_the_card_first_again_and_drops_its_redrill():
    session = Session.build([card(1), card(2), card(3)], [])
    session.record(5, 1)
    session.record(1, 2)  # card 2 failed: re-drill queued
    undone = session.undo()
    assert undone.review_id == 2 and undone.step.card["id"] == 2
    assert [(s.card["id"], s.kind) for s in session.queue] == [(2, "review"), (3, "review")]
    assert session.undo().review_id == 1
    assert session.undo() is None


def test_cram_sessions_log_cram_even_for_redrills():
    session = Session.build([card(1), card(2)], [], cram=True)
    session.record(2, 1)
    assert {s.kind for s in session.queue} == {"cram"}
    assert session.counts() == {"due": 0, "new": 0, "cram": 1, "redrill": 1}
    session.record(5, 2)
    session.record(4, 3)  # the re-drill passed
    assert session.summary() == {"reviewed": 2, "right_first_try": 1, "redrilled": 1, "redrill_left": 0,
                                 "answers": 3, "answer_ms": 0}


def test_undoing_a_drill_answer_puts_the_queue_back_as_it_was():
    session = Session.build([card(1), card(2)], [])
    session.record(2, 1)  # card 1 failed: queue is 2, drill 1
    session.record(5, 2)
    session.record(1, 3)  # the drill failed again: another drill of card 1 queued
    assert [(s.card["id"], s.kind) for s in session.queue] == [(1, "drill")]
    undone = session.undo()
    assert (undone.review_id, undone.step.kind) == (3, "drill")
    assert [(s.card["id"], s.kind) for s in session.queue] == [(1, "drill")]  # the same drill again, once
    assert session.queue[0] is undone.step
    session.record(4, 4)
    assert session.next_step() is None
    assert session.summary() == {"reviewed": 2, "right_first_try": 1, "redrilled": 1, "redrill_left": 0,
                                 "answers": 3, "answer_ms": 0}


def test_first_try_counts_grade_three_as_right():
    session = Session.build([card(1), card(2), card(3)], [])
    for review_id, grade in enumerate([3, 2, 5]):
        session.record(grade, review_id)
    assert session.summary()["right_first_try"] == 2


def test_summary_counts_cards_sent_back_even_when_the_learner_quits_before_their_drill():
    session = Session.build([card(1), card(2), card(3)], [])
    session.record(1, 1)
    session.record(2, 2)  # both failed, then the learner quits: their re-drills never come
    assert session.summary() == {"reviewed": 2, "right_first_try": 0, "redrilled": 2, "redrill_left": 2,
                                 "answers": 2, "answer_ms": 0}


def test_daily_allowance_counts_earlier_sessions():
    assert todays_allowance(10, 0) == 10
    assert todays_allowance(10, 7) == 3
    assert todays_allowance(10, 12) == 0


def build(cli_args, db, now):
    """The session `mlsquiz quiz` would build, through the real store, at a moment."""
    from types import SimpleNamespace

    from mlsquiz import clock
    from mlsquiz.commands.quiz import build_session
    from mlsquiz.settings import DEFAULTS
    from mlsquiz.store.bundled import open_synced as open_collection

    args = SimpleNamespace(**{"cram": False, "deck": "mini", "new": None, "limit": None, "section": None, "tag": None,
                              **cli_args})
    collection = open_collection(db)
    try:
        return build_session(collection, args, clock.study_day(clock.parse_moment(now)), dict(DEFAULTS, new_per_day=3))
    finally:
        collection.close()


def test_new_limit_spans_sessions_and_resets_at_four(mini_collection, local_zone):
    local_zone("Europe/Berlin")
    first = build({}, mini_collection, "2026-03-02 09:00")
    assert [s.card["card_id"] for s in first.queue] == ["b1", "c1", "m1"]
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.answer("c1", 5, "2026-03-02 09:01")
    history.close()
    later = build({}, mini_collection, "2026-03-03 03:59")  # same study day: one new card left
    assert [s.card["card_id"] for s in later.queue] == ["m1"]
    next_day = build({}, mini_collection, "2026-03-03 04:00")  # new day: b1, c1 due, then 3 new
    assert [s.card["card_id"] for s in next_day.queue] == ["b1", "c1", "m1", "o1", "t1"]
    assert [s.card["card_id"] for s in build({"new": 1}, mini_collection, "2026-03-03 04:00").queue] == [
        "b1", "c1", "m1"]
    assert [s.card["card_id"] for s in build({"limit": 1, "new": 0}, mini_collection, "2026-03-03 04:00").queue] == [
        "b1"]


def test_most_overdue_first(mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("o1", 5, "2026-03-01 09:00")  # due 03-02
    history.answer("b1", 5, "2026-02-20 09:00")  # due 02-21: most overdue
    history.close()
    session = build({"new": 0}, mini_collection, "2026-03-05 09:00")
    assert [s.card["card_id"] for s in session.queue] == ["b1", "o1"]
    assert datetime.date(2026, 2, 21).isoformat() == session.queue[0].card["due"]


def test_cram_takes_every_card_of_the_focus_regardless_of_due_dates_and_limits(mini_collection):
    def ids(cli_args):
        return [(s.card["card_id"], s.kind) for s in build(cli_args, mini_collection, "2026-03-02 09:00").queue]

    assert ids({"cram": True, "section": "two"}) == [("m1", "cram"), ("o1", "cram"), ("t1", "cram")]
    assert ids({"cram": True, "tag": "money"}) == [("t1", "cram")]
    assert len(ids({"cram": True})) == 5  # more than new_per_day = 3
    assert ids({"cram": True, "limit": 2}) == [("b1", "cram"), ("c1", "cram")]


def test_a_card_dropped_while_answered_gets_no_redrill_and_undo_still_works():
    session = Session.build([card(1), card(2)], [])
    session.drop_card(1)  # suspended as a leech by the answer being saved
    session.record(1, 10, 2_000)
    assert [s.card["id"] for s in session.queue] == [2]
    assert session.undo().review_id == 10 and [s.card["id"] for s in session.queue] == [1, 2]
    session.record(1, 11)  # answered again after the undo: no longer left out, so its re-drill comes back
    assert [s.card["id"] for s in session.queue] == [2, 1]


def test_studied_phrase_names_the_redrills():
    assert studied_phrase(8, 10, 53_400) == "8 cards reviewed (+ 2 re-drills) in 0m 53s"
    assert studied_phrase(1, 2, 61_000) == "1 card reviewed (+ 1 re-drill) in 1m 01s"
    assert studied_phrase(0, 0, 0) == "0 cards reviewed in 0m 00s"
