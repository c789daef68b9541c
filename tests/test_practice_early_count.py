"""The practice pool's scan starts as soon as the collection is open, before the shipped decks are checked; when
that check writes (a shipped deck changed under the scan), the pool is counted again, so the draw never works
from a count taken before the sync."""

import sqlite3

from screen import Terminal

AUTO = "('choice', 'multi', 'order', 'typed', 'matching')"


def test_a_practice_exam_counts_the_pool_after_a_shipped_deck_is_synced(cli, db_path):
    assert cli("due").code == 0  # a new collection: the shipped decks imported
    conn = sqlite3.connect(db_path)
    with conn:  # as if an older mlsquiz had shipped an mla-c01 deck of 10 auto-checked cards
        ids = [row[0] for row in conn.execute(f"SELECT id FROM cards WHERE deck = 'mla-c01' AND type IN {AUTO} "
                                              "ORDER BY position")]
        conn.executemany("UPDATE cards SET retired = 1 WHERE id = ?", [(card,) for card in ids[10:]])
        conn.execute("UPDATE decks SET file_hash = 'older' WHERE id = 'mla-c01'")
        conn.execute("UPDATE config SET value = 'older' WHERE key = 'bundled_deck_hash:mla-c01'")
    conn.close()
    assert len(ids) >= 65
    term = Terminal(db_path, "exam", "practice", "--deck", "mla-c01", "--questions", "65", columns=100, rows=40)
    screen = term.wait_for("Start the exam|more than the")
    assert "more than the" not in screen and "65 questions" in screen
    term.send("\x1b")  # Esc: not now
    assert term.finish() == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute(f"SELECT count(*) FROM cards WHERE deck = 'mla-c01' AND retired = 0 AND type IN {AUTO}"
                        ).fetchone()[0] == len(ids)  # the sync brought the shipped deck back whole
    conn.close()
