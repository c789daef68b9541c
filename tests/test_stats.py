import datetime
import json
import os
import subprocess
import sys

import pytest

from history import History


def stats(cli, now, *extra):
    result = cli("stats", "--json", "--deck", "mini", "--now", now, *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.fixture
def known_history(mini_collection, local_zone):
    local_zone("Europe/Berlin")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.answer("c1", 2, "2026-03-02 09:05")
    history.answer("m1", 4, "2026-03-02 09:10")
    history.answer("o1", 3, "2026-03-03 02:30")  # before 04:00: still the study day of 2026-03-02
    history.answer("b1", 4, "2026-03-03 10:00")
    history.answer("c1", 5, "2026-03-03 10:05")
    history.answer("c1", 1, "2026-03-05 09:00", ms=4_000)
    history.answer("c1", 4, "2026-03-05 09:02", kind="drill", ms=2_000)
    history.close()
    return mini_collection


def test_figures_match_a_hand_computed_history(cli, known_history):
    figures = stats(cli, "2026-03-05 12:00", "--days", "7")
    assert figures["today"] == {"due": 2, "overdue": 2, "new_available": 1, "reviews_done": 2,
                                "cards_reviewed": 1, "redrills": 1, "time_spent_seconds": 6, "practice_answers": 0,
                                "practice_seconds": 0}
    assert figures["cards"] == {"new": 1, "learning": 3, "young": 1, "mature": 0, "retired": 0, "suspended": 0}
    assert [(e["date"], e["due"]) for e in figures["forecast"] if e["due"]] == [
        ("2026-03-05", 2), ("2026-03-06", 1), ("2026-03-09", 1)]
    assert len(figures["forecast"]) == 7
    assert figures["retention"] == {"last_7_days": round(5 / 7, 3), "reviews_7_days": 7,
                                    "last_30_days": round(5 / 7, 3), "reviews_30_days": 7,
                                    "predicted_now": 0.923, "predicted_cards": 4}  # FSRS recall, test_memory checks it
    assert figures["streak"] == {"current": 1, "longest": 2}
    history = {e["date"]: e["reviews"] for e in figures["history"] if e["reviews"]}
    assert history == {"2026-03-02": 4, "2026-03-03": 2, "2026-03-05": 2}
    assert figures["hardest"][0]["id"] == "c1" and figures["hardest"][0]["lapses"] == 2
    assert figures["hardest"][0]["ease"] == pytest.approx(1.74)
    sections = {s["section"]: s for s in figures["sections"]}
    assert (sections["one"]["seen"], sections["one"]["retention"]) == (2, 0.6)  # b1: 5, 4; c1: 2, 5, 1


def test_streak_still_open_until_the_day_ends(cli, known_history):
    assert stats(cli, "2026-03-06 20:00")["streak"] == {"current": 1, "longest": 2}
    assert stats(cli, "2026-03-07 05:00")["streak"] == {"current": 0, "longest": 2}


@pytest.mark.parametrize("zone, spring_day", [("Europe/Berlin", 29), ("America/New_York", 8)])
def test_streak_and_history_across_a_dst_change(cli, mini_collection, local_zone, zone, spring_day):
    local_zone(zone)
    history = History(mini_collection)
    day = datetime.date(2026, 3, spring_day)
    before, after = day - datetime.timedelta(days=1), day + datetime.timedelta(days=1)
    history.answer("b1", 5, f"{before} 10:00")
    history.answer("c1", 5, f"{day} 03:30")  # the night the clocks jump: still the day before
    history.answer("m1", 5, f"{day} 10:00")
    history.answer("o1", 5, f"{after} 09:00")
    history.close()
    figures = stats(cli, f"{after} 12:00")
    assert figures["streak"] == {"current": 3, "longest": 3}
    days = {e["date"]: e["reviews"] for e in figures["history"] if e["reviews"]}
    assert days == {str(before): 2, str(day): 1, str(after): 1}


def test_sixty_days_of_study_with_a_break(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    start = datetime.date(2026, 1, 1)
    for offset in range(60):
        if offset in (40, 41):
            continue
        day = start + datetime.timedelta(days=offset)
        if offset in (0, 1, 7, 24):  # graded 5 every time, all four cards fall due together: 1, 6, 17, 48 days
            for card in ("b1", "c1", "m1", "o1"):
                history.answer(card, 5, f"{day} 08:00")
        history.answer("t1", 5, f"{day} 08:30", kind="cram")
    history.close()
    last = start + datetime.timedelta(days=59)
    figures = stats(cli, f"{last} 20:00")
    assert figures["streak"] == {"current": 18, "longest": 40}
    assert figures["cards"] == {"new": 1, "learning": 0, "young": 0, "mature": 4, "retired": 0, "suspended": 0}
    due_days = [(e["date"], e["due"]) for e in figures["forecast"] if e["due"]]
    assert due_days == [(str(start + datetime.timedelta(days=72)), 4)]
    assert figures["retention"]["last_30_days"] is None  # cram reviews are not scheduled reviews
    assert sum(e["reviews"] for e in figures["history"]) == 28  # days 30..59 minus the break, one cram each
    assert figures["ease"]["average"] == pytest.approx(2.9)


def test_json_keys_are_stable(cli, mini_collection):
    figures = stats(cli, "2026-03-02 09:00")
    assert list(figures) == ["deck", "study_day", "today", "cards", "forecast", "history", "retention", "streak",
                             "ease", "hardest", "calendar", "leeches", "sections", "exam", "calibration"]
    assert list(figures["today"]) == ["due", "overdue", "new_available", "reviews_done", "cards_reviewed", "redrills",
                                      "time_spent_seconds", "practice_answers", "practice_seconds"]
    assert list(figures["ease"]) == ["average", "cards", "distribution"]


def run_stats_process(db, **env):
    return subprocess.run([sys.executable, "-m", "mlsquiz", "--db", str(db), "--now", "2026-03-05 12:00", "stats"],
                          capture_output=True, env={**os.environ, "TZ": "Europe/Berlin", **env})


def test_text_fits_80_columns_without_colour(known_history):
    done = run_stats_process(known_history, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0
    assert "\x1b" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "█" in text and "Retention" in text


def test_ascii_fallback_when_the_terminal_cannot_show_blocks(known_history):
    done = run_stats_process(known_history, PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("ascii")  # raises if anything outside ASCII was written
    assert "#" in text and "|" in text


def test_trigger_kept_counts_match_a_recount_after_answers_undo_and_retirement(cli, known_history, tmp_path):
    import sqlite3

    from mlsquiz.store.card_counts import current_card_state_name
    from mlsquiz.store import open_collection
    from mlsquiz.store.study import undo_review

    history = History(known_history)
    saved = history.answer("t1", 0, "2026-03-05 10:00")
    undo_review(history.collection, saved.review_id)
    history.close()
    trimmed = tmp_path / "trimmed.toml"
    from conftest import MINI_DECK

    source = MINI_DECK.read_text()
    trimmed.write_text(source[: source.index('[[cards]]\nid = "o1"')])  # retires o1 and t1
    assert cli("import", trimmed).code == 0
    conn = sqlite3.connect(known_history)
    kept = sorted(conn.execute("SELECT deck, section, state, ease, cards FROM card_counts WHERE cards > 0"))
    recount = sorted(conn.execute(
        f"""SELECT deck, section, {current_card_state_name("s")}, round(ease, 2), count(*) FROM card_state s
            GROUP BY 1, 2, 3, 4"""))
    assert kept == recount
    days = sorted(conn.execute("SELECT day, sum(reviews) FROM section_days GROUP BY day HAVING sum(reviews) > 0"))
    assert days == sorted(conn.execute("SELECT study_day, count(*) FROM reviews GROUP BY study_day"))
    open_collection(known_history).close()
