"""Issue 27: Anki's reset ("Forget") rows come in as mlsquiz's own `forget`: the card is new again, its history
kept, exactly as if it had been forgotten here at that moment."""

import sqlite3

from anki_fixtures import anki  # noqa: F401  (a fixture)
from anki_fixtures import export, import_package, last_log_id, retime_answers
from conftest import MINI_DECK
from history import History


def log(db_path, card_id):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            """SELECT r.study_day, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card
               WHERE c.deck = 'mini' AND c.card_id = ? ORDER BY r.reviewed_at""", (card_id,)).fetchall()
    finally:
        conn.close()


def state(db_path, card_id):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            """SELECT s.repetitions, round(s.ease, 2), s.interval, s.due, s.lapses, s.last_review FROM card_state s
               JOIN cards c ON c.id = s.card WHERE c.deck = 'mini' AND c.card_id = ?""", (card_id,)).fetchone()
    finally:
        conn.close()


def test_a_card_reset_in_anki_is_forgotten_here(cli, anki, tmp_path, db_path, local_zone):  # noqa: F811
    local_zone("UTC")
    assert cli("import", MINI_DECK).code == 0
    history = History(db_path)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.answer("b1", 5, "2026-03-02 09:00")
    history.close()
    ours = tmp_path / "mini.apkg"
    assert cli("--now", "2026-03-03 09:00", "export", "--deck", "mini", "--with-progress", "-o", ours).code == 0
    import_package(anki, ours)
    before = last_log_id(anki)
    (b1,) = anki.find_cards('"Why learn Python first?"')
    anki.sched.schedule_cards_as_new([b1], restore_position=True, reset_counts=False)  # Anki's "Forget"
    anki.sched.set_due_date([c for c in anki.find_cards("deck:*") if c != b1][:1], "3")  # a reschedule: no reset
    retime_answers(anki, before, "2026-03-05 10:00")  # the reset, then the reschedule
    package = export(anki, tmp_path / "back.apkg", legacy=False)
    result = cli("--now", "2026-03-10 12:00", "import", package)
    assert result.code == 0, result.err
    assert "1 reviews merged" in result.out and "1 manual schedule changes" in result.out, result.out
    assert log(db_path, "b1") == [("2026-03-01", 4, "review"), ("2026-03-02", 5, "review"), ("2026-03-05", 0, "forget")]
    assert state(db_path, "b1") == (0, 2.5, 0, None, 0, None)  # new again, as `mlsquiz forget` leaves it

    # the same as forgetting it here at that moment
    other = tmp_path / "other.db"
    assert cli("--db", other, "import", MINI_DECK).code == 0
    history = History(other)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.answer("b1", 5, "2026-03-02 09:00")
    history.close()
    assert cli("--db", other, "--now", "2026-03-05 10:00", "forget", "b1", "-y").code == 0
    assert log(other, "b1") == log(db_path, "b1") and state(other, "b1") == state(db_path, "b1")
    # re-importing brings nothing twice
    assert "0 reviews merged" in cli("--now", "2026-03-10 12:00", "import", package).out
