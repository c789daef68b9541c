"""Card management: suspend, unsuspend, bury, unbury, forget, and leeches, through the real command line."""

import json
import sqlite3

import pytest

from history import History
from screen import ENTER, Terminal


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def flags(db, card_id):
    return query(db, "SELECT s.suspended, s.buried_until, s.leech FROM card_state s JOIN cards c ON c.id = s.card "
                     "WHERE c.deck = 'mini' AND c.card_id = ?", card_id)[0]


def snapshot(db):
    return (query(db, "SELECT * FROM card_state ORDER BY card"), query(db, "SELECT * FROM reviews ORDER BY id"))


def due(cli, now="2026-03-02 09:00"):
    return json.loads(cli("due", "--json", "--deck", "mini", "--now", now).out)


def test_a_blank_collection_has_the_management_columns(mini_collection):
    columns = {row[1] for row in query(mini_collection, "PRAGMA table_info(card_state)")}
    assert {"suspended", "buried_until", "leech"} <= columns


def test_suspend_takes_a_card_out_of_sessions_counts_and_exports_until_unsuspended(cli, mini_collection):
    from mlsquiz.store import open_collection
    from mlsquiz.store.export_rows import export_cards

    assert due(cli)["new"] == 5
    result = cli("suspend", "b1")
    assert result.code == 0 and result.out == (
        "mini:b1: suspended (out of sessions, counts and exports until unsuspended).\n")
    assert flags(mini_collection, "b1")[0] == 1
    assert due(cli)["new"] == 4
    stats = json.loads(cli("stats", "--json", "--deck", "mini").out)
    assert stats["cards"]["suspended"] == 1 and stats["cards"]["new"] == 4
    assert sum(s["cards"] for s in stats["sections"]) == 4
    collection = open_collection(mini_collection)
    try:
        assert [row["card_id"] for row in export_cards(collection, "mini")] == ["c1", "m1", "o1", "t1"]
    finally:
        collection.close()
    assert cli("suspend", "mini:b1").out == "mini:b1: already suspended.\n"
    assert cli("unsuspend", "b1").code == 0
    assert due(cli)["new"] == 5 and flags(mini_collection, "b1")[0] == 0


def test_filters_ask_first_and_without_a_terminal_need_yes(cli, mini_collection):
    before = snapshot(mini_collection)
    result = cli("suspend", "--deck", "mini", "--section", "two")
    assert result.code == 2 and result.err == (
        "mlsquiz: 3 cards match: add --yes to suspend them all (no terminal to ask)\n")
    assert snapshot(mini_collection) == before
    result = cli("suspend", "--deck", "mini", "--section", "two", "--yes")
    assert result.code == 0 and result.out.startswith("Suspended 3 cards")
    assert [flags(mini_collection, c)[0] for c in ("b1", "c1", "m1", "o1", "t1")] == [0, 0, 1, 1, 1]
    assert cli("unsuspend", "--tag", "money").out.startswith("mini:t1: unsuspended")  # the one suspended
    assert cli("unsuspend", "--deck", "mini", "-y").out == "Unsuspended 2 cards: back in sessions.\n"
    assert cli("suspend", "b1", "c1", "-y").code == 0
    assert cli("suspend", "b1", "c1", "m1", "-y").out == (
        "Suspended 1 card: out of sessions, counts and exports until unsuspended. (2 unchanged: already suspended)\n")


def test_confirmation_on_a_terminal(mini_collection):
    term = Terminal(mini_collection, "suspend", "--deck", "mini", "--section", "one")
    term.wait_for(r"Suspend 2 cards \(out of sessions, counts and exports until unsuspended\)\? \[y/N\]")
    term.send("n", ENTER)
    assert "Nothing changed." in term.wait_for("Nothing changed") and term.finish() == 1
    assert flags(mini_collection, "b1")[0] == 0
    term = Terminal(mini_collection, "suspend", "--deck", "mini", "--section", "one")
    term.wait_for(r"\[y/N\]")
    term.send("y", ENTER)
    assert term.finish() == 0 and flags(mini_collection, "b1")[0] == 1 and flags(mini_collection, "c1")[0] == 1


@pytest.mark.parametrize("args, message", [
    (["suspend", "nope"], "mlsquiz: no card 'nope' (see 'mlsquiz cards')"),
    (["forget", "b1", "nope"], "mlsquiz: no card 'nope' (see 'mlsquiz cards')"),
    (["bury", "other:b1"], "mlsquiz: no card 'other:b1' in deck 'other' (see 'mlsquiz cards')"),
    (["suspend", "--tag", "no-such-tag"], "mlsquiz: no cards match (see 'mlsquiz cards' and 'mlsquiz decks')"),
    (["unsuspend", "--tag", "why"], "mlsquiz: no suspended cards match (see 'mlsquiz cards' and 'mlsquiz decks')"),
])
def test_an_unknown_card_is_one_line_and_changes_nothing(cli, mini_collection, args, message):
    before = snapshot(mini_collection)
    result = cli(*args)
    assert (result.code, result.err, result.out) == (1, message + "\n", "")
    assert snapshot(mini_collection) == before


def test_naming_no_cards_is_a_usage_error(cli, mini_collection):
    result = cli("bury")
    assert result.code == 2 and result.err.count("\n") == 1 and "name the cards" in result.err
    assert cli("suspend", "--deck", "nope").code == 2


def test_bury_takes_a_card_out_of_today_only(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-01 09:00")  # due 2026-03-02
    history.close()
    assert due(cli)["due"] == 1
    assert cli("bury", "b1", "c1", "--yes", "--now", "2026-03-02 09:00").out.startswith("Buried 2 cards")
    assert due(cli)["due"] == 0 and due(cli)["new"] == 3
    tomorrow = due(cli, "2026-03-03 09:00")
    assert tomorrow["due"] == 1 and tomorrow["new"] == 4
    assert cli("unbury", "b1", "--now", "2026-03-02 09:00").code == 0
    assert due(cli)["due"] == 1


def test_forget_resets_to_new_keeps_history_and_survives_a_replay(cli, mini_collection, local_zone):
    from mlsquiz.store import open_collection
    from mlsquiz.store.replay import recompute_states

    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-01 09:00")
    history.answer("b1", 1, "2026-03-02 09:00")
    history.close()
    streak_before = json.loads(cli("stats", "--json", "--now", "2026-03-02 10:00").out)["streak"]
    result = cli("forget", "b1", "--now", "2026-03-02 10:00")
    assert result.out == "mini:b1: forgot (back to new, review history kept).\n"
    state = query(mini_collection, "SELECT s.repetitions, s.interval, s.due, s.lapses, s.last_review, s.leech "
                                   "FROM card_state s JOIN cards c ON c.id = s.card WHERE c.card_id = 'b1'")
    assert state == [(0, 0, None, 0, None, 0)]
    kinds = query(mini_collection, "SELECT r.kind FROM reviews r JOIN cards c ON c.id = r.card "
                                   "WHERE c.card_id = 'b1' ORDER BY r.id")
    assert kinds == [("review",), ("review",), ("forget",)]
    stats = json.loads(cli("stats", "--json", "--now", "2026-03-02 10:00").out)
    assert stats["streak"] == streak_before and stats["today"]["reviews_done"] == 1  # a forget is no answer
    assert due(cli, "2026-03-02 10:00")["new"] == 5  # b1 is new again
    collection = open_collection(mini_collection)
    try:
        with collection.transaction() as conn:
            recompute_states(conn)
    finally:
        collection.close()
    assert query(mini_collection, "SELECT s.due, s.lapses FROM card_state s JOIN cards c ON c.id = s.card "
                                  "WHERE c.card_id = 'b1'") == [(None, 0)]


def test_card_counts_match_a_recount_after_management(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-01 09:00")
    history.answer("c1", 2, "2026-03-01 09:00")
    history.close()
    for args in (["suspend", "b1"], ["suspend", "--deck", "mini", "--section", "two", "-y"], ["forget", "c1"],
                 ["unsuspend", "m1"], ["bury", "o1"], ["forget", "b1"], ["unsuspend", "b1"]):
        assert cli(*args).code == 0, args
        kept = query(mini_collection, "SELECT deck, section, state, cards FROM card_counts WHERE cards > 0 "
                                      "AND deck = 'mini' ORDER BY 1, 2, 3")
        recount = query(mini_collection, """
            SELECT deck, section, CASE WHEN retired = 1 THEN 'retired' WHEN suspended = 1 THEN 'suspended'
              WHEN last_review IS NULL THEN 'new' WHEN repetitions < 2 THEN 'learning'
              WHEN interval >= 21 THEN 'mature' ELSE 'young' END AS state, count(*)
            FROM card_state WHERE deck = 'mini' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""")
        assert kept == recount, args
        days = query(mini_collection, "SELECT day, reviews FROM study_days ORDER BY day")
        assert days == query(mini_collection, "SELECT study_day, count(*) FROM reviews WHERE kind <> 'forget' "
                                              "GROUP BY study_day ORDER BY study_day"), args


def test_a_card_that_keeps_lapsing_becomes_a_suspended_leech_and_the_quiz_says_so(cli, mini_collection, local_zone):
    local_zone("UTC")
    assert cli("config", "leech_lapses", "2").code == 0
    history = History(mini_collection)
    history.answer("c1", 1, "2026-03-01 09:00")  # first lapse; due again 2026-03-02
    history.close()
    term = Terminal(mini_collection, "quiz", "--deck", "mini", "--new", "0")
    term.wait_for("Choose one")
    term.send("Lambda", ENTER)
    term.wait_for(r"\? Grade")
    term.send("1")  # second lapse: a leech
    screen = " ".join(term.wait_for("streak").split())
    assert "Leech: mini:c1 has lapsed 2 times; it is tagged a leech and suspended" in screen
    assert "Session done: 1 card reviewed in" in screen  # its re-drill left with it
    assert term.finish() == 0
    assert flags(mini_collection, "c1") == (1, None, 1)
    stats = json.loads(cli("stats", "--json", "--deck", "mini").out)
    assert [(l["id"], l["lapses"], l["suspended"]) for l in stats["leeches"]] == [("c1", 2, True)]
    assert "Leeches" in cli("stats", "--deck", "mini").out
    assert cli("unsuspend", "c1").code == 0 and flags(mini_collection, "c1") == (0, None, 1)  # still a leech


def test_leech_action_tag_keeps_the_card_in_sessions(cli, mini_collection, local_zone):
    local_zone("UTC")
    assert cli("config", "leech_lapses", "1").code == 0
    assert cli("config", "leech_action", "tag").code == 0
    assert cli("config", "leech_action", "delete").code == 2
    term = Terminal(mini_collection, "quiz", "--deck", "mini")
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for(r"\? Grade")
    term.send("0")
    screen = " ".join(term.wait_for("Choose one").split())
    assert "Leech: mini:b1 has lapsed 1 times; it is tagged a leech." in screen
    term.send("\x03")
    term.finish()
    assert flags(mini_collection, "b1") == (0, None, 1)


def test_a_collection_from_before_card_management_upgrades_with_its_counts(db_path, schema_before, cli):
    from mlsquiz.store import migrations
    from mlsquiz.store import open_collection

    from conftest import MINI_DECK

    schema_before(migrations.m006_card_management)
    assert cli("import", MINI_DECK).code == 0
    assert "suspended" not in {row[1] for row in query(db_path, "PRAGMA table_info(card_state)")}
    counts_sql = "SELECT deck, section, state, cards FROM card_counts WHERE cards > 0 ORDER BY 1, 2, 3"
    counts_before = query(db_path, counts_sql)
    schema_before(None)
    open_collection(db_path).close()
    assert {"suspended", "buried_until", "leech"} <= {row[1] for row in query(db_path, "PRAGMA table_info(card_state)")}
    assert query(db_path, counts_sql) == counts_before
    assert cli("suspend", "c1").code == 0 and cli("forget", "b1").code == 0
    assert ("mini", "one", "suspended", 1) in query(db_path, "SELECT deck, section, state, cards FROM card_counts")
    assert query(db_path, "SELECT count(*) FROM study_days") == [(0,)]  # the forget row is no study


def test_a_forgotten_card_moving_section_keeps_the_day_tables_equal_to_a_recount(cli, mini_collection, tmp_path,
                                                                                 local_zone):
    from conftest import MINI_DECK

    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-02 08:00")
    history.close()
    assert cli("forget", "b1").code == 0
    moved = tmp_path / "moved.toml"
    moved.write_text(MINI_DECK.read_text().replace('id = "b1"\ntype = "basic"\nsection = "one"',
                                                   'id = "b1"\ntype = "basic"\nsection = "two"'))
    assert "1 updated" in cli("import", moved).out
    kept = query(mini_collection,
                 "SELECT day, deck, section, reviews FROM section_days WHERE reviews > 0 ORDER BY 1, 2, 3")
    assert kept == query(mini_collection, """SELECT r.study_day, c.deck, c.section, count(*) FROM reviews r
        JOIN cards c ON c.id = r.card WHERE r.kind <> 'forget' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""")
