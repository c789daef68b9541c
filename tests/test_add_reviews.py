"""store.replay.add_reviews (the bulk path of Anki imports) must leave exactly what inserting the same reviews
one by one and replaying their cards leaves: the log with its snapshots, every card's state, the day tables and
the counts."""

import datetime
import shutil
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsquiz.store.opening import open_collection
from mlsquiz.store.replay import add_reviews, group_answers, recompute_states
from recount import recount_mismatches

START = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.timezone.utc)
KINDS = ("review", "review", "review", "drill", "forget")


def answers(count: int, prefix: str):
    """Answers to six cards of a collection, a few seconds apart at most (ties on purpose)."""
    answer = st.tuples(st.integers(0, 5), st.integers(0, 40), st.integers(0, 2), st.integers(0, 5),
                       st.sampled_from(KINDS))
    return st.lists(answer, max_size=count).map(lambda drawn: [
        (card, day, second, grade, kind, f"{prefix}-{n}")
        for n, (card, day, second, grade, kind) in enumerate(drawn)])


def rows(conn, drawn) -> list[tuple]:
    """(card, reviewed_at, study_day, grade, kind, answer_ms, uid), as group_answers takes them."""
    # Three cards of one section, and the first cards of three others: a day's totals span sections.
    card_ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id LIMIT 3")] + [
        row[0] for row in conn.execute("SELECT min(id) FROM cards GROUP BY deck, section ORDER BY 1 LIMIT 3 OFFSET 1")]
    assert len(set(card_ids)) == 6
    result = []
    for card, day, second, grade, kind, uid in drawn:
        moment = START + datetime.timedelta(days=day, seconds=second)
        result.append((card_ids[card], moment.isoformat(timespec="milliseconds"), moment.date().isoformat(),
                       0 if kind == "forget" else grade, kind, 0 if kind == "forget" else 1000 + second, uid))
    return result


def insert_one_by_one(conn, answers_) -> None:
    """The plain path: each review through the triggers, in the order add_reviews gives them ids (the replay
    order: card, time, uid)."""
    conn.executemany("INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms, uid) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", sorted(answers_, key=lambda a: (a[0], a[1], a[6])))
    recompute_states(conn, [answer[0] for answer in answers_])


def tables(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                for table in ("reviews", "card_state", "study_days", "section_days", "card_counts")}
    finally:
        conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=answers(12, "stored"), coming=answers(30, "coming"), scheduler=st.sampled_from(["sm2", "fsrs"]))
def test_bulk_adding_equals_adding_one_by_one(mini_collection, cli, tmp_path, stored, coming, scheduler):
    base = tmp_path / f"base-{scheduler}.db"
    shutil.copy(mini_collection, base)
    assert cli("--db", base, "config", "scheduler", scheduler).code == 0
    collection = open_collection(str(base))
    with collection.transaction() as conn:
        insert_one_by_one(conn, rows(conn, stored))  # a history already there, for some cards
    collection.close()

    results = []
    def add_in_bulk(conn, answers_):
        add_reviews(conn, group_answers(answers_))

    for name, write in (("bulk", add_in_bulk), ("plain", insert_one_by_one)):
        path = tmp_path / f"{name}.db"
        for leftover in tmp_path.glob(f"{name}.db*"):
            leftover.unlink()
        shutil.copy(base, path)
        collection = open_collection(str(path))
        with collection.transaction() as conn:
            write(conn, rows(conn, coming))
        if scheduler == "sm2":
            assert recount_mismatches(collection.conn) == []
        collection.close()
        results.append(tables(path))
    bulk, plain = results
    assert bulk == plain
