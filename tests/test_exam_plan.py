"""Exam date, pacing, the final-review window and readiness: numbers against hand computations and the FSRS
formula (py-fsrs as the oracle for stability), and a 60-day walk from exam date to exam with injected days."""

import datetime
import json
import random
import re
import sqlite3
from types import SimpleNamespace

import pytest
from fsrs_oracle import oracle_card
from history import History

from mlsquiz import clock
from mlsquiz.scheduling import sm2
from mlsquiz.exam import pacing
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

D = datetime.date


def formula_recall(stability: float, days: int) -> float:
    """R(t) = (1 + F t / S) ^ -w20 with F = 0.9 ^ (-1 / w20) - 1 (FSRS-6), written out here on purpose."""
    factor = 0.9 ** (-1 / W[20]) - 1
    return (1 + factor * days / stability) ** -W[20]


def oracle_recall(history, exam_day) -> float:
    card, _ = oracle_card(W, history)
    return formula_recall(card.stability, (exam_day - history[-1][0]).days)


def test_new_cards_are_spread_evenly_over_the_days_before_the_window():
    # exam 15 Feb, 7 final days: the window opens 8 Feb, so 1 Jan has 38 days to introduce 109 cards
    assert pacing.window_start(D(2027, 2, 15), 7) == D(2027, 2, 8)
    assert pacing.new_cards_today(D(2027, 1, 1), D(2027, 2, 15), 7, 109, 0) == 3  # ceil(109 / 38)
    assert pacing.new_cards_today(D(2027, 1, 1), D(2027, 2, 15), 7, 100, 9) == 0  # already took its share
    plan = pacing.introductions(D(2027, 1, 1), D(2027, 2, 15), 7, 109, 0)
    assert sum(n for _, n in plan) == 109 and plan[-1][0] < D(2027, 2, 8)


def test_a_skipped_day_raises_the_following_days_share():
    kept = pacing.new_cards_today(D(2027, 1, 2), D(2027, 2, 15), 7, 106, 0)  # after 3 on 1 Jan
    skipped = pacing.new_cards_today(D(2027, 1, 2), D(2027, 2, 15), 7, 109, 0)
    assert (kept, skipped) == (3, 3) or skipped > kept
    assert pacing.new_cards_today(D(2027, 2, 6), D(2027, 2, 15), 7, 20, 0) == 10  # 2 days left for 20


def test_inside_the_window_every_remaining_new_card_is_allowed():
    assert pacing.new_cards_today(D(2027, 2, 10), D(2027, 2, 15), 7, 13, 0) == 13
    assert pacing.window_share(D(2027, 2, 10), D(2027, 2, 15), 11) == 3  # 5 days left
    assert pacing.window_share(D(2027, 2, 15), D(2027, 2, 15), 11) == 11  # the exam day takes what is left


def test_exam_date_bad_input_is_one_line_exit_2_and_changes_nothing(cli, mini_collection):
    for bad in ("2026-03-01", "next tuesday", "2026-02-30", "15/02/2027"):
        result = cli("exam", "date", bad, "--deck", "mini")
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1, (bad, result.err)
    assert sqlite3.connect(mini_collection).execute("SELECT count(*) FROM exam_dates").fetchone() == (0,)
    result = cli("exam", "plan", "--deck", "mini")
    assert result.code == 1 and "no exam date" in result.err


def test_exam_date_set_show_clear_and_due_suffix(cli, mini_collection):
    assert cli("exam", "date", "2026-05-19", "--deck", "mini").code == 0  # now is 2026-03-02
    assert "exam on 2026-05-19 (exam in 78 days)" in cli("exam", "date", "--deck", "mini").out
    due = cli("due", "--deck", "mini")
    assert due.out.strip().endswith("· mini: exam in 78 days (new cards paced for it)")  # which deck's exam
    figures = json.loads(cli("due", "--deck", "mini", "--json").out)
    assert figures["days_to_exam"] == 78 and figures["new"] == 1  # 5 cards over 71 days before the window
    assert cli("exam", "date", "--clear", "--deck", "mini").out.startswith("Exam date of mini cleared")
    assert "exam" not in cli("due", "--deck", "mini").out


def test_a_past_exam_date_goes_back_to_normal_scheduling(cli, mini_collection):
    assert cli("exam", "date", "2026-03-05", "--deck", "mini").code == 0
    later = cli("--now", "2026-03-09 09:00", "due", "--deck", "mini")
    assert later.out.strip().endswith("· mini: exam was on 2026-03-05")
    assert "5 new today" in later.out  # new_per_day again, not a paced count
    plan = cli("--now", "2026-03-09 09:00", "exam", "plan", "--deck", "mini")
    assert "back to normal scheduling" in plan.out


def test_readiness_equals_the_fsrs_formula_on_hand_built_histories(cli, mini_collection):
    history = History(mini_collection)
    b1 = [(D(2026, 3, 2), 4), (D(2026, 3, 5), 5)]
    c1 = [(D(2026, 3, 2), 2)]
    for card, answers in (("b1", b1), ("c1", c1)):
        for day, grade in answers:
            history.answer(card, grade, f"{day} 10:00")
    history.close()
    exam = D(2026, 4, 1)
    assert cli("--now", "2026-03-10 09:00", "exam", "date", str(exam), "--deck", "mini").code == 0
    r = json.loads(cli("--now", "2026-03-10 09:00", "exam", "readiness", "--deck", "mini", "--json").out)["readiness"]
    rb, rc = oracle_recall(b1, exam), oracle_recall(c1, exam)
    sections = {s["section"]: s for s in r["sections"]}
    assert sections["one"]["if_stopped"] == pytest.approx((rb + rc) / 2, abs=1e-5)
    assert sections["two"]["if_stopped"] == 0 and sections["two"]["seen"] == 0
    assert r["if_stopped"] == pytest.approx((rb + rc) / 5, abs=1e-5)
    assert r["if_stopped_seen"] == pytest.approx((rb + rc) / 2, abs=1e-5)
    assert r["never_seen"] == 3
    assert [(c["id"], round(c["recall"], 5)) for c in r["weakest_cards"]] == [("c1", round(rc, 5)),
                                                                              ("b1", round(rb, 5))]


def test_plan_kept_recall_inside_the_window_equals_hand_computation(cli, mini_collection):
    # exam 12 March, window from 5 March, today 10 March: b1 was reviewed in the window (done), c1 was not
    # (reviewed today, Good), the three new cards are introduced today (Good); recall 2 days later at the exam.
    history = History(mini_collection)
    b1, c1 = [(D(2026, 3, 2), 4), (D(2026, 3, 5), 4)], [(D(2026, 3, 2), 2)]
    for card, answers in (("b1", b1), ("c1", c1)):
        for day, grade in answers:
            history.answer(card, grade, f"{day} 10:00")
    history.close()
    today, exam = D(2026, 3, 10), D(2026, 3, 12)
    assert cli("--now", "2026-03-10 09:00", "exam", "date", str(exam), "--deck", "mini").code == 0
    f = json.loads(cli("--now", "2026-03-10 09:00", "exam", "plan", "--deck", "mini", "--json").out)
    assert (f["status"], f["new_today"], f["window_start"]) == ("window", 3, "2026-03-05")
    kept_b1 = oracle_recall(b1, exam)
    # c1's window review today is answered right with the model's recall, moved by the learner's record (one
    # review, recalled), and wrong otherwise
    from mlsquiz.exam.forecast import calibrated

    assert f["readiness"]["record"] == {"reviews": 1, "recalled": 1.0,
                                        "predicted": pytest.approx(oracle_recall(b1[:1], b1[1][0]), abs=1e-4)}
    chance = calibrated(f["readiness"]["recall_shift"])(oracle_recall(c1, today))
    kept_c1 = chance * oracle_recall([*c1, (today, 4)], exam) + (1 - chance) * oracle_recall([*c1, (today, 1)], exam)
    kept_new = oracle_recall([(today, 4)], exam)
    sections = {s["section"]: s for s in f["readiness"]["sections"]}
    assert sections["one"]["if_plan_kept"] == pytest.approx((kept_b1 + kept_c1) / 2, abs=1e-5)
    assert sections["two"]["if_plan_kept"] == pytest.approx(kept_new, abs=1e-5)
    # expected reviews: today shows c1 (its share of the one card waiting) and introduces 3; the exam day nothing
    assert f["reviews"] == [{"date": "2026-03-10", "reviews": 1, "new": 3},
                            {"date": "2026-03-11", "reviews": 0, "new": 0},
                            {"date": "2026-03-12", "reviews": 0, "new": 0}]


def test_sixty_day_walk_from_exam_date_to_exam(db_path, cli):
    """Every card introduced before the window, every card shown in the window, nothing shown twice in the
    window without a lapse; the learner skips a few days and fails some cards."""
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.commands.quiz import build_session
    from mlsquiz.settings import effective_settings
    from mlsquiz.store.study import read_settings, record_answer

    start, exam = D(2026, 3, 2), D(2026, 5, 1)  # 60 days
    assert cli("exam", "date", str(exam), "--deck", "aws-ml-specialty").code == 0
    collection = open_synced(str(db_path))
    settings = effective_settings(read_settings(collection))
    args = SimpleNamespace(cram=False, deck=None, limit=None, new=None, section=None, tag=None)
    rng = random.Random(7)
    window = pacing.window_start(exam, settings["exam_final_days"])
    day = start
    while day <= exam:
        if day < window and rng.random() < 0.1:  # a skipped day
            day += datetime.timedelta(days=1)
            continue
        session = build_session(collection, args, day, settings)
        for n, step in enumerate(session.queue):
            grade = rng.choice((1, 4, 4, 5, 5, 5))
            moment = datetime.datetime.combine(day, datetime.time(9), datetime.timezone.utc) + \
                datetime.timedelta(seconds=n)
            record_answer(collection, step.card["id"], grade, "review", clock.utc_timestamp(moment), day, 1000,
                          lambda state, g=grade, d=day: sm2.review(state, g, d))
        day += datetime.timedelta(days=1)
    rows = collection.conn.execute(
        """SELECT r.card, r.study_day, r.grade FROM reviews r JOIN cards c ON c.id = r.card
           WHERE r.kind = 'review' AND c.retired = 0 AND c.deck = 'aws-ml-specialty'
           ORDER BY r.card, r.reviewed_at""").fetchall()
    cards = {row[0] for row in collection.conn.execute(
        "SELECT id FROM cards WHERE retired = 0 AND deck = 'aws-ml-specialty'")}
    collection.close()
    by_card: dict = {}
    for card, study_day, grade in rows:
        by_card.setdefault(card, []).append((D.fromisoformat(study_day), grade))
    assert set(by_card) == cards
    assert all(answers[0][0] < window for answers in by_card.values())  # introduced before the window
    for card, answers in by_card.items():
        in_window = [(d, g) for d, g in answers if window <= d <= exam]
        assert in_window, card  # shown in the window
        for earlier, later in zip(in_window, in_window[1:]):
            assert earlier[1] < 3, (card, in_window)  # shown again only after a lapse


def test_the_quiz_says_it_is_paced_and_its_summary_names_the_exam(cli, mini_collection):
    from screen import ENTER, Terminal

    assert cli("exam", "date", "2026-05-19", "--deck", "mini").code == 0
    term = Terminal(mini_collection, "quiz", "--deck", "mini", columns=100)
    screen = term.wait_for("Recall the answer")  # one new card today: 5 cards over 71 days
    assert "[1/1] 0 due · 1 new" in screen
    assert "Paced for your exam (exam in 78 days): 1 new card today (new_per_day is 10)" in " ".join(screen.split())
    term.send(ENTER)
    term.wait_for("Grade")
    term.send("4")
    term.wait_for("Session done")
    assert term.finish() == 0
    assert re.search(r"exam +2026-05-19 \(exam in 78 days\)", term.transcript)


def test_good_review_formula_equals_the_engine():
    from mlsquiz.scheduling import memory
    from mlsquiz.exam.forecast import good_review, recall_curve

    model, after_good, curve = memory.engine(W), good_review(W), recall_curve(W)
    for stability in (0.3, 1.0, 2.3, 7.5, 40.0, 300.0):
        for difficulty in (1.0, 4.2, 7.7, 10.0):
            for days in (1, 3, 10, 45, 200):
                expected = memory.next_memory(model, memory.Memory(stability, difficulty), 4, days).stability
                assert after_good(stability, difficulty, curve(stability, days)) == pytest.approx(expected, rel=1e-5)
                assert curve(stability, days) == pytest.approx(memory.recall(W, stability, days), rel=1e-12)


def test_a_blank_collection_has_the_exam_tables_and_index(db_path, cli):
    assert cli("due").code == 0
    conn = sqlite3.connect(db_path)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"exam_dates", "practice_attempts", "practice_questions", "practice_requeue",
            "card_state_exam"} <= names


def test_stats_and_roadmap_show_the_exam_date_and_readiness(cli, mini_collection):
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-02 10:00")
    history.close()
    assert cli("--now", "2026-03-03 09:00", "exam", "date", "2026-04-01", "--deck", "mini").code == 0
    stats = cli("--now", "2026-03-03 09:00", "stats", "--deck", "mini")
    assert "Exam: mini on 2026-04-01 (exam in 29 days)" in stats.out
    assert "a memory-model prediction, not a score" in stats.out
    figures = json.loads(cli("--now", "2026-03-03 09:00", "stats", "--deck", "mini", "--json").out)["exam"]
    assert (figures["exam_day"], figures["days_left"], figures["never_seen"]) == ("2026-04-01", 29, 4)
    assert figures["if_stopped"] == pytest.approx(oracle_recall([(D(2026, 3, 2), 4)], D(2026, 4, 1)) / 5, abs=1e-6)
    assert all(len(line) <= 80 for line in stats.out.splitlines())
    assert cli("--now", "2026-03-03 09:00", "exam", "date", "2026-04-01", "--deck", "aws-ml-specialty").code == 0
    roadmap = cli("--now", "2026-03-03 09:00", "roadmap")
    assert "Your exam date: 2026-04-01 (exam in 29 days)" in roadmap.out


def test_requeued_cards_are_found_from_the_requeue_table_not_by_walking_every_card(mini_collection):
    """The quiz asks for requeued practice cards on every start: the plan must start from that small table."""
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.exam import requeued_rows

    class Recording:
        def __init__(self, conn):
            self.conn, self.calls = conn, []

        def execute(self, sql, params=()):
            self.calls.append((sql, params))
            return self.conn.execute(sql, params)

    collection = open_synced(mini_collection, sync=False)
    try:
        recording = Recording(collection.conn)
        requeued_rows(type("C", (), {"conn": recording})(), "mini", datetime.date(2026, 3, 2))
        (sql, params), = recording.calls
        plan = [row[3] for row in collection.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        collection.close()
    assert plan[0].startswith("SCAN q"), plan


def test_with_dates_on_several_decks_the_commands_mean_the_nearest_upcoming_exam(cli, db_path):
    """The earlier exam while it is ahead; once it has passed, the next one (not the past one); once every date
    has passed, the latest. due, the quiz's pacing, exam plan/readiness and stats say which deck they use."""
    at = lambda day: ("--now", f"{day} 09:00")  # noqa: E731
    assert cli(*at("2026-03-01"), "exam", "date", "2026-03-20", "--deck", "aws-ml-specialty").code == 0
    assert cli(*at("2026-03-01"), "exam", "date", "2026-06-20", "--deck", "mla-c01").code == 0
    for day, deck, when in (("2026-03-02", "aws-ml-specialty", "exam in 18 days"),
                            ("2026-04-01", "mla-c01", "exam in 80 days"),
                            ("2026-07-01", "mla-c01", "exam was on 2026-06-20")):
        assert f"· {deck}: {when}" in cli(*at(day), "due").out
        assert json.loads(cli(*at(day), "due", "--json").out)["exam_deck"] == deck
        assert cli(*at(day), "exam", "plan").out.startswith(f"Exam plan for {deck}: ")
        assert cli(*at(day), "exam", "readiness").out.startswith(f"Exam readiness for {deck}: ")
        assert f"Exam: {deck} on " in cli(*at(day), "stats").out
