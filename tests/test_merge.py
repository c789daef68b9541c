"""`mlsquiz import OTHER.db`: two computers' collections merge as a union of their review logs."""

import contextlib
import datetime
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_DECK, run_cli
from history import History

CARDS = ["b1", "c1", "m1", "o1", "t1"]


def copy_collection(source: Path, target: Path) -> Path:
    with contextlib.closing(sqlite3.connect(source)) as a, contextlib.closing(sqlite3.connect(target)) as b:
        a.backup(b)
    return target


def states(db):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {row[0:2]: row[2:] for row in conn.execute(
            """SELECT c.deck, c.card_id, s.repetitions, s.ease, s.interval, s.due, s.lapses, s.last_review
               FROM card_state s JOIN cards c ON c.id = s.card""")}


def log(db):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return set(conn.execute(
            """SELECT c.deck, c.card_id, r.uid, r.reviewed_at, r.study_day, r.grade, r.kind, r.answer_ms
               FROM reviews r JOIN cards c ON c.id = r.card"""))


def day_counts(db):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return sorted(conn.execute("SELECT day, reviews FROM study_days")), sorted(conn.execute(
            "SELECT study_day, count(*) FROM reviews GROUP BY study_day"))


def merge(into: Path, other: Path):
    result = run_cli("--db", into, "import", other)
    assert result.code == 0, result.err
    return result


answers = st.lists(st.tuples(st.sampled_from([0, 1]), st.sampled_from(CARDS), st.integers(0, 20),
                             st.integers(0, 5), st.booleans()), max_size=10)


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    """The collection both computers started from (copied for each example)."""
    path = tmp_path_factory.mktemp("merge") / "common.db"
    assert run_cli("--db", path, "import", MINI_DECK).code == 0
    return path


def study(machines, answers_, phase: int) -> None:
    """Each computer's answers in its own time order (a clock moves forward), none at the same instant."""
    timed = sorted((day, index, machine, card, grade, drill)
                   for index, (machine, card, day, grade, drill) in enumerate(answers_))
    for which, path in enumerate(machines):
        history = History(path)
        for day, index, machine, card, grade, drill in timed:
            if machine == which:
                moment = datetime.datetime(2026, 3, 1, 9) + datetime.timedelta(days=21 * phase + day,
                                                                               minutes=2 * index + machine)
                history.answer(card, grade, moment.isoformat(), kind="drill" if drill else "review")
        history.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=answers, after=answers)
def test_merging_is_a_union_idempotent_and_commutative(common, before, after):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        machines = [copy_collection(common, folder / "desk.db"), copy_collection(common, folder / "laptop.db")]
        study(machines, before, 0)
        merge(machines[1], machines[0])  # a first sync: the laptop takes the desk's log
        study(machines, after, 1)
        desk, laptop = machines
        a_b = copy_collection(desk, folder / "a+b.db")
        b_a = copy_collection(laptop, folder / "b+a.db")
        merge(a_b, laptop)
        merge(b_a, desk)
        assert log(a_b) == log(b_a) == log(desk) | log(laptop)  # nothing lost, nothing doubled
        assert states(a_b) == states(b_a)
        once = (log(a_b), states(a_b))
        result = merge(a_b, laptop)
        assert "0 reviews merged" in result.out and (log(a_b), states(a_b)) == once
        assert day_counts(a_b)[0] == day_counts(a_b)[1]  # the kept per-day table equals a recount


def test_the_other_collection_is_never_written(cli, db_path, tmp_path):
    assert cli("import", MINI_DECK).code == 0
    other = copy_collection(db_path, tmp_path / "other.db")
    history = History(other)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.close()
    os.chmod(other, 0o444)
    stamp = (other.read_bytes(), other.stat().st_mtime_ns)
    result = cli("import", other)
    assert result.code == 0 and "1 reviews merged" in result.out, result.err
    assert (other.read_bytes(), other.stat().st_mtime_ns) == stamp
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in tmp_path.iterdir())
    assert not list(tmp_path.glob("other.db-*"))


def test_new_decks_and_cards_come_along_and_settings_stay(cli, db_path, tmp_path):
    assert cli("config", "new_per_day", "7").code == 0
    other = tmp_path / "other.db"
    assert cli("--db", other, "import", MINI_DECK).code == 0
    assert cli("--db", other, "config", "new_per_day", "30").code == 0
    history = History(other)
    history.answer("c1", 5, "2026-03-01 09:00")
    history.close()
    result = cli("import", other)
    assert result.code == 0 and "1 decks and 5 cards added, 1 reviews merged" in result.out, result.out
    assert states(db_path)[("mini", "c1")][:4] == (1, 2.6, 1, "2026-03-02")
    assert cli("config", "new_per_day").out.strip() == "new_per_day = 7"


def test_bad_collections_are_refused_in_one_line(cli, db_path, tmp_path):
    assert cli("import", MINI_DECK).code == 0
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE revlog (id INTEGER)")
    newer = copy_collection(db_path, tmp_path / "newer.db")
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute("PRAGMA user_version = 999")
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(copy_collection(db_path, tmp_path / "d.db").read_bytes()[:8192])
    before = log(db_path), states(db_path)
    for path, expected in ((foreign, "not an mlsquiz collection (an Anki collection?"), (newer, "newer mlsquiz"),
                           (damaged, "")):
        result = cli("import", path)
        assert result.code == 1 and expected in result.err and result.err.count("\n") == 1, result
    assert (log(db_path), states(db_path)) == before


def test_merging_a_collection_into_itself_changes_nothing(cli, db_path):
    assert cli("import", MINI_DECK).code == 0
    before = log(db_path), states(db_path)
    result = cli("import", db_path)
    assert result.code == 0 and "is this collection itself" in result.out
    assert (log(db_path), states(db_path)) == before



def test_an_older_collection_is_upgraded_in_a_private_copy(cli, db_path, tmp_path, schema_before):
    from mlsquiz.store import migrations

    old = tmp_path / "old.db"
    schema_before(migrations.m008_review_identity)
    assert cli("--db", old, "import", MINI_DECK).code == 0
    history = History(old)
    history.answer("o1", 3, "2026-03-01 09:00")
    history.close()
    schema_before(None)
    stamp = old.read_bytes()
    result = cli("import", old)
    assert result.code == 0 and "1 reviews merged" in result.out, result.out + result.err
    assert old.read_bytes() == stamp and not list(tmp_path.glob("old.db.schema*"))
    assert states(db_path)[("mini", "o1")][:3] == (1, 2.36, 1)


def test_answers_at_the_same_instant_on_two_machines_merge_alike_both_ways(cli, db_path, tmp_path):
    """Two answers to one card stamped with the same millisecond are replayed in uid order on both sides, so
    A+B and B+A agree (by row id, each side would put its own answer first)."""
    assert cli("import", MINI_DECK).code == 0
    desk, laptop = copy_collection(db_path, tmp_path / "desk.db"), copy_collection(db_path, tmp_path / "laptop.db")
    for path, grades in ((desk, (5, 1)), (laptop, (4, 5))):
        history = History(path)
        history.answer("b1", grades[0], "2026-03-01 09:00")
        history.answer("b1", grades[1], "2026-03-02 09:00:00.123")  # the same instant on both machines
        history.close()
    a_b, b_a = copy_collection(desk, tmp_path / "a+b.db"), copy_collection(laptop, tmp_path / "b+a.db")
    merge(a_b, laptop)
    merge(b_a, desk)
    assert log(a_b) == log(b_a)
    assert states(a_b) == states(b_a)
    with contextlib.closing(sqlite3.connect(a_b)) as one, contextlib.closing(sqlite3.connect(b_a)) as other:
        snapshots = "SELECT uid, repetitions_after, ease_after, interval_after, due_after FROM reviews ORDER BY uid"
        assert one.execute(snapshots).fetchall() == other.execute(snapshots).fetchall()


def test_a_card_new_to_this_machine_keeps_its_flags_from_the_other(cli, db_path, tmp_path):
    other = tmp_path / "other.db"
    assert cli("--db", other, "import", MINI_DECK).code == 0
    assert cli("--db", other, "suspend", "c1").code == 0
    assert cli("import", other).code == 0
    listed = cli("cards", "--suspended")
    assert "c1" in listed.out and "b1" not in listed.out, listed.out
    assert cli("--db", other, "unsuspend", "c1").code == 0
    assert cli("suspend", "b1").code == 0
    assert cli("import", other).code == 0  # cards both hold keep this machine's flags
    listed = cli("cards", "--suspended")
    assert "c1" in listed.out and "b1" in listed.out, listed.out


def practice_tables(db):
    """Attempts with their questions and requeued cards, by identities both machines share."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        attempts = set(conn.execute(
            """SELECT deck, started_at, study_day, status, questions, right, scaled, passed FROM practice_attempts"""))
        questions = set(conn.execute(
            """SELECT a.started_at, q.position, c.card_id, q.answer, q.right, r.uid FROM practice_questions q
               JOIN practice_attempts a ON a.id = q.attempt JOIN cards c ON c.id = q.card
               LEFT JOIN reviews r ON r.id = q.review"""))
        requeued = set(conn.execute(
            "SELECT c.card_id, q.day FROM practice_requeue q JOIN cards c ON c.id = q.card"))
    return attempts, questions, requeued


def sit_practice_exam(path, started_at: str, cards: list[str], requeue_day: str):
    from types import SimpleNamespace

    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import finish_attempt, requeue, save_practice_answer, start_attempt

    collection = open_synced(str(path))
    ids = [collection.conn.execute("SELECT id FROM cards WHERE deck = 'mini' AND card_id = ?", (card,)).fetchone()[0]
           for card in cards]
    day = datetime.date.fromisoformat(started_at[:10])
    attempt = start_attempt(collection, "mini", started_at, day, 600, [(card, "one") for card in ids])
    save_practice_answer(collection, attempt, 0, ids[0], "SageMaker", True, started_at[:-1] + "1Z", day, 800)
    finish_attempt(collection, attempt, "submitted", 60, SimpleNamespace(right=1, scaled=550, passed=False))
    requeue(collection, ids[1:], datetime.date.fromisoformat(requeue_day))
    collection.close()


def test_practice_exams_come_along_once_whichever_way_the_merge_goes(cli, db_path, tmp_path):
    assert cli("import", MINI_DECK).code == 0
    desk, laptop = copy_collection(db_path, tmp_path / "desk.db"), copy_collection(db_path, tmp_path / "laptop.db")
    sit_practice_exam(desk, "2026-03-02T09:00:00Z", ["c1", "m1"], "2026-03-03")
    sit_practice_exam(laptop, "2026-03-05T09:00:00Z", ["t1", "m1"], "2026-03-06")
    a_b, b_a = copy_collection(desk, tmp_path / "a+b.db"), copy_collection(laptop, tmp_path / "b+a.db")
    result = merge(a_b, laptop)
    assert "1 practice exams added" in result.out, result.out
    merge(b_a, desk)
    assert practice_tables(a_b) == practice_tables(b_a)
    attempts, questions, requeued = practice_tables(a_b)
    assert {a[1] for a in attempts} == {"2026-03-02T09:00:00Z", "2026-03-05T09:00:00Z"}
    assert len(questions) == 4 and all(q[5] for q in questions if q[1] == 0)  # answers point at merged reviews
    assert requeued == {("m1", "2026-03-06")}  # sent back on both machines: the later practice exam's day
    once = practice_tables(a_b)
    assert "0 practice exams added" in merge(a_b, laptop).out and practice_tables(a_b) == once
