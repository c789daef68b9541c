"""Kept tables always equal a recount from the review log, and the figures of `stats --json` and `due --json`
equal the same figures computed straight from the log, after any sequence of operations from two terminals."""

import datetime
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_DECK, run_cli
from recount import recount_mismatches
from mlsquiz import clock
from mlsquiz.scheduling import sm2
from mlsquiz.store.bundled import open_synced
from mlsquiz.deckfile.reading import load_deck
from mlsquiz.store import manage
from mlsquiz.store.decks import import_deck
from mlsquiz.store.study import record_answer, restamp_study_days, undo_review, write_setting

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
CARDS = ("b1", "c1", "m1", "o1", "t1")


def deck_variants():
    """The mini deck as written; with b1 moved to section two and o1 dropped; with t1 moved to section one."""
    mini = load_deck(MINI_DECK)
    moved = [replace(c, section="two") if c.id == "b1" else c for c in mini.cards if c.id != "o1"]
    other = [replace(c, section="one") if c.id == "t1" else c for c in mini.cards]
    return [mini, replace(mini, cards=moved), replace(mini, cards=other)]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "collection.db"
    collection = open_synced(path)
    import_deck(collection, deck_variants()[0], "v0")
    collection.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    collection.close()
    return path


operation = st.one_of(
    st.tuples(st.just("answer"), st.integers(0, 1), st.sampled_from(CARDS), st.integers(0, 5),
              st.sampled_from(["review", "review", "drill", "cram"]), st.integers(0, 40)),
    st.tuples(st.just("undo"), st.integers(0, 1), st.integers(0, 1000)),
    st.tuples(st.just("import"), st.integers(0, 2)),
    st.tuples(st.just("rollover"), st.integers(0, 23)),
    st.tuples(st.just("limit"), st.integers(0, 20)),
    st.tuples(st.sampled_from(["suspend", "unsuspend", "forget"]), st.sampled_from(CARDS), st.integers(0, 30)),
)


def figures_from_the_log(conn, today: datetime.date) -> dict:
    days = sorted({datetime.date.fromisoformat(r[0]) for r in conn.execute(
        "SELECT study_day FROM reviews WHERE kind <> 'forget'")})
    days = [d for d in days if d <= today]
    longest = run = 0
    for i, day in enumerate(days):
        run = run + 1 if i and (day - days[i - 1]).days == 1 else 1
        longest = max(longest, run)
    current = run if days and (today - days[-1]).days <= 1 else 0
    since = (today - datetime.timedelta(days=29)).isoformat()
    scheduled, passed = conn.execute(
        """SELECT count(*), count(*) FILTER (WHERE grade >= 3) FROM reviews r JOIN cards c ON c.id = r.card
           WHERE kind = 'review' AND study_day >= ? AND study_day <= ? AND c.deck = 'mini'""",
        (since, today.isoformat())).fetchone()
    due = sum(1 for (d,) in conn.execute(
        """SELECT due FROM card_state s JOIN cards c ON c.id = s.card
           WHERE c.retired = 0 AND s.suspended = 0 AND c.deck = 'mini'""")
        if d and d <= today.isoformat())
    return {"streak": {"current": current, "longest": longest}, "reviews_30": scheduled,
            "retention_30": round(passed / scheduled, 3) if scheduled else None, "due": due}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=25))
def test_kept_tables_and_figures_equal_a_recount_after_any_operations(template, operations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.db"
        shutil.copy(template, path)
        terminals = [open_synced(path, sync=False), open_synced(path, sync=False)]
        variants, moment, rollover = deck_variants(), START, 4
        try:
            for op in operations:
                if op[0] == "answer":
                    _, who, card, grade, kind, hours = op
                    moment += datetime.timedelta(hours=hours)
                    day = clock.study_day(moment, rollover)
                    card_id = terminals[who].conn.execute(
                        "SELECT id FROM cards WHERE deck = 'mini' AND card_id = ?", (card,)).fetchone()[0]
                    record_answer(terminals[who], card_id, grade, kind, clock.utc_timestamp(moment), day, 1000,
                                  lambda state, g=grade, d=day: sm2.review(state, g, d))
                elif op[0] == "undo":
                    ids = [r[0] for r in terminals[op[1]].conn.execute("SELECT id FROM reviews ORDER BY id")]
                    if ids:
                        undo_review(terminals[op[1]], ids[op[2] % len(ids)])
                elif op[0] == "import":
                    import_deck(terminals[0], variants[op[1]], f"v{op[1]}")
                elif op[0] == "rollover":
                    rollover = op[1]
                    restamp_study_days(terminals[1], rollover)
                elif op[0] == "limit":
                    write_setting(terminals[0], "new_per_day", str(op[1]))
                else:
                    card_id = terminals[1].conn.execute(
                        "SELECT id FROM cards WHERE deck = 'mini' AND card_id = ?", (op[1],)).fetchone()[0]
                    if op[0] == "forget":
                        moment += datetime.timedelta(hours=op[2])
                        manage.forget(terminals[1], [card_id], clock.utc_timestamp(moment),
                                      clock.study_day(moment, rollover))
                    elif op[0] == "suspend":
                        manage.set_flag(terminals[1], [card_id], "suspended", 1)
                    else:
                        manage.unsuspend(terminals[1], [card_id])
                assert recount_mismatches(terminals[0].conn) == [], op
            now = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            today = clock.study_day(moment, rollover)
            expected = figures_from_the_log(terminals[0].conn, today)
        finally:
            for terminal in terminals:
                terminal.close()
        stats = json.loads(run_cli("--db", path, "--now", now, "stats", "--json", "--deck", "mini").out)
        due = json.loads(run_cli("--db", path, "--now", now, "due", "--json", "--deck", "mini").out)
        assert stats["streak"] == expected["streak"]
        assert (stats["retention"]["last_30_days"], stats["retention"]["reviews_30_days"]) == (
            expected["retention_30"], expected["reviews_30"])
        assert due["due"] == expected["due"]


def test_bulk_recompute_recounts_card_counts_like_its_triggers(template, tmp_path, monkeypatch):
    from mlsquiz.store import bulk

    monkeypatch.setattr(bulk, "BULK_CHANGES", 0)  # every recompute takes the bulk path
    path = tmp_path / "collection.db"
    shutil.copy(template, path)
    collection = open_synced(path, sync=False)
    try:
        ids = {card: collection.conn.execute("SELECT id FROM cards WHERE deck = 'mini' AND card_id = ?",
                                             (card,)).fetchone()[0] for card in CARDS}
        for hours, (card, grade) in enumerate([("b1", 5), ("c1", 2), ("m1", 4), ("b1", 3)]):
            moment = START + datetime.timedelta(days=hours)
            day = clock.study_day(moment)
            record_answer(collection, ids[card], grade, "review", clock.utc_timestamp(moment), day, 1000,
                          lambda state, g=grade, d=day: sm2.review(state, g, d))
        manage.set_flag(collection, [ids["c1"]], "suspended", 1)
        restamp_study_days(collection, 10)  # 09:00 answers move to the day before: every state is replayed
        assert recount_mismatches(collection.conn) == []
        assert collection.conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'card_counts_on_%'"
                                       ).fetchone()[0] == 3  # the triggers are back
    finally:
        collection.close()
