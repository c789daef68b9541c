"""The practice exam's pure parts (drawing across sections, the scale) and its bad input, without a terminal."""

import datetime
import random
import sqlite3

import pytest

from mlsquiz.exam.practice import ExamFacts, allocate, draw, score

BUNDLED = ExamFacts(65, 180, 100, 1000, 750, True)


def test_questions_follow_each_sections_share_of_cards_with_largest_remainders():
    # 10 questions over 20 / 6 / 14 cards: 5, 1.5, 3.5 -> 5, 2, 3 (ties go to the earlier section)
    assert allocate(10, {"a": 20, "b": 6, "c": 14}, {"a": 20, "b": 6, "c": 14}) == {"a": 5, "b": 2, "c": 3}
    assert sum(allocate(65, {"a": 20, "b": 6, "c": 14, "d": 31}, {"a": 20, "b": 6, "c": 14, "d": 31}).values()) == 65


def test_declared_weights_win_and_a_small_section_gives_what_it_has():
    # weights 1:1 but section b has only 2 cards: b gives 2, a takes the other 8
    assert allocate(10, {"a": 30, "b": 2}, {"a": 1, "b": 1}) == {"a": 8, "b": 2}
    assert allocate(4, {"a": 30, "b": 30}, {"a": 3, "b": 1}) == {"a": 3, "b": 1}
    assert allocate(10, {"a": 3, "b": 2}, {"a": 1, "b": 1}) == {"a": 3, "b": 2}  # fewer cards than asked


def test_draw_takes_distinct_cards_in_those_numbers():
    cards = [{"id": n, "section": "a" if n < 20 else "b"} for n in range(30)]
    drawn = draw(cards, 12, None, random.Random(3))
    assert len({c["id"] for c in drawn}) == 12
    assert sum(c["section"] == "a" for c in drawn) == 8  # 20/30 of 12


def test_scaled_score_pass_mark_and_sections_by_hand():
    # 49 of 65 right: 100 + 900 * 49 / 65 = 778.46 -> 778, a pass at 750; 48 of 65 -> 764.6 -> 765
    outcomes = [("a", True)] * 30 + [("b", True)] * 19 + [("b", False)] * 10 + [("b", None)] * 6
    result = score(outcomes, BUNDLED, ["a", "b"])
    assert (result.right, result.answered, result.scaled, result.passed) == (49, 59, 778, True)
    assert result.sections == [{"section": "a", "questions": 30, "right": 30, "scaled": 1000},
                               {"section": "b", "questions": 35, "right": 19, "scaled": 589}]  # 100 + 900*19/35
    assert score([("a", True)] * 42 + [("a", False)] * 23, BUNDLED, ["a"]).scaled == 682  # 100 + 900*42/65
    assert not score([("a", True)] * 42 + [("a", False)] * 23, BUNDLED, ["a"]).passed


def test_the_bundled_decks_facts_and_time_per_question():
    facts = ExamFacts.from_meta({"exam": {"questions": 65, "minutes": 180, "pass_mark": 750, "score_min": 100,
                                          "score_max": 1000, "historical": True}})
    assert facts == BUNDLED
    assert facts.minutes_for(65) == 180 and facts.minutes_for(20) == 56  # ceil(180 * 20 / 65)
    assert ExamFacts.from_meta({}).questions == 30 and ExamFacts.from_meta({}).minutes_for(30) == 60


@pytest.mark.parametrize("args", [("--questions", "0"), ("--questions", "6"), ("--minutes", "0"),
                                  ("--minutes", "-3"), ("--questions", "x")])
def test_bad_practice_options_are_one_line_exit_2_and_change_nothing(cli, mini_collection, args):
    result = cli("exam", "practice", "--deck", "mini", *args)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err
    assert sqlite3.connect(mini_collection).execute("SELECT count(*) FROM practice_attempts").fetchone() == (0,)


def test_a_deck_without_auto_checked_cards_says_so(cli, tmp_path):
    deck = tmp_path / "basic.toml"
    deck.write_text('[deck]\nid = "basic"\nname = "Basic"\n\n[[sections]]\nid = "s"\ntitle = "S"\n\n'
                    '[[cards]]\nid = "b"\ntype = "basic"\nsection = "s"\nprompt = "Why?"\nanswer = "Because."\n'
                    'explanation = "So."\n')
    assert cli("import", deck).code == 0
    result = cli("exam", "practice", "--deck", "basic")
    assert result.code == 1
    assert result.err.strip() == ("mlsquiz: basic has no auto-checked cards (choice, multi, order, typed, matching) for a "
                                  "practice exam")


def test_exam_answers_are_never_replayed_into_the_schedule(mini_collection):
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import save_practice_answer, start_attempt
    from mlsquiz.store.replay import recompute_states

    collection = open_synced(str(mini_collection))
    card = collection.conn.execute("SELECT id FROM cards WHERE card_id = 'c1'").fetchone()[0]
    before = collection.conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
    attempt = start_attempt(collection, "mini", "2026-03-02T09:00:00Z", datetime.date(2026, 3, 2), 600,
                            [(card, "one")])
    save_practice_answer(collection, attempt, 0, card, "Lambda", False, "2026-03-02T09:00:01Z",
                         datetime.date(2026, 3, 2), 900)
    save_practice_answer(collection, attempt, 0, card, "SageMaker", True, "2026-03-02T09:00:02Z",
                         datetime.date(2026, 3, 2), 800)  # the changed answer replaces the first
    with collection.transaction() as conn:
        assert recompute_states(conn) == 0
    after = collection.conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
    rows = collection.conn.execute("SELECT kind, grade FROM reviews").fetchall()
    kept = collection.conn.execute("SELECT sum(reviews), sum(scheduled), sum(answer_ms) FROM section_days").fetchone()
    collection.close()
    assert tuple(before) == tuple(after)
    assert [tuple(r) for r in rows] == [("exam", 4)]
    assert tuple(kept) == (1, 0, 800)


def test_requeued_cards_join_the_next_days_quiz_until_answered(mini_collection):
    from types import SimpleNamespace

    from mlsquiz.scheduling import sm2
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.commands.quiz import build_session
    from mlsquiz.settings import effective_settings
    from mlsquiz.store.practice import requeue
    from mlsquiz.store.study import read_settings, record_answer

    collection = open_synced(str(mini_collection))
    settings = {**effective_settings(read_settings(collection)), "new_per_day": 0}
    args = SimpleNamespace(cram=False, deck="mini", limit=None, new=None, section=None, tag=None)
    c1 = collection.conn.execute("SELECT id FROM cards WHERE card_id = 'c1'").fetchone()[0]
    day = datetime.date(2026, 3, 2)
    record_answer(collection, c1, 5, "review", "2026-03-02T09:00:00Z", day, 1000, lambda s: sm2.review(s, 5, day))
    requeue(collection, [c1], datetime.date(2026, 3, 3))
    before = [step.card["card_id"] for step in build_session(collection, args, day, settings).queue]
    on_the_day = [step.card["card_id"] for step in build_session(collection, args, day + datetime.timedelta(days=1),
                                                                 settings).queue]
    later = datetime.date(2026, 3, 3)
    record_answer(collection, c1, 4, "review", "2026-03-03T09:00:00Z", later, 1000, lambda s: sm2.review(s, 4, later))
    after = [step.card["card_id"] for step in build_session(collection, args, later, settings).queue]
    collection.close()
    assert (before, on_the_day, after) == ([], ["c1"], [])


def test_due_counts_requeued_cards_as_the_quiz_shows_them(cli, mini_collection):
    import json

    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import requeue

    from history import History

    history = History(mini_collection)
    history.answer("c1", 5, "2026-03-02 09:00")  # due again on 03-03 anyway
    history.close()
    collection = open_synced(str(mini_collection))
    cards = dict(collection.conn.execute("SELECT card_id, id FROM cards WHERE deck = 'mini'").fetchall())
    requeue(collection, [cards["c1"], cards["m1"], cards["t1"]], datetime.date(2026, 3, 3))
    collection.close()
    assert cli("config", "new_per_day", "1").code == 0
    figures = json.loads(cli("--now", "2026-03-03 09:00", "due", "--deck", "mini", "--json").out)
    # c1 is due anyway (counted once); b1 is today's one new card; m1 and t1 come on top of the due ones.
    assert (figures["due"], figures["new"]) == (1 + 2, 1)


def test_practice_answers_never_use_up_todays_review_limit(cli, mini_collection):
    """Issue 27: practice-exam answers are never scheduled reviews, so the quiz's and `due`'s daily review allowance
    is the same before and after a practice exam of the day."""
    import json

    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import save_practice_answer, start_attempt
    from mlsquiz.store.study import studied_on

    day = datetime.date(2026, 3, 2)
    assert cli("--now", "2026-03-02 08:00", "config", "reviews_per_day", "1").code == 0
    before = json.loads(cli("--now", "2026-03-05 09:00", "due", "--json").out)
    collection = open_synced(str(mini_collection))
    cards = [row[0] for row in collection.conn.execute("SELECT id FROM cards ORDER BY id")]
    attempt = start_attempt(collection, "mini", "2026-03-05T09:00:00Z", day + datetime.timedelta(days=3), 600,
                            [(card, "one") for card in cards])
    for position, card in enumerate(cards):
        save_practice_answer(collection, attempt, position, card, "x", True, f"2026-03-05T09:00:0{position}Z",
                             day + datetime.timedelta(days=3), 500)
    assert studied_on(collection, day + datetime.timedelta(days=3)) == (0, 0)
    collection.close()
    after = json.loads(cli("--now", "2026-03-05 09:30", "due", "--json").out)
    assert after["due_within_limit"] == before["due_within_limit"]
