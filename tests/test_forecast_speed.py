"""The kept-plan forecast and the calibration at a bounded cost (issue 27's speed targets), held to the slow,
plain versions they replace: the forecast's one loop to the recursion written with the formula closures, the
runs of neighbours on a large deck to the card-by-card figure, the recent histories to the whole log."""

import datetime
import json
import random
import sqlite3

import pytest

from mlsquiz.exam import forecast
from mlsquiz.exam.pacing import window_start
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

D = datetime.date


def reference_kept(parameters, cards, today, exam_day, final_days, new_days, desired_retention=0.9, shift=0.0):
    """The kept plan as first written (recursive, through the formula closures, card by card, no grouping)."""
    curve, good, lapse = forecast.recall_curve(parameters), forecast.good_review(parameters), \
        forecast.lapse_review(parameters)
    harder, chance = forecast.next_difficulty(parameters), forecast.calibrated(shift)
    per_stability = memory.days_per_stability(parameters, desired_retention)
    first_memory = memory.next_memory(memory.engine(parameters), None, forecast.GOOD, 0)
    intro_days = iter(day.toordinal() for day, count in new_days for _ in range(count))
    start = window_start(exam_day, final_days).toordinal()
    first, exam = max(today.toordinal(), start), exam_day.toordinal()

    def expected(s, d, last, when, window_day, mass, depth=0):
        if when >= window_day:
            recall = curve(s, window_day - last)
            r = chance(recall)
            return r * curve(good(s, d, recall), exam - window_day) + \
                (1 - r) * curve(lapse(s, d, recall), exam - window_day)
        recall = curve(s, when - last)
        r = chance(recall)
        branches = [(r, (good(s, d, recall), harder(d, 3))), (1 - r, (lapse(s, d, recall), harder(d, 1)))]
        if mass * min(r, 1 - r) < forecast.BRANCH_MASS or depth >= forecast.BRANCH_DEPTH:
            branches = [(1.0, branches[0][1] if r >= 0.5 else branches[1][1])]
        return sum(p * expected(s2, d2, when, when + memory.interval_for(s2, per_stability), window_day, mass * p,
                                depth + 1) for p, (s2, d2) in branches if p > 0)

    recalls, waiting = [0.0] * len(cards), []
    for index, card in enumerate(cards):
        if card.memory is None:
            s, d, last = first_memory.stability, first_memory.difficulty, next(intro_days, today.toordinal())
            when = last + memory.interval_for(s, per_stability)
        else:
            s, d, last = card.memory.stability, card.memory.difficulty, card.last_day.toordinal()
            when = max(today.toordinal(), card.due.toordinal() if card.due else today.toordinal())
        if last >= start:
            recalls[index] = curve(s, exam - last)
        else:
            waiting.append((curve(s, first - last), card.key, index, s, d, last, when))
    waiting.sort()
    days = max(1, exam - first)
    for rank, (_, _, index, s, d, last, when) in enumerate(waiting):
        day = first + rank * days // len(waiting)
        recalls[index] = expected(s, d, last, min(when, day), day, 1.0)
    return recalls


def random_deck(cards: int, today: D, seed: int) -> list:
    """Cards with random memories, last reviews over the past half year and due dates from last week on; a
    fifth never seen."""
    rng, out = random.Random(seed), []
    for n in range(cards):
        if n % 5 == 4:
            out.append(forecast.CardMemory(n, "abc"[n % 3], None, None))
            continue
        stability = rng.lognormvariate(2.0, 1.3)
        last = today - datetime.timedelta(days=rng.randrange(1, 180))
        due = max(today - datetime.timedelta(days=7), last + datetime.timedelta(days=max(1, round(stability))))
        out.append(forecast.CardMemory(n, "abc"[n % 3], memory.Memory(stability, rng.uniform(1, 10)), last, due))
    return out


@pytest.mark.parametrize("shift", [0.0, -0.7, -2.0, 1.5])
@pytest.mark.parametrize("exam", [D(2026, 5, 20), D(2026, 3, 14)])  # window ahead / today inside the window
def test_the_one_loop_forecast_equals_the_recursive_one_card_by_card(shift, exam):
    today = D(2026, 3, 10)
    cards = random_deck(300, today, 3)
    new_days = [(today + datetime.timedelta(days=n), 2) for n in range(30) if today + datetime.timedelta(days=n) < exam]
    fast = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, 0.9, shift, exact_limit=None)
    slow = reference_kept(W, cards, today, exam, 7, new_days, 0.9, shift)
    assert fast == pytest.approx(slow, rel=1e-9, abs=1e-12)
    # below the limit, the default path is the same
    assert forecast.recall_if_kept(W, cards, today, exam, 7, new_days, 0.9, shift) == fast


@pytest.mark.parametrize("shift", [0.0, -2.0])
def test_a_large_deck_s_kept_plan_is_within_half_a_point_of_card_by_card(shift):
    today, exam = D(2026, 3, 10), D(2026, 5, 20)
    cards = random_deck(4_000, today, 8)
    new_days = [(today + datetime.timedelta(days=n), 12) for n in range(67)]
    exact = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, 0.9, shift, exact_limit=None)
    runs = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, 0.9, shift)
    assert sum(runs) / len(runs) == pytest.approx(sum(exact) / len(exact), abs=0.005)
    for (low, high), (low2, high2) in [(forecast.recall_range(runs, len(cards)), forecast.recall_range(exact, len(cards)))]:
        assert (low, high) == pytest.approx((low2, high2), abs=0.005)
    for section in "abc":
        mine = [n for n, c in enumerate(cards) if c.section == section]
        assert sum(runs[n] for n in mine) / len(mine) == pytest.approx(sum(exact[n] for n in mine) / len(mine),
                                                                        abs=0.02)


def log_with(db, cards: int, reviews_each: int) -> None:
    conn = sqlite3.connect(db)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id LIMIT ?", (cards,))]
    rows = []
    for n, card in enumerate(ids):
        day = D(2026, 1, 1) + datetime.timedelta(days=n % 20)
        for k in range(reviews_each):
            rows.append((card, f"{day}T10:{n % 60:02d}:00.000+00:00", day.isoformat(), 1 if (n + k) % 4 == 0 else 4,
                         f"u{card}-{k}"))
            day += datetime.timedelta(days=k + 1)
    with conn:
        conn.executemany("""INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms, uid)
                            VALUES (?, ?, ?, ?, 'review', 0, ?)""", rows)
    conn.close()


def test_recent_histories_take_the_latest_cards_whole_up_to_the_budget(cli, mini_collection):
    from mlsquiz.store import open_collection
    from mlsquiz.store.memory import recent_histories, review_histories

    log_with(mini_collection, 12, 6)
    collection = open_collection(mini_collection)
    try:
        everything = review_histories(collection.conn)
        assert sorted(map(len, everything)) == [6] * 12
        assert sorted(recent_histories(collection.conn, None, 10_000)) == sorted(everything)
        some = recent_histories(collection.conn, None, 20)
        assert [len(h) for h in some] == [6, 6, 6]  # whole histories only, at most 20 reviews
        latest = sorted(everything, key=lambda h: h[-1][0], reverse=True)
        assert some[0][-1][0] == latest[0][-1][0]  # the most recently reviewed card first
        assert all(h in everything for h in some)
        assert len(recent_histories(collection.conn, None, 3)) == 1  # the first card always
        assert recent_histories(collection.conn, "no-such-deck", 100) == []
        plan = " ".join(row[3] for row in collection.conn.execute(
            "EXPLAIN QUERY PLAN SELECT card FROM reviews WHERE kind = 'review' AND +card IN "
            "(SELECT id FROM cards WHERE deck = 'mini') ORDER BY study_day DESC"))
        assert "TEMP B-TREE" not in plan  # newest first off the index, not a sort of the deck's whole log
    finally:
        collection.close()


def test_stats_calibration_reads_a_bounded_number_of_reviews(cli, mini_collection, monkeypatch):
    from mlsquiz.store import memory as store_memory

    log_with(mini_collection, 12, 6)
    monkeypatch.setattr(store_memory, "CALIBRATION_REVIEWS", 30)
    figures = json.loads(cli("--now", "2026-06-01 09:00", "stats", "--json").out)["calibration"]
    assert figures["reviews"] == 5 * 5  # five whole histories of 6 reviews, 5 of them a day or more apart


def bisected_shift(outcomes, prior=50):
    """recall_shift as first written: 40 bisection steps on [-8, 8]."""
    import math

    logits = [math.log(max(p, 1e-6) / max(1 - p, 1e-6)) for p, _ in outcomes]
    mean = sum(p for p, _ in outcomes) / len(outcomes)
    logits += [math.log(max(mean, 1e-6) / max(1 - mean, 1e-6))] * prior
    target = sum(y for _, y in outcomes) + prior * mean
    low, high = -8.0, 8.0
    for _ in range(40):
        middle = (low + high) / 2
        if sum(1 / (1 + math.exp(-(x + middle))) for x in logits) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@pytest.mark.parametrize("right_every", [1, 2, 3, 10, 10**6])
def test_the_record_s_shift_by_newton_equals_the_bisection(right_every):
    rng = random.Random(right_every)
    outcomes = [(rng.uniform(0.3, 0.99), n % right_every == 0) for n in range(900)]
    assert forecast.recall_shift(outcomes) == pytest.approx(bisected_shift(outcomes), abs=1e-9)
    perfect = [(rng.uniform(0.3, 0.99), True) for _ in range(30)]
    assert forecast.recall_shift(perfect) == pytest.approx(bisected_shift(perfect), abs=1e-9)
