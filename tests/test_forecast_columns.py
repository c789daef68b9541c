"""The kept plan over a deck's columns (exam/kept.py, store/readiness.forecast_columns) held to the card-by-card
version it replaced, number for number: the same cards grouped the same way, the same runs of neighbours, the same
sums in the same order."""

import datetime
import random
import sqlite3

import pytest
from conftest import MINI_DECK

from mlsquiz.exam import forecast
from mlsquiz.exam.pacing import window_start
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

D = datetime.date


def reference_kept(parameters, cards, today, exam_day, final_days, new_days, desired_retention=0.9, shift=0.0,
                   exact_limit=forecast.KEPT_EXACT_CARDS, reschedule=False):
    """The kept plan as it was written card by card before the columns (window queue, grouping, runs)."""
    curve, power = forecast.recall_curve(parameters), -memory.decay(parameters)
    factor = 0.9 ** (1 / power) - 1
    first_memory = memory.next_memory(memory.engine(parameters), None, forecast.GOOD, 0)
    intro_days = iter(day.toordinal() for day, count in new_days for _ in range(count))
    start = window_start(exam_day, final_days).toordinal()
    first, exam, today_number = max(today.toordinal(), start), exam_day.toordinal(), today.toordinal()
    recalls, waiting = [0.0] * len(cards), []
    for index, card in enumerate(cards):
        if card.memory is None:
            s, d, last, due = first_memory.stability, first_memory.difficulty, next(intro_days, today_number), None
        else:
            s, d, last = card.memory.stability, card.memory.difficulty, card.last_day.toordinal()
            due = card.due.toordinal() if card.due else today_number
        if last >= start:
            recalls[index] = curve(s, exam - last)
        else:
            waiting.append(((1 + factor * max(0, first - last) / s) ** power, card.key, index, s, d, last, due))
    waiting.sort()
    days = max(1, exam - first)
    queue = [(index, s, d, last, due, first + rank * days // len(waiting), (round(s, 4), round(d, 3), last))
             for rank, (_, _, index, s, d, last, due) in enumerate(waiting)]
    expected = forecast.planned_reviews(parameters, exam, desired_retention, shift)
    per_stability = memory.days_per_stability(parameters, desired_retention)

    def when_of(entry):
        _, s, _, last, due, _, _ = entry
        if due is None or reschedule:
            due = last + min(memory.MAX_INTERVAL, max(1, round(s * per_stability)))
        return max(today_number, due)

    groups: dict = {}
    for rank, entry in enumerate(queue):
        key = (*entry[6], entry[5]) if reschedule else (*entry[6], when_of(entry), entry[5])
        groups.setdefault(key, []).append(rank)
    ranked = [(0.0, 0.0)] * len(queue)
    exact, alone = list(groups.items()), []
    if exact_limit is not None and len(groups) > exact_limit:
        exact = [(group, ranks) for group, ranks in groups.items() if len(ranks) > 1]
        alone = sorted(ranks[0] for ranks in groups.values() if len(ranks) == 1)
    for _, ranks in exact:
        _, s, d, last, _, day, _ = entry = queue[ranks[0]]
        value = expected(s, d, last, min(when_of(entry), day), day)
        for rank in ranks:
            ranked[rank] = value
    runs = max(1, exact_limit - len(exact)) if alone else 0
    for run in range(runs):
        low, high = run * len(alone) // runs, (run + 1) * len(alone) // runs
        if low == high:
            continue
        _, s, d, last, _, day, _ = entry = queue[alone[(low + high) // 2]]
        value = expected(s, d, last, min(when_of(entry), day), day)
        for rank in alone[low:high]:
            ranked[rank] = value
    counts = [0.0] * len(cards)
    for entry, (recall, count) in zip(queue, ranked):
        recalls[entry[0]], counts[entry[0]] = recall, count
    return recalls, counts


def crowded_deck(cards: int, today: D, seed: int) -> list:
    """Random memories where many cards share a state, or nearly (stabilities within 1e-4 that may round alike,
    or not), some reviewed inside the window, due days unset or past, keys out of deck order; a fifth new."""
    rng, out = random.Random(seed), []
    shared = [(rng.lognormvariate(1.5, 1.0), rng.uniform(1, 10), rng.randrange(1, 40)) for _ in range(12)]
    for n in range(cards):
        key = (n * 7919) % cards if seed % 2 else n
        if n % 5 == 4:
            out.append(forecast.CardMemory(key, "abc"[n % 3], None, None))
            continue
        kind = rng.random()
        if kind < 0.3:  # exactly a shared state
            stability, difficulty, ago = rng.choice(shared)
        elif kind < 0.5:  # a shared state moved by less than the rounding step, or about it
            stability, difficulty, ago = rng.choice(shared)
            stability += rng.choice([1e-5, -3e-5, 5e-5, 9.9e-5, 1.5e-4, 0.00005])
            difficulty += rng.choice([0.0, 4e-4, 6e-4])
        else:
            stability, difficulty, ago = rng.lognormvariate(2.0, 1.3), rng.uniform(1, 10), rng.randrange(0, 180)
        last = today - datetime.timedelta(days=ago)
        due = None if rng.random() < 0.05 else max(today - datetime.timedelta(days=7),
                                                   last + datetime.timedelta(days=max(1, round(stability))))
        out.append(forecast.CardMemory(key, "abc"[n % 3], memory.Memory(stability, difficulty), last, due))
    return out


@pytest.mark.parametrize("reschedule", [False, True])
@pytest.mark.parametrize("limit", [None, 600, 40, 3])
@pytest.mark.parametrize("exam,seed,huge", [(D(2026, 5, 20), 1, False), (D(2026, 5, 20), 2, False),
                                             (D(2026, 3, 14), 3, False), (D(2026, 5, 20), 4, True)])
def test_the_kept_plan_over_columns_equals_the_card_by_card_one_exactly(reschedule, limit, exam, seed, huge):
    today = D(2026, 3, 10)
    cards = crowded_deck(1_500, today, seed)
    if huge:  # a stability so large, reviewed so long ago, that near() compares neighbours one by one
        cards.append(forecast.CardMemory(-1, "a", memory.Memory(3e6, 5.0), D(2024, 1, 1), None))
    new_days = [(today + datetime.timedelta(days=n), 5) for n in range(60) if today + datetime.timedelta(days=n) < exam]
    for retention, shift in [(0.9, 0.0), (0.8, -0.6)]:
        counts: list = []
        recalls = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, retention, shift, limit, reviews=counts,
                                          reschedule=reschedule)
        assert (recalls, counts) == reference_kept(W, cards, today, exam, 7, new_days, retention, shift, limit,
                                                   reschedule)


def test_one_queue_serves_every_retention_and_both_groupings():
    today, exam = D(2026, 3, 10), D(2026, 5, 20)
    cards = crowded_deck(2_000, today, 5)
    new_days = [(today + datetime.timedelta(days=n), 8) for n in range(60)]
    queue = forecast.window_queue(W, cards, today, exam, 7, new_days)
    for retention in (0.8, 0.9, 0.95):
        for reschedule in (True, False):
            counts: list = []
            recalls = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, retention, -0.3, reviews=counts,
                                              reschedule=reschedule, queue=queue)
            assert (recalls, counts) == reference_kept(W, cards, today, exam, 7, new_days, retention, -0.3,
                                                       reschedule=reschedule)


def test_section_sums_add_up_in_deck_order():
    rng = random.Random(4)
    sections = [rng.choice(["a", "b", None, "c"]) for _ in range(3_000)]
    stability = [None if rng.random() < 0.2 else rng.random() for _ in sections]
    stopped = [0.0 if s is None else rng.random() for s in stability]
    kept = [rng.random() for _ in sections]
    expected: dict = {}
    for n, section in enumerate(sections):  # the card-by-card sums as first written
        row = expected.setdefault(section, [0, 0, 0.0, 0.0])
        row[0] += 1
        row[1] += stability[n] is not None
        row[2] += stopped[n]
        row[3] += kept[n]
    assert forecast.section_sums(sections, stability, stopped, kept) == [(k, *v) for k, v in expected.items()]
    assert forecast.section_sums(["x"] * 3, [1.0, None, 2.0], [0.5, 0.0, 0.25], None) == [("x", 3, 2, 0.75, None)]
    assert forecast.section_sums([], [], [], []) == []


def test_a_blank_collection_reads_the_forecast_columns_off_their_index(db_path, cli):
    assert cli("due").code == 0
    conn = sqlite3.connect(db_path)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    plan = " ".join(row[3] for row in conn.execute(
        """EXPLAIN QUERY PLAN SELECT card, section, stability, difficulty, last_review_day, due FROM card_state
           WHERE deck = 'x' AND retired = 0 AND suspended = 0 ORDER BY position"""))
    conn.close()
    assert "card_state_forecast" in names
    assert "COVERING INDEX card_state_forecast" in plan and "TEMP B-TREE" not in plan


def test_forecast_columns_are_the_cards_in_deck_order_with_their_days(cli, mini_collection):
    from mlsquiz.store import open_collection
    from mlsquiz.store.readiness import forecast_columns

    conn = sqlite3.connect(mini_collection)
    ids = [row[0] for row in conn.execute("SELECT card FROM card_state WHERE deck = 'mini' ORDER BY position")]
    with conn:
        conn.execute("""UPDATE card_state SET stability = 3.25, difficulty = 5.5, last_review_day = '2026-03-01',
                        due = '2026-03-05' WHERE card = ?""", (ids[1],))
    conn.close()
    collection = open_collection(mini_collection)
    try:
        columns = forecast_columns(collection, "mini")
    finally:
        collection.close()
    keys, _, stability, difficulty, last, due = columns
    assert keys == ids
    assert (stability[1], difficulty[1], last[1], due[1]) == (3.25, 5.5, D(2026, 3, 1).toordinal(),
                                                              D(2026, 3, 5).toordinal())
    assert stability[0] is None and last[0] is None
    exam = D(2026, 4, 1)
    card = forecast.CardMemory(ids[1], "s", memory.Memory(3.25, 5.5), D(2026, 3, 1))
    stopped = forecast.stopped_column(W, forecast.Deck(*columns), exam)
    assert stopped[1] == forecast.recall_if_stopped(W, [card], exam)[0] and stopped[0] == 0.0


def test_due_by_day_over_the_column_counts_as_the_store_does():
    today = D(2026, 3, 10)
    due = [None, D(2026, 3, 1).toordinal(), today.toordinal(), D(2026, 3, 12).toordinal(),
           D(2026, 3, 12).toordinal(), D(2026, 3, 20).toordinal()]
    assert forecast.due_by_day(due, today, D(2026, 3, 20)) == {today: 2, D(2026, 3, 12): 2}


def test_new_cards_taken_one_by_one_give_the_same_plan(monkeypatch):
    """When the paced days do not rise with the window's order (ties), new cards are grouped card by card."""
    from mlsquiz.exam import kept

    today, exam = D(2026, 3, 10), D(2026, 5, 20)
    cards = crowded_deck(1_500, today, 6)
    new_days = [(today + datetime.timedelta(days=n), 5) for n in range(60)]
    monkeypatch.setattr(kept.Queue, "new_blocks", lambda self: None)
    for limit in (None, 600, 40):
        for reschedule in (False, True):
            counts: list = []
            recalls = forecast.recall_if_kept(W, cards, today, exam, 7, new_days, 0.9, -0.4, limit, reviews=counts,
                                              reschedule=reschedule)
            assert (recalls, counts) == reference_kept(W, cards, today, exam, 7, new_days, 0.9, -0.4, limit,
                                                       reschedule)


def test_a_schema_10_collection_gains_the_forecast_index_and_keeps_its_cards(cli, db_path, schema_before):
    from mlsquiz.store import migrations

    schema_before(migrations.m011_forecast_columns)
    assert cli("import", str(MINI_DECK)).code == 0
    conn = sqlite3.connect(db_path)
    before = conn.execute("SELECT card, deck, position FROM card_state ORDER BY card").fetchall()
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'card_state_forecast'").fetchone()
    conn.close()
    schema_before(None)
    assert cli("due").code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT card, deck, position FROM card_state ORDER BY card").fetchall() == before
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'card_state_forecast'").fetchone()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    conn.close()


@pytest.mark.parametrize("child", [True, False])
def test_a_large_deck_read_in_two_parts_is_the_one_read(monkeypatch, mini_collection, child):
    """A deck read in two parts (the first by a forked child) gives the one read's columns, whatever the child
    does; cards sharing the position the parts meet at all land in one part."""
    from mlsquiz.runtime import forked
    from mlsquiz.store import open_collection, readiness

    conn = sqlite3.connect(mini_collection)
    ids = [row[0] for row in conn.execute("SELECT card FROM card_state WHERE deck = 'mini' ORDER BY position")]
    with conn:
        conn.execute("UPDATE card_state SET stability = 2.5, difficulty = 4.0, last_review_day = '2026-03-01', "
                     "due = '2026-03-04' WHERE card = ?", (ids[0],))
        conn.execute("UPDATE card_state SET position = (SELECT position FROM card_state WHERE card = ?) "
                     "WHERE card = ?", (ids[2], ids[3]))  # two cards on one position
    conn.close()
    started = []
    monkeypatch.setattr(forked, "ENABLED", child)
    monkeypatch.setattr(forked, "_start", lambda pending, start=forked._start: (started.append(1), start(pending)))
    monkeypatch.setattr(readiness, "SPLIT_FROM", 2)
    collection = open_collection(mini_collection)
    try:
        whole = readiness.forecast_columns(collection, "mini")
        for share in (0.2, 0.5, 0.6, 0.99):
            monkeypatch.setattr(readiness, "CHILD_SHARE", share)
            calls = []
            assert readiness.forecast_columns_in_two(collection, "mini", lambda: calls.append(1) or "x") == (whole,
                                                                                                               "x")
            assert calls == [1]
        assert len(whole[0]) == len(ids) and whole[0][0] == ids[0] and whole[2][0] == 2.5
        assert len(started) == (4 if child else 0)
        monkeypatch.setattr(readiness, "SPLIT_FROM", len(ids) + 1)  # a smaller deck: one read, no child
        assert readiness.forecast_columns_in_two(collection, "mini", lambda: "y") == (whole, "y")
        assert len(started) == (4 if child else 0)
    finally:
        collection.close()


def test_readiness_and_plan_are_the_same_with_the_deck_read_in_two_parts(monkeypatch, cli, mini_collection):
    from mlsquiz.runtime import forked
    from mlsquiz.store import readiness

    conn = sqlite3.connect(mini_collection)
    ids = [row[0] for row in conn.execute("SELECT card FROM card_state WHERE deck = 'mini' ORDER BY position")]
    with conn:
        for n, card in enumerate(ids[::2]):
            conn.execute("UPDATE card_state SET stability = ?, difficulty = 5.0, last_review_day = '2026-03-0' || ?, "
                         "due = '2026-03-2' || ? WHERE card = ?", (1.5 + n, n + 1, n, card))
    conn.close()
    started = []
    monkeypatch.setattr(forked, "_start", lambda pending, start=forked._start: (started.append(1), start(pending)))
    now = ("--now", "2026-03-10 09:00")
    assert cli(*now, "exam", "date", "2026-04-20", "--deck", "mini").code == 0
    outputs = []
    for split_from in (10**9, 2):
        monkeypatch.setattr(readiness, "SPLIT_FROM", split_from)
        outputs.append([cli(*now, "exam", action, "--deck", "mini", *json_flag).out
                        for action in ("readiness", "plan") for json_flag in ((), ("--json",))])
    assert outputs[0] == outputs[1] and all(outputs[0]) and len(started) == 4
    assert '"if_plan_kept": null' not in outputs[0][1] and "never_seen" in outputs[0][1]
